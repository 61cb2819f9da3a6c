"""Two stations confirming at once never oversell (PostgreSQL row locks, SQLite's writer lock)."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select

from app.config import Settings
from app.context import open_context
from app.intake.service import import_records
from db.models import Order, Stock
from tests.helpers.reference import seed_small_warehouse
from tests.intake.test_service import incoming


def _import(url: str, prefix: str, count: int, start: multiprocessing.synchronize.Event) -> None:
    ctx = open_context(url, migrate_schema=False)
    start.wait(30)
    # Small batches, so the two importers interleave many transactions.
    for i in range(count):
        import_records(ctx.sessions, Settings(), [incoming(f"{prefix}{i}", [("LAMP", 1, 9900), ("MUG", 1, 1500)])])
    ctx.dispose()


def test_two_importers_at_once_never_oversell(ctx, db_url):
    seed_small_warehouse(ctx)
    mp = multiprocessing.get_context("spawn")
    start = mp.Event()
    workers = [mp.Process(target=_import, args=(db_url, prefix, 8, start)) for prefix in ("a", "b")]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with ctx.sessions() as s:
        allocated = s.scalar(select(func.count()).select_from(Order).where(Order.status == "allocated"))
        backordered = s.scalar(select(func.count()).select_from(Order).where(Order.status == "backordered"))
        assert allocated == 2 and backordered == 14  # two lamps on the shelf, sixteen orders wanting one
        for stock in s.scalars(select(Stock)):
            assert 0 <= stock.reserved <= stock.on_hand
