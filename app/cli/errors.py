"""Turn failures from libraries into one line a person understands."""

from __future__ import annotations

import logging
import os

from sqlalchemy.exc import OperationalError, ProgrammingError, IntegrityError

log = logging.getLogger("station")


def describe_unexpected(exc: BaseException) -> str:
    if os.environ.get("STATION_DEBUG"):
        log.exception("unexpected error")
    if isinstance(exc, OperationalError):
        return f"the database cannot be reached or refused the request: {_first_line(exc.orig)}"
    if isinstance(exc, ProgrammingError):
        return f"the database schema looks out of date (run 'station db upgrade'): {_first_line(exc.orig)}"
    if isinstance(exc, IntegrityError):
        return f"the database refused a change: {_first_line(exc.orig)}"
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {exc.filename}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename}"
    return f"unexpected error ({type(exc).__name__}): {_first_line(exc)} (set STATION_DEBUG=1 for details)"


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else type(value).__name__
