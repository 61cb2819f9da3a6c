"""Staff (issue 23, item 1): add users, change them, set their PIN, deactivate them; print their badge cards.

Every function takes plain inputs and an Actor, runs in one unit of work, checks that the actor is an admin and
tells the other stations (``notify_change("user", USERNAME)``); ``unlock`` (a PIN lock, app.admin.auth) is a
supervisor's or an admin's. A badge code is kept only as its keyed hash; a PIN
only as its Argon2id hash; neither is returned, logged or written on an event. Deactivating a user signs them out of
every station holding them (``notify_change("station", NAME)`` too): those stations see it and log out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import check_new_pin, lock_of, parse_roles, record_event, require_role
from app.admin.badges import badge_hash
from app.errors import InvalidInput, NotFound
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.models import Station, User
from db.models.users import LoginLock

LANGUAGES = ("", "en", "zh_CN")  # "" keeps the station's own language
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_UNSET = object()


@dataclass(frozen=True)
class UserView:
    """A user as the lists show them: never a PIN or a badge, only whether they have one."""

    username: str
    name: str
    roles: tuple[str, ...]
    language: str
    active: bool
    has_badge: bool
    locked_until: datetime | None = None  # locked by wrong PINs until then (app.admin.auth)

    @property
    def role(self) -> str:
        """The contract's "role": the roles joined by ","."""
        return ",".join(self.roles)

    def as_json(self) -> dict:
        shape = {"username": self.username, "name": self.name, "role": self.role, "roles": list(self.roles),
                 "active": self.active, "language": self.language, "badge": self.has_badge}
        if self.locked_until is not None:  # only while locked: the contract's shape otherwise
            shape["locked_until"] = self.locked_until.isoformat()
        return shape


@dataclass(frozen=True)
class UserChange:
    user: UserView
    signed_out_at: tuple[str, ...] = ()  # the stations a deactivation logged the user out of


def view_of(user: User, locked_until: datetime | None = None) -> UserView:
    return UserView(user.username, user.display_name, user.roles, user.language or "", bool(user.active),
                    user.badge_hash is not None, locked_until)


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise InvalidInput(f"user {username!r}: username: use 1 to 64 letters, digits, '.', '_', '@' or '-', "
                           "starting with a letter or digit")
    return username


