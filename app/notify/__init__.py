"""Notices to customers by e-mail (issue 11): rendered in the customer's language when an order event calls for
one (:mod:`app.notify.hooks`), kept in a durable outbox (:mod:`app.notify.outbox`), sent over SMTP with
retries (:mod:`app.notify.smtp`) by a worker (:mod:`app.notify.worker`) that ``station serve`` runs in the
background and ``station notify run`` runs alone.

Settings: ``smtp`` (``host``, ``port``, ``tls``: none, starttls or ssl, ``sender``, ``user``, ``password``,
``timeout``), ``tracking_base_url`` (the links in the mails), ``notify.language`` (``en`` or ``zh_CN`` for
every mail; otherwise Chinese for orders to CN, HK, MO and TW, English for the rest)."""
