"""Barcode scans (GS1 element strings, AIM identifiers, Digital Link) and RFID EPCs at the pack bench.

Property: whatever is scanned, :func:`parse_scan` answers with a :class:`ScanEvent` or a :class:`RejectedFrame`
whose reason says what was wrong, never through its last-resort handler ("could not be read (...)", which is
there only so a parser bug cannot take the reader thread down); an item always carries a GTIN-14 whose check
digit is right; and a scan whose one broken field is a GTIN check digit is never taken as an item.
"""

from __future__ import annotations

from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from app.devices.events import RejectedFrame, ScanEvent
from app.devices.rfid import decode_epc, sgtin96
from app.devices.scanner import ScannerProtocol, parse_scan
from app.packing.classify import classify
from tests.properties.strategies import HOSTILE_TEXT, PROFILE, byte_mutations, chunked

GS = "\x1d"
LAST_RESORT = "could not be read ("
AIMS = ["", "]C1", "]d2", "]Q3", "]e0", "]E0", "]E4", "]I1", "]C0", "]A0", "]Q1", "]X9", "]"]


def valid_gtin(digits: str) -> bool:
    return len(digits) == 14 and digits.isdigit() and gs1_standard_check_digit(digits[:-1]) == int(digits[-1])


@st.composite
def gtin14(draw) -> str:
    body = draw(st.text(alphabet="0123456789", min_size=13, max_size=13).filter(lambda b: b.strip("0")))
    return body + str(gs1_standard_check_digit(body))


def assert_understood(raw: str, event: ScanEvent | RejectedFrame) -> None:
    assert isinstance(event, (ScanEvent, RejectedFrame))
    if isinstance(event, RejectedFrame):
        assert event.reason and not event.reason.startswith(LAST_RESORT), (raw, event.reason)
    elif event.kind == "item":
        assert valid_gtin(event.gtin), (raw, event.gtin)
    elif event.kind == "sscc":
        assert len(event.sscc) == 18 and event.sscc.isdigit()


# The fields of a GS1-128 label as element strings: fixed-length ones first, variable ones ended by GS.
@st.composite
def gs1_label(draw) -> tuple[list[tuple[str, str]], str]:
    fields = [("01", draw(gtin14()))]
    if draw(st.booleans()):
        fields.append(("17", draw(st.dates()).strftime("%y%m%d")))
    if draw(st.booleans()):
        fields.append(("10", draw(st.text(alphabet="ABCDEFGHJK0123456789-", min_size=1, max_size=20))))
    if draw(st.booleans()):
        fields.append(("21", draw(st.text(alphabet="ABCXYZ0123456789", min_size=1, max_size=20))))
    if draw(st.booleans()):
        fields.append(("37", str(draw(st.integers(1, 99999999)))))
    return fields, draw(st.sampled_from(["]C1", "]d2", "]Q3", ""]))


def element_string(fields: list[tuple[str, str]]) -> str:
    parts = []
    for i, (ai, value) in enumerate(fields):
        variable = ai in ("10", "21", "37")
        parts.append(ai + value + (GS if variable and i < len(fields) - 1 else ""))
    return "".join(parts)


@PROFILE
@given(label=gs1_label())
def test_valid_gs1_labels_give_every_field(label):
    fields, aim = label
    raw = aim + (GS if not aim else "") + element_string(fields)
    event = parse_scan(raw)
    assert isinstance(event, ScanEvent) and event.kind == "item", raw
    values = dict(fields)
    assert event.gtin == values["01"]
    assert event.lot == values.get("10") and event.serial == values.get("21")
    if "37" in values:
        assert event.quantity == int(values["37"])


@PROFILE
@given(label=gs1_label(), data=st.data())
def test_gs1_label_with_one_field_broken(label, data):
    fields, aim = label
    index = data.draw(st.integers(0, len(fields) - 1))
    ai, value = fields[index]
    how = data.draw(st.sampled_from(["check_digit", "hostile", "truncate", "lengthen", "bad_ai", "drop_gs"]))
    if how == "check_digit" and ai == "01":
        value = value[:-1] + str((int(value[-1]) + data.draw(st.integers(1, 9))) % 10)
    elif how == "hostile":
        value = data.draw(HOSTILE_TEXT)
    elif how == "truncate":
        value = value[: data.draw(st.integers(0, max(len(value) - 1, 0)))]
    elif how == "lengthen":
        value = value + data.draw(st.text(alphabet="0123456789AZ", min_size=1, max_size=30))
    elif how == "bad_ai":
        ai = data.draw(st.sampled_from(["99", "7", "", "00", "02", "415", "8200", "3103", "11"]))
    broken = [*fields[:index], (ai, value), *fields[index + 1:]]
    raw = aim + (GS if not aim else "") + element_string(broken)
    if how == "drop_gs":
        raw = raw.replace(GS, "", 1 if data.draw(st.booleans()) else -1)
    event = parse_scan(raw)
    assert_understood(raw, event)
    if how == "check_digit" and ai == "01":
        assert not (isinstance(event, ScanEvent) and event.kind == "item" and event.gtin == fields[index][1][:-1] + value[-1])


