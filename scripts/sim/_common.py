"""What the three simulator scripts share: put the project on sys.path, announce the port, read commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def announce(sim) -> None:
    """The first line a simulator prints is the port to open (its stable link when it has one)."""
    print(sim.port, flush=True)
    if sim.link:
        print(f"# pty {sim.path}", file=sys.stderr, flush=True)


def command_loop(handlers: dict[str, Callable[[list[str]], object]], help_text: str) -> None:
    """Read commands from stdin, one a line, until end of input or ``quit``."""
    print(help_text, file=sys.stderr, flush=True)
    for line in sys.stdin:
        words = line.rstrip("\n").split(" ")
        name, rest = words[0].lower(), words[1:]
        if not name:
            continue
        if name in ("quit", "exit"):
            return
        handler = handlers.get(name)
        if handler is None:
            print(f"? unknown command {name!r}", file=sys.stderr, flush=True)
            continue
        try:
            result = handler(rest)
        except Exception as exc:  # noqa: BLE001 - an interactive tool reports and goes on
            print(f"? {exc}", file=sys.stderr, flush=True)
            continue
        if result is not None:
            print(result, file=sys.stderr, flush=True)
