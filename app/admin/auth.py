"""Who may do what: PINs hashed with Argon2id, log-in by badge or user + PIN, role checks in the services.

PIN lock-out (issue 19, item 3). Wrong PINs are counted per name as typed, in ``login_locks``: a wrong PIN within
``PIN_WINDOW`` (15 minutes) of the previous one adds to the run, one later starts a new run at 1. The
``PIN_TRIES``-th (5th) wrong PIN of a run locks the name until ``PIN_WINDOW`` after it; while locked every PIN is
refused, the right one too, with the time it opens again ("ask a supervisor"); the lock then decays by itself, a
supervisor or an admin unlocks it sooner (app.admin.staff.unlock), and a right PIN outside a lock ends the run. A
name no user has counts and locks the same way, and every answer costs one Argon2 verification, so neither the
words nor the time tell which names exist. The count is one INSERT ... ON CONFLICT DO UPDATE: two stations failing
at once both count. A badge is not locked by wrong PINs (a badge is something held, not guessed).

Every log-in (badge, PIN, a command's ``--user``), failed log-in, refusal while locked, lock and unlock is a row of
``user_events``, the user's trail, with the station and the time; never the PIN or the badge code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, case, delete, literal, null, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from app.admin.pins import crypt_pin, dummy_hash, hash_pin, verify_pin  # noqa: F401 - callers take them from here
from app.errors import InvalidInput, PermissionDenied
from app.uow import Actor
from db.base import UtcDateTime, utcnow
from db.models import User
from db.models.users import LoginLock, UserEvent

PIN_TRIES = 5
PIN_WINDOW = timedelta(minutes=15)

ROLES = ("packer", "supervisor", "shipping", "service", "admin")

# Each role may do what the ones it includes may do.
_INCLUDES: dict[str, set[str]] = {
    "packer": {"packer"},
    "shipping": {"shipping", "packer"},
    "service": {"service"},
    "supervisor": {"supervisor", "packer", "shipping", "service"},
    "admin": set(ROLES),
}

def check_new_pin(pin: str, who: str) -> None:
    """A PIN a person sets for user ``who``: 4 to 12 digits and not all one digit (1111 is guessed first)."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise InvalidInput(f"user {who}: pin: a PIN is 4 to 12 digits")
    if len(set(pin)) == 1:
        raise InvalidInput(f"user {who}: pin: a PIN of one digit repeated is too easy to guess")


def parse_roles(text: str | list[str] | tuple[str, ...], who: str) -> str:
    """One or more roles ("packer", "shipping,service", a list) as stored: known ones only, in ROLES' order."""
    parts = text.replace("+", ",").split(",") if isinstance(text, str) else list(text)
    names = {p.strip().lower() for p in parts if p.strip()}
    unknown = sorted(names - set(ROLES))
    if unknown:
        raise InvalidInput(f"user {who}: role: no role {unknown[0]!r}; the roles are {', '.join(ROLES)}")
    if not names:
        raise InvalidInput(f"user {who}: role: give at least one of {', '.join(ROLES)}")
    return ",".join(r for r in ROLES if r in names)


def has_role(role: str, needed: str) -> bool:
    """Whether ``role`` (one role, or several joined by ",") covers ``needed``."""
    return any(needed in _INCLUDES.get(one.strip(), set()) for one in role.split(","))


def require_role(actor: Actor, *needed: str) -> None:
    """Raise unless the actor's role covers one of ``needed``; services call this, not only the UI."""
    if not any(has_role(actor.role, role) for role in needed):
        raise PermissionDenied(f"{actor.user or 'this user'} ({actor.role}) may not do this: it needs {' or '.join(needed)}")


class LockedOut(PermissionDenied):
    """A name locked by wrong PINs: refused whatever the PIN, until ``until``."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


def _name_key(username: str) -> str:
    return (username or "").strip()[:64]


def _locked_message(name: str, until: datetime) -> str:
    return (f"{name} is locked after {PIN_TRIES} wrong PINs until {until.astimezone().strftime('%H:%M')}: "
            "try again then, or ask a supervisor to unlock it")


def record_event(session: Session, kind: str, username: str | None, user_id: int | None, *,
                 station: str | None = None, actor: str | None = None, at: datetime | None = None,
                 **data: object) -> None:
    """One event on the user's trail (``user_events``), in ``session``'s transaction; never a PIN or badge code."""
    session.add(UserEvent(at=at or utcnow(), kind=kind, username=username[:64] if username else None,
                          user_id=user_id, station=(station or None) and station[:64], actor=actor, data=data))


def lock_of(session: Session, username: str, now: datetime | None = None) -> datetime | None:
    """Until when ``username`` is locked by wrong PINs, or None."""
    until = session.scalar(select(LoginLock.locked_until).where(LoginLock.name == _name_key(username)))
    return until if until is not None and until > (now or utcnow()) else None


def _count_failure(session: Session, key: str, now: datetime) -> tuple[int, datetime | None]:
    """Add one wrong PIN to ``key``'s run in one statement (an upsert: atomic on PostgreSQL and SQLite alike);
    the run's count and the lock it now has."""
    table = LoginLock.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    cutoff = literal(now - PIN_WINDOW, UtcDateTime())
    new_run = or_(table.c.last_failed_at.is_(None), table.c.last_failed_at <= cutoff)
    failures = case((new_run, 1), else_=table.c.failures + 1)
    lock = literal(now + PIN_WINDOW, UtcDateTime())
    first = insert(table).values(name=key, failures=1, last_failed_at=now, locked_until=lock if PIN_TRIES <= 1 else None)
    statement = first.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={"failures": failures, "last_failed_at": literal(now, UtcDateTime()),
              "locked_until": case((failures >= PIN_TRIES, lock), (new_run, null()), else_=table.c.locked_until)},
    ).returning(table.c.failures, table.c.locked_until)
    row = session.execute(statement).one()
    return row.failures, row.locked_until


