#!/usr/bin/env python3
"""Cycle-count plan figures (issue 18, item 6): the time ``app.domain.countplan.plan`` takes for 20,000 bins.

The bins are made with a fixed seed: a skewed pick distribution (Pareto: a few bins take most of the picks),
last counts spread over the past 200 days, 3 % never counted, 15 % without stock, 1 % blocked. The plan runs with
the default rules (every 90 days, fast movers every 30, no cap: every due bin listed, the heaviest case). Best
and median of 20 runs, wall clock and CPU time (goal: under 100 ms).

Usage: .venv/bin/python scripts/bench/bench_countplan.py [--quick] [--json]
The machine is shared (2 cores): timings are noisy.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.domain.countplan import BinFacts, PlanRules, plan  # noqa: E402
from scripts.bench import bench_setup as setup  # noqa: E402

BINS = 20_000
TODAY = date(2026, 3, 2)


def figure(name: str, value: float, unit: str, goal: str | None = None) -> dict[str, Any]:
    return {"name": name, "value": round(value, 3), "unit": unit, "backend": None, "goal": goal}


def make_bins(n: int, seed: int = 1806) -> list[BinFacts]:
    rng = random.Random(seed)
    bins = []
    for i in range(n):
        aisle, bay, level = i // 400, i % 400 // 4, i % 4 + 1  # 50 aisles of 100 bays of 4 levels
        code = f"{chr(ord('A') + aisle % 26)}{aisle // 26 + 1:02d}-{bay + 1:02d}-{level}"
        picks = int(rng.paretovariate(1.2)) - 1  # most bins a handful of picks, a few hundreds
        counted = None if rng.random() < 0.03 else TODAY - timedelta(days=rng.randint(0, 200))
        bins.append(BinFacts(i + 1, code, counted, picks, rng.random() >= 0.15, blocked=rng.random() < 0.01))
    return bins


def run(quick: bool = False) -> list[dict[str, Any]]:
    runs = 5 if quick else 20
    bins = make_bins(BINS)
    rules = PlanRules()
    planned = plan(bins, rules, TODAY)  # warm up
    walls, cpus = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        again = plan(bins, rules, TODAY)
        cpus.append((time.process_time() - started_cpu) * 1000)
        walls.append((time.perf_counter() - started) * 1000)
        if again != planned:
            raise RuntimeError("the plan changed between two runs on the same bins")
    fast = sum(p.fast for p in planned)
    return [
        figure(f"countplan.plan_{BINS}_bins_best", min(walls), "ms", "<= 100 ms"),
        figure(f"countplan.plan_{BINS}_bins_median", statistics.median(walls), "ms", "<= 100 ms"),
        figure(f"countplan.plan_{BINS}_bins_cpu_best", min(cpus), "ms"),
        figure(f"countplan.plan_{BINS}_bins_cpu_median", statistics.median(cpus), "ms"),
        figure(f"countplan.plan_{BINS}_bins_planned", len(planned), "bins"),
        figure(f"countplan.plan_{BINS}_bins_planned_fast", fast, "bins"),
    ]


def main() -> None:
    setup.command_line(__doc__, lambda quick, backends: run(quick))  # no database: --backend changes nothing


if __name__ == "__main__":
    main()
