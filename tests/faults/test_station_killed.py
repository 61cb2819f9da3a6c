"""kill -9 of a station mid-pack while the shared database is away, with scans only in its own journal
(killed with the database there: test_kill_9_online.py)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.conftest import pack_state

ROOT = Path(__file__).resolve().parents[2]


class StationProcess:
    def __init__(self, url: str, bench, journal: Path, number: str | None = None) -> None:
        args = [sys.executable, "-m", "tests.faults.station_process", url, bench.station, bench.packer, str(journal)]
        self.proc = subprocess.Popen(args + ([number] if number else []), cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: list[dict] = []

    def read(self, predicate, timeout: float = 60.0) -> dict:
        """The next printed object that satisfies ``predicate`` (the ones before it are kept in ``lines``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                break
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"the station process ended: {self.proc.stderr.read().decode()[-2000:]}")
            data = json.loads(line)
            self.lines.append(data)
            if predicate(data):
                return data
        raise AssertionError(f"no answer in {timeout} s; got {self.lines}")

    def scan(self, raw: str) -> dict:
        self.proc.stdin.write(raw.encode() + b"\n")
        self.proc.stdin.flush()
        return self.read(lambda d: d.get("scan") == raw)

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        assert self.proc.returncode == -signal.SIGKILL

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()


@pytest.fixture
def ctx(private_ctx):
    return private_ctx


def test_killed_while_the_database_is_away_the_stored_scans_are_replayed_by_the_next_start(
        ctx, private_cluster, private_db, forwarder, bench, order_factory, tmp_path):
    number = order_factory([("P-CABLE", 6), ("P-BOOK", 1)])
    url = private_cluster.url(private_db, forwarder.port)
    journal = tmp_path / "journal.sqlite"
    cable = bench.gtins["P-CABLE"]
    first = StationProcess(url, bench, journal, number)
    try:
        first.read(lambda d: "ready" in d)
        assert [first.scan(cable)["reason"] for _ in range(2)] == ["ticked", "ticked"]
        forwarder.cut()
        stored = [first.scan(cable) for _ in range(3)]
        assert [(s["reason"], s["code"]) for s in stored] == [("stored_offline", "stored_offline_ticked")] * 3
        first.kill9()  # the packer saw three amber answers; the database has none of them
    finally:
        first.close()
    assert pack_state(ctx, number)["ticks"] == 2

    forwarder.restore()
    second = StationProcess(url, bench, journal)
    try:
        assert second.read(lambda d: "ready" in d)["waiting"] == 3  # found on disk
        for _ in range(3):
            assert second.read(lambda d: "replayed" in d)["reason"] == "ticked"
        assert second.scan(cable)["reason"] == "ticked"
        assert second.scan(bench.gtins["P-BOOK"])["verdict"] == "complete"
    finally:
        second.close()
    state = pack_state(ctx, number)
    assert state["ticks"] == state["boxed"] == state["ticked"] == 7
    assert max(Counter(state["keys"]).values()) == 1 and len(state["keys"]) == 7
