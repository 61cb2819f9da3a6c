"""``station devices listen`` and ``station devices ports``."""

from __future__ import annotations

import json
import threading

from app.cli.main import main
from app.devices.rfid import sgtin96


def _feed_until(stop: threading.Event, send, interval: float = 0.03) -> threading.Thread:
    def run():
        while not stop.wait(interval):
            send()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_listen_scanner_json(scanner_sim, station_config, capsys):
    stop = threading.Event()
    scans = iter(["]C1" + "0109506000134352" + "17261231" + "10L7\x1d" + "21S1", "]E04006381333932"] * 1000)
    _feed_until(stop, lambda: scanner_sim.scan(next(scans)))
    try:
        code = main(["devices", "listen", "--port", scanner_sim.port, "--kind", "scanner", "--json", "--count", "2", "--seconds", "10"])
    finally:
        stop.set()
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [line["event"] for line in lines]
    assert kinds[0] == "status" and kinds.count("scan") == 2 and "rejected" in kinds
    scan = next(line for line in lines if line["event"] == "scan")
    assert scan["raw"].startswith("]C1") and scan["symbology"] == "GS1-128"
    assert (scan["gtin"], scan["lot"], scan["expiry"], scan["serial"], scan["sscc"]) == ("09506000134352", "L7", "2026-12-31", "S1", None)
    rejected = next(line for line in lines if line["event"] == "rejected")
    assert "check digit" in rejected["reason"]


def test_listen_rfid_json(rfid_sim, station_config, capsys):
    rfid_sim.place([sgtin96("80614141123458", 7, 7)])
    code = main(["devices", "listen", "--port", rfid_sim.port, "--kind", "rfid", "--json", "--count", "2", "--no-status", "--seconds", "10"])
    assert code == 0
    tag, tote = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (tag["event"], tag["gtin"], tag["serial"], tag["epc"]) == ("tag", "80614141123458", "7", "3034257BF7194E4000000007")
    assert isinstance(tag["rssi"], int)
    assert tote["event"] == "tote" and tote["gtins"] == {"80614141123458": 1}


def test_listen_scale_text(scale_sim, station_config, capsys):
    scale_sim.set_weight(980.5)
    assert main(["devices", "listen", "--port", scale_sim.port, "--kind", "scale", "--count", "1", "--seconds", "10"]) == 0
    captured = capsys.readouterr()
    assert "weight 980.5 g (stable)" in captured.out
    assert "1 understood, 0 not understood" in captured.err


def test_listen_needs_a_port(station_config, capsys):
    assert main(["devices", "listen", "--kind", "scale"]) == 1
    assert "--port" in capsys.readouterr().err


def test_ports_json(station_config, capsys):
    assert main(["devices", "ports", "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)
