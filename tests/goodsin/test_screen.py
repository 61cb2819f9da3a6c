"""The Goods in screen as a receiver uses it (pytest-qt, offscreen, SQLite and PostgreSQL): scans arrive parsed by
the reader, as the station's router hands them over; the pallet label opens the delivery, items are counted, the
bin label puts them away, a damaged unit goes to quarantine, the delivery closes with its differences; Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from app.devices.scanner import parse_scan
from app.goodsin import queries
from app.ui.feedback import Feedback
from app.ui.goodsin.screen import GoodsInScreen
from app.uow import Actor
from tests.goodsin.conftest import CASE_GTIN, SERUM_GTIN, SSCC


@dataclass
class Env:
    ctx: object
    feedback: Feedback

    @property
    def actor(self) -> Actor:
        return Actor(station="DOCK-1", user="lena", role="shipping")


def _scan(screen: GoodsInScreen, text: str) -> str:
    assert screen.take_scan(parse_scan(text, source="scanner"))
    return screen.message.text()


def test_receive_by_scanning_alone(ctx, dock, qtbot):
    screen = GoodsInScreen(Env(ctx, Feedback(sound=False)))
    qtbot.addWidget(screen)
    assert [screen.open_list.item(r, 0).text() for r in range(screen.open_list.rowCount())] == [dock]  # type: ignore[union-attr]
    assert dock in _scan(screen, f"]C100{SSCC}")  # the pallet label (GS1-128, AI 00)
    assert screen.lines.rowCount() == 3 and "Rhein Keramik GmbH" in screen.heading.text()
    assert "6 x MUG-1 counted (6 of 24)" in _scan(screen, CASE_GTIN)
    assert screen.target.text() == "Put away to A01-01-1"
    assert "put away to A01-01-1" in _scan(screen, "A01-01-1")  # the bin's label
    screen.damaged.setChecked(True)
    screen.damage_reason.setText("crushed")
    screen.quantity.setValue(2)
    assert "set apart in quarantine" in _scan(screen, f"]d201{SERUM_GTIN}1727063010L42")
    assert not screen.damaged.isChecked() and screen.quantity.value() == 0  # spent by the scan
    asked = _scan(screen, SERUM_GTIN)
    assert "lot" in asked and screen.message.styleSheet()
    assert screen.close_delivery() is True
    assert "closed with differences" in screen.message.text()
    row = next(r for r in queries.deliveries(ctx.sessions) if r.number == dock)
    assert (row.status, row.received, row.damaged) == ("closed", 6, 2)
    assert screen.open_list.rowCount() == 0


def test_the_screen_reads_in_chinese(ctx, dock, qtbot, qapp):
    from app.ui.app import create_application, install_language

    station_app = create_application(language="en")
    install_language(station_app, "zh_CN")
    try:
        screen = GoodsInScreen(Env(ctx, Feedback(sound=False)))
        qtbot.addWidget(screen)
        _scan(screen, dock)
        assert _scan(screen, CASE_GTIN) == "已清点 6 件 MUG-1（6/24）；请上架到 A01-01-1"
        assert screen.target.text() == "上架到 A01-01-1"
        assert screen.close_delivery() is False  # six wait for put-away
        assert "待上架" in screen.env.feedback.history[-1][1]
    finally:
        install_language(station_app, "en")
