import pytest

from app.shipping.carriers import seed_carriers
from app.uow import Actor, UnitOfWork


@pytest.fixture
def shipping_ctx(ctx):
    """A database (SQLite and PostgreSQL) with the demo carriers."""
    with UnitOfWork(ctx.sessions) as uow:
        seed_carriers(uow.session)
        uow.commit()
    return ctx


@pytest.fixture
def actor():
    return Actor(station="SHIP-1", user="alice", role="shipping")
