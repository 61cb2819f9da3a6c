"""Move demo orders on from ``allocated`` to the later stages, in bulk.

A million demo orders cannot each walk through the pick, pack and label screens in three minutes,
so the older ones are moved on here with the same lifecycle (every step checked against
``app.domain.lifecycle``), the same event kinds and the same stock bookkeeping that the stage
services use: reserved stock leaves the shelf when the parcel ships.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import bindparam, delete, func, insert, select, update

from app.context import Context
from app.domain import lifecycle as lc
from db.models import Order, OrderEvent, OrderLine, Reservation, Station, Stock, User

# The path an order walks, and the event each step writes.
PATH = (lc.PICKING, lc.PICKED, lc.PACKING, lc.PACKED, lc.LABELLED, lc.SHIPPED, lc.DELIVERED)
for _a, _b in zip((lc.ALLOCATED, *PATH), PATH):
    assert lc.can_move(_a, _b), (_a, _b)
assert lc.can_move(lc.DELIVERED, lc.RETURNED) and lc.can_move(lc.ALLOCATED, lc.CANCELLED)

# Where orders end up, by age (share of the allocated orders, oldest first).
TARGETS = (
    (0.50, lc.DELIVERED),
    (0.76, lc.SHIPPED),
    (0.80, lc.LABELLED),
    (0.81, lc.PACKED),
    (0.815, lc.PACKING),
    (0.84, lc.PICKED),
    (0.85, lc.PICKING),
)
STEP_MINUTES = {lc.PICKING: 40, lc.PICKED: 15, lc.PACKING: 20, lc.PACKED: 3, lc.LABELLED: 1, lc.SHIPPED: 300, lc.DELIVERED: 2400}
CHUNK = 20_000


def advance_demo_orders(ctx: Context, seed: int, now: datetime, progress: Callable[[str, int, int], None] | None = None) -> None:
    rng = random.Random(seed * 104729)
    with ctx.sessions() as s:
        ids = [row for row in s.execute(
            select(Order.id, Order.placed_at, Order.warehouse_id).where(Order.status == lc.ALLOCATED).order_by(Order.id)
        )]
        stations: dict[int, list[tuple[int, str]]] = {}
        for sid, name, wid in s.execute(select(Station.id, Station.name, Station.warehouse_id)):
            stations.setdefault(wid, []).append((sid, name))
        packers = [u for (u,) in s.execute(select(User.username).where(User.role == "packer").order_by(User.id))]
    total = len(ids)
    for start in range(0, total, CHUNK):
        chunk = ids[start : start + CHUNK]
        plan = []
        for offset, (order_id, placed_at, warehouse_id) in enumerate(chunk):
            share = (start + offset) / max(total, 1)
            target = next((status for limit, status in TARGETS if share < limit), lc.ALLOCATED)
            if target == lc.ALLOCATED and rng.random() < 0.01:
                target = lc.CANCELLED
            if target == lc.DELIVERED and rng.random() < 0.03:
                target = lc.RETURNED
            if target != lc.ALLOCATED:
                plan.append((order_id, placed_at, warehouse_id, target))
        _apply(ctx, plan, stations, packers, rng, now)
        if progress:
            progress("stages", min(start + CHUNK, total), total)


def _apply(ctx: Context, plan: list[tuple[int, datetime, int, str]], stations, packers, rng: random.Random, now: datetime) -> None:
    if not plan:
        return
    order_updates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    picked_ids, packed_ids, consumed_ids, released_ids = [], [], [], []
    for order_id, placed_at, warehouse_id, target in plan:
        station_id, station = rng.choice(stations.get(warehouse_id) or [(None, None)])
        user = rng.choice(packers) if packers else None
        at = placed_at + timedelta(minutes=30)
        if target == lc.CANCELLED:
            events.append(_event(order_id, at, "cancelled", None, "super1", reason="customer asked to cancel", previous=lc.ALLOCATED))
            order_updates.append({"oid": order_id, "new_status": lc.CANCELLED, "new_station": None})
            released_ids.append(order_id)
            continue
        walk = PATH[: PATH.index(lc.DELIVERED if target == lc.RETURNED else target) + 1]
        previous = lc.ALLOCATED
        for status in walk:
            at += timedelta(minutes=STEP_MINUTES[status] * (0.5 + rng.random()))
            at = min(at, now)
            kind = {lc.PICKING: "picking", lc.PACKING: "claimed"}.get(status, status)
            who = "carrier" if status == lc.DELIVERED else user
            where = station if status not in (lc.SHIPPED, lc.DELIVERED) else None
            data: dict[str, Any] = {"previous": previous}
            if status == lc.DELIVERED:
                data["signed_by"] = "recipient"
            events.append(_event(order_id, at, kind, where, who, **data))
            previous = status
        if target == lc.RETURNED:
            at += timedelta(days=2)
            events.append(_event(order_id, min(at, now), "returned", "STATION-1", "service1", reason="changed mind", previous=lc.DELIVERED))
        holds = target in (lc.PICKING, lc.PICKED, lc.PACKING, lc.PACKED, lc.LABELLED)
        order_updates.append({"oid": order_id, "new_status": target, "new_station": station_id if holds else None})
        if PATH.index(walk[-1]) >= PATH.index(lc.PICKED):
            picked_ids.append(order_id)
        if PATH.index(walk[-1]) >= PATH.index(lc.PACKED):
            packed_ids.append(order_id)
        if PATH.index(walk[-1]) >= PATH.index(lc.SHIPPED):
            consumed_ids.append(order_id)

    with ctx.sessions() as s, s.begin():
        table = Order.__table__
        s.execute(
            update(table).where(table.c.id == bindparam("oid")).values(
                status=bindparam("new_status"), station_id=bindparam("new_station"), version=table.c.version + 1
            ),
            order_updates,
        )
        lines = OrderLine.__table__
        for ids, column in ((picked_ids, "picked_quantity"), (packed_ids, "packed_quantity")):
            for part in _parts(ids):
                s.execute(update(lines).where(lines.c.order_id.in_(part)).values({column: lines.c.quantity}))
        _settle_stock(s, consumed_ids, ship=True)
        _settle_stock(s, released_ids, ship=False)
        s.execute(insert(OrderEvent.__table__), events)


def _settle_stock(session, order_ids: list[int], ship: bool) -> None:
    """Shipped: the reserved units leave the shelf. Cancelled: they go back to being free."""
    for part in _parts(order_ids):
        per_stock = dict(
            session.execute(
                select(Reservation.stock_id, func.sum(Reservation.quantity))
                .where(Reservation.order_id.in_(part))
                .group_by(Reservation.stock_id)
            ).all()
        )
        if per_stock:
            stock = Stock.__table__
            values = {"reserved": stock.c.reserved - bindparam("qty")}
            if ship:
                values["on_hand"] = stock.c.on_hand - bindparam("qty")
            session.execute(
                update(stock).where(stock.c.id == bindparam("sid")).values(values),
                [{"sid": sid, "qty": int(qty)} for sid, qty in per_stock.items()],
            )
        session.execute(delete(Reservation.__table__).where(Reservation.__table__.c.order_id.in_(part)))


def _parts(ids: list[int], size: int = 900):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _event(order_id: int, at: datetime, kind: str, station: str | None, user: str | None, **data: Any) -> dict[str, Any]:
    return {"order_id": order_id, "at": at, "kind": kind, "station": station, "user": user, "location": None, "data": data}
