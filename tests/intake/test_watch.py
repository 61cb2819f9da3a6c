from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from app.errors import InvalidInput
from app.intake.watch import FolderWatcher
from tests.intake.conftest import FIXTURES
from tests.intake.recording import RecordingIngest


class Clock:
    """Time the watcher sees; the files and folders are real."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(tmp_path):
    ingest = RecordingIngest()
    clock = Clock()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = FolderWatcher(inbox, ingest, settle=2.0, interval=0.05, retry_after=30, clock=clock)
    return inbox, ingest, clock, watcher


def drop(inbox: Path, fixture: str, name: str | None = None) -> Path:
    target = inbox / (name or fixture)
    target.write_bytes((FIXTURES / fixture).read_bytes())
    return target


def settle(clock: Clock, watcher: FolderWatcher):
    assert watcher.scan_once() == []  # first sight: not yet known to be complete
    clock.now += 2.5
    return watcher.scan_once()


def test_complete_file_is_imported_and_moved_to_processed(setup):
    inbox, ingest, clock, watcher = setup
    drop(inbox, "orders_d96a.edi", "ORDERS_20261120.edi")
    [outcome] = settle(clock, watcher)
    assert outcome.status == "processed" and outcome.format == "edifact"
    assert outcome.summary == {"imported": 2, "duplicates": 0, "rejected": []}
    assert not (inbox / "ORDERS_20261120.edi").exists()
    assert (inbox / "processed" / "ORDERS_20261120.edi").read_bytes() == (FIXTURES / "orders_d96a.edi").read_bytes()
    assert not (inbox / "processed" / "ORDERS_20261120.edi.reason.txt").exists()
    assert [source for source, _ in ingest.calls] == [str(inbox / "ORDERS_20261120.edi")]
    assert set(ingest.orders) == {("edi:4012345000009", "PO-77001"), ("edi:4012345000009", "PO-77002")}
    assert outcome.line() == "ORDERS_20261120.edi: 2 imported, 0 duplicates"


def test_unreadable_file_goes_to_failed_with_a_reason_and_nothing_is_ingested(setup):
    inbox, ingest, clock, watcher = setup
    drop(inbox, "orders_d96a_truncated.edi", "PO.edi")
    drop(inbox, "truncated_orders.json", "web.json")
    outcomes = settle(clock, watcher)
    assert sorted(o.status for o in outcomes) == ["failed", "failed"]
    assert ingest.calls == []
    reason = (inbox / "failed" / "PO.edi.reason.txt").read_text(encoding="utf-8")
    assert "PO.edi: EDIFACT syntax error after segment 24 (QTY)" in reason
    assert "web.json: not valid JSON at line 22" in (inbox / "failed" / "web.json.reason.txt").read_text()
    assert (inbox / "failed" / "PO.edi").exists() and not (inbox / "PO.edi").exists()


def test_some_rejected_records_processed_with_reason_all_rejected_failed(setup, tmp_path):
    inbox, ingest, clock, watcher = setup
    drop(inbox, "native_broken_records.json", "mixed.json")
    bad_only = inbox / "bad.csv"
    bad_only.write_text("external_id,channel,placed_at,sku,quantity\nX,web,2026-11-20T09:00:00Z,S,zero\n")
    outcomes = {o.path.name: o for o in settle(clock, watcher)}
    assert outcomes["mixed.json"].status == "processed" and outcomes["mixed.json"].summary["imported"] == 2
    reason = (inbox / "processed" / "mixed.json.reason.txt").read_text(encoding="utf-8")
    assert "7 record(s) rejected" in reason
    assert "order BAD-QTY: lines[2].quantity: 'x' is not a whole number" in reason
    assert outcomes["bad.csv"].status == "failed"
    assert "order X (line 2): line 2, quantity: 'zero' is not a whole number" in (
        inbox / "failed" / "bad.csv.reason.txt").read_text()


def test_growing_file_waits_until_it_is_stable(setup):
    inbox, ingest, clock, watcher = setup
    data = (FIXTURES / "native_orders.json").read_bytes()
    target = inbox / "big.json"
    target.write_bytes(data[:500])
    assert watcher.scan_once() == []
    clock.now += 1.5
    with target.open("ab") as out:
        out.write(data[500:])
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert watcher.scan_once() == []  # changed since last look: the clock starts again
    clock.now += 1.5
    assert watcher.scan_once() == []
    clock.now += 1.0
    [outcome] = watcher.scan_once()
    assert outcome.status == "processed" and outcome.summary["imported"] == 3


def test_partial_names_are_left_alone_until_renamed_in(setup):
    inbox, ingest, clock, watcher = setup
    part = drop(inbox, "shopify_orders.json", "shop.json.part")
    drop(inbox, "shopify_orders.json", ".hidden.json")
    clock.now += 100
    assert settle(clock, watcher) == []
    part.rename(inbox / "shop.json")
    [outcome] = settle(clock, watcher)
    assert outcome.path.name == "shop.json" and outcome.format == "shopify"
    assert (inbox / ".hidden.json").exists()


def test_database_down_leaves_the_file_and_retries(setup):
    inbox, ingest, clock, watcher = setup
    drop(inbox, "woocommerce_orders.json", "woo.json")
    ingest.down = True
    [outcome] = settle(clock, watcher)
    assert outcome.status == "retry" and "does not answer" in outcome.reason
    assert (inbox / "woo.json").exists()
    ingest.down = False
    clock.now += 10
    assert watcher.scan_once() == []  # not before retry_after
    clock.now += 25
    [outcome] = watcher.scan_once()
    assert outcome.status == "processed" and outcome.summary["imported"] == 2


def test_same_name_twice_keeps_both_and_the_second_is_all_duplicates(setup):
    inbox, ingest, clock, watcher = setup
    drop(inbox, "native_orders.csv", "daily.csv")
    settle(clock, watcher)
    drop(inbox, "native_orders.csv", "daily.csv")
    [outcome] = settle(clock, watcher)
    assert outcome.summary == {"imported": 0, "duplicates": 3, "rejected": []}
    names = sorted(p.name for p in (inbox / "processed").iterdir())
    assert len(names) == 2 and "daily.csv" in names
    assert len(ingest.orders) == 3


def test_undetectable_file_fails_with_reason(setup):
    inbox, ingest, clock, watcher = setup
    (inbox / "readme.txt").write_text("hello")
    [outcome] = settle(clock, watcher)
    assert outcome.status == "failed"
    assert "cannot tell the order format" in (inbox / "failed" / "readme.txt.reason.txt").read_text()


def test_missing_folder():
    with pytest.raises(InvalidInput, match="no such folder"):
        FolderWatcher("/nonexistent/drop", RecordingIngest())


def test_run_loop_on_real_time(tmp_path):
    ingest = RecordingIngest()
    watcher = FolderWatcher(tmp_path, ingest, settle=0.2, interval=0.05)
    seen = []
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, seen.append), daemon=True)
    thread.start()
    try:
        drop(tmp_path, "shopify_webhook_order.json", "hook.json")
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert [o.status for o in seen] == ["processed"]
    assert (tmp_path / "processed" / "hook.json").exists()


def test_file_gone_before_it_was_read_is_not_a_crash(tmp_path):
    class Vanishing(FolderWatcher):
        """Someone takes the file away between the listing and the reading."""

        def ready_files(self):
            ready = super().ready_files()
            for path in ready:
                path.unlink()
            return ready

    ingest = RecordingIngest()
    watcher = Vanishing(tmp_path, ingest, settle=0)
    drop(tmp_path, "native_orders.json", "gone.json")
    [outcome] = watcher.scan_once()
    assert outcome.status == "retry" and "went away" in outcome.reason
    assert list((tmp_path / "failed").iterdir()) == [] and ingest.calls == []
    assert watcher.scan_once() == []
