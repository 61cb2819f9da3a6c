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


def test_a_scan_is_parsed_once_on_its_way_to_the_pack_service(wired_window, qtbot, monkeypatch):
    """Reader -> parser -> router -> screen -> service: the event the reader made is what the service gets; no
    screen or service reads the text again."""
    import app.devices.scanner as scanner
    import app.packing.classify as classify
    from app.devices.events import ScanEvent

    parsed = []
    real = scanner.parse_scan

    def counting(raw, **kwargs):
        parsed.append(raw)
        return real(raw, **kwargs)

    monkeypatch.setattr(classify, "parse_scan", counting)
    bridge = wired_window.device_bridge
    bridge.inject_scan("BADGE-PACKER-1")
    qtbot.waitUntil(lambda: wired_window.env is not None, timeout=3000)
    bridge.inject_scan("CMD:NEXT-ORDER")
    pack = wired_window.screens["pack"]
    qtbot.waitUntil(lambda: wired_window.current_screen_name() == "pack" and pack.view_data is not None, timeout=5000)
    seen = []
    pack.answered.connect(seen.append)
    sku = pack.view_data.lines[0].sku
    bridge.post(ScanEvent(raw="]C0" + sku, kind="text", text=sku, source="serial", aim="]C0"))  # parsed by its reader
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen[-1].verdict == "ok" and parsed == []  # the pack path read nothing again
    bridge.post(ScanEvent(raw="XYZ-NOT-A-THING", kind="text", text="XYZ-NOT-A-THING", source="serial"))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    assert seen[-1].reason == "unknown_code" and parsed == []
