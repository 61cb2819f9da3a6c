"""Engines and sessions for the embedded SQLite file and the shared PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import StationError


def normalise_url(url: str) -> str:
    """A plain ``postgresql://`` URL means psycopg 3 whatever SQLAlchemy's default driver is."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return url.startswith("sqlite")


IN_MEMORY = ("the database sqlite:/// is kept in memory and gone when the command ends (each connection even gets "
             "its own): give a file, e.g. sqlite:///station.db")


def in_memory(database: str | None) -> bool:
    """An SQLite URL's database part that names no file: ``sqlite://``, ``sqlite:///``, ``:memory:``."""
    return not database or database == ":memory:" or database.startswith("file::memory:")


def missing_sqlite_file(url: str) -> str | None:
    """For an SQLite URL naming a file that does not exist, that file's path (an operator's typo would otherwise
    become a new, empty database); None for any other URL. A URL that is not one is left to :func:`make_engine`."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or in_memory(parsed.database):
        return None
    path = Path(parsed.database or "")
    return None if path.exists() else str(path)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _sqlite_bulk_pragmas(dbapi_connection, _record) -> None:
    # Only for a database being filled from nothing: a crash mid-load loses the load, never real work.
    cursor = dbapi_connection.cursor()
    # A rollback journal kept in memory instead of the write-ahead log: every page is written once, not to the
    # log and again at each checkpoint (about a tenth less work for the load's writes and index builds). A
    # failed batch still rolls back and is retried; a crash mid-load may leave the file unusable, which a load
    # into a fresh file can afford. The next ordinary connection puts the file back in WAL mode.
    cursor.execute("PRAGMA journal_mode=MEMORY")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA cache_size=-524288")  # 512 MB: the indexes of a million orders stay in memory
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def limit_sqlite_cache(engine: Engine, kib: int) -> None:
    """Every connection of ``engine`` (an SQLite one; anything else is left alone) keeps ``kib`` KiB of page
    cache instead of the shared default; connections opened before get it when they reconnect."""
    if not is_sqlite(engine):
        return

    def pragma(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA cache_size=-{int(kib)}")
        cursor.close()

    engine.dispose()
    event.listen(engine, "connect", pragma)


@contextmanager
def fresh_database_load(engine: Engine) -> Iterator[None]:
    """SQLite pragmas for filling a fresh database in bulk (the demo seed), undone afterwards.

    Never for real intake: with ``synchronous=OFF`` a power cut can lose committed transactions.
    PostgreSQL is left as it is."""
    if not is_sqlite(engine):
        yield
        return
    engine.dispose()  # pooled connections were made with the normal pragmas
    event.listen(engine, "connect", _sqlite_bulk_pragmas)
    try:
        yield
    finally:
        event.remove(engine, "connect", _sqlite_bulk_pragmas)
        engine.dispose()


def _sqlite_begin_immediate(conn) -> None:
    # Writers take the lock when the transaction starts, so two stations never deadlock on upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


# libpq connection parameters: give up connecting after 5 s; a peer silent for 15 s (unacknowledged data,
# or keep-alives unanswered when idle) is a dead connection.
PG_DEAD_PEER_LIMITS = {"connect_timeout": 5, "tcp_user_timeout": 15_000, "keepalives": 1, "keepalives_idle": 10,
                       "keepalives_interval": 5, "keepalives_count": 2}


def make_engine(url: str, **kwargs) -> Engine:
    # Statement parameters hold badge codes, PIN hashes and customers' addresses: keep them out of SQLAlchemy's
    # statement log and out of its error messages, whoever turns that log on.
    kwargs.setdefault("hide_parameters", True)
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StationError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if in_memory(parsed.database):
            raise StationError(IN_MEMORY)
        if database:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
        # A pulled cable sends no reset: without these a station would wait minutes on TCP's own timeouts
        # before it told the packer (and journalled the scan). The URL's own query parameters win.
        connect_args = {**PG_DEAD_PEER_LIMITS, **kwargs.pop("connect_args", {})}
        for name in list(connect_args):
            if name in parsed.query:
                connect_args.pop(name)
        return create_engine(url, connect_args=connect_args, **kwargs)
    raise StationError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def plain_reads(session: Session) -> Connection:
    """The session's connection, for reads that want rows and no ORM objects (a fraction of the CPU), after the
    flush the session's own query would have done."""
    if session.autoflush:
        session.flush()
    return session.connection()
