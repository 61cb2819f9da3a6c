"""Whatever bytes arrive, a parser answers with orders, record errors, or one InvalidInput: never a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import InvalidInput
from app.intake.detect import MODULES, parse_bytes
from app.intake.model import IncomingOrder, RecordError
from tests.intake.conftest import FIXTURES

SAMPLES = ["native_orders.json", "native_orders.csv", "shopify_orders.json", "woocommerce_orders.json",
           "orders_d96a.edi"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(data: bytes, fmt: str) -> list:
    try:
        _, records = parse_bytes(data, "fuzz", fmt)
        out = list(records)
    except InvalidInput as exc:
        assert exc.message.startswith("fuzz")
        return []
    for record in out:
        assert isinstance(record, (IncomingOrder, RecordError))
        if isinstance(record, RecordError):
            assert record.record and record.error
        else:
            assert record.placed_at.tzinfo is not None and record.lines
            assert all(line.quantity >= 1 and (line.sku or line.gtin) for line in record.lines)
    return out


@pytest.mark.parametrize("fmt", ["auto", *MODULES])
@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes(fmt, data):
    _outcome(data, fmt)


def _mutate(data: bytes, draw) -> bytes:
    ops = draw(st.lists(st.tuples(st.sampled_from(["flip", "cut", "dup", "del", "ins"]),
                                  st.integers(0, max(len(data) - 1, 0)), st.binary(min_size=1, max_size=4)),
                        min_size=1, max_size=4))
    buf = bytearray(data)
    for op, at, chunk in ops:
        at = min(at, max(len(buf) - 1, 0))
        if op == "flip" and buf:
            buf[at] ^= chunk[0] or 1
        elif op == "cut":
            del buf[at:]
        elif op == "dup":
            buf[at:at] = buf[at:at + 20]
        elif op == "del":
            del buf[at:at + len(chunk) * 3]
        else:
            buf[at:at] = chunk
    return bytes(buf)


@pytest.mark.parametrize("name", SAMPLES)
@SETTINGS
@given(data=st.data())
def test_mutated_valid_files(name, data):
    original = (FIXTURES / name).read_bytes()
    mutated = _mutate(original, data.draw)
    _outcome(mutated, "auto")


@pytest.mark.parametrize("name", ["native_orders.json", "shopify_orders.json", "woocommerce_orders.json"])
@SETTINGS
@given(data=st.data())
def test_json_with_random_values_in_place_of_fields(name, data):
    document = json.loads((FIXTURES / name).read_bytes())
    orders = document["orders"] if isinstance(document, dict) else document
    order = orders[0]
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=6,
    )
    key = data.draw(st.sampled_from(sorted(order)))
    order[key] = data.draw(json_values)
    if isinstance(order.get("lines") or order.get("line_items"), list) and (order.get("lines") or order.get("line_items")):
        lines = order.get("lines") or order.get("line_items")
        if isinstance(lines[0], dict) and lines[0]:
            line_key = data.draw(st.sampled_from(sorted(lines[0])))
            lines[0][line_key] = data.draw(json_values)
    fmt = name.split("_")[0] if not name.startswith("native") else "json"
    _outcome(json.dumps(document).encode(), fmt)
