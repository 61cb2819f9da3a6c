#!/usr/bin/env python3
"""Pick routing figures (issue 5), side by side with OR-Tools' routing solver on the same instances.

On random instances per layout (1, 2 and 3 blocks; 10 aisles of 30 m; 5 to 100 picks):
- the exact router's length against an independent Held-Karp optimum where that is computable (up to
  12 picks) and against OR-Tools (guided local search with a time limit) everywhere;
- the time to route 100 picks;
- the saving over S-shape (the S-shape's own walk) and over largest gap;
- for three blocks, the multi-block local search's gap to the exact optimum (the fallback used
  beyond four blocks), mean and worst.

Usage: .venv/bin/python scripts/bench/bench_routing.py [--quick] [--json] [--instances N]
The machine is shared (2 cores): timings are noisy.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.routing import Layout, Pick, heuristic_route, route  # noqa: E402
from app.routing.exact import ExactRouter  # noqa: E402


def make_layout(blocks: int) -> Layout:
    return Layout.from_mapping({
        "aisles": 10, "aisle_width": 3.0, "aisle_length": 30.0,
        "cross_aisles": [round(30.0 * i / blocks, 6) for i in range(blocks + 1)], "depot": {"x": 0.0, "y": 0.0},
    })


def random_picks(rng: random.Random, n: int) -> list[Pick]:
    return [Pick(f"P{i}", rng.randint(1, 10), round(rng.uniform(0.0, 30.0), 2)) for i in range(n)]


def held_karp(layout: Layout, picks: list[Pick]) -> float:
    from tests.routing.checker import held_karp as exact

    return exact(layout, picks)


def ortools_route(layout: Layout, picks: list[Pick], seconds: float) -> tuple[float, float]:
    """OR-Tools' routing solver (path cheapest arc, then guided local search) on the shortest-path
    distances in millimetres; returns (length of its sequence in metres, seconds spent)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    points = [layout.depot] + [layout.pick_point(p) for p in picks]
    matrix = [[int(round(1000 * layout.distance(a, b))) for b in points] for a in points]
    started = time.perf_counter()
    manager = pywrapcp.RoutingIndexManager(len(points), 1, 0)
    model = pywrapcp.RoutingModel(manager)
    callback = model.RegisterTransitCallback(lambda i, j: matrix[manager.IndexToNode(i)][manager.IndexToNode(j)])
    model.SetArcCostEvaluatorOfAllVehicles(callback)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = model.SolveWithParameters(params)
    elapsed = time.perf_counter() - started
    order, index = [], model.Start(0)
    while not model.IsEnd(index):
        node = manager.IndexToNode(index)
        if node:
            order.append(picks[node - 1])
        index = solution.Value(model.NextVar(index))
    return layout.sequence_length(order), elapsed


def figure(name: str, value: float, unit: str, goal: str | None = None) -> dict:
    return {"name": name, "value": round(value, 3), "unit": unit, "backend": None, "goal": goal}


