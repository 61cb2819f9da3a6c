"""The shared database away at the pack screen: the station talks to a private PostgreSQL through a forwarder the
test cuts. The packer scans on and sees amber "stored at this station" answers, the provisional ticks and the
count waiting; when the database is back each stored scan's check shows (a wrong item reported refused), the
count goes away, and every scan is in the database exactly once."""

from __future__ import annotations

from collections import Counter

import pytest

from app.context import open_context
from app.ui.feedback import BAD_COLOUR, WARN_COLOUR
from tests.faults.conftest import pack_state
from tests.packing.test_pack_screen import station_window  # noqa: F401 - the pack screen's own fixture, reused


@pytest.fixture
def ctx(private_cluster, private_db, forwarder, tmp_path):
    """The station's view: every connection goes through the forwarder."""
    context = open_context(private_cluster.url(private_db, forwarder.port), migrate_schema=False)
    context.settings.scan_journal = str(tmp_path / "journal.sqlite")
    yield context
    context.dispose()


def test_database_away_at_the_pack_screen(ctx, direct, forwarder, bench, order_factory, station_window, qtbot):
    number = order_factory([("P-CABLE", 6), ("P-BOOK", 1)])
    window = station_window
    window.device_bridge.inject_scan(bench.packer_badge, source="virtual")
    window.device_bridge.inject_scan("CMD:NEXT-ORDER", source="virtual")
    screen = window.screens["pack"]
    shown = []
    screen.answered.connect(shown.append)

    def scan(raw: str) -> None:
        window.device_bridge.inject_scan(raw, source="virtual")

    for _ in range(2):
        scan(bench.gtins["P-CABLE"])
    # The screen re-reads the order after each scan (and keeps its lines for provisional verdicts).
    qtbot.waitUntil(lambda: screen.view_data is not None and screen.view_data.lines[0].packed == 2, timeout=5000)
    assert not screen.offline_label.isVisible()

    forwarder.cut()
    try:
        _scan_while_away(screen, scan, bench)
    finally:
        forwarder.restore()
    qtbot.waitUntil(lambda: not screen.offline_label.isVisible(), timeout=30000)
    qtbot.waitUntil(lambda: any(a.reason == "replay_done" for a in shown), timeout=10000)
    summary = next(a for a in shown if a.reason == "replay_done")
    assert summary.text() == "The database is back: 4 stored scan(s) recorded, 1 refused."
    checks = [a.text() for a in shown if a.message.code in ("replayed_ok", "replayed_refused")]
    assert len(checks) == 4 and sum("refused when checked" in t for t in checks) == 1
    qtbot.waitUntil(lambda: screen.lines.item(0, 3).text() == "5 / 6", timeout=5000)  # the database's ticks now

    scan(bench.gtins["P-CABLE"])
    with qtbot.waitSignal(screen.handed_off, timeout=30000) as blocker:
        scan(bench.gtins["P-BOOK"])
    assert blocker.args[0].verdict == "complete"

    state = pack_state(direct, number)
    assert state["ticks"] == state["boxed"] == state["ticked"] == 7
    assert len(state["keys"]) == 2 + 4 + 2 and max(Counter(state["keys"]).values()) == 1


def _scan_while_away(screen, scan, bench) -> None:
    for _ in range(3):
        scan(bench.gtins["P-CABLE"])
        assert WARN_COLOUR in screen.message.styleSheet()
        assert "will be checked when the database is back" in screen.message.text()
    assert screen.lines.item(0, 3).text() == "5 / 6"  # provisional ticks
    scan(bench.gtins["P-MUG"])  # not in the order: refused at once, in red
    assert BAD_COLOUR in screen.message.styleSheet() and "is not in order" in screen.message.text()
    assert screen.offline_label.isVisible()
    assert screen.offline_label.text() == "Database unreachable: 4 scan(s) stored at this station"
