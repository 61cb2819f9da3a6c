"""Bulk inserts and keyed updates for intake-sized batches, straight to the driver.

SQLAlchemy's per-row parameter processing costs more than the database's own work at thousands of
rows a second, so batches of plain rows go in with ``executemany`` on SQLite and ``COPY`` on
PostgreSQL, and keyed updates are one ``UPDATE ... FROM unnest(...)`` statement on PostgreSQL
(``executemany`` would be one round trip per row). Values are converted here exactly as the column
types would store them.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, Date, Engine, Table
from sqlalchemy.orm import Session

from db.base import UtcDateTime

_ZERO = timedelta(0)
# json.dumps turns int keys into strings; orjson does the same only when asked.
_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS


# A batch stamps most rows with one clock reading: the cache answers those.
@functools.lru_cache(maxsize=8192)
def _sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite storage format for a UTC timestamp: ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    if value is None:
        return None
    if value.utcoffset() != _ZERO:
        value = value.astimezone(UTC)
    # isoformat is C code and twice as fast as strftime; the offset it appends is cut off.
    return value.isoformat(" ", "microseconds")[:26]


def _sqlite_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=_JSON_OPTIONS).decode()


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


def _tuples(table: Table, columns: list[str], rows: list[dict[str, Any]], sqlite: bool) -> list[tuple[Any, ...]]:
    """The rows as driver-ready tuples in ``columns`` order, converted a column at a time (``map`` keeps
    the loop in C)."""
    converters = _converters(table, columns, sqlite)
    if not any(converters):
        getter = itemgetter(*columns)
        return [(getter(row),) for row in rows] if len(columns) == 1 else list(map(getter, rows))
    values_by_column = []
    for name, convert in zip(columns, converters):
        column = map(itemgetter(name), rows)
        values_by_column.append(list(map(convert, column)) if convert else list(column))
    return list(zip(*values_by_column))


def _driver(connection: Connection) -> Any:
    """The DBAPI connection under ``connection`` (psycopg's, for COPY and arrays)."""
    raw = connection.connection.driver_connection
    if raw is None:
        raise RuntimeError("the database connection was closed under a bulk write")
    return raw


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the session's transaction."""
    if not rows:
        return
    columns = list(rows[0])
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    values = _tuples(table, columns, rows, sqlite)
    quoted = ", ".join(f'"{name}"' for name in columns)
    if sqlite:
        placeholders = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})', values)
        return
    with _driver(connection).cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in values:
                copy.write_row(row)


@functools.lru_cache(maxsize=256)
def _update_sql(table: Table, key: str, columns: tuple[str, ...], add: frozenset[str], postgres: bool) -> str:
    def target(name: str, source: str) -> str:
        return f'"{name}" = "{table.name}"."{name}" + {source}' if name in add else f'"{name}" = {source}'

    if not postgres:
        sets = ", ".join(target(name, "?") for name in columns)
        return f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = ?'
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    names = (key, *columns)
    arrays = ", ".join(f"%s::{table.c[name].type.compile(dialect)}[]" for name in names)
    aliases = ", ".join(f'"{name}"' for name in names)
    sets = ", ".join(target(name, f'v."{name}"') for name in columns)
    return (
        f'UPDATE "{table.name}" SET {sets} FROM unnest({arrays}) AS v({aliases}) '
        f'WHERE "{table.name}"."{key}" = v."{key}"'
    )


def update_rows(
    session: Session, table: Table, key: str, rows: list[dict[str, Any]], add: Collection[str] = ()
) -> None:
    """Update the row whose ``key`` column matches each dict's ``key`` entry with the dict's other entries;
    columns named in ``add`` are incremented by the value instead of set to it."""
    if not rows:
        return
    columns = tuple(name for name in rows[0] if name != key)
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    values = _tuples(table, [*columns, key], rows, sqlite)
    sql = _update_sql(table, key, columns, frozenset(add), not sqlite)
    if sqlite:
        connection.exec_driver_sql(sql, values)
        return
    columnwise = [list(column) for column in zip(*values)]
    arrays = [columnwise[-1], *columnwise[:-1]]  # the key first, as in the statement
    with _driver(connection).cursor() as cursor:
        cursor.execute(sql, arrays)


@contextmanager
def indexes_deferred(engine: Engine, tables: Collection[str], keep: Collection[str] = ()) -> Iterator[None]:
    """SQLite: drop the plain (non-unique) indexes of ``tables`` for a bulk load and build them again afterwards
    from their own stored SQL, so the schema ends exactly as it was. Building an index once from sorted data
    is far cheaper than keeping it up to date row by row. ``keep`` names indexes the load itself looks up by.
    PostgreSQL is left as it is."""
    if engine.dialect.name != "sqlite":
        yield
        return
    names = ", ".join(f"'{table}'" for table in tables)
    with engine.begin() as connection:
        found = connection.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})"
        ).all()
        dropped = [(name, sql) for name, sql in found if name not in keep and not sql.upper().startswith("CREATE UNIQUE")]
        for name, _ in dropped:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with engine.begin() as connection:
            for _, sql in dropped:
                connection.exec_driver_sql(sql)


@contextmanager
def objects_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist now, for the length of a bulk job (a file import,
    a demo seed; never a request or one order): it holds millions of live objects, a parsed 100,000-order file say,
    and each of Python's full collections would walk them all again. Cyclic garbage made before the freeze waits
    until the job ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
