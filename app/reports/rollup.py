"""Incremental rollups of the timeline, so that reports over a million orders answer at once.

Two tables are kept up to date from ``order_events`` (append-only, so a high-water mark on its id is enough):

* ``report_order_facts``: one row an order, the first time it reached each milestone (epoch seconds);
* ``report_hourly``: events counted by hour, kind and user;
* ``report_stage_hourly``: time in each stage summed over the orders placed in each hour (recomputed for
  the hours whose orders moved on).

:func:`refresh` reads the events added since the last call (the watermark in ``report_watermarks``), in
chunks, in one transaction that holds the watermark row locked (PostgreSQL ``FOR UPDATE``; SQLite's writer
lock), so two stations refreshing at once never count an event twice. The first refresh of a big database
reads every event once (a one-off back-fill); after that each refresh reads only what is new. Reports call
it first, so they are never stale. :func:`rebuild` starts again from nothing.

Known limit: on PostgreSQL an event whose transaction commits after a later-numbered event was already rolled
up is missed until :func:`rebuild` (ids are handed out at insert, not at commit); the services write events in
short transactions, so the window is a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.base import utcnow

WATERMARK = "order_events"
CHUNK = 200_000

# (stage name, from milestone, to milestone, in the warehouse's hands)
STAGES = (
    ("intake", "placed_s", "received_s", True),
    ("confirmation", "received_s", "allocated_s", True),
    ("waiting for a picker", "allocated_s", "picking_s", True),
    ("picking", "picking_s", "picked_s", True),
    ("waiting for a packer", "picked_s", "packing_s", True),
    ("packing", "packing_s", "packed_s", True),
    ("labelling", "packed_s", "labelled_s", True),
    ("waiting for the carrier", "labelled_s", "shipped_s", True),
    ("in transit", "shipped_s", "delivered_s", False),
)

# Fact column <- the event kinds that mark the milestone.
MILESTONES: dict[str, tuple[str, ...]] = {
    "received_s": ("received",),
    "allocated_s": ("allocated",),
    "picking_s": ("picking",),
    "picked_s": ("picked",),
    "packing_s": ("claimed", "packing"),
    "packed_s": ("packed",),
    "labelled_s": ("labelled",),
    "shipped_s": ("shipped",),
    "delivered_s": ("delivered",),
}


def epoch(dialect: str, column: str) -> str:
    """SQL for a UTC timestamp column as whole epoch seconds."""
    if dialect == "sqlite":
        return f"CAST(strftime('%s', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@dataclass
class RefreshResult:
    events: int
    last_id: int


def _lock_watermark(session: Session) -> int:
    dialect = _dialect(session)
    session.execute(
        text("INSERT INTO report_watermarks (name, last_id, updated_at) VALUES (:n, 0, :t) ON CONFLICT (name) DO NOTHING"),
        {"n": WATERMARK, "t": utcnow()},
    )
    lock = " FOR UPDATE" if dialect == "postgresql" else ""
    return int(session.execute(text(f"SELECT last_id FROM report_watermarks WHERE name = :n{lock}"), {"n": WATERMARK}).scalar_one())


def refresh(session: Session, chunk: int = CHUNK, commit_chunks: bool = False) -> RefreshResult:
    """Roll up the events added since the last refresh. The caller commits; with ``commit_chunks`` each chunk
    is committed as it is done (the session must hold nothing else), so a long back-fill never holds the
    database's write lock for more than one chunk and a killed back-fill keeps what it did."""
    dialect = _dialect(session)
    last = _lock_watermark(session)
    top = session.execute(text("SELECT max(id) FROM order_events")).scalar() or 0
    if top <= last:
        return RefreshResult(0, last)
    kinds = sorted({k for ks in MILESTONES.values() for k in ks})
    kind_list = ", ".join(f"'{k}'" for k in kinds)
    at = epoch(dialect, "e.at")
    columns = list(MILESTONES)
    picks_named = ",\n".join(
        f"MIN(CASE WHEN e.kind IN ({', '.join(repr(k) for k in MILESTONES[c])}) THEN {at} END) AS {c}" for c in columns
    )
    keep_min = ", ".join(
        f"{c} = CASE WHEN report_order_facts.{c} IS NULL OR excluded.{c} < report_order_facts.{c} "
        f"THEN excluded.{c} ELSE report_order_facts.{c} END" for c in columns
    )
    # Milestones per order first, then one join to orders for the placing time (not one join per event).
    facts_sql = text(f"""
        INSERT INTO report_order_facts (order_id, placed_s, {', '.join(columns)})
        SELECT a.order_id, {epoch(dialect, 'o.placed_at')}, {', '.join('a.' + c for c in columns)}
        FROM (
            SELECT e.order_id AS order_id, {picks_named}
            FROM order_events e
            WHERE e.id > :lo AND e.id <= :hi AND e.kind IN ({kind_list})
            GROUP BY e.order_id
        ) a JOIN orders o ON o.id = a.order_id
        WHERE 1 = 1
        ON CONFLICT (order_id) DO UPDATE SET {keep_min}
    """)
    hourly_sql = text(f"""
        INSERT INTO report_hourly (hour, kind, "user", n)
        SELECT {at} / 3600, e.kind, COALESCE(e."user", ''), COUNT(*)
        FROM order_events e
        WHERE e.id > :lo AND e.id <= :hi
        GROUP BY 1, 2, 3
        ON CONFLICT (hour, kind, "user") DO UPDATE SET n = report_hourly.n + excluded.n
    """)
    touched_sql = text(f"""
        SELECT DISTINCT f.placed_s / 3600 FROM report_order_facts f
        WHERE f.placed_s IS NOT NULL AND f.order_id IN (
            SELECT e.order_id FROM order_events e WHERE e.id > :lo AND e.id <= :hi AND e.kind IN ({kind_list}))
    """)
    mark = text("UPDATE report_watermarks SET last_id = :hi, updated_at = :t WHERE name = :n")
    done = 0
    lo = last
    while lo < top:
        hi = min(lo + chunk, top)
        session.execute(facts_sql, {"lo": lo, "hi": hi})
        session.execute(hourly_sql, {"lo": lo, "hi": hi})
        _restage(session, {int(h) for (h,) in session.execute(touched_sql, {"lo": lo, "hi": hi})})
        session.execute(mark, {"hi": hi, "t": utcnow(), "n": WATERMARK})
        done += hi - lo
        lo = hi
        if commit_chunks and lo < top:
            session.commit()
            lo = max(lo, _lock_watermark(session))  # another station may have moved on meanwhile
    return RefreshResult(done, top)