def _check_name(name: str, who: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(f"user {who}: name: give the person's name")
    if len(name) > 200:
        raise InvalidInput(f"user {who}: name: at most 200 characters")
    if any(ord(c) < 32 for c in name):
        raise InvalidInput(f"user {who}: name: no control characters")
    return name


def _check_language(language: str, who: str) -> str:
    language = (language or "").strip()
    if language.lower() in ("zh", "zh_cn", "zh-cn"):
        language = "zh_CN"
    if language not in LANGUAGES:
        raise InvalidInput(f"user {who}: language: {language!r} is not one of en, zh_CN (or empty: the station's)")
    return language


def _check_badge(session: Session, code: str, who: str, user_id: int | None) -> str:
    code = (code or "").strip()
    if not code:
        raise InvalidInput(f"user {who}: badge: the badge code is empty")
    if len(code) > 64 or not code.isprintable():
        raise InvalidInput(f"user {who}: badge: at most 64 printable characters")
    digest = badge_hash(code)
    holder = session.scalar(select(User.username).where(User.badge_hash == digest, User.id != (user_id or 0)))
    if holder is not None:
        raise InvalidInput(f"user {who}: badge: that badge is already {holder}'s")
    return digest


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise NotFound(f"no user {username!r}: add one with 'station users add'")
    return user


def add_user(sessions: sessionmaker[Session], username: str, name: str, roles: str | list[str], pin: str,
             actor: Actor, *, badge: str | None = None, language: str = "") -> UserView:
    """A new active user. Refused, naming the field: a username taken, an unknown role, a weak PIN, a badge that is
    someone else's, a language we do not speak."""
    require_role(actor, "admin")
    username = _check_username(username)
    name = _check_name(name, username)
    role = parse_roles(roles, username)
    language = _check_language(language, username)
    check_new_pin(pin, username)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        if s.scalar(select(User.id).where(User.username == username)) is not None:
            raise InvalidInput(f"user {username}: username: there is already a user {username}")
        digest = _check_badge(s, badge, username, None) if badge is not None else None
        user = User(username=username, display_name=name, role=role, badge_hash=digest, pin=pin, language=language,
                    active=True)
        s.add(user)
        try:
            s.flush()
        except IntegrityError as exc:  # another admin added the same user or badge a moment ago
            raise InvalidInput(f"user {username}: username or badge: already taken") from exc
        notify_change(s, "user", username)
        view = view_of(user)
        uow.commit()
        return view


def set_user(sessions: sessionmaker[Session], username: str, actor: Actor, *, name: str | None = None,
             roles: str | list[str] | None = None, badge: object = _UNSET, language: str | None = None,
             active: bool | None = None) -> UserChange:
    """Change what is given (``badge=None`` takes the badge away). Deactivating signs the user out everywhere; an
    admin cannot deactivate themself nor take their own admin role (someone must remain able to undo it)."""
    require_role(actor, "admin")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        user = _user(s, username)
        who = user.username
        if name is not None:
            user.display_name = _check_name(name, who)
        if roles is not None:
            role = parse_roles(roles, who)
            if who == actor.user and "admin" not in role.split(","):
                raise InvalidInput(f"user {who}: role: you cannot take your own admin role")
            user.role = role
        if badge is not _UNSET:
            user.badge_hash = _check_badge(s, badge, who, user.id) if badge else None  # type: ignore[arg-type]
        if language is not None:
            user.language = _check_language(language, who)
        signed_out: list[str] = []
        if active is not None and active != user.active:
            if not active and who == actor.user:
                raise InvalidInput(f"user {who}: active: you cannot deactivate yourself")
            user.active = active
            if not active:
                signed_out = list(s.scalars(select(Station.name).where(Station.user_id == user.id)))
                s.execute(update(Station).where(Station.user_id == user.id).values(user_id=None, logged_in_at=None))
                for station in signed_out:
                    notify_change(s, "station", station)
        try:
            s.flush()
        except IntegrityError as exc:
            raise InvalidInput(f"user {who}: badge: already taken") from exc
        notify_change(s, "user", who)
        change = UserChange(view_of(user), tuple(signed_out))
        uow.commit()
        return change


def set_pin(sessions: sessionmaker[Session], username: str, pin: str, actor: Actor) -> UserView:
    """A new PIN for ``username``: an admin sets anyone's, a user their own."""
    if actor.user != (username or "").strip():
        require_role(actor, "admin")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        user = _user(s, username)
        check_new_pin(pin, user.username)
        user.pin = pin  # both hashes: Argon2id, and bcrypt for the database's own check
        notify_change(s, "user", user.username)
        view = view_of(user)
        uow.commit()
        return view


def still_signed_in(sessions: sessionmaker[Session], station: str, user_id: int) -> bool:
    """Whether ``station`` still holds ``user_id`` and the user is active: a station that hears of a change to its
    user asks this, and logs out when not."""
    with sessions() as s:
        row = s.execute(select(Station.user_id, User.active).join(User, User.id == Station.user_id, isouter=True)
                        .where(Station.name == station)).first()
    return row is not None and row.user_id == user_id and bool(row.active)


def unlock(sessions: sessionmaker[Session], username: str, actor: Actor) -> UserView:
    """Lift ``username``'s PIN lock now (a supervisor's or an admin's): the run of wrong PINs starts again at 0, and
    the unlock is on the user's trail with who did it. Refused for a user who is not locked."""
    require_role(actor, "supervisor", "admin")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        user = _user(s, username)
        who = user.username
        if lock_of(s, who) is None:
            raise InvalidInput(f"user {who} is not locked")
        s.execute(delete(LoginLock).where(LoginLock.name == who))
        record_event(s, "unlocked", who, user.id, station=actor.station, actor=actor.user)
        notify_change(s, "user", who)
        view = view_of(user)
        uow.commit()
        return view
