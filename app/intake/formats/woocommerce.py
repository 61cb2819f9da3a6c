"""WooCommerce REST API v3 orders (``GET /wp-json/wc/v3/orders`` and the ``order.created`` webhook).

Accepted documents: a list of order objects (what the REST API returns), ``{"orders": [...]}`` or one order
object. Mapping (docs/intake-formats.md):

* ``id`` -> external_id, ``number`` -> external_ref and the record's name; channel ``woocommerce``.
* ``date_created_gmt`` (UTC without offset) -> placed_at (``date_created`` only if it carries an offset).
* ``line_items``: ``sku``, ``quantity``, ``subtotal`` / quantity -> unit price (before coupons), ``name``;
  a line's ``meta_data`` key ``_gtin``/``gtin``/``_global_unique_id`` or its ``global_unique_id`` -> GTIN.
* ``shipping`` (falling back to ``billing`` for email and phone): first/last name, company, address_1/2,
  city, state, postcode, country.
* Sum of line subtotals -> goods; ``coupon_lines[].discount`` -> coupon (first code -> coupon_code);
  ``shipping_total`` -> shipping; ``total_tax`` -> tax_cents (WooCommerce keeps line subtotals, coupon
  discounts and shipping net of tax, whatever ``prices_include_tax`` says); ``total`` -> stated total.
* Points: the WooCommerce Points and Rewards extension redeems points as a coupon whose code starts with
  ``wc_points_redemption``; its discount -> points_cents, and order meta ``_wc_points_redeemed`` -> points_used.
* Payment: ``date_paid_gmt`` (or ``date_paid``) set -> paid, amount ``total``; otherwise by ``status``:
  failed -> failed, refunded -> refunded, anything else (pending, on-hold, processing for cash on delivery,
  cancelled) -> pending. ``transaction_id`` -> payment reference (``payment_method:transaction_id``).
  The raw ``status`` is kept as channel_status, so a cancelled order can be held by review.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.errors import InvalidInput
from app.intake.formats import _common as f
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder, RecordError, RecordStream

FORMAT = "woocommerce"
CHANNEL = "woocommerce"
POINTS_COUPON_PREFIX = "wc_points_redemption"
GTIN_META_KEYS = ("_gtin", "gtin", "_global_unique_id", "global_unique_id", "_wpm_gtin_code", "ean", "_ean")
# The status saying the shop already sent the goods: not shipped again without a person.
FULFILLED = ("completed",)
# WooCommerce's own state codes for China (i18n/states.php), as ISO 3166-2 codes (without "CN-").
CHINA_STATES = {
    "CN1": "YN", "CN2": "BJ", "CN3": "TJ", "CN4": "HE", "CN5": "SX", "CN6": "NM", "CN7": "LN", "CN8": "JL",
    "CN9": "HL", "CN10": "SH", "CN11": "JS", "CN12": "ZJ", "CN13": "AH", "CN14": "FJ", "CN15": "JX", "CN16": "SD",
    "CN17": "HA", "CN18": "HB", "CN19": "HN", "CN20": "GD", "CN21": "GX", "CN22": "HI", "CN23": "CQ", "CN24": "SC",
    "CN25": "GZ", "CN26": "SN", "CN27": "GS", "CN28": "QH", "CN29": "NX", "CN30": "MO", "CN31": "XZ", "CN32": "XJ",
}
WOO_MARKERS = ("date_created_gmt", "coupon_lines", "shipping_total", "order_key", "prices_include_tax")


def parse(data: bytes, source: str) -> RecordStream:
    return parse_document(f.load_json(data, source), source)


def orders_of(document: Any, source: str) -> list:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        if isinstance(document.get("orders"), list):
            return document["orders"]
        if "line_items" in document:
            return [document]
    raise InvalidInput(f"{source}: not a WooCommerce order document (expected a list of orders or an order object)")


def parse_document(document: Any, source: str) -> RecordStream:
    orders = orders_of(document, source)
    f.require_key(orders, ("line_items",), source, "a WooCommerce order document")
    return RecordStream(_records(orders), total=len(orders), format=FORMAT)


def _records(orders: list) -> Iterator[IncomingOrder | RecordError]:
    for index, raw in enumerate(orders):
        yield parse_order(raw, index)


def record_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict):
        for key, label in (("number", "order "), ("id", "order id ")):
            value = raw.get(key)
            if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip():
                return f"{label}{str(value).strip()[:100]}"
    return f"orders[{index}]"


def parse_order(raw: Any, index: int = 0) -> IncomingOrder | RecordError:
    record = record_name(raw, index)
    if not isinstance(raw, dict):
        return RecordError(record, f"expected an order object, got {type(raw).__name__}")
    try:
        return _order(raw, record)
    except f.FieldError as exc:
        return RecordError(record, str(exc))


def _meta(raw: Any, path: str) -> dict[str, Any]:
    out = {}
    for i, entry in enumerate(f.sequence(raw, path)):
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            out[entry["key"]] = entry.get("value")
    return out


def _order(raw: dict, record: str) -> IncomingOrder:
    get = raw.get
    external_id = f.text(get("id"), "id", max_length=100)
    if not external_id:
        raise f.FieldError("id: missing")
    if get("date_created_gmt") not in (None, ""):
        placed_at = f.utc_naive(get("date_created_gmt"), "date_created_gmt")
    else:
        placed_at = f.timestamp(get("date_created"), "date_created_gmt")

    items = []
    for i, item in enumerate(f.sequence(get("line_items"), "line_items")):
        items.append(_line(item, f"line_items[{i}]"))
    if not items:
        raise f.FieldError("line_items: an order needs at least one line")
    refunds = _refunds(get("refunds"), items)

    lines = []
    goods = 0
    for item in items:
        if item.line.quantity > 0:
            lines.append(item.line)
            goods += item.subtotal
    if not lines:
        raise f.FieldError("line_items: every line was refunded, no line to ship")

    coupon_code = ""
    coupon_cents = 0
    points_cents = 0
    for i, coupon in enumerate(f.sequence(get("coupon_lines"), "coupon_lines")):
        coupon = f.mapping(coupon, f"coupon_lines[{i}]")
        code = f.text(coupon.get("code"), f"coupon_lines[{i}].code", max_length=64)
        amount = f.nonnegative_cents(coupon.get("discount"), f"coupon_lines[{i}].discount")
        if code.lower().startswith(POINTS_COUPON_PREFIX):
            points_cents += amount
        else:
            coupon_cents += amount
            coupon_code = coupon_code or code
    coupon_by_shop = coupon_cents > 0 or bool(coupon_code)
    # The refunded units' share of the discounts leaves with them: from the coupons first, then the points.
    taken = min(refunds.discount, coupon_cents)
    coupon_cents -= taken
    points_cents = max(points_cents - (refunds.discount - taken), 0)
    meta = _meta(get("meta_data"), "meta_data")
    points_used = 0
    if meta.get("_wc_points_redeemed") not in (None, ""):
        points_used = f.whole_number(meta["_wc_points_redeemed"], "meta_data._wc_points_redeemed", minimum=0)

    titles = []
    for i, method in enumerate(f.sequence(get("shipping_lines"), "shipping_lines")):
        method = f.mapping(method, f"shipping_lines[{i}]")
        titles += [method.get("method_id"), method.get("method_title")]
    level = f.service_from_shipping(*titles)
    shipping = max(f.nonnegative_cents(get("shipping_total"), "shipping_total") - refunds.shipping, 0)
    tax = max(f.nonnegative_cents(get("total_tax"), "total_tax") - refunds.tax, 0)
    total = f.nonnegative_cents(get("total"), "total")  # what was charged; refunds are listed apart

    status = f.text(get("status"), "status").lower()
    date_paid = get("date_paid_gmt") or get("date_paid")
    if date_paid:
        f.utc_naive(date_paid, "date_paid_gmt")
        payment = "refunded" if status == "refunded" else "paid"
    elif status in ("failed", "refunded"):
        payment = status
    else:
        payment = "pending"
    # What the shop keeps: the total less every refund (nothing is owed once it is paid).
    paid = max(total - refunds.amount, 0) if payment in ("paid", "refunded") else 0
    method_id = f.text(get("payment_method"), "payment_method")
    transaction = f.text(get("transaction_id"), "transaction_id")
    reference = f"{method_id}:{transaction}" if method_id and transaction else transaction

    billing = f.mapping(get("billing"), "billing")
    ship_to = _address(get("shipping"), "shipping")
    if not ship_to.address1 and not ship_to.city:
        ship_to = _address(billing, "billing")
    email = f.text(billing.get("email"), "billing.email", max_length=254)
    phone = f.text(billing.get("phone"), "billing.phone")[:40]
    ship_to.email = ship_to.email or email
    ship_to.phone = ship_to.phone or phone

    return IncomingOrder(
        channel=CHANNEL,
        external_id=external_id,
        placed_at=placed_at,
        lines=lines,
        ship_to=ship_to,
        customer_email=email,
        customer_name=f.decoded(f.person_name(billing.get("first_name"), billing.get("last_name"))) or ship_to.name,
        customer_phone=phone,
        currency=f.currency(get("currency"), "currency"),
        goods_cents=goods,
        coupon_code=coupon_code,
        coupon_cents=coupon_cents,
        points_used=points_used,
        points_cents=points_cents,
        shipping_cents=shipping,
        paid_cents=paid,
        payment_status=payment,
        payment_reference=reference[:100],
        priority=1 if level == "next_day" else 0,
        service_level=level,
        note=f.text(get("customer_note"), "customer_note"),
        record=record,
        external_ref=f.text(get("number"), "number", max_length=100),
        channel_status=status[:40],
        stated_total_cents=max(total - refunds.amount, 0),
        tax_cents=tax,
        coupon_by_shop=coupon_by_shop,
        rounding_cents=len(lines),
        fulfilled_by_shop=status if status in FULFILLED else "",
        refunded_unitemised_cents=refunds.unitemised,
    )


@dataclass
class _Item:
    """An order line being read: the line, its id, product and its subtotal (before coupons) in cents."""

    line: IncomingLine
    id: str
    product: tuple[str, str]
    subtotal: int


@dataclass
class _Refunded:
    amount: int = 0  # every refund's total
    discount: int = 0  # the refunded units' share of the discounts
    tax: int = 0
    shipping: int = 0
    unitemised: int = 0  # money given back for no goods or shipping named


def _refunds(raw: Any, items: list[_Item]) -> _Refunded:
    """The order's ``refunds``. An entry as the orders list gives it (``id``, ``reason``, ``total`` negative) says
    how much went back; one that also carries the refund's ``line_items`` (as ``GET /orders/<id>/refunds`` gives
    them: negative quantities, ``_refunded_item_id`` naming the order's line) says which goods left: their units
    leave the lines, their subtotals the goods, their discounts and taxes the order's."""
    out = _Refunded()
    by_id = {item.id: item for item in items if item.id}
    for i, refund in enumerate(f.sequence(raw, "refunds")):
        path = f"refunds[{i}]"
        refund = f.mapping(refund, path)
        if refund.get("total") not in (None, ""):
            amount = abs(f.cents(refund.get("total"), f"{path}.total"))
        else:
            amount = abs(f.cents(refund.get("amount"), f"{path}.amount"))
        out.amount += amount
        named = 0
        for j, entry in enumerate(f.sequence(refund.get("line_items"), f"{path}.line_items")):
            where = f"{path}.line_items[{j}]"
            entry = f.mapping(entry, where)
            meta = _meta(entry.get("meta_data"), f"{where}.meta_data")
            item = by_id.get(f.text(meta.get("_refunded_item_id"), f"{where}.meta_data._refunded_item_id"))
            if item is None:
                product = (f.text(entry.get("product_id"), f"{where}.product_id"),
                           f.text(entry.get("variation_id"), f"{where}.variation_id"))
                item = next((it for it in items if it.product == product and product[0] not in ("", "0")), None)
            if item is None:
                continue  # an item the order does not hold: its money counts as unnamed
            units = abs(f.whole_number(entry.get("quantity"), f"{where}.quantity"))
            subtotal = abs(f.cents(entry.get("subtotal"), f"{where}.subtotal"))
            total = abs(f.cents(entry.get("total"), f"{where}.total"))
            tax = abs(f.cents(entry.get("total_tax"), f"{where}.total_tax"))
            units = min(units, item.line.quantity)
            item.line.quantity -= units
            item.subtotal = max(item.subtotal - subtotal, 0)
            out.discount += max(subtotal - total, 0)
            out.tax += tax
            named += total + tax
        for j, entry in enumerate(f.sequence(refund.get("shipping_lines"), f"{path}.shipping_lines")):
            where = f"{path}.shipping_lines[{j}]"
            entry = f.mapping(entry, where)
            shipping = abs(f.cents(entry.get("total"), f"{where}.total"))
            tax = abs(f.cents(entry.get("total_tax"), f"{where}.total_tax"))
            out.shipping += shipping
            out.tax += tax
            named += shipping + tax
        out.unitemised += max(amount - named, 0)
    return out


