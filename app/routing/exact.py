"""Exact shortest pick tours on a rectangular warehouse with any number of blocks.

This is Ratliff and Rosenthal's dynamic programme (1983), in the form Roodbergen and de Koster (2001)
extended to a middle cross aisle and that generalises to more cross aisles (as in Pansart, Catusse
and Cambazard, 2018): sweep the aisles from left to right, keeping for each *partial tour subgraph*
only its equivalence class, i.e. for every intersection of the current aisle with a cross aisle
whether it has no edge, an odd or an even degree, and which of them are connected. With one block
there are exactly Ratliff and Rosenthal's seven classes; with two blocks, Roodbergen and de Koster's.

Every sub-aisle (the part of an aisle inside one block) is covered in one of six ways: not at all,
once through, twice through, from the upper end and back, from the lower end and back, or from both
ends leaving the largest gap between two picks; every cross-aisle segment between two neighbouring
aisles is walked 0, 1 or 2 times. A tour is a connected even multigraph containing the depot and
every pick; the cheapest one is read back as an Euler circuit starting at the depot.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.routing.layout import EPS, Layout, Pick

NONE, FULL1, FULL2, TOP, BOTTOM, GAP = range(6)
_DONE = ("done",)


@dataclass
class _Column:
    x: float
    aisle: int | None  # None: the depot's place between two aisles, no aisle to walk


@dataclass
class Tour:
    length: float
    sequence: list[Pick]
    method: str


def _normalise(codes: list[int]) -> tuple[int, ...]:
    """Relabel components by first appearance; a code is 0 (no edge) or 1 + 2 * label + parity."""
    mapping: dict[int, int] = {}
    out = []
    for code in codes:
        if code == 0:
            out.append(0)
            continue
        label, parity = (code - 1) >> 1, (code - 1) & 1
        if label not in mapping:
            mapping[label] = len(mapping)
        out.append(1 + 2 * mapping[label] + parity)
    return tuple(out)


def _add(codes: list[int], slot: int, degree: int, fresh: int) -> None:
    code = codes[slot]
    if code == 0:
        codes[slot] = 1 + 2 * fresh + (degree & 1)
    elif degree & 1:
        codes[slot] = code + 1 if (code - 1) & 1 == 0 else code - 1


def _union(codes: list[int], a: int, b: int) -> None:
    la, lb = (codes[a] - 1) >> 1, (codes[b] - 1) >> 1
    if la == lb:
        return
    for i, code in enumerate(codes):
        if code and (code - 1) >> 1 == lb:
            codes[i] = 1 + 2 * la + ((code - 1) & 1)


_SKIP_REQUIRED = ("skip",)
_CLOSE = ("close",)


@lru_cache(maxsize=1 << 16)
def _vertical(state: tuple[int, ...], b: int, opt: int) -> tuple[int, ...]:
    """The class after covering the sub-aisle between slots ``b`` and ``b + 1`` with ``opt``."""
    if opt == NONE:
        return state
    m = len(state)
    codes = list(state)
    lo, hi = b, b + 1
    if opt == FULL1 or opt == FULL2:
        d = 1 if opt == FULL1 else 2
        _add(codes, lo, d, m + 1)
        _add(codes, hi, d, m + 2)
        _union(codes, lo, hi)
    elif opt == TOP:
        _add(codes, hi, 2, m + 1)
    elif opt == BOTTOM:
        _add(codes, lo, 2, m + 1)
    elif opt == GAP:
        _add(codes, lo, 2, m + 1)
        _add(codes, hi, 2, m + 2)
    return _normalise(codes)


@lru_cache(maxsize=1 << 16)
def _horizontal(state: tuple[int, ...], c: int) -> tuple[tuple[int, object], ...]:
    """The classes after walking the cross-aisle segment of slot ``c`` to the next column 0, 1 or 2
    times: ``_SKIP_REQUIRED`` when the old intersection is left untouched (invalid if it is required),
    ``_CLOSE`` when its component leaves the sweep (the tour is then complete)."""
    m = len(state)
    code = state[c]
    parity = (code - 1) & 1 if code else 0
    label = (code - 1) >> 1 if code else -1
    out: list[tuple[int, object]] = []
    for x in (0, 1, 2):
        if (parity + x) & 1:
            continue
        codes = list(state)
        if x == 0:
            if code == 0:
                out.append((0, _SKIP_REQUIRED))
                continue
            codes[c] = 0
            if not any(o and (o - 1) >> 1 == label for i, o in enumerate(state) if i != c):
                if all(o == 0 for i, o in enumerate(state) if i != c):
                    out.append((0, _CLOSE))
                continue  # a component left behind can never join the tour again
        else:
            codes[c] = 1 + 2 * (label if code else m + 1) + (x & 1)
        out.append((x, _normalise(codes)))
    return tuple(out)


class ExactRouter:
    """Shortest tour through the depot and every pick (exact for any number of blocks; the state
    space grows with the number of cross aisles, comfortably small up to four)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    def method_name(self) -> str:
        return {1: "ratliff-rosenthal", 2: "roodbergen-de-koster"}.get(self.layout.blocks, "exact-dp")

    def route(self, picks: Sequence[Pick]) -> Tour:
        layout = self.layout
        if all(layout.distance(layout.depot, layout.pick_point(p)) <= EPS for p in picks):
            return Tour(0.0, list(picks), self.method_name())  # nothing to walk
        ys = layout.cross_aisles
        m = len(ys)
        # Columns: the aisles, and the depot's place when it stands between two aisles.
        columns = [_Column(layout.aisle_x(a), a) for a in range(1, layout.aisles + 1)]
        depot_aisle = layout.depot_aisle()
        if depot_aisle is None:
            columns.append(_Column(layout.depot_x, None))
            columns.sort(key=lambda c: (c.x, c.aisle is None))
        depot_c = layout.depot_cross_aisle()
        assert depot_c is not None
        depot_col = next(i for i, c in enumerate(columns) if (c.aisle == depot_aisle if depot_aisle else c.aisle is None))
        col_of_aisle = {c.aisle: i for i, c in enumerate(columns) if c.aisle is not None}

        # Where the picks are: inside sub-aisles, or on an intersection.
        inside: dict[tuple[int, int], list[float]] = defaultdict(list)
        required_vertices: set[tuple[int, int]] = {(depot_col, depot_c)}
        for pick in picks:
            col = col_of_aisle[pick.aisle]
            on_cross = next((c for c, y in enumerate(ys) if abs(pick.position - y) <= EPS), None)
            if on_cross is not None:
                required_vertices.add((col, on_cross))
            else:
                inside[(col, layout.block_of(pick.position))].append(pick.position)
        for positions in inside.values():
            positions.sort()
        used_cols = {col for col, _ in required_vertices} | {col for col, _ in inside}
        first, last = min(used_cols), max(used_cols)

        # The sweep, flattened into steps; a required element counts at the step that settles it.
        steps: list[tuple[str, int, int]] = []
        for col in range(first, last + 1):
            for b in range(m - 1):
                steps.append(("v", col, b))
            if col < last:
                for c in range(m):
                    steps.append(("h", col, c))
        last_required = 0
        for s, (kind, col, k) in enumerate(steps):
            if kind == "v" and (col, k) in inside:
                last_required = s
            if kind == "h" and (col, k) in required_vertices:
                last_required = s
        if any(col == last for col, _ in required_vertices):
            last_required = len(steps)

        options_cache: dict[tuple[int, int], list[tuple[float, int]]] = {}

        def options(col: int, b: int) -> list[tuple[float, int]]:
            key = (col, b)
            if key in options_cache:
                return options_cache[key]
            length = ys[b + 1] - ys[b]
            if columns[col].aisle is None:
                result = [(0.0, NONE)]
            else:
                positions = inside.get(key)
                if not positions:
                    result = [(0.0, NONE), (length, FULL1), (2 * length, FULL2)]
                else:
                    result = [
                        (length, FULL1),
                        (2 * length, FULL2),
                        (2 * (ys[b + 1] - positions[0]), TOP),
                        (2 * (positions[-1] - ys[b]), BOTTOM),
                    ]
                    if len(positions) > 1:
                        gap = max(b2 - a2 for a2, b2 in zip(positions, positions[1:]))
                        result.append((2 * (length - gap), GAP))
            options_cache[key] = result
            return result

        states: dict[tuple[int, ...], float] = {tuple([0] * m): 0.0}
        back: list[dict[tuple[int, ...], tuple[tuple[int, ...], int]]] = []
        done: tuple[float, int, tuple[int, ...]] | None = None  # cost, step, state before

        for s, (kind, col, k) in enumerate(steps):
            nxt: dict[tuple[int, ...], float] = {}
            ptr: dict[tuple[int, ...], tuple[tuple[int, ...], int]] = {}
            get = nxt.get
            if kind == "v":
                opts = options(col, k)
                vertical = _vertical
                for state, cost in states.items():
                    for extra, opt in opts:
                        key = vertical(state, k, opt)
                        total = cost + extra
                        old = get(key)
                        if old is None or total < old - 1e-12:
                            nxt[key] = total
                            ptr[key] = (state, opt)
            else:
                c = k
                step_len = columns[col + 1].x - columns[col].x
                required = (col, c) in required_vertices
                may_close = last_required <= s
                for state, cost in states.items():
                    for x, key in _horizontal(state, c):
                        if key is _SKIP_REQUIRED:
                            if required:
                                continue
                            key = state[:c] + (0,) + state[c + 1 :]
                        elif key is _CLOSE:
                            if may_close and (done is None or cost < done[0] - 1e-12):
                                done = (cost, s, state)
                            continue
                        total = cost + x * step_len
                        old = get(key)
                        if old is None or total < old - 1e-12:
                            nxt[key] = total
                            ptr[key] = (state, x)
            back.append(ptr)
            states = nxt

        best: tuple[float, tuple[int, ...] | None, int] = (math.inf, None, len(steps))
        must_touch = [c for c in range(m) if (last, c) in required_vertices]
        for state, cost in states.items():
            if any(state[c] == 0 for c in must_touch):
                continue
            touched = [code for code in state if code]
            if touched and all((code - 1) & 1 == 0 for code in touched) and len({(code - 1) >> 1 for code in touched}) == 1:
                if cost < best[0]:
                    best = (cost, state, len(steps))
        choices: list[int | None] = [None] * len(steps)
        if done is not None and done[0] <= best[0] + 1e-9:
            cost, step, state = done
            choices[step] = 0
            end = step
        else:
            cost, state, end = best
            if state is None:  # pragma: no cover - a valid layout always has a tour
                raise RuntimeError("no tour found")
        for s in range(end - 1, -1, -1):
            state, choices[s] = back[s][state]

        sequence = self._read_tour(picks, steps, choices, columns, inside, depot_col, depot_c)
        return Tour(cost, sequence, self.method_name())

    def _read_tour(self, picks, steps, choices, columns, inside, depot_col, depot_c) -> list[Pick]:
        """Build the tour's multigraph from the choices and walk its Euler circuit from the depot."""
        ys = self.layout.cross_aisles
        adjacency: dict[Hashable, list[list]] = defaultdict(list)

        def edge(u: Hashable, v: Hashable, times: int) -> None:
            for _ in range(times):
                record = [u, v, False]
                adjacency[u].append(record)
                adjacency[v].append(record)

        def chain(nodes: list[Hashable], times: int) -> None:
            for u, v in zip(nodes, nodes[1:]):
                edge(u, v, times)

        for (kind, col, k), choice in zip(steps, choices):
            if not choice:
                continue
            if kind == "h":
                edge(("v", col, k), ("v", col + 1, k), choice)
                continue
            aisle = columns[col].aisle
            points = [("p", aisle, y) for y in inside.get((col, k), [])]
            lo, hi = ("v", col, k), ("v", col, k + 1)
            if choice == FULL1:
                chain([lo, *points, hi], 1)
            elif choice == FULL2:
                chain([lo, *points, hi], 2)
            elif choice == TOP:
                chain([*points, hi], 2)
            elif choice == BOTTOM:
                chain([lo, *points], 2)
            elif choice == GAP:
                ys_in = inside[(col, k)]
                g = max(range(len(ys_in) - 1), key=lambda i: ys_in[i + 1] - ys_in[i])
                chain([lo, *points[: g + 1]], 2)
                chain([*points[g + 1 :], hi], 2)

        # Hierholzer's algorithm from the depot.
        start = ("v", depot_col, depot_c)
        stack, circuit = [start], []
        pointer: dict[Hashable, int] = defaultdict(int)
        while stack:
            node = stack[-1]
            edges = adjacency[node]
            i = pointer[node]
            while i < len(edges) and edges[i][2]:
                i += 1
            pointer[node] = i
            if i == len(edges):
                circuit.append(stack.pop())
            else:
                record = edges[i]
                record[2] = True
                stack.append(record[1] if record[0] == node else record[0])
        circuit.reverse()

        at_point: dict[Hashable, list[Pick]] = defaultdict(list)
        col_of_aisle = {c.aisle: i for i, c in enumerate(columns) if c.aisle is not None}
        for pick in picks:
            on_cross = next((c for c, y in enumerate(ys) if abs(pick.position - y) <= EPS), None)
            if on_cross is not None:
                at_point[("v", col_of_aisle[pick.aisle], on_cross)].append(pick)
            else:
                at_point[("p", pick.aisle, pick.position)].append(pick)
        sequence: list[Pick] = []
        for node in circuit:
            if node in at_point:
                sequence.extend(at_point.pop(node))
        if at_point:  # pragma: no cover - the DP covers every pick by construction
            raise RuntimeError("the tour misses a pick")
        return sequence
