import pytest
from sqlalchemy import select

from app.errors import InvalidInput, PermissionDenied
from app.orders import review
from app.uow import Actor
from db.models import Order, OrderEvent, ReviewFlag
from tests.ui.factories import make_order, make_world

SERVICE = Actor(station="STATION-9", user="service1", role="service")


@pytest.fixture
def case(ctx):
    with ctx.sessions() as s:
        w = make_world(s, orders=0)
        o = make_order(s, "WS-R1", status="review", customer_id=None, warehouse_id=w.warehouse_id,
                       flags=(("large_amount", "the order is worth 9,000.00"), ("address_invalid", "postcode 'X' is not valid in CN")),
                       ship_postcode="X")
        make_order(s, "WS-R2", status="review", flags=(("unpaid", "the payment is pending"),))
        s.commit()
    return "WS-R1"


def _kinds(ctx, number):
    with ctx.sessions() as s:
        o = s.scalar(select(Order).where(Order.number == number))
        return o, [(e.kind, e.data) for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == o.id).order_by(OrderEvent.id))]


def test_queue_and_case(ctx, case):
    with ctx.sessions() as s:
        waiting = review.review_queue(s)
        assert [(e.number, e.open_flags) for e in waiting.entries] == [("WS-R1", 2), ("WS-R2", 1)]
        assert waiting.total == 2
        first = review.review_queue(s, limit=1)
        assert [e.number for e in first.entries] == ["WS-R1"] and first.total == 2
        c = review.review_case(s, case)
        assert [f.code for f in c.flags] == ["large_amount", "address_invalid"]
        assert c.order.due_cents == 20_000 - 2_000 - 500 + 1_000


def test_hold_reject_cancel_need_a_reason_and_land_on_the_timeline(ctx, case):
    with pytest.raises(InvalidInput, match="reason"):
        review.reject(ctx.sessions, case, "", SERVICE)
    with pytest.raises(PermissionDenied):
        review.hold(ctx.sessions, case, "why", Actor(user="p", role="packer"))
    review.hold(ctx.sessions, case, "waiting for the customer", SERVICE)
    o, events = _kinds(ctx, case)
    assert o.status == "on_hold" and events[-1][0] == "held" and events[-1][1]["reason"] == "waiting for the customer"
    review.reject(ctx.sessions, case, "fraud suspected", SERVICE)
    o, events = _kinds(ctx, case)
    assert o.status == "cancelled" and events[-1][0] == "rejected"
    review.cancel(ctx.sessions, "WS-R2", "customer asked", SERVICE)
    assert _kinds(ctx, "WS-R2")[0].status == "cancelled"
    with pytest.raises(InvalidInput):
        review.reject(ctx.sessions, "WS-R2", "again", SERVICE)


def test_fix_address_reruns_the_address_rules(ctx, case):
    still = review.fix_address(ctx.sessions, case, {"ship_postcode": "20012"}, SERVICE)
    assert [f.code for f in still] == ["address_invalid"]
    still = review.fix_address(ctx.sessions, case, {"ship_postcode": "200120"}, SERVICE)
    assert still == []
    o, events = _kinds(ctx, case)
    assert o.ship_postcode == "200120" and events[-1][0] == "address_fixed"
    assert events[-1][1]["changes"] == {"ship_postcode": ["20012", "200120"]}
    with ctx.sessions() as s:
        flags = s.scalars(select(ReviewFlag).join(Order).where(Order.number == case)).all()
        assert {(f.code, f.resolved) for f in flags} == {("large_amount", False), ("address_invalid", True)}
    with pytest.raises(InvalidInput, match="not an address field"):
        review.fix_address(ctx.sessions, case, {"paid_cents": 0}, SERVICE)


def test_approve_goes_through_confirmation(ctx, case):
    pytest.importorskip("app.orders.confirmation")
    status = review.approve(ctx.sessions, "WS-R2", SERVICE, note="paid by phone")
    o, events = _kinds(ctx, "WS-R2")
    assert o.status == status and "approved" in [k for k, _ in events]