def _line(raw: Any, path: str) -> _Item:
    item = f.mapping(raw, path)
    if "quantity" not in item:
        raise f.FieldError(f"{path}.quantity: missing")
    quantity, quantity_text = f.quantity(item["quantity"], f"{path}.quantity")
    sku = f.text(item.get("sku"), f"{path}.sku", max_length=64)
    meta = _meta(item.get("meta_data"), f"{path}.meta_data")
    gtin = f.lenient_gtin(item.get("global_unique_id"))
    for key in GTIN_META_KEYS:
        if not gtin and key in meta:
            gtin = f.lenient_gtin(meta[key])
    name = f.decoded(f.text(item.get("name"), f"{path}.name"))[:300]
    if not sku and not gtin and not name:
        raise f.FieldError(f"{path}.sku: missing (and no GTIN or name to tell what it is)")
    if item.get("subtotal") not in (None, ""):
        subtotal = f.nonnegative_cents(item["subtotal"], f"{path}.subtotal")
        units = Decimal(quantity_text) if quantity_text else Decimal(quantity)
        unit = int((Decimal(subtotal) / units).to_integral_value(ROUND_HALF_UP))
    else:
        unit = _price_cents(item.get("price"), f"{path}.price")
        subtotal = unit * quantity
    line = IncomingLine(sku=sku, quantity=quantity, gtin=gtin, name=name, unit_price_cents=unit,
                        quantity_text=quantity_text)
    product = (f.text(item.get("product_id"), f"{path}.product_id"), f.text(item.get("variation_id"), f"{path}.variation_id"))
    return _Item(line, f.text(item.get("id"), f"{path}.id"), product, subtotal)


