"""Returns and exchanges end to end on SQLite and PostgreSQL: policy, label, receive, inspect, restock,
refund, exchange order through intake."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.aftersales import carrier_events, returns, tracking
from app.aftersales.policy import ReturnPolicy
from app.aftersales.returns import ReturnItem, ReturnRefused
from app.errors import InvalidInput
from app.uow import UnitOfWork
from db.models import Bin, Customer, Order, Stock
from db.models.shipping import Parcel
from tests.aftersales import factories as f

A = f.ACTOR


def _deliver(session, order, at):
    parcel = session.scalar(select(Parcel).where(Parcel.order_id == order.id))
    result = carrier_events.ingest(session, [{"tracking_number": parcel.tracking_number, "event": "delivered",
                                              "at": at.isoformat(), "location": "上海"}], now=at + timedelta(hours=1))
    assert result.accepted == 1, result.rejected


def _stock(session, sku, quarantine=False):
    from db.models import Product

    pid = session.scalar(select(Product.id).where(Product.sku == sku))
    return sum(s.on_hand for s in session.scalars(
        select(Stock).join(Bin, Bin.id == Stock.bin_id).where(Stock.product_id == pid, Bin.quarantine.is_(quarantine))))


def test_refund_flow_restocks_quarantines_and_refunds_pro_rata(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = f.shipped_order(s, coupon_cents=1000, points_used=500, shipped_at=datetime.now(UTC) - timedelta(days=2))
        _deliver(s, order, datetime.now(UTC) - timedelta(days=1))
        shelf, quarantine = _stock(s, "SKU-TEE-BLK"), _stock(s, "SKU-TEE-BLK", True)
        ret = returns.request_return(s, order.number, [ReturnItem("SKU-TEE-BLK", 2), ReturnItem("SKU-MUG", 1)],
                                     "refund", "changed_mind", A)
        pdf = returns.issue_label(s, ret, A, ctx.settings)
        assert pdf.startswith(b"%PDF") and ret.status == "label_issued" and ret.tracking_number and len(ret.sscc) == 18
        uow.commit()
        number, label = ret.number, ret.tracking_number
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        ret = returns.receive(s, "]C1" + label, A)  # the label scanned at the station
        assert ret.number == number and ret.status == "received" and ret.received_station == "STATION-1"
        assert returns.inspect(s, ret, f.gtin(1), "resellable", A).bin_code == "A01-01-1"
        assert returns.inspect(s, ret, "SKU-TEE-BLK", "damaged", A).quarantine
        with pytest.raises(InvalidInput, match="already inspected"):
            returns.inspect(s, ret, "SKU-TEE-BLK", "resellable", A)
        with pytest.raises(InvalidInput, match="still to inspect"):
            returns.complete(s, ret, A)
        last = returns.inspect(s, ret, "SKU-MUG", "resellable", A)
        assert last.all_done
        returns.complete(s, ret, A)
        uow.commit()
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == order.number))
        ret = returns.find_return(s, number)
        # 2 x 79.00 + 39.00 = 197.00 less the coupon (10.00) and the points (5.00); shipping stays (change of mind)
        assert (ret.status, ret.goods_cents, ret.coupon_cents, ret.points_cents, ret.refund_cents) == ("refunded", 19700, 1000, 500, 18200)
        assert ret.points_refunded == 500 and ret.shipping_refund_cents == 0
        assert order.status == "returned" and order.payment_status == "partially_refunded"
        customer = s.get(Customer, order.customer_id)
        assert customer.returns_count == 1 and customer.points_balance == 500
        assert _stock(s, "SKU-TEE-BLK") == shelf + 1 and _stock(s, "SKU-TEE-BLK", True) == quarantine + 1
        kinds = [e.kind for e in tracking.lookup(s, number).events]
        for kind in ("return_requested", "return_label_issued", "return_received", "return_inspected",
                     "return_refunded", "returned"):
            assert kind in kinds
        view = tracking.lookup(s, f"http://x/t/{ret.tracking_token}")
        assert view.number == order.number and view.returns[0].status == "refunded"


def test_merchant_fault_refunds_shipping_and_wrong_item_is_not_refunded(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = f.shipped_order(s, lines=(("SKU-MUG", 2),), shipping_cents=1000)
        ret = returns.request_return(s, order, [ReturnItem("SKU-MUG", 2)], "refund", "damaged", A)
        returns.inspect(s, ret, "SKU-MUG", "damaged", A)
        returns.inspect(s, ret, "SKU-MUG", "wrong_item", A)
        returns.complete(s, ret, A)
        # one mug refunded; the other unit was not our mug; the order did not come back in full: no shipping
        assert ret.refund_cents == 3900 and ret.shipping_refund_cents == 0
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = f.shipped_order(s, lines=(("SKU-MUG", 1),), shipping_cents=1000)
        ret = returns.request_return(s, order, [ReturnItem("SKU-MUG", 1)], "refund", "defective", A)
        returns.inspect(s, ret, f.gtin(3), "damaged", A)
        returns.complete(s, ret, A)
        assert ret.refund_cents == 3900 + 1000 and ret.shipping_refund_cents == 1000
        assert order.payment_status == "refunded"


def test_bad_requests_are_refused_with_every_reason(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        long_ago = datetime.now(UTC) - timedelta(days=40)
        old = f.shipped_order(s, shipped_at=long_ago)
        packed = f.order(s)  # never shipped
        food = f.shipped_order(s, lines=(("SKU-TEA", 1),))
        uow.commit()
        with pytest.raises(ReturnRefused) as late:
            returns.request_return(s, old, [ReturnItem("SKU-MUG", 1)], "refund", "changed_mind", A)
        assert "days ago: the refund window is 7 days" in late.value.message
        with pytest.raises(ReturnRefused, match="was never shipped"):
            returns.request_return(s, packed, [ReturnItem("SKU-MUG", 1)], "refund", "changed_mind", A)
        problems = returns.policy_check(s, food, [ReturnItem("SKU-TEA", 3), ReturnItem("SKU-NOPE", 1)], "refund", "changed_mind")
        assert any("only 1 of 1 shipped" in p for p in problems)
        assert any("(food) can only come back" in p for p in problems)
        assert any("SKU-NOPE is not on order" in p for p in problems)
        assert returns.policy_check(s, food, [ReturnItem("SKU-TEA", 1)], "refund", "damaged") == []
        generous = ReturnPolicy(window_days=60)
        assert returns.policy_check(s, old, [ReturnItem("SKU-MUG", 1)], "refund", "changed_mind", generous) == []
        # nothing was written by the refusals
        from db.models.aftersales import Return

        assert s.scalar(select(Return.id)) is None


def test_second_return_cannot_exceed_what_is_left(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = f.shipped_order(s)
        returns.request_return(s, order, [ReturnItem("SKU-TEE-BLK", 1)], "refund", "changed_mind", A)
        with pytest.raises(ReturnRefused, match="only 1 of 2 shipped can still come back"):
            returns.request_return(s, order, [ReturnItem("SKU-TEE-BLK", 2)], "refund", "changed_mind", A)
        ret2 = returns.request_return(s, order, [ReturnItem("SKU-TEE-BLK", 1)], "refund", "changed_mind", A)
        returns.cancel(s, ret2, A, "customer kept it")
        assert returns.policy_check(s, order, [ReturnItem("SKU-TEE-BLK", 1)], "refund", "changed_mind") == []


def test_exchange_creates_an_order_through_intake(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = f.shipped_order(s, lines=(("SKU-TEE-BLK", 1),))
        with pytest.raises(ReturnRefused, match="same item"):
            returns.request_return(s, order, [ReturnItem("SKU-TEE-BLK", 1, "SKU-MUG")], "exchange", "wrong_size", A)
        ret = returns.request_return(s, order, [ReturnItem("SKU-TEE-BLK", 1, "SKU-TEE-WHT")], "exchange", "wrong_size", A)
        returns.receive(s, ret.number, A)
        returns.inspect(s, ret, "SKU-TEE-BLK", "resellable", A)
        returns.complete(s, ret, A)
        assert ret.status == "inspected" and ret.refund_cents == 0
        uow.commit()
        number = ret.number
    new_number = returns.create_exchange_order(ctx.sessions, ctx.settings, number, A)
    assert returns.create_exchange_order(ctx.sessions, ctx.settings, number, A) == new_number  # idempotent
    with ctx.sessions() as s:
        new = s.scalar(select(Order).where(Order.number == new_number))
        assert new.channel == "exchange" and [(l.sku, l.quantity) for l in new.lines] == [("SKU-TEE-WHT", 1)]
        assert new.status not in ("received",)  # intake ran its rules and stock check
        ret = returns.find_return(s, number)
        assert ret.status == "exchanged" and ret.exchange_order_id == new.id
        view = tracking.lookup(s, order.number)
        assert view.status == "returned" and view.returns[0].exchange_order == new_number
        assert "return_exchanged" in [e.kind for e in view.events]


def test_a_return_dated_in_the_past_writes_each_step_at_its_own_time(ctx):
    """Every step takes the time it happened (a desk catching up, the demo's returns): the timeline stays in order."""
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    t1, t2, t3 = t0 + timedelta(hours=20), t0 + timedelta(hours=21), t0 + timedelta(hours=21, minutes=10)
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        order = f.shipped_order(s, lines=(("SKU-MUG", 1),), shipped_at=t0 - timedelta(days=1))
        _deliver(s, order, t0 - timedelta(hours=5))
        ret = returns.request_return(s, order, [ReturnItem("SKU-MUG", 1)], "refund", "damaged", A, now=t0)
        returns.issue_label(s, ret, A, ctx.settings, now=t0)
        returns.receive(s, ret, A, now=t1)
        returns.inspect(s, ret, "SKU-MUG", "damaged", A, now=t2)
        returns.complete(s, ret, A, now=t3)
        uow.commit()
        order_id, number = order.id, ret.number
    with ctx.sessions() as s:
        from db.models import OrderEvent

        timeline = s.execute(select(OrderEvent.kind, OrderEvent.at).where(OrderEvent.order_id == order_id)
                             .order_by(OrderEvent.id)).all()
        steps = [(kind, at) for kind, at in timeline if kind.startswith("return") or kind == "returned"]
        assert steps == [("return_requested", t0), ("return_label_issued", t0), ("return_received", t1),
                         ("return_inspected", t2), ("return_refunded", t3), ("returned", t3)]
        ret = returns.find_return(s, number)
        assert ret.label_issued_at == t0 and ret.received_at == t1 and ret.completed_at == t3
        assert ret.lines[0].inspections[0]["at"] == t2.isoformat()
