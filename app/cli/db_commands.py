"""``station db upgrade``."""

from __future__ import annotations

import argparse

from app.cli.main import command, print_json
from app.context import upgrade_schema


def register(subparsers) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    command(db_sub, "upgrade", upgrade, help="create or migrate the schema")


def upgrade(args: argparse.Namespace) -> int:
    url = upgrade_schema(args.db)
    if args.json:
        print_json({"upgraded": True, "url": url})
    else:
        print(f"schema up to date: {url}")
    return 0
