"""Tracking numbers in each carrier's real, documented format, with its check digit.

Formats (``Carrier.tracking_format``):

``s10``
    UPU standard S10 (postal items: China Post, EMS): two service letters, an 8-digit serial, a check digit,
    the ISO country code, e.g. ``EA123456785CN``. Check digit: weights 8 6 4 2 3 5 9 7 over the serial,
    ``11 - sum % 11``; 10 becomes 0 and 11 becomes 5.
``ups1z``
    UPS: ``1Z`` + 6-character shipper number + 2-digit service indicator + 7-digit package reference + check
    digit. Letters count as ``(ord(c) - 63) % 10``; odd positions add once, even positions twice;
    check = ``(10 - sum % 10) % 10``.
``sf``
    SF Express-like: 12 digits, a carrier prefix, a serial and a final Luhn (ISO/IEC 7812) check digit.
    SF does not publish its own check; we use Luhn and say so.
``mod7``
    10 digits, a 9-digit serial and a check digit ``serial % 7`` (the scheme DHL Express waybills use);
    our regional courier uses it.
"""

from __future__ import annotations

import re

from app.errors import InvalidInput

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial8: str) -> int:
    if not re.fullmatch(r"\d{8}", serial8):
        raise ValueError(f"S10 serial must be 8 digits: {serial8!r}")
    total = sum(int(d) * w for d, w in zip(serial8, S10_WEIGHTS))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def s10(prefix: str, serial: int, country: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", prefix) or not re.fullmatch(r"[A-Z]{2}", country):
        raise ValueError("S10 needs two service letters and a two-letter country code")
    serial8 = f"{serial % 100_000_000:08d}"
    return f"{prefix}{serial8}{s10_check_digit(serial8)}{country}"


def _ups_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else (ord(ch) - 63) % 10


def ups_check_digit(body15: str) -> int:
    """``body15``: the 15 characters after ``1Z`` (shipper, service, package reference)."""
    total = 0
    for i, ch in enumerate(body15, start=1):
        total += _ups_value(ch) * (2 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def ups1z(shipper: str, service: str, serial: int) -> str:
    if not re.fullmatch(r"[0-9A-Z]{6}", shipper) or not re.fullmatch(r"\d{2}", service):
        raise ValueError("UPS 1Z needs a 6-character shipper number and a 2-digit service indicator")
    body = f"{shipper}{service}{serial % 10_000_000:07d}"
    return f"1Z{body}{ups_check_digit(body)}"


def luhn_check_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def sf(prefix: str, serial: int) -> str:
    width = 11 - len(prefix)
    if not prefix.isdigit() or width < 6:
        raise ValueError("SF numbers need a numeric prefix of at most 5 digits")
    body = f"{prefix}{serial % 10**width:0{width}d}"
    return f"{body}{luhn_check_digit(body)}"


def mod7(prefix: str, serial: int) -> str:
    width = 9 - len(prefix)
    if (prefix and not prefix.isdigit()) or width < 5:
        raise ValueError("mod-7 numbers need a numeric prefix of at most 4 digits")
    body = f"{prefix}{serial % 10**width:0{width}d}"
    return f"{body}{int(body) % 7}"


def make(tracking_format: str, serial: int, *, prefix: str = "", country: str = "CN", service_code: str = "") -> str:
    """The tracking number for ``serial`` in the carrier's format."""
    if tracking_format == "s10":
        return s10(prefix or "EA", serial, country)
    if tracking_format == "ups1z":
        return ups1z(prefix, service_code or "01", serial)
    if tracking_format == "sf":
        return sf(prefix, serial)
    if tracking_format == "mod7":
        return mod7(prefix, serial)
    raise InvalidInput(f"unknown tracking number format {tracking_format!r}")


def capacity(tracking_format: str, prefix: str = "") -> int:
    """How many distinct serials the format holds before it would wrap."""
    return {
        "s10": 10**8,
        "ups1z": 10**7,
        "sf": 10 ** (11 - len(prefix)),
        "mod7": 10 ** (9 - len(prefix)),
    }[tracking_format]


def is_valid(number: str) -> bool:
    """Whether ``number`` is well formed in any known format, its check digit included."""
    number = number.strip().upper()
    if m := re.fullmatch(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})", number):
        return s10_check_digit(m.group(2)) == int(m.group(3))
    if m := re.fullmatch(r"1Z([0-9A-Z]{15})(\d)", number):
        return ups_check_digit(m.group(1)) == int(m.group(2))
    if re.fullmatch(r"\d{12}", number):
        return luhn_check_digit(number[:-1]) == int(number[-1])
    if re.fullmatch(r"\d{10}", number):
        return int(number[:-1]) % 7 == int(number[-1])
    return False
