"""The pick screen with real widgets offscreen, over a real database."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.picking.service import PickService
from app.ui.pick.screen import PickScreen
from app.uow import Actor, UnitOfWork
from db.models import Order
from tests.picking.helpers import make_order, make_warehouse

GTINS = {"MUG-1": "05901234123457", "TEA-2": "]E09506000134352", "PEN-3": "04006381333931"}


@pytest.fixture
def screen(ctx, qtbot):
    with UnitOfWork(ctx.sessions) as uow:
        wh = make_warehouse(uow.session)
        make_order(uow.session, wh, "SO-1", [("MUG-1", 2, "A03-12-2"), ("TEA-2", 1, "A07-25-1")])
        make_order(uow.session, wh, "SO-2", [("PEN-3", 1, "A09-05-3")])
        uow.commit()
    widget = PickScreen(PickService(ctx.sessions, Actor(station="PICK-1", user="ann", role="packer")), "WH1")
    widget.resize(1280, 760)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def type_scan(qtbot, widget, text):
    qtbot.keyClicks(widget.scan_input, text)
    qtbot.keyClick(widget.scan_input, Qt.Key_Return)


def test_scanning_a_cart_through(screen, qtbot, ctx, tmp_path):
    type_scan(qtbot, screen, "SO-1")
    type_scan(qtbot, screen, "SO-2")
    assert screen.pending == ["SO-1", "SO-2"]
    screen.start_pending()
    session = screen.session
    assert session is not None and screen.progress_label.text() == "Stop 1 of 3"
    first = session.current
    assert screen.bin_label.text() == first.bin
    assert screen.tote_label.text() == f"Tote {first.tote}"
    assert screen.map.current_marker is not None
    if os.environ.get("PICK_SCREENSHOT"):
        screen.grab().save(os.environ["PICK_SCREENSHOT"])
    # a wrong bin is refused and nothing moves
    with qtbot.waitSignal(screen.message_shown) as blocker:
        screen.handle_scan("A01-01-1" if first.bin != "A01-01-1" else "A01-03-1")
    assert blocker.args[0] == "refused" and session.current is first
    while not session.complete:
        stop = session.current
        type_scan(qtbot, screen, stop.bin)
        assert screen.step_label.text() == "Scan the item"
        for _ in range(stop.quantity):
            screen.handle_scan(GTINS[stop.sku])
    assert screen.progress_label.text() == "All stops done"
    with UnitOfWork(ctx.sessions) as uow:
        statuses = dict(uow.session.execute(select(Order.number, Order.status)).all())
    assert statuses == {"SO-1": "picked", "SO-2": "picked"}


def test_next_batch_skip_and_short(screen, qtbot, ctx):
    screen.next_batch()
    session = screen.session
    assert sorted(session.pick_list.orders) == ["SO-1", "SO-2"]  # near each other, one cart
    first = session.current
    qtbot.keyClick(screen, Qt.Key_F9)  # skip
    assert session.current is not first and session.queue[-1] is first
    stop = session.current
    screen.handle_scan(stop.bin)
    screen.short()
    assert all(s.order != stop.order for s in session.queue)
    assert "tote" in screen.message.text()
