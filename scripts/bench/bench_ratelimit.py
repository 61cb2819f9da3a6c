#!/usr/bin/env python3
"""Rate limiter figures (issue 19, item 5): what the shared limiter adds to a request, at 200 customers.

What ``station serve`` does for each limited request, timed alone: the client address worked out
(:class:`app.web.limits.ClientAddress`, behind a trusted proxy: ``X-Forwarded-For`` read) and one token taken
from the customer's bucket in the table every worker shares (:class:`app.web.limits.SharedBuckets`, a file under
``/dev/shm``, ``fcntl.flock`` between the processes). 200 customers' addresses, their requests in random order, in
as many worker processes as the server would start (one a CPU, at least two) hammering the one table at once, so
the figure includes the workers waiting for each other's lock; and, for comparison, one process alone. Per
request p50, p99 and mean (goal: at most 0.5 ms a request).

Usage: .venv/bin/python scripts/bench/bench_ratelimit.py [--quick] [--json]
The machine is shared (2 cores): timings are noisy; the load average is logged beside them.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.web.limits import ClientAddress, Limit, SharedBuckets, make_table_file  # noqa: E402
from scripts.bench import bench_setup as setup  # noqa: E402

CUSTOMERS = 200
GOAL_MS = 0.5


def figure(name: str, value: float, unit: str, goal: str | None = None) -> dict[str, Any]:
    return {"name": name, "value": round(value, 4), "unit": unit, "backend": None, "goal": goal}


def _worker(path: str, requests: int, seed: int, out) -> None:
    table = SharedBuckets(path)
    clients = ClientAddress(["127.0.0.1"])
    # As the server's: the page limit, generous enough that customers are served (the bucket is written either way).
    limit = Limit(table, "page", 300, 0.05)
    rng = random.Random(seed)
    scopes = [{"client": ("127.0.0.1", 40000 + i), "headers": [
        (b"host", b"track.example.com"), (b"accept-encoding", b"gzip"),
        (b"x-forwarded-for", f"198.51.{i // 250}.{i % 250 + 1}".encode())]} for i in range(CUSTOMERS)]
    order = [rng.randrange(CUSTOMERS) for _ in range(requests)]
    timings = []
    allowed = 0
    clock = time.perf_counter_ns
    for i in order:
        started = clock()
        allowed += limit.allow(clients.of_scope(scopes[i]))
        timings.append(clock() - started)
    table.close()
    out.put((timings, allowed))


def measure(processes: int, requests: int) -> tuple[list[int], int]:
    path = make_table_file()
    try:
        mp = multiprocessing.get_context("spawn")
        out = mp.Queue()
        workers = [mp.Process(target=_worker, args=(path, requests, seed, out)) for seed in range(processes)]
        for w in workers:
            w.start()
        timings: list[int] = []
        allowed = 0
        for _ in workers:
            t, a = out.get(timeout=300)
            timings += t
            allowed += a
        for w in workers:
            w.join(60)
        return timings, allowed
    finally:
        os.unlink(path)


def _quantile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6


def run(quick: bool = False) -> list[dict[str, Any]]:
    requests = 20_000 if quick else 200_000
    processes = max(2, os.cpu_count() or 1)
    load = os.getloadavg()[0]
    figures = []
    for label, n in ((f"{processes} worker processes at once", processes), ("one process", 1)):
        timings, _ = measure(n, requests)
        figures += [
            figure(f"rate limiter per request, {CUSTOMERS} customers, {label}, p50", _quantile(timings, 0.50), "ms",
                   f"<= {GOAL_MS} ms"),
            figure(f"rate limiter per request, {CUSTOMERS} customers, {label}, p99", _quantile(timings, 0.99), "ms",
                   f"<= {GOAL_MS} ms"),
            figure(f"rate limiter per request, {CUSTOMERS} customers, {label}, mean",
                   statistics.fmean(timings) / 1e6, "ms", f"<= {GOAL_MS} ms"),
        ]
    figures.append(figure("rate limiter bench, load average (1 min) at start", load, ""))
    return figures


def main() -> None:
    setup.command_line(__doc__, lambda quick, backends: run(quick))  # no database: --backend changes nothing


if __name__ == "__main__":
    main()
