"""One module per order file format; each exposes ``parse(data: bytes, source: str)``.

``parse`` raises ``app.errors.InvalidInput`` at once for a whole-file fault and otherwise returns a
``RecordStream`` of ``IncomingOrder`` and ``RecordError`` records (see ``app.intake.model``).
"""

FORMATS = ("json", "csv", "shopify", "woocommerce", "edifact")
