"""The warehouse layout for routing (contracts.md "Warehouse layout for routing") and the travel
distances on its aisle graph.

Aisle ``i`` runs along ``x = (i-1) * aisle_width`` from ``y = 0`` to ``y = aisle_length``; the cross
aisles are horizontal lines at the given ``y`` values (always including the front ``0`` and the back
``aisle_length``), splitting the aisles into blocks. Travel runs along aisle centre lines and cross
aisles only. Plain Python: no Qt, no database.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import InvalidInput

EPS = 1e-9
MAX_AISLES = 999
MAX_SLOTS = 9999
MAX_LEVELS = 99
MAX_CROSS_AISLES = 101
BIN_CODE = re.compile(r"^(?P<zone>[A-Za-z]{1,4})(?P<aisle>\d{1,3})-(?P<slot>\d{1,4})-(?P<level>\d{1,2})$")


class LayoutError(InvalidInput):
    """A layout file that cannot describe a real warehouse."""


class UnknownBin(InvalidInput):
    """A bin code that does not exist in the layout."""


@dataclass(frozen=True)
class Pick:
    """One stop to make: a pick ``id`` at ``position`` metres along ``aisle`` (numbered from 1)."""

    id: str
    aisle: int
    position: float
    order: str | None = None  # the order (tote) it belongs to, for batches


@dataclass(frozen=True)
class Point:
    """A place on the aisle graph; ``aisle`` is None for a point on a cross aisle between aisles."""

    x: float
    y: float
    aisle: int | None


@dataclass(frozen=True)
class BinLocation:
    code: str
    zone: str
    aisle: int
    slot: int
    level: int
    position: float
    side: str


@dataclass
class Layout:
    aisles: int
    aisle_width: float
    aisle_length: float
    cross_aisles: tuple[float, ...]
    depot_x: float
    depot_y: float
    zone: str = "A"
    bin_pitch: float = 1.0
    levels: int = 3
    extra: dict[str, Any] = field(default_factory=dict)

    # -- construction and validation -------------------------------------------------------------
    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Layout:
        if not isinstance(raw, Mapping):
            raise LayoutError("the layout must be a JSON object")
        for key in ("aisles", "aisle_width", "aisle_length", "depot"):
            if key not in raw:
                raise LayoutError(f"the layout lacks '{key}'")
        try:
            aisles = int(raw["aisles"])
            width = float(raw["aisle_width"])
            length = float(raw["aisle_length"])
            cross = [float(c) for c in raw.get("cross_aisles", [0.0, raw["aisle_length"]])]
            depot = raw["depot"]
            depot_x, depot_y = float(depot["x"]), float(depot["y"])
            pitch = float(raw.get("bin_pitch", 1.0))
            levels = int(raw.get("levels", 3))
        except (TypeError, ValueError, KeyError, OverflowError) as exc:  # OverflowError: int(Infinity)
            raise LayoutError(f"the layout has a value of the wrong kind ({exc})") from exc
        if aisles < 1:
            raise LayoutError("the layout needs at least one aisle")
        # Bin codes hold the aisle in three digits, the slot in four and the level in two (BIN_CODE): a
        # warehouse beyond that is a typing error, and routing over it would never finish.
        if aisles > MAX_AISLES:
            raise LayoutError(f"the layout has {aisles:.4g} aisles: at most {MAX_AISLES}")
        if not 1 <= levels <= MAX_LEVELS:
            raise LayoutError(f"levels must be 1 to {MAX_LEVELS} (got {levels})")
        if len(cross) > MAX_CROSS_AISLES:
            raise LayoutError(f"the layout has {len(cross)} cross aisles: at most {MAX_CROSS_AISLES}")
        if aisles > 1 and width <= 0:
            raise LayoutError(f"aisle_width must be positive (got {width}): aisles would overlap")
        if not all(math.isfinite(v) for v in (width, length, depot_x, depot_y, pitch, *cross, (aisles - 1) * width)):
            raise LayoutError("the layout has a value that is not a finite number")
        if length <= 0:
            raise LayoutError("aisle_length must be positive")
        if any(c < -EPS or c > length + EPS for c in cross):
            raise LayoutError("every cross aisle must lie between 0 and aisle_length")
        ordered = sorted(cross)
        if any(b - a < EPS for a, b in zip(ordered, ordered[1:])):
            raise LayoutError("two cross aisles lie at the same place")
        if not ordered or abs(ordered[0]) > EPS or abs(ordered[-1] - length) > EPS:
            raise LayoutError("the cross aisles must include the front (0) and the back (aisle_length)")
        layout = cls(
            aisles=aisles, aisle_width=width, aisle_length=length, cross_aisles=tuple(ordered),
            depot_x=depot_x, depot_y=depot_y, zone=str(raw.get("zone", "A")), bin_pitch=pitch, levels=levels,
            extra={k: v for k, v in raw.items() if k not in {"aisles", "aisle_width", "aisle_length", "cross_aisles",
                                                             "depot", "zone", "bin_pitch", "levels"}},
        )
        if layout.depot_cross_aisle() is None:
            raise LayoutError(
                f"the depot ({depot_x:g}, {depot_y:g}) is off the cross aisles: it must stand on one of "
                f"y = {', '.join(f'{c:g}' for c in ordered)} between x = 0 and x = {layout.width:g}"
            )
        if pitch <= 0:
            raise LayoutError("bin_pitch must be positive")
        if length / pitch > MAX_SLOTS:
            raise LayoutError(f"aisle_length / bin_pitch gives over {MAX_SLOTS} slots an aisle")
        return layout

    @classmethod
    def load(cls, path: str | Path) -> Layout:
        path = Path(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise LayoutError(f"no such layout file: {path}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise LayoutError(f"the layout file {path} is not valid JSON ({exc})") from exc
        return cls.from_mapping(raw)

    def to_mapping(self) -> dict[str, Any]:
        return {
            "aisles": self.aisles, "aisle_width": self.aisle_width, "aisle_length": self.aisle_length,
            "cross_aisles": list(self.cross_aisles), "depot": {"x": self.depot_x, "y": self.depot_y},
            "zone": self.zone, "bin_pitch": self.bin_pitch, "levels": self.levels, **self.extra,
        }

    # -- geometry ------------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        return (self.aisles - 1) * self.aisle_width

    @property
    def blocks(self) -> int:
        return len(self.cross_aisles) - 1

    def aisle_x(self, aisle: int) -> float:
        return (aisle - 1) * self.aisle_width

    def depot_cross_aisle(self) -> int | None:
        if self.depot_x < -EPS or self.depot_x > self.width + EPS:
            return None
        for index, y in enumerate(self.cross_aisles):
            if abs(y - self.depot_y) <= EPS:
                return index
        return None

    def depot_aisle(self) -> int | None:
        """The aisle the depot stands at the head of, or None when it stands between two aisles."""
        if self.aisle_width <= 0:
            return 1
        ratio = self.depot_x / self.aisle_width
        nearest = round(ratio)
        return int(nearest) + 1 if abs(ratio - nearest) * self.aisle_width <= EPS else None

    @property
    def depot(self) -> Point:
        return Point(self.depot_x, self.depot_y, self.depot_aisle())

    def pick_point(self, pick: Pick) -> Point:
        return Point(self.aisle_x(pick.aisle), pick.position, pick.aisle)

    def block_of(self, position: float) -> int:
        """The block (0 = front) a position along an aisle lies in; a point on a cross aisle belongs to
        the block above it (the back cross aisle to the last block)."""
        for b in range(self.blocks):
            if position < self.cross_aisles[b + 1] - EPS:
                return b
        return self.blocks - 1

    def check_pick(self, pick: Pick) -> None:
        if not (1 <= pick.aisle <= self.aisles):
            raise InvalidInput(f"pick {pick.id}: aisle {pick.aisle} does not exist (aisles 1 to {self.aisles})")
        if not (-EPS <= pick.position <= self.aisle_length + EPS):
            raise InvalidInput(
                f"pick {pick.id}: position {pick.position:g} m is outside the aisle (0 to {self.aisle_length:g} m)"
            )

    def distance(self, a: Point, b: Point) -> float:
        """Shortest travel between two points along aisles and cross aisles."""
        if a.aisle is not None and a.aisle == b.aisle:
            return abs(a.y - b.y)
        if a.aisle is None and b.aisle is None:
            if abs(a.y - b.y) <= EPS:
                return abs(a.x - b.x)
        best = math.inf
        for c in self.cross_aisles:
            ca = abs(a.y - c) if a.aisle is not None else (0.0 if abs(a.y - c) <= EPS else math.inf)
            cb = abs(b.y - c) if b.aisle is not None else (0.0 if abs(b.y - c) <= EPS else math.inf)
            best = min(best, ca + cb)
        return abs(a.x - b.x) + best

    def path(self, a: Point, b: Point) -> list[Point]:
        """The turning points of one shortest walk from ``a`` to ``b`` (for drawing the route)."""
        if a.aisle is not None and a.aisle == b.aisle:
            return [a, b]
        if a.aisle is None and b.aisle is None and abs(a.y - b.y) <= EPS:
            return [a, b]
        best, via = math.inf, self.cross_aisles[0]
        for c in self.cross_aisles:
            ca = abs(a.y - c) if a.aisle is not None else (0.0 if abs(a.y - c) <= EPS else math.inf)
            cb = abs(b.y - c) if b.aisle is not None else (0.0 if abs(b.y - c) <= EPS else math.inf)
            if ca + cb < best:
                best, via = ca + cb, c
        return [a, Point(a.x, via, a.aisle), Point(b.x, via, b.aisle), b]

    def sequence_length(self, picks: Sequence[Pick]) -> float:
        """The length of the walk depot -> picks in this order -> depot, by shortest paths."""
        here = self.depot
        total = 0.0
        for pick in picks:
            point = self.pick_point(pick)
            total += self.distance(here, point)
            here = point
        return total + self.distance(here, self.depot)

    # -- bins ----------------------------------------------------------------------------------------
    def bin_code(self, aisle: int, slot: int, level: int, zone: str | None = None) -> str:
        return f"{zone or self.zone}{aisle:02d}-{slot:02d}-{level}"

    def locate_bin(self, code: str) -> BinLocation:
        """Map a code like ``A03-12-2`` (zone A, aisle 3, slot 12, level 2) to its place. Slot ``s`` stands
        ``s * bin_pitch`` metres from the front; odd slots on the left of the aisle, even on the right."""
        match = BIN_CODE.match(code.strip())
        if not match:
            raise UnknownBin(f"'{code}' is not a bin code (expected like {self.zone}03-12-2)")
        aisle, slot, level = int(match["aisle"]), int(match["slot"]), int(match["level"])
        position = slot * self.bin_pitch
        if (not (1 <= aisle <= self.aisles) or position > self.aisle_length + EPS or slot < 1
                or not (1 <= level <= self.levels) or any(abs(position - c) <= EPS for c in self.cross_aisles)):
            raise UnknownBin(f"bin {code} does not exist in this warehouse")
        return BinLocation(code=code.strip().upper(), zone=match["zone"].upper(), aisle=aisle, slot=slot, level=level,
                           position=position, side="L" if slot % 2 else "R")

    def bins(self) -> Iterable[BinLocation]:
        """Every bin of the layout: slots along each aisle at ``bin_pitch``, skipping cross aisles."""
        slots = int(math.floor(self.aisle_length / self.bin_pitch + EPS))
        for aisle in range(1, self.aisles + 1):
            for slot in range(1, slots + 1):
                position = slot * self.bin_pitch
                if any(abs(position - c) <= EPS for c in self.cross_aisles):
                    continue  # no rack across a cross aisle
                for level in range(1, self.levels + 1):
                    yield self.locate_bin(self.bin_code(aisle, slot, level))


def parse_picks(raw: Any, layout: Layout | None = None) -> list[Pick]:
    """Picks as in contracts.md: ``[{"id", "aisle", "position"}, ...]``, or ``{"id", "bin"}`` with a bin code."""
    if not isinstance(raw, list):
        raise InvalidInput("the picks must be a JSON list of {\"id\", \"aisle\", \"position\"}")
    picks: list[Pick] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise InvalidInput(f"pick #{index} is not an object")
        pick_id = str(item.get("id", f"P{index}"))
        if pick_id in seen:
            raise InvalidInput(f"pick id {pick_id} appears twice")
        seen.add(pick_id)
        try:
            if "bin" in item and "aisle" not in item:
                if layout is None:
                    raise InvalidInput(f"pick {pick_id}: a bin code needs a layout")
                where = layout.locate_bin(str(item["bin"]))
                pick = Pick(pick_id, where.aisle, where.position, item.get("order"))
            else:
                pick = Pick(pick_id, int(item["aisle"]), float(item["position"]), item.get("order"))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"pick {pick_id}: needs a whole 'aisle' and a numeric 'position' ({exc})") from exc
        if layout is not None:
            layout.check_pick(pick)
        picks.append(pick)
    return picks


def load_picks(path: str | Path, layout: Layout | None = None) -> list[Pick]:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such picks file: {path}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the picks file {path} is not valid JSON ({exc})") from exc
    return parse_picks(raw, layout)
