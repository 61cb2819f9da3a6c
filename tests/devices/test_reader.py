"""Reader threads on real pseudo-terminals: scans, hot-plug, USB-id matching, RFID totes, scales, noise."""

from __future__ import annotations

import time

import pytest

from app.config import DeviceConfig
from app.devices.events import DeviceStatus, RejectedFrame, ScanEvent, TagEvent, ToteReadEvent, WeightEvent
from app.devices.ports import PortInfo
from app.devices.reader import DeviceReader
from app.devices.rfid import sgtin96
from app.devices.simulators import ScaleSimulator, ScannerSimulator


def status(events, state):
    return [e for e in events if isinstance(e, DeviceStatus) and e.state == state]


def scans(events):
    return [e for e in events if isinstance(e, ScanEvent)]


@pytest.fixture
def reader_factory():
    readers = []

    def make(config, sink, **kwargs):
        reader = DeviceReader(config, sink, **kwargs).start()
        readers.append(reader)
        return reader

    yield make
    for reader in readers:
        reader.stop()


def test_scans_arrive_in_order_with_their_fields(scanner_sim, collector, reader_factory):
    reader_factory(DeviceConfig(kind="scanner", port=scanner_sim.port), collector)
    collector.wait_for(lambda ev: status(ev, "connected"), what="connected")
    sent = [f"]C0SKU-{i}" for i in range(100)] + ["]C1" + "0109506000134352" + "10LOT1\x1d" + "17270101"]
    for scan in sent:
        scanner_sim.scan(scan)
    got = collector.wait_for(lambda ev: len(scans(ev)) == len(sent) and scans(ev), what="all scans")
    assert [e.raw for e in got] == sent
    assert [e.seq for e in got] == sorted(e.seq for e in got)
    assert got[-1].lot == "LOT1" and got[-1].gtin == "09506000134352"
    assert all(e.device == scanner_sim.port for e in got)


def test_unplug_shows_within_two_seconds_and_reconnects_without_loss_or_duplicates(scanner_sim, collector, reader_factory):
    reader = reader_factory(DeviceConfig(kind="scanner", port=scanner_sim.port), collector, retry_interval=0.1)
    collector.wait_for(lambda ev: status(ev, "connected"), what="connected")
    for i in range(20):
        scanner_sim.scan(f"]C0A{i}")
    collector.wait_for(lambda ev: len(scans(ev)) == 20, what="first 20 scans")
    scanner_sim.write(b"]C0CUT-OFF")  # half a scan: the unplug cuts it off
    time.sleep(0.05)
    unplugged = time.monotonic()
    scanner_sim.unplug()
    collector.wait_for(lambda ev: status(ev, "disconnected"), timeout=2.0, what="disconnected")
    assert time.monotonic() - unplugged < 2.0
    assert not reader.connected
    scanner_sim.plug()
    collector.wait_for(lambda ev: len(status(ev, "connected")) == 2, timeout=3.0, what="reconnected")
    for i in range(20, 40):
        scanner_sim.scan(f"]C0A{i}")
    got = collector.wait_for(lambda ev: len(scans(ev)) >= 40 and scans(ev), what="all 40 scans")
    time.sleep(0.2)
    assert [e.text for e in scans(collector.events)] == [f"A{i}" for i in range(40)]
    cut = collector.of(RejectedFrame)
    assert len(cut) == 1 and "went away" in cut[0].reason and cut[0].raw == b"]C0CUT-OFF"
    seqs = [e.seq for e in collector.events]
    assert seqs == list(range(1, len(seqs) + 1))
    assert reader.counts["reconnects"] == 1 and got


def test_found_again_by_usb_id_under_a_new_port_name(tmp_path, collector, reader_factory):
    first = ScannerSimulator()
    ports = [PortInfo(first.path, "scanner", 0x05E0, 0x1200, "S123"), PortInfo("/dev/null-other", "other", 0x05E0, 0x1200, "OTHER")]
    config = DeviceConfig(kind="scanner", usb_vid=0x05E0, usb_pid=0x1200, usb_serial="S123")
    reader_factory(config, collector, lister=lambda: list(ports), retry_interval=0.1)
    try:
        collector.wait_for(lambda ev: status(ev, "connected"), what="connected")
        first.scan("]C0ONE")
        collector.wait_for(lambda ev: scans(ev), what="first scan")
        first.close()
        ports[0] = PortInfo("/dev/gone", "scanner", 0x05E0, 0x1200, "S123")
        collector.wait_for(lambda ev: status(ev, "disconnected"), timeout=2.0, what="disconnected")
        second = ScannerSimulator()
        ports[0] = PortInfo(second.path, "scanner", 0x05E0, 0x1200, "S123")
        try:
            collector.wait_for(lambda ev: len(status(ev, "connected")) == 2, timeout=3.0, what="found again")
            second.scan("]C0TWO")
            collector.wait_for(lambda ev: len(scans(ev)) == 2, what="second scan")
            assert status(collector.events, "connected")[-1].port == second.path
        finally:
            second.close()
    finally:
        first.close()


