"""Device figures (issue 4), measured through real pseudo-terminals, reader threads, parsers and the Qt bridge:

- scan latency: from the last byte of a scan leaving the simulated scanner to the parsed ``ScanEvent``
  arriving in a slot on the GUI thread (goal: p99 at most 5 ms);
- a tote of 200 RFID tags (SGTIN-96, R2000 protocol at 115200 baud): from the last tag frame to the
  ``ToteReadEvent`` on the GUI thread (goal: within 1 s);
- a 10,000-scan soak at the scanner's top rate - back to back at 115200 baud, each scan a GS1-128 with a
  serial of its own - counting scans lost, duplicated, out of order or not understood (goal: none).

Usage: ``python scripts/bench/bench_devices.py [--quick] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QThread, QTimer  # noqa: E402

from app.config import DeviceConfig  # noqa: E402
from app.devices.reader import DeviceReader  # noqa: E402
from app.devices.rfid import sgtin96  # noqa: E402
from app.devices.simulators import RfidReaderSimulator, ScannerSimulator  # noqa: E402
from app.ui.devices.bridge import DeviceBridge  # noqa: E402

TOP_BAUD = 115200


def _app() -> QCoreApplication:
    return QCoreApplication.instance() or QCoreApplication(sys.argv[:1])


def _run_until(app: QCoreApplication, done, timeout: float) -> None:
    """Run the GUI thread's event loop until ``done()`` or ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: (done() or time.monotonic() > deadline) and app.quit())
    timer.start()
    app.exec()
    timer.stop()


def _connected(bridge: DeviceBridge, app: QCoreApplication, config: DeviceConfig) -> DeviceReader:
    reader = bridge.add_reader(DeviceReader(config, bridge.post))
    _run_until(app, lambda: reader.connected, 5.0)
    if not reader.connected:
        raise RuntimeError(f"the simulated {config.kind} did not connect")
    return reader


def scan_latency(count: int) -> dict:
    """Send ``count`` scans a few milliseconds apart; latency = GUI-thread slot time - last byte written."""
    app = _app()
    bridge = DeviceBridge()
    gui = app.thread()
    arrived: list[tuple[int, object, bool]] = []
    bridge.scanned.connect(lambda e: arrived.append((time.perf_counter_ns(), e, QThread.currentThread() is gui)))
    with ScannerSimulator(baudrate=TOP_BAUD) as sim:
        _connected(bridge, app, DeviceConfig(kind="scanner", port=sim.path, baudrate=TOP_BAUD))
        sent: list[int] = []

        def send() -> None:
            for i in range(count):
                sent.append(sim.scan("]C1" + "0109506000134352" + "10LOT\x1d" + f"21{i:08d}"))
                time.sleep(0.004)

        sender = threading.Thread(target=send)
        sender.start()
        _run_until(app, lambda: len(arrived) >= count, 60)
        sender.join()
        bridge.stop()
    latencies = sorted((at - sent[int(e.serial)]) / 1e6 for at, e, _ in arrived)
    return {
        "count": len(latencies),
        "p50": statistics.median(latencies),
        "p99": latencies[int(0.99 * (len(latencies) - 1))],
        "max": latencies[-1],
        "on_gui_thread": all(flag for _, _, flag in arrived),
    }


def tote_resolution(rounds: int, tags: int = 200) -> list[float]:
    """Place a tote of ``tags`` tagged items ``rounds`` times; seconds from the last tag frame to the tote."""
    app = _app()
    bridge = DeviceBridge()
    totes: list[tuple[int, object]] = []
    bridge.tote_read.connect(lambda e: totes.append((time.perf_counter_ns(), e)))
    results = []
    with RfidReaderSimulator(baudrate=TOP_BAUD) as sim:
        _connected(bridge, app, DeviceConfig(kind="rfid", port=sim.path, baudrate=TOP_BAUD, protocol="r2000"))
        serial = 0
        for _ in range(rounds):
            epcs = []
            for i in range(tags):
                serial += 1
                epcs.append(sgtin96("80614141123458" if i % 3 else "09506000134352", serial, 7))
            totes.clear()
            sim.place(epcs)
            _run_until(app, lambda: any(len(t.tags) == tags for _, t in totes), 10)
            at, tote = next((a, t) for a, t in totes if len(t.tags) == tags)
            # The last new tag's frame was read at tote.last_new_ns; later rounds only repeat the tags.
            results.append((at - tote.last_new_ns) / 1e9)
            sim.remove()
            _run_until(app, lambda: any(len(t.tags) == 0 for _, t in totes), 10)
        bridge.stop()
    return results


