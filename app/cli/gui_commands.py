"""``station`` / ``station gui [--station NAME] [--demo]``: the desktop app.

``--demo`` runs on an embedded SQLite file of its own (``demo.db`` in the user's data directory,
so demo orders never mix with real ones) unless ``--db`` names another, and seeds the demo
warehouse on the first start (``app.demo.seed.seed``). The demo is for that run only: a start
without ``--demo`` is a real station on the configured database, with its own devices.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from app.cli.main import command
from app.config import Settings, data_dir, default_db_url, load_settings, warn_about_settings
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
    from app.orders.queries import any_orders

    if any_orders(ctx.sessions):
        return False
    try:
        from app.demo.seed import seed
    except ImportError as exc:
        raise StationError("demo data cannot be made: the demo seeder (app.demo.seed) is missing") from exc
    print(f"station: seeding the demo warehouse with {orders} orders (first start only)…", file=out, flush=True)
    seed(ctx, orders=orders, seed=1)
    return True


def demo_printer_folder() -> Path:
    return data_dir() / "demo-printer"


def ensure_demo_printer(ctx, station: str) -> Path:
    """The demo's virtual label printer: a folder the station's labels and packing slips go to (PDF), set for
    the station in the demo's database when it has no printer of its own; the row of virtual devices shows the
    last label that came out."""
    from app.demo.printer import use_demo_printer

    folder = demo_printer_folder()
    folder.mkdir(parents=True, exist_ok=True)
    use_demo_printer(ctx.sessions, station, folder.as_uri())
    ctx.settings.demo.printer_folder = str(folder)
    return folder


def _sqlite_file(url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(url[len(prefix):]).expanduser().resolve() if url.startswith(prefix) and url != prefix else None


def gui_settings(args: argparse.Namespace, out: TextIO | None = None) -> Settings:
    """The settings this start runs with. ``--demo``: the demo's database (unless ``--db``) and its simulated
    devices, for this run. Without it no demo, whatever the config file says: an earlier version saved the demo
    flag, and the demo's database as the station's, into the file when settings were saved during a demo (the
    flag is no setting of the file: it is read as nothing)."""
    settings = load_settings(args.db)
    if args.demo:
        settings.demo.enabled = True  # the devices bridge adds the simulated devices and virtual scanner
        if not args.db:
            settings.db_url = demo_url()
        return settings
    demo_file = _sqlite_file(demo_url())
    if settings.loaded.db_url_from == "file" and demo_file is not None and _sqlite_file(settings.db_url) == demo_file:
        settings.db_url = default_db_url()
        print(f"station: the config file names the demo's database ({demo_file}) as this station's: a demo setting "
              f"saved by mistake; this start uses {settings.db_url} (start with --demo for the demo, or set db_url "
              "in the config file)", file=out or sys.stderr, flush=True)
    return settings


def gui(args: argparse.Namespace, started: float | None = None) -> int:
    started = started or time.perf_counter()
    from app.context import open_context

    settings = gui_settings(args)
    warn_about_settings(settings)
    with open_context(settings.db_url, settings=settings) as ctx:
        if args.demo:
            ensure_demo_data(ctx, args.demo_orders)
            ensure_demo_printer(ctx, args.station or settings.station)
        from app.ui.app import run

        return run(ctx, args.station or settings.station, started_at=started)
