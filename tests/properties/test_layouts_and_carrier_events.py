"""Warehouse layout and pick files (routing), and carrier event payloads (JSON and CSV).

Layouts: a valid layout with any value broken is a ``LayoutError`` naming the fault, or a layout that routes any
picks it holds to a finite walk through every one of them, promptly. Carrier events: every event of a payload is
a scan (tracking number, known kind, a time with a zone that has a UTC instant) or a ``BadEvent`` whose message
starts with the field at fault; a payload that is not one at all is one ``InvalidInput``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.aftersales.carrier_events import BadEvent, CarrierScan, parse_file, parse_json
from app.errors import InvalidInput
from app.routing import Layout, LayoutError, Pick, parse_picks, route
from db.models.aftersales import CARRIER_EVENT_KINDS
from tests.properties.strategies import HOSTILE_TEXT, JSON_VALUE, PROFILE, broken_json, byte_mutations

LAYOUT = {"aisles": 10, "aisle_width": 3.0, "aisle_length": 30.0, "cross_aisles": [0.0, 15.0, 30.0],
          "depot": {"x": 0.0, "y": 0.0}, "zone": "A", "bin_pitch": 1.0, "levels": 3}
BIG_NUMBERS = st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e300, -1e300, 10**30, 1e-300, 999, 1000, 0, -1])


def _routes_every_pick(layout: Layout, picks: list[Pick]) -> None:
    result = route(layout, picks)
    assert math.isfinite(result.length) and result.length >= 0
    assert sorted(p.id for p in result.sequence) == sorted(p.id for p in picks)


@PROFILE
@given(data=st.data())
def test_layout_with_any_value_broken(data):
    broken, path = data.draw(broken_json(LAYOUT))
    if data.draw(st.booleans()):  # the numbers json.loads lets through from a file: Infinity, NaN, huge
        target = broken
        for key in path[:-1]:
            target = target[key]
        if isinstance(target, (dict, list)) and (path[-1] in target if isinstance(target, dict) else path[-1] < len(target)):
            target[path[-1]] = data.draw(BIG_NUMBERS)
    try:
        layout = Layout.from_mapping(broken)
    except LayoutError as exc:
        assert exc.message
        return
    picks = [Pick(f"P{i}", data.draw(st.integers(1, layout.aisles)), data.draw(st.floats(0, layout.aisle_length)))
             for i in range(data.draw(st.integers(0, 12)))]
    _routes_every_pick(layout, picks)


@PROFILE
@given(data=st.data())
def test_layout_file_bytes_broken(data, tmp_path_factory):
    text = json.dumps(LAYOUT).encode()
    path = tmp_path_factory.mktemp("layout") / "layout.json"
    path.write_bytes(data.draw(st.one_of(byte_mutations(text), st.binary(max_size=80))))
    try:
        layout = Layout.load(path)
    except LayoutError as exc:
        assert exc.message
        return
    _routes_every_pick(layout, [Pick("P1", 1, 1.0), Pick("P2", layout.aisles, layout.aisle_length / 2)])


@PROFILE
@given(picks=st.lists(st.one_of(
    st.fixed_dictionaries({"id": HOSTILE_TEXT, "aisle": st.one_of(st.integers(-5, 15), JSON_VALUE),
                           "position": st.one_of(st.floats(-5, 40), JSON_VALUE)}),
    st.fixed_dictionaries({"id": st.text(max_size=5), "bin": st.one_of(HOSTILE_TEXT, st.from_regex(r"A\d{2}-\d{2}-\d", fullmatch=True))}),
    JSON_VALUE,
), max_size=8))
def test_picks_with_any_value(picks):
    layout = Layout.from_mapping(LAYOUT)
    try:
        parsed = parse_picks(picks, layout)
    except InvalidInput as exc:
        assert exc.message
        return
    _routes_every_pick(layout, parsed)


EVENT = {"tracking_number": "600000000013", "event": "in_transit", "at": "2026-11-25T08:00:00Z",
         "location": "杭州转运中心 Hangzhou hub", "detail": "", "id": "SF-EV-000123"}


def _check_events(parsed) -> None:
    for name, item in parsed:
        assert name.startswith(("event ", "line "))
        if isinstance(item, BadEvent):
            assert item.message.split(":")[0] in ("tracking_number", "event", "at", "the event is not an object"), item.message
        else:
            assert isinstance(item, CarrierScan)
            assert item.tracking_number and item.kind in CARRIER_EVENT_KINDS and item.at.utcoffset() is not None
            item.at.astimezone(UTC)  # has a UTC instant: storable
            assert len(item.dedupe_key) <= 200


@PROFILE
@given(data=st.data())
def test_carrier_json_with_any_value_broken(data):
    document = {"carrier": "SF", "events": [dict(EVENT), dict(EVENT, id="SF-EV-000124", event="delivered")]}
    broken, _ = data.draw(broken_json(document))
    try:
        parsed = parse_json(json.dumps(broken, ensure_ascii=False))
    except InvalidInput as exc:
        assert exc.message.startswith("the carrier payload")
        return
    _check_events(parsed)


@PROFILE
@given(data=st.data(), value=HOSTILE_TEXT)
def test_carrier_csv_with_any_cell_broken(data, value):
    rows = [list(EVENT), list(EVENT.values()), [*EVENT.values()][:-1] + ["SF-EV-2"]]
    rows[data.draw(st.integers(0, 2))][data.draw(st.integers(0, len(EVENT) - 1))] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    try:
        parsed = parse_file(out.getvalue().encode("utf-8", "surrogatepass"), "events.csv")
    except InvalidInput as exc:
        assert exc.message.startswith(("the carrier", "events.csv"))
        return
    _check_events(parsed)


@PROFILE
@given(data=st.binary(max_size=200), name=st.sampled_from(["events.json", "events.csv", "events"]))
def test_carrier_file_of_random_bytes(data, name):
    try:
        _check_events(parse_file(data, name))
    except InvalidInput as exc:
        assert exc.message


def test_carrier_payloads_that_crashed_the_parser():
    # Found by the properties above: each raised past InvalidInput/BadEvent and failed the whole request.
    with pytest.raises(InvalidInput, match="nested too deeply"):
        parse_json("[" * 100_000)
    with pytest.raises(InvalidInput, match="cannot be read as CSV"):
        parse_file(b"tracking_number,event,at\n\"" + b"x" * 200_000 + b"\",in_transit,2026-11-25T08:00:00Z\n", "e.csv")
    [(_, item)] = parse_json(json.dumps([dict(EVENT, at="0001-01-01T00:00:00+14:00")]))
    assert isinstance(item, BadEvent) and item.message.startswith("at:") and "out of range" in item.message
