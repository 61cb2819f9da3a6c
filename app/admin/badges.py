"""Badge codes are never stored: a badge is found by the HMAC-SHA256 of its code under a key from the
configuration (``app.config.badge_key``: the setting, else a key file in the data folder)."""

from __future__ import annotations

import hashlib
import hmac

from app.config import badge_key


def badge_hash(code: str, key: bytes | None = None) -> str:
    """The hex HMAC-SHA256 of a badge code (surrounding blanks ignored) under ``key`` (default: the station's)."""
    return hmac.new(key if key is not None else badge_key(), code.strip().encode("utf-8"), hashlib.sha256).hexdigest()
