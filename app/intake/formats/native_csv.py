"""The station's own CSV order format (docs/intake-formats.md).

One row per order line; the order's fields are repeated on each of its rows (or left empty after the
first), and rows are grouped by ``external_id``. A file saved by a spreadsheet in UTF-8 (with or without
BOM) or in GB 18030 (Excel on a Chinese Windows) is read; ``,``, ``;`` and tab separators are recognised.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from app.errors import InvalidInput
from app.intake.formats import _common as f
from app.intake.formats.native_json import _order
from app.intake.model import IncomingOrder, RecordError, RecordStream

FORMAT = "csv"

# column -> (path in the native JSON order, or None for a line column)
ORDER_COLUMNS = {
    "external_id": ("external_id",),
    "channel": ("channel",),
    "placed_at": ("placed_at",),
    "currency": ("currency",),
    "customer_name": ("customer", "name"),
    "customer_email": ("customer", "email"),
    "customer_phone": ("customer", "phone"),
    "ship_name": ("ship_to", "name"),
    "ship_company": ("ship_to", "company"),
    "ship_address1": ("ship_to", "address1"),
    "ship_address2": ("ship_to", "address2"),
    "ship_city": ("ship_to", "city"),
    "ship_region": ("ship_to", "region"),
    "ship_postcode": ("ship_to", "postcode"),
    "ship_country": ("ship_to", "country"),
    "ship_phone": ("ship_to", "phone"),
    "ship_email": ("ship_to", "email"),
    "goods": ("goods",),
    "shipping": ("shipping",),
    "total": ("total",),
    "coupon_code": ("coupon", "code"),
    "coupon_amount": ("coupon", "amount"),
    "points_used": ("points", "used"),
    "points_amount": ("points", "amount"),
    "payment_status": ("payment", "status"),
    "payment_reference": ("payment", "reference"),
    "paid_amount": ("payment", "amount"),
    "priority": ("priority",),
    "service_level": ("service_level",),
    "promised_ship_at": ("promised_ship_at",),
    "note": ("note",),
}
LINE_COLUMNS = {"sku": "sku", "gtin": "gtin", "item_name": "name", "quantity": "quantity", "price": "price"}
REQUIRED_COLUMNS = ("external_id", "channel", "placed_at", "quantity")
COLUMNS = tuple(ORDER_COLUMNS) + tuple(LINE_COLUMNS)

_JSON_PATH_TO_COLUMN = {".".join(path): column for column, path in ORDER_COLUMNS.items()}
_LINE_FIELD_TO_COLUMN = {v: k for k, v in LINE_COLUMNS.items()}
_LINE_PATH = re.compile(r"lines\[(\d+)\](?:\.(\w+))?")


def decode(data: bytes, source: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{source}: neither UTF-8 nor GB 18030 text (bad byte at offset {utf8_error.start})"
            ) from None


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def parse(data: bytes, source: str) -> RecordStream:
    """Every order of a native CSV file; a file without the needed header raises ``InvalidInput`` at once."""
    text = decode(data, source)
    first_line = text.split("\n", 1)[0]
    if "\x00" in first_line:  # UTF-16, or no text at all; a NUL in a row is that order's fault (the intake names it)
        raise InvalidInput(f"{source}: holds NUL bytes, not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InvalidInput(f"{source}: line 1: {exc}") from None
    if not header or not any(cell.strip() for cell in header):
        raise InvalidInput(f"{source}: empty file, expected a header row with {', '.join(REQUIRED_COLUMNS)}")
    columns = [cell.strip().lower() for cell in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if "sku" not in columns and "gtin" not in columns:
        missing.append("sku or gtin")
    if missing:
        raise InvalidInput(f"{source}: line 1: the header lacks the column(s) {', '.join(missing)}")
    seen: set[str] = set()
    for col in columns:
        if col and col in seen:
            raise InvalidInput(f"{source}: line 1: the column {col!r} appears twice")
        seen.add(col)
    unknown = [c for c in columns if c and c not in COLUMNS]
    if unknown:
        raise InvalidInput(
            f"{source}: line 1: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(COLUMNS)}"
        )

    # Read every row first: a broken quote is a whole-file fault, and an order's rows may be scattered.
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    problems: list[tuple[int, RecordError]] = []
    line_no = reader.line_num
    try:
        for row in reader:
            start = line_no + 1
            line_no = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                problems.append((start, RecordError(f"line {start}", f"{len(row)} fields, the header has {len(columns)}")))
                continue
            values = {col: row[i].strip() if i < len(row) else "" for i, col in enumerate(columns) if col}
            ext = values.get("external_id", "")
            if not ext:
                problems.append((start, RecordError(f"line {start}", "external_id: missing")))
                continue
            groups.setdefault(ext, []).append((start, values))
    except csv.Error as exc:
        raise InvalidInput(f"{source}: line {reader.line_num}: {exc}") from None

    total = len(groups) + len(problems)
    return RecordStream(_records(groups, problems), total=total, format=FORMAT)


def _records(groups, problems) -> Iterator[IncomingOrder | RecordError]:
    for _, problem in problems:
        yield problem
    for ext, rows in groups.items():
        yield parse_group(ext, rows)


def _record_name(ext: str, rows) -> str:
    first, last = rows[0][0], rows[-1][0]
    where = f"line {first}" if len(rows) == 1 else f"lines {first}-{last}"
    return f"order {ext[:100]} ({where})"


def parse_group(ext: str, rows: list[tuple[int, dict[str, str]]]) -> IncomingOrder | RecordError:
    record = _record_name(ext, rows)
    order: dict = {}
    first_seen: dict[str, tuple[int, str]] = {}
    lines = []
    for line_no, values in rows:
        for column, path in ORDER_COLUMNS.items():
            value = values.get(column, "")
            if not value:
                continue
            if column in first_seen:
                earlier_line, earlier = first_seen[column]
                if value != earlier:
                    return RecordError(
                        record, f"line {line_no}, {column}: {value!r} differs from line {earlier_line} ({earlier!r})"
                    )
                continue
            first_seen[column] = (line_no, value)
            target = order
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = value
        line = {field: values[column] for column, field in LINE_COLUMNS.items() if values.get(column)}
        lines.append(line)
    order["lines"] = lines
    try:
        result = _order(order, record, "")
    except f.FieldError as exc:
        return RecordError(record, _column_message(str(exc), rows))
    return result


def _column_message(message: str, rows) -> str:
    """``lines[1].quantity: ...`` -> ``line 8, quantity: ...``; ``ship_to.city: ...`` -> ``ship_city: ...``."""
    path, sep, rest = message.partition(": ")
    if not sep:
        return message
    match = _LINE_PATH.fullmatch(path)
    if match:
        line_no = rows[int(match.group(1))][0]
        field = match.group(2)
        if field is None:
            return f"line {line_no}: {rest}"
        return f"line {line_no}, {_LINE_FIELD_TO_COLUMN.get(field, field)}: {rest}"
    column = _JSON_PATH_TO_COLUMN.get(path)
    if column:
        return f"{column}: {rest}"
    return message
