"""The demo seed's bulk-load mode (fresh database: bulk pragmas, indexes built at the end) changes how fast the
database fills, nothing in what it holds."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from app.context import open_context
from app.demo import seed as demo
from db.models import Customer, Order, OrderEvent, Reservation, Stock
from db.models.shipping import Parcel


def _contents(ctx) -> dict:
    with ctx.sessions() as s:
        return {
            "statuses": dict(s.execute(select(Order.status, func.count()).group_by(Order.status)).all()),
            "events": dict(s.execute(select(OrderEvent.kind, func.count()).group_by(OrderEvent.kind)).all()),
            "reserved": s.scalar(select(func.sum(Stock.reserved))),
            "on_hand": s.scalar(select(func.sum(Stock.on_hand))),
            "reservations": s.scalar(select(func.count()).select_from(Reservation)),
            "parcels": s.scalar(select(func.count()).select_from(Parcel)),
            "customers": s.execute(select(Customer.email, Customer.orders_count, Customer.spent_cents).order_by(Customer.email)).all(),
        }


def _indexes(ctx) -> set[tuple]:
    inspector = inspect(ctx.engine)
    return {(table, i["name"], tuple(i["column_names"]), bool(i["unique"]))
            for table in demo.BULK_TABLES for i in inspector.get_indexes(table)}


def test_bulk_load_fills_the_same_database(ctx, database_factory):
    other_url = database_factory.create(ctx.backend)
    other = open_context(other_url, migrate_schema=False)
    try:
        indexes = _indexes(ctx)
        demo.seed(ctx, orders=400, seed=5, bulk_load=True)
        demo.seed(other, orders=400, seed=5, bulk_load=False)
        bulk, plain = _contents(ctx), _contents(other)
        assert bulk == plain
        assert sum(bulk["statuses"].values()) == 400 and bulk["parcels"] > 0
        assert _indexes(ctx) == indexes  # every index is back
    finally:
        other.dispose()
        database_factory.drop(other_url)
