"""Carton and material choice (seed 3.2.2) and the weight check, in plain Python.

Carton fit is a 3D packing test with rotation: items go in largest first, each at the first free corner
("extreme point", lowest layer first, then the back, then the left) and in the first of its six
orientations that fits without overlapping what is already in. It is a heuristic (exact 3D packing is
NP-hard): when it says "fits", the placement it found is real; when it says "does not fit", a cleverer
packer might still manage. Material padding shrinks the carton's usable inside on every side.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import permutations

# Beyond this many units, the placement search is replaced by a volume test (with a fill factor) plus a
# check that each item fits alone: a packer filling a box with 60 T-shirts does not need a 3D plan.
MAX_PLACED_ITEMS = 40
BULK_FILL_FACTOR = 0.85


@dataclass(frozen=True)
class Item:
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int = 0
    fragile: bool = False
    liquid: bool = False

    @property
    def dims(self) -> tuple[int, int, int]:
        return (self.length_mm, self.width_mm, self.height_mm)

    @property
    def volume(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm


@dataclass(frozen=True)
class CartonSpec:
    code: str
    length_mm: int
    width_mm: int
    height_mm: int
    tare_g: int = 0
    max_weight_g: int = 30000
    recyclable: bool = True
    name: str = ""

    @property
    def dims(self) -> tuple[int, int, int]:
        return (self.length_mm, self.width_mm, self.height_mm)

    @property
    def volume(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm


@dataclass(frozen=True)
class MaterialSpec:
    code: str
    kind: str
    weight_g: int = 0
    padding_mm: int = 0
    for_fragile: bool = False
    for_liquid: bool = False
    recyclable: bool = False
    name: str = ""


@dataclass(frozen=True)
class Placement:
    x: int
    y: int
    z: int
    dims: tuple[int, int, int]


@dataclass
class Recommendation:
    carton: CartonSpec | None
    materials: list[MaterialSpec] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    boxes_needed: int = 1  # when nothing in the catalogue takes everything: how many of the largest carton
    missing_dimensions: bool = False

    @property
    def padding_mm(self) -> int:
        return max((m.padding_mm for m in self.materials), default=0)


def _overlap(a: Placement, b: Placement) -> bool:
    return (
        a.x < b.x + b.dims[0] and b.x < a.x + a.dims[0]
        and a.y < b.y + b.dims[1] and b.y < a.y + a.dims[1]
        and a.z < b.z + b.dims[2] and b.z < a.z + a.dims[2]
    )


def place(items: Sequence[Item], space: tuple[int, int, int]) -> list[Placement] | None:
    """A placement of every item inside ``space`` (L, W, H), or None if the heuristic finds none."""
    L, W, H = space
    if L <= 0 or W <= 0 or H <= 0:
        return None
    order = sorted(items, key=lambda i: (i.volume, max(i.dims)), reverse=True)
    for item in order:  # an item that fits in no orientation alone never fits with others
        if not any(d[0] <= L and d[1] <= W and d[2] <= H for d in set(permutations(item.dims))):
            return None
    if len(order) > MAX_PLACED_ITEMS:
        return [] if sum(i.volume for i in order) <= L * W * H * BULK_FILL_FACTOR else None
    placed: list[Placement] = []
    points: set[tuple[int, int, int]] = {(0, 0, 0)}
    for item in order:
        orientations = sorted(set(permutations(item.dims)), key=lambda d: (d[2], -d[0] * d[1]))  # flat first
        chosen: Placement | None = None
        for x, y, z in sorted(points, key=lambda p: (p[2], p[1], p[0])):
            for d in orientations:
                if x + d[0] > L or y + d[1] > W or z + d[2] > H:
                    continue
                candidate = Placement(x, y, z, d)
                if any(_overlap(candidate, other) for other in placed):
                    continue
                chosen = candidate
                break
            if chosen is not None:
                break
        if chosen is None:
            return None
        placed.append(chosen)
        points.discard((chosen.x, chosen.y, chosen.z))
        dx, dy, dz = chosen.dims
        points.update({(chosen.x + dx, chosen.y, chosen.z), (chosen.x, chosen.y + dy, chosen.z), (chosen.x, chosen.y, chosen.z + dz)})
    return placed


def choose_materials(items: Iterable[Item], catalogue: Sequence[MaterialSpec]) -> list[MaterialSpec]:
    """What the items' handling flags ask for: a wrap for fragile goods, a sealed bag for liquids, and a fill;
    recyclable material first wherever it does the job."""
    items = list(items)
    pick: list[MaterialSpec] = []

    def best(candidates: list[MaterialSpec]) -> MaterialSpec | None:
        candidates = sorted(candidates, key=lambda m: (not m.recyclable, m.weight_g, m.code))
        return candidates[0] if candidates else None

    if any(i.fragile for i in items):
        wrap = best([m for m in catalogue if m.for_fragile])
        if wrap:
            pick.append(wrap)
    if any(i.liquid for i in items):
        bag = best([m for m in catalogue if m.for_liquid])
        if bag:
            pick.append(bag)
    fill = best([m for m in catalogue if m.kind == "fill" and not m.for_fragile and not m.for_liquid])
    if fill:
        pick.append(fill)
    return pick


def recommend(items: Sequence[Item], cartons: Sequence[CartonSpec], materials: Sequence[MaterialSpec]) -> Recommendation:
    """The smallest carton (by volume, then tare) that takes every item with its material padding."""
    items = list(items)
    chosen_materials = choose_materials(items, materials)
    padding = max((m.padding_mm for m in chosen_materials), default=0)
    if not items:
        return Recommendation(None, chosen_materials)
    if any(min(i.dims) <= 0 for i in items):
        return Recommendation(None, chosen_materials, missing_dimensions=True)
    weight = sum(i.weight_g for i in items) + sum(m.weight_g for m in chosen_materials)
    for carton in sorted(cartons, key=lambda c: (c.volume, c.tare_g, c.code)):
        if weight + carton.tare_g > carton.max_weight_g:
            continue
        space = tuple(d - 2 * padding for d in carton.dims)
        placements = place(items, space)  # type: ignore[arg-type]
        if placements is not None:
            return Recommendation(carton, chosen_materials, placements)
    if not cartons:
        return Recommendation(None, chosen_materials)
    largest = max(cartons, key=lambda c: (c.volume, c.max_weight_g))
    if place([max(items, key=lambda i: max(i.dims))], tuple(d - 2 * padding for d in largest.dims)) is None:  # type: ignore[arg-type]
        return Recommendation(None, chosen_materials)  # one item alone is too big for every carton
    inner = math.prod(d - 2 * padding for d in largest.dims) or 1
    by_volume = math.ceil(sum(i.volume for i in items) / (inner * BULK_FILL_FACTOR))
    by_weight = math.ceil(weight / max(largest.max_weight_g - largest.tare_g, 1))
    return Recommendation(largest, chosen_materials, boxes_needed=max(2, by_volume, by_weight))


# --- weight -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WeightCheck:
    expected_g: int
    measured_g: int
    tolerance_g: int

    @property
    def ok(self) -> bool:
        return abs(self.measured_g - self.expected_g) <= self.tolerance_g


def tolerance_g(expected_g: int, percent: float, minimum_g: int) -> int:
    return max(int(round(expected_g * percent / 100.0)), minimum_g)


def check_weight(expected_g: int, measured_g: int, percent: float, minimum_g: int = 20) -> WeightCheck:
    return WeightCheck(expected_g, measured_g, tolerance_g(expected_g, percent, minimum_g))
