"""The station's own JSON order format (docs/intake-formats.md).

A document is ``{"orders": [order, ...]}`` (optionally with ``"format": "warehouse-station/orders"`` and
``"version": 1``) or a bare list of orders. Each order that cannot be read becomes a ``RecordError`` naming
the order and the field; the others go through.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.errors import InvalidInput
from app.intake.formats import _common as f
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder, RecordError, RecordStream

FORMAT = "json"
FORMAT_TAG = "warehouse-station/orders"
SUPPORTED_VERSIONS = (1,)

ADDRESS_FIELDS = ("name", "company", "address1", "address2", "city", "region", "postcode", "country", "phone", "email")
ADDRESS_LIMITS = {"country": 2, "name": 200, "company": 200, "address1": 300, "address2": 300, "city": 100, "region": 100,
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


_PRIORITY = {None: 0, "": 0, "normal": 0, "high": 1, "urgent": 2, 0: 0, 1: 1, 2: 2}
_SERVICE = {None: "standard", "": "standard", "standard": "standard", "next_day": "next_day",
            "scheduled": "scheduled"}
_PAYMENT: dict[str | None, str] = {None: "pending", "": "pending", **{s: s for s in f.PAYMENT_STATUSES}}
_CURRENCY = {None: "CNY", "": "CNY", "CNY": "CNY", "USD": "USD", "EUR": "EUR", "HKD": "HKD", "JPY": "JPY"}
_PAID = ("paid", "refunded", "partially_refunded")
_SIMPLE = (str, int, type(None))


def _pick(table: dict, value: Any, slow, field: str):
    """``table[value]`` for the usual values, else the checked reader (which explains a bad one)."""
    if type(value) in _SIMPLE:  # bool excluded: True would look up as 1
        found = table.get(value)
        if found is not None:
            return found
    return slow(value, field)


def _short(value: Any, field: str, limit: int) -> str:
    if type(value) is str and len(value) <= limit:
        return value.strip()
    return f.text(value, field, max_length=limit)


def _order(raw: dict, record: str, default_channel: str) -> IncomingOrder:
    """One order. The usual shapes take fast paths; every fault goes through the checked readers of
    ``_common`` so that the message names the field (this runs 100,000 times for a big file)."""
    get = raw.get
    external_id = _short(get("external_id"), "external_id", 100)
    if not external_id:
        raise f.FieldError("external_id: missing")
    channel = _short(get("channel"), "channel", 40) or default_channel
    if not channel:
        raise f.FieldError("channel: missing")
    placed_at = f.timestamp(get("placed_at"), "placed_at")

    raw_lines = get("lines")
    if type(raw_lines) is not list:
        raw_lines = f.sequence(raw_lines, "lines")
    if not raw_lines:
        raise f.FieldError("lines: an order needs at least one line")
    lines = []
    goods = 0
    for i, raw_line in enumerate(raw_lines):
        line = _line(raw_line, i)
        if line.quantity_text:  # what the quantity as written costs; the order waits for a person to decide
            goods += int((line.unit_price_cents * Decimal(line.quantity_text)).to_integral_value(ROUND_HALF_UP))
        else:
            goods += line.unit_price_cents * line.quantity
        lines.append(line)

    customer = get("customer")
    if type(customer) is not dict:
        customer = f.mapping(customer, "customer")
    ship_to = get("ship_to")
    ship_to = _address(ship_to, "ship_to") if ship_to is not None else IncomingAddress()
    coupon = get("coupon")
    coupon = f.mapping(coupon, "coupon") if coupon is not None else {}
    points = get("points")
    points = f.mapping(points, "points") if points is not None else {}
    payment = get("payment")
    payment = f.mapping(payment, "payment") if payment is not None else {}

    stated_goods = get("goods")
    if stated_goods is not None and stated_goods != "":
        goods = f.nonnegative_cents(stated_goods, "goods")
    coupon_cents = f.nonnegative_cents(coupon["amount"], "coupon.amount") if "amount" in coupon else 0
    points_cents = f.nonnegative_cents(points["amount"], "points.amount") if "amount" in points else 0
    shipping = get("shipping")
    shipping_cents = f.nonnegative_cents(shipping, "shipping") if shipping is not None else 0
    status = _pick(_PAYMENT, payment.get("status"), f.payment_status, "payment.status")
    paid = payment.get("amount")
    if paid is not None and paid != "":
        paid = f.nonnegative_cents(paid, "payment.amount")
    elif status in _PAID:
        paid = max(goods - coupon_cents - points_cents + shipping_cents, 0)
    else:
        paid = 0
    total = get("total")
    used = points.get("used")
    promised = get("promised_ship_at")
    note = get("note")

    return IncomingOrder(
        channel=channel,
        external_id=external_id,
        placed_at=placed_at,
        lines=lines,
        ship_to=ship_to,
        customer_email=_short(customer.get("email"), "customer.email", 254),
        customer_name=_short(customer.get("name"), "customer.name", 200),
        customer_phone=_short(customer.get("phone"), "customer.phone", 40),
        currency=_pick(_CURRENCY, get("currency"), f.currency, "currency"),
        goods_cents=goods,
        coupon_code=_short(coupon.get("code"), "coupon.code", 64),
        coupon_cents=coupon_cents,
        points_used=0 if used is None else f.whole_number(used, "points.used", minimum=0),
        points_cents=points_cents,
        shipping_cents=shipping_cents,
        paid_cents=paid,
        payment_status=status,
        payment_reference=_short(payment.get("reference"), "payment.reference", 100),
        priority=_pick(_PRIORITY, get("priority"), f.priority, "priority"),
        service_level=_pick(_SERVICE, get("service_level"), f.service_level, "service_level"),
        promised_ship_at=None if promised is None else f.timestamp(promised, "promised_ship_at", required=False),
        note="" if note is None else f.text(note, "note"),
        record=record,
        stated_total_cents=0 if total is None else f.nonnegative_cents(total, "total"),
    )


def _line(raw: Any, index: int) -> IncomingLine:
    """One line; the common shapes take the fast path, anything else the checked one (field paths are only
    formatted on that path: this runs for every line of a 100,000-order file)."""
    if type(raw) is not dict:
        raise f.FieldError(f"lines[{index}]: expected a line object, got {type(raw).__name__}")
    get = raw.get
    sku = get("sku")
    if type(sku) is not str or len(sku) > 64:
        sku = f.text(sku, f"lines[{index}].sku", max_length=64)
    else:
        sku = sku.strip()
    gtin = get("gtin")
    gtin = f.gtin(gtin, f"lines[{index}].gtin") if gtin else ""
    if not sku and not gtin:
        raise f.FieldError(f"lines[{index}]: needs a sku or a gtin")
    quantity = get("quantity")
    quantity_text = ""
    if type(quantity) is not int or quantity < 1:
        if "quantity" not in raw:
            raise f.FieldError(f"lines[{index}].quantity: missing")
        quantity, quantity_text = f.quantity(quantity, f"lines[{index}].quantity")
    name = get("name")
    if name is None:
        name = ""
    elif type(name) is not str or len(name) > 300:
        name = f.text(name, f"lines[{index}].name", max_length=300)
    price = get("price")
    price = f.nonnegative_cents(price, f"lines[{index}].price") if price is not None else 0
    return IncomingLine(sku=sku, quantity=quantity, gtin=gtin, name=name, unit_price_cents=price,
                        quantity_text=quantity_text)


def _address(raw: Any, path: str) -> IncomingAddress:
    values = f.mapping(raw, path)
    if not values:
        return IncomingAddress()
    out = {}
    for key, value in values.items():
        limit = ADDRESS_LIMITS.get(key)
        if limit is not None:
            if type(value) is str and len(value) <= limit:
                out[key] = value.strip()
            else:
                out[key] = f.text(value, f"{path}.{key}", max_length=limit)
    if "country" in values:
        out["country"] = f.country(values["country"], f"{path}.country")
    return IncomingAddress(**out)


address = _address
