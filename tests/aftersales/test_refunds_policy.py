"""The refund arithmetic and the returns policy: pure domain code, no database."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.aftersales import policy as pol
from app.aftersales import refunds

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_share_out_adds_up_to_the_cent():
    assert refunds.share_out(1000, [7900 * 2, 3900]) == [802, 198]
    assert sum(refunds.share_out(1, [1, 1, 1])) == 1
    assert refunds.share_out(0, [5, 5]) == [0, 0]


def test_full_return_gives_back_coupon_and_points_exactly():
    order = refunds.OrderMoney(goods_cents=19700, coupon_cents=1000, points_cents=500, points_used=500, shipping_cents=1000)
    lines = [refunds.LineMoney(1, 2, 7900), refunds.LineMoney(2, 1, 3900)]
    r = refunds.compute(order, lines, {}, {1: 2, 2: 1}, refund_shipping=True)
    assert r.goods_cents == 19700
    assert r.coupon_cents == 1000 and r.points_cents == 500 and r.points == 500
    assert r.cash_cents == 19700 - 1000 - 500 + 1000


def test_partial_returns_never_give_back_more_than_the_order_used():
    order = refunds.OrderMoney(goods_cents=3 * 3333, coupon_cents=1000, points_cents=0, points_used=0, shipping_cents=0)
    lines = [refunds.LineMoney(1, 3, 3333)]
    first = refunds.compute(order, lines, {}, {1: 1})
    second = refunds.compute(order, lines, {1: 1}, {1: 1})
    third = refunds.compute(order, lines, {1: 2}, {1: 1})
    assert [first.coupon_cents, second.coupon_cents, third.coupon_cents] == [333, 333, 334]
    assert first.cash_cents + second.cash_cents + third.cash_cents == 3 * 3333 - 1000


def test_restocking_fee_on_change_of_mind():
    order = refunds.OrderMoney(10000, 0, 0, 0, 800)
    r = refunds.compute(order, [refunds.LineMoney(1, 1, 10000)], {}, {1: 1}, fee_percent=10)
    assert r.fee_cents == 1000 and r.cash_cents == 9000 and r.shipping_cents == 0


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 50_000)), min_size=1, max_size=5),
    coupon_share=st.floats(0, 0.9), points_share=st.floats(0, 0.1), data=st.data(),
)
def test_any_sequence_of_returns_adds_up_exactly(lines, coupon_share, points_share, data):
    money_lines = [refunds.LineMoney(i + 1, q, p) for i, (q, p) in enumerate(lines)]
    goods = sum(l.value for l in money_lines)
    coupon = int(goods * coupon_share)
    points = int(goods * points_share)
    order = refunds.OrderMoney(goods, coupon, points, points, 0)
    previously: dict[int, int] = {}
    total = refunds.Refund()
    remaining = {l.line_id: l.quantity for l in money_lines}
    while any(remaining.values()):
        now = {lid: data.draw(st.integers(0, left)) for lid, left in remaining.items() if left}
        if not any(now.values()):
            lid = next(l for l, left in remaining.items() if left)
            now[lid] = remaining[lid]
        r = refunds.compute(order, money_lines, previously, now)
        for lr in r.lines:
            assert lr.coupon_cents >= 0 and lr.points_cents >= 0
        total.lines += r.lines
        for lid, k in now.items():
            previously[lid] = previously.get(lid, 0) + k
            remaining[lid] -= k
    assert total.goods_cents == goods
    assert total.coupon_cents == coupon
    assert total.points_cents == points and total.points == points


def _facts(status="delivered", days_ago=3):
    return pol.OrderFacts("WS1", status, NOW - timedelta(days=days_ago) if status in ("shipped", "delivered") else None)


def _line(**kw):
    base = dict(sku="SKU-1", category="apparel", shipped=2, already_returned=0, asked=1)
    base.update(kw)
    return pol.LineFacts(**base)


def test_policy_accepts_a_return_within_the_window():
    assert pol.check(pol.ReturnPolicy(), _facts(), [_line()], "refund", "changed_mind", NOW) == []


def test_policy_refuses_outside_the_window_never_shipped_and_too_many():
    p = pol.ReturnPolicy()
    late = pol.check(p, _facts(days_ago=9), [_line()], "refund", "changed_mind", NOW)
    assert late and "window is 7 days" in late[0]
    # exchanges have a longer window
    assert pol.check(p, _facts(days_ago=9), [_line(exchange_sku="SKU-2")], "exchange", "wrong_size", NOW) == []
    never = pol.check(p, _facts(status="packed"), [_line()], "refund", "changed_mind", NOW)
    assert never == ["order WS1 was never shipped (it is packed): nothing can come back"]
    too_many = pol.check(p, _facts(), [_line(asked=2, already_returned=1)], "refund", "changed_mind", NOW)
    assert "only 1 of 2 shipped can still come back" in too_many[0]


def test_policy_non_returnable_category_unless_merchant_at_fault():
    p = pol.ReturnPolicy()
    food = _line(category="food")
    assert "can only come back when damaged" in pol.check(p, _facts(), [food], "refund", "changed_mind", NOW)[0]
    assert pol.check(p, _facts(), [food], "refund", "damaged", NOW) == []


def test_policy_from_settings_mapping():
    p = pol.ReturnPolicy.from_mapping({"window_days": 30, "non_returnable_categories": ["toys"], "unknown": 1})
    assert p.window_days == 30 and p.non_returnable_categories == ("toys",)
    assert pol.check(p, _facts(days_ago=20), [_line(category="food")], "refund", "changed_mind", NOW) == []