def stage_aggregates_sql() -> str:
    """COUNT and SUM of each stage's duration (to-milestone minus from-milestone), in STAGES order."""
    return ", ".join(f"COUNT({b} - {a}), SUM({b} - {a})" for _name, a, b, _inside in STAGES)


def _ranges(hours: set[int]) -> list[tuple[int, int]]:
    """Sorted hours as contiguous [first, last] runs."""
    runs: list[tuple[int, int]] = []
    for h in sorted(hours):
        if runs and h == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], h)
        else:
            runs.append((h, h))
    return runs


def _restage(session: Session, hours: set[int]) -> None:
    """Recompute the stage sums of the placed-hours whose orders gained a milestone."""
    if not hours:
        return
    select_sql = text(
        f"SELECT placed_s / 3600, {stage_aggregates_sql()} FROM report_order_facts "
        f"WHERE placed_s >= :s0 AND placed_s < :s1 GROUP BY placed_s / 3600"
    )
    delete_sql = text("DELETE FROM report_stage_hourly WHERE hour >= :h0 AND hour <= :h1")
    insert_sql = text("INSERT INTO report_stage_hourly (hour, stage, n, total_s) VALUES (:hour, :stage, :n, :total)")
    for h0, h1 in _ranges(hours):
        session.execute(delete_sql, {"h0": h0, "h1": h1})
        rows = []
        for row in session.execute(select_sql, {"s0": h0 * 3600, "s1": (h1 + 1) * 3600}):
            for i in range(len(STAGES)):
                n, total = row[1 + 2 * i], row[2 + 2 * i]
                if n:
                    rows.append({"hour": int(row[0]), "stage": i, "n": int(n), "total": int(total)})
        if rows:
            session.execute(insert_sql, rows)


def rebuild(session: Session) -> RefreshResult:
    """Forget the rollups and read every event again. The caller commits."""
    _lock_watermark(session)
    session.execute(text("DELETE FROM report_order_facts"))
    session.execute(text("DELETE FROM report_hourly"))
    session.execute(text("DELETE FROM report_stage_hourly"))
    session.execute(text("UPDATE report_watermarks SET last_id = 0 WHERE name = :n"), {"n": WATERMARK})
    return refresh(session)
