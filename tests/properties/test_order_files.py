"""Order intake files (native JSON and CSV, Shopify, WooCommerce, EDIFACT D.96A) with one field broken.

``tests/intake/test_properties.py`` throws random bytes, byte-level mutations and random values at the top
level of the JSON orders. Here every part of a valid document can be the broken one: any value at any depth of
the JSON formats, any cell of the CSV, any data element of an EDIFACT segment. Property: the file is refused as
a whole with one ``InvalidInput`` naming it, or each record is an order or a ``RecordError`` that names the
record and, for the JSON and CSV formats, the field that was broken.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from app.errors import InvalidInput
from app.intake.detect import parse_bytes
from app.intake.model import IncomingOrder, RecordError
from tests.intake.conftest import FIXTURES
from tests.properties.strategies import HOSTILE_TEXT, JSON_VALUE, PROFILE, broken_json

SOURCE = "broken-file"


def _tally(what: str) -> None:
    """Counted in ``--hypothesis-show-statistics``: proof that the broken files do get refused."""
    if currently_in_test_context():
        event(what)


def outcome(data: bytes, fmt: str) -> list[IncomingOrder | RecordError]:
    try:
        _, records = parse_bytes(data, SOURCE, fmt)
        out = list(records)
    except InvalidInput as exc:
        assert exc.message.startswith(SOURCE), exc.message
        _tally(f"{fmt}: the whole file refused")
        return []
    _tally(f"{fmt}: {sum(isinstance(r, RecordError) for r in out)} record(s) refused")
    for record in out:
        if isinstance(record, RecordError):
            assert record.record.strip() and record.error.strip(), record
        else:
            assert isinstance(record, IncomingOrder)
            assert record.placed_at.tzinfo is not None and record.placed_at.utcoffset().total_seconds() == 0
            # a shop's line without SKU or GTIN is kept by its name (it waits in review with unknown_sku)
            assert record.lines and all(line.quantity >= 1 and line.label() for line in record.lines)
            assert all(isinstance(v, int) for v in (record.paid_cents, record.goods_cents, record.shipping_cents))
    return out


JSON_SAMPLES = {"native_orders.json": "json", "shopify_orders.json": "shopify", "woocommerce_orders.json": "woocommerce"}


def _orders(document):
    return document["orders"] if isinstance(document, dict) else document


@pytest.mark.parametrize("name", sorted(JSON_SAMPLES))
@PROFILE
@given(data=st.data())
def test_json_orders_with_any_value_broken(name, data):
    document = json.loads((FIXTURES / name).read_bytes())
    orders = _orders(document)
    index = data.draw(st.integers(0, len(orders) - 1))
    broken, path = data.draw(broken_json(orders[index]))
    orders[index] = broken
    records = outcome(json.dumps(document, ensure_ascii=False).encode(), JSON_SAMPLES[name])
    errors = [r for r in records if isinstance(r, RecordError)]
    # The untouched orders of the sample all import: any refusal is the broken order's, and names what broke.
    assert len(errors) <= 1
    keys = [str(k) for k in path if isinstance(k, str)]
    if errors and keys:
        assert any(k in errors[0].error for k in keys) or re.match(r"^[\w\[\]\.]+:", errors[0].error), (path, errors[0])


CSV_SAMPLE = (FIXTURES / "native_orders.csv").read_text(encoding="utf-8")


@PROFILE
@given(data=st.data(), value=st.one_of(HOSTILE_TEXT, JSON_VALUE.map(json.dumps)))
def test_csv_with_any_cell_broken(data, value):
    rows = list(csv.reader(io.StringIO(CSV_SAMPLE)))
    header, body = rows[0], rows[1:]
    row = data.draw(st.integers(0, len(body) - 1))
    column = data.draw(st.integers(0, len(header) - 1))
    body[row][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *body])
    records = outcome(out.getvalue().encode("utf-8", "surrogatepass"), "csv")
    errors = [r for r in records if isinstance(r, RecordError)]
    if header[column] != "external_id":
        assert len(errors) <= 1
        if errors:
            assert header[column] in errors[0].error or re.match(r"^[\w\[\]\.]+:", errors[0].error), (header[column], errors[0])


EDIFACT_SAMPLE = (FIXTURES / "orders_d96a.edi").read_text(encoding="utf-8")
EDI_VALUES = st.one_of(HOSTILE_TEXT, st.sampled_from(["?'", "??", "?+", ":::", "+++", "'", "20261340", "99:ZZ:999"]))


@PROFILE
@given(data=st.data(), value=EDI_VALUES)
def test_edifact_with_any_element_broken(data, value):
    head, *segments = EDIFACT_SAMPLE.split("'\n")
    index = data.draw(st.integers(0, len(segments) - 1))
    elements = segments[index].split("+")
    how = data.draw(st.sampled_from(["element", "drop_segment", "double_segment", "truncate_segment"]))
    if how == "element":
        elements[data.draw(st.integers(0, len(elements) - 1))] = value
        segments[index] = "+".join(elements)
    elif how == "drop_segment":
        del segments[index]
    elif how == "double_segment":
        segments.insert(index, segments[index])
    else:
        segments[index] = segments[index][: data.draw(st.integers(0, len(segments[index])))]
    outcome("'\n".join([head, *segments]).encode("utf-8", "surrogatepass"), "edifact")


@pytest.mark.parametrize("name, key, value", [
    ("native_orders.json", "placed_at", "0001-01-01T00:00:00+08:00"),
    ("shopify_orders.json", "created_at", "0001-01-01T00:00:00+14:00"),
    ("woocommerce_orders.json", "date_created_gmt", "0001-01-01T00:00:00+01:00"),
])
def test_a_time_before_the_first_utc_instant_is_a_record_error_not_a_crash(name, key, value):
    # Found by the properties above: astimezone() overflowed and the whole file failed with a traceback.
    document = json.loads((FIXTURES / name).read_bytes())
    _orders(document)[0][key] = value
    errors = [r for r in outcome(json.dumps(document).encode(), JSON_SAMPLES[name]) if isinstance(r, RecordError)]
    assert len(errors) == 1 and key in errors[0].error and "out of range" in errors[0].error


def test_edifact_time_before_the_first_utc_instant_is_a_record_error():
    text = EDIFACT_SAMPLE.replace("DTM+137:20261120091500:204'", "DTM+137:00010101000000?+0100:304'")
    errors = [r for r in outcome(text.encode(), "edifact") if isinstance(r, RecordError)]
    assert len(errors) == 1 and "is not a date in format 304" in errors[0].error
