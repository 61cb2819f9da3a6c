from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.errors import InvalidInput
from app.intake.formats import woocommerce
from app.intake.model import IncomingOrder, RecordError


def test_rest_orders_are_mapped(fixture_bytes):
    first, second = list(woocommerce.parse(fixture_bytes("woocommerce_orders.json"), "woo.json"))
    assert first.channel == "woocommerce" and first.external_id == "727" and first.record == "order 727"
    assert first.placed_at == datetime(2026, 11, 20, 7, 28, 2, tzinfo=UTC)  # date_created_gmt
    assert [(l.sku, l.gtin, l.quantity, l.unit_price_cents) for l in first.lines] == [
        ("SKU-00001", "06901234567892", 2, 8900), ("SKU-00088", "", 3, 4333)]
    assert first.goods_cents == 30800  # exact sum of line subtotals, not of rounded unit prices
    assert (first.coupon_code, first.coupon_cents) == ("newyear15", 1500)
    assert (first.points_used, first.points_cents) == (1000, 1000)
    assert first.shipping_cents == 1000 and first.stated_total_cents == 29300
    assert first.payment_status == "paid" and first.paid_cents == 29300
    assert first.payment_reference == "alipay:2026112022001400001234567890"
    assert first.ship_to.name == "黄晓明" and first.ship_to.city == "广州市" and first.ship_to.country == "CN"
    assert first.ship_to.email == "huang.xm@example.cn" and first.ship_to.phone == "13711112222"
    assert first.service_level == "next_day"  # 顺丰次日达
    assert first.note == "周末送货" and first.channel_status == "processing"

    assert second.payment_status == "pending" and second.paid_cents == 0 and second.channel_status == "on-hold"
    assert second.currency == "EUR" and second.lines[0].unit_price_cents == 997
    assert second.goods_cents == 2990 and second.ship_to.company == "Rossi SRL"


@pytest.mark.parametrize(
    "status, date_paid, expected",
    [("processing", "2026-11-20T07:30:11", "paid"), ("completed", "2026-11-20T07:30:11", "paid"),
     ("processing", None, "pending"), ("on-hold", None, "pending"), ("failed", None, "failed"),
     ("refunded", "2026-11-20T07:30:11", "refunded"), ("cancelled", None, "pending")],
)
def test_payment_status(fixture_bytes, status, date_paid, expected):
    order = json.loads(fixture_bytes("woocommerce_orders.json"))[0]
    order.update(status=status, date_paid_gmt=date_paid, date_paid=date_paid)
    [parsed] = woocommerce.parse(json.dumps(order).encode(), "x")
    assert parsed.payment_status == expected and parsed.channel_status == status


def test_broken_records(fixture_bytes):
    records = list(woocommerce.parse(fixture_bytes("woocommerce_broken_records.json"), "bad.json"))
    assert [(r.record, r.error) for r in records if isinstance(r, RecordError)] == [
        ("order 801", "line_items[0].quantity: -1 must be at least 1"),
        ("order 802", "date_created_gmt: 'not a date' is not an ISO 8601 timestamp"),
        ("order 803", "shipping_total: 'abc' is not an amount"),
    ]
    assert isinstance(records[3], IncomingOrder)


def test_not_a_woocommerce_document():
    with pytest.raises(InvalidInput, match="not a WooCommerce order document"):
        woocommerce.parse(b'{"id": 5}', "x.json")
