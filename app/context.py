"""What every entry point (CLI, GUI, HTTP) needs: settings, an engine and a session factory."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, forget_file_printers, load_settings
from app.errors import InvalidInput, StationError
from app.uow import Actor  # re-exported: screens, commands and the web name who acts from here
from db import migrate
from db.session import is_sqlite, limit_sqlite_cache, make_engine, make_session_factory

__all__ = ["Actor", "Context", "open_context", "adopt_file_printers", "upgrade_schema"]


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @cached_property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.engine)

    @property
    def backend(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @property
    def safe_url(self) -> str:
        """The database's address with any password hidden, for a screen or a line of output."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    def limit_sqlite_cache(self, kib: int) -> None:
        """On SQLite, every connection keeps ``kib`` KiB of page cache (the desktop app's smaller share)."""
        limit_sqlite_cache(self.engine, kib)

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()


def open_context(db_url: str | None = None, *, settings: Settings | None = None, migrate_schema: bool | None = None) -> Context:
    """Open the station's database. The embedded SQLite file is migrated on the spot (zero set-up);
    a shared PostgreSQL database must be upgraded on purpose with ``station db upgrade``."""
    settings = settings or load_settings(db_url)
    if db_url:
        settings.db_url = db_url
    engine = make_engine(settings.db_url)
    if migrate_schema is None:
        migrate_schema = is_sqlite(engine)
    current = migrate.quick_is_current(engine)
    if not current and migrate_schema:
        migrate.upgrade(engine)
    elif not current and not migrate.is_current(engine):
        raise StationError("the database schema is not up to date: run 'station db upgrade' first")
    ctx = Context(settings=settings, engine=engine, sessions=make_session_factory(engine))
    if settings.loaded.printers:
        adopt_file_printers(ctx)
    return ctx


def adopt_file_printers(ctx: Context) -> str | None:
    """A config file that still names printers (an older version read them from there): they become the
    station's printers in the database, the one place printers are set, and leave the file; one line says so.
    A kind the station already has a printer for in the database keeps it."""
    from app.shipping.service import adopt_file_printers as adopt
    from app.uow import UnitOfWork

    settings = ctx.settings
    path, station = settings.loaded.path, settings.station
    with UnitOfWork(ctx.sessions) as uow:
        imported, kept = adopt(uow.session, station, settings.loaded.printers)
        uow.commit()
    settings.loaded.printers = {}
    forgotten = path is not None and forget_file_printers(path)
    if not imported and not forgotten:
        return None
    done = [f"{', '.join(imported)} imported into the database for station {station}"] if imported else []
    if kept:
        done.append(f"{', '.join(kept)} kept as the database had it")
    file = "the file no longer names them" if forgotten else "the file's printers entry is no longer read"
    line = (f"config: the printers in {path} ({'; '.join(done)}) are set in the database from now on (the shipping "
            f"desk's printers page, 'station shipping printers --set'); {file}")
    print(f"station: {line}", file=sys.stderr, flush=True)
    return line


def missing_database(db_url: str | None) -> str | None:
    """The SQLite file a command was given (``--db``, the environment, the config file) when it does not exist;
    None when it does, when it is PostgreSQL, or when it is the station's own default file (made on first start)."""
    from db.session import missing_sqlite_file

    try:
        settings = load_settings(db_url)
    except StationError:
        return None  # a bad config: the command itself says what is wrong with it
    if settings.loaded.db_url_from == "default":
        return None
    path = missing_sqlite_file(settings.db_url)
    return str(path) if path is not None else None


def set_up_roles(db_url: str | None, prefix: str, logins: list[tuple[str, str, str | None]]) -> dict:
    """``station db roles``: the PostgreSQL roles and grants of :mod:`db.roles` (run as a superuser)."""
    from db import roles

    for name, _role, _password in logins:
        if not roles.NAME.match(name):
            raise InvalidInput(f"--login {name}: a login name is lower case letters, digits and _")
    if not roles.NAME.match(prefix + "supervisor"):
        raise InvalidInput(f"--prefix {prefix}: lower case letters, digits and _")
    settings = load_settings(db_url)
    engine = make_engine(settings.db_url)
    try:
        if engine.dialect.name != "postgresql":
            raise InvalidInput("roles are PostgreSQL's: an SQLite database is one station's own file")
        plan = roles.RolePlan(prefix, logins)
        try:
            done = roles.apply(engine, plan)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        reset = roles.pins_to_set_again(engine)
    finally:
        engine.dispose()
    return {**done, "owner": plan.owner, "roles": plan.groups, "pins_to_set_again": reset}


def upgrade_schema(db_url: str | None = None) -> str:
    """``station db upgrade``: create or migrate the schema of the station's database (Alembic); returns its
    address with any password hidden, for the one line that says so."""
    settings = load_settings(db_url)
    engine = make_engine(settings.db_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return engine.url.render_as_string(hide_password=True)

