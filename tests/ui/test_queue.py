from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.orders import queue as oq
from app.ui.queue.view import index_of
from db.models import Order
from tests.ui.conftest import login
from tests.ui.factories import make_order


def _queue(window, qtbot, badge="BADGE-PACKER-1"):
    login(window, qtbot, badge)
    return window.screens["queue"]


def test_filters_search_and_sort(window, qtbot, ctx, world):
    queue = _queue(window, qtbot)
    view, model = queue.view, queue.view.model
    assert model.rowCount() == 30
    # Default order: most urgent first.
    priorities = [model.row_at(r).priority for r in range(30)]
    assert priorities == sorted(priorities, reverse=True)
    view.priority.setCurrentIndex(view.priority.findData(2))
    assert model.rowCount() == 10
    assert {model.row_at(r).priority for r in range(10)} == {2}
    assert "10" in view.count_label.text()
    view.priority.setCurrentIndex(0)
    view.status.setCurrentIndex(index_of(view.status, ("review",)))
    assert model.rowCount() == 0
    view.status.setCurrentIndex(0)
    qtbot.keyClicks(view.search, "WS-000007")
    view.search.returnPressed.emit()
    assert model.rowCount() == 1 and model.data(model.index(0, 0)) == "WS-000007"
    view.search.setText("SKU-002")  # every order has a line with SKU-002
    view.apply_filter()
    assert model.rowCount() == 30
    view.search.clear()
    view.apply_filter()
    # Sort by order number descending through the header.
    view.table.horizontalHeader().setSortIndicator(0, Qt.DescendingOrder)
    assert model.data(model.index(0, 0)) == "WS-000030"
    # Colours: the overdue ones are red behind "Ship by".
    ship_by = model.columns.index("promised_ship_at")
    texts = {model.data(model.index(r, ship_by)) for r in range(30)}
    assert any(t.startswith("late by") for t in texts) and any(t.startswith("in ") for t in texts)


def test_station_and_warehouse_filters(window, qtbot, ctx, world):
    queue = _queue(window, qtbot, "BADGE-SUPER-1")
    view, model = queue.view, queue.view.model
    view.station.setCurrentIndex(view.station.findData(oq.UNASSIGNED))
    assert model.rowCount() == 30
    view.station.setCurrentIndex(view.station.findData(world.station_ids["STATION-2"]))
    assert model.rowCount() == 0
    view.station.setCurrentIndex(0)
    view.warehouse.setCurrentIndex(view.warehouse.findData(world.warehouse2_id))
    assert model.rowCount() == 0
    view.warehouse.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.channel.count() > 1)
    view.channel.setCurrentIndex(view.channel.findData("shop"))
    assert model.rowCount() == 30
    view.placed.setCurrentIndex(view.placed.findData(-30))
    assert model.rowCount() == 0


def test_the_model_keeps_only_a_few_windows(ctx, world, station_app):
    from app.ui.queue.model import OrderQueueModel

    with ctx.sessions() as s:
        for i in range(200):
            make_order(s, f"BULK-{i:04d}", warehouse_id=world.warehouse_id, lines=1)
        s.commit()
        total = s.scalar(select(func.count()).select_from(Order))
    model = OrderQueueModel(ctx.sessions, window_size=20, max_windows=3)
    model.set_filter(oq.QueueFilter(sort="number"))
    assert model.rowCount() == total
    numbers = [model.data(model.index(r, 0)) for r in range(total)]
    assert numbers == sorted(numbers)
    assert model.cached_rows() <= 60
    assert model.queries >= total // 20


def test_next_order_key_claims_for_the_station_one_order_at_a_time(window, qtbot, ctx):
    queue = _queue(window, qtbot)
    qtbot.keyClick(queue, Qt.Key_F2)
    first = queue.current_number
    assert first is not None and window.feedback.history[-1][0] == "good"
    with ctx.sessions() as s:
        assert s.scalar(select(Order.status).where(Order.number == first)) == "packing"
    # The order is not finished: the key takes the packer back to it and claims nothing more.
    window.open_screen("queue")
    queue.next_button.click()
    assert queue.current_number == first and window.current_screen_name() == "pack"
    assert window.feedback.history[-1] == ("info", f"Order {first} is open at this station: go on packing it.")
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order).where(Order.status == "packing")) == 1


def test_several_statuses_by_urgency_read_per_status_give_the_same_rows(ctx, world, station_app):
    with ctx.sessions() as s:
        for i in range(40):
            make_order(s, f"PK-{i:03d}", status="picked", priority=i % 3, warehouse_id=world.warehouse_id, lines=1)
        s.commit()
        f = oq.QueueFilter(statuses=("allocated", "picked"))
        merged = [r.number for r in oq.window(s, f, 0, 25)] + [r.number for r in oq.window(s, f, 25, 100)]
        plain = list(s.execute(oq._where(select(Order.number), f).order_by(*oq._order_by(f))).scalars())
        # PostgreSQL puts missing promise times last, SQLite first: none here.
        assert merged == plain and len(plain) == 70


def test_deep_windows_found_by_id_first_are_the_same_rows(ctx, world, monkeypatch):
    f = oq.QueueFilter(statuses=("allocated",), sort="urgency")
    with ctx.sessions() as s:
        shallow = [r.number for r in oq.window(s, f, 12, 10)]
        monkeypatch.setattr(oq, "DEEP_OFFSET", 5)
        deep = [r.number for r in oq.window(s, f, 12, 10)]
    assert deep == shallow and len(deep) == 10


def test_a_big_result_paints_at_once_and_the_exact_count_follows(ctx, world, station_app, qtbot):
    from app.ui.queue.model import OrderQueueModel

    model = OrderQueueModel(ctx.sessions, window_size=10)
    model.count_cap = 12
    with qtbot.waitSignal(model.count_changed, timeout=5000, check_params_cb=lambda *a: model.exact):
        model.set_filter(oq.QueueFilter())
        assert not model.exact and model.rowCount() == 12
    assert model.exact and model.rowCount() == 30
    assert model.data(model.index(29, 0)) is not None