def _price_cents(value: Any, field: str) -> int:
    """WooCommerce's line ``price`` is a float that may carry more than two decimals: round it to cents."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise f.FieldError(f"{field}: {value!r} is not an amount")
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise f.FieldError(f"{field}: {value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0:
        raise f.FieldError(f"{field}: {value!r} is not an amount")
    return int((amount * 100).to_integral_value(ROUND_HALF_UP))


def _address(raw: Any, path: str) -> IncomingAddress:
    a = f.mapping(raw, path)
    if not a:
        return IncomingAddress()
    country = f.country(a.get("country"), f"{path}.country")
    region = f.decoded(f.text(a.get("state"), f"{path}.state"))
    if country == "CN":
        region = CHINA_STATES.get(region.upper(), region)
    return IncomingAddress(
        name=f.decoded(f.person_name(a.get("first_name"), a.get("last_name")))[:200],
        company=f.decoded(f.text(a.get("company"), f"{path}.company"))[:200],
        address1=f.decoded(f.text(a.get("address_1"), f"{path}.address_1"))[:300],
        address2=f.decoded(f.text(a.get("address_2"), f"{path}.address_2"))[:300],
        city=f.decoded(f.text(a.get("city"), f"{path}.city"))[:100],
        region=region[:100],
        postcode=f.text(a.get("postcode"), f"{path}.postcode", max_length=20),
        country=country,
        phone=f.text(a.get("phone"), f"{path}.phone")[:40],
        email=f.text(a.get("email"), f"{path}.email")[:254],
    )
