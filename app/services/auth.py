"""Who may do what: PINs hashed with Argon2id, log-in by badge or user + PIN, role checks in the services."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, PermissionDenied
from app.services.uow import Actor
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


def verify_pin(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def has_role(role: str, needed: str) -> bool:
    return needed in _INCLUDES.get(role, set())


def require_role(actor: Actor, *needed: str) -> None:
    """Raise unless the actor's role covers one of ``needed``; services call this, not only the UI."""
    if not any(has_role(actor.role, role) for role in needed):
        raise PermissionDenied(f"{actor.user or 'this user'} ({actor.role}) may not do this: it needs {' or '.join(needed)}")


def login_by_badge(session: Session, badge_code: str) -> User:
    user = session.scalar(select(User).where(User.badge_code == badge_code.strip(), User.active.is_(True)))
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
