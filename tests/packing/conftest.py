from __future__ import annotations

import pytest

from app.packing.service import PackService
from app.uow import Actor
from tests.packing.factories import make_bench, make_order


class Printed:
    """The jobs the service handed to the printers (the real print queue holds them)."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    def __call__(self, job_ids: list[int]) -> None:
        self.batches.append(list(job_ids))


@pytest.fixture
def bench(ctx):
    with ctx.sessions() as s:
        b = make_bench(s)
        s.commit()
    return b


@pytest.fixture
def printed():
    return Printed()


@pytest.fixture
def make_service(ctx, bench, printed):
    def make(station: str | None = None, **kwargs) -> PackService:
        station = station or bench.station
        return PackService(ctx.sessions, ctx.settings, station, Actor(station=station, user=bench.packer, role="packer"),
                           print_dispatch=printed, **kwargs)

    return make


@pytest.fixture
def order_factory(ctx, bench):
    def make(lines, **kwargs) -> str:
        with ctx.sessions() as s:
            order = make_order(s, lines, **kwargs)
            s.commit()
            return order.number

    return make
