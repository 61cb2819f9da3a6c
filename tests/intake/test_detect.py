from __future__ import annotations

import json

import pytest

from app.errors import InvalidInput, NotFound
from app.intake.detect import detect_format, parse_bytes, parse_file
from app.intake.model import IncomingOrder
from tests.intake.conftest import FIXTURES

SAMPLES = {
    "native_orders.json": "json",
    "native_broken_records.json": "json",
    "native_orders.csv": "csv",
    "native_orders_gb18030.csv": "csv",
    "native_broken_records.csv": "csv",
    "shopify_orders.json": "shopify",
    "shopify_webhook_order.json": "shopify",
    "shopify_broken_records.json": "shopify",
    "woocommerce_orders.json": "woocommerce",
    "woocommerce_broken_records.json": "woocommerce",
    "orders_d96a.edi": "edifact",
    "orders_d96a_bad_record.edi": "edifact",
}


@pytest.mark.parametrize("name, expected", sorted(SAMPLES.items()))
def test_every_sample_is_recognised_by_content_alone(fixture_bytes, name, expected):
    assert detect_format(fixture_bytes(name), "upload.bin") == expected
    assert detect_format(fixture_bytes(name), name) == expected


@pytest.mark.parametrize("name", sorted(n for n, k in SAMPLES.items() if "broken" not in n and "bad" not in n))
def test_parse_file_auto_gives_orders(name):
    fmt, records = parse_file(FIXTURES / name)
    assert fmt == SAMPLES[name]
    orders = list(records)
    assert orders and all(isinstance(o, IncomingOrder) for o in orders)
    assert records.total == len(orders)


def test_explicit_format_overrides_detection(fixture_bytes):
    fmt, records = parse_bytes(fixture_bytes("shopify_webhook_order.json"), "x", "shopify")
    assert fmt == "shopify" and len(list(records)) == 1
    with pytest.raises(InvalidInput, match="not a WooCommerce order document"):
        parse_bytes(fixture_bytes("native_orders.json"), "x", "woocommerce")
    with pytest.raises(InvalidInput, match="unknown format 'xml'"):
        parse_file(FIXTURES / "native_orders.json", "xml")


def test_edifact_without_una_and_with_leading_newlines(fixture_bytes):
    data = fixture_bytes("orders_d96a.edi").split(b"\n", 1)[1]
    assert detect_format(b"\r\n" + data, "ORDERS_0001.txt") == "edifact"


def test_json_tie_breakers():
    assert detect_format(b'{"orders": []}', "shopify-export.json") == "shopify"
    assert detect_format(b"[]", "woo-orders.json") == "woocommerce"
    assert detect_format(b"[]", "orders.json") == "json"
    assert detect_format(json.dumps({"order": {"id": 1}}).encode(), "x") == "shopify"
    assert detect_format(json.dumps([{"id": 1, "billing": {}, "line_items": []}]).encode(), "x") == "woocommerce"


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.dat", "the file is empty"),
        (b"hello world\n", "notes.txt", "cannot tell the order format"),
        (b'{"products": [{"sku": 1}]}', "catalogue.json", "JSON, but neither"),
        (b'{"orders": [', "orders.json", "not valid JSON at line 1"),
    ],
)
def test_undetectable(data, name, message):
    with pytest.raises(InvalidInput) as info:
        detect_format(data, name)
    assert info.value.message.startswith(f"{name}: ") and message in info.value.message


def test_file_problems(tmp_path):
    with pytest.raises(NotFound, match="no such file"):
        parse_file(tmp_path / "missing.json")
    with pytest.raises(InvalidInput, match="is a folder"):
        parse_file(tmp_path)
