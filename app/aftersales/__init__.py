"""After the parcel leaves (issue 7; seed 4.1 and 4.2): plain-Python services, no Qt, no HTTP.

* :mod:`app.aftersales.tracking`: ``lookup(session, query) -> TrackingView`` (timeline, where, expected
  delivery, delay) by order number, tracking number, SSCC, return number or a label's QR text.
* :mod:`app.aftersales.carrier_events`: ``ingest(session, payload)`` / ``ingest_file(session, bytes, name)``:
  carrier scans (documented JSON and CSV formats) onto the timeline.
* :mod:`app.aftersales.policy` and :mod:`app.aftersales.returns`: the configurable returns policy,
  ``policy_check``, ``request_return``, return labels, receiving, inspection, restocking, refunds
  (:mod:`app.aftersales.refunds`, coupons and points pro rata) and exchange orders.
* :mod:`app.aftersales.surveys`: ``record_answer``, ``import_csv``, ``scores``.

Every function takes a SQLAlchemy session and leaves the commit to its caller (``UnitOfWork``), except
``returns.create_exchange_order`` which runs the intake service's own transactions.
"""
