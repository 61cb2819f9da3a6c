"""``station claim --station NAME [--count N]``: claim the most urgent waiting orders, one transaction each."""

from __future__ import annotations

import argparse

from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json
from app.context import open_context
from app.errors import InvalidInput
from app.orders.claim import claim_next

NOTHING_WAITING = 3


def register(subparsers) -> None:
    sub = command(subparsers, "claim", claim, help="claim the most urgent waiting orders for a station")
    sub.add_argument("--station", required=True, metavar="NAME", help="the station that takes the orders")
    sub.add_argument("--count", type=int, default=1, metavar="N", help="how many orders to claim (default 1)")
    acting(sub)  # --user proved by the PIN, else cli@HOST (contracts.md "Who acts")


@changes_data
def claim(args: argparse.Namespace) -> int:
    if args.count < 1:
        raise InvalidInput("--count must be at least 1")
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args, station=args.station)
        claimed = 0
        for _ in range(args.count):
            order = claim_next(ctx.sessions, args.station, actor)
            if order is None:
                break
            claimed += 1
            if args.json:
                print_json({"number": order.number, "station": args.station, "status": order.status,
                            "priority": order.priority})
            else:
                print(f"{order.number} claimed by {args.station}")
        if claimed == 0:
            if not args.json:
                print(f"no order is waiting for {args.station}")
            return NOTHING_WAITING
        return 0
