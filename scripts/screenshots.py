#!/usr/bin/env python3
"""Save a screenshot of every screen of the station, in English and in Simplified Chinese.

    scripts/screenshots.py [--out DIR] [--db URL] [--orders N]

Runs offscreen on a fresh demo database (``app.demo.seed.seed``) unless ``--db`` names one
that already has demo data. Writes DIR/<language>/<NN-screen>.png (default DIR: out/screenshots).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    parser.add_argument("--db", help="a database with demo data (default: a fresh temporary SQLite file)")
    parser.add_argument("--orders", type=int, default=1500, help="demo orders to seed (default 1500)")
    parser.add_argument("--languages", default="en,zh_CN")
    args = parser.parse_args(argv)

    from app.config import Settings
    from app.context import open_context

    tmp = None
    if args.db:
        url = args.db
    else:
        tmp = tempfile.TemporaryDirectory(prefix="station-shots-")
        url = f"sqlite:///{tmp.name}/demo.db"
    ctx = open_context(url, settings=Settings(db_url=url), migrate_schema=url.startswith("sqlite") or None)
    from app.cli.gui_commands import ensure_demo_data

    ensure_demo_data(ctx, args.orders)
    saved = []
    try:
        saved = shoot(ctx, args.out, args.languages.split(","))
    finally:
        ctx.dispose()
        if tmp is not None:
            tmp.cleanup()
    for path in saved:
        print(path)
    return 0


def shoot(ctx, out: Path, languages: list[str]) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from app.orders.claim import claim_next
    from app.orders.supervision import reassign_station
    from app.ui.app import build_window, create_application, install_language, normalise_language
    from app.uow import Actor

    app = create_application(language="en")
    saved: list[Path] = []

    def settle(window) -> None:
        for _ in range(5):
            app.processEvents()

    def grab(window, folder: Path, name: str) -> None:
        settle(window)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(list(folder.glob('*.png'))) + 1:02d}-{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    for language in languages:
        language = normalise_language(language)
        install_language(app, language)
        ctx.settings.language = language
        folder = out / language
        for old in folder.glob("*.png") if folder.exists() else ():
            old.unlink()
        window = build_window(ctx, "STATION-1", language, devices=False)
        window.resize(1440, 900)
        window.show()
        grab(window, folder, "login")

        window.handle_scan("BADGE-PACKER-1")
        queue = window.screens["queue"]
        queue.next_order()
        grab(window, folder, "packer-queue")
        if "pack" in window.screens:
            window.open_screen("pack")
            grab(window, folder, "pack")
        if "pick" in window.screens:
            window.open_screen("pick")
            grab(window, folder, "pick")
        # A supervisor takes the order away: the packer is told at once.
        if queue.current_number:
            reassign_station(ctx.sessions, queue.current_number, "STATION-2", Actor("STATION-9", "super1", "supervisor"))
            window.open_screen("queue")
            queue._load_current()
            grab(window, folder, "packer-order-taken-away")
        window.logout()

        window.handle_scan("BADGE-SUPER-1")
        claim_next(ctx.sessions, "STATION-3", Actor("STATION-3", "packer3", "packer"))
        for name in window.screens:
            if name == "queue":
                continue
            window.open_screen(name)
            grab(window, folder, name)
        window.open_screen("queue")
        view = window.screens["queue"].view
        view.priority.setCurrentIndex(view.priority.findData(2))
        grab(window, folder, "queue-urgent")
        window.logout()
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    install_language(app, "en")
    return saved


if __name__ == "__main__":
    sys.exit(main())
