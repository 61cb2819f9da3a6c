"""Fresh databases for tests: a migrated template per backend, copied for each test."""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from db import migrate
from db.session import make_engine


def postgres_admin_url() -> str:
    return os.environ.get("STATION_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@functools.cache
def postgres_unavailable_reason() -> str | None:
    try:
        with psycopg.connect(_libpq(postgres_admin_url()), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL at {postgres_admin_url()} ({str(exc).strip().splitlines()[0]})"


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


class DatabaseFactory:
    def __init__(self, folder: Path, worker: str) -> None:
        self.folder = folder
        self.worker = worker
        self._sqlite_template: Path | None = None
        self._pg_template: str | None = None

    # SQLite: migrate one file, copy it for every test.
    def _sqlite(self) -> str:
        if self._sqlite_template is None:
            template = self.folder / "template.db"
            engine = make_engine(f"sqlite:///{template}")
            migrate.upgrade(engine)
            engine.dispose()  # the last connection to close checkpoints the WAL into the file
            self._sqlite_template = template
        target = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self._sqlite_template, target)
        return f"sqlite:///{target}"

    # PostgreSQL: migrate one template database, CREATE DATABASE ... TEMPLATE for every test.
    def _postgres(self) -> str:
        admin = postgres_admin_url()
        if self._pg_template is None:
            name = f"station_tpl_{self.worker}_{os.getpid()}"
            self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
            engine = make_engine(_with_database(admin, name))
            migrate.upgrade(engine)
            engine.dispose()
            self._pg_template = name
        name = f"station_t_{uuid.uuid4().hex[:16]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._pg_template}"')
        return _with_database(admin, name)

    def create(self, backend: str) -> str:
        return self._sqlite() if backend == "sqlite" else self._postgres()

    def drop(self, url: str) -> None:
        if url.startswith("sqlite"):
            path = Path(make_url(url).database)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            return
        name = make_url(url).database
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._pg_template:
            self._admin(f'DROP DATABASE IF EXISTS "{self._pg_template}" WITH (FORCE)')

    @staticmethod
    def _admin(*statements: str) -> None:
        with psycopg.connect(_libpq(postgres_admin_url()), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)
