"""``station bench``: every benchmark under ``scripts/bench/`` in one run, as a table and as JSON."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from app.cli.main import command, print_json
from app.errors import InvalidInput

BENCH_DIR = Path(__file__).resolve().parents[2] / "scripts" / "bench"


def register(subparsers) -> None:
    bench = command(subparsers, "bench", run_benchmarks, help="the benchmark suite; prints its figures")
    bench.add_argument("--quick", action="store_true", help="smaller instances, for a smoke run")
    bench.add_argument("--only", action="append", metavar="NAME", help="run only bench_NAME (repeatable)")
    bench.add_argument("--list", action="store_true", help="name the benchmarks")


def available() -> dict[str, Path]:
    return {path.stem.removeprefix("bench_"): path for path in sorted(BENCH_DIR.glob("bench_*.py"))}


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"station_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def run_benchmarks(args: argparse.Namespace) -> int:
    benches = available()
    if args.list:
        for name, path in benches.items():
            print(name)
        return 0
    chosen = args.only or list(benches)
    unknown = [n for n in chosen if n not in benches]
    if unknown:
        raise InvalidInput(f"no benchmark {', '.join(unknown)}: one of {', '.join(benches)}")
    figures: list[dict] = []
    failures = 0
    for name in chosen:
        started = time.perf_counter()
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        try:
            figures.extend(_load(name, benches[name]).run(quick=args.quick))
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others' figures
            failures += 1
            print(f"bench: {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if args.json:
        print_json({"figures": figures})
    else:
        width = max((len(f["name"]) for f in figures), default=10)
        print(f"{'figure':<{width}}  {'backend':<10} {'value':>12} {'unit':<10} goal")
        for f in figures:
            print(f"{f['name']:<{width}}  {f.get('backend') or '-':<10} {f['value']:>12} {f['unit']:<10} {f.get('goal') or ''}")
    return 1 if failures else 0
