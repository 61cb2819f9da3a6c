"""Role checks live in the services, not only in which screens the UI shows.

Every service entry point that needs a role is called by an actor of every role that lacks it (and by the web
customer): it raises ``PermissionDenied`` and writes nothing. Where the entry point takes a session, the session
is committed even after the refusal, so a change made before the check would show. The same call by a role
that has it goes through (so the refusal is the role check, not a broken call).

The supervisor's partial-shipment override is approved by a badge scan, not by the actor: a packer's badge is
refused in tests/packing/test_service.py::test_partial_shipment_needs_a_supervisor_and_the_rest_stays_open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.admin.auth import ROLES, has_role
from app.aftersales import returns
from app.aftersales.policy import ReturnPolicy
from app.aftersales.returns import ReturnItem
from app.context import open_context
from app.demo import seed as demo
from app.errors import PermissionDenied
from app.orders import claim, review, supervision
from app.shipping import service as shipping
from app.uow import Actor, UnitOfWork
from db.models import Order, OrderEvent, Station
from db.models.aftersales import Return
from db.models.shipping import Parcel
from tests.conftest import require_backend

ALL_ROLES = (*ROLES, "customer")


@dataclass(frozen=True)
class World:
    ctx: object
    review: str  # an order waiting for review
    allocated: str  # an order waiting for a station
    labelled: str  # an order with a label
    return_number: str  # a return requested on a delivered order


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, database_factory):
    require_backend(request.param)
    url = database_factory.create(request.param)
    ctx = open_context(url, migrate_schema=False)
    demo.seed(ctx, orders=60, seed=5)
    with ctx.sessions() as s:
        def first(status: str) -> str:
            return s.scalar(select(Order.number).where(Order.status == status).order_by(Order.id).limit(1))

        numbers = {status: first(status) for status in ("review", "allocated", "labelled", "delivered")}
    with UnitOfWork(ctx.sessions) as uow:
        order = uow.session.scalar(select(Order).where(Order.number == numbers["delivered"]))
        line = order.lines[0]
        ret = returns.request_return(uow.session, order, [ReturnItem(line.sku, 1)], "refund", "damaged",
                                     Actor("DESK-1", "service1", "service"), policy=ReturnPolicy(window_days=3650))
        return_number = ret.number
        uow.commit()
    yield World(ctx, numbers["review"], numbers["allocated"], numbers["labelled"], return_number)
    ctx.dispose()
    database_factory.drop(url)


def fingerprint(ctx) -> tuple:
    """What any of these entry points would change: the timeline, any order's status or version, returns, labels."""
    with ctx.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(OrderEvent)),
            tuple(s.execute(select(Order.number, Order.status, Order.version, Order.priority, Order.station_id)
                            .order_by(Order.id)).all()),
            tuple(s.execute(select(Return.number, Return.status).order_by(Return.id)).all()),
            s.scalar(select(func.count()).select_from(Parcel).where(Parcel.voided.is_(True))),
            tuple(s.execute(select(Station.name, Station.warehouse_id).order_by(Station.id)).all()),
        )


def in_session(ctx, action: Callable) -> None:
    """Run ``action(session)`` and commit whatever it left, even when it raised."""
    with UnitOfWork(ctx.sessions) as uow:
        try:
            action(uow.session)
        finally:
            uow.commit()


def _order(session, number: str) -> Order:
    return session.scalar(select(Order).where(Order.number == number))


def _return(session, number: str) -> Return:
    return session.scalar(select(Return).where(Return.number == number))


