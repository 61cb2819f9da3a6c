"""One look-up for whatever a person types or scans to name an order (contracts.md, "Order references").

The same text finds the same order everywhere (``station order``, ``station track``, ``station pack``, the queue's
search, the tracking screen, the shipping and returns desks, the customer page's look-up):

* our number (``WS00001041``, in any case);
* the shop's own number as the shop shows it: Shopify's ``#1041`` (or ``1041``), a WooCommerce number, an EDI
  order reference; ``orders.shop_number`` keeps it as a key (:func:`shop_number_key`), written by the intake;
* a tracking number (any case, blanks ignored), the parcel's or the return label's;
* an SSCC: 18 digits, ``00`` and 18 digits, ``(00) 3 0614141 123456789 0`` as printed under the barcode, or the
  GS1 element string a scanner sends (``]C1``, FNC1 as the byte 0x1D, other AIs after it);
* the label's QR text, the tracking page's address ``<base>/t/<token>`` (any base, a trailing slash or a query
  allowed): a parcel's, a return label's or the order page's token;
* a return's number.

Two parts: :func:`parse` turns the text into the keys it could be (plain Python, no database), and
:func:`find_order` looks every key up in ONE statement (a ``UNION ALL`` of unique-index probes joined to
``orders``) and says what matched. A shop's number that two orders share (two channels, one number) raises
:class:`AmbiguousReference` naming them: it never picks one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlalchemy import BigInteger, Select, bindparam, cast, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from app.errors import StationError
from db.models import Order
from db.models.aftersales import Return
from db.models.shipping import Parcel
from db.models.web import OrderAccess

# What matched, best first: when one text names several orders through different keys, the best key wins (our
# own identifiers are unique by construction; a shop's number comes last).
KINDS = ("qr", "order", "sscc", "tracking_number", "return", "shop_number")
_RANK = {kind: i for i, kind in enumerate(KINDS)}

GS = "\x1d"  # FNC1 in a GS1 element string, as a scanner sends it
_GS_LOOKALIKES = ("\u241d", "\u001d")  # "␝" where the separator was copied from a screen
_AIM = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# Symbology identifiers whose data is a GS1 element string: GS1-128, GS1 DataMatrix, GS1 QR, GS1 DataBar, ...
_GS1_AIM = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
_TOKEN = re.compile(r"/t/([A-Za-z0-9_\-]{8,64})/?(?:[?#].*)?$")
# Blanks, but not the separators 0x1C-0x1F (Python counts them as white space).
_BLANKS = re.compile(r"[^\S\x1c-\x1f]+")
_HRI_SSCC = re.compile(r"^\(00\)(\d{18})(?:\(|$)")


@dataclass(frozen=True)
class Reference:
    """The keys a typed or scanned text could be. ``text`` is the text cleaned (no AIM prefix, no GS, no blanks
    around it), for messages; the others are None where the text cannot be that kind of reference."""

    text: str
    code: str | None = None  # upper case, no blanks: our number, a tracking number, a return number
    shop: str | None = None  # the shop's number as a key (see shop_number_key)
    sscc: str | None = None  # 18 digits with a good check digit
    token: str | None = None  # the tracking page's token (case kept)

    @property
    def empty(self) -> bool:
        return not (self.code or self.shop or self.sscc or self.token)


class AmbiguousReference(StationError):
    """The text names more than one order (a shop's number two channels share): ``candidates`` lists them as
    (our number, channel)."""

    def __init__(self, text: str, candidates: list[tuple[str, str]]) -> None:
        self.text = text
        self.candidates = candidates
        listed = ", ".join(f"{number} ({channel})" for number, channel in candidates)
        super().__init__(f"{text} names more than one order: {listed}; choose one by its number")


@dataclass
class OrderMatch:
    """The order a text names, what matched (one of :data:`KINDS`), and the parcel or return it went through."""

    order: Order
    matched: str
    parcel_id: int | None = None
    return_id: int | None = None


# --- the text --------------------------------------------------------------------------------------------------

def clean(raw: str | None) -> str:
    """The text without the scanner's AIM prefix (``]C1``, ``]Q3``...), FNC1/GS characters and surrounding blanks."""
    text = (raw or "").strip()
    for lookalike in _GS_LOOKALIKES:
        text = text.replace(lookalike, GS)
    if _AIM.match(text):
        text = text[3:]
    return text.replace(GS, "").strip()


def shop_number_key(value: str | None) -> str:
    """The shop's number as the look-up compares it: upper case, without blanks or a leading ``#``
    (``#1041``, ``1041`` and `` # 1041`` are one key). What ``orders.shop_number`` holds."""
    return _BLANKS.sub("", (value or "").replace(GS, "")).lstrip("#").upper()[:100]


def _check_digit_ok(digits: str) -> bool:
    from biip.checksums import gs1_standard_check_digit

    return gs1_standard_check_digit(digits[:17]) == int(digits[17])


def _sscc(body: str, aim: str) -> str | None:
    """The SSCC in ``(00) ...`` (blanks anywhere), ``00`` + 18 digits (then more AIs in a GS1 element string), AI 00
    further on in an element string, or 18 bare digits; None when there is none or its check digit is wrong."""
    compact = _BLANKS.sub("", body).lstrip(GS)
    gs1 = aim in _GS1_AIM or GS in compact
    found = None
    if hri := _HRI_SSCC.match(compact):
        found = hri.group(1)
    elif re.fullmatch(r"\d{18}", compact):
        found = compact
    elif re.fullmatch(r"00\d{18}", compact) or (gs1 and re.match(r"00\d{18}", compact)):
        found = compact[2:20]
    elif gs1 and compact[:1].isdigit():
        found = _sscc_in_element_string(compact)
    return found if found and _check_digit_ok(found) else None


def _sscc_in_element_string(data: str) -> str | None:
    """AI 00 further on in a GS1 element string (``420`` + postcode, GS, ``00`` + SSCC...)."""
    from biip import ParseError
    from biip.gs1_messages import GS1Message

    try:
        message = GS1Message.parse(data)
    except (ParseError, ValueError):  # not a GS1 element string
        return None
    return next((e.value for e in message.element_strings if e.ai.ai == "00"), None)


def parse(raw: str | None) -> Reference:
    """Every key ``raw`` could be (see the module docstring). Pure: no database."""
    text = (raw or "").strip()
    for lookalike in _GS_LOOKALIKES:
        text = text.replace(lookalike, GS)
    aim = text[:3] if _AIM.match(text) else ""
    body = text[len(aim):]
    shown = body.replace(GS, "").strip()
    if not shown:
        return Reference(text="")
    if token := _TOKEN.search(shown):
        return Reference(text=shown, token=token.group(1))  # the QR's address names nothing else
    sscc = _sscc(body, aim)
    compact = _BLANKS.sub("", shown)
    if sscc and (compact.startswith("(") or GS in body or (aim in _GS1_AIM and len(compact) > 20)):
        return Reference(text=shown, sscc=sscc)  # a GS1 form ("(00) ...", an element string): only an SSCC
    shop = shop_number_key(compact) or None
    if compact.startswith("#"):
        return Reference(text=shown, shop=shop)  # "#1041": the shop's number, nothing of ours
    return Reference(text=shown, code=compact.upper()[:100], shop=shop, sscc=sscc)


# --- the look-up -----------------------------------------------------------------------------------------------

def _branch(order_id, kind: str, where, parcel_id=None, return_id=None) -> Select:
    return select(
        order_id.label("order_id"),
        literal_column(f"'{kind}'").label("matched"),
        (parcel_id if parcel_id is not None else cast(null(), BigInteger)).label("parcel_id"),
        (return_id if return_id is not None else cast(null(), BigInteger)).label("return_id"),
    ).where(where)


@functools.cache
def _candidates(token: bool, code: bool, shop: bool, sscc: bool):
    """The union of index probes for the keys present (built once per shape: building SQL costs more CPU than the
    probes). Every probe reads a unique index, or ``ix_orders_shop_number``."""
    parts = []
    if token:
        value = bindparam("token")
        parts += [
            _branch(Parcel.order_id, "qr", Parcel.tracking_token == value, parcel_id=Parcel.id),
            _branch(Return.order_id, "qr", Return.tracking_token == value, return_id=Return.id),
            _branch(OrderAccess.order_id, "qr", OrderAccess.token == value),
        ]
    if code:
        value = bindparam("code")
        parts += [
            _branch(Order.id, "order", Order.number == value),
            _branch(Parcel.order_id, "tracking_number", Parcel.tracking_number == value, parcel_id=Parcel.id),
            _branch(Return.order_id, "return", Return.number == value, return_id=Return.id),
            _branch(Return.order_id, "return", Return.tracking_number == value, return_id=Return.id),
        ]
    if sscc:
        value = bindparam("sscc")
        parts += [
            _branch(Parcel.order_id, "sscc", Parcel.sscc == value, parcel_id=Parcel.id),
            _branch(Return.order_id, "return", Return.sscc == value, return_id=Return.id),
        ]
    if shop:
        parts.append(_branch(Order.id, "shop_number", Order.shop_number == bindparam("shop")))
    return union_all(*parts).subquery("found")


def _params(ref: Reference) -> dict[str, str]:
    return {k: v for k, v in (("token", ref.token), ("code", ref.code), ("shop", ref.shop), ("sscc", ref.sscc)) if v}


def _shape(ref: Reference) -> tuple[bool, bool, bool, bool]:
    return bool(ref.token), bool(ref.code), bool(ref.shop), bool(ref.sscc)


@functools.cache
def _statement(shape: tuple[bool, bool, bool, bool]) -> Select:
    found = _candidates(*shape)
    return (select(Order, found.c.matched, found.c.parcel_id, found.c.return_id)
            .join(found, found.c.order_id == Order.id))


def order_ids(ref: Reference) -> Select:
    """The ids of the orders ``ref`` names, as a subquery for a filter (the queue's search). Empty ``ref``: none."""
    if ref.empty:
        return select(Order.id).where(Order.id.is_(None))
    found = _candidates(*_shape(ref))
    return select(found.c.order_id).params(**_params(ref))


def matches(session: Session, text: str | Reference) -> list[OrderMatch]:
    """Every order ``text`` names, one match each (its best key), best key first. One statement; none for a
    blank text."""
    ref = text if isinstance(text, Reference) else parse(text)
    if ref.empty:
        return []
    best: dict[int, OrderMatch] = {}
    for order, matched, parcel_id, return_id in session.execute(_statement(_shape(ref)), _params(ref)):
        held = best.get(order.id)
        if held is None or _RANK[matched] < _RANK[held.matched]:
            best[order.id] = OrderMatch(order, matched, parcel_id, return_id)
    return sorted(best.values(), key=lambda m: (_RANK[m.matched], m.order.number))


def best_matches(found: list[OrderMatch]) -> list[OrderMatch]:
    """The matches through the best key there is (several only where a shop's number is shared)."""
    return [m for m in found if m.matched == found[0].matched] if found else []


def find_order(session: Session, text: str | Reference) -> OrderMatch | None:
    """The one order ``text`` names, or None. Raises :class:`AmbiguousReference` when the best key found names
    more than one order (a shop's number two channels share)."""
    ref = text if isinstance(text, Reference) else parse(text)
    best = best_matches(matches(session, ref))
    if len(best) > 1:
        raise AmbiguousReference(ref.text, [(m.order.number, m.order.channel) for m in best])
    return best[0] if best else None
