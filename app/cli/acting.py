"""Who a data-changing command acts as (contracts.md "Who acts"), the same for every ``station`` command:
``--user NAME`` proved by that user's PIN (``STATION_PIN``, else asked on a terminal), or ``cli@HOST`` with the
rights of the database login it runs under. The services check the role; a user whose roles do not allow the
action gets exit 2 and one line."""

from __future__ import annotations

import argparse
import functools
import getpass
import sys

from app.admin.acting import NotProved, command_actor
from app.config import pin_from_environment
from app.context import Actor
from app.errors import PermissionDenied


def acting(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Give a data-changing command its ``--user``."""
    parser.add_argument("--user", metavar="NAME", default=None,
                        help="act as this user, proved by their PIN (STATION_PIN or asked); default: cli@HOST")
    return parser


def actor_of(ctx, args: argparse.Namespace, station: str | None = None) -> Actor:
    """The command's actor: ``--user`` proved by its PIN, else ``cli@HOST``; at ``station`` (default: the
    configured one)."""
    user = getattr(args, "user", None)
    pin = None
    if user:
        pin = pin_from_environment()
        if pin is None and sys.stdin.isatty():
            pin = getpass.getpass(f"PIN of {user}: ")
    return command_actor(ctx.sessions, user, pin, station=station or ctx.settings.station)


def changes_data(handler):
    """A refusal for want of a role is exit 2 with its one line, as a PIN that does not prove ``--user`` is."""
    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except NotProved:
            raise
        except PermissionDenied as exc:
            raise NotProved(exc.message) from exc
    return run
