#!/usr/bin/env python3
"""A packing scale on a pseudo-terminal: Mettler Toledo MT-SICS, or continuous ``ST,GS,+0001.234kg`` output.

Prints the port to open on its first line. Commands on standard input:

* ``w WEIGHT`` - a stable weight (in the scale's unit); ``m WEIGHT`` - a moving (dynamic) one;
* ``over`` - overload; ``unplug`` / ``plug``; ``raw HEX``; ``quit``.

    python scripts/sim/scale.py --mode mt-sics --weight 1250 &
    station devices listen --port /dev/pts/N --kind scale --json

Importable: ``from scripts.sim.scale import ScaleSimulator, main``.
"""

from __future__ import annotations

import argparse
import sys

try:
    from scripts.sim._common import announce, command_loop
except ImportError:  # run as a file
    from _common import announce, command_loop  # type: ignore[no-redef]

from app.devices.simulators import ScaleSimulator

__all__ = ["ScaleSimulator", "main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("mt-sics", "continuous"), default="mt-sics")
    parser.add_argument("--unit", default="g", help="g or kg")
    parser.add_argument("--weight", type=float, default=0.0)
    parser.add_argument("--rate", type=float, default=10.0, help="lines a second in continuous mode")
    parser.add_argument("--link", help="also reachable under this path (a symlink that survives unplug/plug)")
    args = parser.parse_args(argv)
    sim = ScaleSimulator(mode=args.mode, unit=args.unit, rate=args.rate, link=args.link)
    sim.set_weight(args.weight)
    announce(sim)
    handlers = {
        "w": lambda words: sim.set_weight(float(words[0]), stable=True),
        "m": lambda words: sim.set_weight(float(words[0]), stable=False),
        "over": lambda words: sim.set_overload(True),
        "unplug": lambda words: sim.unplug(),
        "plug": lambda words: sim.plug(),
        "raw": lambda words: sim.write(bytes.fromhex("".join(words))),
    }
    try:
        command_loop(handlers, "commands: w WEIGHT, m WEIGHT, over, unplug, plug, raw HEX, quit")
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
