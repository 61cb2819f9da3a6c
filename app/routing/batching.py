"""Batch picking: several orders on one cart, one tote each, walked in one route.

Orders are grouped by the savings method (Clarke and Wright's idea as used for order batching by
de Koster, Van der Poort and Wolters): start with one batch per order and keep merging the two
batches whose joint route saves the most walking over their separate routes, while the cart has a
tote free and the item limit holds. Each batch is then routed as one pick list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.errors import InvalidInput
from app.routing import Layout, Pick, Route, route


@dataclass
class Batch:
    orders: list[str]
    route: Route
    totes: dict[str, int] = field(default_factory=dict)  # order -> tote number on the cart, from 1

    def tote_of(self, pick: Pick) -> int:
        return self.totes[pick.order or ""]


def batch_orders(
    layout: Layout,
    orders: Mapping[str, Sequence[Pick]],
    totes: int = 4,
    max_items: int | None = None,
    method: str = "auto",
) -> list[Batch]:
    """Group ``orders`` (order -> its picks) into batches of at most ``totes`` orders and ``max_items``
    picks, by savings, and route each batch."""
    if totes < 1:
        raise InvalidInput("a cart needs at least one tote")
    for name, picks in orders.items():
        if max_items is not None and len(picks) > max_items:
            raise InvalidInput(f"order {name} has {len(picks)} picks, more than a cart holds ({max_items})")

    def tagged(names: Sequence[str]) -> list[Pick]:
        return [Pick(f"{p.id}", p.aisle, p.position, name) for name in names for p in orders[name]]

    cache: dict[tuple[str, ...], float] = {}

    def length(names: tuple[str, ...]) -> float:
        key = tuple(sorted(names))
        if key not in cache:
            cache[key] = route(layout, tagged(key), method).length
        return cache[key]

    batches: list[tuple[str, ...]] = [(name,) for name in orders]
    size = {name: len(picks) for name, picks in orders.items()}

    def fits(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        if len(a) + len(b) > totes:
            return False
        return max_items is None or sum(size[n] for n in a + b) <= max_items

    while True:
        best = (1e-9, None, None)
        for i in range(len(batches)):
            for j in range(i + 1, len(batches)):
                a, b = batches[i], batches[j]
                if not fits(a, b):
                    continue
                saving = length(a) + length(b) - length(a + b)
                if saving > best[0]:
                    best = (saving, i, j)
        if best[1] is None:
            break
        _, i, j = best
        merged = batches[i] + batches[j]
        batches = [b for k, b in enumerate(batches) if k not in (i, j)] + [merged]

    out = []
    for names in batches:
        ordered = sorted(names)
        picks = tagged(ordered)
        out.append(Batch(ordered, route(layout, picks, method), {name: n for n, name in enumerate(ordered, start=1)}))
    return out
