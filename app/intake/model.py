"""What every intake format is parsed into, before rules and confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation


@dataclass
class IncomingLine:
    sku: str  # "" when the source names none (a shop's custom item): the line waits in review by its name
    quantity: int
    gtin: str = ""
    name: str = ""
    unit_price_cents: int = 0
    # The quantity as the source wrote it when it is not a whole number ("2.5"); ``quantity`` is then that rounded
    # up, and the order waits in review (rule ``decimal_quantity``) for a person to decide.
    quantity_text: str = ""
    # Other parties' numbers for the article, as an EDI order gives them: (kind, party, code) with kind "buyer"
    # (PIA/LIN ...:IN or :BP) or "supplier" (...:SA) and party the buyer's or supplier's id; the intake finds the
    # product through the catalogue's cross-references (``product_refs``).
    refs: tuple[tuple[str, str, str], ...] = ()

    def code(self) -> str:
        """The code that names the line: its SKU, else its GTIN, else another party's number ("" for none)."""
        return self.sku or self.gtin or next((code for _, _, code in self.refs if code), "")

    def label(self) -> str:
        """What tells a person which line it is: its code, else its name."""
        return self.code() or self.name


@dataclass
class IncomingAddress:
    name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    phone: str = ""
    email: str = ""


@dataclass
class IncomingOrder:
    channel: str
    external_id: str
    placed_at: datetime  # timezone-aware
    lines: list[IncomingLine]
    ship_to: IncomingAddress = field(default_factory=IncomingAddress)
    customer_email: str = ""
    customer_name: str = ""
    customer_phone: str = ""
    currency: str = "CNY"
    goods_cents: int = 0
    coupon_code: str = ""
    coupon_cents: int = 0
    points_used: int = 0
    points_cents: int = 0
    shipping_cents: int = 0
    paid_cents: int = 0
    payment_status: str = "pending"  # paid, pending, authorized, failed, refunded, partially_refunded
    payment_reference: str = ""
    priority: int = 0  # 0 normal, 1 high, 2 urgent
    service_level: str = "standard"  # standard, next_day, scheduled
    promised_ship_at: datetime | None = None
    note: str = ""
    # How an error message names this record: "order 1001 (line 12)".
    record: str = ""
    # The channel's own human-facing reference (Shopify ``name`` "#1001", WooCommerce ``number``),
    # when it differs from ``external_id``; kept as ``orders.shop_number`` (the order look-up's key).
    external_ref: str = ""
    # The channel's raw order status as sent (Shopify "paid/unfulfilled", WooCommerce "processing",
    # "cancelled" when the channel cancelled it), for the review rules; informational.
    channel_status: str = ""
    # What the channel says the customer owes in total (goods - coupon - points + shipping), in cents,
    # when the source states it; 0 when it does not. Lets the payment check spot a mismatch.
    stated_total_cents: int = 0
    # Tax charged on top of goods and shipping, for sources whose prices exclude tax (Shopify with
    # ``taxes_included: false``, WooCommerce); the customer then owes goods - coupon - points + shipping + tax.
    tax_cents: int = 0
    # The coupon was applied by the shop, which charged it: the shop is the authority on its own discounts, so the
    # station records it and checks only the sum, never against its own coupon table (Shopify discount codes and
    # discount applications, WooCommerce coupon lines).
    coupon_by_shop: bool = False
    # How far the shop's own sum may stray from goods - discounts + shipping + tax by its rounding (a cent a line
    # for a shop that rounds each line's discount and tax).
    rounding_cents: int = 0
    # The shop's word when it says the goods already left (Shopify fulfillment_status "fulfilled" or "partial",
    # WooCommerce status "completed"): the order is not shipped again without a person (rule ``shop_fulfilled``).
    fulfilled_by_shop: str = ""
    # Money the shop gave back without naming the goods it was for (a WooCommerce refund with no line items):
    # ``paid_cents`` is already net of it, and a person checks what is still to ship.
    refunded_unitemised_cents: int = 0


@dataclass
class RecordError:
    """A record that could not be read: ``record`` names it, ``error`` names the field and the fault."""

    record: str
    error: str


def to_cents(value: object, field_name: str) -> int:
    """Money in major units (``"12.30"``, ``12.3``, ``12``) to integer minor units, exactly."""
    if value is None or value == "":
        return 0
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{field_name}: {value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{field_name}: {value!r} is not an amount")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{field_name}: {value!r} has more than two decimals")
    return int(cents)


class RecordStream:
    """What a format's ``parse`` returns: an iterator of records, plus ``total`` (how many order records the
    source holds, or None when unknown in advance) so a caller can size a progress bar.

    Whole-file faults are raised (``InvalidInput``) when ``parse`` is called, before any record is produced,
    so a caller never sees half of a broken file.
    """

    __slots__ = ("_iterator", "total", "format")

    def __init__(self, records, total: int | None = None, format: str = "") -> None:
        self._iterator = iter(records)
        self.total = total
        self.format = format

    def __iter__(self) -> RecordStream:
        return self

    def __next__(self) -> IncomingOrder | RecordError:
        return next(self._iterator)
