"""Scans from the devices' Qt bridge (app.ui.devices) reach the log-in screen and "Next order"."""

import pytest


@pytest.fixture
def wired_window(ctx, world, station_app, qtbot):
    from app.ui.app import build_window

    w = build_window(ctx, "STATION-1", "en", devices=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: getattr(w, "device_bridge", None) is not None, timeout=5000)
    yield w
    bridge = w.device_bridge
    bridge.wedge.uninstall()  # the keyboard-wedge filter is application-wide: leave no trace
    bridge.stop()
    w.close()


def test_badge_and_next_order_from_the_scanner_bridge(wired_window, qtbot):
    bridge = wired_window.device_bridge
    bridge.inject_scan("BADGE-PACKER-1")
    qtbot.waitUntil(lambda: wired_window.env is not None, timeout=3000)
    assert wired_window.env.username == "packer1"
    bridge.inject_scan("CMD:NEXT-ORDER")
    queue = wired_window.screens["queue"]
    qtbot.waitUntil(lambda: queue.current_number is not None, timeout=3000)
    bridge.inject_scan("CMD:LOG-OUT")
    qtbot.waitUntil(lambda: wired_window.env is None, timeout=3000)
