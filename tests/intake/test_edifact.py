from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import InvalidInput
from app.intake.formats import edifact
from app.intake.model import IncomingOrder, RecordError

HEAD = "UNA:+.? 'UNB+UNOY:3+SENDER01:14+WAREHOUSE:14+261120:0915+REF1'"


def _message(ref: str, body: list[str]) -> str:
    segments = [f"UNH+{ref}+ORDERS:D:96A:UN"] + body
    segments.append(f"UNT+{len(segments) + 1}+{ref}")
    return "'".join(segments) + "'"


def _interchange(*messages: str, count: int | None = None) -> bytes:
    count = len(messages) if count is None else count
    return (HEAD + "".join(messages) + f"UNZ+{count}+REF1'").encode()


BODY = ["BGM+220+PO-1+9", "DTM+137:20261120:102", "LIN+1++4006381333931:EN", "QTY+21:2", "UNS+S"]


def test_interchange_with_two_orders(fixture_bytes):
    stream = edifact.parse(fixture_bytes("orders_d96a.edi"), "orders_d96a.edi")
    assert stream.total == 2
    first, second = list(stream)
    assert first.channel == "edi:4012345000009" and first.external_id == "PO-77001"
    assert first.record == "order PO-77001 (message 1)"
    assert first.placed_at == datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    assert first.promised_ship_at == datetime(2026, 11, 23, tzinfo=UTC)
    assert [(l.sku, l.gtin, l.quantity, l.unit_price_cents, l.name) for l in first.lines] == [
        ("SKU-00001", "6901234567892", 12, 4550, "保温杯 500ml"),
        ("SKU-00002", "6901234567908", 6, 3200, "竹制砧板"),
    ]
    assert first.customer_name == "华东零售有限公司" and first.customer_email == "wangfang@example.cn"
    assert first.customer_phone == "021-5555-0101"
    ship = first.ship_to
    assert (ship.name, ship.company, ship.address1, ship.address2, ship.city, ship.region, ship.postcode,
            ship.country, ship.phone) == ("李强", "上海仓储中心", "浦东新区张江路88号", "3号楼", "上海市", "SH",
                                          "201203", "CN", "13800138000")
    assert first.goods_cents == 73800 and first.stated_total_cents == 73800 and first.currency == "CNY"
    assert first.payment_status == "authorized" and first.paid_cents == 0

    assert second.currency == "EUR" and second.ship_to.phone == "+49 40 123456"  # escaped "?+"
    assert second.lines[0].unit_price_cents == 999 and second.goods_cents == 2997


def test_a_broken_message_is_a_record_error_and_the_rest_goes_through(fixture_bytes):
    first, second = list(edifact.parse(fixture_bytes("orders_d96a_bad_record.edi"), "bad.edi"))
    assert isinstance(first, IncomingOrder)
    assert second == RecordError(
        "order PO-77002 (message 2)", "lines[0].quantity (QTY+21, segment 40): 'x' is not a whole number")


@pytest.mark.parametrize(
    "name, message",
    [
        ("orders_d96a_truncated.edi",
         "EDIFACT syntax error after segment 24 (QTY): the file ends in the middle of a segment"),
        ("orders_d96a_no_unz.edi", "ends after segment 44 (UNT) without the UNZ trailer: the file is truncated"),
    ],
)
def test_truncated_interchange_raises_naming_file_and_position(fixture_bytes, name, message):
    with pytest.raises(InvalidInput) as info:
        edifact.parse(fixture_bytes(name), name)
    assert info.value.message == f"{name}: {message}" or info.value.message.startswith(f"{name}: {message}")


def test_message_level_faults():
    bad_count = _message("1", BODY).replace("UNT+7+1", "UNT+9+1")
    not_orders = _message("2", BODY).replace("ORDERS:D:96A", "INVOIC:D:96A")
    no_date = _message("3", ["BGM+220+PO-3+9", "LIN+1++4006381333931:EN", "QTY+21:1"])
    no_qty = _message("4", ["BGM+220+PO-4+9", "DTM+137:20261120:102", "LIN+1++4006381333931:EN", "UNS+S"])
    bad_date = _message("5", ["BGM+220+PO-5+9", "DTM+137:20261340:102", "LIN+1++4006381333931:EN", "QTY+21:1"])
    rush = _message("6", ["BGM+224+PO-6+1", "DTM+137:202611201230?+08:303", "LIN+1", "PIA+5+SKU-9:SA",
                          "QTY+21:4.000", "PRI+AAB:2,50"])
    records = list(edifact.parse(_interchange(bad_count, not_orders, no_date, no_qty, bad_date, rush), "x.edi"))
    errors = [(r.record, r.error) for r in records if isinstance(r, RecordError)]
    assert errors == [
        ("order PO-1 (message 1)", "segment 9: UNT says 9 segments, the message has 7"),
        ("order PO-1 (message 2)", "segment 10: a INVOIC message, not ORDERS"),
        ("order PO-3 (message 3)", "placed_at: no DTM+137 document date (nor DTM+4 order date)"),
        ("order PO-4 (message 4)", "lines[0].quantity (LIN 1, segment 25): no QTY+21 (or QTY+1)"),
        ("order PO-5 (message 5)", "placed_at (DTM+137, segment 30): '20261340' is not a date in format 102"),
    ]
    order = records[-1]
    assert order.priority == 2 and order.channel_status == "cancelled"
    assert order.placed_at == datetime(2026, 11, 20, 4, 30, tzinfo=UTC)
    assert order.lines[0].sku == "SKU-9" and order.lines[0].quantity == 4 and order.lines[0].unit_price_cents == 250


def test_header_allowance_and_charge():
    body = ["BGM+220+PO-7+9", "DTM+137:20261120:102", "ALC+A++++DI", "MOA+204:5.00", "ALC+C++++FC", "MOA+23:8",
            "LIN+1++4006381333931:EN", "QTY+21:1", "PRI+AAA:20", "UNS+S", "MOA+86:23.00"]
    [order] = edifact.parse(_interchange(_message("1", body)), "x.edi")
    assert (order.coupon_cents, order.shipping_cents, order.goods_cents, order.stated_total_cents) == (
        500, 800, 2000, 2300)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty file"),
        (b"UNH+1+ORDERS:D:96A:UN'UNT+2+1'", "an interchange must start with UNB"),
        (_interchange(_message("1", BODY), count=3), "UNZ says 3 message(s), the file holds 1"),
        (HEAD.encode() + b"UNB+UNOY:3+X+Y+261120:0915+R'UNZ+0+R'", "unexpected UNB inside the interchange"),
        (b"UNB+UNOY:3+SENDER+RECIP+bad+REF'UNZ+0+REF'", "invalid UNB header"),
    ],
)
def test_whole_file_faults(data, message):
    with pytest.raises(InvalidInput) as info:
        edifact.parse(data, "gw/in.edi")
    assert info.value.message.startswith("gw/in.edi: ") and message in info.value.message, info.value.message


def test_latin1_interchange():
    data = _interchange(_message("1", BODY + ["NAD+DP+++Müller+Hauptstraße 1+Köln++50667+DE"])).replace(b"UNOY", b"UNOC")
    data = data.decode().encode("iso8859-1")
    [order] = edifact.parse(data, "x.edi")
    assert order.ship_to.name == "Müller" and order.ship_to.city == "Köln"