def soak(count: int) -> dict:
    """``count`` scans back to back at the top baud rate; every one must arrive once, in order, understood."""
    app = _app()
    bridge = DeviceBridge()
    serials: list[int] = []
    rejected: list[object] = []
    bridge.scanned.connect(lambda e: serials.append(int(e.serial)))
    bridge.rejected.connect(rejected.append)
    with ScannerSimulator(baudrate=TOP_BAUD) as sim:
        _connected(bridge, app, DeviceConfig(kind="scanner", port=sim.path, baudrate=TOP_BAUD))
        started = time.perf_counter()

        def send() -> None:
            for i in range(count):
                sim.scan("]C1" + "0109506000134352" + "17271231" + "10B7\x1d" + f"21{i:09d}")

        sender = threading.Thread(target=send)
        sender.start()
        _run_until(app, lambda: len(serials) + len(rejected) >= count and not sender.is_alive(), 600)
        sender.join()
        elapsed = time.perf_counter() - started
        _run_until(app, lambda: False, 0.3)  # anything late would show now
        bridge.stop()
    unique = set(serials)
    return {
        "sent": count,
        "received": len(serials),
        "lost": count - len(unique & set(range(count))),
        "duplicated": len(serials) - len(unique),
        "out_of_order": sum(1 for a, b in zip(serials, serials[1:]) if b < a),
        "rejected": len(rejected),
        "rate": count / elapsed,
    }


def run(quick: bool = False) -> list[dict]:
    latency = scan_latency(300 if quick else 2000)
    totes = tote_resolution(2 if quick else 5)
    soaked = soak(1000 if quick else 10_000)
    figures = [
        {"name": f"scan latency p99, last byte to GUI-thread event ({latency['count']} scans)", "value": round(latency["p99"], 3), "unit": "ms", "backend": None, "goal": "<= 5"},
        {"name": "scan latency p50", "value": round(latency["p50"], 3), "unit": "ms", "backend": None, "goal": None},
        {"name": "scan latency max", "value": round(latency["max"], 3), "unit": "ms", "backend": None, "goal": None},
        {"name": f"RFID tote of 200 tags: last tag frame to tote event (worst of {len(totes)})", "value": round(max(totes), 3), "unit": "s", "backend": None, "goal": "<= 1"},
        {"name": f"soak {soaked['sent']:,} scans at {TOP_BAUD} baud: lost", "value": soaked["lost"], "unit": "scans", "backend": None, "goal": "0"},
        {"name": f"soak {soaked['sent']:,} scans: duplicated", "value": soaked["duplicated"], "unit": "scans", "backend": None, "goal": "0"},
        {"name": f"soak {soaked['sent']:,} scans: out of order or not understood", "value": soaked["out_of_order"] + soaked["rejected"], "unit": "scans", "backend": None, "goal": "0"},
        {"name": "soak scan rate", "value": round(soaked["rate"], 1), "unit": "scans/s", "backend": None, "goal": None},
    ]
    if not latency["on_gui_thread"]:
        raise RuntimeError("scan events were not delivered on the GUI thread")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer scans and totes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.quick)
    if args.json:
        print(json.dumps({"figures": figures}))
    else:
        for f in figures:
            goal = f" (goal {f['goal']})" if f["goal"] else ""
            print(f"{f['name']:<78} {f['value']:>10} {f['unit']}{goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
