"""Text is text (issue 19, item 6): what a customer, a shop or an operator typed is shown as plain text on every
screen, printed literally on the PDFs, and cannot drive the terminal through the CLI's output.

The sweep seeds orders, a customer, products and a service case whose texts are hostile (markup that would fake
"PAID (bank confirmed)", an image, a link, entities, terminal escapes, a right-to-left override, very long and
Chinese texts), builds every screen an administrator may open, shows the hostile order where a screen can, and
walks every label, tooltip, item and text widget: none may render the hostile markup as rich text."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.base import utcnow
from db.models import Customer, OrderEvent, Product, User
from db.models.web import CustomerMessage, ServiceCase
from tests.ui.conftest import login
from tests.ui.factories import make_order, make_world

FAKE_PAID = "<b>PAID (bank confirmed)</b>"
IMAGE = "<img src=x>"
LINK = '<a href="http://evil">click</a>'
EVIL = f"{FAKE_PAID}{IMAGE}{LINK} &amp; \x1b[2J\u202eevil 李伟"  # 90 characters: fits every name column
LONG = "很长的名字" * 50
MARKERS = ("<b>PAID", "<img", "<a href")
SHOWS_AN_ORDER = {"queue", "pack", "review", "supervisor", "admin", "tracking", "returns", "service_cases", "shipping"}


@pytest.fixture(autouse=True)
def station_config(tmp_path, monkeypatch):
    path = tmp_path / "station.json"
    monkeypatch.setenv("STATION_CONFIG", str(path))
    return path


@pytest.fixture
def hostile(ctx):
    """The world of tests/ui with hostile texts: a customer, product names, a held order and an order to pack."""
    with ctx.sessions() as s:
        world = make_world(s, orders=3)
        customer = s.scalar(select(Customer))
        customer.name = EVIL
        customer.blocked_reason = EVIL
        admin = s.scalar(select(User).where(User.username == "admin"))
        admin.display_name = EVIL  # an operator's name is typed by an operator
        for product in s.scalars(select(Product)):
            product.name_en = f"{EVIL} {LONG}"[:300]
            product.name_zh = EVIL
        fields: dict[str, Any] = dict(
            ship_name=EVIL, ship_company=EVIL, ship_address1=f"{EVIL} {LONG}"[:300], ship_address2=EVIL,
            ship_city=EVIL[:100], ship_region=EVIL[:100], coupon_code=FAKE_PAID,
            payment_reference=f"{LINK}{IMAGE}"[:100], note=f"{EVIL}\n{LONG}", shop_number=EVIL)
        held = make_order(s, "WS-EVIL-R", status="review", external_id=f"R {EVIL}", customer_id=customer.id, priority=3,
                          flags=(("unpaid", EVIL), ("address_invalid", f"{IMAGE} {LINK}")), **fields)
        for line in held.lines:
            line.name = EVIL
        packing = make_order(s, "WS-EVIL-P", external_id=f"P {EVIL}", warehouse_id=world.warehouse_id,
                             customer_id=customer.id, priority=3, promised_ship_at=utcnow() - timedelta(hours=5),
                             **fields)
        for line in packing.lines:
            line.name = EVIL
        s.add(OrderEvent(order_id=packing.id, kind="in_transit", station=EVIL[:64], user=EVIL[:64], location=EVIL,
                         data={"detail": EVIL}))  # what a carrier reported
        case = ServiceCase(number="SC-EVIL", order_id=held.id, subject=EVIL)
        case.messages.append(CustomerMessage(body=f"{EVIL}\n{LONG}", reply_to="li.wei@example.cn"))
        s.add(case)
        s.commit()
    return world


@pytest.fixture
def window(ctx, hostile, qapp, qtbot):
    from app.ui.app import build_window, create_application, install_language

    app = create_application(language="en")
    w = build_window(ctx, "STATION-1", "en", devices=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    install_language(app, "en")


def _rich(text: str, text_format) -> bool:
    from PySide6.QtGui import Qt

    if text_format == Qt.TextFormat.PlainText:
        return False
    if text_format == Qt.TextFormat.AutoText:
        return Qt.mightBeRichText(text)
    return True  # rich text or markdown


def _raw(text: str) -> bool:
    return any(marker in text for marker in MARKERS)


def _cells(model) -> list[tuple[int, int]]:
    """The first rows' cells of any model (a list model's columnCount takes no default parent in PySide)."""
    return [(r, c) for r in range(200) for c in range(40) if model.hasIndex(r, c)]


def rendered_markup(root) -> list[str]:
    """Every place under ``root`` where hostile markup would be drawn as markup."""
    from PySide6.QtGui import Qt
    from PySide6.QtWidgets import QAbstractItemView, QLabel, QMessageBox, QPlainTextEdit, QTextEdit, QWidget

    found = []
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        where = f"{type(w).__name__} {w.objectName()!r}"
        tip = w.toolTip()
        if _raw(tip) and Qt.mightBeRichText(tip):
            found.append(f"{where}: tooltip {tip!r}")
        if isinstance(w, QLabel | QMessageBox) and _raw(w.text()) and _rich(w.text(), w.textFormat()):
            found.append(f"{where}: {w.text()!r}")
        if isinstance(w, QTextEdit) and any(tag in w.toHtml() for tag in ("<img", "<a href", ">PAID")):
            found.append(f"{where}: rich text {w.toPlainText()!r}")
        if isinstance(w, QPlainTextEdit | QTextEdit) and _raw(w.toPlainText()) is False and "PAID" in w.toPlainText():
            found.append(f"{where}: markup swallowed {w.toPlainText()!r}")
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for row, column in _cells(model):
                tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str) and _raw(tip) and Qt.mightBeRichText(tip):
                    found.append(f"{where}: item tooltip {tip!r}")
    return found


def shows_hostile(root) -> bool:
    """Whether the hostile text is on ``root`` at all (else the sweep of that screen proves nothing)."""
    from PySide6.QtGui import Qt
    from PySide6.QtWidgets import QAbstractItemView, QLabel, QPlainTextEdit, QTextEdit, QWidget

    for w in [root, *root.findChildren(QWidget)]:
        texts = [w.toolTip()]
        if isinstance(w, QLabel):
            texts.append(w.text())
        if isinstance(w, QPlainTextEdit | QTextEdit):
            texts.append(w.toPlainText())
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            texts += [str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)) for r, c in _cells(model)]
        if any("PAID (bank confirmed)" in t for t in texts):
            return True
    return False


def _drive(name: str, screen, window) -> None:
    """Bring the hostile order (or case) onto the screens that show one."""
    if name == "review":
        assert screen.case is not None and screen.case.order.number == "WS-EVIL-R"
    elif name == "pack":
        window.handle_scan("CMD:NEXT-ORDER")
    elif name == "shipping":
        screen.find("WS-EVIL-P")
    elif name == "tracking":
        screen.search("WS-EVIL-P")
    elif name == "returns":
        screen.load("WS-EVIL-R")
    elif name == "service_cases":
        screen.refresh()
        screen.table.selectRow(0)
    elif name == "pick":
        screen.handle_scan("WS-EVIL-P")


def test_every_screen_shows_hostile_text_as_text(ctx, window, qtbot):
    from app.ui.screens import screens_for

    login(window, qtbot, "BADGE-ADMIN")
    problems: dict[str, list[str]] = {}
    names = [spec.name for spec in screens_for("admin")]
    assert {"queue", "pack", "review", "supervisor", "admin", "shipping", "tracking", "returns",
            "service_cases"} <= set(names)
    for name in names:
        assert window.open_screen(name), name
        screen = window.screens[name]
        _drive(name, screen, window)
        qtbot.wait(10)
        if found := rendered_markup(screen):
            problems[name] = found
        if name in SHOWS_AN_ORDER:
            assert shows_hostile(screen), f"the {name} screen does not show the hostile order: the sweep proves nothing"
    if found := rendered_markup(window):
        problems["window"] = found
    assert not problems, "\n".join(f"{name}: {line}" for name, lines in problems.items() for line in lines)


def test_the_review_desk_shows_the_fake_payment_as_text(ctx, window, qtbot):
    from PySide6.QtGui import Qt
    from PySide6.QtWidgets import QLabel

    login(window, qtbot, "BADGE-SERVICE-1")
    window.open_screen("review")
    desk = window.screens["review"]
    assert desk.case.order.number == "WS-EVIL-R"
    labels = desk.findChildren(QLabel)
    coupon = [label for label in labels if FAKE_PAID in label.text()]
    assert coupon, "the coupon code is shown"
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in coupon)
    flags = [label for label in labels if label.textFormat() == Qt.TextFormat.RichText and "&lt;img" in label.text()]
    assert flags, "the flag's reason is escaped inside its rich label"


# --- PDFs: the label, the packing slip and the manifest print what the customer typed, literally ---------------

def _pdf_text(tmp_path, name: str, payload: bytes) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(payload)
    # Rendered to a picture too: a PDF reportlab wrote wrongly fails here, not on the printer.
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / name)],
                   capture_output=True, check=True)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()


@pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils needed")
def test_documents_print_hostile_text_literally(ctx, tmp_path):
    from app.shipping import manifest, service, slip
    from app.shipping.carriers import seed_carriers
    from app.shipping.rates import ParcelSpec
    from app.uow import Actor, UnitOfWork
    from db.models.shipping import Carrier
    from tests.shipping.factories import packed_order

    actor = Actor(station="SHIP-1", user="alice", role="shipping")
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        seed_carriers(s)
        order = packed_order(s, number="WS-EVIL-PDF", region="Beijing", city="北京",
                             lines=(("SKU-EVIL-1", 1), ("SKU-EVIL-2", 2)))
        order.ship_name = FAKE_PAID
        order.ship_company = "A &amp; B <font size=40>big</font>"
        order.ship_address1 = f"{IMAGE} \x1b[2J\u202e世纪大道100号\x07"
        order.ship_address2 = LONG[:40]  # longer is refused in words (AddressTooLong), not cut
        order.note = f"{LINK} <para>x</para> & <br/>"
        for line in order.lines:
            assert line.product is not None
            line.name = line.product.name_en = f"<b>{line.sku}</b> & <i>蓝牙</i>"
        parcels = service.label_order(s, order, actor, [ParcelSpec(900, 200, 150, 100)], settings=ctx.settings)
        label = service.render_labels(s, parcels, "pdf", settings=ctx.settings)
        packing_slip = slip.render(slip.slip_data(s, order, parcels, ctx.settings), "a4")
        carrier = s.scalar(select(Carrier.code).where(Carrier.id == parcels[0].carrier_id))
        assert carrier is not None
        manifest_pdf = manifest.closeout(s, carrier, actor).pdf
        assert manifest_pdf is not None
        uow.commit()

    label_text = _pdf_text(tmp_path, "label", label)
    assert FAKE_PAID in label_text and "&amp; B <font size=40>big</font>" in label_text
    assert IMAGE in label_text and "世纪大道100号" in label_text
    slip_text = _pdf_text(tmp_path, "slip", packing_slip)
    assert FAKE_PAID in slip_text and IMAGE in slip_text
    assert "<b>SKU-EVIL-1</b> & <i>蓝牙</i>" in slip_text and "<a href=" in slip_text
    manifest_text = _pdf_text(tmp_path, "manifest", manifest_pdf)
    assert FAKE_PAID in manifest_text
    for text in (label_text, slip_text, manifest_text):
        assert "\x1b" not in text and "\x07" not in text  # a control character is not printed as a glyph


def test_a_report_pdf_escapes_paragraph_markup():
    """The reports' PDF is the one built of reportlab Paragraphs, which read markup: its notes are escaped."""
    from app.reports.export import _escape

    assert _escape(f"{FAKE_PAID} & <para>") == "&lt;b&gt;PAID (bank confirmed)&lt;/b&gt; &amp; &lt;para&gt;"


