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
# fulfillment_status values saying the shop already sent (some of) the goods: not shipped again without a person.
FULFILLED = ("fulfilled", "partial")
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
    refunds = [f.mapping(r, f"refunds[{i}]") for i, r in enumerate(f.sequence(get("refunds"), "refunds"))]

    lines = []
    goods = 0
    reduced = False  # a line has fewer units now than ordered: refunded, or removed by an order edit
    refunded = _refunded_units(refunds)
    for i, item in enumerate(f.sequence(get("line_items"), "line_items")):
        line, fewer = _line(item, f"line_items[{i}]", refunded)
        reduced = reduced or fewer
        if line is not None:
            lines.append(line)
            goods += line.unit_price_cents * line.quantity
    if not lines:
        raise f.FieldError("line_items: no line to ship")
    if get("total_line_items_price") not in (None, "") and not reduced:
        goods = f.nonnegative_cents(get("total_line_items_price"), "total_line_items_price")

    codes = []
    points_cents = 0
    for i, code in enumerate(f.sequence(get("discount_codes"), "discount_codes")):
        code = f.mapping(code, f"discount_codes[{i}]")
        name = f.text(code.get("code"), f"discount_codes[{i}].code", max_length=64)
        if name.upper().startswith(POINTS_CODE_PREFIXES):
            points_cents += f.nonnegative_cents(code.get("amount"), f"discount_codes[{i}].amount")
        elif name and name not in codes:
            codes.append(name)
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
    shipping_refunded = min(_shipping_refunded(refunds), shipping)
    shipping -= shipping_refunded
    level = f.service_from_shipping(*titles)
    priority = max(f.priority_from_tags(get("tags")), 1 if level == "next_day" else 0)

    # What the shop still charges: the current_* totals count refunds, returns and order edits; an order from an
    # API version without them has its refund line items' shares taken off the original totals.
    taxes_included = get("taxes_included") is True
    if get("current_total_price") not in (None, ""):
        total = f.nonnegative_cents(get("current_total_price"), "current_total_price")
        discounts = f.nonnegative_cents(get("current_total_discounts"), "current_total_discounts")
        tax = f.nonnegative_cents(get("current_total_tax"), "current_total_tax")
    else:
        total = f.nonnegative_cents(get("total_price"), "total_price")
        discounts = f.nonnegative_cents(get("total_discounts"), "total_discounts")
        tax = f.nonnegative_cents(get("total_tax"), "total_tax")
        if reduced and refunded:
            off_goods, off_discount, off_tax = _refunded_shares(refunds)
            discounts, tax = max(discounts - off_discount, 0), max(tax - off_tax, 0)
            total = max(total - off_goods + off_discount - (0 if taxes_included else off_tax), 0)
        total = max(total - shipping_refunded, 0)
    coupon_cents = max(discounts - points_cents, 0)

    financial = f.text(get("financial_status"), "financial_status").lower()
    status = FINANCIAL_STATUS.get(financial, "pending") if financial else "pending"
    if get("total_outstanding") not in (None, ""):
        # What is still owed decides: a partly refunded order whose remainder is paid is paid.
        outstanding = f.nonnegative_cents(get("total_outstanding"), "total_outstanding")
        paid = max(total - outstanding, 0)
        if status in ("paid", "pending", "partially_refunded"):
            status = "paid" if outstanding == 0 else "pending"
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
    fulfillment = f.text(get("fulfillment_status"), "fulfillment_status").lower() or "unfulfilled"
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
        coupon_code=", ".join(codes)[:64],
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
        tax_cents=0 if taxes_included else tax,
        coupon_by_shop=coupon_cents > 0 or bool(codes),
        rounding_cents=len(lines),
        fulfilled_by_shop=fulfillment if fulfillment in FULFILLED else "",
    )


def _refunded_units(refunds: list[dict]) -> dict[str, int]:
    """Units each line item lost to refunds (``refunds[].refund_line_items[]``: ``line_item_id``, ``quantity``)."""
    units: dict[str, int] = {}
    for i, refund in enumerate(refunds):
        for j, item in enumerate(f.sequence(refund.get("refund_line_items"), f"refunds[{i}].refund_line_items")):
            item = f.mapping(item, f"refunds[{i}].refund_line_items[{j}]")
            key = f.text(item.get("line_item_id"), f"refunds[{i}].refund_line_items[{j}].line_item_id")
            count = f.whole_number(item.get("quantity"), f"refunds[{i}].refund_line_items[{j}].quantity", minimum=0)
            if key:
                units[key] = units.get(key, 0) + count
    return units


