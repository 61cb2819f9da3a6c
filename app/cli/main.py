"""The ``station`` command: one thin entry point over the services (contracts.md).

Each capability keeps its subcommands in a module of its own under ``app.cli`` with a
``register(subparsers)`` function; list it in ``COMMAND_MODULES`` with the subcommand names it registers.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from app.errors import StationError

# Module -> the subcommands it registers. Only the module of the command being run is imported,
# so ``station gui`` does not pay for reportlab, biip or OR-Tools at start-up.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "app.cli.db_commands": ("db",),
    "app.cli.route_commands": ("route", "pick", "layout"),
    "app.cli.order_commands": ("demo", "import", "intake", "orders", "order"),
    "app.cli.products_commands": ("products",),
    "app.cli.stock_commands": ("stock",),
    "app.cli.bench_commands": ("bench",),
    "app.cli.claim_commands": ("claim",),
    "app.cli.gui_commands": ("gui",),
    "app.cli.devices_commands": ("devices",),
    "app.cli.label_commands": ("label", "shipping"),
    "app.cli.pack_commands": ("pack", "commands"),
    "app.cli.aftersales_commands": ("track", "report", "return", "survey", "carrier-events"),
    "app.cli.serve_commands": ("serve", "notify"),
    "app.cli.admin_commands": ("users", "stations", "warehouses"),
    "app.cli.carrier_commands": ("carriers",),
    "app.cli.goodsin_commands": ("deliveries", "receive"),
    "app.cli.channel_commands": ("channels",),
}


def _command_name(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, skipping the global options."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _modules_for(argv: Sequence[str]) -> list[str]:
    name = _command_name(argv)
    if name is None and not any(a in ("-h", "--help") for a in argv):
        name = "gui"
    for module, names in COMMAND_MODULES.items():
        if name in names:
            return [module]
    return list(COMMAND_MODULES)  # help, or an unknown command: argparse names the choices


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="station", description="Warehouse Station")
    add_common_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules if modules is not None else COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """``--db`` and ``--json`` are accepted before or after the subcommand."""
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="SQLAlchemy database URL")
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output on stdout"
    )


def command(subparsers, name: str, handler: Callable[[argparse.Namespace], int | None], **kwargs) -> argparse.ArgumentParser:
    """Declare a subcommand; ``handler(args)`` returns the exit code (None means 0)."""
    sub = subparsers.add_parser(name, **kwargs)
    add_common_options(sub)
    sub.set_defaults(handler=handler)
    return sub


def subcommand_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


# What a terminal would act on instead of showing: C0 controls but the line's own newline and tab (ESC starts the
# sequences that clear the screen, move the cursor or retitle the window; CR and BS overwrite what was printed; BEL
# rings), DEL, the C1 controls (CSI alone is ESC [ to many terminals) and the bidirectional overrides and isolates
# that make a line read in another order than it is stored.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """``text`` as a terminal may print it: each control or escape character a customer, a shop or a carrier may
    have put in a name, a note or a message is shown as its escape (``\\x1b``, ``\\u202e``), never acted on;
    newlines and tabs stay."""
    return _CONTROLS.sub(_shown, text)


class SafeOutput:
    """A text stream whose every write goes through :func:`safe_text`: ``main`` puts it in place of stdout while
    a command runs, so every ``print`` of every command is neutralised. Bytes written to ``.buffer`` (a label's
    PDF, a report) pass unchanged."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(safe_text(text))

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def print_json(value: Any) -> None:
    """``value`` as one line of JSON; the controls JSON leaves as they are (DEL, C1, bidirectional overrides) are
    written as ``\\u`` escapes too, so the output is the same data and safe on a terminal."""
    text = json.dumps(value, ensure_ascii=False, default=_json_default)
    sys.stdout.write(_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
    sys.stdout.flush()


def print_rows(args, rows: Sequence[Any], line: Callable[[Any], str]) -> int:
    """A listing command's output: with ``--json`` the rows' ``as_json()`` as one array, else one line each."""
    if getattr(args, "json", False):
        print_json([r.as_json() for r in rows])
    else:
        for r in rows:
            print(safe_text(line(r)))
    return 0


def _creates_database(args: argparse.Namespace) -> bool:
    """Only ``station db upgrade`` and the demo (``station demo seed``, ``station gui --demo``) make a database."""
    handler = getattr(args, "handler", None)
    name = getattr(handler, "__name__", "")
    return ((args.command == "db" and name == "upgrade") or args.command == "demo"
            or (args.command == "gui" and bool(getattr(args, "demo", False))))


def _refuse_missing_database(args: argparse.Namespace) -> None:
    """A command given an SQLite file that does not exist refuses (a typo would otherwise make a new, empty
    database and run against it). The station's own default file (zero set-up) is made where it is missing."""
    if _creates_database(args):
        return
    from app.context import missing_database

    path = missing_database(args.db)
    if path is not None:
        raise StationError(f"no database at {path}: make it with 'station db upgrade' (or 'station demo seed'), "
                           "or check the path")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_modules_for(argv))
    args = parser.parse_args(argv)
    if args.command is None and "gui" in subcommand_names(parser):
        args = parser.parse_args(["gui", *argv])
    args.db = getattr(args, "db", None)
    args.json = getattr(args, "json", False)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    stdout = sys.stdout
    sys.stdout = SafeOutput(stdout)
    try:
        _refuse_missing_database(args)
        return int(handler(args) or 0)
    except StationError as exc:
        for line in exc.message.splitlines() or [""]:  # a bad config: every bad value, one line each
            print(f"station: {safe_text(line)}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader (head, less) went away: not an error worth a message.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("station: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        from app.cli.errors import describe_unexpected

        print(f"station: {safe_text(describe_unexpected(exc))}", file=sys.stderr)
        return 1
    finally:
        if isinstance(sys.stdout, SafeOutput):
            sys.stdout = stdout


if __name__ == "__main__":
    sys.exit(main())
