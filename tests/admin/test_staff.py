"""Staff, stations and warehouses through their services, on SQLite and PostgreSQL: roles, badges by keyed hash,
PIN rules, refusals naming the field and changing nothing, deactivation signing the user out everywhere."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pytest
from sqlalchemy import select, text

from app.admin import queries, sites, staff
from app.admin.auth import has_role, login_by_badge, login_by_pin
from app.admin.badges import badge_hash
from app.config import badge_key, data_dir
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.uow import Actor
from db.models import ChangeLog, Station, User

ADMIN = Actor(station="STATION-1", user="boss", role="admin")


@pytest.fixture
def sessions(ctx):
    staff.add_user(ctx.sessions, "boss", "The Boss", "admin", "2580", Actor.system())
    return ctx.sessions


def test_a_user_with_several_roles_badge_and_language(sessions):
    view = staff.add_user(sessions, "mei", "王美 Mei", "shipping,packer", "4826", ADMIN, badge="BADGE-MEI",
                          language="zh_CN")
    assert view.roles == ("packer", "shipping") and view.role == "packer,shipping"
    assert view.as_json() == {"username": "mei", "name": "王美 Mei", "role": "packer,shipping",
                              "roles": ["packer", "shipping"], "active": True, "language": "zh_CN", "badge": True}
    with sessions() as s:
        user = login_by_badge(s, " BADGE-MEI ")
        assert user.username == "mei"
        assert has_role(user.role, "shipping") and has_role(user.role, "packer")
        assert not has_role(user.role, "supervisor") and not has_role(user.role, "admin")
        assert login_by_pin(s, "mei", "4826").username == "mei"
        # The code itself is nowhere in the row: only its keyed hash.
        row = s.execute(text("SELECT * FROM users WHERE username = 'mei'")).mappings().one()
        assert "BADGE-MEI" not in " ".join(str(v) for v in row.values())
        assert row["badge_hash"] == hmac.new(badge_key(), b"BADGE-MEI", hashlib.sha256).hexdigest()
        with pytest.raises(PermissionDenied):
            login_by_badge(s, badge_hash("BADGE-MEI"))  # the hash is no badge


def test_the_key_file_is_made_once_and_only_its_owner_reads_it():
    key = badge_key()
    path = data_dir() / "badge.key"
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert badge_key() == key and len(key) >= 32


@pytest.mark.parametrize("pin, why", [("123", "4 to 12 digits"), ("12a4", "4 to 12 digits"),
                                      ("7777", "one digit repeated"), ("", "4 to 12 digits")])
def test_a_weak_pin_is_refused_naming_the_field(sessions, pin, why):
    with pytest.raises(InvalidInput, match=f"user kim: pin: .*{why}"):
        staff.add_user(sessions, "kim", "Kim", "packer", pin, ADMIN)
    assert queries.user(sessions, "kim") is None


def test_an_unknown_role_a_duplicate_badge_and_a_taken_name_are_refused(sessions):
    staff.add_user(sessions, "ann", "Ann", "packer", "1357", ADMIN, badge="B-1")
    with pytest.raises(InvalidInput, match="user bo: role: no role 'chef'"):
        staff.add_user(sessions, "bo", "Bo", "packer,chef", "1357", ADMIN)
    with pytest.raises(InvalidInput, match="user bo: badge: that badge is already ann's"):
        staff.add_user(sessions, "bo", "Bo", "packer", "1357", ADMIN, badge="B-1")
    with pytest.raises(InvalidInput, match="user ann: username: there is already a user ann"):
        staff.add_user(sessions, "ann", "Ann 2", "packer", "1357", ADMIN)
    with pytest.raises(InvalidInput, match="user bo: language"):
        staff.add_user(sessions, "bo", "Bo", "packer", "1357", ADMIN, language="fr")
    with pytest.raises(InvalidInput, match="username"):
        staff.add_user(sessions, "<script>", "Bo", "packer", "1357", ADMIN)
    staff.add_user(sessions, "bo", "Bo", "packer", "1357", ADMIN, badge="B-2")
    with pytest.raises(InvalidInput, match="user bo: badge: that badge is already ann's"):
        staff.set_user(sessions, "bo", ADMIN, badge="B-1")
    with pytest.raises(InvalidInput, match="user bo: role: no role 'root'"):
        staff.set_user(sessions, "bo", ADMIN, roles="root", name="Changed")
    assert queries.user(sessions, "bo").name == "Bo"  # nothing half-written
    with sessions() as s:
        assert login_by_badge(s, "B-2").username == "bo"


def test_only_an_admin_manages_staff(sessions):
    staff.add_user(sessions, "sup", "Sup", "supervisor", "1357", ADMIN)
    sup = Actor(station="STATION-1", user="sup", role="supervisor")
    with pytest.raises(PermissionDenied):
        staff.add_user(sessions, "x", "X", "packer", "1357", sup)
    with pytest.raises(PermissionDenied):
        staff.set_pin(sessions, "boss", "1357", sup)
    staff.set_pin(sessions, "sup", "8642", sup)  # one's own PIN
    with sessions() as s:
        assert login_by_pin(s, "sup", "8642")
    with pytest.raises(InvalidInput, match="user boss: active: you cannot deactivate yourself"):
        staff.set_user(sessions, "boss", ADMIN, active=False)


def test_deactivating_signs_the_user_out_of_every_station_and_stops_log_in(ctx, sessions):
    from app.orders.supervision import sign_in

    staff.add_user(sessions, "pat", "Pat", "packer", "1357", ADMIN, badge="B-PAT")
    sites.add_station(sessions, "BENCH-1", ADMIN)
    sites.add_station(sessions, "BENCH-2", ADMIN)
    pat = queries.user_id(sessions, "pat")
    sign_in(sessions, "BENCH-1", pat)
    sign_in(sessions, "BENCH-2", pat)
    assert staff.still_signed_in(sessions, "BENCH-1", pat)
    with sessions() as s:
        seen = s.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1))
    change = staff.set_user(sessions, "pat", ADMIN, active=False)
    assert sorted(change.signed_out_at) == ["BENCH-1", "BENCH-2"]
    assert not staff.still_signed_in(sessions, "BENCH-1", pat)
    with sessions() as s:
        assert s.scalar(select(Station.user_id).where(Station.name == "BENCH-2")) is None
        notices = {(c.topic, c.key) for c in s.scalars(select(ChangeLog).where(ChangeLog.id > seen))}
        assert {("station", "BENCH-1"), ("station", "BENCH-2"), ("user", "pat")} <= notices
        with pytest.raises(PermissionDenied):
            login_by_badge(s, "B-PAT")
        with pytest.raises(PermissionDenied):
            login_by_pin(s, "pat", "1357")
    staff.set_user(sessions, "pat", ADMIN, active=True, badge=None)
    with sessions() as s:
        assert login_by_pin(s, "pat", "1357").username == "pat"
        assert s.scalar(select(User.badge_hash).where(User.username == "pat")) is None


def test_stations_and_warehouses(sessions):
    wh = sites.add_warehouse(sessions, "sz1", "Shenzhen 1", ADMIN, country="cn", address="1 Keyuan Rd",
                             city="Shenzhen", name_zh="深圳一号仓")
    assert wh.code == "SZ1" and wh.latitude is None  # coordinates are optional
    sites.add_station(sessions, "BENCH-7", ADMIN, warehouse="SZ1", kind="pack")
    sites.add_station(sessions, "DESK-1", ADMIN, kind="ship")
    rows = {r.name: r for r in queries.stations(sessions)}
    assert rows["BENCH-7"].as_json() == {"name": "BENCH-7", "warehouse": "SZ1", "kind": "pack", "user": None,
                                        "printers": {}, "devices": None}
    assert rows["DESK-1"].warehouse is None
    with pytest.raises(InvalidInput, match="station BENCH-7: name: there is already a station BENCH-7"):
        sites.add_station(sessions, "BENCH-7", ADMIN)
    with pytest.raises(NotFound, match="station B9: warehouse: no warehouse NOPE"):
        sites.add_station(sessions, "B9", ADMIN, warehouse="NOPE")
    with pytest.raises(InvalidInput, match="station B9: kind: 'forklift'"):
        sites.add_station(sessions, "B9", ADMIN, kind="forklift")
    with pytest.raises(InvalidInput, match="warehouse SZ1: code: there is already"):
        sites.add_warehouse(sessions, "SZ1", "Again", ADMIN)
    with pytest.raises(InvalidInput, match="warehouse X: latitude/longitude: give both or neither"):
        sites.add_warehouse(sessions, "X", "X", ADMIN, latitude=1.0)
    assert "B9" not in queries.station_names(sessions)
    with sessions() as s, pytest.raises(NotFound, match="no station named BENCH-9: register it with "
                                                          "'station stations add BENCH-9'"):
        sites.require_station(s, "BENCH-9")


def test_printers_of_any_station_and_a_test_page_on_its_queue(ctx, sessions):
    from app.shipping import printqueue

    sites.add_station(sessions, "BENCH-7", ADMIN)
    sites.set_station_printer(sessions, "BENCH-7", "label", "file:///tmp/bench7", ADMIN, fmt="zpl", dpi=300)
    row = next(r for r in queries.stations(sessions) if r.name == "BENCH-7")
    assert [(p.kind, p.uri, p.format, p.dpi) for p in row.printers] == [("label", "file:///tmp/bench7", "zpl", 300)]
    job_id = sites.queue_test_print(sessions, "BENCH-7", "label", ADMIN, settings=ctx.settings)
    with sessions() as s:
        pending = printqueue.pending(s, "BENCH-7")
        assert [j.id for j in pending] == [job_id]
        assert pending[0].payload.startswith(b"^XA")
    with pytest.raises(NotFound, match="no station named NOPE"):
        sites.set_station_printer(sessions, "NOPE", "label", "file:///tmp/x", ADMIN)
    with pytest.raises(InvalidInput, match="no packing_slip printer"):
        sites.queue_test_print(sessions, "BENCH-7", "packing_slip", ADMIN, settings=ctx.settings)
    sites.set_station_printer(sessions, "BENCH-7", "label", "", ADMIN)
    assert next(r for r in queries.stations(sessions) if r.name == "BENCH-7").printers == ()


def test_allocation_works_with_a_warehouse_whose_place_is_unknown():
    from app.domain.allocation import Need, Slot, StockPool, WarehouseInfo, allocate

    known = WarehouseInfo(1, "BJ", (39.9, 116.4), 1000, load=900)
    unknown = WarehouseInfo(2, "NEW", (None, None), 1000, load=0)  # entered without coordinates
    pool = StockPool([Slot(1, 1, 10, "A1", 5), Slot(2, 2, 10, "B1", 5)])
    decision = allocate([Need("l1", 10, 1, "MUG")], (31.2, 121.5), 0, pool, {1: known, 2: unknown})
    assert decision.allocated and decision.warehouse_id == 2  # as far as the farthest known one; its load decides
    only_unknown = allocate([Need("l1", 10, 1, "MUG")], (31.2, 121.5), 2, StockPool([Slot(2, 2, 10, "B1", 5)]),
                            {2: unknown})
    assert only_unknown.allocated and only_unknown.warehouse_id == 2
