"""Small field readers every format shares. Each raises ``FieldError`` naming the field and the fault."""

from __future__ import annotations

import html
import json
import math
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

import orjson

from app.errors import InvalidInput
from app.intake.model import to_cents

PRIORITIES = {"normal": 0, "high": 1, "urgent": 2}
SERVICE_LEVELS = ("standard", "next_day", "scheduled")
PAYMENT_STATUSES = ("paid", "pending", "authorized", "failed", "refunded", "partially_refunded")

_SIMPLE_AMOUNT = re.compile(r"-?\d{1,15}(?:\.\d{1,2})?\Z")


class FieldError(ValueError):
    """A field of one record is wrong; the message starts with the field's path."""


def cents(value: Any, field: str) -> int:
    """Money in major units to cents: a fast path for the usual ``"12.50"`` / ``12`` shapes, exact otherwise."""
    kind = type(value)
    if kind is str:
        # fast path for the usual "12.50": ASCII digits, at most two decimals
        whole, dot, frac = value.partition(".")
        if whole.isdigit() and whole.isascii() and len(whole) <= 15:
            if not dot:
                return int(whole) * 100
            if 0 < len(frac) <= 2 and frac.isdigit() and frac.isascii():
                return int(whole) * 100 + (int(frac) * 10 if len(frac) == 1 else int(frac))
    elif kind is int:
        return value * 100
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise FieldError(f"{field}: {value!r} is not an amount")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, str):
        text = value.strip()
        if _SIMPLE_AMOUNT.match(text):
            whole, _, frac = text.partition(".")
            negative = whole.startswith("-")
            units = int(whole) * 100
            minor = int((frac + "00")[:2]) if frac else 0
            return units - minor if negative else units + minor
    if not isinstance(value, (str, float)):
        raise FieldError(f"{field}: {value!r} is not an amount")
    try:
        return to_cents(value, field)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


def nonnegative_cents(value: Any, field: str) -> int:
    if type(value) is str:  # the usual "12.50", without a second call (this runs for every line)
        whole, dot, frac = value.partition(".")
        if whole.isdigit() and whole.isascii() and len(whole) <= 15:
            if not dot:
                return int(whole) * 100
            if len(frac) == 2 and frac.isdigit() and frac.isascii():
                return int(whole) * 100 + int(frac)
    amount = cents(value, field)
    if amount < 0:
        raise FieldError(f"{field}: {value!r} is negative")
    return amount


