"""MT-SICS and continuous-output scale parsing and polling."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.devices.events import RejectedFrame, WeightEvent
from app.devices.scale import (
    ContinuousProtocol,
    MtSicsProtocol,
    parse_continuous_line,
    parse_sics_line,
    to_grams,
)


@pytest.mark.parametrize(
    "line, weight, unit, stable",
    [
        ("S S      100.00 g", 100.0, "g", True),
        ("S D       99.98 g", 99.98, "g", False),
        ("S S     -0.015 kg", -0.015, "kg", True),
        ("S S        1.5 lb", 1.5, "lb", True),
    ],
)
def test_sics_weights(line, weight, unit, stable):
    event = parse_sics_line(line)
    assert isinstance(event, WeightEvent)
    assert (event.weight, event.unit, event.stable, event.condition) == (weight, unit, stable, "ok")


def test_sics_conditions_and_errors():
    assert parse_sics_line("S +").condition == "overload"
    assert parse_sics_line("S -").condition == "underload"
    for line in ("S I", "ES", "ET", "EL", "S S 12 furlongs", "hello", "S X 1.0 g"):
        assert isinstance(parse_sics_line(line), RejectedFrame), line
    assert parse_sics_line('I4 A "0123"') is None


@pytest.mark.parametrize(
    "line, weight, unit, stable, net",
    [
        ("ST,GS,+0001.234kg", 1.234, "kg", True, False),
        ("US,NT,-0000.500 kg", -0.5, "kg", False, True),
        ("ST,+00123.45  g", 123.45, "g", True, False),
    ],
)
def test_continuous_lines(line, weight, unit, stable, net):
    event = parse_continuous_line(line)
    assert (event.weight, event.unit, event.stable, event.net) == (weight, unit, stable, net)


def test_continuous_overload_and_garbage():
    assert parse_continuous_line("OL,GS,+9999.999kg").condition == "overload"
    assert isinstance(parse_continuous_line("ST,GS,abc"), RejectedFrame)


def test_units():
    assert to_grams(1.5, "kg") == 1500.0
    assert round(to_grams(1, "lb"), 3) == 453.592
    assert WeightEvent(weight=2.0, unit="kg").grams == 2000.0


def test_mt_sics_polls_and_asks_again_when_unanswered():
    proto = MtSicsProtocol(command="SI", poll_interval=0.2)
    assert proto.start(0) == b"SI\r\n"
    assert proto.tick(100_000_000) == ([], b"")  # waiting for the answer
    (event,) = proto.feed(b"S S     1.25 kg\r\n", 150_000_000)
    assert event.weight == 1.25 and event.received_ns == 150_000_000
    assert proto.tick(300_000_000) == ([], b"")
    assert proto.tick(350_000_000) == ([], b"SI\r\n")  # poll_interval after the answer
    assert proto.tick(1_300_000_000)[1] == b""
    assert proto.tick(1_360_000_000)[1] == b"SI\r\n"  # no answer for a second: ask again
    with pytest.raises(ValueError):
        MtSicsProtocol(command="XYZ")


def test_line_framing_partial_and_garbled():
    proto = ContinuousProtocol()
    proto.start(0)
    events = proto.feed(b"ST,GS,+0001.0", 0) + proto.feed(b"00kg\r\nST,GS,\xff\xfe\r\n\x01\x02\r\n", 1)
    assert [type(e).__name__ for e in events] == ["WeightEvent", "RejectedFrame", "RejectedFrame"]
    proto.feed(b"ST,GS,+00", 2)
    (stale,) = proto.tick(2 + 10**9)[0]
    assert "incomplete" in stale.reason
    proto.feed(b"US,GS", 3)
    (gone,) = proto.stop(4)
    assert "went away" in gone.reason


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_random_bytes_never_crash(data):
    for proto in (MtSicsProtocol(), ContinuousProtocol()):
        proto.start(0)
        events = proto.feed(data, 1) + proto.feed(b"\r\n", 2) + proto.tick(10**10)[0] + proto.stop(10**10)
        assert all(isinstance(e, (WeightEvent, RejectedFrame)) for e in events)
