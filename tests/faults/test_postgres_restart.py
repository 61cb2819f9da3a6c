"""PostgreSQL restarted mid-shift (``pg_ctl restart -m fast`` and ``-m immediate``, a crash) on a private
cluster while the packer scans on: the station reconnects by itself (``pool_pre_ping``), scans that meet the
restart are stored at the station and replayed, and every scan lands exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from app.packing.offline import STORED
from tests.faults.conftest import pack_state


@pytest.fixture
def ctx(private_ctx):
    return private_ctx


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_scans_through_a_restart_land_exactly_once(mode, ctx, station_factory, private_cluster, private_db, bench,
                                                   order_factory, tmp_path):
    units = 40
    number = order_factory([("P-CABLE", units), ("P-BOOK", 1)])
    station = station_factory(private_cluster.url(private_db))
    assert station.service.open(number).verdict == "ok"
    for _ in range(3):
        assert station.scan(bench.gtins["P-CABLE"]).reason == "ticked"
    station.offline.remember(station.service.view())

    restart = threading.Thread(target=private_cluster.restart, args=(mode,))
    restart.start()
    scanned = 3
    while restart.is_alive() and scanned < units - 5:
        station.scan(bench.gtins["P-CABLE"])
        scanned += 1
        time.sleep(0.1)
    restart.join(120)
    # After the restart the station carries on by itself: no reconnect button, no restart of the station.
    while scanned < units:
        station.scan(bench.gtins["P-CABLE"])
        scanned += 1
        time.sleep(0.05)
    station.wait_replayed(timeout=60)
    last = station.scan(bench.gtins["P-BOOK"])
    assert last.verdict == "complete", last.text()

    stored = [a for a in station.shown if a.reason == STORED]
    assert stored, "no scan met the restart: the test proved nothing"
    assert all("Stored at this station" in a.text() for a in stored)  # the packer was told
    assert station.done and station.done[-1].code == "replay_done"
    assert not any(o.refused for o in station.outcomes)
    state = pack_state(ctx, number)
    journal = station.stored_keys()
    counts = Counter(state["keys"])
    assert all(counts[key] == 1 for key in journal) and max(counts.values()) == 1
    assert state["ticks"] == state["boxed"] == state["ticked"] == units + 1
    assert state["status"] in ("packed", "labelled")
