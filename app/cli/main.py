"""The ``station`` command: one thin entry point over the services (contracts.md).

Each capability keeps its subcommands in a module of its own under ``app.cli`` with a
``register(subparsers)`` function; list it in ``COMMAND_MODULES`` with the subcommand names it registers.
"""

from __future__ import annotations

import argparse
import importlib
import json
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


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=_json_default) + "\n")
    sys.stdout.flush()


def print_rows(args, rows: Sequence[Any], line: Callable[[Any], str]) -> int:
    """A listing command's output: with ``--json`` the rows' ``as_json()`` as one array, else one line each."""
    if getattr(args, "json", False):
        print_json([r.as_json() for r in rows])
    else:
        for r in rows:
            print(line(r))
    return 0


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
    try:
        return int(handler(args) or 0)
    except StationError as exc:
        for line in exc.message.splitlines() or [""]:  # a bad config: every bad value, one line each
            print(f"station: {line}", file=sys.stderr)
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

        print(f"station: {describe_unexpected(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
