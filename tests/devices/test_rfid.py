"""R2000 frames, EPC decoding, read windows and totes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.devices import rfid
from app.devices.events import RejectedFrame, TagEvent, ToteReadEvent

GTIN = "80614141123458"


def epc(serial: int, gtin: str = GTIN) -> str:
    return rfid.sgtin96(gtin, serial, 7)


def test_frames_and_checksum():
    assert rfid.inventory_command(1) == bytes.fromhex("A0 04 FF 89 01 D3")
    frame = rfid.tag_frame(bytes.fromhex(epc(12345)), rssi_dbm=-60, antenna=3)
    assert sum(frame) & 0xFF == 0
    assert frame[1] == len(frame) - 2
    (parsed,) = rfid.R2000Framer().feed(frame)
    reading = rfid.parse_inventory(parsed)
    assert reading == rfid.TagReading(epc=epc(12345), rssi=-60, antenna=3, pc=0x3000)


def test_round_end_and_errors():
    framer = rfid.R2000Framer()
    end, error = framer.feed(rfid.round_end_frame(read_rate=50, total_read=200) + rfid.error_frame(0x22))
    assert rfid.parse_inventory(end) == rfid.RoundEnd(antenna=1, read_rate=50, total_read=200)
    assert rfid.parse_inventory(error).reason == "antenna missing"


def test_framer_resyncs_after_noise_bad_checksum_and_bad_length():
    good = rfid.tag_frame(bytes.fromhex(epc(1)))
    corrupt = bytearray(good)
    corrupt[8] ^= 0xFF
    out = rfid.R2000Framer().feed(b"\x00\x11\x22" + bytes(corrupt) + b"\xa0\x01" + good)
    kinds = [type(o).__name__ for o in out]
    assert kinds == ["FrameError", "FrameError", "FrameError", "R2000Frame"]
    assert "noise" in out[0].reason and out[1].reason == "wrong checksum" and "length" in out[2].reason


def test_framer_byte_by_byte():
    frames = rfid.tag_frame(bytes.fromhex(epc(1))) + rfid.tag_frame(bytes.fromhex(epc(2)))
    framer = rfid.R2000Framer()
    out = []
    for b in frames:
        out += framer.feed(bytes([b]))
    assert [rfid.parse_inventory(f).epc for f in out] == [epc(1), epc(2)]


def test_decode_epc():
    assert rfid.decode_epc("3034257BF7194E4000003039") == rfid.EpcInfo(scheme="sgtin-96", gtin=GTIN, serial="12345")
    sscc = rfid.decode_epc("3114257BF4499602D2000000")
    assert sscc.scheme == "sscc-96" and sscc.sscc == "106141412345678908"
    assert rfid.decode_epc("E2801160600002054E3C61A1").error.startswith("not a GS1 EPC")
    assert rfid.decode_epc("30FFFFFFFFFFFFFFFFFFFFFF").error
    assert rfid.decode_epc("30").error


def test_tote_settles_after_the_last_new_tag():
    assembler = rfid.ToteAssembler(settle=0.3, forget=2.0)
    t = 0
    for i in range(1, 201):
        t = i * 1_000_000
        assert assembler.add(rfid.TagReading(epc(i), -50, 1, 0x3000), t) is not None
    assert assembler.tick(t + 299_000_000) is None
    tote = assembler.tick(t + 300_000_000)
    assert len(tote.tags) == 200 and tote.gtin_counts() == {GTIN: 200}
    assert assembler.tick(t + 400_000_000) is None  # reported once
    # The tote goes away: its tags are forgotten and an empty tote says so.
    empty = assembler.tick(t + 2_400_000_000)
    assert empty is not None and empty.tags == ()


def test_compare_tote():
    tags = tuple(TagEvent(epc=epc(i), gtin=GTIN, serial=str(i)) for i in range(3)) + (
        TagEvent(epc=epc(9, "09506000134352"), gtin="09506000134352"),
        TagEvent(epc="E200", decode_error="not GS1"),
    )
    result = rfid.compare_tote(ToteReadEvent(tags=tags), {GTIN: 4, "4006381333931": 1})
    assert result.matched == {GTIN: 3}
    assert result.missing == {GTIN: 1, "04006381333931": 1}
    assert result.extra == {"09506000134352": 1}
    assert result.unknown == ("E200",)
    assert not result.complete
    assert rfid.compare_tote(ToteReadEvent(tags=tags[:3]), {GTIN: 3}).complete


def test_reader_errors_and_bad_layouts_are_rejected_no_tag_is_quiet():
    proto = rfid.R2000Protocol()
    proto.start(0)
    assert proto.feed(rfid.error_frame(rfid.NO_TAG), 1) == []
    (antenna,) = proto.feed(rfid.error_frame(0x22), 2)
    assert isinstance(antenna, RejectedFrame) and "antenna missing" in antenna.reason
    odd = rfid.build_frame(rfid.Cmd.REAL_TIME_INVENTORY, bytes([0, 0x30, 0x00]) + b"\x01\x02\x03\x04\x05")
    (bad,) = proto.feed(odd, 3)
    assert "does not match its PC word" in bad.reason


def test_partial_frame_is_given_up_after_a_stall_and_on_disconnect():
    proto = rfid.R2000Protocol()
    proto.start(0)
    frame = rfid.tag_frame(bytes.fromhex(epc(1)))
    assert proto.feed(frame[:7], 0) == []
    events, _ = proto.tick(600_000_000)
    assert isinstance(events[0], RejectedFrame) and "incomplete" in events[0].reason
    proto.feed(frame[:7], 700_000_000)
    assert any("went away" in getattr(e, "reason", "") for e in proto.stop(800_000_000))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=40), st.sampled_from([
    rfid.tag_frame(bytes.fromhex("3034257BF7194E4000003039")), rfid.round_end_frame(), rfid.error_frame(0x22), b"\xa0",
])), max_size=12))
def test_random_input_never_crashes(chunks):
    proto = rfid.R2000Protocol()
    proto.start(0)
    t = 0
    for chunk in chunks:
        t += 1_000_000
        for event in proto.feed(chunk, t):
            assert isinstance(event, (TagEvent, RejectedFrame, ToteReadEvent))
        proto.tick(t)
    proto.tick(t + 10**9)
    proto.stop(t + 2 * 10**9)


def test_protocol_dedupes_inside_the_window_and_settles_a_tote():
    proto = rfid.R2000Protocol(settle=0.3)
    assert proto.start(0) == rfid.inventory_command(1)
    round_ = b"".join(rfid.tag_frame(bytes.fromhex(epc(i))) for i in range(1, 6)) + rfid.round_end_frame(total_read=5)
    first = proto.feed(round_, 1_000)
    assert [e.epc for e in first] == [epc(i) for i in range(1, 6)]
    assert all(isinstance(e, TagEvent) and e.gtin == GTIN and e.serial for e in first)
    events, out = proto.tick(2_000)
    assert events == [] and out == rfid.inventory_command(1)  # the next round starts at once
    assert proto.feed(round_, 100_000_000) == []  # the same tags again: nothing new
    assert proto.tick(300_000_000)[0] == []  # the last new tag came at 1 µs: not settled yet
    (tote,) = proto.tick(300_001_000)[0]
    assert isinstance(tote, ToteReadEvent) and len(tote.tags) == 5
    assert {t.reads for t in tote.tags} == {2}


def test_a_garbled_frame_right_after_a_burst_of_good_ones_is_told_at_once_whatever_byte_is_hit():
    """Every one-byte corruption of a tag frame that follows 50 good ones is reported in the same read (a garbled
    length byte used to make the framer wait for bytes that never belonged to it, silently, and swallow the good
    frames behind it), and no good tag is lost."""
    good = b"".join(rfid.tag_frame(bytes.fromhex(epc(i))) for i in range(1, 51))
    last = rfid.tag_frame(bytes.fromhex(epc(999)))
    for pos in range(len(last)):
        for value in range(256):
            if value == last[pos]:
                continue
            garbled = bytearray(last)
            garbled[pos] = value
            proto = rfid.R2000Protocol()
            proto.start(0)
            events = proto.feed(good + bytes(garbled) + rfid.round_end_frame(), 1_000_000)
            assert any(isinstance(e, RejectedFrame) for e in events), (pos, value)
            assert sum(isinstance(e, TagEvent) for e in events) >= 50, (pos, value)


def test_a_garbled_frame_from_a_real_serial_line_reaches_the_station_at_once(rfid_sim, collector):
    import time

    from app.config import DeviceConfig
    from app.devices.reader import DeviceReader

    reader = DeviceReader(DeviceConfig(kind="rfid", port=rfid_sim.port, baudrate=115200, protocol="r2000"),
                          collector).start()
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any(getattr(e, "state", "") == "connected" for e in collector.events):
            time.sleep(0.02)
        good = b"".join(rfid.tag_frame(bytes.fromhex(epc(i))) for i in range(1, 201))
        garbled = bytearray(rfid.tag_frame(bytes.fromhex(epc(999))))
        garbled[1] = 0x40  # a length byte hit by noise
        sent = time.monotonic()
        rfid_sim.write(good + bytes(garbled), paced=False)  # and the reader's own inventory answers after it
        while time.monotonic() < sent + 2 and not any(isinstance(e, RejectedFrame) for e in collector.events):
            time.sleep(0.005)
        rejected = [e for e in collector.events if isinstance(e, RejectedFrame)]
        # Told by the framing the moment the bytes came (not given up later as a frame that never finished).
        assert rejected and "incomplete" not in rejected[0].reason, [e.reason for e in rejected]
        assert len({e.epc for e in collector.events if isinstance(e, TagEvent)}) == 200
    finally:
        reader.stop()
