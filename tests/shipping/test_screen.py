"""The shipping screen with real widgets offscreen, on real databases, printing to a real loopback printer."""

import shutil
import socket
import subprocess
import threading

import pytest
from sqlalchemy import select

from app.config import Settings
from app.domain import lifecycle
from app.shipping import service
from app.uow import UnitOfWork
from db.models import Order, OrderEvent
from db.models.shipping import Parcel
from tests.shipping.factories import packed_order


class Printer9100:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.jobs = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
                self.jobs.append(data)


@pytest.fixture
def screen(shipping_ctx, qtbot, tmp_path):
    from app.ui.app import register_fonts
    from app.ui.feedback import Feedback
    from app.ui.screens import ScreenEnv
    from app.ui.shipping.screen import ShippingScreen

    register_fonts()
    printer = Printer9100()
    with UnitOfWork(shipping_ctx.sessions) as uow:
        service.set_printer(uow.session, "SHIP-1", "label", f"tcp://127.0.0.1:{printer.port}", "zpl", 203)
        service.set_printer(uow.session, "SHIP-1", "packing_slip", f"tcp://127.0.0.1:{printer.port}", "pdf")
        packed_order(uow.session, number="UI-1", region="Beijing", city="北京")
        uow.commit()
    env = ScreenEnv(ctx=shipping_ctx, station="SHIP-1", user_id=1, username="alice", display_name="Alice",
                    role="shipping", feedback=Feedback(sound=False))
    widget = ShippingScreen(env)
    widget.printer = printer
    widget.resize(1280, 800)
    qtbot.addWidget(widget)
    yield widget
    env.close()
    printer.sock.close()


def test_label_preview_reprint_void(screen, shipping_ctx, qtbot, tmp_path):
    assert screen.handle_scan("UI-1")
    assert screen.label_button.isEnabled() and screen.service_box.count() >= 2
    screen.service_box.setCurrentIndex(screen.service_box.findData("SF-STD"))
    assert screen.label_order()
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = uow.session.scalar(select(Order).where(Order.number == "UI-1"))
        assert order.status == lifecycle.LABELLED
        tracking = order.tracking_number
    assert screen.parcels.rowCount() == 1 and screen.parcels.item(0, 1).text() == tracking
    assert screen.preview.page_count == 1
    # The preview shows the real label: its barcodes decode from the rendered image.
    image_path = tmp_path / "preview.png"
    screen.preview.render_for_check(812).save(str(image_path))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image_path)], capture_output=True).stdout.decode().split()
    assert tracking in decoded
    # The worker thread prints the label (ZPL) and the slip (PDF) on the loopback printer.
    qtbot.waitUntil(lambda: len(screen.printer.jobs) == 2, timeout=10000)
    assert any(j.startswith(b"^XA") and tracking.encode() in j for j in screen.printer.jobs)
    screen.grab().save(str(tmp_path / "shipping_labels.png"))
    assert screen.show_slip() and screen.preview.page_count == 1
    slip_image = tmp_path / "slip.png"
    screen.preview.render_for_check(1240).save(str(slip_image))
    assert "UI-1" in subprocess.run(["zbarimg", "--raw", "-q", str(slip_image)], capture_output=True).stdout.decode()
    screen.parcels.selectRow(0)

    # Reprint needs a reason.
    assert not screen.reprint()
    assert "say why" in screen.env.feedback.history[-1][1]
    screen.reason.setText("label torn")
    assert screen.reprint()
    qtbot.waitUntil(lambda: len(screen.printer.jobs) == 3, timeout=10000)
    qtbot.waitUntil(lambda: any("Printed: reprint 1" in m for _, m in screen.env.feedback.history), timeout=10000)

    # Pressing print again does not print twice.
    screen.print_documents()
    assert screen.env.feedback.history[-1][0] == "info"

    screen.reason.setText("wrong address")
    assert screen.void()
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = uow.session.scalar(select(Order).where(Order.number == "UI-1"))
        assert order.status == lifecycle.PACKED and order.tracking_number is None
        kinds = [e.kind for e in uow.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id))]
        assert kinds[-2:] == ["label_reprinted", "label_voided"]
    assert screen.label_button.isEnabled()


