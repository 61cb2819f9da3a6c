"""Migration 0020_staff on a database made before it (SQLite and PostgreSQL): clear badge codes become their keyed
hashes (the code gone from the row), log-in by badge keeps working, one role stays one role, several become
possible, a warehouse may lose its coordinates."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.admin.auth import login_by_badge
from app.admin.badges import badge_hash
from db import migrate
from db.session import make_engine, make_session_factory
from tests.conftest import require_backend
from tests.helpers.databases import _libpq, _with_database, postgres_admin_url


@pytest.fixture(params=["sqlite", "postgresql"])
def old_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    require_backend("postgresql")
    name = f"station_m_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(postgres_admin_url()), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _with_database(postgres_admin_url(), name)
    with psycopg.connect(_libpq(postgres_admin_url()), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_clear_badges_become_keyed_hashes(old_url):
    engine = make_engine(old_url)
    try:
        migrate.upgrade(engine, "0018_order_references")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (username, display_name, role, badge_code, pin_hash, language, active) "
                              "VALUES ('old1', 'Old One', 'packer', 'BADGE-OLD-1', 'x', '', true), "
                              "('old2', 'Old Two', 'admin', NULL, 'x', '', true)"))
            conn.execute(text("INSERT INTO warehouses (code, name, country, region, city, postcode, latitude, "
                              "longitude, daily_capacity, active) VALUES ('W1', 'W', 'CN', '', '', '', 1, 2, 10, true)"))
        migrate.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT username, role, badge_hash FROM users ORDER BY username")).all()
            assert rows == [("old1", "packer", badge_hash("BADGE-OLD-1")), ("old2", "admin", None)]
            assert "badge_code" not in [c for c in conn.execute(text("SELECT * FROM users")).keys()]
        with make_session_factory(engine)() as s:
            assert login_by_badge(s, "BADGE-OLD-1").username == "old1"
        with engine.begin() as conn:
            conn.execute(text("UPDATE users SET role = 'packer,shipping' WHERE username = 'old1'"))
            conn.execute(text("UPDATE warehouses SET latitude = NULL, longitude = NULL"))
        for bad in ("shipping,packer", "chef", "packer,packer", ""):
            with engine.connect() as conn, pytest.raises(IntegrityError):
                conn.execute(text("UPDATE users SET role = :r WHERE username = 'old2'"), {"r": bad})
    finally:
        engine.dispose()
