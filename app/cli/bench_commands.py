"""``station bench``: every benchmark under ``scripts/bench/`` in one run, as a table and as JSON.

Each ``scripts/bench/bench_NAME.py`` exposes ``run(quick: bool = False, ...) -> list[dict]`` of figures
``{"name", "value", "unit", "backend", "goal"}``. ``--backend`` reaches a benchmark that asks for it: a
parameter ``backends`` gets the tuple of backends to measure, a parameter ``backend`` gets the choice as
given (``sqlite``, ``postgresql`` or ``both``); figures of a backend that was not chosen are dropped. Each
benchmark runs in a process of its own.

Every run writes ``bench-results/latest.json`` (the ``--json`` document) and ``bench-results/latest.md`` (the
markdown table); ``--readme`` also puts that table between ``<!-- bench:start -->`` and ``<!-- bench:end -->``
in README.md (``scripts/bench/update_readme.py`` does the same from the latest results without running).
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.cli.main import command, print_json
from app.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "scripts" / "bench"
RESULTS_DIR = ROOT / "bench-results"
README = ROOT / "README.md"
BACKEND_CHOICES = {"sqlite": ("sqlite",), "postgresql": ("postgresql",), "both": ("sqlite", "postgresql")}
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def register(subparsers) -> None:
    bench = command(subparsers, "bench", run_benchmarks, help="the benchmark suite; prints its figures")
    bench.add_argument("--quick", action="store_true", help="smaller instances, for a smoke run")
    bench.add_argument("--only", action="append", metavar="NAME", help="run only bench_NAME (repeatable)")
    bench.add_argument("--list", action="store_true", help="name the benchmarks")
    bench.add_argument("--backend", choices=tuple(BACKEND_CHOICES), default="both",
                       help="the database(s) to measure on (default both)")
    bench.add_argument("-o", "--output", metavar="FILE", type=Path, help="also write the JSON document to FILE")
    bench.add_argument("--readme", action="store_true",
                       help="put the table in README.md between the bench:start and bench:end markers")
    bench.add_argument("--bench-dir", metavar="DIR", type=Path, default=BENCH_DIR, help=argparse.SUPPRESS)
    bench.add_argument("--results-dir", metavar="DIR", type=Path, default=RESULTS_DIR, help=argparse.SUPPRESS)
    bench.add_argument("--readme-file", metavar="FILE", type=Path, default=README, help=argparse.SUPPRESS)


def available(bench_dir: Path = BENCH_DIR) -> dict[str, Path]:
    return {path.stem.removeprefix("bench_"): path for path in sorted(bench_dir.glob("bench_*.py"))}


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"station_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def backend_arguments(run, choice: str) -> dict[str, Any]:
    """What of ``--backend`` a benchmark's ``run()`` takes, judged by its signature."""
    parameters = inspect.signature(run).parameters
    if "backends" in parameters:
        return {"backends": BACKEND_CHOICES[choice]}
    if "backend" in parameters:
        return {"backend": choice}
    return {}


