from __future__ import annotations

import pytest

from app.errors import InvalidInput
from app.intake.formats import native_csv, native_json
from app.intake.model import IncomingOrder, RecordError


def test_csv_sample_equals_the_json_sample(fixture_bytes):
    from_csv = list(native_csv.parse(fixture_bytes("native_orders.csv"), "native_orders.csv"))
    from_json = list(native_json.parse(fixture_bytes("native_orders.json"), "native_orders.json"))
    assert len(from_csv) == 3
    for a, b in zip(from_csv, from_json):
        assert isinstance(a, IncomingOrder)
        a.record = b.record = ""
        assert a == b


def test_gb18030_file_from_a_chinese_spreadsheet(fixture_bytes):
    orders = list(native_csv.parse(fixture_bytes("native_orders_gb18030.csv"), "gbk.csv"))
    assert orders[0].ship_to.city == "深圳市" and orders[0].lines[1].name == "竹制砧板"


def test_rows_are_grouped_by_external_id_and_records_name_their_lines(fixture_bytes):
    stream = native_csv.parse(fixture_bytes("native_broken_records.csv"), "bad.csv")
    assert stream.total == 7
    records = list(stream)
    good = [r.external_id for r in records if isinstance(r, IncomingOrder)]
    assert good == ["OK-1", "OK-3"]
    errors = {r.record: r.error for r in records if isinstance(r, RecordError)}
    assert errors == {
        "line 5": "external_id: missing",
        "order BAD-QTY (lines 3-4)": "line 4, quantity: 'x' is not a whole number",
        "order BAD-CITY (lines 6-7)": "line 7, ship_city: '北京市' differs from line 6 ('上海市')",
        "order NO-TZ (line 8)": "placed_at: '2026-11-20 09:15:00' has no UTC offset (write e.g. 2026-11-20 09:15:00+08:00)",
        "order BAD-PRICE (line 9)": "line 9, price: '3.333' has more than two decimals",
    }


def test_scattered_rows_semicolons_and_quoted_newlines():
    data = (
        b"external_id;channel;placed_at;sku;quantity;price;note\n"
        b"A;web;2026-11-20T09:00:00+08:00;S1;1;1,50;\"two\nlines\"\n"
        b"B;web;2026-11-20T09:00:00+08:00;S1;2;2.00;\n"
        b"A;;;S2;3;;\n"
    )
    records = list(native_csv.parse(data, "semi.csv"))
    a, b = records
    assert isinstance(b, IncomingOrder) and b.lines[0].quantity == 2
    # "1,50" is not an amount in the native format (major units with a dot)
    assert isinstance(a, RecordError) and a.record == "order A (lines 2-5)"
    assert a.error == "line 2, price: '1,50' is not an amount"


def test_missing_quantity_cell():
    data = b"external_id,channel,placed_at,sku,quantity\nA,web,2026-11-20T09:00:00Z,S1,\n"
    [record] = native_csv.parse(data, "q.csv")
    assert record.error == "line 2, quantity: missing"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty file"),
        (b"sku,quantity\nS,1\n", "line 1: the header lacks the column(s) external_id, channel, placed_at"),
        (b"external_id,channel,placed_at,quantity\n", "lacks the column(s) sku or gtin"),
        (b"external_id,channel,placed_at,sku,quantity,colour\n", "unknown column(s) 'colour'"),
        (b"external_id,channel,placed_at,sku,quantity,sku\n", "the column 'sku' appears twice"),
        (b"external_id,channel,placed_at,sku,quantity\nA,web,2026-11-20T09:00:00Z,\"S1,1\n", "line 2"),
        (b"external_id\x00,channel", "NUL bytes"),
    ],
)
def test_whole_file_faults(data, message):
    with pytest.raises(InvalidInput) as info:
        native_csv.parse(data, "in/orders.csv")
    assert info.value.message.startswith("in/orders.csv: ") and message in info.value.message, info.value.message


def test_too_many_fields_rejects_only_that_row():
    data = b"external_id,channel,placed_at,sku,quantity\nA,web,2026-11-20T09:00:00Z,S1,1,extra\nB,web,2026-11-20T09:00:00Z,S1,1\n"
    records = list(native_csv.parse(data, "x.csv"))
    assert records[0] == RecordError("line 2", "6 fields, the header has 5")
    assert records[1].external_id == "B"


def test_excel_style_bom_and_crlf(fixture_bytes):
    data = b"\xef\xbb\xbf" + fixture_bytes("native_orders.csv").replace(b"\n", b"\r\n")
    assert [o.external_id for o in native_csv.parse(data, "excel.csv")] == ["WEB-100234", "WEB-100235", "WEB-100236"]
