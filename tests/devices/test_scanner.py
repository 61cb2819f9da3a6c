"""Scanner framing and scan parsing: AIM identifiers, GS1 element strings, check digits, commands, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from biip.gtin import Gtin
from hypothesis import given, settings
from hypothesis import strategies as st

from app.devices.commands import Command, command_barcode, parse_command
from app.devices.events import RejectedFrame, ScanEvent
from app.devices.scanner import ScannerProtocol, decode_escapes, encode_escapes, parse_scan

GS = "\x1d"


def test_gs1_128_with_aim_gives_every_field():
    event = parse_scan("]C1" + "0109506000134352" + "17261231" + "10LOT42" + GS + "21SN0001" + GS + "3712")
    assert isinstance(event, ScanEvent)
    assert event.kind == "item" and event.aim == "]C1" and event.symbology == "GS1-128"
    assert event.gtin == "09506000134352"
    assert event.expiry == dt.date(2026, 12, 31)
    assert (event.lot, event.serial, event.quantity) == ("LOT42", "SN0001", 12)
    assert event.elements["17"] == "261231"


def test_gs1_datamatrix_sscc():
    event = parse_scan("]d2" + "00106141411234567897")
    assert event.kind == "sscc" and event.sscc == "106141411234567897" and event.symbology == "GS1 DataMatrix"


@pytest.mark.parametrize(
    "raw, gtin",
    [
        ("]E04006381333931", "04006381333931"),  # EAN-13
        ("]E496385074", "00000096385074"),  # EAN-8
        ("]I114006381333938", "14006381333938"),  # ITF-14
        ("]I114006381333939", None),  # ITF-14 with a bad check digit
        ("4006381333931", "04006381333931"),  # no AIM identifier
        ("036000291452", "00036000291452"),  # UPC-A
        ("(01)09506000134352(10)ABC", "09506000134352"),  # human-readable brackets
        ("]Q3https://id.gs1.org/01/09506000134352/10/ABC", "09506000134352"),  # GS1 Digital Link
        (GS + "0109506000134352", "09506000134352"),  # FNC1 in first position sent as GS
    ],
)
def test_gtins_become_gtin_14(raw, gtin):
    event = parse_scan(raw)
    if gtin is None:
        assert isinstance(event, RejectedFrame) and "check digit" in event.reason
    else:
        assert isinstance(event, ScanEvent) and event.kind == "item" and event.gtin == gtin


@pytest.mark.parametrize(
    "raw",
    ["]E04006381333932", "4006381333932", "]C10109506000134353", "0109506000134353", "]C100106141411234567890", "106141411234567890"],
)
def test_bad_check_digits_are_not_understood(raw):
    event = parse_scan(raw)
    assert isinstance(event, RejectedFrame)
    assert "check digit" in event.reason
    assert event.message.startswith("Not understood")


def test_commands_and_text():
    assert parse_scan("CMD:NEXT-ORDER").command is Command.NEXT_ORDER
    assert parse_scan("]C0cmd:close_box").command is Command.CLOSE_BOX
    for command in Command:
        assert parse_command(command_barcode(command)) is command
    unknown = parse_scan("CMD:SELF-DESTRUCT")
    assert isinstance(unknown, RejectedFrame) and "unknown station command" in unknown.reason
    sku = parse_scan("]C0SKU-1234")
    assert sku.kind == "text" and sku.text == "SKU-1234" and sku.gtin is None


@pytest.mark.parametrize("raw", ["", "   ", "a\x07b", "]C1", "]C1not gs1 data", "]E0ABC", "\x00\x01\x02"])
def test_garbage_is_rejected(raw):
    assert isinstance(parse_scan(raw), RejectedFrame)


def test_framing_prefix_suffix_terminator():
    proto = ScannerProtocol(prefix="\x02", suffix="!", terminator="\r\n")
    events = proto.feed(b"\x024006381333931!\r\n\x02]C0AB!\r\nno-prefix!\r\n\x02no-suffix\r\n", 5)
    assert [type(e).__name__ for e in events] == ["ScanEvent", "ScanEvent", "RejectedFrame", "RejectedFrame"]
    assert events[0].gtin == "04006381333931" and events[0].received_ns == 5
    assert "prefix" in events[2].reason and "suffix" in events[3].reason


def test_framing_across_reads_and_crlf_from_a_cr_terminated_config():
    proto = ScannerProtocol(terminator="\r")
    data = b"4006381333931\r\n]C0AB\r\n"
    events = []
    for i in range(len(data)):  # one byte at a time
        events += proto.feed(data[i : i + 1], i)
    assert [e.raw for e in events] == ["4006381333931", "]C0AB"]
    assert proto.tick(10**10) == ([], b"")  # the trailing LF is no scan


def test_incomplete_scan_is_reported_after_the_idle_timeout_and_on_disconnect():
    proto = ScannerProtocol(terminator="\r", idle_timeout=0.5)
    assert proto.feed(b"40063813", 0) == []
    assert proto.tick(400_000_000) == ([], b"")
    events, _ = proto.tick(600_000_000)
    assert isinstance(events[0], RejectedFrame) and "incomplete" in events[0].reason
    proto.feed(b"half", 0)
    (event,) = proto.stop(1)
    assert "went away" in event.reason
    assert proto.stop(2) == []


def test_silence_framing_without_terminator():
    proto = ScannerProtocol(terminator="")
    assert proto.feed(b"]E04006381333931", 0) == []
    events, _ = proto.tick(int(0.06e9))
    assert events[0].gtin == "04006381333931"


def test_overflow_and_non_text():
    proto = ScannerProtocol(terminator="\r", max_length=32)
    (event,) = proto.feed(b"x" * 40, 0)
    assert "without a terminator" in event.reason
    (event,) = proto.feed(b"\xff\xfe\xfd\r", 0)
    assert "not text" in event.reason


def test_escapes_round_trip():
    assert decode_escapes(r"\r\n") == "\r\n" and decode_escapes(r"\x02") == "\x02"
    assert encode_escapes("\r") == r"\r"
    assert decode_escapes(encode_escapes("\t\x03")) == "\t\x03"


def _valid_gtin(value: str) -> bool:
    try:
        Gtin.parse(value)
        return True
    except Exception:  # noqa: BLE001
        return False


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash_and_never_make_a_bad_item(data):
    proto = ScannerProtocol(terminator="\r")
    events = proto.feed(data + b"\r", 0) + proto.tick(10**12)[0] + proto.stop(10**12)
    for event in events:
        assert isinstance(event, (ScanEvent, RejectedFrame))
        if isinstance(event, ScanEvent) and event.kind == "item":
            assert _valid_gtin(event.gtin)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789]CEdQ1234()" + GS + "ABCx-:"), max_size=60))
def test_scan_like_text_never_crashes(text):
    event = parse_scan(text)
    assert isinstance(event, (ScanEvent, RejectedFrame))
    if isinstance(event, ScanEvent) and event.gtin:
        assert _valid_gtin(event.gtin)