def run(quick: bool = False, instances: int | None = None, ortools_seconds: float | None = None,
        progress: bool = False) -> list[dict]:
    count = instances or (15 if quick else 200)
    or_seconds = ortools_seconds if ortools_seconds is not None else (0.2 if quick else 1.0)
    timing_runs = 5 if quick else 20
    figures: list[dict] = []
    for blocks in (1, 2, 3):
        layout = make_layout(blocks)
        rng = random.Random(20260 + blocks)
        ExactRouter(layout).route(random_picks(rng, 30))  # warm the transition tables
        gaps_or, times_or, saving_s, saving_lg, exact_ok, exact_n, heur_gap = [], [], [], [], 0, 0, []
        gap_best: list[float] = []
        # Exactness on small instances (5 to 12 picks) against the independent Held-Karp checker.
        for _ in range(max(5, count // 4)):
            picks = random_picks(rng, rng.randint(5, 12))
            exact_n += 1
            exact_ok += abs(held_karp(layout, picks) - route(layout, picks).length) <= 1e-6
        for k in range(count):
            n = rng.randint(5, 100)
            picks = random_picks(rng, n)
            best = route(layout, picks)
            s = route(layout, picks, "s-shape")
            lg = route(layout, picks, "largest-gap")
            saving_s.append(100 * (1 - best.length / s.walk))
            saving_lg.append(100 * (1 - best.length / lg.walk))
            or_length, or_time = ortools_route(layout, picks, or_seconds)
            gaps_or.append(100 * (best.length / or_length - 1))
            times_or.append(or_time * 1000)
            reference = or_length
            if n <= 12:
                reference = held_karp(layout, picks)
                exact_n += 1
                exact_ok += abs(reference - best.length) <= 1e-6
            gap_best.append(max(0.0, 100 * (best.length / min(reference, or_length) - 1)))
            if blocks == 3:
                heur_gap.append(100 * (heuristic_route(layout, picks).length / best.length - 1))
            if progress and k % 20 == 0:
                print(f"  {blocks} block(s): {k}/{count}", file=sys.stderr)
        # Timing: exactly 100 picks.
        # Wall-clock time suffers from the other processes on a shared machine; CPU time much less.
        times, cpu = [], []
        for _ in range(timing_runs):
            picks = random_picks(rng, 100)
            started, started_cpu = time.perf_counter(), time.process_time()
            route(layout, picks)
            cpu.append((time.process_time() - started_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
        goal_ms = 20 if blocks == 1 else 100
        figures += [
            figure(f"routing.{blocks}block.time_100_picks_max", max(times), "ms", f"<= {goal_ms} ms"),
            figure(f"routing.{blocks}block.time_100_picks_mean", statistics.mean(times), "ms"),
            figure(f"routing.{blocks}block.cpu_time_100_picks_max", max(cpu), "ms", f"<= {goal_ms} ms"),
            figure(f"routing.{blocks}block.cpu_time_100_picks_mean", statistics.mean(cpu), "ms"),
            figure(f"routing.{blocks}block.saving_over_s_shape_mean", statistics.mean(saving_s), "%"),
            figure(f"routing.{blocks}block.saving_over_largest_gap_mean", statistics.mean(saving_lg), "%"),
            figure(f"routing.{blocks}block.held_karp_matches", 100.0 * exact_ok / max(1, exact_n), "%",
                   "100 % (exact)"),
            figure(f"routing.{blocks}block.held_karp_instances", exact_n, "instances"),
            figure(f"routing.{blocks}block.gap_to_best_known_mean", statistics.mean(gap_best), "%",
                   "0 %" if blocks < 3 else "<= 1 %"),
            figure(f"routing.{blocks}block.gap_to_best_known_worst", max(gap_best), "%",
                   "0 %" if blocks < 3 else "<= 3 %"),
            figure(f"routing.{blocks}block.length_vs_ortools_mean", statistics.mean(gaps_or), "%",
                   "<= 0 % (never longer)"),
            figure(f"routing.{blocks}block.length_vs_ortools_worst", max(gaps_or), "%", "<= 0 %"),
            figure(f"routing.{blocks}block.ortools_time_mean", statistics.mean(times_or), "ms"),
        ]
        if blocks == 3:
            figures += [
                figure("routing.3block.local_search_gap_mean", statistics.mean(heur_gap), "%"),
                figure("routing.3block.local_search_gap_worst", max(heur_gap), "%"),
            ]
    # Beyond four blocks the router falls back to the local search: its gap to the exact programme
    # (run here regardless of its cost) on five blocks.
    layout = make_layout(5)
    rng = random.Random(20265)
    gaps, cpu = [], []
    for _ in range(3 if quick else 20):
        picks = random_picks(rng, rng.randint(5, 100))
        optimum = ExactRouter(layout).route(picks).length
        started = time.process_time()
        found = route(layout, picks)
        cpu.append((time.process_time() - started) * 1000)
        gaps.append(100 * (found.length / optimum - 1))
    figures += [
        figure("routing.5block.local_search_gap_mean", statistics.mean(gaps), "%", "<= 1 %"),
        figure("routing.5block.local_search_gap_worst", max(gaps), "%", "<= 3 %"),
        figure("routing.5block.local_search_cpu_time_mean", statistics.mean(cpu), "ms"),
    ]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--instances", type=int)
    parser.add_argument("--ortools-seconds", type=float)
    args = parser.parse_args()
    figures = run(args.quick, args.instances, args.ortools_seconds, progress=not args.json)
    if args.json:
        print(json.dumps({"figures": figures}))
    else:
        for f in figures:
            goal = f" (goal {f['goal']})" if f["goal"] else ""
            print(f"{f['name']:<48} {f['value']:>10.3f} {f['unit']}{goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
