"""What must hold after a load run, checked with SQL over the real tables (each count's goal is 0).

- orders claimed twice: more than one ``claimed`` event on an order's timeline, or one order in the claim
  lists of two stations;
- oversold stock rows: a stock row with negative stock, more reserved than on hand, or a ``reserved`` figure
  out of step with the reservations that make it up; an order line reserved for more or less than it needs;
- missing / doubled events: each order's timeline holds ``received``, ``confirmed``, ``allocated``,
  ``claimed``, ``packed`` and ``labelled`` exactly once and one ``box_closed`` per closed box; its pack
  journal ticks every unit exactly once (``pack_scans`` against ``order_lines``); every parcel has exactly
  one label job and the order one packing slip job, all printed, and the printer folders hold one file per
  printed job;
- incomplete timelines: an order not ``labelled``, or whose timeline is out of order (by id and by time),
  or was packed and labelled at a station other than the one that claimed it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

# The timeline of an order a station took from ``allocated`` to ``labelled``, in order; box_closed repeats.
TIMELINE = ("received", "confirmed", "allocated", "claimed", "box_closed", "packed", "labelled")
ONCE = ("received", "confirmed", "allocated", "claimed", "packed", "labelled")


@dataclass
class Invariants:
    orders: int = 0
    claimed_twice: int = 0
    oversold_stock_rows: int = 0
    missing_events: int = 0
    doubled_events: int = 0
    incomplete_timelines: int = 0
    examples: list[str] = field(default_factory=list)  # a few named cases, for the person reading the report

    def counts(self) -> dict[str, int]:
        return {
            "orders claimed twice": self.claimed_twice,
            "oversold stock rows": self.oversold_stock_rows,
            "missing events": self.missing_events,
            "doubled events": self.doubled_events,
            "incomplete timelines": self.incomplete_timelines,
        }

    @property
    def broken(self) -> bool:
        return any(self.counts().values())

    def note(self, example: str) -> None:
        if len(self.examples) < 20:
            self.examples.append(example)


def _claimed_twice(s: Session, channel: str, claims: list[list[str]], found: Invariants) -> None:
    rows = s.execute(text(
        "SELECT o.number FROM order_events e JOIN orders o ON o.id = e.order_id "
        "WHERE o.channel = :channel AND e.kind = 'claimed' GROUP BY o.number HAVING count(*) > 1"
    ), {"channel": channel}).scalars().all()
    by_stations = Counter(number for station in claims for number in set(station))
    twice = set(rows) | {number for number, n in by_stations.items() if n > 1}
    found.claimed_twice = len(twice)
    for number in sorted(twice)[:5]:
        found.note(f"{number} claimed twice")


def _oversold(s: Session, channel: str, found: Invariants) -> None:
    stock = s.execute(text(
        "SELECT st.id FROM stock st LEFT JOIN ("
        "  SELECT stock_id, sum(quantity) AS held FROM reservations GROUP BY stock_id) r ON r.stock_id = st.id "
        "WHERE st.on_hand < 0 OR st.reserved < 0 OR st.reserved > st.on_hand OR st.reserved <> coalesce(r.held, 0)"
    )).scalars().all()
    lines = s.execute(text(
        "SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN ("
        "  SELECT line_id, sum(quantity) AS held FROM reservations GROUP BY line_id) r ON r.line_id = l.id "
        "WHERE o.channel = :channel AND coalesce(r.held, 0) <> l.quantity"
    ), {"channel": channel}).scalars().all()
    found.oversold_stock_rows = len(stock) + len(lines)
    for stock_id in stock[:3]:
        found.note(f"stock row {stock_id} oversold or out of step with its reservations")
    for line_id in lines[:3]:
        found.note(f"order line {line_id} reserved for other than its quantity")


def _events(s: Session, channel: str, printer_dir: Path | None, found: Invariants) -> None:
    counts: dict[int, Counter] = defaultdict(Counter)
    for order_id, kind, n in s.execute(text(
        "SELECT e.order_id, e.kind, count(*) FROM order_events e JOIN orders o ON o.id = e.order_id "
        "WHERE o.channel = :channel GROUP BY e.order_id, e.kind"
    ), {"channel": channel}):
        counts[order_id][kind] = n
    boxes = dict(s.execute(text(
        "SELECT b.order_id, count(*) FROM pack_boxes b JOIN orders o ON o.id = b.order_id "
        "WHERE o.channel = :channel AND b.state = 'closed' GROUP BY b.order_id"
    ), {"channel": channel}).all())
    numbers = dict(s.execute(text("SELECT id, number FROM orders WHERE channel = :channel"), {"channel": channel}).all())
    missing = doubled = 0
    for order_id, number in numbers.items():
        expected = {kind: 1 for kind in ONCE} | {"box_closed": boxes.get(order_id, 0) or 1}
        for kind, want in expected.items():
            have = counts[order_id][kind]
            if have < want:
                missing += want - have
                found.note(f"{number}: {kind} missing")
            elif have > want:
                doubled += have - want
                found.note(f"{number}: {kind} {have} times")
    # The pack journal: every unit ticked exactly once.
    for number, units, ticked, packed in s.execute(text(
        "SELECT o.number, l.units, coalesce(j.ticked, 0), l.packed FROM orders o "
        "JOIN (SELECT order_id, sum(quantity) AS units, sum(packed_quantity) AS packed FROM order_lines GROUP BY order_id) l "
        "  ON l.order_id = o.id "
        "LEFT JOIN (SELECT order_id, sum(quantity) AS ticked FROM pack_scans WHERE verdict IN ('ok', 'complete') "
        "  GROUP BY order_id) j ON j.order_id = o.id "
        "WHERE o.channel = :channel AND (coalesce(j.ticked, 0) <> l.units OR l.packed <> l.units)"
    ), {"channel": channel}):
        worst = max(units - ticked, units - packed)
        if worst > 0:
            missing += worst
            found.note(f"{number}: {worst} of {units} units not ticked in the pack journal")
        else:
            doubled += max(ticked - units, packed - units)
            found.note(f"{number}: units ticked {ticked} / packed {packed} for {units}")
    # The printers: one label job per parcel and one packing slip per order, each printed once.
    jobs = s.execute(text(
        "SELECT o.number, p.id, count(j.id), sum(CASE WHEN j.state = 'done' THEN 1 ELSE 0 END) "
        "FROM parcels p JOIN orders o ON o.id = p.order_id "
        "LEFT JOIN print_jobs j ON j.parcel_id = p.id AND j.document_kind = 'label' "
        "WHERE o.channel = :channel AND NOT p.voided GROUP BY o.number, p.id"
    ), {"channel": channel}).all()
    slips = dict(s.execute(text(
        "SELECT o.number, sum(CASE WHEN j.state = 'done' THEN 1 ELSE 0 END) FROM orders o "
        "JOIN print_jobs j ON j.order_id = o.id AND j.document_kind = 'packing_slip' "
        "WHERE o.channel = :channel GROUP BY o.number"
    ), {"channel": channel}).all())
    for number, _parcel, queued, printed in jobs:
        if queued != 1 or printed != 1:
            missing += int(printed == 0)
            doubled += max(int(queued) - 1, 0)
            found.note(f"{number}: label queued {queued} times, printed {printed}")
    for order_id, number in numbers.items():
        if slips.get(number, 0) != 1:
            missing += int(not slips.get(number))
            doubled += max(int(slips.get(number) or 0) - 1, 0)
            found.note(f"{number}: packing slip printed {slips.get(number, 0)} times")
    if printer_dir is not None:
        printed = s.execute(text(
            "SELECT count(*) FROM print_jobs j JOIN orders o ON o.id = j.order_id "
            "WHERE o.channel = :channel AND j.state = 'done'"
        ), {"channel": channel}).scalar_one()
        files = sum(1 for path in printer_dir.rglob("*") if path.suffix in (".zpl", ".pdf"))
        if files != printed:
            missing += max(printed - files, 0)
            doubled += max(files - printed, 0)
            found.note(f"{files} files in the printer folders for {printed} printed jobs")
    found.missing_events, found.doubled_events = missing, doubled


def _timelines(s: Session, channel: str, found: Invariants) -> None:
    status = dict(s.execute(text("SELECT id, status FROM orders WHERE channel = :channel"), {"channel": channel}).all())
    found.orders = len(status)
    timelines: dict[int, list[tuple]] = defaultdict(list)
    for order_id, event_id, at, kind, station in s.execute(text(
        "SELECT e.order_id, e.id, e.at, e.kind, e.station FROM order_events e JOIN orders o ON o.id = e.order_id "
        "WHERE o.channel = :channel ORDER BY e.order_id, e.id"
    ), {"channel": channel}):
        timelines[order_id].append((at, kind, station))
    incomplete = 0
    for order_id, current in status.items():
        events = timelines.get(order_id, [])
        kinds = [kind for _, kind, _ in events if kind in TIMELINE]
        stages = [TIMELINE.index(kind) for kind in kinds]
        in_order = stages == sorted(stages) and all(a[0] <= b[0] for a, b in zip(events, events[1:]))
        stations = {station for _, kind, station in events if kind in ("claimed", "box_closed", "packed", "labelled")}
        complete = set(kinds) == set(TIMELINE)
        if current != "labelled" or not complete or not in_order or len(stations) != 1:
            incomplete += 1
            found.note(f"order id {order_id}: {current}, timeline {kinds}, stations {sorted(map(str, stations))}")
    found.incomplete_timelines = incomplete


def check(s: Session, channel: str, claims: list[list[str]], printer_dir: Path | None = None) -> Invariants:
    """Every invariant over the orders of ``channel``; ``claims`` are the order numbers each station claimed."""
    found = Invariants()
    _claimed_twice(s, channel, claims, found)
    _oversold(s, channel, found)
    _events(s, channel, printer_dir, found)
    _timelines(s, channel, found)
    return found
