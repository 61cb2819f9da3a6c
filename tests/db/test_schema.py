from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.uow import UnitOfWork
from db import migrate
from db.models import Order, OrderEvent, OrderLine


def _order(**overrides) -> Order:
    values = dict(number="T-1", channel="web", external_id="1", placed_at=datetime.now(UTC))
    values.update(overrides)
    return Order(**values)


def test_schema_is_current(ctx):
    assert migrate.is_current(ctx.engine)


def test_channel_and_external_id_are_unique_together(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        uow.session.add(_order())
        uow.session.add(_order(number="T-2"))
        with pytest.raises(IntegrityError):
            uow.commit()


def test_timeline_is_append_only(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        order = _order(lines=[OrderLine(line_no=1, sku="A", quantity=1)])
        uow.session.add(order)
        uow.session.flush()
        uow.session.add(OrderEvent(order_id=order.id, kind="received", data={}))
        uow.commit()
    for statement in ("UPDATE order_events SET kind = 'x'", "DELETE FROM order_events"):
        with ctx.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))


def test_stock_reserved_never_exceeds_on_hand(ctx):
    with ctx.engine.connect() as conn:
        conn.execute(text("INSERT INTO warehouses (code, name, country, region, city, postcode, latitude, longitude, daily_capacity, active) VALUES ('W', 'W', 'CN', '', '', '', 0, 0, 1, true)"))
        conn.execute(text("INSERT INTO bins (warehouse_id, code, zone, aisle, position, side, level, quarantine) VALUES (1, 'A01-01-1', 'A', 1, 1, 'L', 1, false)"))
        conn.execute(text("INSERT INTO products (sku, name_en, name_zh, category, price_cents, weight_g, fragile, high_value, hazmat, liquid, restricted, tracks_lot, tracks_serial, tracks_expiry, active) VALUES ('A', 'A', '', '', 1, 1, false, false, false, false, false, false, false, false, true)"))
        with pytest.raises(IntegrityError):
            conn.execute(text("INSERT INTO stock (product_id, bin_id, warehouse_id, on_hand, reserved) VALUES (1, 1, 1, 1, 2)"))


def test_order_version_increments_on_update(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        order = _order()
        uow.session.add(order)
        uow.commit()
        assert order.version == 1
        order.priority = 2
        uow.commit()
        assert order.version == 2
