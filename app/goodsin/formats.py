"""What a supplier says will arrive, read from its file: a CSV, an EDIFACT DESADV (despatch advice, D.96A or D.01B)
or an EDIFACT ORDRSP (order response, D.96A), into plain values. Pure parsing: no database, no Qt, no network.

``parse(data, fmt)`` returns every delivery that read cleanly and every problem found; the caller decides (goods in
refuses the whole file when there is any problem). Whatever a supplier wrote stays plain text: stripped, capped at
200 characters for names and 64 for numbers, never interpreted.

CSV (UTF-8, optional BOM, comma separated), columns ``CSV_COLUMNS``: one row a line; rows with the same
``reference`` form one delivery, and a later row may leave ``supplier``, ``expected_on`` and ``purchase_order``
empty but may not say something else. Required: ``reference``, ``quantity`` and ``sku`` or ``gtin``. Dates as
``YYYY-MM-DD``. ExpectedLine.line is the row's line number in the file.

EDIFACT: an interchange UNA/UNB ... UNZ (or bare UNH ... UNT messages), read with pydifact; each message is one
delivery. Segments read:

* DESADV: ``BGM`` document name code 351 (despatch advice), its document number -> reference;
  ``DTM+132`` (arrival date/time, estimated), else ``DTM+17`` (delivery date/time, estimated) -> expected_on,
  formats 102 (CCYYMMDD) and 203 (CCYYMMDDHHMM); ``RFF+ON`` (order number, purchase) -> purchase_order;
  ``NAD+SU`` (supplier) -> supplier: the party name, else the party id (GLN);
  ``CPS`` (consignment packing sequence: id, parent id) opens a package level; ``GIN+BJ`` (serial shipping container
  code) before the level's first LIN gives that package's SSCC (a C208 range from:to is expanded), after a LIN the
  line's own; ``LIN`` line number and item id, type ``EN``/``SRV`` = GTIN; ``PIA`` ``IN`` (buyer's item number,
  preferred: ours) or ``SA`` (supplier's article number) -> sku; ``QTY+12`` (despatch quantity);
  ``GIN+BX`` (batch number), also inside a ``PCI`` group, -> lot; ``DTM+36`` (expiry date), else ``DTM+361``
  (best before date) -> expiry. A line belongs to the package of the CPS it follows; a package without an SSCC
  passes on its parent's; a GIN+BX or DTM given at package level applies to its lines that name none.
  One lot a line: a LIN announcing two lots is a problem (send one LIN a lot). LIN numbers are unique a message.
* ORDRSP: ``BGM`` 231 (purchase order response), its number -> reference, message function 27 (not accepted):
  nothing will come, a problem; ``DTM+69`` (delivery date/time, promised for), else ``DTM+2`` (requested) ->
  expected_on; ``RFF+ON``; ``NAD+SU``; ``LIN`` (action 7 not accepted, 2 deleted or 10 not found: skipped) + ``PIA``
  + ``QTY+113`` (quantity to be delivered; 0: skipped), else ``QTY+21`` (ordered quantity). No SSCCs, no lots.

References used for the codes (UN/EDIFACT directories and the GS1 EANCOM 2002 / 1997 guides):
  https://stedi.com/edi/edifact/D96A/messages/DESADV, https://stedi.com/edi/edifact/D01B/messages/DESADV (structure);
  http://www.eancom.com/ean02s3/part2/desadv/021.htm (DESADV structure: CPS-PAC-PCI-GIN, LIN-PIA-QTY-DTM-PCI);
  http://www.eancom.com/ean02s3/part2/desadv/0531.htm and https://ref.gs1.org/standards/eancom/1997/ DESADV/GDP.HTM
  (GIN 7405: BJ serial shipping container code, BX batch number);
  http://www.eancom.com/ean02s3/part2/desadv/0539.htm (line DTM 2005: 36 expiry date, 361 best before date;
  2379: 102, 203); https://stedi.com/edi/edifact/D96A/elements/2005 (2005: 2, 17, 69, 132, 137);
  https://stedi.com/edi/edifact/D96A/elements/6063 (6063: 12 despatch quantity, 21 ordered quantity) and the EANCOM
  2002 S4 ORDRSP guide, QTY (113 quantity to be delivered); https://ref.gs1.org/standards/eancom/1997/ ORDERS/GD14.HTM
  (PIA 7143: IN buyer's item number, SA supplier's article number, EN); https://ref.gs1.org/standards/eancom/1997/
  ORDRSP/GD2.HTM (BGM 231; 1225: 27 not accepted) and PART3/CL1O.HTM (1229: 2, 7, 10);
  http://www.gs1.se/EANCOM%202000/ordrsp/example.htm (an ORDRSP as sent);
  https://www.ibm.com/docs/en/SSRJDU/business_transaction_intelligence/reference/bti_EDI_EDIFACT_DESADV.html (BGM 351).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gtin import Gtin
from biip.sscc import Sscc
from pydifact.exceptions import EDISyntaxError, MissingImplementationWarning, ValidationError
from pydifact.parser import Parser
from pydifact.segments import Segment

NAME_MAX = 200
NUMBER_MAX = 64
QUANTITY_MAX = 1_000_000_000
RANGE_MAX = 999  # SSCCs one GIN range may announce

FORMATS = ("auto", "csv", "desadv", "ordrsp")
CSV_COLUMNS: tuple[str, ...] = (
    "reference", "supplier", "expected_on", "purchase_order", "sku", "gtin", "quantity", "lot", "expiry", "sscc",
)
REQUIRED_COLUMNS = ("reference", "quantity")

# The message types read, with the directory releases accepted (UNH S009: type, D, release).
RELEASES = {"DESADV": ("96A", "01B"), "ORDRSP": ("96A",)}
GTIN_TYPES = ("EN", "SRV")
SKU_TYPES = ("IN", "SA")  # buyer's item number (ours) first, then the supplier's article number
LINES_NOT_COMING = ("2", "7", "10")  # ORDRSP LIN 1229: deleted, not accepted, not found
# What pydifact raises on input it cannot read.
PYDIFACT_FAULTS = (EDISyntaxError, ValidationError, IndexError, ValueError, TypeError, AttributeError, KeyError,
                   StopIteration, LookupError)
_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"([0-9]+)(?:[.,]0*)?")


@dataclass(frozen=True)
class ExpectedLine:
    line: int  # the line (CSV) or the LIN number (EDIFACT) it came from
    sku: str  # the supplier's or our article number ('' when only a GTIN is given)
    gtin: str  # 14 digits, check digit verified ('' when only a SKU is given); at least one of sku/gtin
    quantity: int  # > 0
    lot: str = ""
    expiry: date | None = None
    sscc: str = ""  # 18 digits, check digit verified: the pallet or case the line travels in ('' unknown)


@dataclass(frozen=True)
class ExpectedDelivery:
    reference: str  # the supplier's despatch advice / delivery note number
    supplier: str  # the supplier's name or its GLN
    expected_on: date | None
    purchase_order: str  # our order to the supplier ('' unknown)
    ssccs: tuple[str, ...]  # every package SSCC announced, in order, no duplicates
    lines: tuple[ExpectedLine, ...]


@dataclass(frozen=True)
class Problem:
    record: str  # "line 7", "segment 23 (LIN)"
    field: str  # "gtin", "quantity", "expiry", ...
    error: str  # plain English

    def text(self) -> str:
        return f"{self.record}, {self.field}: {self.error}"


class _Refused(Exception):
    """One field's value refused; the caller adds where."""

    def __init__(self, field: str, error: str) -> None:
        super().__init__(error)
        self.field = field
        self.error = error


