"""Money is integer minor units; this formats it for people."""

from __future__ import annotations

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


def format_cents(cents: int, currency: str = "CNY") -> str:
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    symbol = SYMBOLS.get(currency, currency + " ")
    return f"{sign}{symbol}{whole:,}.{fraction:02d}"
