"""Issue 19, item 2: least privilege in PostgreSQL, tried with real logins.

``station db roles`` makes the owner, one role a station role and one for ``station serve``; a station login owns
no table, so it cannot TRUNCATE the timeline, disable its append-only trigger, make a packer an administrator or
read a badge's hash or a PIN's hash; the timeline and the stock ledger take INSERT only; reference data is the
administrator's. And the station still works under such a login: a packer's login packs an order to its label."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.cli.main import main
from app.context import open_context
from app.packing.answers import COMPLETE
from app.packing.service import PackService
from app.uow import Actor
from db.models import Order, User
from tests.conftest import require_backend
from tests.packing.factories import make_bench, make_order


@pytest.fixture
def pg(database_factory):
    """A fresh migrated PostgreSQL database with the packing bench's data, its roles made by ``station db roles``
    (a prefix of its own: roles are the whole server's), and three logins: a packer, an administrator, the web."""
    require_backend("postgresql")
    url = database_factory.create("postgresql")
    ctx = open_context(url, migrate_schema=False)
    with ctx.sessions() as s:
        make_bench(s)
        for user in s.scalars(select(User)):
            user.pin = "1234"  # as 'station users set-pin' sets it: both hashes
        s.commit()
    ctx.dispose()
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    logins = {"packer": f"{prefix}bench1", "admin": f"{prefix}office", "web": f"{prefix}site"}
    argv = ["--db", url, "db", "roles", "--prefix", prefix, "--json"]
    for role, name in logins.items():
        argv += ["--login", f"{name}:{role}"]
    assert main(argv) == 0
    yield url, prefix, logins
    database_factory.drop(url)
    admin = make_url(url).set(database="postgres").set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in (*logins.values(), *(f"{prefix}{r}" for r in
                                         ("owner", "packer", "shipping", "supervisor", "service", "admin", "web"))):
            conn.execute(f'DROP OWNED BY "{name}" CASCADE') if name.endswith("owner") else None
            conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def _as(url: str, login: str) -> str:
    return make_url(url).set(username=login, password=None).render_as_string(hide_password=False)


def _refused(url: str, login: str, statement: str) -> str:
    """Run ``statement`` as ``login``: the error PostgreSQL gives (it must give one)."""
    dsn = make_url(_as(url, login)).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(statement)
        return str(caught.value)


def test_a_station_login_cannot_do_what_its_role_may_not(pg):
    url, prefix, logins = pg
    packer = logins["packer"]
    assert "permission denied" in _refused(url, packer, "TRUNCATE order_events")
    assert "must be owner" in _refused(url, packer, "ALTER TABLE order_events DISABLE TRIGGER ALL")
    assert "permission denied" in _refused(url, packer, "UPDATE users SET role = 'admin'")
    assert "permission denied" in _refused(url, packer, "SELECT badge_hash FROM users")
    assert "permission denied" in _refused(url, packer, "SELECT pin_hash FROM users")
    assert "permission denied" in _refused(url, packer, "DELETE FROM stock_ledger")
    assert "permission denied" in _refused(url, packer, "UPDATE stock_ledger SET delta = 0")
    assert "permission denied" in _refused(url, packer, "INSERT INTO products (sku, name_en) VALUES ('X', 'x')")
    assert "permission denied" in _refused(url, packer, "CREATE TABLE mine (id int)")
    assert "must be owner" in _refused(url, packer, "DROP TABLE orders")
    # The administrator writes reference data but reads no secret either; the web login owns nothing either.
    assert "permission denied" in _refused(url, logins["admin"], "SELECT pin_hash FROM users")
    assert "permission denied" in _refused(url, logins["web"], "TRUNCATE stock_ledger")
    assert "must be owner" in _refused(url, logins["web"], "ALTER TABLE stock_ledger OWNER TO CURRENT_USER")


def test_a_badge_logs_in_without_its_hash_being_readable(pg):
    from app.admin.badges import badge_hash

    url, prefix, logins = pg
    dsn = make_url(_as(url, logins["packer"])).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT username, role FROM station_login_badge(%s)", (badge_hash("B-SUPER"),)).fetchone()
        assert row == ("boss", "supervisor")
        assert conn.execute("SELECT count(*) FROM station_login_badge(%s)", (badge_hash("nope"),)).fetchone() == (0,)
        assert conn.execute("SELECT username FROM users ORDER BY username").fetchall() == [("boss",), ("packer1",)]


def test_the_log_in_screen_works_under_a_station_login(pg):
    from app.admin.auth import LockedOut, user_by_badge, user_by_pin
    from app.errors import PermissionDenied

    url, prefix, logins = pg
    ctx = open_context(_as(url, logins["packer"]), migrate_schema=False)
    try:
        assert user_by_badge(ctx.sessions, "B-SUPER", station="PACK-1").username == "boss"
        assert user_by_pin(ctx.sessions, "packer1", "1234", station="PACK-1").role == "packer"
        with pytest.raises(PermissionDenied):
            user_by_pin(ctx.sessions, "packer1", "9999", station="PACK-1")
        with pytest.raises(PermissionDenied):
            user_by_pin(ctx.sessions, "nobody", "1234", station="PACK-1")
        with pytest.raises(PermissionDenied):
            user_by_badge(ctx.sessions, "B-NOPE", station="PACK-1")
        for _ in range(5):  # the lock-out holds under the login too
            with pytest.raises(PermissionDenied):
                user_by_pin(ctx.sessions, "boss", "0000", station="PACK-1")
        with pytest.raises(LockedOut):
            user_by_pin(ctx.sessions, "boss", "1234", station="PACK-1")
    finally:
        ctx.dispose()


def test_a_packers_login_packs_an_order_to_its_label(pg):
    url, prefix, logins = pg
    setup = open_context(url, migrate_schema=False)
    with setup.sessions() as s:
        number = make_order(s, [("P-MUG", 1), ("P-BOOK", 2)]).number
        s.commit()
        gtins = {p: g for p, g in (("P-MUG", "06901234900019"), ("P-BOOK", "06901234900064"))}
    setup.dispose()
    ctx = open_context(_as(url, logins["packer"]), migrate_schema=False)
    try:
        service = PackService(ctx.sessions, ctx.settings, "PACK-1", Actor(station="PACK-1", user="packer1", role="packer"),
                              print_dispatch=lambda jobs: None)
        service.open(number)
        assert service.scan(gtins["P-MUG"]).verdict == "ok"
        service.scan(gtins["P-BOOK"])
        done = service.scan(gtins["P-BOOK"])
        assert done.verdict == COMPLETE, done
        with ctx.sessions() as s:
            assert s.scalar(select(Order.status).where(Order.number == number)) in ("packed", "labelled")
            assert s.scalar(select(User.username).where(User.username == "boss")) == "boss"
    finally:
        ctx.dispose()


def test_station_db_roles_is_idempotent_and_refuses_sqlite(pg, tmp_path, capsys):
    url, prefix, logins = pg
    capsys.readouterr()
    assert main(["--db", url, "db", "roles", "--prefix", prefix, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["created"] == [] and "order_events" in again["tables"]
    one = f"sqlite:///{tmp_path / 'one.db'}"
    assert main(["--db", one, "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--db", one, "db", "roles"]) != 0
    assert "roles are PostgreSQL's" in capsys.readouterr().err