# --- values ---------------------------------------------------------------------------------------------------


def _clip(value: str, limit: int) -> str:
    return value.strip()[:limit]


def _shown(value: str) -> str:
    text = value.strip()
    return text if len(text) <= 40 else text[:40] + "..."


def gtin14(code: str, field: str = "gtin") -> str:
    """A GTIN-8/12/13/14 as 14 digits, its check digit verified by biip."""
    text = code.strip()
    if not _DIGITS.fullmatch(text) or len(text) not in (8, 12, 13, 14):
        raise _Refused(field, f"{_shown(text)!r} is not a GTIN (8, 12, 13 or 14 digits)")
    expected = str(gs1_standard_check_digit(text[:-1]))
    if expected != text[-1]:
        raise _Refused(field, f"{text} has a wrong check digit (it should end in {expected})")
    try:
        return str(Gtin.parse(text).as_gtin_14())
    except ParseError as exc:
        raise _Refused(field, f"{text} is not a GTIN: {exc}") from None


def sscc18(code: str, field: str = "sscc") -> str:
    """An SSCC as its 18 digits (a leading ``(00)`` is dropped), check digit verified by biip."""
    text = code.strip()
    if text.startswith("(00)"):
        text = text[4:].strip()
    if not _DIGITS.fullmatch(text):
        raise _Refused(field, f"{_shown(text)!r} is not an SSCC (18 digits)")
    if len(text) != 18:
        raise _Refused(field, f"{text} is not an SSCC: it has {len(text)} digits, an SSCC has 18")
    expected = str(gs1_standard_check_digit(text[:-1]))
    if expected != text[-1]:
        raise _Refused(field, f"{text} has a wrong check digit (it should end in {expected})")
    try:
        return str(Sscc.parse(text).value)
    except ParseError as exc:
        raise _Refused(field, f"{text} is not an SSCC: {exc}") from None


