from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.errors import InvalidInput
from app.intake.formats import native_json
from app.intake.model import IncomingOrder, RecordError


def _parse(document) -> list:
    return list(native_json.parse(json.dumps(document, ensure_ascii=False).encode(), "orders.json"))


def _order(**overrides):
    base = {"external_id": "A-1", "channel": "web", "placed_at": "2026-11-20T09:15:00+08:00",
            "lines": [{"sku": "SKU-00001", "quantity": 1, "price": "10.00"}]}
    base.update(overrides)
    return base


def test_sample_file_maps_every_field(fixture_bytes):
    stream = native_json.parse(fixture_bytes("native_orders.json"), "native_orders.json")
    assert stream.total == 3
    first, second, third = list(stream)
    assert isinstance(first, IncomingOrder)
    assert first.channel == "web" and first.external_id == "WEB-100234"
    assert first.placed_at == datetime(2026, 11, 20, 1, 15, tzinfo=UTC)
    assert [(l.sku, l.gtin, l.quantity, l.unit_price_cents) for l in first.lines] == [
        ("SKU-00001", "06901234567892", 2, 8900), ("SKU-00017", "", 1, 4550)]
    assert first.lines[0].name == "保温杯 500ml"
    assert first.ship_to.city == "深圳市" and first.ship_to.region == "广东省" and first.ship_to.country == "CN"
    assert first.ship_to.address2 == "讯美科技广场2号楼1203室"
    assert first.customer_name == "张伟" and first.customer_email == "zhang.wei@example.cn"
    assert first.goods_cents == 2 * 8900 + 4550
    assert (first.coupon_code, first.coupon_cents) == ("DOUBLE11", 2000)
    assert (first.points_used, first.points_cents) == (500, 500)
    assert first.shipping_cents == 1200
    # paid without an amount: what is due
    assert first.payment_status == "paid"
    assert first.paid_cents == first.goods_cents - 2000 - 500 + 1200
    assert first.payment_reference == "ALIPAY-2026112022001456780"
    assert first.note == "请工作日送货" and first.record == "order WEB-100234"
    assert first.currency == "CNY"

    assert second.priority == 2 and second.service_level == "next_day"
    assert second.promised_ship_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert second.paid_cents == 38400 and second.ship_to.company == "北京星辰文化传媒有限公司"

    assert third.currency == "EUR" and third.payment_status == "pending" and third.paid_cents == 0
    assert third.lines[0].sku == "" and third.lines[0].gtin == "4006381333931"
    assert third.priority == 1 and third.service_level == "scheduled"


def test_broken_records_are_named_and_good_ones_go_through(fixture_bytes):
    records = list(native_json.parse(fixture_bytes("native_broken_records.json"), "bad.json"))
    good = [r.external_id for r in records if isinstance(r, IncomingOrder)]
    assert good == ["GOOD-1", "GOOD-2"]
    errors = {r.record: r.error for r in records if isinstance(r, RecordError)}
    assert errors["order BAD-QTY"] == "lines[2].quantity: 'x' is not a whole number"
    assert errors["order BAD-PRICE"] == "lines[0].price: '12,30' is not an amount"
    assert errors["order BAD-DATE"].startswith("placed_at: '20 Nov 2026'")
    assert errors["order NO-LINES"].startswith("lines:")
    assert errors["orders[5]"] == "external_id: missing"
    assert errors["orders[6]"] == "expected an order object, got str"
    assert errors["order BAD-COUNTRY"].startswith("ship_to.country:")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"placed_at": "2026-11-20T09:15:00"}, "placed_at: '2026-11-20T09:15:00' has no UTC offset"),
        # 2.5 is kept for a person to decide (decimal_quantity); a negative one is no quantity at all
        ({"lines": [{"sku": "S", "quantity": -2.5}]}, "lines[0].quantity: -2.5 is not a whole number"),
        ({"lines": [{"sku": "S", "quantity": 0}]}, "lines[0].quantity: 0 must be at least 1"),
        ({"lines": [{"sku": "S", "quantity": True}]}, "lines[0].quantity: True is not a whole number"),
        ({"lines": [{"sku": "S", "quantity": 1, "price": "1.005"}]}, "lines[0].price: '1.005' has more than two decimals"),
        ({"lines": [{"sku": "S", "quantity": 1, "price": "-3"}]}, "lines[0].price: '-3' is negative"),
        ({"lines": [{"quantity": 1}]}, "lines[0]: needs a sku or a gtin"),
        ({"lines": [{"gtin": "12345", "quantity": 1}]}, "lines[0].gtin: '12345' is not a GTIN"),
        ({"priority": "asap"}, "priority: 'asap' is not one of normal, high, urgent"),
        ({"service_level": "teleport"}, "service_level: 'teleport' is not one of standard, next_day, scheduled"),
        ({"payment": {"status": "maybe"}}, "payment.status: 'maybe' is not one of"),
        ({"currency": "YUAN"}, "currency: 'YUAN' is not a three-letter ISO 4217"),
        ({"coupon": "TENOFF"}, "coupon: expected an object, got str"),
        ({"channel": ""}, "channel: missing"),
    ],
)
def test_field_faults_name_the_field(overrides, message):
    [record] = _parse({"orders": [_order(**overrides)]})
    assert isinstance(record, RecordError)
    assert record.record == "order A-1"
    assert record.error.startswith(message), record.error


def test_amounts_are_exact_in_cents():
    [order] = _parse([_order(lines=[{"sku": "S", "quantity": 3, "price": 0.1}], shipping="7", goods=None,
                             payment={"status": "paid", "amount": "0.30"})])
    assert order.lines[0].unit_price_cents == 10 and order.goods_cents == 30
    assert order.shipping_cents == 700 and order.paid_cents == 30


def test_bare_list_single_order_and_document_channel():
    assert [o.external_id for o in _parse([_order(), _order(external_id=2)])] == ["A-1", "2"]
    assert _parse(_order())[0].external_id == "A-1"
    order = dict(_order())
    del order["channel"]
    [record] = _parse({"channel": "tmall", "orders": [order]})
    assert record.channel == "tmall"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "not valid JSON at line 1, column 1"),
        (b'{"orders": [ {"external_id": "A"', "not valid JSON at line 1"),
        (b'"just a string"', 'expected a JSON object with an "orders" list'),
        (b'{"items": []}', 'no "orders" list'),
        (b'{"format": "something/else", "orders": []}', "is not 'warehouse-station/orders'"),
        (b'{"version": 7, "orders": []}', "version 7 of the order format is not supported"),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_whole_file_faults_raise_at_once_naming_the_file(data, message):
    with pytest.raises(InvalidInput) as info:
        native_json.parse(data, "drop/orders.json")
    assert info.value.message.startswith("drop/orders.json: ")
    assert message in info.value.message


def test_truncated_file_names_line_and_column(fixture_bytes):
    with pytest.raises(InvalidInput, match=r"truncated_orders.json: not valid JSON at line 22, column \d+"):
        native_json.parse(fixture_bytes("truncated_orders.json"), "truncated_orders.json")
