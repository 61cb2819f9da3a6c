"""Updates after intake (issue 20, item 3), on SQLite and PostgreSQL: what a shop says about an order the station
holds already is applied once, wherever the order is, with its events; the webhook route takes it over real HTTP."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from app.config import Settings
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder
from app.intake.service import Intake, import_records, ingest_into
from app.intake.updates import cancellation_notice, shop_cancelled
from app.intake.webhook import SHOPIFY_PATH, WOOCOMMERCE_PATH, WebhookServer, create_app, signature
from app.orders import review, supervision
from app.orders.claim import claim_next
from app.orders.timeline import move
from app.uow import Actor, UnitOfWork
from db.models import Bin, ChangeLog, Order, OrderEvent, Product, Reservation, Station, Stock, Warehouse
from tests.helpers.reference import seed_small_warehouse
from tests.intake.conftest import FIXTURES

SHANGHAI = IncomingAddress(name="李雷", address1="世纪大道100号", city="上海市", region="上海市", postcode="200120",
                           country="CN", phone="13800000000")
PACKER = Actor(station="PACK-1", user="packer1", role="packer")
SUPERVISOR = Actor(station="DESK-1", user="super1", role="supervisor")
SECRET = "shpss_updates_0123456789abcdef"


def incoming(external_id: str, lines, address=SHANGHAI, channel="shopify", **extra) -> IncomingOrder:
    goods = sum(q * p for _, q, p in lines)
    values = dict(
        channel=channel, external_id=external_id, placed_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        lines=[IncomingLine(sku=s, quantity=q, unit_price_cents=p) for s, q, p in lines], ship_to=address,
        customer_email=f"c{external_id}@example.com", goods_cents=goods, paid_cents=goods, payment_status="paid",
        record=f"order {external_id}", channel_status="paid/unfulfilled",
    )
    values.update(extra)
    return IncomingOrder(**values)


def cancelled(record: IncomingOrder, status: str = "cancelled") -> IncomingOrder:
    return replace(record, channel_status=status)


def the_order(ctx, external_id: str, channel: str = "shopify") -> Order:
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.channel == channel, Order.external_id == external_id))
        assert order is not None
        order.lines, order.flags  # read before the session closes  # noqa: B018
        s.expunge_all()
        return order


def loaded(session, number: str) -> Order:
    order = session.scalar(select(Order).where(Order.number == number))
    assert order is not None
    return order


def events(ctx, number: str) -> list[tuple[str, dict]]:
    with ctx.sessions() as s:
        return [(e.kind, e.data or {}) for e in s.scalars(
            select(OrderEvent).join(Order, Order.id == OrderEvent.order_id).where(Order.number == number)
            .order_by(OrderEvent.id))]


def kinds(ctx, number: str) -> list[str]:
    return [kind for kind, _ in events(ctx, number)]


def reserved(ctx) -> tuple[int, int, int]:
    """(reservation rows' units, stock rows' reserved units, on hand) over the whole warehouse."""
    with ctx.sessions() as s:
        return (int(s.scalar(select(func.coalesce(func.sum(Reservation.quantity), 0)))),
                int(s.scalar(select(func.coalesce(func.sum(Stock.reserved), 0)))),
                int(s.scalar(select(func.sum(Stock.on_hand)))))


def add_station(ctx, name: str = "PACK-1") -> None:
    with UnitOfWork(ctx.sessions) as uow:
        warehouse = uow.session.scalar(select(Warehouse.id).where(Warehouse.code == "SH"))
        uow.session.add(Station(name=name, warehouse_id=warehouse))
        uow.commit()


def set_status(ctx, number: str, *statuses: str, picked: bool = False) -> None:
    """Walk the order on as the floor would (test set-up): ``picked`` marks every unit taken into the tote."""
    with UnitOfWork(ctx.sessions) as uow:
        order = loaded(uow.session, number)
        for status in statuses:
            move(uow.session, order, status, PACKER)
        if picked:
            for line in order.lines:
                line.picked_quantity = line.quantity
        uow.commit()


# --- cancellation --------------------------------------------------------------------------------------------------

def test_a_cancellation_before_picking_cancels_and_gives_the_stock_back(ctx):
    seed_small_warehouse(ctx)
    order = incoming("1001", [("MUG", 2, 1500), ("LAMP", 1, 9900)])
    assert import_records(ctx.sessions, Settings(), [order]).imported == 1
    number = the_order(ctx, "1001").number
    assert the_order(ctx, "1001").status == "allocated"
    assert reserved(ctx)[:2] == (3, 3)
    on_hand = reserved(ctx)[2]

    summary = import_records(ctx.sessions, Settings(), [cancelled(order)])
    assert (summary.imported, summary.duplicates, summary.cancelled) == (0, 0, 1)
    assert summary.as_json() == {"imported": 0, "duplicates": 0, "rejected": [], "cancelled": 1}
    assert the_order(ctx, "1001").status == "cancelled"
    assert reserved(ctx) == (0, 0, on_hand)  # reservations gone, nothing off the shelves' books
    kind, data = events(ctx, number)[-1]
    assert kind == "cancelled_by_shop" and data["previous"] == "allocated" and data["released"] == 3
    assert data["source"] == "order 1001" and "put_back" not in data
    assert shop_cancelled(ctx.sessions, number)

    # The same delivery again (the shop retries, the poller reads it too): nothing more is written.
    again = import_records(ctx.sessions, Settings(), [cancelled(order)])
    assert (again.duplicates, again.cancelled) == (1, 0)
    assert kinds(ctx, number).count("cancelled_by_shop") == 1


def test_woocommerce_refunded_counts_as_cancelled_and_an_order_in_review_is_cancelled_too(ctx):
    seed_small_warehouse(ctx)
    woo = incoming("727", [("MUG", 1, 1500)], channel="woocommerce", channel_status="processing")
    unpaid = incoming("1002", [("MUG", 1, 1500)], paid_cents=0, payment_status="pending")
    import_records(ctx.sessions, Settings(), [woo, unpaid])
    assert the_order(ctx, "1002").status == "review"
    summary = import_records(ctx.sessions, Settings(), [cancelled(woo, "refunded"), cancelled(unpaid)])
    assert summary.cancelled == 2
    assert the_order(ctx, "727", "woocommerce").status == "cancelled"
    assert the_order(ctx, "1002").status == "cancelled"
    assert reserved(ctx)[:2] == (0, 0)


def test_an_order_that_came_in_cancelled_waits_for_its_person(ctx):
    """Held by the review rule channel_cancelled when it arrived: the same cancelled record again is no news."""
    seed_small_warehouse(ctx)
    order = cancelled(incoming("1003", [("MUG", 1, 1500)]))
    import_records(ctx.sessions, Settings(), [order])
    number = the_order(ctx, "1003").number
    assert the_order(ctx, "1003").status == "review"
    again = import_records(ctx.sessions, Settings(), [order])
    assert again.duplicates == 1 and the_order(ctx, "1003").status == "review"
    assert kinds(ctx, number) == ["received", "review"]


def test_a_bare_cancellation_of_an_unknown_order_is_said_not_refused(ctx):
    seed_small_warehouse(ctx)
    summary = import_records(ctx.sessions, Settings(), [cancellation_notice("woocommerce", "999", "woocommerce webhook 5")])
    assert summary.imported == 0 and summary.rejected == []
    assert summary.notes == [{"record": "woocommerce webhook 5",
                              "note": "the shop cancelled order 999, which this station never received: nothing to stop"}]
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0


def test_a_cancellation_at_a_station_takes_the_order_off_it_and_lists_what_goes_back(ctx):
    seed_small_warehouse(ctx)
    add_station(ctx)
    order = incoming("1004", [("MUG", 2, 1500)])
    import_records(ctx.sessions, Settings(), [order])
    claimed = claim_next(ctx.sessions, "PACK-1", PACKER)
    assert claimed is not None and claimed.number == the_order(ctx, "1004").number
    number = claimed.number
    with UnitOfWork(ctx.sessions) as uow:  # one mug already in the box
        line = loaded(uow.session, number).lines[0]
        line.picked_quantity = line.packed_quantity = 1
        uow.commit()
    on_hand = reserved(ctx)[2]
    with ctx.sessions() as s:
        last_change = s.scalar(select(func.max(ChangeLog.id)))

    summary = import_records(ctx.sessions, Settings(), [cancelled(order)])
    assert summary.cancelled == 1
    after = the_order(ctx, "1004")
    assert after.status == "cancelled" and after.station_id is None
    assert reserved(ctx) == (0, 0, on_hand)
    kind, data = events(ctx, number)[-1]
    assert kind == "cancelled_by_shop" and data["previous"] == "packing" and data["station"] == "PACK-1"
    assert data["put_back"] == [{"sku": "MUG", "quantity": 1, "bins": ["A01-01-1"]}]
    with ctx.sessions() as s:  # the station hears of it (its screen tells the packer)
        told = set(s.execute(select(ChangeLog.topic, ChangeLog.key).where(ChangeLog.id > last_change)).all())
    assert {("station", "PACK-1"), ("order", number)} <= told


def test_picked_units_go_back_to_their_bins_with_the_reservation(ctx):
    seed_small_warehouse(ctx)
    order = incoming("1005", [("MUG", 2, 1500), ("LAMP", 1, 9900)])
    import_records(ctx.sessions, Settings(), [order])
    number = the_order(ctx, "1005").number
    set_status(ctx, number, "picking", "picked", picked=True)
    import_records(ctx.sessions, Settings(), [cancelled(order)])
    assert the_order(ctx, "1005").status == "cancelled"
    kind, data = events(ctx, number)[-1]
    assert kind == "cancelled_by_shop" and data["previous"] == "picked"
    assert data["put_back"] == [{"sku": "MUG", "quantity": 2, "bins": ["A01-01-1"]},
                                {"sku": "LAMP", "quantity": 1, "bins": ["A01-02-1"]}]
    assert reserved(ctx)[:2] == (0, 0)


def test_after_the_label_a_supervisor_is_told_and_the_parcel_held(ctx):
    from app.shipping.carriers import seed_carriers
    from app.shipping.rates import ParcelSpec
    from app.shipping.service import label_order

    seed_small_warehouse(ctx)
    with UnitOfWork(ctx.sessions) as uow:
        seed_carriers(uow.session)
        uow.commit()
    order = incoming("1006", [("MUG", 1, 1500)])
    gone = incoming("1007", [("MUG", 1, 1500)])
    import_records(ctx.sessions, Settings(), [order, gone])
    numbers = {ext: the_order(ctx, ext).number for ext in ("1006", "1007")}
    for number in numbers.values():
        set_status(ctx, number, "packing", "packed", picked=True)
        with UnitOfWork(ctx.sessions) as uow:
            label_order(uow.session, loaded(uow.session, number), PACKER,
                        [ParcelSpec(400, 200, 150, 100)], settings=ctx.settings)
            uow.commit()
    set_status(ctx, numbers["1007"], "shipped")
    before = reserved(ctx)

    summary = import_records(ctx.sessions, Settings(), [cancelled(order), cancelled(gone)])
    assert (summary.cancelled, summary.alerts) == (0, 2)
    labelled = the_order(ctx, "1006")
    assert labelled.status == "on_hold" and labelled.tracking_number  # the close-out leaves it behind
    assert [(f.code, f.resolved) for f in labelled.flags] == [("cancelled_after_label", False)]
    assert labelled.flags[0].message == ("the shop cancelled this order after its label: void the label or intercept "
                                         "the parcel")
    kind, data = events(ctx, labelled.number)[-1]
    assert kind == "held" and data["previous"] == "labelled" and data["by_shop"] is True
    shipped = the_order(ctx, "1007")
    assert shipped.status == "shipped" and [f.code for f in shipped.flags] == ["cancelled_after_label"]
    assert kinds(ctx, shipped.number)[-1] == "shop_cancelled_late"
    assert reserved(ctx) == before  # its goods are in the parcel: nothing given back by itself

    # What the supervisor reads: the review desk lists the held order with its open flag and says why.
    desk = review.desk_queue(ctx.sessions)
    assert [(e.number, e.open_flags) for e in desk.entries] == [(labelled.number, 1)]
    case = review.desk_case(ctx.sessions, labelled.number, "zh_CN")
    assert [f.code for f in case.flags if not f.resolved] == ["cancelled_after_label"]

    again = import_records(ctx.sessions, Settings(), [cancelled(order), cancelled(gone)])
    assert (again.duplicates, again.alerts) == (2, 0)
    assert kinds(ctx, labelled.number).count("held") == 1
    # The shop was wrong: released, it goes back to labelled and ships; the same delivery again changes nothing.
    supervision.release(ctx.sessions, labelled.number, SUPERVISOR)
    assert the_order(ctx, "1006").status == "labelled"
    assert import_records(ctx.sessions, Settings(), [cancelled(order)]).duplicates == 1
    assert the_order(ctx, "1006").status == "labelled"


# --- address and lines ---------------------------------------------------------------------------------------------

def test_an_address_change_before_picking_is_applied_once(ctx):
    seed_small_warehouse(ctx)
    order = incoming("1010", [("MUG", 1, 1500)])
    import_records(ctx.sessions, Settings(), [order])
    number = the_order(ctx, "1010").number
    moved = replace(order, ship_to=replace(SHANGHAI, address1="淮海中路300号", postcode="200021"))
    summary = import_records(ctx.sessions, Settings(), [moved])
    assert summary.updated == 1 and summary.as_json()["updated"] == 1
    after = the_order(ctx, "1010")
    assert (after.ship_address1, after.ship_postcode, after.status) == ("淮海中路300号", "200021", "allocated")
    kind, data = events(ctx, number)[-1]
    assert kind == "address_changed"
    assert data["changes"] == {"ship_address1": ["世纪大道100号", "淮海中路300号"], "ship_postcode": ["200120", "200021"]}
    again = import_records(ctx.sessions, Settings(), [moved])
    assert (again.duplicates, again.updated) == (1, 0)
    assert kinds(ctx, number).count("address_changed") == 1


def test_an_address_change_after_picking_started_is_told_not_applied(ctx):
    seed_small_warehouse(ctx)
    add_station(ctx)
    order = incoming("1011", [("MUG", 1, 1500)])
    import_records(ctx.sessions, Settings(), [order])
    claimed = claim_next(ctx.sessions, "PACK-1", PACKER)
    assert claimed is not None
    number = claimed.number
    moved = replace(order, ship_to=replace(SHANGHAI, city="北京市", region="北京市", postcode="100006"))
    summary = import_records(ctx.sessions, Settings(), [moved])
    assert summary.alerts == 1
    after = the_order(ctx, "1011")
    assert (after.ship_city, after.status) == ("上海市", "packing")  # the packer goes on; a supervisor decides
    flag = after.flags[0]
    assert flag.code == "shop_change_late" and not flag.resolved
    assert flag.message == ("the shop changed the address after picking started (上海市 → 北京市 | 上海市 → 北京市 | "
                            "200120 → 100006): not applied, check with the shop before it ships")
    kind, data = events(ctx, number)[-1]
    assert kind == "shop_change_not_applied" and data["what"] == "address"
    assert data["changes"]["ship_city"] == ["上海市", "北京市"]
    assert import_records(ctx.sessions, Settings(), [moved]).duplicates == 1
    assert kinds(ctx, number).count("shop_change_not_applied") == 1


def test_line_changes_before_picking_redo_the_reservations(ctx):
    seed_small_warehouse(ctx)
    order = incoming("1020", [("MUG", 3, 1500), ("LAMP", 1, 9900)])
    import_records(ctx.sessions, Settings(), [order])
    number = the_order(ctx, "1020").number
    assert reserved(ctx)[:2] == (4, 4)
    # The shop's order edit: one mug less, the lamp removed (current_quantity 0), an XL lamp added.
    edited = incoming("1020", [("MUG", 2, 1500), ("LAMP-XL", 1, 12900)])
    summary = import_records(ctx.sessions, Settings(), [edited])
    assert summary.updated == 1
    after = the_order(ctx, "1020")
    assert sorted((line.sku, line.quantity) for line in after.lines) == [("LAMP-XL", 1), ("MUG", 2)]
    assert after.status == "allocated" and after.goods_cents == 2 * 1500 + 12900
    with ctx.sessions() as s:
        held = dict(s.execute(select(Product.sku, func.sum(Reservation.quantity))
                              .join(Stock, Stock.id == Reservation.stock_id).join(Product, Product.id == Stock.product_id)
                              .group_by(Product.sku)).all())
        lamp_reserved = s.scalar(select(func.sum(Stock.reserved)).join(Product, Product.id == Stock.product_id)
                                 .where(Product.sku == "LAMP"))
    assert held == {"MUG": 2, "LAMP-XL": 1} and lamp_reserved == 0
    assert reserved(ctx)[:2] == (3, 3)
    evs = events(ctx, number)
    changed = [data for kind, data in evs if kind == "lines_changed"]
    assert changed == [{"changes": [{"sku": "LAMP", "from": 1, "to": 0}, {"sku": "LAMP-XL", "from": 0, "to": 1},
                                    {"sku": "MUG", "from": 3, "to": 2}],
                        "source": "order 1020", "goods_cents": [3 * 1500 + 9900, 2 * 1500 + 12900], "released": 4}]
    assert [kind for kind, _ in evs][-4:] == ["lines_changed", "reallocating", "confirmed", "allocated"]
    again = import_records(ctx.sessions, Settings(), [edited])
    assert again.duplicates == 1 and kinds(ctx, number).count("lines_changed") == 1


def test_a_new_line_the_catalogue_lacks_sends_the_order_to_review(ctx):
    seed_small_warehouse(ctx)
    order = incoming("1021", [("MUG", 1, 1500)])
    import_records(ctx.sessions, Settings(), [order])
    import_records(ctx.sessions, Settings(), [incoming("1021", [("MUG", 1, 1500), ("NOPE", 1, 100)])])
    after = the_order(ctx, "1021")
    assert after.status == "review" and [f.code for f in after.flags] == ["unknown_sku"]
    assert reserved(ctx)[:2] == (0, 0)


def test_line_changes_after_picking_started_are_told_not_applied(ctx):
    seed_small_warehouse(ctx)
    order = incoming("1022", [("MUG", 2, 1500)])
    import_records(ctx.sessions, Settings(), [order])
    number = the_order(ctx, "1022").number
    set_status(ctx, number, "picking")
    summary = import_records(ctx.sessions, Settings(), [incoming("1022", [("MUG", 1, 1500)])])
    assert summary.alerts == 1
    after = the_order(ctx, "1022")
    assert [(line.sku, line.quantity) for line in after.lines] == [("MUG", 2)] and after.status == "picking"
    assert after.flags[0].message == ("the shop changed the lines after picking started (MUG 2 → 1): not applied, "
                                      "check with the shop before it ships")
    assert reserved(ctx)[:2] == (2, 2)


def test_a_change_the_actor_may_not_make_is_refused_and_nothing_written(ctx):
    seed_small_warehouse(ctx)
    order = incoming("1030", [("MUG", 1, 1500)])
    import_records(ctx.sessions, Settings(), [order])
    number = the_order(ctx, "1030").number
    summary = Intake(ctx.sessions, Settings(), PACKER).run([cancelled(order)])
    assert summary.rejected == [{"record": "order 1030", "error": "packer1 (packer) may not do this: it needs "
                                                                  "supervisor or service"}]
    assert the_order(ctx, "1030").status == "allocated" and kinds(ctx, number)[-1] == "allocated"
    # An unchanged record is a duplicate whoever brings it (nothing to check).
    assert Intake(ctx.sessions, Settings(), PACKER).run([order]).duplicates == 1


# --- the webhook route, over real HTTP ----------------------------------------------------------------------------

def _seed_shop_products(ctx) -> None:
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        wh = Warehouse(code="SH", name="Shanghai", country="CN", region="SH", latitude=31.23, longitude=121.47,
                       daily_capacity=100)
        s.add(wh)
        s.flush()
        for n, sku in enumerate(("SKU-00001", "SKU-00017", "SKU-00088"), start=1):
            product = Product(sku=sku, name_en=f"Item {sku}", name_zh="商品", price_cents=1000, weight_g=300)
            bin_ = Bin(warehouse_id=wh.id, code=f"A01-0{n}-1", aisle=1, position=float(n), side="L", level=1)
            s.add_all([product, bin_])
            s.flush()
            s.add(Stock(product_id=product.id, bin_id=bin_.id, warehouse_id=wh.id, on_hand=20))
        uow.commit()


def _shopify(http: httpx.Client, body: bytes, topic: str, secret: str = SECRET) -> httpx.Response:
    return http.post(SHOPIFY_PATH, content=body, headers={
        "Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": signature(secret, body),
        "X-Shopify-Webhook-Id": f"delivery-{topic}"})


def test_the_webhook_route_takes_orders_cancelled_and_order_deleted_over_http(ctx):
    _seed_shop_products(ctx)
    order = json.loads((FIXTURES / "shopify_webhook_order.json").read_bytes())
    woo = json.loads((FIXTURES / "woocommerce_orders.json").read_bytes())[0]
    app = create_app(SECRET, ingest_into(ctx.sessions, ctx.settings))
    with WebhookServer(app, "127.0.0.1", 0) as server, httpx.Client(base_url=server.url, timeout=20) as http:
        created = _shopify(http, json.dumps(order).encode(), "orders/create")
        assert created.status_code == 201, created.text
        number = the_order(ctx, "5734681346300").number
        assert the_order(ctx, "5734681346300").status == "allocated"
        assert reserved(ctx)[:2] == (3, 3)

        # Cancelled with every line restocked: no line left to ship, the cancellation still stops the order.
        gone = dict(order, cancelled_at="2026-11-21T10:00:00+08:00", cancel_reason="customer",
                    line_items=[dict(item, current_quantity=0) for item in order["line_items"]])
        body = json.dumps(gone).encode()
        # Another shop's secret (a shop not configured here): refused, nothing changes.
        forged = _shopify(http, body, "orders/cancelled", secret="another-shops-secret")
        assert forged.status_code == 401 and the_order(ctx, "5734681346300").status == "allocated"
        answer = _shopify(http, body, "orders/cancelled")
        assert answer.status_code == 200 and answer.json() == {"imported": 0, "duplicates": 0, "rejected": [],
                                                               "cancelled": 1}
        assert the_order(ctx, "5734681346300").status == "cancelled" and reserved(ctx)[:2] == (0, 0)
        # Delivered twice, and orders/updated says the same: one event.
        assert _shopify(http, body, "orders/cancelled").json()["duplicates"] == 1
        assert _shopify(http, body, "orders/updated").json()["duplicates"] == 1
        assert kinds(ctx, number).count("cancelled_by_shop") == 1

        woo_body = json.dumps(woo).encode()
        woo_headers = {"X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Signature": signature(SECRET, woo_body)}
        assert http.post(WOOCOMMERCE_PATH, content=woo_body, headers=woo_headers).status_code == 201
        deleted = json.dumps({"id": 727}).encode()
        answer = http.post(WOOCOMMERCE_PATH, content=deleted, headers={
            "X-WC-Webhook-Topic": "order.deleted", "X-WC-Webhook-Signature": signature(SECRET, deleted)})
        assert answer.status_code == 200 and answer.json()["cancelled"] == 1
    woo_order = the_order(ctx, "727", "woocommerce")
    assert woo_order.status == "cancelled"
    assert events(ctx, woo_order.number)[-1][1]["channel_status"] == "deleted"
