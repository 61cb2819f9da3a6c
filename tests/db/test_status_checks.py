"""Statuses are defined once (app.domain.lifecycle): the models build their CHECKs from it, the migrated schema
holds the same lists, and the database itself refuses a status it does not know, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import CheckConstraint, insert, inspect, text
from sqlalchemy.exc import IntegrityError

from app.domain import lifecycle
from db import migrate
from db.models import Base
from db.session import make_engine

# (table, column, the one definition)
STATUS_COLUMNS = [
    ("orders", "status", lifecycle.ORDER_STATUSES),
    ("parcels", "status", lifecycle.PARCEL_STATUSES),
    ("returns", "status", lifecycle.RETURN_STATUSES),
    ("print_jobs", "state", lifecycle.PRINT_JOB_STATES),
    ("replenishments", "status", lifecycle.REPLENISHMENT_STATUSES),
    ("deliveries", "status", lifecycle.DELIVERY_STATUSES),
    ("receipt_entries", "state", lifecycle.RECEIPT_STATES),
]
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _values(sqltext: str, column: str) -> set[str]:
    """The words of ``status IN ('a', 'b')``, or of PostgreSQL's own spelling of it when reflected:
    ``(status)::text = ANY (ARRAY['a'::character varying, ...])``."""
    match = re.fullmatch(rf"\(*\s*{column}\)?(?:::text)?\s+(?:IN\s*\(|=\s*ANY\s*\(\s*\(?ARRAY\[)(.*)", sqltext.strip(), re.S | re.I)
    assert match, f"not an IN list over {column}: {sqltext}"
    return set(re.findall(r"'([^']*)'", match.group(1)))


def _model_check(table: str, column: str) -> set[str]:
    checks = [c for c in Base.metadata.tables[table].constraints
              if isinstance(c, CheckConstraint) and str(c.sqltext).startswith(f"{column} IN")]
    assert len(checks) == 1, f"{table}.{column}: {len(checks)} status CHECKs in the model"
    return _values(str(checks[0].sqltext), column)


@pytest.mark.parametrize(("table", "column", "statuses"), STATUS_COLUMNS)
def test_the_models_checks_come_from_lifecycle(table, column, statuses):
    assert len(set(statuses)) == len(statuses)
    assert _model_check(table, column) == set(statuses)


def test_the_migrated_schema_has_the_same_lists_as_the_models(ctx):
    inspector = inspect(ctx.engine)
    for table, column, statuses in STATUS_COLUMNS:
        found = [c for c in inspector.get_check_constraints(table) if c["name"] == f"ck_{table}_known_{column}"]
        assert len(found) == 1, f"{table}: no ck_{table}_known_{column} in the migrated schema"
        assert _values(found[0]["sqltext"], column) == set(statuses) == _model_check(table, column), table


def _setup(conn) -> None:
    conn.execute(text("INSERT INTO products (id, sku, name_en, name_zh, category, price_cents, weight_g, fragile, "
                      "high_value, hazmat, liquid, restricted, tracks_lot, tracks_serial, tracks_expiry, active) "
                      "VALUES (1, 'A', 'A', '', '', 1, 1, false, false, false, false, false, false, false, false, true)"))


def _insert(conn, table: str, status: str, key: int) -> None:
    """One row through SQLAlchemy Core, so the models' defaults fill the other columns and only the status is tried."""
    values = {
        "orders": dict(number=f"T-{key}", channel="web", external_id=f"T-{key}", placed_at=NOW, status=status),
        "replenishments": dict(product_id=1, quantity=5, status=status),
        "print_jobs": dict(idempotency_key=f"k{key}", station="S", document_kind="label", printer="file:///tmp",
                           format="pdf", payload=b"%PDF", state=status),
    }[table]
    conn.execute(insert(Base.metadata.tables[table]).values(**values))


@pytest.mark.parametrize("table", ["orders", "replenishments", "print_jobs"])
def test_the_database_refuses_an_unknown_status_and_takes_every_known_one(ctx, table):
    column, statuses = next((c, s) for t, c, s in STATUS_COLUMNS if t == table)
    with ctx.engine.begin() as conn:
        _setup(conn)
        for key, status in enumerate(statuses):
            _insert(conn, table, status, key)
    for bad in ("shipped_maybe", "", "Received", "x');DROP--"):
        with ctx.engine.connect() as conn, pytest.raises(IntegrityError, match=f"known_{column}|CHECK|check"):
            _insert(conn, table, bad, 999)
    with ctx.engine.connect() as conn:
        assert conn.scalar(text(f"SELECT count(*) FROM {table}")) == len(statuses)
        with pytest.raises(IntegrityError):
            conn.execute(text(f"UPDATE {table} SET {column} = 'lost'"))


def test_the_migration_names_bad_rows_and_changes_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate.upgrade(engine, "0018_order_references")
        with engine.begin() as conn:
            _setup(conn)
            conn.execute(text("INSERT INTO replenishments (product_id, quantity, status, requested_at) "
                              "VALUES (1, 5, 'lost', :at)"), {"at": NOW})
        with pytest.raises(RuntimeError, match="replenishments.status holds 'lost'"):
            migrate.upgrade(engine, "0019_status_checks")
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT status FROM replenishments")) == "lost"
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0018_order_references"
            conn.execute(text("UPDATE replenishments SET status = 'ordered'"))
            conn.commit()
        migrate.upgrade(engine, "0019_status_checks")
        with engine.connect() as conn, pytest.raises(IntegrityError):
            conn.execute(text("UPDATE replenishments SET status = 'lost'"))
    finally:
        engine.dispose()
