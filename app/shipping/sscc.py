"""SSCC-18 (GS1 Serial Shipping Container Code): extension digit, GS1 company prefix, serial reference,
GS1 mod-10 check digit (computed and checked with biip)."""

from __future__ import annotations

from biip.checksums import gs1_standard_check_digit
from biip.sscc import Sscc

from app.errors import InvalidInput


def make(company_prefix: str, serial: int, extension: int = 0) -> str:
    if not company_prefix.isdigit() or not 6 <= len(company_prefix) <= 12:
        raise InvalidInput(
            f"GS1 company prefix {company_prefix!r} must be 6 to 12 digits: fix gs1_company_prefix in the settings"
        )
    width = 16 - len(company_prefix)
    if serial >= 10**width:
        raise InvalidInput(f"SSCC serial references for prefix {company_prefix} are used up")
    body = f"{extension}{company_prefix}{serial:0{width}d}"
    return body + str(gs1_standard_check_digit(body))


def is_valid(value: str) -> bool:
    try:
        Sscc.parse(value)
    except Exception:  # biip raises ParseError for a bad length or check digit
        return False
    return True


def human_readable(value: str, company_prefix_length: int | None = None) -> str:
    """``(00) 0 0614141 123456789 0`` as printed under the barcode."""
    if company_prefix_length:
        return f"(00) {value[0]} {value[1:1 + company_prefix_length]} {value[1 + company_prefix_length:17]} {value[17]}"
    return f"(00) {value}"
