"""The management reports (seed 5.1). Each is ``fn(session, date_from, date_to) -> ReportResult``; the ones
over the timeline read the rollups of :mod:`app.reports.rollup` (refreshed first), the others are single
indexed aggregates, so every report stays well under two seconds over a million orders.

Periods are half-open ``[date_from, date_to)`` in UTC; ``None`` means unbounded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from app.domain import lifecycle as lc
from app.reports import rollup
from app.reports.model import Chart, Column, ReportResult
from db.models import Order

STAGES = rollup.STAGES
WRONG_VERDICTS = ("refused", "not_understood")
PICK_KINDS = ("picked",)
PACK_KINDS = ("packed",)
ITEM_PICK_KINDS = ("item_picked",)
SHORTAGE_KINDS = ("shortage",)


def _s(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _hour_text(hour: int) -> str:
    return datetime.fromtimestamp(hour * 3600, UTC).strftime("%Y-%m-%d %H:00")


def _hour_range(date_from: datetime | None, date_to: datetime | None) -> tuple[str, dict[str, Any]]:
    conds, params = [], {}
    if date_from is not None:
        conds.append("hour >= :h0")
        params["h0"] = _s(date_from) // 3600  # type: ignore[operator]
    if date_to is not None:
        conds.append("hour < :h1")
        params["h1"] = -(-_s(date_to) // 3600)  # type: ignore[operator]
    return (" AND " + " AND ".join(conds)) if conds else "", params


def _refresh(session: Session) -> None:
    # Reports only read: committing the rollup chunk by chunk keeps a first back-fill from locking writers out.
    rollup.refresh(session, commit_chunks=True)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


# --- orders per hour -----------------------------------------------------------------------------------

def orders_per_hour(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    _refresh(session)
    where, params = _hour_range(date_from, date_to)
    rows = session.execute(text(
        f"SELECT hour, SUM(n) FROM report_hourly WHERE kind = 'received'{where} GROUP BY hour ORDER BY hour"
    ), params).all()
    counts = {int(h): int(n) for h, n in rows}
    out = []
    if counts:
        first, last = min(counts), max(counts)
        if last - first <= 24 * 400:  # fill the quiet hours so the chart keeps its time axis honest
            out = [{"hour": _hour_text(h), "orders": counts.get(h, 0)} for h in range(first, last + 1)]
        else:
            out = [{"hour": _hour_text(h), "orders": n} for h, n in sorted(counts.items())]
    notes = []
    if out:
        peak = max(out, key=lambda r: r["orders"])
        total = sum(r["orders"] for r in out)
        notes.append(f"{total} orders over {len(out)} hours; peak {peak['orders']} orders in the hour from {peak['hour']}")
    return ReportResult(
        "orders_per_hour", "Orders per hour", [Column("hour", "Hour", "UTC", time=True), Column("orders", "Orders")], out,
        Chart("line", "hour", ("orders",), "Orders received per hour", "orders", whole=True), notes,
    )


# --- backlog by status ---------------------------------------------------------------------------------

def backlog(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    stmt = select(Order.status, func.count()).group_by(Order.status)
    if date_from is not None:
        stmt = stmt.where(Order.placed_at >= date_from)
    if date_to is not None:
        stmt = stmt.where(Order.placed_at < date_to)
    counts = dict(session.execute(stmt).all())
    open_statuses = [s for s in lc.STATUSES if s not in (lc.DELIVERED, lc.CANCELLED, lc.RETURNED, lc.SHIPPED)]
    rows = [{"status": s, "orders": int(counts.get(s, 0)), "open": s in open_statuses} for s in lc.STATUSES]
    waiting = sum(r["orders"] for r in rows if r["open"])
    rows_open = [r for r in rows if r["open"]]
    top = max(rows_open, key=lambda r: r["orders"]) if rows_open else None
    notes = [f"{waiting} orders not yet shipped"]
    if top and top["orders"]:
        notes.append(f"most of them are {top['status']} ({top['orders']})")
    return ReportResult(
        "backlog", "Backlog by status",
        [Column("status", "Status"), Column("orders", "Orders"), Column("open", "Not yet shipped")], rows,
        Chart("bar", "status", ("orders",), "Orders by status", "orders", whole=True), notes,
    )


# --- time in each stage --------------------------------------------------------------------------------

def _stage_sums(session: Session, date_from: datetime | None, date_to: datetime | None,
                peak: list[int] | None = None) -> dict[tuple[int, int], tuple[int, int]]:
    """(peak flag, stage) -> (orders, total seconds) over the orders placed in the period."""
    where, params = _hour_range(date_from, date_to)
    flag = f"CASE WHEN hour IN ({', '.join(str(h) for h in peak)}) THEN 1 ELSE 0 END" if peak else "0"
    rows = session.execute(text(
        f"SELECT {flag}, stage, SUM(n), SUM(total_s) FROM report_stage_hourly WHERE 1 = 1{where} GROUP BY "
        + (f"{flag}, stage" if peak else "stage")
    ), params).all()
    return {(int(f), int(st)): (int(n), int(t)) for f, st, n, t in rows}


def stage_times(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    _refresh(session)
    sums = _stage_sums(session, date_from, date_to)
    rows = []
    for i, (name, _a, _b, inside) in enumerate(STAGES):
        n, total = sums.get((0, i), (0, 0))
        avg = total / n if n else None
        rows.append({"stage": name, "orders": n, "avg_minutes": round(avg / 60, 1) if avg is not None else None,
                     "avg_hours": round(avg / 3600, 2) if avg is not None else None, "in_warehouse": inside})
    inside = [r for r in rows if r["in_warehouse"] and r["avg_minutes"] is not None]
    notes = ["orders placed in the period; a stage counts the orders that went through it"]
    if inside:
        slow = max(inside, key=lambda r: r["avg_minutes"])
        notes.append(f"in the warehouse, orders spend the longest {slow['stage']} ({slow['avg_minutes']} min on average)")
    return ReportResult(
        "stage_times", "Time spent in each stage",
        [Column("stage", "Stage"), Column("orders", "Orders"), Column("avg_minutes", "Average", "min"),
         Column("avg_hours", "Average", "h")], rows,
        Chart("hbar", "stage", ("avg_minutes",), "Average time in each stage in the warehouse", "minutes", "in_warehouse"), notes,
    )


# --- picks and packs per person per hour -------------------------------------------------------------

def productivity(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    _refresh(session)
    where, params = _hour_range(date_from, date_to)
    kinds = PICK_KINDS + PACK_KINDS + ITEM_PICK_KINDS
    rows = session.execute(text(f"""
        SELECT "user",
               SUM(CASE WHEN kind IN {_in(PICK_KINDS)} THEN n ELSE 0 END),
               SUM(CASE WHEN kind IN {_in(PACK_KINDS)} THEN n ELSE 0 END),
               SUM(CASE WHEN kind IN {_in(ITEM_PICK_KINDS)} THEN n ELSE 0 END),
               COUNT(DISTINCT hour)
        FROM report_hourly
        WHERE kind IN {_in(kinds)} AND "user" <> '' AND "user" NOT LIKE 'carrier%'{where}
        GROUP BY "user" ORDER BY "user"
    """), params).all()
    out = []
    for user, picks, packs, items, hours in rows:
        hours = int(hours) or 1
        out.append({"user": user, "picks": int(picks), "packs": int(packs), "item_picks": int(items), "hours": hours,
                    "picks_per_hour": round(int(picks) / hours, 2), "packs_per_hour": round(int(packs) / hours, 2)})
    notes = ["an hour counts when the person picked or packed at least once in it; picks and packs are orders"]
    if out:
        best = max(out, key=lambda r: r["picks_per_hour"] + r["packs_per_hour"])
        notes.append(f"highest pace: {best['user']} ({best['picks_per_hour']} picks, {best['packs_per_hour']} packs an hour)")
    return ReportResult(
        "productivity", "Picks and packs per person per hour",
        [Column("user", "Person"), Column("picks", "Orders picked"), Column("packs", "Orders packed"),
         Column("item_picks", "Item picks"), Column("hours", "Active hours"), Column("picks_per_hour", "Picks / hour"),
         Column("packs_per_hour", "Packs / hour")], out,
        Chart("bar", "user", ("picks_per_hour", "packs_per_hour"), "Picks and packs per person per hour", "per hour"), notes,
    )


# --- wrong scans and short picks -------------------------------------------------------------------------

def scan_quality(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    _refresh(session)
    from db.models.packing import PackScan

    stmt = select(
        PackScan.station, func.count(),
        func.sum(case((PackScan.verdict.in_(WRONG_VERDICTS), 1), else_=0)),
    ).group_by(PackScan.station).order_by(PackScan.station)
    if date_from is not None:
        stmt = stmt.where(PackScan.at >= date_from)
    if date_to is not None:
        stmt = stmt.where(PackScan.at < date_to)
    rows = []
    total_scans = total_wrong = 0
    for station, scans, wrong in session.execute(stmt):
        scans, wrong = int(scans), int(wrong or 0)
        total_scans += scans
        total_wrong += wrong
        rows.append({"what": f"wrong scans at {station}", "count": wrong, "out_of": scans,
                     "rate_percent": round(100 * wrong / scans, 2) if scans else None})
    rows.insert(0, {"what": "wrong scans (all stations)", "count": total_wrong, "out_of": total_scans,
                    "rate_percent": round(100 * total_wrong / total_scans, 2) if total_scans else None})
    where, params = _hour_range(date_from, date_to)
    short, items, picked = session.execute(text(f"""
        SELECT COALESCE(SUM(CASE WHEN kind IN {_in(SHORTAGE_KINDS)} THEN n END), 0),
               COALESCE(SUM(CASE WHEN kind IN {_in(ITEM_PICK_KINDS)} THEN n END), 0),
               COALESCE(SUM(CASE WHEN kind IN {_in(PICK_KINDS)} THEN n END), 0)
        FROM report_hourly WHERE kind IN {_in(SHORTAGE_KINDS + ITEM_PICK_KINDS + PICK_KINDS)}{where}
    """), params).one()
    short, items, picked = int(short), int(items), int(picked)
    rows.insert(1, {"what": "short picks (of pick lines)", "count": short, "out_of": items + short,
                    "rate_percent": round(100 * short / (items + short), 2) if items + short else None})
    rows.insert(2, {"what": "short picks (of orders picked)", "count": short, "out_of": picked + short,
                    "rate_percent": round(100 * short / (picked + short), 2) if picked + short else None})
    notes = ["a wrong scan is a scan the pack service refused or did not understand",
             "a short pick is a pick line whose bin held fewer units than the order needed"]
    return ReportResult(
        "scan_quality", "Wrong-scan and short-pick rates",
        [Column("what", "Measure"), Column("count", "Count"), Column("out_of", "Out of"), Column("rate_percent", "Rate", "%")],
        rows, Chart("hbar", "what", ("rate_percent",), "Wrong-scan and short-pick rates", "%"), notes,
    )


# --- where the peak bottleneck is -----------------------------------------------------------------------

def bottleneck(session: Session, date_from: datetime | None, date_to: datetime | None, peak_share: float = 0.1) -> ReportResult:
    """Orders placed in the busiest hours (the top ``peak_share`` of hours by orders received) against the rest:
    which stage holds them longest, and which slows down most."""
    _refresh(session)
    where, params = _hour_range(date_from, date_to)
    hours = session.execute(text(
        f"SELECT hour, SUM(n) AS n FROM report_hourly WHERE kind = 'received'{where} GROUP BY hour ORDER BY n DESC, hour"
    ), params).all()
    columns = [Column("stage", "Stage"), Column("peak_minutes", "Peak hours", "min"),
               Column("other_minutes", "Other hours", "min"), Column("slowdown", "Peak / other"),
               Column("bottleneck", "Bottleneck")]
    chart = Chart("hbar", "stage", ("peak_minutes", "other_minutes"), "Time in each warehouse stage: peak hours against the rest",
                  "minutes", "in_warehouse")
    if not hours:
        return ReportResult("bottleneck", "Where the peak bottleneck is", columns, [], chart, ["no orders in the period"])
    count = max(1, int(len(hours) * peak_share))
    peak = [int(h) for h, _n in hours[:count]]
    threshold = int(hours[count - 1][1])
    sums = _stage_sums(session, date_from, date_to, peak)
    rows = []
    for i, (name, _a, _b, inside) in enumerate(STAGES):
        def avg(flag: int) -> float | None:
            n, total = sums.get((flag, i), (0, 0))
            return round(total / n / 60, 1) if n else None
        p, o = avg(1), avg(0)
        rows.append({"stage": name, "peak_minutes": p, "other_minutes": o,
                     "slowdown": round(p / o, 2) if p is not None and o else None, "bottleneck": "", "in_warehouse": inside})
    inside_rows = [r for r in rows if r["in_warehouse"] and r["peak_minutes"] is not None]
    notes = [f"peak hours: the busiest {count} of {len(hours)} hours (at least {threshold} orders an hour)"]
    if inside_rows:
        worst = max(inside_rows, key=lambda r: r["peak_minutes"])
        worst["bottleneck"] = "longest"
        notes.append(f"at peak, orders wait longest {worst['stage']}: {worst['peak_minutes']} min on average"
                     + (f" ({worst['slowdown']}x the other hours)" if worst["slowdown"] else ""))
        slowed = [r for r in inside_rows if r["slowdown"]]
        if slowed:
            most = max(slowed, key=lambda r: r["slowdown"])
            if most is not worst:
                most["bottleneck"] = "slows most"
            notes.append(f"the stage that slows most at peak is {most['stage']} ({most['slowdown']}x)")
    return ReportResult("bottleneck", "Where the peak bottleneck is", columns, rows, chart, notes)


# --- surveys and returns ----------------------------------------------------------------------------------

def survey_scores(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    from app.aftersales.surveys import QUESTIONS, scores

    result = scores(session, date_from, date_to)
    names = {"product": "product", "delivery": "delivery speed", "service": "service"}
    rows = []
    for q in QUESTIONS:
        dist = result.distribution[q]
        rows.append({"question": names[q], "answers": sum(dist), "average": result.averages[q],
                     **{f"s{i + 1}": dist[i] for i in range(5)}})
    notes = [f"{result.answers} answers"]
    if result.by_product:
        worst = result.by_product[0]
        notes.append(f"lowest product score: {worst[0]} {worst[1]} ({worst[3]} from {worst[2]} answers)")
    return ReportResult(
        "survey_scores", "Satisfaction survey scores",
        [Column("question", "Question"), Column("answers", "Answers"), Column("average", "Average (1-5)"),
         *[Column(f"s{i}", f"{i}★") for i in range(1, 6)]], rows,
        Chart("bar", "question", ("average",), "Average score by question", "score (1-5)"), notes,
    )


def product_scores(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    from app.aftersales.surveys import scores

    result = scores(session, date_from, date_to)
    rows = [{"sku": sku, "name": name, "answers": n, "average": avg} for sku, name, n, avg in result.by_product]
    return ReportResult(
        "product_scores", "Product scores by SKU",
        [Column("sku", "SKU"), Column("name", "Product"), Column("answers", "Answers"), Column("average", "Average (1-5)")],
        rows, Chart("hbar", "sku", ("average",), "Average product score", "score (1-5)"),
        ["lowest first; an answer about a whole order scores every product on it"],
    )


def returns_summary(session: Session, date_from: datetime | None, date_to: datetime | None) -> ReportResult:
    from db.models.aftersales import Return

    stmt = select(Return.reason, Return.kind, func.count(), func.coalesce(func.sum(Return.refund_cents), 0)).group_by(
        Return.reason, Return.kind).order_by(func.count().desc())
    if date_from is not None:
        stmt = stmt.where(Return.requested_at >= date_from)
    if date_to is not None:
        stmt = stmt.where(Return.requested_at < date_to)
    rows = [{"reason": r, "kind": k, "returns": int(n), "refunded_cents": int(c)} for r, k, n, c in session.execute(stmt)]
    return ReportResult(
        "returns", "Returns and exchanges by reason",
        [Column("reason", "Reason"), Column("kind", "Kind"), Column("returns", "Returns"), Column("refunded_cents", "Refunded", "cents")],
        rows, Chart("hbar", "reason", ("returns",), "Returns by reason", "returns", whole=True),
        [f"{sum(r['returns'] for r in rows)} returns, {sum(r['refunded_cents'] for r in rows) / 100:.2f} refunded"],
    )


REPORTS: dict[str, tuple[str, Callable[[Session, datetime | None, datetime | None], ReportResult]]] = {
    "orders_per_hour": ("Orders per hour", orders_per_hour),
    "backlog": ("Backlog by status", backlog),
    "stage_times": ("Time spent in each stage", stage_times),
    "productivity": ("Picks and packs per person per hour", productivity),
    "scan_quality": ("Wrong-scan and short-pick rates", scan_quality),
    "bottleneck": ("Where the peak bottleneck is", bottleneck),
    "survey_scores": ("Satisfaction survey scores", survey_scores),
    "product_scores": ("Product scores by SKU", product_scores),
    "returns": ("Returns and exchanges by reason", returns_summary),
}
