"""The station's own JSON order format (docs/intake-formats.md).

A document is ``{"orders": [order, ...]}`` (optionally with ``"format": "warehouse-station/orders"`` and
``"version": 1``) or a bare list of orders. Each order that cannot be read becomes a ``RecordError`` naming
the order and the field; the others go through.
"""

from __future__ import annotations

from typing import Any, Iterator

from app.errors import InvalidInput
from app.intake.formats import _common as f
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder, RecordError, RecordStream

FORMAT = "json"
FORMAT_TAG = "warehouse-station/orders"
SUPPORTED_VERSIONS = (1,)

ADDRESS_FIELDS = ("name", "company", "address1", "address2", "city", "region", "postcode", "country", "phone", "email")
ADDRESS_LIMITS = {"name": 200, "company": 200, "address1": 300, "address2": 300, "city": 100, "region": 100,
                  "postcode": 20, "phone": 40, "email": 254}


def parse(data: bytes, source: str) -> RecordStream:
    """Every order of a native JSON file; raises ``InvalidInput`` at once if the file is not such a document."""
    return parse_document(f.load_json(data, source), source)


def orders_of(document: Any, source: str) -> list:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        tag = document.get("format")
        if tag is not None and tag != FORMAT_TAG:
            raise InvalidInput(f"{source}: format {tag!r} is not {FORMAT_TAG!r}")
        version = document.get("version", 1)
        if version not in SUPPORTED_VERSIONS:
            raise InvalidInput(f"{source}: version {version!r} of the order format is not supported (only 1)")
        orders = document.get("orders")
        if isinstance(orders, list):
            return orders
        if "external_id" in document and "lines" in document:
            return [document]  # a single order on its own
        raise InvalidInput(f'{source}: no "orders" list at the top of the document')
    raise InvalidInput(f"{source}: expected a JSON object with an \"orders\" list, got {type(document).__name__}")


def parse_document(document: Any, source: str) -> RecordStream:
    orders = orders_of(document, source)
    f.require_key(orders, ("external_id", "lines"), source, "the station's order format")
    default_channel = ""
    if isinstance(document, dict) and isinstance(document.get("channel"), str) and "orders" in document:
        default_channel = document["channel"].strip()[:40]
    return RecordStream(_records(orders, default_channel), total=len(orders), format=FORMAT)


def _records(orders: list, default_channel: str) -> Iterator[IncomingOrder | RecordError]:
    for index, raw in enumerate(orders):
        yield parse_order(raw, index, default_channel=default_channel)


def record_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict):
        ext = raw.get("external_id")
        if isinstance(ext, (str, int)) and not isinstance(ext, bool) and str(ext).strip():
            return f"order {str(ext).strip()[:100]}"
    return f"orders[{index}]"


def parse_order(raw: Any, index: int, *, default_channel: str = "") -> IncomingOrder | RecordError:
    record = record_name(raw, index)
    if not isinstance(raw, dict):
        return RecordError(record, f"expected an order object, got {type(raw).__name__}")
    try:
        return _order(raw, record, default_channel)
    except f.FieldError as exc:
        return RecordError(record, str(exc))


def _order(raw: dict, record: str, default_channel: str) -> IncomingOrder:
    get = raw.get
    external_id = f.text(get("external_id"), "external_id", max_length=100)
    if not external_id:
        raise f.FieldError("external_id: missing")
    channel = f.text(get("channel"), "channel", max_length=40) or default_channel
    if not channel:
        raise f.FieldError("channel: missing")
    placed_at = f.timestamp(get("placed_at"), "placed_at")

    raw_lines = f.sequence(get("lines"), "lines")
    if not raw_lines:
        raise f.FieldError("lines: an order needs at least one line")
    lines = []
    goods = 0
    for i, raw_line in enumerate(raw_lines):
        line = _line(raw_line, f"lines[{i}]")
        goods += line.unit_price_cents * line.quantity
        lines.append(line)

    customer = f.mapping(get("customer"), "customer")
    ship_to = _address(get("ship_to"), "ship_to")
    coupon = f.mapping(get("coupon"), "coupon")
    points = f.mapping(get("points"), "points")
    payment = f.mapping(get("payment"), "payment")

    if get("goods") not in (None, ""):
        goods = f.nonnegative_cents(get("goods"), "goods")
    coupon_cents = f.nonnegative_cents(coupon.get("amount"), "coupon.amount")
    points_cents = f.nonnegative_cents(points.get("amount"), "points.amount")
    shipping_cents = f.nonnegative_cents(get("shipping"), "shipping")
    status = f.payment_status(payment.get("status"), "payment.status")
    due = goods - coupon_cents - points_cents + shipping_cents
    if payment.get("amount") not in (None, ""):
        paid = f.nonnegative_cents(payment.get("amount"), "payment.amount")
    else:
        paid = max(due, 0) if status in ("paid", "refunded", "partially_refunded") else 0

    return IncomingOrder(
        channel=channel,
        external_id=external_id,
        placed_at=placed_at,
        lines=lines,
        ship_to=ship_to,
        customer_email=f.text(customer.get("email"), "customer.email", max_length=254),
        customer_name=f.text(customer.get("name"), "customer.name", max_length=200),
        customer_phone=f.text(customer.get("phone"), "customer.phone", max_length=40),
        currency=f.currency(get("currency"), "currency"),
        goods_cents=goods,
        coupon_code=f.text(coupon.get("code"), "coupon.code", max_length=64),
        coupon_cents=coupon_cents,
        points_used=f.whole_number(points.get("used", 0), "points.used", minimum=0),
        points_cents=points_cents,
        shipping_cents=shipping_cents,
        paid_cents=paid,
        payment_status=status,
        payment_reference=f.text(payment.get("reference"), "payment.reference", max_length=100),
        priority=f.priority(get("priority"), "priority"),
        service_level=f.service_level(get("service_level"), "service_level"),
        promised_ship_at=f.timestamp(get("promised_ship_at"), "promised_ship_at", required=False),
        note=f.text(get("note"), "note"),
        record=record,
        stated_total_cents=f.nonnegative_cents(get("total"), "total"),
    )


def _line(raw: Any, path: str) -> IncomingLine:
    if not isinstance(raw, dict):
        raise f.FieldError(f"{path}: expected a line object, got {type(raw).__name__}")
    sku = f.text(raw.get("sku"), f"{path}.sku", max_length=64)
    gtin = f.gtin(raw.get("gtin"), f"{path}.gtin")
    if not sku and not gtin:
        raise f.FieldError(f"{path}: needs a sku or a gtin")
    if "quantity" not in raw:
        raise f.FieldError(f"{path}.quantity: missing")
    return IncomingLine(
        sku=sku,
        quantity=f.whole_number(raw["quantity"], f"{path}.quantity", minimum=1),
        gtin=gtin,
        name=f.text(raw.get("name"), f"{path}.name", max_length=300),
        unit_price_cents=f.nonnegative_cents(raw.get("price"), f"{path}.price"),
    )


def _address(raw: Any, path: str) -> IncomingAddress:
    values = f.mapping(raw, path)
    if not values:
        return IncomingAddress()
    out = {}
    for key in ADDRESS_FIELDS:
        if key == "country":
            out[key] = f.country(values.get(key), f"{path}.country")
        else:
            out[key] = f.text(values.get(key), f"{path}.{key}", max_length=ADDRESS_LIMITS[key])
    return IncomingAddress(**out)


address = _address