def _forget_old_runs(session: Session, now: datetime) -> None:
    """Drop the runs long over and not locked (of no use any more), in a transaction of its own that waits for no
    one: rows another station is counting on right now are skipped (PostgreSQL), so two of these never deadlock."""
    stale = (select(LoginLock.name).where(LoginLock.last_failed_at <= now - PIN_WINDOW,
                                          or_(LoginLock.locked_until.is_(None), LoginLock.locked_until <= now))
             .with_for_update(skip_locked=True))
    session.execute(delete(LoginLock).where(LoginLock.name.in_(stale)))
    session.commit()


def user_by_badge(sessions: sessionmaker[Session], badge_code: str, *, station: str | None = None) -> User:
    """The log-in screen's badge scan: the active user the badge is (PermissionDenied: none), detached; the log-in
    or the failure is on the trail."""
    with sessions() as session:
        try:
            user = login_by_badge(session, badge_code)
        except PermissionDenied:
            record_event(session, "login_failed", None, None, station=station, method="badge")
            session.commit()
            raise
        record_event(session, "login", user.username, user.id, station=station, method="badge")
        session.commit()
        session.expunge(user)
        return user


def user_by_pin(sessions: sessionmaker[Session], username: str, pin: str, *, station: str | None = None) -> User:
    """The log-in screen's user name and PIN: that active user (PermissionDenied: unknown or wrong; LockedOut:
    locked), detached."""
    with sessions() as session:
        user = login_by_pin(session, username, pin, station=station)
        session.expunge(user)
        return user


def login_by_badge(session: Session, badge_code: str) -> User:
    """The active user a badge is (PermissionDenied: none); writes nothing (a supervisor's badge at a pack screen
    uses it too)."""
    from app.admin.badges import badge_hash

    code = badge_code.strip()
    if not code:
        raise PermissionDenied("badge not recognised")
    if secrets_readable(session):
        user = session.scalar(select(User).where(User.badge_hash == badge_hash(code), User.active.is_(True)))
    else:  # a station login under 'station db roles': the owner's function finds the badge's user
        found = session.scalar(text("SELECT id FROM station_login_badge(:h)"), {"h": badge_hash(code)})
        user = session.get(User, found) if found is not None else None
    if user is None or not user.active:
        raise PermissionDenied("badge not recognised")
    return user


_READABLE: dict[str, bool] = {}


def secrets_readable(session: Session) -> bool:
    """Whether this connection's login may read the users' secret columns: SQLite and a database's owner may; a
    station login made by ``station db roles`` may not, and asks the database's own functions instead."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return True
    engine = bind.engine if isinstance(bind, Connection) else bind
    key = engine.url.render_as_string(hide_password=True)
    if key not in _READABLE:
        _READABLE[key] = bool(session.scalar(text("SELECT has_column_privilege('users', 'pin_hash', 'SELECT')")))
    return _READABLE[key]


def _pin_right(session: Session, user: User | None, name: str, pin: str) -> bool:
    """Whether ``pin`` is ``name``'s: checked here against the Argon2id hash, or, for a login that may not read it,
    by the database (bcrypt, pgcrypto) in the owner's function; the same work for a name no user has."""
    if secrets_readable(session):
        return verify_pin(user.pin_hash if user is not None else dummy_hash(), pin)
    return bool(session.scalar(text("SELECT station_login_pin_ok(:u, :p)"), {"u": name, "p": pin}))


def login_by_pin(session: Session, username: str, pin: str, *, station: str | None = None, method: str = "pin",
                 now: datetime | None = None) -> User:
    """The active user ``username`` proved by ``pin``, or PermissionDenied ("unknown user or wrong PIN"; the same
    for a name no user has) or LockedOut. Counts a wrong PIN and writes the trail, and so commits ``session``:
    a refusal must still count."""
    now = now or utcnow()
    key = _name_key(username)
    user = session.scalar(select(User).where(User.username == key, User.active.is_(True))) if key else None
    user_id = user.id if user is not None else None
    locked = lock_of(session, key, now)
    session.commit()  # nothing held while Argon2 works
    # Verify against a real hash whatever happens next, an unknown user's too, so every answer takes the same time.
    right = _pin_right(session, user, key, pin)
    if locked is not None:
        record_event(session, "login_refused", key, user_id, station=station, at=now, method=method,
                     until=locked.isoformat())
        session.commit()
        raise LockedOut(_locked_message(key, locked), locked)
    if user is not None and right:
        session.execute(delete(LoginLock).where(LoginLock.name == key))
        record_event(session, "login", key, user_id, station=station, at=now, method=method)
        session.commit()
        return user
    failures, until = _count_failure(session, key, now)
    record_event(session, "login_failed", key, user_id, station=station, at=now, method=method, failures=failures)
    if until is not None and until > now and failures == PIN_TRIES:
        record_event(session, "locked", key, user_id, station=station, at=now, failures=failures,
                     until=until.isoformat())
    session.commit()
    _forget_old_runs(session, now)
    if until is not None and until > now:
        raise LockedOut(_locked_message(key, until), until)
    raise PermissionDenied("unknown user or wrong PIN")