# --- CLI: what a customer typed cannot drive the terminal ---------------------------------------------------------

def test_cli_output_neutralises_control_characters(ctx, hostile, capsys):
    from app.cli.main import main

    url = ctx.settings.db_url
    assert main(["--db", url, "order", "WS-EVIL-R"]) == 0
    shown = capsys.readouterr().out
    assert "<b>PAID (bank confirmed)</b>" in shown  # a terminal shows markup as it is
    assert "\\x1b[2J" in shown and "\\u202eevil" in shown
    assert not any(ch in shown for ch in "\x1b\u202e\r\x07\x08")

    assert main(["--db", url, "orders", "--limit", "100"]) == 0
    listed = capsys.readouterr().out
    assert "WS-EVIL-P" in listed and "\\x1b[2J" in listed and "\x1b" not in listed

    assert main(["--db", url, "order", "WS-EVIL-R", "--json"]) == 0
    raw = capsys.readouterr().out
    assert "\x1b" not in raw and "\u202e" not in raw
    assert json.loads(raw)["ship_to"]["name"] == EVIL  # the same data, only escaped


def test_safe_text_keeps_lines_and_tabs():
    from app.cli.main import safe_text

    assert safe_text("a\tb\nc") == "a\tb\nc"
    assert safe_text("x\r\x08\x07\x9b\x7f\u2066y") == "x\\x0d\\x08\\x07\\x9b\\x7f\\u2066y"
    assert safe_text("李伟 <b>") == "李伟 <b>"
