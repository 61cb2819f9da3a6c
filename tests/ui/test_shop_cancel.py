"""The shop cancels an order while a packer works on it (issue 20, item 3): two stations on one database, each
with its own live-sync listener. The packer is told at once, in words that say the shop cancelled it; after the
label, the supervisor's review desk shows the order with what to do."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.config import Settings
from app.intake.service import import_records
from app.intake.updates import cancellation_notice
from app.sync.qt import SyncBridge
from db.models import Order
from tests.ui.conftest import login


@pytest.fixture
def two_windows(ctx, world, station_app, qtbot, request):
    from app.ui.app import build_window, install_language

    language = getattr(request, "param", "en")
    install_language(station_app, language)
    url = ctx.engine.url.render_as_string(hide_password=False)
    windows = []
    for station in ("STATION-1", "STATION-2"):
        sync = SyncBridge(url)
        w = build_window(ctx, station, language, sync=sync, devices=False)
        qtbot.addWidget(w)
        w.show()
        sync.start()
        windows.append((w, sync))
    live = {"en": "● Live", "zh_CN": "● 实时同步"}[language]
    for w, _ in windows:
        qtbot.waitUntil(lambda w=w: w.connection_label.text() == live, timeout=5000)
    yield [w for w, _ in windows]
    for w, sync in windows:
        sync.stop()
        w.close()


def _the_shop_cancels(ctx, number: str) -> None:
    """What a webhook delivery or the poller brings: the shop's word that the order is cancelled."""
    with ctx.sessions() as s:
        channel, external_id = s.execute(select(Order.channel, Order.external_id).where(Order.number == number)).one()
    summary = import_records(ctx.sessions, Settings(), [cancellation_notice(channel, external_id, "shop webhook 42")])
    assert summary.cancelled == 1, summary


def _claim(window, qtbot) -> str:
    login(window, qtbot, "BADGE-PACKER-1")
    queue = window.screens["queue"]
    queue.next_order()
    assert queue.current_number
    return queue.current_number


def test_the_packer_is_told_at_once_that_the_shop_cancelled_the_order(two_windows, qtbot, ctx):
    packer_window, super_window = two_windows
    number = _claim(packer_window, qtbot)
    login(super_window, qtbot, "BADGE-SUPER-1")
    board = super_window.screens["supervisor"]
    qtbot.waitUntil(lambda: board.stations.item(board.station_row("STATION-1"), 3).text() == number, timeout=10000)
    queue, pack = packer_window.screens["queue"], packer_window.screens["pack"]

    _the_shop_cancels(ctx, number)

    # Told without a refresh: the queue's banner, the window's flash, the bad sound, and the pack screen's message.
    qtbot.waitUntil(lambda: not queue.banner.isHidden() and number in queue.banner.text(), timeout=10000)
    said = f"Order {number} was cancelled by the shop. Stop packing it and put its items back on their shelves."
    assert queue.banner.text() == said
    assert "moved" not in queue.banner.text()
    assert packer_window.flash.isVisible() and packer_window.flash.text() == said
    assert ("bad", said) in packer_window.feedback.history
    assert queue.current_number is None
    qtbot.waitUntil(lambda: pack.message.text() == said, timeout=10000)
    # The supervisor's board sees the station free again.
    qtbot.waitUntil(lambda: board.stations.item(board.station_row("STATION-1"), 3).text() == "—", timeout=10000)


@pytest.mark.parametrize("two_windows", ["zh_CN"], indirect=True)
def test_the_packer_reads_it_in_chinese(two_windows, qtbot, ctx):
    packer_window = two_windows[0]
    number = _claim(packer_window, qtbot)
    queue = packer_window.screens["queue"]
    _the_shop_cancels(ctx, number)
    qtbot.waitUntil(lambda: not queue.banner.isHidden() and number in queue.banner.text(), timeout=10000)
    assert queue.banner.text() == f"订单 {number} 已被店铺取消。请停止打包，并把商品放回原货位。"
    assert packer_window.feedback.history[-1][0] == "bad"


def test_a_cancellation_after_the_label_waits_on_the_supervisors_desk(two_windows, qtbot, ctx):
    from app.orders.timeline import move
    from app.shipping.carriers import seed_carriers
    from app.shipping.rates import ParcelSpec
    from app.shipping.service import label_order
    from app.uow import Actor, UnitOfWork

    super_window = two_windows[1]
    login(super_window, qtbot, "BADGE-SUPER-1")
    super_window.open_screen("review")
    desk = super_window.screens["review"]
    assert desk.list.count() == 0
    packer = Actor("STATION-1", "packer1", "packer")
    with UnitOfWork(ctx.sessions) as uow:  # an order packed and labelled at STATION-1
        seed_carriers(uow.session)
        order = uow.session.scalar(select(Order).where(Order.status == "allocated").order_by(Order.id).limit(1))
        assert order is not None
        number = order.number
        for status in ("packing", "packed"):
            move(uow.session, order, status, packer)
        label_order(uow.session, order, packer, [ParcelSpec(600, 200, 150, 100)], settings=ctx.settings)
        uow.commit()

    with ctx.sessions() as s:
        channel, external_id = s.execute(select(Order.channel, Order.external_id).where(Order.number == number)).one()
    summary = import_records(ctx.sessions, Settings(), [cancellation_notice(channel, external_id, "shop webhook 43")])
    assert summary.alerts == 1

    qtbot.waitUntil(lambda: desk.list.count() == 1, timeout=10000)
    desk.select(number)
    assert desk.case is not None and desk.case.order.number == number
    flags = [desk.flags_layout.itemAt(i).widget().text() for i in range(desk.flags_layout.count())]
    assert flags == ["<b>Cancelled by the shop after the label: void or intercept it</b><br>the shop cancelled this "
                     "order after its label: void the label or intercept the parcel"]
    timeline = [desk.timeline_layout.itemAt(i).widget().text() for i in range(desk.timeline_layout.count())]
    assert "cancelled by the shop after its label: void the label or intercept the parcel" in timeline[-1]
