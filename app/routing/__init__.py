"""Pick routing: the shortest walk through a warehouse's aisles (issue 5). Pure Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.errors import InvalidInput
from app.routing.exact import ExactRouter
from app.routing.heuristics import improve, largest_gap, s_shape
from app.routing.layout import Layout, LayoutError, Pick, Point, UnknownBin, load_picks, parse_picks

# The exact programme's state space grows with the cross aisles; beyond this many blocks the
# improvement heuristic takes over.
EXACT_MAX_BLOCKS = 4

METHODS = ("auto", "optimal", "heuristic", "s-shape", "largest-gap")


@dataclass
class Route:
    """A pick route. ``length`` is the walk depot -> ``sequence`` -> depot by shortest paths;
    ``walk`` is the length of the rule's own path when that is longer (S-shape, largest gap)."""

    length: float
    sequence: list[Pick]
    method: str
    walk: float | None = None
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {"length": round(self.length, 6), "sequence": [p.id for p in self.sequence], "method": self.method}
        if self.walk is not None:
            out["walk"] = round(self.walk, 6)
        return out


def route(layout: Layout, picks: Sequence[Pick], method: str = "auto") -> Route:
    """The route for ``picks`` by ``method``: ``auto`` is exact up to four blocks, else the heuristic."""
    if method not in METHODS:
        raise InvalidInput(f"unknown routing method '{method}' (one of {', '.join(METHODS)})")
    for pick in picks:
        layout.check_pick(pick)
    if method in ("s-shape", "largest-gap"):
        walk = (s_shape if method == "s-shape" else largest_gap)(layout, picks)
        return Route(layout.sequence_length(walk.sequence), walk.sequence, walk.method, walk=walk.length(layout))
    if method == "optimal" or (method == "auto" and layout.blocks <= EXACT_MAX_BLOCKS):
        tour = ExactRouter(layout).route(picks)
        return Route(layout.sequence_length(tour.sequence), tour.sequence, tour.method)
    return heuristic_route(layout, picks)


def heuristic_route(layout: Layout, picks: Sequence[Pick], reduced_seeds: int = 4) -> Route:
    """Local search (2-opt and Or-opt) from each of the classic routes (S-shape, largest gap) and from
    exact tours on the same warehouse with some middle cross aisles ignored (any such tour is a valid
    walk here); the shortest result wins."""
    seeds: list[tuple[str, list[Pick]]] = [
        (w.method, w.sequence) for w in (s_shape(layout, picks), largest_gap(layout, picks))
    ]
    for kept in _reduced_cross_aisles(layout, reduced_seeds):
        reduced = Layout.from_mapping({**layout.to_mapping(), "cross_aisles": kept})
        seeds.append(("exact on fewer cross aisles", ExactRouter(reduced).route(picks).sequence))
    results = [(layout.sequence_length(seq), method, seq) for method, seq in
               ((method, improve(layout, seq)) for method, seq in seeds)]
    length, method, sequence = min(results, key=lambda r: r[0])
    return Route(length, sequence, f"local-search ({method} seed)")


def _reduced_cross_aisles(layout: Layout, count: int) -> list[list[float]]:
    """Up to ``count`` subsets of the cross aisles with at most three blocks, keeping the front, the
    back and the depot's cross aisle, spread evenly over the middle ones."""
    ys = list(layout.cross_aisles)
    fixed = {ys[0], ys[-1], layout.depot_y}
    middle = [y for y in ys if y not in fixed]
    room = max(0, min(4 - len(fixed), len(middle) - 1))  # always fewer cross aisles than the layout
    if not middle or count <= 0:
        return []
    subsets = []
    for shift in range(count):
        chosen = {middle[(shift + round(i * len(middle) / max(1, room))) % len(middle)] for i in range(room)}
        subset = sorted(fixed | chosen)
        if subset not in subsets:
            subsets.append(subset)
    return subsets


__all__ = [
    "Layout", "LayoutError", "Pick", "Point", "Route", "UnknownBin", "load_picks", "parse_picks", "route",
    "heuristic_route", "METHODS",
]
