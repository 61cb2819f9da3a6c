"""Shopify Admin REST orders (``GET /admin/api/<version>/orders.json`` and the ``orders/create`` webhook).

Accepted documents: ``{"orders": [...]}``, ``{"order": {...}}``, a bare order object (a webhook body) or a
list of order objects. Mapping (docs/intake-formats.md):

* ``id`` -> external_id, ``name`` ("#1001") -> external_ref and the record's name; channel ``shopify``.
* ``created_at`` (ISO 8601 with offset) -> placed_at.
* ``line_items``: ``sku``, ``barcode`` (when the payload carries it and it is a GTIN), ``quantity``
  (``current_quantity`` when present: lines removed by an order edit are left out), ``price``, ``name``.
  Gift-card lines (``gift_card: true``) ship nothing and are left out.
* ``shipping_address``: name, company, address1/2, city, ``province_code`` (else ``province``), ``zip``,
  ``country_code``, phone.
* ``total_line_items_price`` -> goods; ``total_discounts`` -> coupon (less the points part);
  ``discount_codes[0].code`` -> coupon_code; ``shipping_lines[].price`` -> shipping; ``total_price`` ->
  stated total; ``total_outstanding`` gives what is still unpaid; ``total_tax`` -> tax_cents unless
  ``taxes_included`` (then the tax is inside the prices).
* Points: Shopify has no loyalty points of its own; loyalty apps redeem points as discount codes. A discount
  code starting with one of ``POINTS_CODE_PREFIXES`` counts as points (its amount -> points_cents), and a note
  attribute ``points_used`` gives the number of points. Gift cards are a payment method: they count as paid.
* ``financial_status``: paid -> paid; authorized -> authorized; pending, partially_paid -> pending; refunded -> refunded;
  partially_refunded -> partially_refunded; voided -> failed.
* ``shipping_lines[0].code``/``title`` with "express", "next day", ... -> service level next_day (priority 1);
  tags ``urgent`` -> priority 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.errors import InvalidInput
from app.intake.formats import _common as f
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder, RecordError, RecordStream

FORMAT = "shopify"
CHANNEL = "shopify"
POINTS_CODE_PREFIXES = ("POINTS", "LOYALTY", "积分")

FINANCIAL_STATUS = {
    "paid": "paid",
    "pending": "pending",
    "authorized": "authorized",
    "partially_paid": "pending",
    "refunded": "refunded",
    "partially_refunded": "partially_refunded",
    "voided": "failed",
}
SHOPIFY_MARKERS = ("financial_status", "admin_graphql_api_id", "total_line_items_price", "fulfillment_status",
                   "order_number", "shipping_lines", "discount_codes")


def parse(data: bytes, source: str) -> RecordStream:
    return parse_document(f.load_json(data, source), source)


def orders_of(document: Any, source: str) -> list:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        if isinstance(document.get("orders"), list):
            return document["orders"]
        if isinstance(document.get("order"), dict):
            return [document["order"]]
        if "line_items" in document:
            return [document]
    raise InvalidInput(f'{source}: not a Shopify order document (expected "orders", "order" or an order object)')


def parse_document(document: Any, source: str) -> RecordStream:
    orders = orders_of(document, source)
    f.require_key(orders, ("line_items",), source, "a Shopify order document")
    return RecordStream(_records(orders), total=len(orders), format=FORMAT)


def _records(orders: list) -> Iterator[IncomingOrder | RecordError]:
    for index, raw in enumerate(orders):
        yield parse_order(raw, index)


def record_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict):
        name = raw.get("name")
        if isinstance(name, str) and name.strip():
            return f"order {name.strip()[:100]}"
        ident = raw.get("id")
        if isinstance(ident, (int, str)) and not isinstance(ident, bool) and str(ident).strip():
            return f"order id {str(ident).strip()[:100]}"
    return f"orders[{index}]"


def parse_order(raw: Any, index: int = 0) -> IncomingOrder | RecordError:
    record = record_name(raw, index)
    if not isinstance(raw, dict):
        return RecordError(record, f"expected an order object, got {type(raw).__name__}")
    try:
        return _order(raw, record)
    except f.FieldError as exc:
        return RecordError(record, str(exc))


def _order(raw: dict, record: str) -> IncomingOrder:
    get = raw.get
    external_id = f.text(get("id"), "id", max_length=100)
    if not external_id:
        raise f.FieldError("id: missing")
    placed_at = f.timestamp(get("created_at") or get("processed_at"), "created_at")

    lines = []
    goods = 0
    for i, item in enumerate(f.sequence(get("line_items"), "line_items")):
        line = _line(item, f"line_items[{i}]")
        if line is not None:
            lines.append(line)
            goods += line.unit_price_cents * line.quantity
    if not lines:
        raise f.FieldError("line_items: no line to ship")
    if get("total_line_items_price") not in (None, ""):
        goods = f.nonnegative_cents(get("total_line_items_price"), "total_line_items_price")

    coupon_code = ""
    points_cents = 0
    for i, code in enumerate(f.sequence(get("discount_codes"), "discount_codes")):
        code = f.mapping(code, f"discount_codes[{i}]")
        name = f.text(code.get("code"), f"discount_codes[{i}].code", max_length=64)
        if name.upper().startswith(POINTS_CODE_PREFIXES):
            points_cents += f.nonnegative_cents(code.get("amount"), f"discount_codes[{i}].amount")
        elif not coupon_code:
            coupon_code = name
    discounts = f.nonnegative_cents(get("total_discounts"), "total_discounts")
    coupon_cents = max(discounts - points_cents, 0)
    points_used = 0
    for i, attribute in enumerate(f.sequence(get("note_attributes"), "note_attributes")):
        attribute = f.mapping(attribute, f"note_attributes[{i}]")
        if str(attribute.get("name", "")).strip().lower() in ("points_used", "points"):
            points_used = f.whole_number(attribute.get("value"), f"note_attributes[{i}].value", minimum=0)

    shipping = 0
    titles = []
    for i, method in enumerate(f.sequence(get("shipping_lines"), "shipping_lines")):
        method = f.mapping(method, f"shipping_lines[{i}]")
        shipping += f.nonnegative_cents(method.get("price"), f"shipping_lines[{i}].price")
        titles += [method.get("code"), method.get("title")]
    level = f.service_from_shipping(*titles)
    priority = max(f.priority_from_tags(get("tags")), 1 if level == "next_day" else 0)

    total = f.nonnegative_cents(get("total_price"), "total_price")
    financial = f.text(get("financial_status"), "financial_status").lower()
    status = FINANCIAL_STATUS.get(financial, "pending") if financial else "pending"
    if get("total_outstanding") not in (None, ""):
        paid = max(total - f.nonnegative_cents(get("total_outstanding"), "total_outstanding"), 0)
    else:
        paid = total if status in ("paid", "refunded", "partially_refunded") else 0

    customer = f.mapping(get("customer"), "customer")
    ship_to = _address(get("shipping_address"), "shipping_address")
    email = f.text(get("email") or get("contact_email") or customer.get("email"), "email", max_length=254)
    phone = f.text(get("phone") or customer.get("phone"), "phone", max_length=40)
    if not ship_to.email:
        ship_to.email = email
    if not ship_to.phone:
        ship_to.phone = phone
    gateways = [g for g in f.sequence(get("payment_gateway_names"), "payment_gateway_names") if isinstance(g, str)]
    reference = f.text(get("confirmation_number") or get("checkout_token") or get("token"), "confirmation_number")
    if gateways and reference:
        reference = f"{gateways[0]}:{reference}"
    fulfillment = get("fulfillment_status") or "unfulfilled"
    channel_status = "cancelled" if get("cancelled_at") else f"{financial or 'pending'}/{fulfillment}"

    return IncomingOrder(
        channel=CHANNEL,
        external_id=external_id,
        placed_at=placed_at,
        lines=lines,
        ship_to=ship_to,
        customer_email=email,
        customer_name=f.person_name(customer.get("first_name"), customer.get("last_name")) or ship_to.name,
        customer_phone=phone,
        currency=f.currency(get("currency"), "currency"),
        goods_cents=goods,
        coupon_code=coupon_code,
        coupon_cents=coupon_cents,
        points_used=points_used,
        points_cents=points_cents,
        shipping_cents=shipping,
        paid_cents=paid,
        payment_status=status,
        payment_reference=reference[:100],
        priority=priority,
        service_level=level,
        note=f.text(get("note"), "note"),
        record=record,
        external_ref=f.text(get("name"), "name", max_length=100),
        channel_status=channel_status[:40],
        stated_total_cents=total,
        tax_cents=0 if get("taxes_included") is True else f.nonnegative_cents(get("total_tax"), "total_tax"),
    )


def _line(raw: Any, path: str) -> IncomingLine | None:
    item = f.mapping(raw, path)
    if item.get("gift_card") is True:
        return None
    if item.get("current_quantity") is not None:
        quantity = f.whole_number(item["current_quantity"], f"{path}.current_quantity", minimum=0)
        if quantity == 0:
            return None  # removed by an order edit or refunded before shipping
    else:
        if "quantity" not in item:
            raise f.FieldError(f"{path}.quantity: missing")
        quantity = f.whole_number(item["quantity"], f"{path}.quantity", minimum=1)
    sku = f.text(item.get("sku"), f"{path}.sku", max_length=64)
    gtin = f.lenient_gtin(item.get("barcode"))
    if not sku and not gtin:
        raise f.FieldError(f"{path}.sku: missing (and no barcode to identify the product)")
    return IncomingLine(
        sku=sku,
        quantity=quantity,
        gtin=gtin,
        name=f.text(item.get("name") or item.get("title"), f"{path}.name")[:300],
        unit_price_cents=f.nonnegative_cents(item.get("price"), f"{path}.price"),
    )


def _address(raw: Any, path: str) -> IncomingAddress:
    a = f.mapping(raw, path)
    if not a:
        return IncomingAddress()
    return IncomingAddress(
        name=(f.person_name(a.get("first_name"), a.get("last_name")) or f.text(a.get("name"), f"{path}.name"))[:200],
        company=f.text(a.get("company"), f"{path}.company")[:200],
        address1=f.text(a.get("address1"), f"{path}.address1")[:300],
        address2=f.text(a.get("address2"), f"{path}.address2")[:300],
        city=f.text(a.get("city"), f"{path}.city")[:100],
        region=(f.text(a.get("province_code"), f"{path}.province_code")
                or f.text(a.get("province"), f"{path}.province"))[:100],
        postcode=f.text(a.get("zip"), f"{path}.zip", max_length=20),
        country=f.country(a.get("country_code"), f"{path}.country_code"),
        phone=f.text(a.get("phone"), f"{path}.phone")[:40],
    )
