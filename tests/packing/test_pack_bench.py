"""The packing bench as a packer meets it, real widgets offscreen on both databases: a real scale on a
pseudo-terminal speaking MT-SICS (tare and zero answered by the scale itself), a label printer that is there,
unreachable, not set up, or breaks off mid-label, a garbled RFID read, a misread, a partial shipment that asks
what becomes of the rest first."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from app.config import DeviceConfig
from app.devices.events import RejectedFrame, ToteReadEvent
from app.devices.reader import DeviceReader
from app.devices.simulators import ScaleSimulator
from app.ui.feedback import BAD_COLOUR, GOOD_COLOUR
from db.models import Order
from db.models.shipping import PrintJob
from tests.helpers.printers import set_station_printers


def _window(ctx, bench, qtbot, printers: dict):
    set_station_printers(ctx, bench.station, printers)
    from app.ui.app import build_window, create_application
    from app.ui.screens import ScreenSpec, register_screen

    register_screen(ScreenSpec("pack", "Pack", ("packer",), "app.ui.pack.screen:PackScreen"), before="review")
    create_application(language="en")
    window = build_window(ctx, bench.station, "en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: getattr(window, "device_bridge", None) is not None, timeout=5000)
    return window


@pytest.fixture
def folder_printer(tmp_path):
    folder = tmp_path / "printer"
    folder.mkdir()
    return folder


@pytest.fixture
def make_window(ctx, bench, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "station.json"))
    windows = []

    def make(printers):
        window = _window(ctx, bench, qtbot, printers)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.device_bridge.stop()
        window.close()


@pytest.fixture
def scale(qtbot):
    sim = ScaleSimulator(mode="mt-sics", unit="g")
    yield sim
    sim.close()


def _scan(window, text: str) -> None:
    window.device_bridge.inject_scan(text, source="virtual")


def _open(window, bench):
    _scan(window, bench.packer_badge)
    _scan(window, "CMD:NEXT-ORDER")
    return window.screens["pack"]


def _with_scale(window, qtbot, scale):
    bridge = window.device_bridge
    bridge.add_reader(DeviceReader(DeviceConfig(kind="scale", port=scale.path, protocol="mt-sics"), bridge.post,
                                   name="bench-scale"))
    qtbot.waitUntil(lambda: bridge.state("scale") == "connected", timeout=5000)


def test_a_box_weighed_on_a_real_scale_labels_and_the_label_is_printed(ctx, bench, order_factory, make_window, qtbot,
                                                                         scale, folder_printer):
    number = order_factory([("P-BOOK", 1)])
    window = make_window({"label": f"file://{folder_printer}", "packing_slip": f"file://{folder_printer}"})
    _with_scale(window, qtbot, scale)
    screen = _open(window, bench)
    qtbot.waitUntil(lambda: screen.scale_chip.state == "ready" and "empty" in screen.scale_chip.text(), timeout=5000)
    with qtbot.waitSignal(screen.answered, timeout=5000) as blocker:
        _scan(window, bench.gtins["P-BOOK"])
    waiting = blocker.args[0]
    assert waiting.reason == "weigh" and screen.step_label.text() == "Put the box on the scale"
    assert GOOD_COLOUR in screen.message.styleSheet()  # the item was right: all in, now the scale
    with qtbot.waitSignal(screen.handed_off, timeout=10000) as blocker:
        scale.set_weight(waiting.expected_g + 4)
    done = blocker.args[0]
    assert done.verdict == "complete" and done.message.code == "labelled_printed", done.text()
    assert "printer" in done.text() and GOOD_COLOUR in screen.message.styleSheet()
    assert [p.state for p in done.printed] == ["done", "done"]
    assert len(list(Path(folder_printer).iterdir())) == 2
    assert screen.printer_chip.state == "ready" and not screen.printer_alert.isVisible()
    with ctx.sessions() as s:
        assert s.scalar(select(Order.status).where(Order.number == number)) == "labelled"


def test_tare_and_zero_are_sent_to_the_scale_and_its_answer_is_told(ctx, bench, order_factory, make_window, qtbot,
                                                                     scale, folder_printer):
    order_factory([("P-BOOK", 1)])
    window = make_window({"label": f"file://{folder_printer}"})
    _with_scale(window, qtbot, scale)
    screen = _open(window, bench)
    scale.set_weight(300.0)  # an empty box on the platform
    qtbot.waitUntil(lambda: screen.service.scale.grams == 300, timeout=5000)
    _scan(window, "CMD:TARE")
    qtbot.waitUntil(lambda: window.feedback.history[-1] == ("good", "Scale tared: 300 g taken off."), timeout=5000)
    assert scale.commands[-1] == "T"
    qtbot.waitUntil(lambda: screen.service.scale.grams == 0, timeout=5000)  # the box's own weight counts as nothing
    scale.set_weight(5000.0)
    qtbot.waitUntil(lambda: screen.service.scale.grams == 4700, timeout=5000)
    screen.zero_button.click()  # far beyond the zero range: the scale refuses, and the station says why
    qtbot.waitUntil(lambda: window.feedback.history[-1][0] == "bad" and "did not zero" in window.feedback.history[-1][1],
                    timeout=5000)
    scale.set_weight(302.0)
    qtbot.waitUntil(lambda: screen.service.scale.grams == 2, timeout=5000)
    _scan(window, "CMD:ZERO")
    qtbot.waitUntil(lambda: window.feedback.history[-1] == ("good", "Scale zeroed."), timeout=5000)
    assert scale.commands.count("Z") == 2


def test_a_scale_unplugged_while_the_box_waits_is_told_once_and_the_order_resumes(ctx, bench, order_factory, make_window,
                                                                                   qtbot, scale, folder_printer):
    number = order_factory([("P-BOOK", 1)])
    window = make_window({"label": f"file://{folder_printer}"})
    _with_scale(window, qtbot, scale)
    screen = _open(window, bench)
    with qtbot.waitSignal(screen.answered, timeout=5000) as blocker:
        _scan(window, bench.gtins["P-BOOK"])
    expected = blocker.args[0].expected_g
    told = []
    screen.answered.connect(told.append)
    scale.unplug()
    qtbot.waitUntil(lambda: any(a.reason == "scale_fault" for a in told), timeout=5000)
    qtbot.wait(600)
    assert [a.reason for a in told].count("scale_fault") == 1
    assert "not connected" in screen.message.text() and screen.scale_chip.state == "problem"
    scale.plug()
    with qtbot.waitSignal(screen.handed_off, timeout=10000):
        scale.set_weight(expected)
    with ctx.sessions() as s:
        assert s.scalar(select(Order.status).where(Order.number == number)) == "labelled"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_printer_is_said_at_once_and_stays_in_sight_until_it_prints(ctx, bench, order_factory,
                                                                                    make_window, qtbot):
    number = order_factory([("P-BOOK", 1)])
    port = _closed_port()
    window = make_window({"label": f"tcp://127.0.0.1:{port}?timeout=0.3", "label_format": "zpl"})
    screen = _open(window, bench)
    with qtbot.waitSignal(screen.handed_off, timeout=15000) as blocker:
        _scan(window, bench.gtins["P-BOOK"])
    answer = blocker.args[0]
    assert answer.message.code == "labelled_waiting" and answer.message.severity == "bad"
    assert "cannot be reached" in answer.text() and "prints by itself" in answer.text()
    assert BAD_COLOUR in screen.message.styleSheet()
    assert screen.printer_chip.state == "problem" and screen.printer_alert.isVisible()
    assert "check its power and cable" in screen.printer_alert.text()
    # The printer comes back: the queue prints the label by itself, and the alert goes.
    received = bytearray()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()

    def serve():
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.extend(chunk)

    threading.Thread(target=serve, daemon=True).start()
    try:
        screen.print_queue.poke()
        qtbot.waitUntil(lambda: not screen.printer_alert.isVisible(), timeout=20000)
    finally:
        server.close()
    assert screen.printer_chip.state == "ready" and received.startswith(b"^XA")
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        assert s.scalar(select(PrintJob.state).where(PrintJob.order_id == order_id, PrintJob.document_kind == "label")) == "done"


def test_no_printer_set_up_says_what_to_do(ctx, bench, order_factory, make_window, qtbot):
    order_factory([("P-BOOK", 1)])
    window = make_window({})
    screen = _open(window, bench)
    qtbot.waitUntil(lambda: screen.printer_chip.state == "problem", timeout=5000)  # said before the first scan
    assert "No label printer set up" in screen.printer_alert.text()
    with qtbot.waitSignal(screen.handed_off, timeout=15000) as blocker:
        _scan(window, bench.gtins["P-BOOK"])
    assert blocker.args[0].message.code == "labelled_no_printer"
    assert "ask a supervisor" in screen.message.text()


def test_a_printer_that_breaks_off_mid_label_is_not_sent_it_again_unasked(ctx, bench, order_factory, make_window, qtbot):
    order_factory([("P-BOOK", 1)])
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def take_half_then_vanish():
        while True:  # the station's readiness check connects and sends nothing: the job is the one with data
            try:
                conn, _ = server.accept()
            except OSError:
                return
            if conn.recv(64):
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
                conn.close()
                return
            conn.close()

    threading.Thread(target=take_half_then_vanish, daemon=True).start()
    window = make_window({"label": f"tcp://127.0.0.1:{port}?timeout=2", "label_format": "pdf"})
    screen = _open(window, bench)
    try:
        with qtbot.waitSignal(screen.handed_off, timeout=15000) as blocker:
            _scan(window, bench.gtins["P-BOOK"])
    finally:
        server.close()
    answer = blocker.args[0]
    assert answer.message.code == "labelled_uncertain", answer.text()
    assert "reprint (F8)" in answer.text()
    with ctx.sessions() as s:
        jobs = list(s.scalars(select(PrintJob.state).where(PrintJob.document_kind == "label")))
    assert jobs == ["uncertain"]  # never resent by itself: the operator looks first


def test_a_garbled_rfid_read_is_told_and_the_tote_read_after_it_says_a_tag_may_be_missing(ctx, bench, order_factory,
                                                                                         make_window, qtbot, folder_printer):
    from app.devices.events import TagEvent
    from app.devices.rfid import sgtin96

    order_factory([("P-CABLE", 3)])
    window = make_window({"label": f"file://{folder_printer}"})
    screen = _open(window, bench)
    window.device_bridge.post(RejectedFrame(kind="rfid", reason="wrong checksum", raw=b"\xa0\x13"))
    assert screen.message.text() == "RFID reader: a read came in garbled. Hold the tote in the field again."
    assert BAD_COLOUR in screen.message.styleSheet()
    gtin = bench.gtins["P-CABLE"]
    tags = tuple(TagEvent(epc=sgtin96(gtin, n, 7), gtin=gtin, serial=str(n)) for n in (1, 2))
    window.device_bridge.post(ToteReadEvent(tags=tags))
    assert "2 item(s) ticked" in screen.message.text() and "garbled" in screen.message.text()


def test_a_misread_says_scan_again_in_words_a_packer_reads(ctx, bench, order_factory, make_window, qtbot, folder_printer):
    order_factory([("P-BOOK", 1)])
    window = make_window({"label": f"file://{folder_printer}"})
    screen = _open(window, bench)
    _scan(window, bench.gtins["P-BOOK"][:-1] + ("1" if bench.gtins["P-BOOK"][-1] != "1" else "2"))
    assert screen.message.text() == "Misread: the check digit does not match. Scan it again."
    assert "Invalid" not in screen.message.text() and "supervisor" not in screen.message.text()


def test_ship_partial_asks_what_becomes_of_the_rest_before_a_supervisor_approves(ctx, bench, order_factory, make_window,
                                                                                qtbot, folder_printer):
    number = order_factory([("P-MUG", 1), ("P-BOOK", 2)])
    window = make_window({"label": f"file://{folder_printer}", "packing_slip": f"file://{folder_printer}"})
    screen = _open(window, bench)
    _scan(window, bench.gtins["P-MUG"])

    def choose_backorder():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, choose_backorder)
            return
        assert "What becomes of the rest" in box.text()
        next(b for b in box.buttons() if b.text() == "Backorder the rest").click()

    QTimer.singleShot(20, choose_backorder)
    screen.request_partial()
    assert screen.last_answer.next_step == "supervisor_badge"
    with qtbot.waitSignal(screen.handed_off, timeout=15000) as blocker:
        _scan(window, bench.supervisor_badge)
    assert blocker.args[0].verdict == "complete"
    with ctx.sessions() as s:
        rest = s.scalar(select(Order.status).where(Order.number == f"{number}-R1"))
    assert rest == "backordered"


def test_a_refused_scan_reads_on_the_timeline_in_the_readers_language(ctx, bench, order_factory, make_window, qtbot,
                                                                      folder_printer):
    from app.ui.app import install_language
    from app.ui.texts import event_detail, event_name
    from db.models import OrderEvent

    number = order_factory([("P-BOOK", 1)])
    window = make_window({"label": f"file://{folder_printer}"})
    _open(window, bench)
    _scan(window, bench.gtins["P-MUG"])
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        event = s.scalar(select(OrderEvent).where(OrderEvent.order_id == order_id, OrderEvent.kind == "scan_refused"))
    assert (event.station, event.user) == (bench.station, bench.packer)
    assert event_detail(event.kind, event.data, "en") == f"{bench.gtins['P-MUG']}: Ceramic Mug is not in order {number}. Put it aside."
    app = QApplication.instance()
    try:
        install_language(app, "zh_CN")
        assert event_name("scan_refused") == "扫描被拒"
        assert event_detail(event.kind, event.data, "zh_CN") == f"{bench.gtins['P-MUG']}: Ceramic Mug 不属于订单 {number}。请放到一边。"
        assert event_detail("weight_mismatch", {"box": 1, "expected_g": 900, "measured_g": 650}, "zh_CN") == \
            "第 1 箱：称得 650 克，应为 900 克"
    finally:
        install_language(app, "en")
