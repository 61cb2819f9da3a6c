"""The classic routing rules kept for comparison (S-shape, largest gap, both generalised to several
blocks block by block, as Roodbergen and de Koster describe), and a local-search improver (2-opt and
Or-opt on the aisle graph's shortest-path distances) seeded by the best of them, for warehouses with
too many cross aisles for the exact programme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.routing.layout import EPS, Layout, Pick, Point


@dataclass
class Walk:
    """A route as its turning points; the picks in the order the route reaches them."""

    points: list[Point]
    sequence: list[Pick]
    method: str

    def length(self, layout: Layout) -> float:
        return sum(layout.distance(a, b) for a, b in zip(self.points, self.points[1:]))


def _blocks_in_order(layout: Layout, picks: Sequence[Pick]) -> list[tuple[int, list[Pick]]]:
    """Blocks holding picks, the farthest from the depot first (the front block last)."""
    by_block: dict[int, list[Pick]] = {}
    for pick in picks:
        by_block.setdefault(layout.block_of(pick.position), []).append(pick)
    def far(b: int) -> float:
        middle = (layout.cross_aisles[b] + layout.cross_aisles[b + 1]) / 2
        return -abs(middle - layout.depot_y)
    return [(b, by_block[b]) for b in sorted(by_block, key=far)]


def _by_aisle(picks: Sequence[Pick]) -> dict[int, list[Pick]]:
    out: dict[int, list[Pick]] = {}
    for pick in sorted(picks, key=lambda p: (p.aisle, p.position)):
        out.setdefault(pick.aisle, []).append(pick)
    return out


def _aisles_from(here: Point, aisles: list[int], layout: Layout) -> list[int]:
    """Serpentine order: start from the end nearer to where the picker stands."""
    left, right = layout.aisle_x(aisles[0]), layout.aisle_x(aisles[-1])
    return aisles if abs(here.x - left) <= abs(here.x - right) else aisles[::-1]


def s_shape(layout: Layout, picks: Sequence[Pick]) -> Walk:
    """Every sub-aisle holding a pick is walked through entirely, alternating up and down; when the
    last block has an odd number of such aisles the last one is entered and left from the same end."""
    here = layout.depot
    points, sequence = [here], []
    blocks = _blocks_in_order(layout, picks)
    for index, (b, block_picks) in enumerate(blocks):
        lo, hi = layout.cross_aisles[b], layout.cross_aisles[b + 1]
        groups = _by_aisle(block_picks)
        aisles = _aisles_from(here, sorted(groups), layout)
        going_up = abs(here.y - lo) <= abs(here.y - hi) if here.aisle is not None or True else True
        for n, aisle in enumerate(aisles):
            x = layout.aisle_x(aisle)
            group = groups[aisle]
            last_return = index == len(blocks) - 1 and n == len(aisles) - 1 and len(aisles) % 2 == 1
            start = lo if going_up else hi
            ordered = group if going_up else group[::-1]
            points.append(Point(x, start, aisle))
            points.extend(layout.pick_point(p) for p in ordered)
            sequence.extend(ordered)
            if last_return:
                points.append(Point(x, start, aisle))
            else:
                points.append(Point(x, hi if going_up else lo, aisle))
                going_up = not going_up
            here = points[-1]
    points.append(layout.depot)
    return Walk(points, sequence, "s-shape")


def largest_gap(layout: Layout, picks: Sequence[Pick]) -> Walk:
    """Per block: the first and last aisles with picks are walked through; in every other aisle the
    largest gap between neighbouring picks (or a pick and an end) is left unwalked, the picks beyond
    it reached from the far cross aisle and the rest from the near one."""
    here = layout.depot
    points, sequence = [here], []
    for b, block_picks in _blocks_in_order(layout, picks):
        lo, hi = layout.cross_aisles[b], layout.cross_aisles[b + 1]
        near, far = (lo, hi) if abs(here.y - lo) <= abs(here.y - hi) else (hi, lo)
        groups = _by_aisle(block_picks)
        aisles = _aisles_from(here, sorted(groups), layout)

        def split(aisle: int) -> tuple[list[Pick], list[Pick]]:
            """(picks reached from the near end, picks reached from the far end)."""
            group = groups[aisle] if near == lo else groups[aisle][::-1]
            stops = [near] + [p.position for p in group] + [far]
            gaps = [abs(b2 - a2) for a2, b2 in zip(stops, stops[1:])]
            g = max(range(len(gaps)), key=gaps.__getitem__)
            return group[:g], group[g:]

        def visit(aisle: int, from_y: float, stops: list[Pick]) -> None:
            x = layout.aisle_x(aisle)
            points.append(Point(x, from_y, aisle))
            points.extend(layout.pick_point(p) for p in stops)
            sequence.extend(stops)
            points.append(Point(x, from_y, aisle))

        if len(aisles) == 1:
            only = groups[aisles[0]] if near == lo else groups[aisles[0]][::-1]
            visit(aisles[0], near, only)
            here = points[-1]
            continue
        first, last, middle = aisles[0], aisles[-1], aisles[1:-1]
        x = layout.aisle_x(first)
        up = groups[first] if near == lo else groups[first][::-1]
        points.append(Point(x, near, first))
        points.extend(layout.pick_point(p) for p in up)
        sequence.extend(up)
        points.append(Point(x, far, first))
        for aisle in middle:
            _, from_far = split(aisle)
            if from_far:
                visit(aisle, far, from_far[::-1])
        x = layout.aisle_x(last)
        down = groups[last][::-1] if near == lo else groups[last]
        points.append(Point(x, far, last))
        points.extend(layout.pick_point(p) for p in down)
        sequence.extend(down)
        points.append(Point(x, near, last))
        for aisle in middle[::-1]:
            from_near, _ = split(aisle)
            if from_near:
                visit(aisle, near, from_near)
        here = points[-1]
    points.append(layout.depot)
    return Walk(points, sequence, "largest-gap")


def improve(layout: Layout, sequence: Sequence[Pick], max_rounds: int = 20) -> list[Pick]:
    """2-opt and Or-opt (moving runs of 1 to 3 stops) until no move shortens the tour."""
    stops = [None, *sequence]  # index 0 is the depot
    points = [layout.depot] + [layout.pick_point(p) for p in sequence]
    n = len(points)
    if n <= 3:
        return list(sequence)
    dist = [[layout.distance(a, b) for b in points] for a in points]
    tour = list(range(n))
    for _ in range(max_rounds):
        improved = False
        # 2-opt: reverse tour[i..j]
        for i in range(1, n - 1):
            a, b = tour[i - 1], tour[i]
            dab = dist[a][b]
            for j in range(i + 1, n):
                c, d = tour[j], tour[(j + 1) % n]
                delta = dist[a][c] + dist[b][d] - dab - dist[c][d]
                if delta < -EPS:
                    tour[i : j + 1] = tour[i : j + 1][::-1]
                    improved = True
                    a, b = tour[i - 1], tour[i]
                    dab = dist[a][b]
        # Or-opt: move a run of k stops elsewhere, either way round, when that saves something.
        for k in (1, 2, 3):
            i = 1
            while i + k <= n:
                run = tour[i : i + k]
                prev, nxt = tour[i - 1], tour[(i + k) % n]
                removed = dist[prev][run[0]] + dist[run[-1]][nxt] - dist[prev][nxt]
                if removed > EPS:
                    rest = tour[:i] + tour[i + k :]
                    best, where, flip = EPS, None, False
                    for j in range(len(rest)):
                        p, q = rest[j], rest[(j + 1) % len(rest)]
                        base = dist[p][q]
                        gain = removed - (dist[p][run[0]] + dist[run[-1]][q] - base)
                        if gain > best:
                            best, where, flip = gain, j, False
                        gain = removed - (dist[p][run[-1]] + dist[run[0]][q] - base)
                        if gain > best:
                            best, where, flip = gain, j, True
                    if where is not None:
                        piece = run[::-1] if flip else run
                        tour = _rotate_to_depot(rest[: where + 1] + piece + rest[where + 1 :])
                        improved = True
                i += 1
        if not improved:
            break
    return [stops[i] for i in tour if i != 0]


def _rotate_to_depot(tour: list[int]) -> list[int]:
    z = tour.index(0)
    return tour[z:] + tour[:z]
