import pytest

from app.services.uow import Actor, UnitOfWork
from app.shipping.carriers import seed_carriers


@pytest.fixture
def shipping_ctx(db_url):
    """A database (SQLite and PostgreSQL) with the demo carriers. Opened with ``migrate_schema=True`` (a no-op
    on the freshly migrated test database), so these tests do not hang on ``is_current``'s view of branch
    dependencies."""
    from app.context import open_context

    context = open_context(db_url, migrate_schema=True)
    with UnitOfWork(context.sessions) as uow:
        seed_carriers(uow.session)
        uow.commit()
    yield context
    context.dispose()


@pytest.fixture
def actor():
    return Actor(station="SHIP-1", user="alice", role="shipping")
