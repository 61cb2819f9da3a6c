"""RFID reader frames (R2000 "0xA0" protocol) and scale replies (MT-SICS, continuous output).

Properties: a stream of valid frames with one byte broken, cut into any pieces, gives the same tags (RFID) or
the same events (scales) as the stream in one piece (framing depends on the bytes, not on how the port hands
them over); every event is a tag,
a tote, a weight or a rejection with its reason; a tag event names a GTIN with a right check digit or carries
the reason its EPC was not understood; a weight is a finite number in a known unit.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from app.devices import rfid
from app.devices.events import RejectedFrame, TagEvent, ToteReadEvent, WeightEvent
from app.devices.scale import (
    MAX_GRAMS,
    UNITS_IN_GRAMS,
    ContinuousProtocol,
    MtSicsProtocol,
    parse_continuous_line,
    parse_sics_line,
    to_grams,
)
from tests.properties.strategies import HOSTILE_TEXT, PROFILE, byte_mutations, chunked
from tests.properties.test_scans import sgtin_epc, valid_gtin


def _events(proto, pieces: list[bytes]) -> list:
    proto.start(0)
    return [event for i, chunk in enumerate(pieces) for event in proto.feed(chunk, 1 + i)]


def _shape(event) -> tuple:
    """What must not depend on how the bytes were cut (times and sequence numbers may)."""
    if isinstance(event, TagEvent):
        return ("tag", event.epc, event.gtin, event.decode_error)
    if isinstance(event, RejectedFrame):
        return ("rejected", event.reason, bytes(event.raw) if event.raw else b"")
    if isinstance(event, WeightEvent):
        return ("weight", event.weight, event.unit, event.stable, event.condition)
    return (type(event).__name__,)


@st.composite
def reader_stream(draw) -> bytes:
    frames = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["tag", "tag", "round_end", "error", "setup"]))
        if kind == "tag":
            epc = bytes.fromhex(draw(sgtin_epc()))
            frames.append(rfid.tag_frame(epc, rssi_dbm=draw(st.integers(-90, -20)), antenna=draw(st.integers(1, 4))))
        elif kind == "round_end":
            frames.append(rfid.round_end_frame(total_read=draw(st.integers(0, 500))))
        elif kind == "error":
            frames.append(rfid.error_frame(draw(st.sampled_from([0x22, 0x36, 0x31, 0x99]))))
        else:
            frames.append(rfid.build_frame(rfid.Cmd.GET_FIRMWARE_VERSION, b"\x01\x02"))
    return b"".join(frames)


@PROFILE
@given(stream=reader_stream(), data=st.data())
def test_rfid_frames_with_a_byte_broken_in_any_pieces(stream, data):
    broken = data.draw(byte_mutations(stream))
    cuts = data.draw(st.lists(st.integers(0, 10_000), max_size=8))
    whole = _events(rfid.R2000Protocol(), [broken])
    pieces = _events(rfid.R2000Protocol(), chunked(broken, cuts))
    # Noise is reported piece by piece as it arrives; the tags, and whether anything was refused, are not.
    assert [_shape(e) for e in pieces if isinstance(e, TagEvent)] == [_shape(e) for e in whole if isinstance(e, TagEvent)]
    assert any(isinstance(e, RejectedFrame) for e in pieces) == any(isinstance(e, RejectedFrame) for e in whole)
    proto = rfid.R2000Protocol()
    events = _events(proto, [broken]) + proto.tick(10**10)[0] + proto.stop(2 * 10**10)
    for event in events:
        assert isinstance(event, (TagEvent, ToteReadEvent, RejectedFrame))
        if isinstance(event, RejectedFrame):
            assert event.reason
        elif isinstance(event, TagEvent):
            assert (event.gtin and valid_gtin(event.gtin)) or event.sscc or event.decode_error


@PROFILE
@given(epc=st.binary(min_size=2, max_size=64).filter(lambda b: len(b) % 2 == 0), pc_words=st.integers(0, 31),
       data_bytes=st.binary(max_size=4))
def test_rfid_tag_frame_whose_pc_word_lies_about_the_epc_length(epc, pc_words, data_bytes):
    body = bytes([0]) + (pc_words << 11).to_bytes(2, "big") + epc + bytes([80]) + data_bytes
    frame = rfid.build_frame(rfid.Cmd.REAL_TIME_INVENTORY, body)
    for event in _events(rfid.R2000Protocol(), [frame]):
        assert isinstance(event, (TagEvent, RejectedFrame))
        if isinstance(event, TagEvent):
            assert len(event.epc) == pc_words * 4 and (event.gtin or event.sscc or event.decode_error)
        else:
            assert event.reason


SICS_VALID = st.builds(
    lambda status, value, unit: f"S {status} {value:>10} {unit}",
    st.sampled_from(["S", "D"]), st.decimals(min_value=-99999, max_value=99999, places=2).map(str),
    st.sampled_from(sorted(UNITS_IN_GRAMS)),
)
CONTINUOUS_VALID = st.builds(
    lambda head, kind, value, unit: f"{head},{kind}{value}{unit}",
    st.sampled_from(["ST", "US", "OL"]), st.sampled_from(["GS,", "NT,", ""]),
    st.decimals(min_value=-9999, max_value=9999, places=3).map(lambda d: f"{d:+010.3f}"),
    st.sampled_from(["kg", "g", "lb", ""]),
)


def assert_weight_or_reason(event) -> None:
    assert event is None or isinstance(event, (WeightEvent, RejectedFrame))
    if isinstance(event, RejectedFrame):
        assert event.reason
    elif isinstance(event, WeightEvent) and event.weight is not None:
        assert math.isfinite(event.weight) and event.unit.lower() in UNITS_IN_GRAMS
        assert abs(to_grams(event.weight, event.unit)) <= MAX_GRAMS  # storable: the weight columns are integers


@st.composite
def broken_line(draw, valid) -> str:
    line = draw(valid)
    tokens = line.replace(",", " , ").split()
    index = draw(st.integers(0, len(tokens) - 1))
    tokens[index] = draw(st.one_of(HOSTILE_TEXT, st.just(""), st.just(tokens[index] * 2)))
    joined = " ".join(tokens).replace(" , ", ",")
    return joined if draw(st.booleans()) else line[: draw(st.integers(0, len(line)))]


@PROFILE
@given(line=st.one_of(broken_line(SICS_VALID), broken_line(CONTINUOUS_VALID), HOSTILE_TEXT))
def test_scale_line_with_one_field_broken(line):
    assert_weight_or_reason(parse_sics_line(line))
    assert_weight_or_reason(parse_continuous_line(line))


@PROFILE
@given(lines=st.lists(st.one_of(SICS_VALID, CONTINUOUS_VALID, broken_line(SICS_VALID)), min_size=1, max_size=5),
       data=st.data())
def test_scale_stream_with_a_byte_broken_in_any_pieces(lines, data):
    stream = data.draw(byte_mutations("\r\n".join(lines).encode("utf-8", "replace") + b"\r\n"))
    cuts = data.draw(st.lists(st.integers(0, 10_000), max_size=6))
    for make in (MtSicsProtocol, ContinuousProtocol):
        whole = _events(make(), [stream])
        pieces = _events(make(), chunked(stream, cuts))
        assert [_shape(e) for e in pieces] == [_shape(e) for e in whole]
        for event in whole:
            assert_weight_or_reason(event)


@PROFILE
@given(digits=st.integers(9, 120), unit=st.sampled_from(["g", "kg", "t", "lb"]))
def test_a_weight_beyond_any_scale_is_refused(digits, unit):
    # A 100-digit weight fits in a 128-byte line; in grams it is more than the integer weight columns hold.
    value = "9" * digits
    for event in (parse_sics_line(f"S S {value} {unit}"), parse_continuous_line(f"ST,GS,+{value}{unit}")):
        assert isinstance(event, RejectedFrame) and "beyond any scale" in event.reason
