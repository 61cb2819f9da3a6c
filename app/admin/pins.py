"""A PIN's hashes, in plain Python (no database): Argon2id, checked here, and bcrypt ($2a$), which PostgreSQL's
pgcrypto checks itself for a station login that may read no hash (db/roles.py). ``User.pin = ...`` sets both."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import InvalidInput

_hasher = PasswordHasher()


def hash_pin(pin: str) -> str:
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise InvalidInput("a PIN is 4 to 12 digits")
    return _hasher.hash(pin)


def crypt_pin(pin: str) -> str:
    """The PIN's bcrypt hash ($2a$, what PostgreSQL's pgcrypto checks): for station logins that may read no hash."""
    import bcrypt

    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise InvalidInput("a PIN is 4 to 12 digits")
    return bcrypt.hashpw(pin.encode(), bcrypt.gensalt(rounds=10, prefix=b"2a")).decode()


def verify_pin(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """A real hash to check a PIN against when the name has none: every answer costs the same."""
    return _hasher.hash("000000")
