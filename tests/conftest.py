"""Fixtures every test module shares: a fresh database on each backend, and Qt offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tests.helpers.databases import DatabaseFactory, postgres_admin_url, postgres_unavailable_reason

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory, worker_id):
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"), worker_id)
    yield factory
    factory.close()


def require_backend(backend: str) -> None:
    """Skip (fail under CI) when PostgreSQL is wanted and absent."""
    if backend == "postgresql":
        reason = postgres_unavailable_reason()
        if reason:
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL must run in CI: {reason}")
            pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(params=BACKENDS)
def db_url(request, database_factory) -> str:
    """A freshly migrated, empty database on SQLite and on PostgreSQL."""
    backend = request.param
    require_backend(backend)
    url = database_factory.create(backend)
    yield url
    database_factory.drop(url)


@pytest.fixture
def ctx(db_url):
    from app.context import open_context

    context = open_context(db_url, migrate_schema=False)
    yield context
    context.dispose()


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


__all__ = ["postgres_admin_url"]