def whole_number(value: Any, field: str, *, minimum: int | None = None) -> int:
    """A count such as a quantity: an int, or a string of digits; ``2.0`` is accepted, ``2.5`` and ``'x'`` not."""
    if type(value) is int and (minimum is None or value >= minimum):
        return value
    if isinstance(value, bool) or value is None:
        raise FieldError(f"{field}: {value!r} is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"{field}: {value!r} is not a whole number")
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(".0"):
            text = text[:-2]
        elif text.endswith(".000"):  # EDIFACT quantities are often sent with decimals
            text = text[:-4]
        if not text.lstrip("-").isdigit() or not text.isascii():
            raise FieldError(f"{field}: {value!r} is not a whole number")
        number = int(text)
    else:
        raise FieldError(f"{field}: {value!r} is not a whole number")
    if minimum is not None and number < minimum:
        raise FieldError(f"{field}: {value!r} must be at least {minimum}")
    return number


_DECIMAL = re.compile(r"\d{1,12}\.\d{1,6}\Z")


def quantity(value: Any, field: str) -> tuple[int, str]:
    """A line's quantity: ``(n, "")`` for a whole number of at least 1 (``2``, ``"2"``, ``"2.0"``); for a decimal
    one (``2.5``, ``"1.25"``, as decimal-quantity plug-ins and some files write) ``(rounded up, "2.5")``: the order
    is kept and waits in review for a person to decide. Anything else (``"two"``, ``0``, ``-1.5``) is refused."""
    if type(value) is int and value >= 1:
        return value, ""
    try:
        return whole_number(value, field, minimum=1), ""
    except FieldError:
        if isinstance(value, bool):
            raise
        if isinstance(value, float) and math.isfinite(value):
            text = repr(value)
        elif isinstance(value, str) and _DECIMAL.match(value.strip()):
            text = value.strip()
        else:
            raise
        try:
            amount = Decimal(text)
        except InvalidOperation:  # a float's repr such as '1e-07'
            raise FieldError(f"{field}: {value!r} is not a quantity") from None
        if not amount.is_finite() or amount <= 0 or amount > 2_000_000_000:
            raise
        whole = int(amount.to_integral_value(rounding="ROUND_CEILING"))
        shown = format(amount.normalize(), "f")
        return whole, "" if Decimal(whole) == amount else shown


def decoded(value: str) -> str:
    """A shop's text with HTML entities (``&ndash;``, ``&amp;``, ``&#8211;``) decoded and blanks collapsed (a
    ``&nbsp;`` becomes a space): what the shop's pages show."""
    if "&" not in value:
        return value
    return " ".join(html.unescape(value).split())


@overload
def timestamp(value: Any, field: str, *, required: Literal[True] = True) -> datetime: ...
@overload
def timestamp(value: Any, field: str, *, required: bool) -> datetime | None: ...
def timestamp(value: Any, field: str, *, required: bool = True) -> datetime | None:
    """ISO 8601 with an offset (``2026-11-20T09:15:00+08:00`` or ``...Z``) to an aware UTC datetime."""
    if value is None or value == "":
        if required:
            raise FieldError(f"{field}: missing")
        return None
    if not isinstance(value, str):
        raise FieldError(f"{field}: {value!r} is not an ISO 8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(f"{field}: {value!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise FieldError(f"{field}: {value!r} has no UTC offset (write e.g. {value.strip()}+08:00)")
    return _in_utc(parsed, value, field)


def _in_utc(parsed: datetime, value: str, field: str) -> datetime:
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+08:00 lies before the first representable UTC instant
        raise FieldError(f"{field}: {value!r} is out of range") from None


@overload
def utc_naive(value: Any, field: str, *, required: Literal[True] = True) -> datetime: ...
@overload
def utc_naive(value: Any, field: str, *, required: bool) -> datetime | None: ...
def utc_naive(value: Any, field: str, *, required: bool = True) -> datetime | None:
    """A timestamp that a channel documents as UTC but writes without an offset (WooCommerce ``*_gmt``)."""
    if value is None or value == "":
        if required:
            raise FieldError(f"{field}: missing")
        return None
    if not isinstance(value, str):
        raise FieldError(f"{field}: {value!r} is not an ISO 8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(f"{field}: {value!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return _in_utc(parsed, value, field)


def text(value: Any, field: str, *, max_length: int | None = None) -> str:
    """A string field: numbers are accepted as their text (an id of ``1001``), objects are not."""
    if type(value) is str:
        value = value.strip()
        if max_length is None or len(value) <= max_length:
            return value
        raise FieldError(f"{field}: {len(value)} characters, at most {max_length} allowed")
    if value is None:
        return ""
    if isinstance(value, bool):
        raise FieldError(f"{field}: {value!r} is not text")
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError(f"{field}: {value!r} is not text")
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise FieldError(f"{field}: {len(value)} characters, at most {max_length} allowed")
    return value


def priority(value: Any, field: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        key = value.strip().lower()
        if key in PRIORITIES:
            return PRIORITIES[key]
        if key.isdigit():
            value = int(key)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2:
        return value
    raise FieldError(f"{field}: {value!r} is not one of normal, high, urgent (or 0, 1, 2)")


def service_level(value: Any, field: str) -> str:
    if value is None or value == "":
        return "standard"
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        if key in SERVICE_LEVELS:
            return key
    raise FieldError(f"{field}: {value!r} is not one of {', '.join(SERVICE_LEVELS)}")


def payment_status(value: Any, field: str) -> str:
    if value is None or value == "":
        return "pending"
    if isinstance(value, str):
        key = value.strip().lower()
        if key in PAYMENT_STATUSES:
            return key
    raise FieldError(f"{field}: {value!r} is not one of {', '.join(PAYMENT_STATUSES)}")


def country(value: Any, field: str) -> str:
    code = text(value, field).upper()
    if code and (len(code) != 2 or not code.isascii() or not code.isalpha()):
        raise FieldError(f"{field}: {value!r} is not a two-letter ISO country code")
    return code


def gtin(value: Any, field: str) -> str:
    code = text(value, field)
    if code and (not code.isascii() or not code.isdigit() or len(code) not in (8, 12, 13, 14)):
        raise FieldError(f"{field}: {value!r} is not a GTIN (8, 12, 13 or 14 digits)")
    return code


def mapping(value: Any, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(f"{field}: expected an object, got {type(value).__name__}")
    return value


def sequence(value: Any, field: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(f"{field}: expected a list, got {type(value).__name__}")
    return value


def decode_text(data: bytes, source: str, what: str) -> str:
    """UTF-8 (with or without BOM); anything else is a whole-file fault."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source}: not UTF-8 text at byte {exc.start} ({what} files must be UTF-8)"
        ) from None


def load_json(data: bytes, source: str) -> Any:
    """The whole document, or ``InvalidInput`` naming the file, line and column of the fault."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    data = bytes(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return orjson.loads(data)  # several times faster than json on big files, same strictness
    except orjson.JSONDecodeError:
        pass  # read it again with json for its error message, which names line and column
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source}: not UTF-8 text at byte {exc.start} (JSON files must be UTF-8)") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source}: not UTF-8 text at byte {exc.start}") from None
    except RecursionError:
        raise InvalidInput(f"{source}: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise InvalidInput(f"{source}: not valid JSON: {exc}") from None
    # json accepts what orjson refuses: numbers beyond 64 bits, NaN, lone surrogates
    raise InvalidInput(f"{source}: not valid JSON: a number out of range, NaN/Infinity or an invalid character")


def require_key(orders: list, keys: tuple[str, ...], source: str, what: str) -> None:
    """A list of objects none of which has any of ``keys`` is the wrong kind of document altogether."""
    dicts = [o for o in orders if isinstance(o, dict)]
    if dicts and not any(k in o for o in dicts for k in keys):
        raise InvalidInput(f"{source}: not {what} (no order has {' or '.join(repr(k) for k in keys)})")


def describe(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    rendered = repr(value)
    return rendered if len(rendered) <= 60 else rendered[:57] + "..."


_NEXT_DAY_WORDS = ("next day", "next-day", "nextday", "overnight", "express", "expedited", "priority",
                   "次日", "隔日", "特快", "加急", "顺丰即日")
_SCHEDULED_WORDS = ("scheduled", "appointment", "定时", "预约")


def service_from_shipping(*labels: Any) -> str:
    """The service level a shop's shipping method name implies (``Express`` -> next_day); standard otherwise."""
    joined = " ".join(str(label) for label in labels if isinstance(label, (str, int))).lower()
    if any(word in joined for word in _SCHEDULED_WORDS):
        return "scheduled"
    if any(word in joined for word in _NEXT_DAY_WORDS):
        return "next_day"
    return "standard"


def priority_from_tags(tags: Any) -> int:
    """Shop tags ``urgent``/``加急`` -> 2, ``priority``/``vip`` -> 1."""
    if isinstance(tags, list):
        words = {str(t).strip().lower() for t in tags}
    elif isinstance(tags, str):
        words = {t.strip().lower() for t in tags.split(",")}
    else:
        return 0
    if words & {"urgent", "加急"}:
        return 2
    if words & {"priority", "high", "vip", "优先"}:
        return 1
    return 0


def lenient_gtin(value: Any) -> str:
    """A shop's free-text barcode field: kept when it is a GTIN, dropped otherwise (shops put anything there)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        code = value.strip()
        if code.isascii() and code.isdigit() and len(code) in (8, 12, 13, 14):
            return code
    return ""


def join_name(*parts: Any) -> str:
    return " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\u3040" <= ch <= "\u30ff" for ch in text)


def person_name(first: Any, last: Any) -> str:
    """A shop's first and last name as one: "Jane Doe", but "陈静" (family name first, no space) in CJK."""
    first = first.strip() if isinstance(first, str) else ""
    last = last.strip() if isinstance(last, str) else ""
    if _is_cjk(first + last):
        return last + first
    return join_name(first, last)


def currency(value: Any, field: str) -> str:
    """An ISO 4217 code; CNY when absent."""
    if value is None or value == "":
        return "CNY"
    code = text(value, field).upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise FieldError(f"{field}: {value!r} is not a three-letter ISO 4217 currency code")
    return code
