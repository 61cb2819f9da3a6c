"""What every entry point (CLI, GUI, HTTP) needs: settings, an engine and a session factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, load_settings
from app.errors import StationError
from db import migrate
from db.session import is_sqlite, make_engine, make_session_factory


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

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Context":
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
    return Context(settings=settings, engine=engine, sessions=make_session_factory(engine))
