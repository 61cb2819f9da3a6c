"""The pack screen with real widgets offscreen, driven by scanner input alone (the devices bridge), on both
databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.orders.supervision import reassign_station
from app.ui.feedback import BAD_COLOUR, GOOD_COLOUR
from app.uow import Actor
from db.models import Order
from db.models.shipping import PrintJob
from tests.helpers.printers import set_station_printers


@pytest.fixture
def station_window(ctx, bench, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "station.json"))
    printer = tmp_path / "printer"
    printer.mkdir()
    set_station_printers(ctx, bench.station, {"label": f"file://{printer}", "packing_slip": f"file://{printer}"})
    from app.ui.app import build_window, create_application
    from app.ui.screens import ScreenSpec, register_screen

    register_screen(ScreenSpec("pack", "Pack", ("packer",), "app.ui.pack.screen:PackScreen"), before="review")
    create_application(language="en")
    window = build_window(ctx, bench.station, "en")
    qtbot.addWidget(window)
    window.show()
    window.printer_folder = printer
    yield window
    window.close()


def _scan(window, text: str) -> None:
    """What a scanner does: the devices bridge parses the scan and delivers it to the window."""
    window.device_bridge.inject_scan(text, source="virtual")


def test_a_five_item_order_is_packed_from_scanner_input_alone(ctx, bench, order_factory, station_window, qtbot, tmp_path):
    number = order_factory([("P-MUG", 1), ("P-CABLE", 2), ("P-SHIRT", 1), ("P-BOOK", 1)])
    window = station_window
    _scan(window, bench.packer_badge)
    assert window.env is not None, window.feedback.history
    _scan(window, "CMD:NEXT-ORDER")
    screen = window.screens["pack"]
    assert window.current_screen_name() == "pack"
    assert screen.view_data is not None and screen.view_data.number == number
    assert screen.lines.rowCount() == 4

    _scan(window, bench.gtins["P-MUG"])
    assert GOOD_COLOUR in screen.message.styleSheet()
    assert window.feedback.history[-1][0] == "good"
    _scan(window, bench.gtins["P-BOOK"][:-1] + "0")  # a misread check digit: refused, nothing ticked
    assert BAD_COLOUR in screen.message.styleSheet() and window.feedback.history[-1][0] == "bad"
    _scan(window, "]E0" + bench.gtins["P-CABLE"][1:])
    _scan(window, "P-CABLE")
    _scan(window, bench.gtins["P-SHIRT"])
    qtbot.waitUntil(lambda: screen.lines.item(1, 3).text() == "2 / 2", timeout=5000)
    screen.grab().save(str(tmp_path / "pack-screen.png"))

    with qtbot.waitSignal(screen.handed_off, timeout=30000) as blocker:
        _scan(window, bench.gtins["P-BOOK"])
    answer = blocker.args[0]
    assert answer.verdict == "complete" and answer.label_error is None, answer.label_error
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        assert order.status == "labelled" and order.tracking_number
        states = sorted(s.scalars(select(PrintJob.state).where(PrintJob.order_id == order.id)))
    assert states == ["done", "done"]
    printed = list(Path(window.printer_folder).iterdir())
    assert len(printed) == 2  # the label and the packing slip, at the printer with no click
    assert number in screen.order_label.text()


def test_the_packer_is_told_when_a_supervisor_moves_the_order(ctx, bench, order_factory, station_window, qtbot):
    number = order_factory([("P-MUG", 1), ("P-BOOK", 1)])
    window = station_window
    _scan(window, bench.packer_badge)
    _scan(window, "CMD:NEXT-ORDER")
    screen = window.screens["pack"]
    _scan(window, bench.gtins["P-MUG"])
    reassign_station(ctx.sessions, number, bench.other_station, Actor(station="SUP", user="boss", role="supervisor"))
    screen.on_change("station", bench.station)  # what the live sync delivers
    assert BAD_COLOUR in screen.message.styleSheet()
    assert bench.other_station in screen.message.text()


def test_a_scale_reading_shows_and_a_drifting_scale_ticks_nothing(ctx, bench, order_factory, station_window, qtbot):
    from app.devices.events import WeightEvent

    order_factory([("P-BOOK", 1)])
    window = station_window
    _scan(window, bench.packer_badge)
    _scan(window, "CMD:NEXT-ORDER")
    screen = window.screens["pack"]
    window.device_bridge.post(WeightEvent(weight=0.512, unit="kg", stable=False))
    assert screen.scale_label.text() == "512 g"
    window.device_bridge.post(WeightEvent(weight=None, stable=False, condition="overload"))
    assert window.feedback.history[-1][0] == "bad"
    assert screen.view_data.left == 1


def test_next_order_mid_order_asks_for_a_supervisor_and_claims_nothing(ctx, bench, order_factory, station_window, qtbot):
    first = order_factory([("P-MUG", 1), ("P-BOOK", 1)])
    second = order_factory([("P-BOOK", 1)])
    window = station_window
    _scan(window, bench.packer_badge)
    _scan(window, "CMD:NEXT-ORDER")
    screen = window.screens["pack"]
    assert screen.view_data.number == first
    _scan(window, bench.gtins["P-MUG"])
    _scan(window, "CMD:NEXT-ORDER")  # mid-order: the pack screen has it, not the queue
    assert window.current_screen_name() == "pack"
    assert screen.view_data.number == first
    assert BAD_COLOUR in screen.message.styleSheet()
    with ctx.sessions() as s:
        assert s.scalar(select(Order.status).where(Order.number == second)) != "packing"