def _quantity(value: str, field: str = "quantity", *, decimals: bool = False) -> int:
    text = value.strip()
    match = (_WHOLE if decimals else _DIGITS).fullmatch(text)
    if not match:
        if re.fullmatch(r"-[0-9]+(?:[.,][0-9]*)?", text):
            raise _Refused(field, f"{text} is negative: a quantity is a whole number more than 0")
        shown = repr(_shown(text)) if text else "nothing"
        raise _Refused(field, f"{shown} is not a whole number more than 0")
    number = int(match.group(1) if decimals else match.group(0))
    if number <= 0:
        raise _Refused(field, f"{text} is not a quantity: it must be more than 0")
    if number > QUANTITY_MAX:
        raise _Refused(field, f"{text} is more than {QUANTITY_MAX:,}")
    return number


def _iso_date(value: str, field: str) -> date:
    text = value.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise _Refused(field, f"{_shown(text)!r} is not a date written YYYY-MM-DD")


def _edi_date(value: str, form: str, field: str) -> date:
    """DTM C507: 102 CCYYMMDD or 203 CCYYMMDDHHMM (the date part); without a format code, told by its length."""
    text = value.strip()
    form = form.strip() or {8: "102", 12: "203"}.get(len(text), "")
    patterns = {"102": "%Y%m%d", "203": "%Y%m%d%H%M"}
    if form not in patterns:
        raise _Refused(field, f"date format {form or '(none)'} is not read (102 CCYYMMDD or 203 CCYYMMDDHHMM)")
    try:
        if len(text) != {"102": 8, "203": 12}[form] or not _DIGITS.fullmatch(text):
            raise ValueError(text)
        return datetime.strptime(text, patterns[form]).date()
    except ValueError:
        raise _Refused(field, f"{_shown(text)!r} is not a date in format {form}") from None


# --- entry ----------------------------------------------------------------------------------------------------


def parse(data: bytes, fmt: str = "auto") -> tuple[list[ExpectedDelivery], list[Problem]]:
    """The deliveries announced in ``data`` that read cleanly, and every problem found."""
    if fmt not in FORMATS:
        return [], [Problem("file", "format", f"{_shown(str(fmt))!r} is not a format: auto, csv, desadv or ordrsp")]
    if not data.strip():
        return [], [Problem("file", "data", "the file is empty")]
    kind = fmt if fmt != "auto" else ("edifact" if looks_like_edifact(data) else "csv")
    if kind == "csv":
        return _parse_csv(data)
    return _parse_edifact(data, None if kind == "edifact" else kind.upper())


def looks_like_edifact(data: bytes) -> bool:
    """True when the data (after a BOM, blanks and an optional UNA) starts with UNB or UNH."""
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"UNA") and len(head) >= 9:
        head = head[9:].lstrip()
    return head[:3] in (b"UNB", b"UNH") and head[3:4] not in (b"", b"\n", b"\r") and not head[3:4].isalnum()


