"""``station bench`` as an integrator runs it: a real process over a small bench directory of real benchmarks
(a database round trip on each backend asked for, and one with no database), its table, its JSON and the
README section it rewrites."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.cli.bench_commands import README_END, README_START, markdown_table, replace_readme_section
from app.errors import InvalidInput
from tests.conftest import require_backend
from tests.helpers.databases import postgres_admin_url

ROOT = Path(__file__).resolve().parents[2]
STATION = [sys.executable, "-m", "app.cli.main"]

ROUND_TRIP_BENCH = textwrap.dedent('''
    """SELECT 1 round trip on each backend the suite asks for."""
    import os
    import statistics
    import time

    from sqlalchemy import create_engine, text

    def run(quick: bool = False, backends: tuple = ("sqlite", "postgresql")) -> list[dict]:
        urls = {"sqlite": "sqlite://", "postgresql": os.environ["BENCH_TEST_PG"]}
        figures = []
        for backend in backends:
            engine = create_engine(urls[backend])
            with engine.connect() as connection:
                samples = []
                for _ in range(5 if quick else 50):
                    started = time.perf_counter()
                    connection.execute(text("SELECT 1")).scalar_one()
                    samples.append((time.perf_counter() - started) * 1000)
            engine.dispose()
            figures.append({"name": "SELECT 1 round trip (median)", "value": round(statistics.median(samples), 3),
                            "unit": "ms", "backend": backend, "goal": "<= 100 ms"})
        return figures
''')

PURE_BENCH = textwrap.dedent('''
    """A figure that needs no database: JSON encoding of 1,000 small objects."""
    import json
    import time

    def run(quick: bool = False) -> list[dict]:
        print("pure: encoding ...")  # a benchmark that talks on stdout must not spoil --json
        data = [{"sku": f"SKU-{i}", "quantity": i} for i in range(1000)]
        started = time.perf_counter()
        json.dumps(data)
        return [{"name": "json of 1,000 lines", "value": round((time.perf_counter() - started) * 1000, 3),
                 "unit": "ms", "backend": None, "goal": None}]
''')

BROKEN_BENCH = textwrap.dedent('''
    def run(quick: bool = False) -> list[dict]:
        raise RuntimeError("the bench machine is on fire")
''')


@pytest.fixture
def bench_dir(tmp_path) -> Path:
    folder = tmp_path / "bench"
    folder.mkdir()
    (folder / "bench_roundtrip.py").write_text(ROUND_TRIP_BENCH)
    (folder / "bench_pure.py").write_text(PURE_BENCH)
    return folder


def bench(bench_dir: Path, results: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"BENCH_TEST_PG": postgres_admin_url(), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([*STATION, "bench", "--bench-dir", str(bench_dir), "--results-dir", str(results), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)


FIGURE_KEYS = {"bench", "name", "value", "unit", "backend", "goal"}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_one_backend_json_results_file_and_output_copy(bench_dir, tmp_path, backend):
    require_backend(backend)
    out = tmp_path / "copy.json"
    result = bench(bench_dir, tmp_path / "results", "--quick", "--backend", backend, "--json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["backends"] == [backend] and document["failures"] == [] and document["quick"] is True
    assert len(document["load_average"]["start"]) == 3 and len(document["load_average"]["end"]) == 3
    figures = {(f["bench"], f["backend"]): f for f in document["figures"]}
    assert set(figures) == {("roundtrip", backend), ("pure", None)}
    for figure in document["figures"]:
        assert set(figure) == FIGURE_KEYS and isinstance(figure["value"], (int, float)) and figure["value"] >= 0
    assert json.loads((tmp_path / "results" / "latest.json").read_text()) == document
    assert json.loads(out.read_text()) == document
    table = (tmp_path / "results" / "latest.md").read_text()
    assert table.startswith("| bench | figure | backend | value | unit | goal |")
    assert f"| roundtrip | SELECT 1 round trip (median) | {backend} |" in table


@pytest.mark.postgres
def test_both_backends_table_and_a_broken_bench_does_not_hide_the_others(bench_dir, tmp_path):
    require_backend("postgresql")
    (bench_dir / "bench_broken.py").write_text(BROKEN_BENCH)
    result = bench(bench_dir, tmp_path / "results")
    assert result.returncode == 1
    assert "bench: broken failed: RuntimeError: the bench machine is on fire" in result.stderr
    assert "Traceback" in result.stderr  # the failing benchmark's own traceback, for whoever fixes it
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["figure", "backend", "value", "unit", "goal"]
    round_trips = [line for line in lines if line.startswith("SELECT 1 round trip")]
    assert sorted(line.split()[5] for line in round_trips) == ["postgresql", "sqlite"]
    document = json.loads((tmp_path / "results" / "latest.json").read_text())
    assert document["failures"] == [{"bench": "broken", "error": "RuntimeError: the bench machine is on fire"}]
    assert "bench_broken failed: RuntimeError: the bench machine is on fire" in markdown_table(document)


def test_readme_flag_replaces_only_the_marked_section(bench_dir, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n\n{README_START}\nold table\n{README_END}\n\nafter\n")
    result = bench(bench_dir, tmp_path / "results", "--quick", "--backend", "sqlite", "--only", "pure", "--readme",
                   "--readme-file", str(readme))
    assert result.returncode == 0, result.stderr
    text = readme.read_text()
    assert text.startswith("# Title\n\nbefore\n\n" + README_START + "\n| bench | figure |")
    assert "old table" not in text and "| pure | json of 1,000 lines | — |" in text
    assert text.endswith(README_END + "\n\nafter\n")


def test_update_readme_script_uses_the_latest_results(bench_dir, tmp_path):
    results = tmp_path / "results"
    assert bench(bench_dir, results, "--quick", "--backend", "sqlite").returncode == 0
    readme = tmp_path / "README.md"
    readme.write_text(f"x\n{README_START}\n{README_END}\n")
    script = subprocess.run([sys.executable, "scripts/bench/update_readme.py", "--results", str(results / "latest.json"),
                             "--readme", str(readme)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert script.returncode == 0, script.stderr
    assert (results / "latest.md").read_text().rstrip() in readme.read_text()


def test_readme_without_markers_is_a_clear_error(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n")
    with pytest.raises(InvalidInput, match="bench:start"):
        replace_readme_section(readme, "| table |")
    assert readme.read_text() == "no markers here\n"


def test_unknown_bench_is_one_line_and_exit_code(bench_dir, tmp_path):
    result = bench(bench_dir, tmp_path / "results", "--only", "nope")
    assert result.returncode != 0 and "no benchmark nope" in result.stderr and "Traceback" not in result.stderr


QT_LEAVES_AN_APPLICATION = textwrap.dedent('''
    import time
    from PySide6.QtCore import QCoreApplication

    def run(quick: bool = False) -> list[dict]:
        started = time.perf_counter()
        QCoreApplication.instance() or QCoreApplication([])  # left behind, as bench_devices does
        return [{"name": "QCoreApplication start", "value": round((time.perf_counter() - started) * 1000, 3),
                 "unit": "ms", "backend": None, "goal": None}]
''')

QT_NEEDS_ITS_OWN_APPLICATION = textwrap.dedent('''
    import time
    from PySide6.QtWidgets import QApplication, QLabel

    def run(quick: bool = False) -> list[dict]:
        started = time.perf_counter()
        app = QApplication.instance() or QApplication([])  # a QCoreApplication here would abort on the widget
        QLabel("scan").show()
        app.processEvents()
        return [{"name": "first widget shown", "value": round((time.perf_counter() - started) * 1000, 3),
                 "unit": "ms", "backend": None, "goal": None}]
''')


def test_benchmarks_share_no_process_state(tmp_path):
    # bench_devices left a QCoreApplication behind and bench_pack, run after it in the same process, aborted
    # the whole run on its first widget: each benchmark now has a process of its own.
    folder = tmp_path / "bench"
    folder.mkdir()
    (folder / "bench_a_core.py").write_text(QT_LEAVES_AN_APPLICATION)
    (folder / "bench_b_widgets.py").write_text(QT_NEEDS_ITS_OWN_APPLICATION)
    result = bench(folder, tmp_path / "results", "--quick", "--json")
    assert result.returncode == 0, result.stderr
    assert [f["bench"] for f in json.loads(result.stdout)["figures"]] == ["a_core", "b_widgets"]
