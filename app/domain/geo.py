"""Where an address is, roughly: enough to weigh distance when allocating an order to a warehouse."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


@functools.cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads((RESOURCES / "geo" / "regions.json").read_text(encoding="utf-8"))
    return table


@functools.cache
def _region_index() -> dict[tuple[str, str], tuple[float, float]]:
    index: dict[tuple[str, str], tuple[float, float]] = {}
    for country, regions in _table()["regions"].items():
        for code, region in regions.items():
            point = _point(region["at"])
            for name in (code, f"{country}-{code}", *region["names"]):
                index[(country, name.casefold())] = point
    return index


def region_code(country: str, region: str) -> str | None:
    """The ISO 3166-2 code (without the country) for a region given by code or by name, if known."""
    country = country.upper()
    wanted = region.strip().casefold()
    for code, info in _table()["regions"].get(country, {}).items():
        if wanted in {code.casefold(), f"{country}-{code}".casefold(), *(n.casefold() for n in info["names"])}:
            return str(code)
    return None


@functools.lru_cache(maxsize=4096)
def locate(country: str, region: str = "") -> tuple[float, float] | None:
    country = (country or "").upper()
    if region:
        point = _region_index().get((country, region.strip().casefold()))
        if point:
            return point
    point = _table()["countries"].get(country)
    return _point(point) if point else None


def _point(latitude_longitude: list[float]) -> tuple[float, float]:
    latitude, longitude = latitude_longitude
    return float(latitude), float(longitude)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
