"""Turn failures from libraries into one line a person understands."""

from __future__ import annotations

import logging

from app.config import debug_requested
from app.errors import DB_REFUSED, DB_SCHEMA, DB_UNAVAILABLE, database_detail, database_failure

log = logging.getLogger("station")


def describe_unexpected(exc: BaseException) -> str:
    if debug_requested():
        log.exception("unexpected error")
    failure = database_failure(exc)
    if failure == DB_UNAVAILABLE:
        return f"the database cannot be reached or refused the request: {_first_line(database_detail(exc))}"
    if failure == DB_SCHEMA:
        return f"the database schema looks out of date (run 'station db upgrade'): {_first_line(database_detail(exc))}"
    if failure == DB_REFUSED:
        return f"the database refused a change: {_first_line(database_detail(exc))}"
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {exc.filename}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename}"
    return f"unexpected error ({type(exc).__name__}): {_first_line(exc)} (set STATION_DEBUG=1 for details)"


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else type(value).__name__
