"""Fixtures for the device tests: simulators on real pseudo-terminals and an event collector."""

from __future__ import annotations

import threading
import time

import pytest

from app.devices.simulators import RfidReaderSimulator, ScaleSimulator, ScannerSimulator


class Collector:
    """A thread-safe sink for reader events, with waiting."""

    def __init__(self) -> None:
        self.events: list = []
        self._cond = threading.Condition()

    def __call__(self, event) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of(self, kind) -> list:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(self, predicate, timeout: float = 5.0, what: str = "the expected events"):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(list(self.events))
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; got {[e.event_name for e in self.events]}")
                self._cond.wait(left)


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture
def scanner_sim(tmp_path):
    sim = ScannerSimulator(link=tmp_path / "scanner")
    yield sim
    sim.close()


@pytest.fixture
def rfid_sim(tmp_path):
    sim = RfidReaderSimulator(link=tmp_path / "rfid")
    yield sim
    sim.close()


@pytest.fixture
def scale_sim(tmp_path):
    sim = ScaleSimulator(link=tmp_path / "scale")
    yield sim
    sim.close()


@pytest.fixture
def station_config(tmp_path, monkeypatch):
    """A station config file of the test's own, so no test reads or writes the user's."""
    path = tmp_path / "station.json"
    monkeypatch.setenv("STATION_CONFIG", str(path))
    return path
