"""The counts' read model: today's count plan of a warehouse, the counts waiting for a supervisor, one count's
result. Plain dataclasses for the CLI and the Counting screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.counting.service import CountResult, find_count, result_of
from app.domain import lifecycle as lc
from app.domain.countplan import BinFacts, PlannedBin, PlanRules, plan
from app.errors import NotFound
from db.models import Bin, Stock, Warehouse
from db.models.counting import StockCount, StockCountLine
from db.models.stock import StockLedgerEntry

PICKS_WINDOW_DAYS = 90  # how fast a bin moves: its picks (units shipped from it) in this many days


@dataclass(frozen=True)
class WaitingCount:
    number: str
    bin: str
    warehouse: str
    station: str
    counted_by: str
    closed_at: datetime | None
    differences: int
    needing_approval: int


def count_plan(sessions: sessionmaker[Session], warehouse: str, rules: PlanRules | None = None,
               today: date | None = None) -> list[PlannedBin]:
    """The bins of ``warehouse`` to count today (:func:`app.domain.countplan.plan`): from each bin's last posted
    count, its picks in the last 90 days (ship lines on the stock ledger), whether it holds stock, and whether it
    is blocked (in quarantine, or a count of it is open)."""
    rules = rules or PlanRules()
    today = today or date.today()
    with sessions() as s:
        house = s.scalar(select(Warehouse.id).where(Warehouse.code == warehouse.strip().upper()))
        if house is None:
            raise NotFound(f"no warehouse {warehouse.strip()[:20]}")
        last = dict(s.execute(
            select(StockCount.bin_id, func.max(StockCount.closed_at))
            .where(StockCount.warehouse_id == house, StockCount.status == "posted").group_by(StockCount.bin_id)).all())
        since = datetime.combine(today - timedelta(days=PICKS_WINDOW_DAYS), time.min, tzinfo=UTC)
        picks = dict(s.execute(
            select(StockLedgerEntry.bin_id, func.count())
            .where(StockLedgerEntry.at >= since, StockLedgerEntry.warehouse_id == house,
                   StockLedgerEntry.reason == "ship").group_by(StockLedgerEntry.bin_id)).all())
        stocked = set(s.scalars(select(Stock.bin_id).where(Stock.warehouse_id == house, Stock.on_hand > 0).distinct()))
        open_bins = set(s.scalars(select(StockCount.bin_id).where(StockCount.warehouse_id == house,
                                                                   StockCount.status.in_(lc.COUNT_OPEN))))
        facts = [
            BinFacts(bin_id, code, counted.date() if (counted := last.get(bin_id)) is not None else None,
                     int(picks.get(bin_id, 0)), bin_id in stocked, bool(quarantine) or bin_id in open_bins)
            for bin_id, code, quarantine in s.execute(
                select(Bin.id, Bin.code, Bin.quarantine).where(Bin.warehouse_id == house))]
    return plan(facts, rules, today)


def waiting_counts(sessions: sessionmaker[Session]) -> list[WaitingCount]:
    """Counts waiting for a supervisor's approval, the oldest first."""
    with sessions() as s:
        differences = (select(StockCountLine.count_id, func.count().label("n"),
                              func.sum(case((StockCountLine.needs_approval, 1), else_=0)).label("flagged"))
                       .where(StockCountLine.expected != StockCountLine.counted).group_by(StockCountLine.count_id)
                       .subquery())
        rows = s.execute(
            select(StockCount.number, Bin.code, Warehouse.code, StockCount.station, StockCount.counted_by,
                   StockCount.closed_at, differences.c.n, differences.c.flagged)
            .join(Bin, Bin.id == StockCount.bin_id).join(Warehouse, Warehouse.id == StockCount.warehouse_id)
            .outerjoin(differences, differences.c.count_id == StockCount.id)
            .where(StockCount.status == "review").order_by(StockCount.closed_at, StockCount.id)).all()
    return [WaitingCount(number, bin_code, house, station, by, at, int(n or 0), int(flagged or 0))
            for number, bin_code, house, station, by, at, n, flagged in rows]


def count_result(sessions: sessionmaker[Session], number: str) -> CountResult:
    """One count with what the books said and what was counted, line by line (a supervisor's view)."""
    with sessions() as s:
        count = find_count(s, number)
        return result_of(s, count, "")

