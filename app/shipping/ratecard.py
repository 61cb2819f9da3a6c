"""A carrier's rate card as a CSV file (issue 23 item 5): read and checked in plain Python, no database.

One column set for every line; the ``record`` column says what a line is, the other columns it does not use
stay empty:

``service``   a service of the carrier: ``service`` (its code, unique in the station), ``name``, ``name_zh``,
              ``kind`` (standard, next_day, scheduled), ``max_weight_g``, ``max_length_mm``,
              ``volumetric_divisor`` (cm3 per kg; 0: actual weight only).
``zone``      where a service delivers: ``country`` (two letters) and either a ``region`` or a
              ``postcode_prefix`` (neither: the whole country), its ``zone`` (0: not served) and ``transit_days``.
              The longest postcode prefix wins, then the region, then the country.
``rate``      a weight break: ``zone``, ``up_to_g`` (chargeable grams, inclusive), ``price`` (e.g. 5.49).
``surcharge`` ``surcharge`` fuel (``percent`` of the price with the other surcharges), remote (``price`` to a
              ``country`` with a ``region`` or ``postcode_prefix``) or oversize (``price`` when the longest side is
              over ``over_mm``); ``service`` ``*``: every service of the carrier.

Every service a zone, rate or surcharge line names is a ``service`` line of the same card: a card is the whole
table of the services it names (zones, breaks and surcharges it leaves out are removed on import).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.shipping.rates import postcode_key

COLUMNS = (
    "record", "service", "name", "name_zh", "kind", "max_weight_g", "max_length_mm", "volumetric_divisor",
    "country", "region", "postcode_prefix", "zone", "transit_days", "up_to_g", "price", "surcharge", "percent",
    "over_mm",
)
RECORDS = ("service", "zone", "rate", "surcharge")
KINDS = ("standard", "next_day", "scheduled")
SURCHARGES = ("fuel", "remote", "oversize")
ALL_SERVICES = "*"
_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,31}")
_COUNTRY = re.compile(r"[A-Z]{2}")

TEMPLATE_ROWS = (
    {"record": "service", "service": "OWN-STD", "name": "Standard", "name_zh": "标准快递", "kind": "standard",
     "max_weight_g": "31500", "max_length_mm": "1200", "volumetric_divisor": "5000"},
    {"record": "zone", "service": "OWN-STD", "country": "DE", "zone": "2", "transit_days": "2"},
    {"record": "zone", "service": "OWN-STD", "country": "DE", "postcode_prefix": "10", "zone": "1",
     "transit_days": "1"},
    {"record": "rate", "service": "OWN-STD", "zone": "1", "up_to_g": "2000", "price": "4.90"},
    {"record": "rate", "service": "OWN-STD", "zone": "2", "up_to_g": "2000", "price": "5.90"},
    {"record": "surcharge", "service": "*", "surcharge": "fuel", "percent": "8.5"},
    {"record": "surcharge", "service": "*", "surcharge": "remote", "country": "DE", "postcode_prefix": "18565",
     "price": "12.00"},
    {"record": "surcharge", "service": "*", "surcharge": "oversize", "over_mm": "1000", "price": "15.00"},
)


def template() -> str:
    """The header and one example line of each kind."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in TEMPLATE_ROWS:
        writer.writerow(row)
    return out.getvalue()


@dataclass(frozen=True)
class Problem:
    """One refused line: ``record`` says where (``line 7``), ``error`` the field and what is wrong."""

    line: int
    field: str
    error: str

    @property
    def record(self) -> str:
        return f"line {self.line}"

    def text(self) -> str:
        return f"line {self.line}, {self.field}: {self.error}" if self.field else f"line {self.line}: {self.error}"


@dataclass(frozen=True)
class ServiceLine:
    line: int
    code: str
    name: str
    name_zh: str
    kind: str
    max_weight_g: int
    max_length_mm: int
    volumetric_divisor: int


@dataclass(frozen=True)
class ZoneLine:
    line: int
    service: str
    country: str
    region: str
    postcode_prefix: str
    zone: int
    transit_days: int


@dataclass(frozen=True)
class RateLine:
    line: int
    service: str
    zone: int
    up_to_g: int
    price_cents: int


@dataclass(frozen=True)
class SurchargeLine:
    line: int
    service: str  # a code, or "*" for every service of the carrier
    kind: str
    percent_bp: int
    cents: int
    country: str
    region: str
    postcode_prefix: str
    over_mm: int

    @property
    def key(self) -> tuple:
        return (self.service, self.kind, self.country, self.region.casefold(), self.postcode_prefix, self.over_mm)


@dataclass
class RateCard:
    services: list[ServiceLine] = field(default_factory=list)
    zones: list[ZoneLine] = field(default_factory=list)
    rates: list[RateLine] = field(default_factory=list)
    surcharges: list[SurchargeLine] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return len(self.services) + len(self.zones) + len(self.rates) + len(self.surcharges)


