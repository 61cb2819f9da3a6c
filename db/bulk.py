"""Bulk inserts for intake-sized batches, straight to the driver.

SQLAlchemy's per-row parameter processing costs more than the database's own work at thousands of
rows a second, so batches of plain rows go in with ``executemany`` on SQLite and ``COPY`` on
PostgreSQL. Values are converted here exactly as the column types would store them.
"""

from __future__ import annotations

import functools
import json
from operator import itemgetter
from datetime import date, datetime, timezone
from typing import Any, Callable

from sqlalchemy import JSON, Boolean, Date, Table
from sqlalchemy.orm import Session

from db.base import UtcDateTime


@functools.lru_cache(maxsize=8192)
def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _converters(table: Table, columns: list[str], sqlite: bool) -> list[Callable[[Any], Any] | None]:
    converters: list[Callable[[Any], Any] | None] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            converters.append(_json)
        elif sqlite and isinstance(column_type, UtcDateTime):
            converters.append(_sqlite_datetime)
        elif sqlite and isinstance(column_type, Date):
            converters.append(_sqlite_date)
        elif sqlite and isinstance(column_type, Boolean):
            converters.append(_bool)
        else:
            converters.append(None)
    return converters


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the session's transaction."""
    if not rows:
        return
    columns = list(rows[0])
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    getter = itemgetter(*columns)
    converting = [(i, convert) for i, convert in enumerate(_converters(table, columns, sqlite)) if convert]

    def values(row: dict[str, Any]) -> tuple:
        raw = getter(row)
        if len(columns) == 1:
            raw = (raw,)
        if not converting:
            return raw
        out = list(raw)
        for i, convert in converting:
            out[i] = convert(out[i])
        return tuple(out)

    quoted = ", ".join(f'"{name}"' for name in columns)
    if sqlite:
        placeholders = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})', [values(r) for r in rows])
        return
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(values(row))
