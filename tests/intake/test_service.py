"""Intake through rules and confirmation, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.config import Settings
from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder, RecordError
from app.intake.service import import_records
from db.models import Customer, Order, OrderEvent, OrderLine, Replenishment, Reservation, Stock
from tests.helpers.reference import RESTOCK_DAY, seed_small_warehouse

SHANGHAI = IncomingAddress(name="李雷", address1="世纪大道100号", city="上海市", region="上海市", postcode="200120", country="CN", phone="13800000000")
BEIJING = IncomingAddress(name="Han Meimei", address1="1 Chang'an Ave", city="Beijing", region="Beijing", postcode="100006", country="CN")


def incoming(external_id: str, lines, address=SHANGHAI, paid=True, priority=0, **extra) -> IncomingOrder:
    goods = sum(q * p for _, q, p in lines)
    values = dict(
        channel="web",
        external_id=external_id,
        placed_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        lines=[IncomingLine(sku=s, quantity=q, unit_price_cents=p) for s, q, p in lines],
        ship_to=address,
        customer_email=f"c{external_id}@example.com",
        goods_cents=goods,
        paid_cents=goods if paid else 0,
        payment_status="paid" if paid else "pending",
        priority=priority,
        record=f"order {external_id}",
    )
    values.update(extra)
    return IncomingOrder(**values)


def test_clean_order_is_confirmed_reserved_and_allocated_nearest(ctx):
    seed_small_warehouse(ctx)
    summary = import_records(ctx.sessions, Settings(), [incoming("1", [("MUG", 2, 1500)], address=BEIJING)])
    assert summary.imported == 1 and summary.rejected == []
    with ctx.sessions() as s:
        order = s.scalar(select(Order))
        assert order.status == "allocated"
        assert order.warehouse.code == "BJ"  # nearer to the Beijing address than Shanghai
        kinds = [e.kind for e in s.scalars(select(OrderEvent).order_by(OrderEvent.id))]
        assert kinds == ["received", "confirmed", "allocated"]
        assert s.scalar(select(func.sum(Reservation.quantity))) == 2
        assert s.scalar(select(func.sum(Stock.reserved))) == 2


def test_flagged_orders_wait_in_review_with_reasons(ctx):
    seed_small_warehouse(ctx)
    records = [
        incoming("2", [("MUG", 1, 1500)], paid=False),
        incoming("3", [("NOPE", 1, 1500)]),
        incoming("4", [("MUG", 1, 1500)], address=IncomingAddress(name="X", address1="", city="上海", region="上海", postcode="2001", country="CN")),
        incoming("5", [("MUG", 1, 1500)], paid_cents=1),
    ]
    summary = import_records(ctx.sessions, Settings(), records)
    assert summary.imported == 4
    with ctx.sessions() as s:
        flags = {(o.external_id, f.code) for o in s.scalars(select(Order)) for f in o.flags}
        statuses = {o.external_id: o.status for o in s.scalars(select(Order))}
    assert set(statuses.values()) == {"review"}
    assert ("2", "unpaid") in flags
    assert ("3", "unknown_sku") in flags
    assert ("4", "address_incomplete") in flags and ("4", "address_invalid") in flags
    assert ("5", "payment_mismatch") in flags


def test_reimport_is_idempotent_and_bad_records_are_named(ctx):
    seed_small_warehouse(ctx)
    records = [incoming("6", [("MUG", 1, 1500)]), RecordError("line 9", "lines[0].quantity: 'x' is not a whole number"),
               incoming("7", [("MUG", 0, 1500)])]
    first = import_records(ctx.sessions, Settings(), records)
    assert first.imported == 1
    assert {"record": "line 9", "error": "lines[0].quantity: 'x' is not a whole number"} in first.rejected
    assert any(r["record"] == "order 7" and "quantity" in r["error"] for r in first.rejected)
    second = import_records(ctx.sessions, Settings(), records[:1])
    assert second.imported == 0 and second.duplicates == 1
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 1
        assert s.scalar(select(func.count()).select_from(OrderLine)) == 1


def test_short_stock_backorders_with_restock_date_and_substitutes(ctx):
    seed_small_warehouse(ctx)
    summary = import_records(ctx.sessions, Settings(), [incoming("8", [("LAMP", 5, 9900)])])
    assert summary.imported == 1
    with ctx.sessions() as s:
        order = s.scalar(select(Order))
        assert order.status == "backordered"
        event = s.scalar(select(OrderEvent).where(OrderEvent.kind == "backordered"))
        short = event.data["short"][0]
        assert short["sku"] == "LAMP" and short["needed"] == 5 and short["available"] == 2
        assert short["substitutes"] == ["LAMP-XL"]
        assert short["expected_restock"] == RESTOCK_DAY.isoformat()
        assert s.scalar(select(Replenishment.quantity).where(Replenishment.order_id == order.id)) == 3
        assert s.scalar(select(func.sum(Stock.reserved))) == 0


def test_never_oversells_within_a_batch(ctx):
    seed_small_warehouse(ctx)
    records = [incoming(str(100 + i), [("LAMP", 1, 9900)]) for i in range(5)]
    import_records(ctx.sessions, Settings(), records)
    with ctx.sessions() as s:
        statuses = sorted(o.status for o in s.scalars(select(Order)))
        assert statuses.count("allocated") == 2 and statuses.count("backordered") == 3
        for stock in s.scalars(select(Stock)):
            assert stock.reserved <= stock.on_hand


def test_urgent_order_goes_to_nearest_warehouse_even_when_loaded(ctx):
    seed_small_warehouse(ctx, bj_capacity=1)
    import_records(ctx.sessions, Settings(), [incoming("20", [("MUG", 1, 1500)], address=BEIJING)])
    import_records(ctx.sessions, Settings(), [incoming("21", [("MUG", 1, 1500)], address=BEIJING, priority=0),
                                              incoming("22", [("MUG", 1, 1500)], address=BEIJING, priority=2)])
    with ctx.sessions() as s:
        where = {o.external_id: o.warehouse.code for o in s.scalars(select(Order))}
    assert where["20"] == "BJ"
    assert where["21"] == "SH"  # BJ is full: a normal order goes to the idle warehouse
    assert where["22"] == "BJ"  # urgent: nearest with stock, whatever its load


def test_customers_are_created_once_and_count_every_order(ctx):
    seed_small_warehouse(ctx)
    first = [incoming("c1", [("MUG", 1, 1500)], customer_email="Repeat@Example.com"),
             incoming("c2", [("MUG", 2, 1500)], customer_email="repeat@example.com")]
    import_records(ctx.sessions, Settings(), first)
    # A later batch finds the customer and adds to the counts.
    import_records(ctx.sessions, Settings(), [incoming("c3", [("MUG", 1, 1500)], customer_email="repeat@example.com")])
    with ctx.sessions() as s:
        customers = s.execute(select(Customer.email, Customer.orders_count, Customer.spent_cents)).all()
        owner = set(s.scalars(select(Order.customer_id)))
    assert [tuple(c) for c in customers] == [("repeat@example.com", 3, 1500 + 3000 + 1500)]
    assert len(owner) == 1 and None not in owner
