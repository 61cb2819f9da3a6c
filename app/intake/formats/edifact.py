"""UN/EDIFACT ORDERS (D.96A, as sent by EDI gateways), read with pydifact.

One interchange (UNA/UNB ... UNZ) may hold several ORDERS messages (UNH ... UNT): each is one order.
The segments read (docs/intake-formats.md):

* UNB: the sender's id -> channel ``edi:<sender id>``.
* UNH: message type must be ORDERS; UNT: its segment count is checked.
* BGM: document number -> external_id; document code 224 (rush order) -> priority urgent; message
  function 1 (cancellation) -> channel_status ``cancelled``, 5 -> ``replace``.
* DTM+137: document date -> placed_at; DTM+10 (ship date requested), else DTM+2 (delivery date
  requested) -> promised_ship_at. Formats 102, 203, 204 (read as UTC) and 303/304 (with a zone).
* CUX+2: currency. FTX: note.
* NAD+BY: the buyer (customer name); NAD+DP: the delivery party (ship-to address: name, street, city,
  region, postcode, country); CTA/COM after a NAD: contact name, phone (TE), email (EM).
* LIN: GTIN (item type EN, SRV or UP); PIA with type SA: the supplier's article number -> SKU;
  IMD: description; QTY+21: ordered quantity; PRI+AAA (net; else AAB gross): unit price.
* ALC+A / ALC+C with MOA (204, 23 or 8) before the first LIN: allowance -> coupon, charge -> shipping.
* UNS, MOA+79: goods total (else the sum of lines); MOA+86 (or 77): stated order total.

EDI orders are bought on account and paid on invoice: payment_status ``authorized`` (nothing to capture).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydifact.exceptions import EDISyntaxError, MissingImplementationWarning, ValidationError
from pydifact.parser import Parser
from pydifact.segmentcollection import Interchange
from pydifact.segments import Segment

from app.errors import InvalidInput
from app.intake.formats import _common as f
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder, RecordError, RecordStream

FORMAT = "edifact"
GTIN_TYPES = ("EN", "SRV", "UP", "GTIN")
# Other parties' article numbers (code list 7143): the supplier's (ours) and the buyer's.
REF_TYPES = {"SA": "supplier", "IN": "buyer", "BP": "buyer"}
# The party whose number each kind is: NAD+SU for the supplier's, NAD+BY for the buyer's.
PARTY_OF = {"supplier": "SU", "buyer": "BY"}
# When the goods are wanted, best first (header DTM): ship date requested, delivery date requested, latest
# delivery date, earliest delivery date.
PROMISE_DATES = ("10", "2", "63", "64")
# What pydifact raises on input it cannot read.
PYDIFACT_FAULTS = (EDISyntaxError, ValidationError, IndexError, ValueError, TypeError, AttributeError, KeyError,
                   StopIteration, LookupError)



def decode(data: bytes, source: str) -> str:
    if isinstance(data, str):
        return data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")  # UNOY/UNOW, and plain ASCII (UNOA/UNOB)
    except UnicodeDecodeError:
        return data.decode("iso8859-1")  # UNOC and other Latin-1 interchanges


def _segments(text: str, source: str) -> tuple[list[Segment], Parser]:
    parser = Parser()
    segments: list[Segment] = []
    try:
        with warnings.catch_warnings():  # pydifact warns that it has no D96A schema to validate against
            warnings.simplefilter("ignore", MissingImplementationWarning)
            warnings.simplefilter("ignore", SyntaxWarning)
            for segment in parser.parse(text):
                segments.append(segment)
    except PYDIFACT_FAULTS as exc:
        where = f"after segment {len(segments)} ({segments[-1].tag})" if segments else "at the start"
        reason = str(exc) or type(exc).__name__
        if "Unexpected end" in reason:
            reason = "the file ends in the middle of a segment (truncated?)"
        raise InvalidInput(f"{source}: EDIFACT syntax error {where}: {reason}") from None
    return segments, parser


def parse(data: bytes, source: str, currency: str = "CNY") -> RecordStream:
    """Every ORDERS message of an interchange. A file that is not a complete interchange raises at once.
    ``currency``: the channel's, for a message without CUX."""
    text = decode(data, source).strip()
    if not text:
        raise InvalidInput(f"{source}: empty file, expected an EDIFACT interchange")
    segments, parser = _segments(text, source)
    if not segments:
        raise InvalidInput(f"{source}: no EDIFACT segment found")
    start = 1 if segments[0].tag == "UNA" else 0
    if len(segments) <= start or segments[start].tag != "UNB":
        raise InvalidInput(f"{source}: segment {start + 1}: an interchange must start with UNB (or UNA then UNB)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingImplementationWarning)
            interchange = Interchange.from_segments(list(segments), characters=parser.characters)
    except PYDIFACT_FAULTS as exc:
        raise InvalidInput(f"{source}: segment {start + 1}: invalid UNB header: {exc}") from None
    last = segments[-1]
    if last.tag != "UNZ":
        raise InvalidInput(
            f"{source}: ends after segment {len(segments)} ({last.tag}) without the UNZ trailer: the file is truncated"
        )
    for number, segment in enumerate(segments[start + 1:-1], start=start + 2):
        if segment.tag in ("UNB", "UNZ", "UNA"):
            raise InvalidInput(f"{source}: segment {number}: unexpected {segment.tag} inside the interchange")
    sender = interchange.sender
    sender_id = _first(sender).strip()
    if not sender_id:
        raise InvalidInput(f"{source}: segment {start + 1}: UNB has no sender identification")
    messages = _split_messages(segments, start + 1)
    declared = _first(last.elements[0] if last.elements else "")
    if declared.isdigit() and int(declared) != len(messages):
        raise InvalidInput(
            f"{source}: segment {len(segments)}: UNZ says {declared} message(s), the file holds {len(messages)}: "
            "the interchange is incomplete"
        )
    channel = f"edi:{sender_id}"[:40]
    default = f.currency(currency, "currency")
    return RecordStream(_records(messages, channel, default), total=len(messages), format=FORMAT)


def _first(element: Any) -> str:
    """The first component of a data element (a plain string or a composite list)."""
    if isinstance(element, list):
        return element[0] if element and isinstance(element[0], str) else ""
    return element if isinstance(element, str) else ""


def _component(segment: Segment, element: int, component: int = 0) -> str:
    elements = segment.elements
    if element >= len(elements):
        return ""
    value = elements[element]
    if isinstance(value, list):
        return value[component] if component < len(value) and isinstance(value[component], str) else ""
    return value if component == 0 and isinstance(value, str) else ""


def _components(segment: Segment, element: int) -> list[str]:
    elements = segment.elements
    if element >= len(elements):
        return []
    value = elements[element]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return [value] if isinstance(value, str) else []


class _Message:
    __slots__ = ("number", "first_segment", "header", "body", "trailer", "problem")

    def __init__(self, number: int, first_segment: int, header: Segment) -> None:
        self.number = number
        self.first_segment = first_segment
        self.header = header
        self.body: list[tuple[int, Segment]] = []
        self.trailer: Segment | None = None
        self.problem = ""


def _split_messages(segments: list[Segment], start: int) -> list[_Message]:
    messages: list[_Message] = []
    current: _Message | None = None
    for number, segment in enumerate(segments[start:-1], start=start + 1):
        if segment.tag == "UNH":
            if current is not None:
                current.problem = f"segment {number}: UNH before the UNT closing message {current.number}"
                messages.append(current)
            current = _Message(len(messages) + 1, number, segment)
        elif segment.tag == "UNT":
            if current is None:
                stray = _Message(len(messages) + 1, number, segment)
                stray.problem = f"segment {number}: UNT without a UNH"
                messages.append(stray)
                continue
            current.trailer = segment
            declared = _component(segment, 0)
            count = len(current.body) + 2
            if declared.isdigit() and int(declared) != count:
                current.problem = f"segment {number}: UNT says {declared} segments, the message has {count}"
            messages.append(current)
            current = None
        elif current is not None:
            current.body.append((number, segment))
        else:
            stray = _Message(len(messages) + 1, number, segment)
            stray.problem = f"segment {number}: {segment.tag} outside any message (UNH ... UNT)"
            messages.append(stray)
    if current is not None:
        current.problem = f"message {current.number} has no UNT trailer"
        messages.append(current)
    return messages


def _records(messages: list[_Message], channel: str, currency: str) -> Iterator[IncomingOrder | RecordError]:
    for message in messages:
        yield parse_message(message, channel, currency)


def _record_name(message: _Message) -> str:
    number = ""
    for _, segment in message.body:
        if segment.tag == "BGM":
            number = _first(segment.elements[1] if len(segment.elements) > 1 else "").strip()
            break
    if number:
        return f"order {number[:100]} (message {message.number})"
    return f"message {message.number} (segment {message.first_segment})"


def parse_message(message: _Message, channel: str, currency: str = "CNY") -> IncomingOrder | RecordError:
    record = _record_name(message)
    if message.problem:
        return RecordError(record, message.problem)
    if message.header.tag != "UNH":
        return RecordError(record, "not a message")
    kind = _component(message.header, 1, 0)
    if kind != "ORDERS":
        return RecordError(record, f"segment {message.first_segment}: a {kind or 'untyped'} message, not ORDERS")
    try:
        return _order(message, channel, record, currency)
    except f.FieldError as exc:
        return RecordError(record, str(exc))


def _amount(value: str, field: str) -> int:
    text = value.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return f.nonnegative_cents(text, field)


def _edi_time(value: str, form: str, field: str) -> datetime:
    digits = value.strip()
    try:
        if form == "102" and len(digits) == 8:
            return datetime.strptime(digits, "%Y%m%d").replace(tzinfo=UTC)
        if form == "203" and len(digits) == 12:
            return datetime.strptime(digits, "%Y%m%d%H%M").replace(tzinfo=UTC)
        if form == "204" and len(digits) == 14:
            return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        if form in ("303", "304"):
            size = 12 if form == "303" else 14
            base = datetime.strptime(digits[:size], "%Y%m%d%H%M%S"[: 10 if size == 12 else 12])
            zone = digits[size:].upper()
            if zone in ("", "Z", "UTC", "GMT"):
                return base.replace(tzinfo=UTC)
            sign = {"+": 1, "-": -1}.get(zone[:1])
            if sign and zone[1:].isdigit() and len(zone) in (3, 5):
                hours, minutes = int(zone[1:3]), int(zone[3:5] or 0)
                return base.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes))).astimezone(
                    UTC
                )
    except (ValueError, OverflowError):  # OverflowError: year 1 with an offset east of UTC
        pass
    raise f.FieldError(f"{field}: {value!r} is not a date in format {form or '(none)'}")


