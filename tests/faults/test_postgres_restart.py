"""PostgreSQL restarted mid-shift (``pg_ctl stop -m fast`` or ``-m immediate``, a crash, then start) on a private
cluster while the packer scans on: the station reconnects by itself (``pool_pre_ping``), scans that meet the
restart are stored at the station and replayed, and every scan lands exactly once."""

from __future__ import annotations

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

    # The restart in its two halves, so that scans surely meet it: the server goes down (every connection
    # cut; "immediate" is a crash, no checkpoint), the packer scans on, the server comes back.
    private_cluster.pg_ctl("stop", "-m", mode)
    scanned = 3
    for _ in range(3):
        assert station.scan(bench.gtins["P-CABLE"]).reason == STORED
        scanned += 1
    private_cluster.start()
    # After the restart the station carries on by itself: no reconnect button, no restart of the station.
    while scanned < units:
        station.scan(bench.gtins["P-CABLE"])
        scanned += 1
        time.sleep(0.05)
    station.wait_replayed(timeout=60)
    last = station.scan(bench.gtins["P-BOOK"])
    assert last.verdict == "complete", last.text()

    stored = [a for a in station.shown if a.reason == STORED]
    assert len(stored) >= 3
    assert all("Stored at this station" in a.text() for a in stored)  # the packer was told
    assert station.done and station.done[-1].code == "replay_done"
    assert not any(o.refused for o in station.outcomes)
    state = pack_state(ctx, number)
    journal = station.stored_keys()
    counts = Counter(state["keys"])
    assert all(counts[key] == 1 for key in journal) and max(counts.values()) == 1
    assert state["ticks"] == state["boxed"] == state["ticked"] == units + 1
    assert state["status"] in ("packed", "labelled")
