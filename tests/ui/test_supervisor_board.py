from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.orders.claim import claim_next
from app.ui.queue.model import MIME_ORDERS
from app.uow import Actor
from db.models import Order, Station
from tests.ui.conftest import login


def _board(window, qtbot):
    login(window, qtbot, "BADGE-SUPER-1")
    window.open_screen("supervisor")
    return window.screens["supervisor"]


def _station_of(ctx, number):
    with ctx.sessions() as s:
        return s.execute(select(Station.name, Order.status, Order.priority).outerjoin(Station, Station.id == Order.station_id)
                         .where(Order.number == number)).one()


def _select_rows(view, rows):
    sm = view.table.selectionModel()
    sm.clearSelection()
    for r in rows:
        sm.select(view.model.index(r, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)


def test_stations_live_and_reassign_by_selection(window, qtbot, ctx):
    claimed = claim_next(ctx.sessions, "STATION-2", Actor(station="STATION-2", user="packer2", role="packer"))
    board = _board(window, qtbot)
    board.reload_stations()
    row = board.station_row("STATION-2")
    assert board.stations.item(row, 3).text() == claimed.number
    assert board.stations.item(board.station_row("STATION-1"), 2).text() == "Supervisor One"
    view = board.orders
    _select_rows(view, [0, 1])
    numbers = view.selected_numbers()
    assert "2 order(s) selected" in board.selection_label.text()
    board.target_station.setCurrentIndex(board.target_station.findData("STATION-1"))
    board.to_station_button.click()
    assert {_station_of(ctx, n)[0] for n in numbers} == {"STATION-1"}
    _select_rows(view, [view.model.rowCount() - 1])
    last = view.selected_numbers()[0]
    board.priority.setCurrentIndex(board.priority.findData(2))
    board.priority_button.click()
    assert _station_of(ctx, last)[2] == 2
    # Hold needs a reason; release brings it back.
    _select_rows(view, [0])
    first = view.selected_numbers()[0]
    board.hold_button.click()
    assert window.feedback.history[-1] == ("bad", "Give a reason to hold.")
    board.reason.setText("inspect the goods")
    board.hold_button.click()
    assert _station_of(ctx, first)[1] == "on_hold"
    _select_rows(view, [i for i in range(view.model.rowCount()) if view.model.row_at(i).number == first])
    board.release_button.click()
    assert _station_of(ctx, first)[1] == "allocated"


def test_drag_orders_onto_a_station(window, qtbot, ctx):
    board = _board(window, qtbot)
    view = board.orders
    _select_rows(view, [2, 3])
    numbers = view.selected_numbers()
    mime = view.model.mimeData(view.table.selectionModel().selectedRows())
    assert bytes(mime.data(MIME_ORDERS)).decode().split("\n") == numbers
    table = board.stations
    row = board.station_row("STATION-2")
    pos = table.visualItemRect(table.item(row, 0)).center()
    # What a real drag delivers: enter, move, drop (Qt routes the drop to the widget the drag entered).
    enter = QDragEnterEvent(pos, Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(table.viewport(), enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(pos, Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(table.viewport(), move)
    assert move.isAccepted()
    drop = QDropEvent(pos, Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(table.viewport(), drop)
    assert drop.isAccepted()
    assert {_station_of(ctx, n)[0] for n in numbers} == {"STATION-2"}
    assert window.feedback.history[-1][0] == "good"


def test_a_crashed_station_shows_as_silent_and_a_beating_one_does_not(window, qtbot, ctx):
    from datetime import timedelta

    from sqlalchemy import update

    from app.orders import supervision as sv
    from db.base import utcnow
    from db.models import User

    with ctx.sessions() as s:
        packer = s.scalar(select(User).where(User.username == "packer2"))
    sv.sign_in(ctx.sessions, "STATION-2", packer.id)
    board = _board(window, qtbot)
    long_ago = utcnow() - sv.PRESENCE_TIMEOUT - timedelta(minutes=5)
    with ctx.sessions() as s:  # both stations last heard of long ago; STATION-2 crashed, this one lives
        s.execute(update(Station).where(Station.name.in_(["STATION-1", "STATION-2"])).values(last_seen_at=long_ago))
        s.commit()
    window.presence.beat()

    def beaten() -> bool:
        with ctx.sessions() as s:
            return s.scalar(select(Station.last_seen_at).where(Station.name == "STATION-1")) > long_ago

    qtbot.waitUntil(beaten)
    board.reload_stations()
    cell = board.stations.item(board.station_row("STATION-2"), 2)
    assert cell.text().startswith("Packer Two — silent since") and "crashed" in cell.toolTip()
    assert board.stations.item(board.station_row("STATION-1"), 2).text() == "Supervisor One"


def _select_number(view, number):
    view.search.setText(number)
    view.apply_filter()
    _select_rows(view, [0])
    assert view.selected_numbers() == [number]


def test_back_to_the_queue_from_this_station_confirms_and_raises_no_packers_alarm(window, qtbot, ctx):
    # The supervisor works at STATION-1, where an order is being packed; they send it back to the queue.
    claimed = claim_next(ctx.sessions, "STATION-1", Actor(station="STATION-1", user="packer1", role="packer"))
    board = _board(window, qtbot)
    queue = window.screens["queue"]
    assert queue.current_number == claimed.number
    _select_number(board.orders, claimed.number)
    board.target_station.setCurrentIndex(board.target_station.findData(None))
    board.to_station_button.click()
    assert window.feedback.history[-1] == ("good", "1 order(s) moved to the queue.")
    assert _station_of(ctx, claimed.number)[:2] == (None, "allocated")
    window._on_change("station", "STATION-1")  # what the live sync delivers to this station
    window._on_change("order", claimed.number)
    qtbot.waitUntil(lambda: queue.current_number is None)
    qtbot.wait(300)
    assert window.feedback.history[-1] == ("good", "1 order(s) moved to the queue.")
    assert not any("taken away" in text for _, text in window.feedback.history)
    assert not queue.banner.isVisible()


def test_a_packer_at_the_station_still_hears_when_someone_else_moves_the_order(window, qtbot, ctx):
    from app.orders import supervision as sv

    claimed = claim_next(ctx.sessions, "STATION-1", Actor(station="STATION-1", user="packer1", role="packer"))
    login(window, qtbot, "BADGE-PACKER-1")
    queue = window.screens["queue"]
    assert queue.current_number == claimed.number
    sv.reassign_station(ctx.sessions, claimed.number, None, Actor(station="STATION-9", user="super1", role="supervisor"))
    window._on_change("station", "STATION-1")
    qtbot.waitUntil(lambda: queue.current_number is None)
    assert window.feedback.history[-1][0] == "bad" and "taken away" in window.feedback.history[-1][1]


def test_a_packed_order_is_refused_with_the_reason_and_left_whole(window, qtbot, ctx):
    from db.models import OrderLine

    board = _board(window, qtbot)
    number = board.orders.model.row_at(0).number
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        order.status, order.station_id = "packed", s.scalar(select(Station.id).where(Station.name == "STATION-2"))
        for line in order.lines:
            line.picked_quantity = line.packed_quantity = line.quantity
        s.commit()
    board.orders.model.refresh()
    _select_number(board.orders, number)
    board.target_station.setCurrentIndex(board.target_station.findData(None))
    board.to_station_button.click()
    kind, text = window.feedback.history[-1]
    assert kind == "bad" and text.startswith("0 done, 1 refused:") and "its boxes are closed" in text
    assert _station_of(ctx, number)[:2] == ("STATION-2", "packed")
    with ctx.sessions() as s:
        lines = s.execute(select(OrderLine.quantity, OrderLine.picked_quantity, OrderLine.packed_quantity)
                          .join(Order).where(Order.number == number)).all()
    assert all(q == picked == packed for q, picked, packed in lines)
