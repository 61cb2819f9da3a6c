"""An independent exact checker: Held-Karp over the picks, on shortest-path distances computed by
Dijkstra on an explicit graph of the aisles and cross aisles (not the router's distance formula)."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

from app.routing.layout import Layout, Pick

EPS = 1e-9


def graph_distances(layout: Layout, picks: list[Pick]) -> list[list[float]]:
    """Distances between the depot (index 0) and the picks, by Dijkstra on the aisle graph."""
    xs = sorted({layout.aisle_x(a) for a in range(1, layout.aisles + 1)} | {layout.depot_x})
    ys = list(layout.cross_aisles)
    nodes_on_aisle: dict[int, set[float]] = defaultdict(set)
    for a in range(1, layout.aisles + 1):
        nodes_on_aisle[a].update(ys)
    for p in picks:
        nodes_on_aisle[p.aisle].add(p.position)
    adj: dict[tuple[float, float], list[tuple[tuple[float, float], float]]] = defaultdict(list)

    def link(u, v):
        w = abs(u[0] - v[0]) + abs(u[1] - v[1])
        adj[u].append((v, w))
        adj[v].append((u, w))

    for a, positions in nodes_on_aisle.items():
        x = layout.aisle_x(a)
        ordered = sorted(positions)
        for y1, y2 in zip(ordered, ordered[1:]):
            link((x, y1), (x, y2))
    for y in ys:
        for x1, x2 in zip(xs, xs[1:]):
            link((x1, y), (x2, y))
    targets = [(layout.depot_x, layout.depot_y)] + [(layout.aisle_x(p.aisle), p.position) for p in picks]
    out = []
    for source in targets:
        dist = {source: 0.0}
        heap = [(0.0, source)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist.get(u, math.inf) + EPS:
                continue
            for v, w in adj[u]:
                if d + w < dist.get(v, math.inf) - EPS:
                    dist[v] = d + w
                    heapq.heappush(heap, (d + w, v))
        out.append([dist[t] for t in targets])
    return out


def held_karp(layout: Layout, picks: list[Pick]) -> float:
    """The exact shortest tour depot -> all picks -> depot (up to a dozen picks)."""
    if not picks:
        return 0.0
    d = graph_distances(layout, picks)
    n = len(picks)
    full = (1 << n) - 1
    best = [[math.inf] * n for _ in range(1 << n)]
    for i in range(n):
        best[1 << i][i] = d[0][i + 1]
    for mask in range(1, 1 << n):
        row = best[mask]
        for i in range(n):
            c = row[i]
            if c == math.inf:
                continue
            for j in range(n):
                if mask & (1 << j):
                    continue
                nm = mask | (1 << j)
                v = c + d[i + 1][j + 1]
                if v < best[nm][j]:
                    best[nm][j] = v
    return min(best[full][i] + d[i + 1][0] for i in range(n))
