from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.errors import InvalidInput
from app.intake.formats import shopify
from app.intake.model import IncomingOrder, RecordError


def test_rest_orders_are_mapped(fixture_bytes):
    stream = shopify.parse(fixture_bytes("shopify_orders.json"), "shopify_orders.json")
    assert stream.total == 2
    first, second = list(stream)
    assert first.channel == "shopify" and first.external_id == "5734681346278" and first.external_ref == "#1001"
    assert first.record == "order #1001"
    assert first.placed_at == datetime(2026, 11, 20, 2, 32, 45, tzinfo=UTC)
    assert [(l.sku, l.gtin, l.quantity, l.unit_price_cents) for l in first.lines] == [
        ("SKU-00001", "06901234567892", 2, 17800), ("SKU-00017", "", 1, 11000)]
    assert first.ship_to.name == "陈静" and first.customer_name == "陈静"
    assert (first.ship_to.city, first.ship_to.region, first.ship_to.postcode, first.ship_to.country) == (
        "上海市", "SH", "200120", "CN")
    assert first.goods_cents == 46600 and first.coupon_code == "WINTER30" and first.coupon_cents == 3000
    assert first.shipping_cents == 1500 and first.stated_total_cents == 45100
    assert first.payment_status == "paid" and first.paid_cents == 45100
    assert first.paid_cents == first.goods_cents - first.coupon_cents - first.points_cents + first.shipping_cents
    assert first.tax_cents == 0  # taxes included in the prices
    assert first.payment_reference == "alipay:KX7Q2M9TB"
    assert first.service_level == "next_day" and first.priority == 1  # "顺丰特快 SF Express"
    assert first.note == "请放门卫处" and first.currency == "CNY"

    # points redeemed as a discount code, a barcode-only line, a gift card line left out
    assert second.points_cents == 500 and second.points_used == 500 and second.coupon_cents == 0
    assert [(l.sku, l.gtin) for l in second.lines] == [("SKU-00120", ""), ("", "0012345678905")]
    assert second.payment_status == "pending" and second.paid_cents == 0
    assert second.tax_cents == 487 and second.stated_total_cents == 7182
    assert second.goods_cents - second.points_cents + second.shipping_cents + second.tax_cents == 7182
    assert second.priority == 1  # tagged vip
    assert second.customer_name == "Jane Doe" and second.ship_to.region == "OR"


def test_webhook_body_is_one_order(fixture_bytes):
    [order] = shopify.parse(fixture_bytes("shopify_webhook_order.json"), "webhook")
    assert order.external_id == "5734681346300" and order.priority == 2  # tagged urgent


@pytest.mark.parametrize(
    "financial, expected",
    [("paid", "paid"), ("pending", "pending"), ("authorized", "authorized"), ("partially_paid", "pending"),
     ("refunded", "refunded"), ("partially_refunded", "partially_refunded"), ("voided", "failed")],
)
def test_financial_status(fixture_bytes, financial, expected):
    document = json.loads(fixture_bytes("shopify_webhook_order.json"))
    document["financial_status"] = financial
    del document["total_outstanding"]
    [order] = shopify.parse(json.dumps(document).encode(), "x")
    assert order.payment_status == expected
    assert order.channel_status == f"{financial}/unfulfilled"


def test_cancelled_and_edited_orders(fixture_bytes):
    document = json.loads(fixture_bytes("shopify_webhook_order.json"))
    document["cancelled_at"] = "2026-11-21T15:00:00+08:00"
    document["line_items"][0]["current_quantity"] = 0
    [order] = shopify.parse(json.dumps({"order": document}).encode(), "x")
    assert order.channel_status == "cancelled"
    assert [l.sku for l in order.lines] == ["SKU-00017"]


def test_broken_records(fixture_bytes):
    records = list(shopify.parse(fixture_bytes("shopify_broken_records.json"), "bad.json"))
    errors = [(r.record, r.error) for r in records if isinstance(r, RecordError)]
    assert errors == [
        ("order #2001", "line_items[0].quantity: 'two' is not a whole number"),
        ("order #2002", "created_at: 'yesterday' is not an ISO 8601 timestamp"),
    ]
    # a line with neither SKU nor barcode keeps its order: it waits in review by its name (unknown_sku)
    assert isinstance(records[2], IncomingOrder)
    assert [(l.sku, l.gtin, l.name) for l in records[2].lines] == [("", "", "Desk Lamp - Black")]
    assert isinstance(records[3], IncomingOrder) and records[3].external_id == "4"


def test_not_a_shopify_document():
    with pytest.raises(InvalidInput, match=r"^x.json: not a Shopify order document"):
        shopify.parse(b'{"products": []}', "x.json")
