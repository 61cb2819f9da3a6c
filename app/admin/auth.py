"""Who may do what: PINs hashed with Argon2id, log-in by badge or user + PIN, role checks in the services."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, PermissionDenied
from app.uow import Actor
from db.models import User

ROLES = ("packer", "supervisor", "shipping", "service", "admin")

# Each role may do what the ones it includes may do.
_INCLUDES: dict[str, set[str]] = {
    "packer": {"packer"},
    "shipping": {"shipping", "packer"},
    "service": {"service"},
    "supervisor": {"supervisor", "packer", "shipping", "service"},
    "admin": set(ROLES),
}

_hasher = PasswordHasher()


def hash_pin(pin: str) -> str:
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise InvalidInput("a PIN is 4 to 12 digits")
    return _hasher.hash(pin)


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


def verify_pin(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def has_role(role: str, needed: str) -> bool:
    """Whether ``role`` (one role, or several joined by ",") covers ``needed``."""
    return any(needed in _INCLUDES.get(one.strip(), set()) for one in role.split(","))


def require_role(actor: Actor, *needed: str) -> None:
    """Raise unless the actor's role covers one of ``needed``; services call this, not only the UI."""
    if not any(has_role(actor.role, role) for role in needed):
        raise PermissionDenied(f"{actor.user or 'this user'} ({actor.role}) may not do this: it needs {' or '.join(needed)}")


def user_by_badge(sessions: sessionmaker[Session], badge_code: str) -> User:
    """The log-in screen's badge scan: the active user the badge is (PermissionDenied: none), detached."""
    with sessions() as session:
        user = login_by_badge(session, badge_code)
        session.expunge(user)
        return user


def user_by_pin(sessions: sessionmaker[Session], username: str, pin: str) -> User:
    """The log-in screen's user name and PIN: that active user (PermissionDenied: unknown or wrong), detached."""
    with sessions() as session:
        user = login_by_pin(session, username, pin)
        session.expunge(user)
        return user


def login_by_badge(session: Session, badge_code: str) -> User:
    from app.admin.badges import badge_hash

    code = badge_code.strip()
    if not code:
        raise PermissionDenied("badge not recognised")
    user = session.scalar(select(User).where(User.badge_hash == badge_hash(code), User.active.is_(True)))
    if user is None:
        raise PermissionDenied("badge not recognised")
    return user


def login_by_pin(session: Session, username: str, pin: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip(), User.active.is_(True)))
    # Verify against a real hash even for an unknown user so the answer takes the same time.
    if user is None:
        verify_pin(_dummy_hash(), pin)
        raise PermissionDenied("unknown user or wrong PIN")
    if not verify_pin(user.pin_hash, pin):
        raise PermissionDenied("unknown user or wrong PIN")
    return user


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("000000")
