"""The pick screen in the station window: a cart the station started survives a log-out (and whoever logs in
goes on with it), and a station moved to another warehouse in Settings picks there at once."""

from __future__ import annotations

from sqlalchemy import select

from app.uow import UnitOfWork
from db.models import Order
from tests.picking.helpers import PRODUCTS, make_order, make_warehouse
from tests.ui.conftest import login


def _pick_world(ctx) -> None:
    with UnitOfWork(ctx.sessions) as uow:
        wh = make_warehouse(uow.session, "WH1")
        make_order(uow.session, wh, "SO-1", [("MUG-1", 2, "A03-12-2"), ("TEA-2", 1, "A07-25-1")])
        make_order(uow.session, wh, "SO-2", [("PEN-3", 1, "A09-05-3")])
        uow.commit()


def _statuses(ctx) -> dict[str, str]:
    with ctx.sessions() as s:
        return dict(s.execute(select(Order.number, Order.status).where(Order.number.in_(["SO-1", "SO-2"]))).all())


def _pick_stop(screen) -> None:
    stop = screen.session.current
    screen.handle_scan(stop.bin)
    for _ in range(stop.remaining):
        screen.handle_scan(PRODUCTS[stop.sku][0])


def test_a_cart_survives_a_log_out_and_the_next_picker_goes_on(window, qtbot, ctx):
    _pick_world(ctx)
    login(window, qtbot, "BADGE-PACKER-1")
    assert window.open_screen("pick")
    screen = window.screens["pick"]
    assert screen.session is None
    for number in ("SO-1", "SO-2"):
        screen.handle_scan(number)
    screen.start_pending()
    totes = dict(screen.session.pick_list.totes)
    assert totes == {"SO-1": 1, "SO-2": 2} and screen.progress_label.text() == "Stop 1 of 3"
    _pick_stop(screen)
    left = [(s.key, s.remaining, s.tote) for s in screen.session.queue]
    assert len(left) == 2

    window.logout()
    login(window, qtbot, "BADGE-PACKER-2")  # the next shift at this station's cart
    assert window.open_screen("pick")
    screen = window.screens["pick"]
    assert screen.session is not None, "the cart was lost at log-out"
    assert screen.session.pick_list.totes == totes
    assert sorted((s.key, s.remaining, s.tote) for s in screen.session.queue) == sorted(left)
    assert screen.bin_label.text() == screen.session.current.bin
    assert "The cart of this station is back: 2 stop(s) to go." in screen.message.text()
    while not screen.session.complete:
        _pick_stop(screen)
    assert _statuses(ctx) == {"SO-1": "picked", "SO-2": "picked"}

    window.logout()
    login(window, qtbot, "BADGE-PACKER-1")
    window.open_screen("pick")
    assert window.screens["pick"].session is None  # a finished cart is not offered again


def test_a_cart_started_at_another_station_stays_there(window, qtbot, ctx):
    from app.picking.service import PickService
    from app.uow import Actor

    _pick_world(ctx)
    PickService(ctx.sessions, Actor(station="STATION-2", user="packer2", role="packer")).start(["SO-1"])
    login(window, qtbot, "BADGE-PACKER-1")
    window.open_screen("pick")
    assert window.screens["pick"].session is None


def test_a_station_moved_to_another_warehouse_in_settings_picks_there_at_once(window, qtbot, ctx):
    _pick_world(ctx)
    login(window, qtbot, "BADGE-ADMIN")
    window.open_screen("pick")
    pick = window.screens["pick"]
    pick.next_batch()  # STATION-1 works in SH1, where nothing waits to be picked
    assert window.feedback.history[-1] == ("bad", "warehouse SH1 has no layout: load one with 'station layout load'")
    assert pick.session is None

    window.open_screen("settings")
    settings = window.screens["settings"]
    assert settings.warehouse.currentData() == "SH1"  # what the database says, not an empty config
    settings.warehouse.setCurrentIndex(settings.warehouse.findData("WH1"))
    settings.save_button.click()
    assert window.feedback.history[-1] == ("good", "Settings saved.")

    window.open_screen("pick")
    assert window.screens["pick"] is pick  # the same screen, not rebuilt by a restart
    pick.next_batch()
    assert pick.session is not None and sorted(pick.session.pick_list.orders) == ["SO-1", "SO-2"]
    assert pick.session.pick_list.warehouse == "WH1"
    assert _statuses(ctx) == {"SO-1": "picking", "SO-2": "picking"}

    # "Any warehouse" clears the station's warehouse too: the pick screen says so instead of using the old one.
    pick.session = None
    window.open_screen("settings")
    settings.warehouse.setCurrentIndex(settings.warehouse.findData(""))
    settings.save_button.click()
    pick.next_batch()
    assert window.feedback.history[-1] == ("bad", "This station has no warehouse set.")
