"""``python -m app.ui [--db URL] [--station NAME] [--demo]``: the desktop app without loading the
other ``station`` subcommands (a desktop launcher's entry; ``station gui`` does the same)."""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m app.ui", description="Warehouse Station desktop app")
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")
    parser.add_argument("--station", metavar="NAME", help="this station's name (default: from the config file)")
    parser.add_argument("--demo", action="store_true", help="a living demo warehouse on an embedded SQLite file")
    args = parser.parse_args(argv)
    args.json = False
    args.demo_orders = 3000

    from app.cli.gui_commands import gui
    from app.errors import StationError

    try:
        return gui(args, started=started)
    except StationError as exc:
        for line in exc.message.splitlines() or [""]:
            print(f"station: {line}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
