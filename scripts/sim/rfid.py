#!/usr/bin/env python3
"""A UHF RFID reader (R2000 module protocol) on a pseudo-terminal.

Prints the port to open on its first line. It answers real-time inventory commands with one frame per
tag in its field. Commands on standard input:

* ``tote GTIN:QTY [GTIN:QTY ...]`` - put a tote of SGTIN-96 tagged items in the field;
* ``tag EPC [EPC ...]`` - put tags with these EPCs (hex) in the field;
* ``clear`` - take everything away; ``unplug`` / ``plug``; ``raw HEX``; ``quit``.

    python scripts/sim/rfid.py --tote 09506000134352:3 &
    station devices listen --port /dev/pts/N --kind rfid --json

Importable: ``from scripts.sim.rfid import RfidReaderSimulator, main``.
"""

from __future__ import annotations

import argparse
import itertools
import sys

try:
    from scripts.sim._common import announce, command_loop
except ImportError:  # run as a file
    from _common import announce, command_loop  # type: ignore[no-redef]

from app.devices.rfid import sgtin96
from app.devices.simulators import RfidReaderSimulator

__all__ = ["RfidReaderSimulator", "main", "tote_epcs"]

_serials = itertools.count(1)


def tote_epcs(items: list[str], company_prefix_len: int) -> list[str]:
    """``["GTIN:QTY", ...]`` -> SGTIN-96 EPCs, each with a serial of its own."""
    epcs = []
    for item in items:
        gtin, _, quantity = item.partition(":")
        for _ in range(int(quantity or 1)):
            epcs.append(sgtin96(gtin, next(_serials), company_prefix_len))
    return epcs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--link", help="also reachable under this path (a symlink that survives unplug/plug)")
    parser.add_argument("--baud", type=int, default=115200, help="pace frames as this baud rate would")
    parser.add_argument("--company-prefix-length", type=int, default=7, help="digits of the GS1 company prefix in the GTINs")
    parser.add_argument("--tote", nargs="*", default=[], metavar="GTIN:QTY", help="tags in the field at start")
    args = parser.parse_args(argv)
    sim = RfidReaderSimulator(link=args.link, baudrate=args.baud)
    sim.place(tote_epcs(args.tote, args.company_prefix_length))
    announce(sim)

    def tote(words: list[str]) -> str:
        epcs = tote_epcs(words, args.company_prefix_length)
        sim.place(epcs)
        return f"# {len(epcs)} tag(s) in the field"

    handlers = {
        "tote": tote,
        "tag": lambda words: sim.place(words),
        "clear": lambda words: sim.remove(),
        "unplug": lambda words: sim.unplug(),
        "plug": lambda words: sim.plug(),
        "raw": lambda words: sim.write(bytes.fromhex("".join(words))),
    }
    try:
        command_loop(handlers, "commands: tote GTIN:QTY ..., tag EPC ..., clear, unplug, plug, raw HEX, quit")
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