class _Row:
    """One CSV line's cells, read field by field; a bad cell becomes a :class:`Problem`."""

    def __init__(self, line: int, cells: dict[str, str], problems: list[Problem]) -> None:
        self.line, self.cells, self.problems = line, cells, problems
        self.ok = True

    def fail(self, name: str, error: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.line, name, error))

    def text(self, name: str, required: bool = False, limit: int = 100) -> str:
        value = (self.cells.get(name) or "").strip()
        if required and not value:
            self.fail(name, "is empty")
        elif len(value) > limit:
            self.fail(name, f"is longer than {limit} characters")
            return value[:limit]
        return value

    def integer(self, name: str, default: int | None = None, minimum: int = 0) -> int:
        value = self.text(name)
        if not value:
            if default is None:
                self.fail(name, "is empty")
                return 0
            return default
        if not re.fullmatch(r"-?\d+", value):
            self.fail(name, f"{value!r} is not a whole number")
            return 0
        number = int(value)
        if number < minimum:
            self.fail(name, f"{number} is {'negative' if number < 0 else 'too small'} (at least {minimum})")
        return number

    def decimal(self, name: str, places: int, scale: int) -> int:
        """A price (2 places, in cents) or a percentage (2 places, in hundredths)."""
        value = self.text(name)
        if not value:
            self.fail(name, "is empty")
            return 0
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.fail(name, f"{value!r} is not a number (write e.g. 5.49)")
            return 0
        if not number.is_finite():
            self.fail(name, f"{value!r} is not a number (write e.g. 5.49)")
            return 0
        if number < 0:
            self.fail(name, f"{value} is negative")
            return 0
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.fail(name, f"{value} has more than {places} decimal places")
            return 0
        return int(number * scale)

    def unused(self, *names: str) -> None:
        for name in names:
            if self.text(name):
                self.fail(name, f"is not used on a {self.cells.get('record', '').strip()} line: leave it empty")


def parse(data: bytes | str) -> tuple[RateCard, list[Problem]]:
    """The card and every problem found (line 1 is the header). A card with problems must not be applied."""
    problems: list[Problem] = []
    card = RateCard()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return card, [Problem(line, "", "is not UTF-8 text: save the rate card as CSV UTF-8")]
    data = data.lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(data)))
    except csv.Error as exc:
        return card, [Problem(1, "", f"is not readable as CSV ({exc})")]
    if not rows or not any(cell.strip() for cell in rows[0]):
        return card, [Problem(1, "", "the file is empty: it needs the header line (station carriers rates template)")]
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    for name in missing:
        problems.append(Problem(1, name, "column is missing (station carriers rates template prints them all)"))
    for name in unknown:
        problems.append(Problem(1, name, f"is not a rate card column (the columns: {', '.join(COLUMNS)})"))
    if len(set(header)) != len(header):
        problems.append(Problem(1, "", "a column is named twice"))
    if problems:
        return card, problems
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) > len(header):
            problems.append(Problem(number, "", f"has {len(raw)} cells, the header {len(header)}"))
            continue
        row = _Row(number, dict(zip(header, raw)), problems)
        _read(row, card)
    _cross_check(card, problems)
    problems.sort(key=lambda p: p.line)
    return card, problems


def _code(row: _Row, allow_all: bool = False) -> str:
    code = row.text("service", required=True, limit=32).upper()
    if code and not (allow_all and code == ALL_SERVICES) and not _CODE.fullmatch(code):
        row.fail("service", f"{code!r} is not a service code (letters, digits, - and _)")
    return code


def _country(row: _Row, required: bool) -> str:
    country = row.text("country", required=required).upper()
    if country and not _COUNTRY.fullmatch(country):
        row.fail("country", f"{country!r} is not a two-letter country code")
    return country


def _area(row: _Row) -> tuple[str, str]:
    region = row.text("region")
    prefix = postcode_key(row.text("postcode_prefix", limit=16))
    if region and prefix:
        row.fail("postcode_prefix", "give a region or a postcode prefix, not both")
    return region, prefix


