"""PIN lock-out and the users' trail (issue 19, item 3), on SQLite and PostgreSQL.

Five wrong PINs in a run lock the name for 15 minutes; while locked the right PIN is refused too, saying until
when; the lock decays by itself and a supervisor (not a packer) lifts it sooner. An unknown name gets the same
answers after the same work. Two stations failing at once both count. Every log-in, failure, lock and unlock is on
the user's append-only trail, with the station and never the PIN or the badge code; a command's ``--user`` proof
counts as a log-in does; the log-in screen tells the lock in English and in Chinese.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.admin import auth, queries, staff
from app.admin.acting import NotProved, command_actor
from app.admin.auth import PIN_TRIES, PIN_WINDOW, LockedOut, login_by_pin, user_by_badge, user_by_pin
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.uow import Actor
from db.base import utcnow
from db.models.users import LoginLock
from tests.ui.conftest import login, station_app, station_config, window, world  # noqa: F401 - the UI fixtures

BOB_PIN, BOB_BADGE = "4826", "BADGE-BOB-7"
SUPERVISOR = Actor(station="DESK-1", user="sue", role="supervisor")
PACKER = Actor(station="DESK-1", user="pat", role="packer")


@pytest.fixture
def sessions(ctx):
    staff.add_user(ctx.sessions, "bob", "Bob", "packer", BOB_PIN, Actor.system(), badge=BOB_BADGE)
    staff.add_user(ctx.sessions, "sue", "Sue", "supervisor", "8642", Actor.system())
    return ctx.sessions


def _try(sessions, name: str, pin: str, **kwargs):
    with sessions() as s:
        return login_by_pin(s, name, pin, station="DESK-1", **kwargs)


def _fail_times(sessions, name: str, times: int, **kwargs) -> list[str]:
    answers = []
    for _ in range(times):
        with pytest.raises(PermissionDenied) as refused:
            _try(sessions, name, "0000", **kwargs)
        answers.append(type(refused.value).__name__ + ": " + refused.value.message)
    return answers


def _locked_until(sessions, name: str):
    view = queries.user(sessions, name)
    assert view is not None
    return view.locked_until


def _kinds(sessions, name: str) -> list[str]:
    return [row.kind for row in queries.user_trail(sessions, name)]


def test_five_wrong_pins_lock_and_then_even_the_right_pin_is_refused(sessions):
    answers = _fail_times(sessions, "bob", PIN_TRIES - 1)
    assert answers == ["PermissionDenied: unknown user or wrong PIN"] * (PIN_TRIES - 1)
    with pytest.raises(LockedOut) as locked:
        _try(sessions, "bob", "0000")
    until = locked.value.until
    assert timedelta(minutes=14) < until - utcnow() <= PIN_WINDOW
    assert locked.value.message == (f"bob is locked after 5 wrong PINs until {until.astimezone():%H:%M}: "
                                    "try again then, or ask a supervisor to unlock it")
    with pytest.raises(LockedOut, match="is locked"):
        _try(sessions, "bob", BOB_PIN)  # the right PIN: refused while locked
    bob, sue = queries.user(sessions, "bob"), queries.user(sessions, "sue")
    assert bob is not None and sue is not None
    assert bob.locked_until == until and bob.as_json()["locked_until"] == until.isoformat()
    assert "locked_until" not in sue.as_json()
    assert _kinds(sessions, "bob") == ["login_failed"] * 5 + ["locked", "login_refused"]


def test_the_lock_decays_and_a_run_of_failures_ends_after_15_minutes(sessions):
    start = utcnow()
    _fail_times(sessions, "bob", PIN_TRIES, now=start)
    with pytest.raises(LockedOut):
        _try(sessions, "bob", BOB_PIN, now=start + PIN_WINDOW - timedelta(seconds=1))
    assert _try(sessions, "bob", BOB_PIN, now=start + PIN_WINDOW + timedelta(seconds=1)).username == "bob"
    # Four wrong, a pause longer than the window, four more: never five in one run, never locked.
    later = start + 2 * PIN_WINDOW
    _fail_times(sessions, "bob", PIN_TRIES - 1, now=later)
    assert _fail_times(sessions, "bob", PIN_TRIES - 1, now=later + PIN_WINDOW + timedelta(minutes=1)) == [
        "PermissionDenied: unknown user or wrong PIN"] * (PIN_TRIES - 1)
    # A right PIN ends the run: four wrong, the right one, four wrong again is not a lock either.
    _try(sessions, "bob", BOB_PIN, now=later + PIN_WINDOW + timedelta(minutes=2))
    _fail_times(sessions, "bob", PIN_TRIES - 1, now=later + PIN_WINDOW + timedelta(minutes=3))
    assert _try(sessions, "bob", BOB_PIN, now=later + PIN_WINDOW + timedelta(minutes=4)).username == "bob"


def test_a_supervisor_unlocks_a_packer_may_not(sessions):
    _fail_times(sessions, "bob", PIN_TRIES)
    with pytest.raises(PermissionDenied, match="may not do this"):
        staff.unlock(sessions, "bob", PACKER)
    with pytest.raises(LockedOut):
        _try(sessions, "bob", BOB_PIN)
    view = staff.unlock(sessions, "bob", SUPERVISOR)
    assert view.username == "bob" and _locked_until(sessions, "bob") is None
    assert _try(sessions, "bob", BOB_PIN).username == "bob"
    with pytest.raises(InvalidInput, match="user bob is not locked"):
        staff.unlock(sessions, "bob", SUPERVISOR)
    unlocked = [r for r in queries.user_trail(sessions, "bob") if r.kind == "unlocked"]
    assert [(r.actor, r.station) for r in unlocked] == [("sue", "DESK-1")]
    # An admin may too; the count starts again at nought after an unlock.
    _fail_times(sessions, "bob", PIN_TRIES)
    staff.unlock(sessions, "bob", Actor(station=None, user="boss", role="admin"))
    assert _fail_times(sessions, "bob", PIN_TRIES - 1)[-1] == "PermissionDenied: unknown user or wrong PIN"


def test_an_unknown_name_gets_the_same_answers_after_the_same_work(sessions, monkeypatch):
    verified: list[str] = []
    real = auth.verify_pin

    def counted(stored: str, pin: str) -> bool:
        verified.append(stored[:9])
        return real(stored, pin)

    monkeypatch.setattr(auth, "verify_pin", counted)
    now = utcnow()  # one clock for both, so both locks end at the same minute
    known, unknown = _fail_times(sessions, "bob", PIN_TRIES, now=now), _fail_times(sessions, "ghost", PIN_TRIES, now=now)
    assert [a.replace("bob", "NAME") for a in known] == [a.replace("ghost", "NAME") for a in unknown]
    assert known[-1].startswith("LockedOut: bob is locked after 5 wrong PINs until")
    assert verified == ["$argon2id"] * (2 * PIN_TRIES)  # one real Argon2 verification each, known or not
    verified.clear()
    for name in ("bob", "ghost"):  # locked: still one verification, and the same words
        with pytest.raises(LockedOut, match=f"^{name} is locked"):
            _try(sessions, name, "0000")
    assert len(verified) == 2
    # The time: taken in turns, the fastest of each (what the work costs, without a busy machine's pauses) within
    # half of each other.
    timings: dict[str, list[float]] = {"sue": [], "nobody-at-all": []}
    for _ in range(6):
        for name, taken in timings.items():
            started = time.perf_counter()
            with pytest.raises(PermissionDenied):
                _try(sessions, name, "0000")
            taken.append(time.perf_counter() - started)
    known_time, unknown_time = (min(t) for t in timings.values())
    assert abs(known_time - unknown_time) < max(known_time, unknown_time) * 0.5, timings


def test_two_stations_failing_at_once_both_count(sessions):
    threads, errors = [], []
    barrier = threading.Barrier(4)

    def station(n: int) -> None:
        barrier.wait()
        try:
            with sessions() as s:
                login_by_pin(s, "bob", "0000", station=f"DESK-{n}")
        except PermissionDenied:
            pass
        except Exception as exc:  # noqa: BLE001 - any other failure is the test's
            errors.append(exc)

    for n in range(4):
        threads.append(threading.Thread(target=station, args=(n,)))
        threads[-1].start()
    for t in threads:
        t.join(60)
    assert not errors
    with sessions() as s:
        assert s.scalar(select(LoginLock.failures).where(LoginLock.name == "bob")) == 4
    assert _kinds(sessions, "bob") == ["login_failed"] * 4


def test_on_postgresql_a_failure_waits_for_the_other_and_adds_to_it(sessions, ctx):
    """A read-then-write count would lose one here: station B's failure arrives while station A's is uncommitted."""
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("the row lock and its wait are PostgreSQL's; SQLite writes one at a time (BEGIN IMMEDIATE)")
    _fail_times(sessions, "bob", 1)
    now = utcnow()
    with sessions() as a:
        assert auth._count_failure(a, "bob", now) == (2, None)  # A holds the row, uncommitted
        b = threading.Thread(target=lambda: _fail_times(sessions, "bob", 1))
        b.start()
        time.sleep(0.5)
        assert b.is_alive(), "station B did not wait for station A's row"
        a.commit()
    b.join(30)
    with sessions() as s:
        assert s.scalar(select(LoginLock.failures).where(LoginLock.name == "bob")) == 3


def test_the_trail_holds_log_ins_failures_locks_unlocks_and_no_secret(sessions, ctx):
    assert user_by_badge(sessions, BOB_BADGE, station="DESK-2").username == "bob"
    with pytest.raises(PermissionDenied):
        user_by_badge(sessions, "BADGE-FORGED-1", station="DESK-2")
    assert user_by_pin(sessions, "bob", BOB_PIN, station="DESK-3").username == "bob"
    _fail_times(sessions, "bob", PIN_TRIES)
    staff.unlock(sessions, "bob", SUPERVISOR)
    trail = queries.user_trail(sessions, "bob")
    assert [(r.kind, r.station, r.data.get("method")) for r in trail] == [
        ("login", "DESK-2", "badge"), ("login", "DESK-3", "pin"), *[("login_failed", "DESK-1", "pin")] * 5,
        ("locked", "DESK-1", None), ("unlocked", "DESK-1", None)]
    assert [r.data["failures"] for r in trail if r.kind == "login_failed"] == [1, 2, 3, 4, 5]
    assert all(r.at is not None and r.at.tzinfo is not None for r in trail)
    assert trail[0].as_json()["kind"] == "login"
    with ctx.engine.connect() as conn:
        rows = [" ".join(map(str, row)) for row in conn.execute(text("SELECT * FROM user_events"))]
        stored_hashes = [h for (h,) in conn.execute(text("SELECT pin_hash FROM users"))]
    assert any("login_failed" in r and "badge" in r for r in rows)  # the forged badge, on no one's trail
    for secret in (BOB_PIN, "0000", BOB_BADGE, "BADGE-FORGED-1", *stored_hashes):
        assert not any(secret in r for r in rows), secret
    for statement in ("UPDATE user_events SET kind = 'x'", "DELETE FROM user_events"):
        with ctx.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
    with pytest.raises(NotFound, match="no user"):
        queries.user_trail(sessions, "never-seen")


def test_the_commands_user_proof_counts_wrong_pins(sessions):
    for _ in range(PIN_TRIES - 1):
        with pytest.raises(NotProved, match="^--user bob: unknown user or wrong PIN$"):
            command_actor(sessions, "bob", "0000", station="CLI-1")
    with pytest.raises(NotProved, match="^--user bob is locked after 5 wrong PINs until"):
        command_actor(sessions, "bob", "0000", station="CLI-1")
    with pytest.raises(NotProved, match="is locked"):
        command_actor(sessions, "bob", BOB_PIN, station="CLI-1")
    with pytest.raises(LockedOut):  # and the lock is the one the log-in screen sees
        _try(sessions, "bob", BOB_PIN)
    trail = queries.user_trail(sessions, "bob")
    assert {(r.station, r.data.get("method")) for r in trail if r.kind == "login_failed"} == {("CLI-1", "cli")}
    staff.unlock(sessions, "bob", SUPERVISOR)
    assert command_actor(sessions, "bob", BOB_PIN, station="CLI-1").user == "bob"
    assert queries.user_trail(sessions, "bob")[-1].kind == "login"


def _station(db_url, *args, env=None):
    done = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", db_url, *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_station_users_unlock_and_trail(sessions, db_url):
    _fail_times(sessions, "bob", PIN_TRIES)
    code, _, err = _station(db_url, "users", "unlock", "bob", "--user", "bob", env={"STATION_PIN": BOB_PIN})
    assert code == 2 and "is locked" in err  # a locked user cannot prove anything, not even to unlock themself
    assert "(locked until" in _station(db_url, "users", "list")[1]
    code, out, err = _station(db_url, "users", "unlock", "bob", "--user", "sue", env={"STATION_PIN": "8642"})
    assert code == 0 and out.strip() == "user bob unlocked", err
    code, _, err = _station(db_url, "users", "unlock", "bob", "--user", "sue", env={"STATION_PIN": "8642"})
    assert code != 0 and "user bob is not locked" in err
    code, out, err = _station(db_url, "users", "trail", "bob", "--json")
    assert code == 0, err
    events = json.loads(out)
    assert [e["kind"] for e in events][-3:] == ["locked", "login_refused", "unlocked"]
    assert events[-1]["actor"] == "sue" and events[-1]["at"]
    assert BOB_PIN not in out and BOB_BADGE not in out
    code, out, _ = _station(db_url, "users", "trail", "bob")
    assert code == 0 and "unlocked" in out and "by sue" in out


def _lock(ctx, name: str) -> None:
    for _ in range(PIN_TRIES):
        with pytest.raises(PermissionDenied):
            _try(ctx.sessions, name, "0000")


def test_the_log_in_screen_tells_the_lock_in_english_and_in_chinese(window, qtbot, ctx, station_app):  # noqa: F811
    from app.ui.app import install_language

    _lock(ctx, "packer1")
    screen = window.login
    screen.username.setText("packer1")
    screen.pin.setText("1111")  # the right PIN
    qtbot.mouseClick(screen.login_button, Qt.MouseButton.LeftButton)
    assert window.env is None
    assert screen.message.text().startswith("packer1 is locked after 5 wrong PINs until ")
    assert screen.message.text().endswith("ask a supervisor to unlock it")
    assert window.feedback.history[-1][0] == "bad"
    install_language(station_app, "zh_CN")
    try:
        screen.username.setText("packer1")
        screen.pin.setText("1111")
        screen.pin.returnPressed.emit()
        assert window.env is None
        assert screen.message.text().startswith("packer1 已因 5 次 PIN 码错误被锁定至 ")
        assert screen.message.text().endswith("请到时再试，或请主管解锁")
    finally:
        install_language(station_app, "en")
    screen.username.setText("packer2")  # a wrong PIN that does not lock yet: the usual words
    screen.pin.setText("0000")
    screen.pin.returnPressed.emit()
    assert "Not recognised" in screen.message.text()
    assert [r.station for r in queries.user_trail(ctx.sessions, "packer1")][-1] == "STATION-1"


def test_the_staff_section_unlocks(window, qtbot, ctx):  # noqa: F811
    _lock(ctx, "packer2")
    login(window, qtbot, "BADGE-ADMIN")
    window.open_screen("admin")
    section = window.screens["admin"].section("Staff")
    section.reload()
    section.select("packer1")
    assert not section.unlock_button.isEnabled()
    section.select("packer2")
    row = [section.table.item(r, 0).text() for r in range(section.table.rowCount())].index("packer2")
    assert section.table.item(row, section.table.columnCount() - 1).text().startswith("until ")
    assert section.unlock_button.isEnabled()
    assert section.unlock(), window.feedback.history
    assert window.feedback.history[-1] == ("good", "User packer2 unlocked.") or \
        window.feedback.history[-1][1] == "User packer2 unlocked."
    assert _locked_until(ctx.sessions, "packer2") is None
    assert not section.unlock_button.isEnabled()
    assert section.table.item(row, section.table.columnCount() - 1).text() == ""
    assert queries.user_trail(ctx.sessions, "packer2")[-1].actor == "admin"