def run_one(name: str, path: Path, *, quick: bool, backend: str) -> list[dict[str, Any]]:
    """One benchmark in a process of its own, so no state is shared between benchmarks (one leaves a
    QCoreApplication that another cannot build widgets on) and an abort in one cannot end the run. What it
    prints goes to stderr: stdout stays for ``--json``. Raises ``RuntimeError`` when it fails."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
        result = Path(folder) / "figures.json"
        child = subprocess.run(
            [sys.executable, "-m", "app.cli.bench_commands", str(path), str(result), backend, *(["--quick"] if quick else [])],
            stdout=sys.stderr, cwd=ROOT,
        )
        if child.returncode != 0 or not result.exists():
            crash = result.with_suffix(".error")
            ended = f"killed by signal {-child.returncode}" if child.returncode < 0 else f"exit code {child.returncode}"
            detail = crash.read_text(encoding="utf-8") if crash.exists() else ended
            raise RuntimeError(detail)
        return json.loads(result.read_text(encoding="utf-8"))


def _child(argv: list[str]) -> int:
    """``python -m app.cli.bench_commands BENCH_FILE RESULT_FILE BACKEND [--quick]``: what :func:`run_one` runs."""
    path, result, backend = Path(argv[0]), Path(argv[1]), argv[2]
    try:
        run = _load(path.stem.removeprefix("bench_"), path).run
        figures = run(quick="--quick" in argv[3:], **backend_arguments(run, backend))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as the benchmark's failure
        result.with_suffix(".error").write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
        raise
    result.write_text(json.dumps(figures, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


def run_suite(names: list[str], benches: dict[str, Path], *, quick: bool, backend: str) -> dict[str, Any]:
    """Run the named benchmarks one after the other; one that fails is reported and the rest still run."""
    wanted = BACKEND_CHOICES[backend]
    figures: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    started_at = datetime.now(UTC)
    load_start = os.getloadavg()
    for name in names:
        started = time.perf_counter()
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        try:
            produced = run_one(name, benches[name], quick=quick, backend=backend)
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others' figures
            failures.append({"bench": name, "error": str(exc)})
            print(f"bench: {name} failed: {exc}", file=sys.stderr)
        else:
            for figure in produced:
                if "name" not in figure or "value" not in figure:
                    continue  # a benchmark's side detail (such as per-filter timings), not a figure
                if figure.get("backend") and figure["backend"] not in wanted:
                    continue
                figures.append({"bench": name, **figure})
        print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return {
        "figures": figures,
        "failures": failures,
        "backends": list(wanted),
        "quick": quick,
        "started_at": started_at.isoformat(timespec="seconds"),
        "load_average": {"start": [round(v, 2) for v in load_start], "end": [round(v, 2) for v in os.getloadavg()]},
    }


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def markdown_table(document: dict[str, Any]) -> str:
    """The figures of a ``station bench`` JSON document as a markdown table, with when and under what load."""
    rows = ["| bench | figure | backend | value | unit | goal |", "| --- | --- | --- | ---: | --- | --- |"]
    for f in document.get("figures", []):
        rows.append(f"| {_cell(f.get('bench'))} | {_cell(f['name'])} | {_cell(f.get('backend'))} | {_cell(f['value'])} "
                    f"| {_cell(f.get('unit'))} | {_cell(f.get('goal'))} |")
    load = document.get("load_average") or {}
    start = ", ".join(f"{v:g}" for v in load.get("start", []))
    end = ", ".join(f"{v:g}" for v in load.get("end", []))
    notes = [f"`station bench{' --quick' if document.get('quick') else ''}` on {', '.join(document.get('backends', []))}, "
             f"started {document.get('started_at', '?')}; load average {start or '?'} at the start, {end or '?'} at the end."]
    for failure in document.get("failures", []):
        notes.append(f"bench_{failure['bench']} failed: {failure['error']}")
    return "\n".join(rows) + "\n\n" + "\n\n".join(notes) + "\n"


def print_table(figures: list[dict[str, Any]]) -> None:
    width = max((len(f["name"]) for f in figures), default=10)
    print(f"{'figure':<{width}}  {'backend':<10} {'value':>12} {'unit':<10} goal")
    for f in figures:
        print(f"{f['name']:<{width}}  {f.get('backend') or '-':<10} {f['value']:>12} {f['unit']:<10} {f.get('goal') or ''}")


def write_results(document: dict[str, Any], results_dir: Path) -> tuple[Path, Path]:
    """``latest.json`` and ``latest.md`` in ``results_dir``."""
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = results_dir / "latest.json", results_dir / "latest.md"
    json_path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(markdown_table(document), encoding="utf-8")
    return json_path, md_path


def replace_readme_section(readme: Path, table: str) -> None:
    """Put ``table`` between the bench markers of ``readme``; everything outside them stays as it was."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise InvalidInput(f"{readme}: no {README_START} ... {README_END} section to put the figures in")
    head = text[: start + len(README_START)]
    readme.write_text(f"{head}\n{table.rstrip()}\n{text[end:]}", encoding="utf-8")


def run_benchmarks(args: argparse.Namespace) -> int:
    benches = available(args.bench_dir)
    if args.list:
        for name in benches:
            print(name)
        return 0
    chosen = args.only or list(benches)
    unknown = [n for n in chosen if n not in benches]
    if unknown:
        raise InvalidInput(f"no benchmark {', '.join(unknown)}: one of {', '.join(benches)}")
    document = run_suite(chosen, benches, quick=args.quick, backend=args.backend)
    json_path, _ = write_results(document, args.results_dir)
    if args.output:
        try:
            args.output.write_text(json_path.read_text(encoding="utf-8"), encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"-o {args.output}: cannot write it ({exc.strerror or exc}); "
                               f"the results are in {json_path}") from None
    if args.readme:
        replace_readme_section(args.readme_file, markdown_table(document))
    if args.json:
        print_json(document)
    else:
        print_table(document["figures"])
    return 1 if document["failures"] else 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
