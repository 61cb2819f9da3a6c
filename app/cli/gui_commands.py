"""``station`` / ``station gui [--station NAME] [--demo]``: the desktop app.

``--demo`` runs on an embedded SQLite file of its own (``demo.db`` in the user's data directory,
so demo orders never mix with real ones) unless ``--db`` names another, and seeds the demo
warehouse on the first start (``app.services.demo.seed``).
"""

from __future__ import annotations

import argparse
import sys
import time

from app.cli.main import command
from app.config import data_dir, load_settings
from app.errors import StationError

DEMO_ORDERS = 3000


def register(subparsers) -> None:
    sub = command(subparsers, "gui", gui, help="the desktop app (the default command)")
    sub.add_argument("--station", metavar="NAME", help="this station's name (default: from the config file)")
    sub.add_argument("--demo", action="store_true", help="a living demo warehouse on an embedded SQLite file")
    sub.add_argument("--demo-orders", type=int, default=DEMO_ORDERS, metavar="N", help=argparse.SUPPRESS)


def demo_url() -> str:
    return f"sqlite:///{data_dir() / 'demo.db'}"


def ensure_demo_data(ctx, orders: int = DEMO_ORDERS, out=sys.stderr) -> bool:
    """Seed the demo warehouse when the database has no orders yet; True if it seeded."""
    from sqlalchemy import func, select

    from db.models import Order

    with ctx.sessions() as s:
        if s.scalar(select(func.count()).select_from(Order)):
            return False
    try:
        from app.services.demo import seed
    except ImportError as exc:
        raise StationError("demo data cannot be made: the demo seeder (app.services.demo) is missing") from exc
    print(f"station: seeding the demo warehouse with {orders} orders (first start only)…", file=out, flush=True)
    seed(ctx, orders=orders, seed=1)
    return True


def gui(args: argparse.Namespace, started: float | None = None) -> int:
    started = started or time.perf_counter()
    from app.context import open_context

    db_url = args.db
    settings = load_settings(db_url)
    if args.demo:
        settings.extra["demo"] = True  # the devices bridge adds the simulated devices and virtual scanner
        if not db_url:
            db_url = demo_url()
            settings.db_url = db_url
    with open_context(db_url, settings=settings) as ctx:
        if args.demo:
            ensure_demo_data(ctx, args.demo_orders)
        from app.ui.app import run

        return run(ctx, args.station or settings.station, started_at=started)
