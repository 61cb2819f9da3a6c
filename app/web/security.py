"""The customer side's guards: CSRF tokens bound to a cookie and a page, capped request bodies, and an access log
that holds no personal data (the rate limits: :mod:`app.web.limits`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request

CSRF_COOKIE = "st_csrf"
CSRF_FIELD = "csrf"
MAX_FORM_BYTES = 16 * 1024


class Csrf:
    """Double-submit with a signature: the form carries HMAC(secret, cookie nonce + page token). A page on
    another site can neither read the cookie nor the page, so it cannot forge the field; the cookie is
    ``SameSite=Strict`` as well."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(18)

    def token(self, nonce: str, scope: str) -> str:
        return hmac.new(self.secret, f"{nonce}|{scope}".encode(), hashlib.sha256).hexdigest()[:40]

    def check(self, nonce: str | None, scope: str, sent: str | None) -> bool:
        if not nonce or not sent:
            return False
        return hmac.compare_digest(self.token(nonce, scope), sent)


class TooLarge(Exception):
    pass


class BadForm(Exception):
    pass


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body; :class:`TooLarge` once it passes ``max_bytes`` (Content-Length first, then as it streams)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request, max_bytes: int = MAX_FORM_BYTES) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the only kind our forms send), capped; last value wins."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, max_bytes)
    if ctype != "application/x-www-form-urlencoded":
        raise BadForm()
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise BadForm() from None
    return {k: v[-1] for k, v in parsed.items()}


def log_path(path: str) -> str:
    """A request path fit for a log: tokens and free text replaced (``/t/<token>/contact``)."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] == "t":
        parts[2] = "<token>"
        if len(parts) > 4 and parts[3] == "returns":
            parts[4] = "<return>"
    return "/".join(parts)[:80]