def _refunded_shares(refunds: list[dict]) -> tuple[int, int, int]:
    """The refunded lines' goods (price x units), discount share and tax, for an order without current_* totals:
    a refund line item's ``subtotal`` is its units' price less their share of the discounts."""
    goods = discount = tax = 0
    for i, refund in enumerate(refunds):
        for j, item in enumerate(f.sequence(refund.get("refund_line_items"), f"refunds[{i}].refund_line_items")):
            path = f"refunds[{i}].refund_line_items[{j}]"
            item = f.mapping(item, path)
            line = f.mapping(item.get("line_item"), f"{path}.line_item")
            units = f.whole_number(item.get("quantity"), f"{path}.quantity", minimum=0)
            gross = f.nonnegative_cents(line.get("price"), f"{path}.line_item.price") * units
            subtotal = f.nonnegative_cents(item.get("subtotal"), f"{path}.subtotal") if "subtotal" in item else gross
            goods += gross
            discount += max(gross - subtotal, 0)
            tax += f.nonnegative_cents(item.get("total_tax"), f"{path}.total_tax")
    return goods, discount, tax


def _shipping_refunded(refunds: list[dict]) -> int:
    """Shipping given back: order adjustments of kind ``shipping_refund`` (negative amounts), or the newer
    ``refund_shipping_lines``."""
    amount = 0
    for i, refund in enumerate(refunds):
        for j, adjustment in enumerate(f.sequence(refund.get("order_adjustments"), f"refunds[{i}].order_adjustments")):
            adjustment = f.mapping(adjustment, f"refunds[{i}].order_adjustments[{j}]")
            if adjustment.get("kind") == "shipping_refund":
                amount += abs(f.cents(adjustment.get("amount"), f"refunds[{i}].order_adjustments[{j}].amount"))
        for j, line in enumerate(f.sequence(refund.get("refund_shipping_lines"), f"refunds[{i}].refund_shipping_lines")):
            path = f"refunds[{i}].refund_shipping_lines[{j}]"
            line = f.mapping(line, path)
            money = f.mapping(f.mapping(line.get("subtotal_amount_set"), f"{path}.subtotal_amount_set").get("shop_money"),
                              f"{path}.subtotal_amount_set.shop_money")
            amount += abs(f.cents(money.get("amount"), f"{path}.subtotal_amount_set.shop_money.amount"))
    return amount


def _line(raw: Any, path: str, refunded: dict[str, int]) -> tuple[IncomingLine | None, bool]:
    """The line as it stands now, and whether it has fewer units than were ordered. ``current_quantity`` (API
    2024-01 on) says what is left after refunds and edits; without it, the refund line items do. A line with
    nothing left, and a gift card (it ships nothing), is left out."""
    item = f.mapping(raw, path)
    if item.get("gift_card") is True:
        return None, False
    ordered: int | None
    if item.get("current_quantity") is not None:
        ordered = f.whole_number(item["quantity"], f"{path}.quantity", minimum=0) if "quantity" in item else None
        quantity = f.whole_number(item["current_quantity"], f"{path}.current_quantity", minimum=0)
    else:
        if "quantity" not in item:
            raise f.FieldError(f"{path}.quantity: missing")
        ordered = f.whole_number(item["quantity"], f"{path}.quantity", minimum=1)
        quantity = max(ordered - refunded.get(f.text(item.get("id"), f"{path}.id"), 0), 0)
    fewer = ordered is not None and quantity < ordered
    if quantity == 0:
        return None, fewer
    sku = f.text(item.get("sku"), f"{path}.sku", max_length=64)
    gtin = f.lenient_gtin(item.get("barcode"))
    name = f.text(item.get("name") or item.get("title"), f"{path}.name")[:300]
    if not sku and not gtin and not name:
        raise f.FieldError(f"{path}.sku: missing (and no barcode or name to tell what it is)")
    line = IncomingLine(sku=sku, quantity=quantity, gtin=gtin, name=name,
                        unit_price_cents=f.nonnegative_cents(item.get("price"), f"{path}.price"))
    return line, fewer


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