def test_a_device_plugged_in_later_is_picked_up(tmp_path, collector, reader_factory):
    link = tmp_path / "later"
    reader_factory(DeviceConfig(kind="scanner", port=str(link)), collector, retry_interval=0.1)
    collector.wait_for(lambda ev: status(ev, "searching"), what="searching")
    with ScannerSimulator(link=link) as sim:
        collector.wait_for(lambda ev: status(ev, "connected"), timeout=2.0, what="connected")
        sim.scan("4006381333931")
        (scan,) = collector.wait_for(lambda ev: scans(ev), what="scan")
        assert scan.gtin == "04006381333931"


def test_noise_never_stops_the_reader_nor_becomes_an_item(scanner_sim, collector, reader_factory):
    reader_factory(DeviceConfig(kind="scanner", port=scanner_sim.port), collector)
    collector.wait_for(lambda ev: status(ev, "connected"), what="connected")
    scanner_sim.write(b"\x00\xff\x13garbage\x07\r\xfe\xfd\r4006381333932\r")
    scanner_sim.scan("4006381333931")
    collector.wait_for(lambda ev: scans(ev), what="the good scan")
    assert [e.gtin for e in scans(collector.events)] == ["04006381333931"]
    assert len(collector.of(RejectedFrame)) == 3


def test_rfid_tote_of_200_tags_resolved_within_a_second(rfid_sim, collector, reader_factory):
    epcs = [sgtin96("80614141123458", i, 7) for i in range(1, 151)] + [sgtin96("09506000134352", i, 7) for i in range(1, 51)]
    rfid_sim.place(epcs)
    reader_factory(DeviceConfig(kind="rfid", port=rfid_sim.port, baudrate=115200), collector)
    (tote,) = collector.wait_for(lambda ev: [e for e in ev if isinstance(e, ToteReadEvent)], timeout=5.0, what="the tote")
    tags = collector.of(TagEvent)
    assert len(tags) == 200 and len({t.epc for t in tags}) == 200
    assert tote.gtin_counts() == {"80614141123458": 150, "09506000134352": 50}
    assert all(t.rssi is not None and t.serial for t in tote.tags)
    assert tote.received_ns >= max(t.received_ns for t in tags)  # the 1 s figure is scripts/bench/bench_devices.py's
    time.sleep(0.5)  # more rounds read the same tags: still reported once
    assert len(collector.of(TagEvent)) == 200
    assert rfid_sim.rounds >= 2


def test_scale_mt_sics_stable_dynamic_overload(scale_sim, collector, reader_factory):
    scale_sim.set_weight(1250.0)
    reader_factory(DeviceConfig(kind="scale", port=scale_sim.port, protocol="mt-sics"), collector)
    first = collector.wait_for(lambda ev: [e for e in ev if isinstance(e, WeightEvent)], what="a weight")[0]
    assert (first.weight, first.unit, first.stable) == (1250.0, "g", True)
    scale_sim.set_weight(300.0, stable=False)
    collector.wait_for(lambda ev: [e for e in ev if isinstance(e, WeightEvent) and not e.stable and e.weight == 300.0], what="a moving weight")
    scale_sim.set_overload()
    collector.wait_for(lambda ev: [e for e in ev if isinstance(e, WeightEvent) and e.condition == "overload"], what="overload")


def test_scale_continuous_output(tmp_path, collector, reader_factory):
    with ScaleSimulator(mode="continuous", unit="kg", rate=20) as sim:
        sim.set_weight(1.234)
        reader_factory(DeviceConfig(kind="scale", port=sim.port, protocol="continuous"), collector)
        event = collector.wait_for(lambda ev: [e for e in ev if isinstance(e, WeightEvent)], what="a weight")[0]
        assert (event.weight, event.unit, event.stable) == (1.234, "kg", True)