@PROFILE
@given(aim=st.sampled_from(AIMS), body=st.one_of(
    HOSTILE_TEXT,
    st.text(alphabet=st.sampled_from("0123456789()" + GS + "]/:.-ABCdhtps"), max_size=60),
    gtin14().map(lambda g: f"https://id.example.com/01/{g}/10/LOT?17=261231"),
    st.text(alphabet=st.sampled_from("0123456789"), min_size=1, max_size=20),
))
def test_any_text_after_any_symbology_identifier(aim, body):
    raw = aim + body
    assert_understood(raw, parse_scan(raw))
    classified = classify(raw)
    assert classified.kind in ("item", "command", "sscc", "text", "bad")
    assert classified.kind != "bad" or classified.reason


@PROFILE
@given(label=gs1_label(), data=st.data())
def test_serial_scanner_bytes_in_any_pieces_give_the_same_scans(label, data):
    fields, aim = label
    frame = f"{aim}{element_string(fields)}".encode()
    stream = data.draw(byte_mutations(frame + b"\r" + frame + b"\r")) + b"\r"
    cuts = data.draw(st.lists(st.integers(0, 10_000), max_size=6))
    whole = ScannerProtocol(prefix="", terminator="\r").feed(stream, 1)
    proto = ScannerProtocol(prefix="", terminator="\r")
    pieces = [event for chunk in chunked(stream, cuts) for event in proto.feed(chunk, 1)]
    assert [(type(e), getattr(e, "raw", None)) for e in pieces] == [(type(e), getattr(e, "raw", None)) for e in whole]
    for event in whole:
        if isinstance(event, ScanEvent):
            assert_understood(event.raw, event)
        else:
            assert event.reason and not event.reason.startswith(LAST_RESORT)


@st.composite
def sgtin_epc(draw) -> str:
    gtin = draw(gtin14())
    return sgtin96(gtin, draw(st.integers(0, 2**38 - 1)), draw(st.integers(6, 12)))


@PROFILE
@given(epc=sgtin_epc(), data=st.data())
def test_epc_with_one_nibble_changed_is_an_item_with_a_valid_gtin_or_bad_with_a_reason(epc, data):
    at = data.draw(st.integers(0, len(epc) - 1))
    broken = epc[:at] + data.draw(st.sampled_from("0123456789ABCDEFG z")) + epc[at + 1:]
    broken = broken[: data.draw(st.integers(0, len(broken)))] if data.draw(st.booleans()) else broken
    info = decode_epc(broken.upper())
    assert bool(info.error) != bool(info.gtin or info.sscc), (broken, info)
    if info.gtin:
        assert valid_gtin(info.gtin)
    classified = classify(f"epc:{broken}")
    assert classified.source == "rfid" and classified.kind in ("item", "sscc", "bad")
    if classified.kind == "bad":
        assert classified.reason
    elif classified.kind == "item":
        assert valid_gtin(classified.gtin)


@PROFILE
@given(text=st.text(max_size=40))
def test_any_epc_text(text):
    classified = classify(f"EPC:{text}")
    assert classified.kind in ("item", "sscc", "bad") and (classified.kind != "bad" or classified.reason)


@PROFILE
@given(aim=st.sampled_from(AIMS), body=st.one_of(
    HOSTILE_TEXT,
    st.text(alphabet=st.sampled_from("0123456789()" + GS + "]/:.-ABCdhtps"), max_size=60),
    gs1_label().map(lambda label: element_string(label[0])),
    gtin14().map(lambda g: g[:-1] + str((int(g[-1]) + 1) % 10)),  # a wrong check digit
    sgtin_epc().map(lambda epc: f"epc:{epc}"),
    st.from_regex(r"[A-Z]\d{2}-\d{2}-\d", fullmatch=True),
))
def test_pick_cart_scans(aim, body):
    from app.picking.scans import classify as classify_pick

    scan = classify_pick(aim + body)
    assert scan.kind in ("bin", "item", "text", "empty")
    if scan.kind == "item":
        assert valid_gtin(scan.gtin), (aim + body, scan)