def template() -> str:
    """The CSV header and two example lines (one by GTIN on a pallet, one by SKU)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["DN-2026-0001", "Acme Supplies Ltd", "2026-03-02", "PO-4711", "", "4006381333931", "24",
                     "L2603A", "2027-02-28", "376130321109103420"])
    writer.writerow(["DN-2026-0001", "", "", "", "SKU-00042", "", "6", "", "", ""])
    return out.getvalue()


# --- CSV ------------------------------------------------------------------------------------------------------


@dataclass
class _CsvDelivery:
    reference: str
    header: dict[str, tuple[str, int]] = field(default_factory=dict)  # supplier/expected_on/purchase_order
    expected_on: date | None = None
    lines: list[ExpectedLine] = field(default_factory=list)
    broken: bool = False


def _parse_csv(data: bytes) -> tuple[list[ExpectedDelivery], list[Problem]]:
    raw = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem(f"line {line}", "encoding",
                            f"byte 0x{raw[exc.start]:02x} is not UTF-8: save the file as UTF-8 (CSV UTF-8)")]
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(rows, None)
    except csv.Error as exc:
        return [], [Problem("line 1", "header", f"the header cannot be read as CSV: {exc}")]
    if header is None:
        return [], [Problem("line 1", "header", "the file is empty")]
    columns = [h.strip().lower() for h in header]
    for number, name in enumerate(columns, start=1):
        if name and name not in CSV_COLUMNS:
            problems.append(Problem("line 1", _clip(name, NUMBER_MAX),
                                    f"unknown column (the columns are: {', '.join(CSV_COLUMNS)})"))
        elif name and columns.index(name) != number - 1:
            problems.append(Problem("line 1", name, "the column is named twice"))
    separators = [s for s in (";", "\t", "|") if s in ",".join(header)]
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            hint = f" (the file seems separated by {separators[0]!r}: separate columns with commas)" if separators else ""
            problems.append(Problem("line 1", name, "the column is missing" + hint))
    if "sku" not in columns and "gtin" not in columns:
        problems.append(Problem("line 1", "sku", "the columns sku and gtin are both missing: one of them is needed"))
    if problems:
        return [], problems

    deliveries: dict[str, _CsvDelivery] = {}
    line_no = 1
    while True:
        start = rows.line_num + 1
        try:
            values = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"line {rows.line_num}", "row", f"cannot be read as CSV: {exc}"))
            break
        line_no = start
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(columns):
            problems.append(Problem(f"line {line_no}", "row",
                                    f"{len(values)} values for {len(columns)} columns (a comma too many?)"))
            continue
        row = {name: (values[i] if i < len(values) else "") for i, name in enumerate(columns) if name}
        _csv_row(row, line_no, deliveries, problems)
    if not deliveries and not problems:
        problems.append(Problem(f"line {line_no}", "row", "the file has a header but no lines"))
    result = []
    for d in deliveries.values():
        if d.broken:
            continue
        ssccs = tuple(dict.fromkeys(l.sscc for l in d.lines if l.sscc))
        result.append(ExpectedDelivery(reference=d.reference, supplier=d.header.get("supplier", ("", 0))[0],
                                       expected_on=d.expected_on,
                                       purchase_order=d.header.get("purchase_order", ("", 0))[0],
                                       ssccs=ssccs, lines=tuple(d.lines)))
    return result, problems


def _csv_row(row: dict[str, str], line_no: int, deliveries: dict[str, _CsvDelivery], problems: list[Problem]) -> None:
    where = f"line {line_no}"
    found: list[Problem] = []

    def check(read: Any) -> Any:
        try:
            return read()
        except _Refused as exc:
            found.append(Problem(where, exc.field, exc.error))
            return None

    reference = _clip(row.get("reference", ""), NUMBER_MAX)
    if not reference:
        found.append(Problem(where, "reference", "empty: every line names its delivery's reference"))
    sku = _clip(row.get("sku", ""), NUMBER_MAX)
    gtin_text = row.get("gtin", "").strip()
    gtin = check(lambda: gtin14(gtin_text)) if gtin_text else ""
    if not sku and not gtin_text:
        found.append(Problem(where, "sku", "neither a sku nor a gtin: one of them is needed"))
    quantity = check(lambda: _quantity(row.get("quantity", "")))
    lot = _clip(row.get("lot", ""), NUMBER_MAX)
    expiry_text = row.get("expiry", "").strip()
    expiry = check(lambda: _iso_date(expiry_text, "expiry")) if expiry_text else None
    sscc_text = row.get("sscc", "").strip()
    sscc = check(lambda: sscc18(sscc_text)) if sscc_text else ""
    on_text = row.get("expected_on", "").strip()
    expected_on = check(lambda: _iso_date(on_text, "expected_on")) if on_text else None

    delivery = deliveries.get(reference) if reference else None
    if reference and delivery is None:
        delivery = deliveries[reference] = _CsvDelivery(reference)
    if delivery is not None:
        said = {"supplier": _clip(row.get("supplier", ""), NAME_MAX), "expected_on": on_text,
                "purchase_order": _clip(row.get("purchase_order", ""), NUMBER_MAX)}
        for name, value in said.items():
            if not value:
                continue
            before = delivery.header.get(name)
            if before is None:
                delivery.header[name] = (value, line_no)
                if name == "expected_on":
                    delivery.expected_on = expected_on
            elif before[0] != value:
                found.append(Problem(where, name, f"delivery {reference} has {name} {_shown(before[0])!r} on line "
                                                  f"{before[1]} and {_shown(value)!r} here: one delivery, one {name}"))
    if found:
        problems.extend(found)
        if delivery is not None:
            delivery.broken = True
        return
    assert delivery is not None
    delivery.lines.append(ExpectedLine(line=line_no, sku=sku, gtin=gtin or "", quantity=quantity, lot=lot,
                                       expiry=expiry, sscc=sscc or ""))


# --- EDIFACT: the interchange ---------------------------------------------------------------------------------


def _decode_edifact(data: bytes) -> str:
    raw = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")  # UNOY/UNOW, and plain ASCII (UNOA/UNOB)
    except UnicodeDecodeError:
        return raw.decode("iso8859-1")  # UNOC and other Latin-1 interchanges


def _where(number: int, segment: Segment) -> str:
    return f"segment {number} ({segment.tag})"


@dataclass
class _Message:
    first: int  # the UNH's segment number
    header: Segment
    body: list[tuple[int, Segment]] = field(default_factory=list)
    closed: bool = False


def _parse_edifact(data: bytes, wanted: str | None) -> tuple[list[ExpectedDelivery], list[Problem]]:
    text = _decode_edifact(data).strip()
    segments: list[Segment] = []
    try:
        with warnings.catch_warnings():  # pydifact warns that it has no D96A schema to validate against
            warnings.simplefilter("ignore", MissingImplementationWarning)
            warnings.simplefilter("ignore", SyntaxWarning)
            for segment in Parser().parse(text):
                segments.append(segment)
    except PYDIFACT_FAULTS as exc:
        reason = str(exc) or type(exc).__name__
        if "Unexpected end" in reason:
            reason = "the file ends in the middle of a segment (truncated?)"
        after = f", after {_where(len(segments), segments[-1])}" if segments else ""
        return [], [Problem(f"segment {len(segments) + 1}", "syntax", f"not readable as EDIFACT{after}: {reason}")]
    if not segments:
        return [], [Problem("segment 1", "syntax", "no EDIFACT segment found")]
    start = 1 if segments[0].tag == "UNA" else 0
    if len(segments) <= start or segments[start].tag not in ("UNB", "UNH"):
        first = segments[start].tag if len(segments) > start else "nothing"
        return [], [Problem(f"segment {start + 1}", "syntax", f"an interchange starts with UNB or UNH, not {first}")]
    problems: list[Problem] = []
    body = list(enumerate(segments, start=1))[start:]
    if segments[start].tag == "UNB":
        body = body[1:]
        last = segments[-1]
        if last.tag != "UNZ":
            problems.append(Problem(_where(len(segments), last), "UNZ",
                                    "the interchange ends without its UNZ trailer: the file is truncated"))
        else:
            body = body[:-1]
    messages, split_problems = _split(body)
    problems.extend(split_problems)
    if segments[start].tag == "UNB" and segments[-1].tag == "UNZ":
        declared = _text(segments[-1], 0)
        if declared.isdigit() and int(declared) != len(messages):
            problems.append(Problem(_where(len(segments), segments[-1]), "UNZ",
                                    f"says {declared} message(s), the file holds {len(messages)}: it is incomplete"))
    deliveries: list[ExpectedDelivery] = []
    for message in messages:
        delivery, found = _message(message, wanted)
        problems.extend(found)
        if delivery is not None and not found:
            deliveries.append(delivery)
    if not messages and not problems:
        problems.append(Problem(f"segment {start + 1}", "UNH", "the interchange holds no message"))
    return deliveries, problems


def _split(body: list[tuple[int, Segment]]) -> tuple[list[_Message], list[Problem]]:
    messages: list[_Message] = []
    problems: list[Problem] = []
    current: _Message | None = None
    for number, segment in body:
        if segment.tag in ("UNA", "UNB", "UNZ"):
            problems.append(Problem(_where(number, segment), "syntax", f"{segment.tag} inside the interchange"))
        elif segment.tag == "UNH":
            if current is not None:
                problems.append(Problem(_where(number, segment), "UNT",
                                        f"a new message starts before the UNT closing the one of segment {current.first}"))
                messages.append(current)
            current = _Message(number, segment)
        elif segment.tag == "UNT":
            if current is None:
                problems.append(Problem(_where(number, segment), "UNH", "UNT without a UNH"))
                continue
            declared = _text(segment, 0)
            count = len(current.body) + 2
            if declared.isdigit() and int(declared) != count:
                problems.append(Problem(_where(number, segment), "UNT",
                                        f"says {declared} segments, the message has {count}: it is incomplete"))
            current.closed = True
            messages.append(current)
            current = None
        elif current is None:
            problems.append(Problem(_where(number, segment), "UNH", f"{segment.tag} outside any message (UNH ... UNT)"))
        else:
            current.body.append((number, segment))
    if current is not None:
        problems.append(Problem(_where(current.first, current.header), "UNT",
                                "the message has no UNT trailer: the file is truncated"))
        messages.append(current)
    return messages, problems


def _element(segment: Segment, index: int) -> Any:
    elements = segment.elements
    return elements[index] if index < len(elements) else ""


def _text(segment: Segment, index: int, component: int = 0) -> str:
    """One component of one data element, '' when absent."""
    value = _element(segment, index)
    if isinstance(value, list):
        part = value[component] if component < len(value) else ""
        return part.strip() if isinstance(part, str) else ""
    return value.strip() if component == 0 and isinstance(value, str) else ""


def _parts(segment: Segment, index: int) -> list[str]:
    value = _element(segment, index)
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str)]
    return [value.strip()] if isinstance(value, str) else []


def _message(message: _Message, wanted: str | None) -> tuple[ExpectedDelivery | None, list[Problem]]:
    kind = _text(message.header, 1, 0).upper()
    where = _where(message.first, message.header)
    if wanted and kind != wanted:
        return None, [Problem(where, "UNH", f"the message is {kind or 'untyped'}, not {wanted}")]
    if kind not in RELEASES:
        return None, [Problem(where, "UNH", f"a {kind or 'untyped'} message: DESADV or ORDRSP are read")]
    release = _text(message.header, 1, 2).upper()
    if release not in RELEASES[kind]:
        known = " or ".join(f"D.{r}" for r in RELEASES[kind])
        return None, [Problem(where, "UNH", f"{kind} D.{release or '?'} is not read ({known})")]
    if not message.closed:
        return None, []  # its missing UNT is already a problem
    reader = _Desadv(message) if kind == "DESADV" else _Ordrsp(message)
    return reader.read()


# --- EDIFACT: one message -------------------------------------------------------------------------------------


@dataclass
class _Line:
    number: int
    where: str
    gtin: str = ""
    skus: dict[str, str] = field(default_factory=dict)  # PIA/LIN item type -> number
    quantity: int | None = None
    quantity_after_pci: int | None = None
    lots: list[str] = field(default_factory=list)
    expiries: dict[str, list[date]] = field(default_factory=dict)  # 36 / 361 -> dates
    ssccs: list[str] = field(default_factory=list)
    package: str = ""  # the CPS id it follows
    in_pci: bool = False
    skip: bool = False  # ORDRSP: a line that will not come
    id_refused: bool = False  # its GTIN was refused (already a problem)
    said: dict[str, tuple[str, str]] = field(default_factory=dict)  # ORDRSP: QTY qualifier -> (value, where)


@dataclass
class _Package:
    parent: str
    ssccs: list[str] = field(default_factory=list)
    lots: list[str] = field(default_factory=list)
    expiries: dict[str, list[date]] = field(default_factory=dict)


class _Reader:
    """What DESADV and ORDRSP share: the header segments, LIN/PIA, the problems."""

    document_codes: tuple[str, ...] = ()
    document_name = ""
    date_qualifiers: tuple[str, ...] = ()  # in order of preference

    def __init__(self, message: _Message) -> None:
        self.message = message
        self.problems: list[Problem] = []
        self.reference = ""
        self.supplier = ""
        self.purchase_order = ""
        self.dates: dict[str, date] = {}
        self.lines: list[_Line] = []
        self.line: _Line | None = None
        self.ssccs: list[str] = []

    def problem(self, where: str, name: str, error: str) -> None:
        self.problems.append(Problem(where, name, error))

    def read(self) -> tuple[ExpectedDelivery | None, list[Problem]]:
        for number, segment in self.message.body:
            try:
                self.segment(number, segment, _where(number, segment))
            except _Refused as exc:
                self.problem(_where(number, segment), exc.field, exc.error)
        where = _where(self.message.first, self.message.header)
        if not self.reference:
            self.problem(where, "reference", f"the message has no BGM document number ({self.document_name})")
        expected = [self.finish(line) for line in self.lines]
        kept = [l for l in expected if l is not None]
        seen: dict[int, str] = {}
        for line in self.lines:
            if line.number in seen:
                self.problem(line.where, "line", f"line number {line.number} is used twice in the message "
                                                 f"(first at {seen[line.number]})")
            seen.setdefault(line.number, line.where)
        if not kept and not self.problems:
            self.problem(where, "lines", "the message announces no line to receive")
        if self.problems:
            return None, self.problems
        expected_on = next((self.dates[q] for q in self.date_qualifiers if q in self.dates), None)
        return ExpectedDelivery(reference=self.reference, supplier=self.supplier, expected_on=expected_on,
                                purchase_order=self.purchase_order, ssccs=tuple(dict.fromkeys(self.ssccs)),
                                lines=tuple(kept)), []

    def segment(self, number: int, seg: Segment, where: str) -> None:
        tag = seg.tag
        if tag == "BGM":
            code = _text(seg, 0, 0)
            if code not in self.document_codes:
                raise _Refused("BGM", f"document name code {code or '(none)'}: a {self.document_name} has "
                                      f"{' or '.join(self.document_codes)}")
            self.reference = _clip(_text(seg, 1, 0), NUMBER_MAX)
            self.document(seg, where)
        elif tag == "RFF" and _text(seg, 0, 0) == "ON" and not self.purchase_order:
            self.purchase_order = _clip(_text(seg, 0, 1), NUMBER_MAX)
        elif tag == "NAD" and _text(seg, 0) == "SU" and not self.supplier:
            party = _text(seg, 1, 0)
            name = " ".join(p for p in _parts(seg, 3) if p) or " ".join(p for p in _parts(seg, 2) if p)
            self.supplier = _clip(name or party, NAME_MAX)
        elif tag == "DTM" and self.line is None and not self.in_detail():
            qualifier, value, form = _text(seg, 0, 0), _text(seg, 0, 1), _text(seg, 0, 2)
            if qualifier in self.date_qualifiers and qualifier not in self.dates:
                self.dates[qualifier] = _edi_date(value, form, "expected_on")
        elif tag == "LIN":
            self.start_line(number, seg, where)
        elif tag == "PIA" and self.line is not None:
            for element in seg.elements[1:]:
                parts = element if isinstance(element, list) else [element]
                code = parts[0].strip() if parts and isinstance(parts[0], str) else ""
                kind = parts[1].strip() if len(parts) > 1 and isinstance(parts[1], str) else ""
                self.item_id(self.line, code, kind)
        elif tag in ("UNS", "CNT"):
            self.line = None
            self.end_detail()
        else:
            self.detail(number, seg, where)

    def start_line(self, number: int, seg: Segment, where: str) -> None:
        """A LIN opens a line; the line is kept (with what follows it) even when its item id is refused."""
        given = _text(seg, 0)
        line = _Line(number=int(given) if given.isdigit() else number, where=where, package=self.current_package())
        self.lines.append(line)
        self.line = line
        self.opened(line, seg)
        if given and not given.isdigit():
            raise _Refused("line", f"LIN line number {_shown(given)!r} is not a number")
        self.item_id(line, _text(seg, 2, 0), _text(seg, 2, 1))

    def item_id(self, line: _Line, code: str, kind: str) -> None:
        if not code:
            return
        if kind in GTIN_TYPES:
            if not line.gtin:
                try:
                    line.gtin = gtin14(code)
                except _Refused:
                    line.id_refused = True
                    raise
        elif kind in SKU_TYPES:
            line.skus.setdefault(kind, _clip(code, NUMBER_MAX))

    def sku_of(self, line: _Line) -> str:
        return next((line.skus[k] for k in SKU_TYPES if k in line.skus), "")

    # overridden
    def document(self, seg: Segment, where: str) -> None:
        pass

    def current_package(self) -> str:
        return ""

    def opened(self, line: _Line, seg: Segment) -> None:
        pass

    def in_detail(self) -> bool:
        return False

    def end_detail(self) -> None:
        pass

    def detail(self, number: int, seg: Segment, where: str) -> None:
        pass

    def finish(self, line: _Line) -> ExpectedLine | None:
        raise NotImplementedError


class _Desadv(_Reader):
    document_codes = ("351",)
    document_name = "despatch advice"
    date_qualifiers = ("132", "17")

    def __init__(self, message: _Message) -> None:
        super().__init__(message)
        self.packages: dict[str, _Package] = {}
        self.package = ""  # the current CPS id
        self.detail_started = False

    def in_detail(self) -> bool:
        return self.detail_started

    def end_detail(self) -> None:
        self.package = ""

    def detail(self, number: int, seg: Segment, where: str) -> None:
        tag = seg.tag
        if tag == "CPS":
            self.detail_started = True
            self.line = None
            self.package = _text(seg, 0) or f"#{number}"
            self.packages.setdefault(self.package, _Package(parent=_text(seg, 1)))
        elif tag == "PCI" and self.line is not None:
            self.line.in_pci = True
        elif tag == "GIN":
            kind = _text(seg, 0)
            if kind == "BJ":
                found = self.gin_ssccs(seg)
                self.ssccs.extend(found)
                if self.line is not None:
                    self.line.ssccs.extend(found)
                elif self.package:
                    self.packages[self.package].ssccs.extend(found)
            elif kind == "BX":
                lots = [_clip(p, NUMBER_MAX) for p in (_text(seg, i, 0) for i in range(1, len(seg.elements))) if p]
                target = self.line.lots if self.line is not None else (
                    self.packages[self.package].lots if self.package else None)
                if target is not None:
                    target.extend(l for l in lots if l not in target)
        elif tag == "DTM" and (self.line is not None or self.package):
            qualifier, value, form = _text(seg, 0, 0), _text(seg, 0, 1), _text(seg, 0, 2)
            if qualifier in ("36", "361"):
                day = _edi_date(value, form, "expiry")
                expiries = self.line.expiries if self.line is not None else self.packages[self.package].expiries
                if day not in expiries.setdefault(qualifier, []):
                    expiries[qualifier].append(day)
        elif tag == "QTY" and self.line is not None and _text(seg, 0, 0) == "12":
            quantity = _quantity(_text(seg, 0, 1), decimals=True)
            if self.line.in_pci:
                self.line.quantity_after_pci = self.line.quantity_after_pci or quantity
            elif self.line.quantity is None:
                self.line.quantity = quantity

    def current_package(self) -> str:
        return self.package

    def opened(self, line: _Line, seg: Segment) -> None:
        self.detail_started = True

    def gin_ssccs(self, seg: Segment) -> list[str]:
        """Every SSCC of a GIN+BJ: each C208 is one SSCC or a range first:last."""
        found: list[str] = []
        for index in range(1, len(seg.elements)):
            first, last = _text(seg, index, 0), _text(seg, index, 1)
            if not first:
                continue
            start = sscc18(first)
            if not last:
                found.append(start)
                continue
            end = sscc18(last)
            count = int(end[:17]) - int(start[:17]) + 1
            if count < 1 or count > RANGE_MAX:
                raise _Refused("sscc", f"the range {start} to {end} is not 1 to {RANGE_MAX} packages")
            for serial in range(int(start[:17]), int(end[:17]) + 1):
                body = f"{serial:017d}"
                found.append(body + str(gs1_standard_check_digit(body)))
        return found

    def inherited(self, line: _Line) -> tuple[str, list[str], dict[str, list[date]]]:
        """The line's package's SSCC (one), lots and expiry dates: its own CPS's, else the nearest parent's."""
        sscc = ""
        lots: list[str] = []
        expiries: dict[str, list[date]] = {}
        seen: set[str] = set()
        package_id = line.package
        sscc_decided = False
        while package_id and package_id in self.packages and package_id not in seen:
            seen.add(package_id)
            package = self.packages[package_id]
            if not sscc_decided and package.ssccs:
                sscc = package.ssccs[0] if len(set(package.ssccs)) == 1 else ""  # several: which one is unknown
                sscc_decided = True
            lots = lots or package.lots
            expiries = expiries or package.expiries
            package_id = package.parent
        return sscc, lots, expiries

    def finish(self, line: _Line) -> ExpectedLine | None:
        sku = self.sku_of(line)
        if not line.gtin and not sku and not line.id_refused:
            self.problem(line.where, "gtin", "neither a GTIN (LIN or PIA, type EN or SRV) nor an article number "
                                             "(PIA, type IN or SA)")
        quantity = line.quantity or line.quantity_after_pci
        if quantity is None:
            self.problem(line.where, "quantity", "the line has no QTY+12 (despatch quantity)")
        package_sscc, package_lots, package_expiries = self.inherited(line)
        lots = line.lots or package_lots
        if len(lots) > 1:
            self.problem(line.where, "lot", f"one line announces {len(lots)} lots ({', '.join(lots[:5])}): "
                                            "the station reads one lot a line, send one LIN a lot")
        expiries = line.expiries or package_expiries
        days = expiries.get("36") or expiries.get("361") or []
        if len(days) > 1:
            self.problem(line.where, "expiry", f"one line announces {len(days)} dates "
                                               f"({', '.join(d.isoformat() for d in days[:5])}): send one LIN a lot")
        own = list(dict.fromkeys(line.ssccs))
        sscc = own[0] if len(own) == 1 else ("" if own else package_sscc)
        if quantity is None or (not line.gtin and not sku):
            return None
        return ExpectedLine(line=line.number, sku=sku, gtin=line.gtin, quantity=quantity,
                            lot=lots[0] if len(lots) == 1 else "", expiry=days[0] if len(days) == 1 else None,
                            sscc=sscc)


class _Ordrsp(_Reader):
    document_codes = ("231",)
    document_name = "purchase order response"
    date_qualifiers = ("69", "2")

    def in_detail(self) -> bool:
        return bool(self.lines)

    def document(self, seg: Segment, where: str) -> None:
        if _text(seg, 2) == "27":
            raise _Refused("BGM", f"order response {self.reference or '(no number)'} does not accept the order "
                                  "(message function 27): no delivery will come")

    def opened(self, line: _Line, seg: Segment) -> None:
        line.skip = _text(seg, 1) in LINES_NOT_COMING

    def detail(self, number: int, seg: Segment, where: str) -> None:
        if seg.tag == "QTY" and self.line is not None and _text(seg, 0, 0) in ("113", "21"):
            self.line.said.setdefault(_text(seg, 0, 0), (_text(seg, 0, 1), where))

    def finish(self, line: _Line) -> ExpectedLine | None:
        if line.skip:
            return None
        sku = self.sku_of(line)
        if not line.gtin and not sku and not line.id_refused:
            self.problem(line.where, "gtin", "neither a GTIN (LIN or PIA, type EN or SRV) nor an article number "
                                             "(PIA, type IN or SA)")
        qualifier = next((q for q in ("113", "21") if q in line.said), "")
        if not qualifier:
            self.problem(line.where, "quantity", "the line has neither QTY+113 (to be delivered) nor QTY+21 (ordered)")
            return None
        value, where = line.said[qualifier]
        whole = _WHOLE.fullmatch(value)
        if qualifier == "113" and whole and int(whole.group(1)) == 0:
            return None  # none of it will be delivered
        try:
            quantity = _quantity(value, decimals=True)
        except _Refused as exc:
            self.problem(where, exc.field, exc.error)
            return None
        if not line.gtin and not sku:
            return None
        return ExpectedLine(line=line.number, sku=sku, gtin=line.gtin, quantity=quantity)
