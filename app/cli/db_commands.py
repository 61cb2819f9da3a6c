"""``station db upgrade``."""

from __future__ import annotations

import argparse

from app.cli.main import command, print_json
from app.config import load_settings
from db import migrate
from db.session import make_engine


def register(subparsers) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    command(db_sub, "upgrade", upgrade, help="create or migrate the schema")


def upgrade(args: argparse.Namespace) -> int:
    settings = load_settings(args.db)
    engine = make_engine(settings.db_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    if args.json:
        print_json({"upgraded": True, "url": engine.url.render_as_string(hide_password=True)})
    else:
        print(f"schema up to date: {engine.url.render_as_string(hide_password=True)}")
    return 0