def test_closeout_and_manifest(screen, shipping_ctx, tmp_path, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        for i in range(3):
            o = packed_order(uow.session, number=f"UI-C{i}", region="Beijing")
            service.label_order(uow.session, o, actor, service_code="EMS-STD", settings=shipping_ctx.settings)
        uow.commit()
    screen.tabs.setCurrentIndex(1)
    screen.refresh_closeout()
    row = next(r for r in range(screen.carriers.rowCount()) if screen.carriers.item(r, 0).text() == "EMS")
    assert screen.carriers.item(row, 2).text() == "3"
    screen.carriers.selectRow(row)
    assert screen.close_out()
    assert screen.manifest_list.rowCount() == 1
    screen.manifest_folder = tmp_path
    saved = screen.save_manifest()
    assert saved[0].read_bytes().startswith(b"%PDF") and "UI-C2" in saved[1].read_text()
    assert screen.manifest_preview.page_count >= 1
    screen.grab().save(str(tmp_path / "shipping_closeout.png"))
    with UnitOfWork(shipping_ctx.sessions) as uow:
        assert {p.status for p in uow.session.scalars(select(Parcel))} == {"shipped"}


def test_printer_settings_test_print_and_offline_message(screen, shipping_ctx, qtbot, tmp_path):
    screen.tabs.setCurrentIndex(2)
    uri = screen.printer_rows["label"].uri
    assert uri.text().startswith("tcp://127.0.0.1:")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    uri.setText(f"tcp://127.0.0.1:{dead}")
    assert screen.test_print("label")
    qtbot.waitUntil(lambda: any("waits" in m for _, m in screen.env.feedback.history), timeout=10000)
    screen.refresh_queue()
    assert screen.queue.rowCount() == 1 and screen.queue.item(0, 2).text() == "queued"
    assert "retried" in screen.queue.item(0, 5).text()
    screen.grab().save(str(tmp_path / "shipping_printers.png"))
    uri.setText("lpt://nope")
    assert not screen.save_printers()
    assert "not understood" in screen.env.feedback.history[-1][1]


def test_every_screen_string_has_chinese():
    import re
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    glossary = runpy.run_path(str(root / "resources" / "i18n" / "zh_CN_glossary.py"))["ZH_CN"]  # the one source
    chinese = {key.split("|", 1)[-1] for key in glossary}
    folder = root / "app" / "ui" / "shipping"
    strings = {m for f in folder.glob("*.py") for m in re.findall(r'tr\("([^"]*)"\)', f.read_text(encoding="utf-8"))}
    assert strings and not strings - chinese


def test_the_screen_registers_for_shipping_staff():
    from app.ui.screens import screens_for
    from app.ui.shipping import register

    register()
    assert "shipping" in [s.name for s in screens_for("shipping")]
    assert "shipping" not in [s.name for s in screens_for("packer")]


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools needed")
def test_qt_print_path_produces_a_label_that_scans(qapp, tmp_path):
    from app.shipping import label_pdf, printers
    from app.shipping.service import sample_label
    from app.ui.shipping import qtprint

    qtprint.register()
    out = tmp_path / "printed.pdf"
    label = sample_label(Settings())
    printers.send(f"qt:///?file={out}", label_pdf.render(label), "pdf", "test")
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(out), str(tmp_path / "p")], check=True)
    got = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "p.png")], capture_output=True).stdout.decode().split()
    assert sorted(got) == sorted(["00" + label.sscc, label.qr_url, label.tracking_number])
    with pytest.raises(printers.PrinterOffline, match="not available"):
        printers.send("qt://No Such Printer", b"%PDF", "pdf")
    with pytest.raises(printers.PrinterSetupError, match="ZPL"):
        printers.send("qt://No Such Printer", b"^XA^XZ", "zpl")
