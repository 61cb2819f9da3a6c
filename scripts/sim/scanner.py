#!/usr/bin/env python3
"""A serial barcode scanner on a pseudo-terminal.

Prints the port to open on its first line, then sends every line of standard input as one scan
(``<GS>`` or ``\\x1d`` in a line stands for the GS separator; ``]C1`` and friends are sent as typed).
Commands: ``unplug``, ``plug``, ``raw HEX`` (bytes as they are), ``quit``.

    python scripts/sim/scanner.py --link /tmp/scanner &
    station devices listen --port /tmp/scanner --kind scanner --json

Importable: ``from scripts.sim.scanner import ScannerSimulator, main``.
"""

from __future__ import annotations

import argparse
import sys
import time

try:
    from scripts.sim._common import announce
except ImportError:  # run as a file
    from _common import announce  # type: ignore[no-redef]

from app.devices.scanner import decode_escapes
from app.devices.simulators import ScannerSimulator

__all__ = ["ScannerSimulator", "main"]

DEMO_SCANS = [
    "]E04006381333931",
    "]C1" + "0109506000134352" + "17261231" + "10LOT42\x1d" + "21SN0001",
    "]C0SKU-1001",
    "]E04006381333932",  # a bad check digit: shown as not understood
    "CMD:CLOSE-BOX",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--link", help="also reachable under this path (a symlink that survives unplug/plug)")
    parser.add_argument("--prefix", default="", help=r"sent before each scan (escapes such as \x02 understood)")
    parser.add_argument("--suffix", default="")
    parser.add_argument("--terminator", default=r"\r")
    parser.add_argument("--baud", type=int, default=9600, help="pace bytes as this baud rate would")
    parser.add_argument("--demo", type=float, metavar="SECONDS", help="send a few sample scans, one every SECONDS, and exit")
    args = parser.parse_args(argv)
    sim = ScannerSimulator(prefix=decode_escapes(args.prefix), suffix=decode_escapes(args.suffix),
                           terminator=decode_escapes(args.terminator), link=args.link, baudrate=args.baud)
    announce(sim)
    try:
        if args.demo:
            for scan in DEMO_SCANS:
                time.sleep(args.demo)
                sim.scan(scan)
            time.sleep(args.demo)
            return 0
        print("type a barcode and Enter to scan; commands: unplug, plug, raw HEX, quit", file=sys.stderr, flush=True)
        for line in sys.stdin:
            text = line.rstrip("\n")
            if text in ("quit", "exit"):
                break
            if text == "unplug":
                sim.unplug()
            elif text == "plug":
                sim.plug()
                print(f"# plugged in again at {sim.port}", file=sys.stderr, flush=True)
            elif text.startswith("raw "):
                sim.write(bytes.fromhex(text[4:]))
            elif text:
                sim.scan(text.replace("<GS>", "\x1d").replace("\\x1d", "\x1d"))
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
