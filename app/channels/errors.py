"""What a shop's answer means for the station: try again later, or tell a person."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass
class ShopError(Exception):
    """A shop did not do what was asked. ``status``: the HTTP status (None: no answer at all). ``message``: the
    shop's own words where it gave some, else what happened, for a person. ``retry_after``: seconds the shop asked
    us to wait (429 Retry-After, a throttled GraphQL call). ``permanent``: asking again will not help (a 4xx other
    than 408/409/429, the shop refusing the request itself): the message waits for a person."""

    status: int | None
    message: str
    retry_after: float | None = None
    permanent: bool = False

    def __str__(self) -> str:
        return self.message


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header's seconds (an HTTP date is read as one minute); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, min(float(value.strip()), 3600.0))
    except ValueError:
        return 60.0


def from_status(status: int, body: bytes | str, retry_after: str | None = None, what: str = "") -> ShopError:
    """The error an HTTP answer of ``status`` stands for, with the shop's own message from its JSON body."""
    words = shop_words(body)
    prefix = f"{what}: " if what else ""
    if status in (401, 403):
        text = f"{prefix}the shop refused our credentials (HTTP {status})"
        return ShopError(status, f"{text}: {words}" if words else text, permanent=True)
    if status == 429:
        return ShopError(status, f"{prefix}the shop asks us to slow down (HTTP 429)",
                         retry_after=retry_after_seconds(retry_after) or 2.0)
    if status >= 500 or status in (408, 409):
        text = f"{prefix}the shop had a problem (HTTP {status})"
        return ShopError(status, f"{text}: {words}" if words else text, retry_after=retry_after_seconds(retry_after))
    text = f"{prefix}the shop refused it (HTTP {status})"
    return ShopError(status, f"{text}: {words}" if words else text, permanent=True)


def shop_words(body: bytes | str) -> str:
    """The human part of a shop's error body: Shopify's ``errors`` (text, list or field map), WooCommerce's
    ``message``; else nothing (an HTML error page is not shown to a person)."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        return ""
    return _words(data)[:400]


def _words(data: object) -> str:
    if isinstance(data, str):
        return data.strip()
    if isinstance(data, list):
        return "; ".join(w for w in (_words(d) for d in data) if w)
    if isinstance(data, dict):
        for key in ("message", "errors", "error", "error_description"):
            if key in data:
                inner = data[key]
                if isinstance(inner, dict) and key == "errors":
                    return "; ".join(f"{field} {_words(v)}" for field, v in inner.items())
                return _words(inner)
    return ""
