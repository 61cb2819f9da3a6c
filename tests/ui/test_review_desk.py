import pytest
from sqlalchemy import select

from db.models import Order, OrderEvent
from tests.ui.conftest import login
from tests.ui.factories import make_order


@pytest.fixture
def desk(ctx, world, window, qtbot):
    with ctx.sessions() as s:
        make_order(s, "WS-REV-1", status="review", warehouse_id=None, priority=2,
                   customer_id=s.scalar(select(Order.customer_id).limit(1)),
                   flags=(("unpaid", "the payment is pending"), ("address_invalid", "postcode 'ABC' is not valid in CN")),
                   ship_postcode="ABC")
        make_order(s, "WS-REV-2", status="review", flags=(("large_quantity", "line 1 asks for 40 units"),))
        s.commit()
    login(window, qtbot, "BADGE-SERVICE-1")
    window.open_screen("review")
    return window.screens["review"]


def _events(ctx, number):
    with ctx.sessions() as s:
        o = s.scalar(select(Order).where(Order.number == number))
        return o.status, [e.kind for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == o.id))]


def test_the_case_is_explained(desk):
    assert desk.list.count() == 2
    assert desk.case.order.number == "WS-REV-1"
    texts = [desk.flags_layout.itemAt(i).widget().text() for i in range(desk.flags_layout.count())]
    assert any("Not paid" in t and "pending" in t for t in texts)
    assert any("Unclear address" in t for t in texts)
    assert desk.address_fields["ship_postcode"].text() == "ABC"
    payment = {desk.payment_layout.itemAt(r, desk.payment_layout.ItemRole.LabelRole).widget().text():
               desk.payment_layout.itemAt(r, desk.payment_layout.ItemRole.FieldRole).widget().text()
               for r in range(desk.payment_layout.rowCount())}
    assert payment["Coupon SPRING10"] == "-¥20.00"
    assert payment["Due"] == "<b>¥185.00</b>"
    assert "Li Wei" in desk.customer_layout.itemAt(0, desk.customer_layout.ItemRole.FieldRole).widget().text()


def test_actions_need_reasons_and_land_on_the_timeline(desk, ctx, window):
    assert desk.act("hold") is False
    assert window.feedback.history[-1] == ("bad", "Give a reason first.")
    desk.reason.setText("customer will call back")
    desk.hold_button.click()
    assert _events(ctx, "WS-REV-1") == ("on_hold", ["held"])
    assert desk.reason.text() == ""
    desk.select("WS-REV-2")
    desk.reason.setText("duplicate order")
    desk.reject_button.click()
    assert _events(ctx, "WS-REV-2") == ("cancelled", ["rejected"])
    assert desk.list.count() == 1


def test_fix_address_then_approve(desk, ctx, window):
    desk.address_fields["ship_postcode"].setText("200120")
    desk.fix_button.click()
    assert window.feedback.history[-1] == ("good", "Address fixed.")
    desk.approve_button.click()
    status, kinds = _events(ctx, "WS-REV-1")
    assert kinds[:2] == ["address_fixed", "approved"]
    assert status in ("allocated", "backordered")


def test_a_stale_view_is_refused(desk, ctx, window):
    with ctx.sessions() as s:
        o = s.scalar(select(Order).where(Order.number == "WS-REV-1"))
        o.note = "changed at another desk"
        s.commit()
    desk.reason.setText("wait")
    assert desk.act("hold") is False
    assert "changed by someone else" in window.feedback.history[-1][1]
    assert desk.act("hold") is True  # reloaded: the second try works