def _read(row: _Row, card: RateCard) -> None:
    record = row.text("record", required=True).lower()
    if record and record not in RECORDS:
        row.fail("record", f"{record!r} is not one of {', '.join(RECORDS)}")
        return
    if record == "service":
        code = _code(row)
        name = row.text("name", required=True)
        name_zh = row.text("name_zh")
        kind = (row.text("kind") or "standard").lower()
        if kind not in KINDS:
            row.fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        max_w = row.integer("max_weight_g", 30000, 1)
        max_l = row.integer("max_length_mm", 1500, 1)
        divisor = row.integer("volumetric_divisor", 6000, 0)
        row.unused("country", "region", "postcode_prefix", "zone", "transit_days", "up_to_g", "price", "surcharge",
                   "percent", "over_mm")
        if row.ok:
            card.services.append(ServiceLine(row.line, code, name, name_zh, kind, max_w, max_l, divisor))
    elif record == "zone":
        code = _code(row)
        country = _country(row, required=True)
        region, prefix = _area(row)
        zone = row.integer("zone")
        transit = row.integer("transit_days", 0 if row.text("zone") == "0" else None)
        row.unused("name", "name_zh", "kind", "max_weight_g", "max_length_mm", "volumetric_divisor", "up_to_g",
                   "price", "surcharge", "percent", "over_mm")
        if row.ok:
            card.zones.append(ZoneLine(row.line, code, country, region, prefix, zone, transit))
    elif record == "rate":
        code = _code(row)
        zone = row.integer("zone", minimum=1)
        up_to = row.integer("up_to_g", minimum=1)
        price = row.decimal("price", 2, 100)
        row.unused("name", "name_zh", "kind", "max_weight_g", "max_length_mm", "volumetric_divisor", "country",
                   "region", "postcode_prefix", "transit_days", "surcharge", "percent", "over_mm")
        if row.ok:
            card.rates.append(RateLine(row.line, code, zone, up_to, price))
    elif record == "surcharge":
        code = _code(row, allow_all=True)
        kind = row.text("surcharge", required=True).lower()
        percent = cents = over = 0
        country, region, prefix = "", "", ""
        if kind and kind not in SURCHARGES:
            row.fail("surcharge", f"{kind!r} is not one of {', '.join(SURCHARGES)}")
        elif kind == "fuel":
            percent = row.decimal("percent", 2, 100)
            row.unused("price", "country", "region", "postcode_prefix", "over_mm")
        elif kind == "remote":
            cents = row.decimal("price", 2, 100)
            country = _country(row, required=True)
            region, prefix = _area(row)
            row.unused("percent", "over_mm")
        elif kind == "oversize":
            cents = row.decimal("price", 2, 100)
            over = row.integer("over_mm", minimum=1)
            row.unused("percent", "country", "region", "postcode_prefix")
        row.unused("name", "name_zh", "kind", "max_weight_g", "max_length_mm", "volumetric_divisor", "zone",
                   "transit_days", "up_to_g")
        if row.ok:
            card.surcharges.append(SurchargeLine(row.line, code, kind, percent, cents, country, region, prefix, over))


def _cross_check(card: RateCard, problems: list[Problem]) -> None:
    """Unknown services, the same service, area, break or surcharge twice, zones without rates and back."""
    services: dict[str, int] = {}
    for s in card.services:
        if s.code in services:
            problems.append(Problem(s.line, "service", f"{s.code} is already defined on line {services[s.code]}"))
        else:
            services[s.code] = s.line

    def known(line: int, code: str) -> bool:
        if code in services or code == ALL_SERVICES:
            return True
        problems.append(Problem(line, "service", f"{code} is not a service of this card (add a 'service' line for it)"))
        return False

    areas: dict[tuple, int] = {}
    zones_given: dict[tuple[str, int], int] = {}
    for z in card.zones:
        if not known(z.line, z.service):
            continue
        key = (z.service, z.country, z.region.casefold(), z.postcode_prefix)
        if key in areas:
            where = z.postcode_prefix or z.region or "the whole country"
            problems.append(Problem(z.line, "zone", f"{z.service} to {z.country} {where} is already zoned on line {areas[key]}"))
            continue
        areas[key] = z.line
        if z.zone > 0:
            zones_given.setdefault((z.service, z.zone), z.line)
    breaks: dict[tuple[str, int, int], int] = {}
    priced: set[tuple[str, int]] = set()
    for r in card.rates:
        if not known(r.line, r.service):
            continue
        key = (r.service, r.zone, r.up_to_g)
        if key in breaks:
            problems.append(Problem(r.line, "up_to_g", f"the weight break up to {r.up_to_g} g of {r.service} zone "
                                                       f"{r.zone} overlaps line {breaks[key]}"))
            continue
        breaks[key] = r.line
        priced.add((r.service, r.zone))
        if (r.service, r.zone) not in zones_given:
            problems.append(Problem(r.line, "zone", f"no 'zone' line puts any area of {r.service} into zone {r.zone}"))
    for (code, zone), line in zones_given.items():
        if (code, zone) not in priced:
            problems.append(Problem(line, "zone", f"{code} zone {zone} has no 'rate' line"))
    surcharges: dict[tuple, int] = {}
    for s in card.surcharges:
        if not known(s.line, s.service):
            continue
        if s.key in surcharges:
            problems.append(Problem(s.line, "surcharge", f"the same {s.kind} surcharge is on line {surcharges[s.key]}"))
        else:
            surcharges[s.key] = s.line
    for s in card.services:
        if not any(z.service == s.code for z in card.zones):
            problems.append(Problem(s.line, "service", f"{s.code} has no 'zone' line: say where it delivers"))