def _order(message: _Message, channel: str, record: str, default_currency: str = "CNY") -> IncomingOrder:
    external_id = ""
    dates: dict[str, datetime] = {}
    currency = default_currency
    priority = 0
    channel_status = "original"
    notes: list[str] = []
    parties: dict[str, dict[str, str]] = {}
    party: dict[str, str] | None = None
    lines: list[IncomingLine] = []
    line: dict[str, Any] | None = None
    line_where = ""
    goods_stated: int | None = None
    total_stated = 0
    coupon = shipping = 0
    allowance: str | None = None
    in_summary = False

    def finish_line() -> None:
        if line is None:
            return
        index = len(lines)
        if "quantity" not in line:
            raise f.FieldError(f"lines[{index}].quantity ({line_where}): no QTY+21 (or QTY+1)")
        refs = tuple((kind, parties.get(PARTY_OF[kind], {}).get("id", ""), code) for kind, code in line["refs"])
        if not line.get("sku") and not line.get("gtin") and not refs:
            raise f.FieldError(f"lines[{index}].sku ({line_where}): no article number (a GTIN in LIN, or PIA/LIN "
                               "...:SA, :IN or :BP)")
        quantity, quantity_text = line["quantity"]
        lines.append(IncomingLine(sku=line.get("sku", ""), quantity=quantity, gtin=line.get("gtin", ""),
                                  name=line.get("name", ""), unit_price_cents=line.get("price", 0),
                                  quantity_text=quantity_text, refs=refs))

    def article(code: str, kind: str, where: str) -> None:
        """An article number of LIN or PIA: a GTIN, the supplier's number (our SKU unless a cross-reference says
        otherwise) or the buyer's (found through the catalogue's cross-references)."""
        assert line is not None
        code = code.strip()
        if not code:
            return
        if kind in GTIN_TYPES:
            line.setdefault("gtin", f.gtin(code, f"lines[{len(lines)}].gtin ({where})"))
        elif kind in REF_TYPES:
            code = f.text(code, f"lines[{len(lines)}].{REF_TYPES[kind]}_code ({where})", max_length=64)
            line["refs"].append((REF_TYPES[kind], code))
            if kind == "SA":
                line.setdefault("sku", code)

    for number, seg in message.body:
        tag = seg.tag
        where = f"segment {number}"
        if tag == "BGM":
            external_id = _first(seg.elements[1] if len(seg.elements) > 1 else "").strip()
            if _component(seg, 0) == "224":
                priority = 2
            function = _first(seg.elements[2] if len(seg.elements) > 2 else "")
            channel_status = {"1": "cancelled", "5": "replace", "9": "original"}.get(function, channel_status)
        elif tag == "DTM":
            qualifier, value, form = _component(seg, 0, 0), _component(seg, 0, 1), _component(seg, 0, 2)
            if qualifier in ("137", "4"):
                dates[qualifier] = _edi_time(value, form, f"placed_at (DTM+{qualifier}, {where})")
            elif qualifier in PROMISE_DATES and line is None:
                dates[qualifier] = _edi_time(value, form, f"promised_ship_at (DTM+{qualifier}, {where})")
        elif tag == "CUX":
            code = _component(seg, 0, 1)
            if code:
                currency = f.currency(code, f"currency (CUX, {where})")
        elif tag == "FTX":
            notes.append(" ".join(p for p in _components(seg, 3) if p))
        elif tag == "NAD":
            qualifier = _component(seg, 0)
            party = {"id": _component(seg, 1, 0)}
            if qualifier not in parties:
                parties[qualifier] = party
            name = " ".join(p for p in _components(seg, 3) if p) or " ".join(p for p in _components(seg, 2) if p)
            street = [p for p in _components(seg, 4) if p]
            party.update(
                name=name[:200],
                address1=(street[0] if street else "")[:300],
                address2=" ".join(street[1:])[:300],
                city=_component(seg, 5)[:100],
                region=_component(seg, 6)[:100],
                postcode=_component(seg, 7)[:20],
                country=f.country(_component(seg, 8), f"ship_to.country (NAD+{qualifier}, {where})"),
            )
            if not party["id"]:
                party["id"] = party["name"]  # a party named only by its name: its cross-references name it so
        elif tag == "CTA" and party is not None:
            party.setdefault("contact", _component(seg, 1, 1))
        elif tag == "COM" and party is not None:
            value, kind = _component(seg, 0, 0), _component(seg, 0, 1)
            if kind == "TE":
                party.setdefault("phone", value[:40])
            elif kind == "EM":
                party.setdefault("email", value[:254])
        elif tag == "ALC" and line is None and not in_summary:
            allowance = _component(seg, 0)
        elif tag == "LIN":
            finish_line()
            party = None
            line = {"refs": []}
            line_where = f"LIN {_component(seg, 0) or len(lines) + 1}, {where}"
            article(_component(seg, 2, 0), _component(seg, 2, 1), line_where)
        elif tag == "PIA" and line is not None:
            for element in seg.elements[1:]:
                parts = element if isinstance(element, list) else [element]
                if len(parts) > 1 and isinstance(parts[0], str) and isinstance(parts[1], str):
                    article(parts[0], parts[1], f"PIA, {where}")
        elif tag == "IMD" and line is not None:
            description = " ".join(p for p in _components(seg, 2)[3:5] if p)
            if description:
                line.setdefault("name", description[:300])
        elif tag == "QTY" and line is not None:
            qualifier = _component(seg, 0, 0)
            if qualifier == "21" or (qualifier == "1" and "quantity" not in line):  # ordered; else discrete
                line["quantity"] = f.quantity(
                    _component(seg, 0, 1), f"lines[{len(lines)}].quantity (QTY+{qualifier}, {where})"
                )
        elif tag == "PRI" and line is not None:
            qualifier = _component(seg, 0, 0)
            if qualifier == "AAA" or (qualifier == "AAB" and "price" not in line):
                line["price"] = _amount(_component(seg, 0, 1), f"lines[{len(lines)}].price (PRI+{qualifier}, {where})")
        elif tag == "UNS":
            finish_line()
            line = None
            party = None
            in_summary = True
        elif tag == "MOA":
            qualifier, value = _component(seg, 0, 0), _component(seg, 0, 1)
            if in_summary and qualifier == "79":
                goods_stated = _amount(value, f"goods (MOA+79, {where})")
            elif in_summary and qualifier in ("86", "77"):
                total_stated = total_stated or _amount(value, f"total (MOA+{qualifier}, {where})")
            elif line is None and not in_summary and allowance and qualifier in ("204", "23", "8"):
                amount = _amount(value, f"allowance (MOA+{qualifier}, {where})")
                if allowance == "A":
                    coupon += amount
                elif allowance == "C":
                    shipping += amount
                allowance = None
    if not in_summary:
        finish_line()

    placed_at = dates.get("4") or dates.get("137")
    promised = next((dates[q] for q in PROMISE_DATES if q in dates), None)
    if not external_id:
        raise f.FieldError(f"external_id: no BGM document number (segment {message.first_segment + 1}?)")
    if placed_at is None:
        raise f.FieldError("placed_at: no DTM+137 document date (nor DTM+4 order date)")
    if not lines:
        raise f.FieldError("lines: the message has no LIN")
    goods = goods_stated if goods_stated is not None else sum(_line_goods(l) for l in lines)
    buyer = parties.get("BY", {})
    delivery = parties.get("DP") or parties.get("ST") or buyer
    ship_to = IncomingAddress(
        name=delivery.get("contact") or delivery.get("name", ""),
        company=delivery.get("name", "") if delivery.get("contact") else "",
        address1=delivery.get("address1", ""),
        address2=delivery.get("address2", ""),
        city=delivery.get("city", ""),
        region=delivery.get("region", ""),
        postcode=delivery.get("postcode", ""),
        country=delivery.get("country", ""),
        phone=delivery.get("phone", "") or buyer.get("phone", ""),
        email=delivery.get("email", "") or buyer.get("email", ""),
    )
    return IncomingOrder(
        channel=channel,
        external_id=external_id[:100],
        placed_at=placed_at,
        lines=lines,
        ship_to=ship_to,
        customer_email=buyer.get("email", ""),
        customer_name=buyer.get("name", ""),
        customer_phone=buyer.get("phone", ""),
        currency=currency,
        goods_cents=goods,
        coupon_cents=coupon,
        shipping_cents=shipping,
        paid_cents=0,
        payment_status="authorized",
        priority=priority,
        service_level="standard",
        promised_ship_at=promised,
        note="\n".join(n for n in notes if n),
        record=record,
        channel_status=channel_status,
        stated_total_cents=total_stated,
    )


def _line_goods(line: IncomingLine) -> int:
    """A line's worth at its price: for a decimal quantity, the quantity as written."""
    if line.quantity_text:
        return int((line.unit_price_cents * Decimal(line.quantity_text)).to_integral_value(ROUND_HALF_UP))
    return line.unit_price_cents * line.quantity
