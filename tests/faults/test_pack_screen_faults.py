"""Faults as the packer meets them, at the pack screen (real widgets offscreen, the devices bridge, real parts
behind): a scanner on a real pseudo-terminal unplugged and plugged back mid-order, and a label printer (a real
port-9100 server on loopback) offline when the order completes. The database going away at the pack screen is
in test_pack_screen_offline.py (it needs the private cluster)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.config import DeviceConfig
from app.devices.reader import DeviceReader
from app.devices.simulators import ScannerSimulator
from db.models import Order
from db.models.shipping import PrintJob
from tests.faults.conftest import pack_state
from tests.helpers.printers import set_station_printers
from tests.packing.test_pack_screen import station_window  # noqa: F401 - the pack screen's own fixture, reused
from tests.shipping.test_printing import RawPrinter, free_port


def _told(window, text: str) -> bool:
    return any(text in message for _, message in window.feedback.history)


def _login_and_take(window, bench) -> object:
    window.device_bridge.inject_scan(bench.packer_badge, source="virtual")
    window.device_bridge.inject_scan("CMD:NEXT-ORDER", source="virtual")
    return window.screens["pack"]


def test_scanner_unplugged_and_plugged_back_mid_order(ctx, bench, order_factory, station_window, qtbot, tmp_path):
    number = order_factory([("P-CABLE", 4), ("P-BOOK", 1)])
    window = station_window
    screen = _login_and_take(window, bench)
    assert screen.view_data is not None and screen.view_data.number == number
    scanner = ScannerSimulator(link=tmp_path / "scanner")
    reader = window.device_bridge.add_reader(
        DeviceReader(DeviceConfig(kind="scanner", port=str(tmp_path / "scanner")), window.device_bridge.post, retry_interval=0.1))
    try:
        qtbot.waitUntil(lambda: reader.connected, timeout=5000)
        for _ in range(2):
            scanner.scan(bench.gtins["P-CABLE"])
        qtbot.waitUntil(lambda: pack_state(ctx, number)["ticks"] == 2, timeout=10000)

        scanner.unplug()
        qtbot.waitUntil(lambda: _told(window, "Scanner disconnected: waiting for it to come back"), timeout=5000)
        assert window.feedback.history[-1][0] == "bad"
        scanner.plug()
        qtbot.waitUntil(lambda: _told(window, "Scanner connected"), timeout=5000)
        for _ in range(2):
            scanner.scan(bench.gtins["P-CABLE"])
        qtbot.waitUntil(lambda: pack_state(ctx, number)["ticks"] == 4, timeout=10000)
        with qtbot.waitSignal(screen.handed_off, timeout=30000):
            scanner.scan(bench.gtins["P-BOOK"])
    finally:
        reader.stop()
        scanner.close()
    state = pack_state(ctx, number)
    assert state["ticks"] == state["boxed"] == state["ticked"] == 5  # nothing lost, nothing doubled
    assert reader.counts["reconnects"] == 1


@pytest.mark.timeout(180)
def test_label_printer_offline_the_label_waits_and_prints_once_when_it_is_back(ctx, bench, order_factory, station_window,
                                                                                qtbot):
    port = free_port()
    set_station_printers(ctx, bench.station, {"label": f"tcp://127.0.0.1:{port}", "label_format": "zpl",
                                              "packing_slip": f"tcp://127.0.0.1:{port}"})
    number = order_factory([("P-MUG", 1)])
    window = station_window
    screen = _login_and_take(window, bench)
    with qtbot.waitSignal(screen.handed_off, timeout=30000) as blocker:
        window.device_bridge.inject_scan(bench.gtins["P-MUG"], source="virtual")
    assert blocker.args[0].verdict == "complete" and blocker.args[0].label_error is None
    qtbot.waitUntil(lambda: _told(window, "Printer not reachable"), timeout=15000)  # the packer is told it waits
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        assert set(s.scalars(select(PrintJob.state).where(PrintJob.order_id == order_id))) == {"queued"}

    printer = RawPrinter(port)
    try:
        qtbot.waitUntil(lambda: len(printer.jobs) == 2, timeout=90000)  # the queue's back-off, then both print
        qtbot.waitUntil(lambda: _told(window, "Printed:"), timeout=10000)
        time.sleep(3)  # more passes of the queue: nothing is sent again
        assert len(printer.jobs) == 2
        assert sorted(job[:3] for job in printer.jobs) == [b"%PD", b"^XA"]  # the label and the slip, once each
    finally:
        printer.close()
    with ctx.sessions() as s:
        assert sorted(s.scalars(select(PrintJob.state).where(PrintJob.order_id == order_id))) == ["done", "done"]
