"""The bulk writer against real databases: rows read back exactly as the ORM would have stored them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import inspect, select, text

from app.demo.seed import BULK_KEEP, BULK_TABLES, seed_reference
from db.bulk import indexes_deferred, insert_rows, update_rows
from db.models import Customer, Replenishment, Stock
from db.session import fresh_database_load

SHANGHAI_TIME = timezone(timedelta(hours=8))


def test_inserted_rows_read_back_like_orm_rows(ctx):
    at = datetime(2026, 11, 20, 17, 30, 0, tzinfo=SHANGHAI_TIME)  # no microseconds: the format must still hold them
    with ctx.sessions() as s, s.begin():
        s.add(Customer(email="orm@example.com", name="ORM", created_at=at))
        insert_rows(s, Customer.__table__, [
            {"email": "bulk@example.com", "name": "批量", "phone": "", "credit_standing": "good", "blocked_reason": "",
             "orders_count": 0, "spent_cents": 0, "returns_count": 0, "chargebacks_count": 0, "points_balance": 0,
             "created_at": at},
        ])
    with ctx.sessions() as s:
        stored = dict(s.execute(select(Customer.email, Customer.created_at)).all())
        raw = dict(s.execute(text("SELECT email, CAST(created_at AS TEXT) FROM customers")).all())
    assert stored["bulk@example.com"] == stored["orm@example.com"] == at
    assert raw["bulk@example.com"] == raw["orm@example.com"]  # the same text, so comparisons in SQL agree


def test_json_and_dates_round_trip(ctx):
    seed_reference(ctx, seed=1)
    with ctx.sessions() as s, s.begin():
        product_id, warehouse_id = s.execute(select(Stock.product_id, Stock.warehouse_id).limit(1)).one()
        insert_rows(s, Replenishment.__table__, [
            {"product_id": product_id, "warehouse_id": warehouse_id, "order_id": None, "quantity": 7, "status": "requested",
             "requested_at": datetime(2026, 11, 20, tzinfo=UTC), "expected_on": date(2026, 12, 1)},
        ])
    with ctx.sessions() as s:
        row = s.execute(select(Replenishment.quantity, Replenishment.expected_on).where(Replenishment.quantity == 7)).one()
    assert tuple(row) == (7, date(2026, 12, 1))


def test_keyed_update_sets_and_adds(ctx):
    seed_reference(ctx, seed=1)
    with ctx.sessions() as s:
        first, second = s.execute(select(Stock.id, Stock.on_hand, Stock.reserved).order_by(Stock.id).limit(2)).all()
    with ctx.sessions() as s, s.begin():
        update_rows(s, Stock.__table__, "id", [
            {"id": first.id, "reserved": 5, "on_hand": -5},
            {"id": second.id, "reserved": 2, "on_hand": 0},
        ], add=("reserved", "on_hand"))
        update_rows(s, Customer.__table__, "id", [])  # nothing to do is fine
    with ctx.sessions() as s, s.begin():
        update_rows(s, Stock.__table__, "id", [{"id": second.id, "on_hand": 11}])  # set, not add
    with ctx.sessions() as s:
        after = {r.id: (r.on_hand, r.reserved) for r in s.execute(select(Stock.id, Stock.on_hand, Stock.reserved).where(Stock.id.in_([first.id, second.id])))}
    assert after == {first.id: (first.on_hand - 5, first.reserved + 5), second.id: (11, second.reserved + 2)}


def _indexes(engine) -> dict[str, set[tuple]]:
    found = {}
    for table in BULK_TABLES:
        found[table] = {(i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspect(engine).get_indexes(table)}
    return found


def test_bulk_load_defers_plain_indexes_and_restores_the_schema(ctx):
    before = _indexes(ctx.engine)
    with fresh_database_load(ctx.engine), indexes_deferred(ctx.engine, BULK_TABLES, keep=BULK_KEEP):
        during = _indexes(ctx.engine)
        if ctx.is_sqlite:
            with ctx.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 0  # OFF
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
                # The journal in memory still rolls a failed batch back (intake retries it).
                versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version ORDER BY 1").all()
                connection.rollback()  # end the transaction the reads began
                with connection.begin() as transaction:
                    connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num || '-half-written'")
                    transaction.rollback()
                assert connection.exec_driver_sql("SELECT version_num FROM alembic_version ORDER BY 1").all() == versions
    assert _indexes(ctx.engine) == before
    with ctx.engine.connect() as connection:
        if ctx.is_sqlite:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL again
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"  # the file is WAL again
    if ctx.is_sqlite:
        assert all(unique or name in BULK_KEEP for table in during.values() for name, _, unique in table)
        assert any(not unique for table in before.values() for _, _, unique in table)
    else:
        assert during == before  # PostgreSQL is left as it is