# name -> (roles that may, call(world, actor))
ENTRY_POINTS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "review.approve": (review.REVIEW_ROLES, lambda w, a: review.approve(w.ctx.sessions, w.review, a, note="ok")),
    "review.hold": (review.REVIEW_ROLES, lambda w, a: review.hold(w.ctx.sessions, w.review, "call the customer", a)),
    "review.reject": (review.REVIEW_ROLES, lambda w, a: review.reject(w.ctx.sessions, w.review, "fraud suspected", a)),
    "review.cancel": (review.REVIEW_ROLES, lambda w, a: review.cancel(w.ctx.sessions, w.review, "customer asked", a)),
    "review.fix_address": (review.REVIEW_ROLES,
                           lambda w, a: review.fix_address(w.ctx.sessions, w.review, {"city": "上海市"}, a)),
    "supervision.reassign_station": (("supervisor",),
                                     lambda w, a: supervision.reassign_station(w.ctx.sessions, w.allocated, "STATION-2", a)),
    "supervision.set_priority": (("supervisor",), lambda w, a: supervision.set_priority(w.ctx.sessions, w.allocated, 2, a)),
    "supervision.hold": (("supervisor", "service"),
                         lambda w, a: supervision.hold(w.ctx.sessions, w.allocated, "stock check", a)),
    "supervision.release": (("supervisor", "service"), lambda w, a: supervision.release(w.ctx.sessions, w.allocated, a)),
    "claim.claim_next": (("packer",), lambda w, a: claim.claim_next(w.ctx.sessions, "STATION-1", a)),
    "supervision.set_station_warehouse": (("admin",), lambda w, a: supervision.set_station_warehouse(
        w.ctx.sessions, "STATION-1", "", a)),
    "shipping.void_labels": (("shipping",), lambda w, a: in_session(
        w.ctx, lambda s: shipping.void_labels(s, _order(s, w.labelled), a, "wrong address"))),
    "returns.receive": (("service",), lambda w, a: in_session(
        w.ctx, lambda s: returns.receive(s, _return(s, w.return_number), a))),
    "returns.inspect": (("service",), lambda w, a: in_session(
        w.ctx, lambda s: returns.inspect(s, _return(s, w.return_number), _return(s, w.return_number).lines[0], "damaged", a))),
    "returns.complete (the refund)": (("service",), lambda w, a: in_session(
        w.ctx, lambda s: returns.complete(s, _return(s, w.return_number), a))),
    "returns.cancel": (("service",), lambda w, a: in_session(
        w.ctx, lambda s: returns.cancel(s, _return(s, w.return_number), a, "customer kept it"))),
    "returns.create_exchange_order": (("service",), lambda w, a: returns.create_exchange_order(
        w.ctx.sessions, w.ctx.settings, w.return_number, a)),
}


def lacking(needed: tuple[str, ...]) -> list[str]:
    return [role for role in ALL_ROLES if not any(has_role(role, n) for n in needed)]


CASES = [(name, role) for name, (needed, _) in ENTRY_POINTS.items() for role in lacking(needed)]


@pytest.mark.parametrize("name, role", CASES, ids=[f"{n}-by-{r}" for n, r in CASES])
def test_refused_without_the_role_and_nothing_written(world, name, role):
    _, call = ENTRY_POINTS[name]
    before = fingerprint(world.ctx)
    with pytest.raises(PermissionDenied, match=f"\\({role}\\) may not do this"):
        call(world, Actor(station="STATION-1", user=f"{role}-user", role=role))
    assert fingerprint(world.ctx) == before


# Run last in this module, in this order: each one changes the order or return the next one uses.
ALLOWED = [("review.hold", "service"), ("supervision.set_priority", "supervisor"), ("shipping.void_labels", "shipping"),
           ("returns.receive", "service"), ("claim.claim_next", "packer")]


@pytest.mark.parametrize("name, role", ALLOWED, ids=[f"{n}-by-{r}" for n, r in ALLOWED])
def test_the_same_call_goes_through_with_the_role(world, name, role):
    _, call = ENTRY_POINTS[name]
    before = fingerprint(world.ctx)
    call(world, Actor(station="STATION-1", user=f"{role}-user", role=role))
    assert fingerprint(world.ctx) != before
