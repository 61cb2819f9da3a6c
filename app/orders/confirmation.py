"""Confirmation (seed 2.2): stock check and reservation, then allocation to a warehouse (3.1).

Both happen in the caller's transaction. The stock rows an order needs are locked first
(``FOR UPDATE`` in id order on PostgreSQL; SQLite's write lock is taken at BEGIN IMMEDIATE), so
two stations confirming at once can never reserve the same unit: never oversell.

Intake confirms whole batches through :class:`ConfirmationRun`; the review desk and the
supervisor confirm one order with :func:`confirm`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.domain import geo, lifecycle
from app.domain.allocation import Decision, Need, Slot, StockPool, WarehouseInfo, allocate, sendable
from app.orders.catalogue import Catalogue, expected_restock, load_warehouses
from app.orders.timeline import add_event, move
from app.uow import Actor
from db.base import utcnow
from db.bulk import insert_rows, update_rows
from db.models import Bin, Order, OrderEvent, OrderLine, Product, Replenishment, Reservation, Stock

_CHUNK = 900  # below SQLite's bound-parameter limit


def load_pool(session: Session, product_ids: Iterable[int], today: date | None = None) -> StockPool:
    """The sellable stock of these products, locked: not in quarantine, and (FEFO) not expired nor within the
    product's minimum remaining shelf life on ``today``; each slot with its lot and expiry."""
    ids = sorted(set(product_ids))
    postgres = session.get_bind().dialect.name == "postgresql"
    today = today or date.today()
    slots: list[Slot] = []
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(Stock.id, Stock.warehouse_id, Stock.product_id, Bin.code, Stock.on_hand, Stock.reserved, Stock.lot,
                   Stock.expiry, Product.min_shelf_life_days)
            .join(Bin, Bin.id == Stock.bin_id).join(Product, Product.id == Stock.product_id)
            .where(Stock.product_id.in_(ids[start : start + _CHUNK]), Bin.quarantine.is_(False))
            .order_by(Stock.id)
        )
        if postgres:
            query = query.with_for_update(of=Stock)
        slots.extend(
            Slot(row.id, row.warehouse_id, row.product_id, row.code, row.on_hand - row.reserved, row.lot or "", row.expiry)
            for row in session.execute(query)
            if sendable(row.expiry, row.min_shelf_life_days or 0, today)
        )
    return StockPool(slots)


@dataclass
class Outcome:
    """What confirmation decided for one order, ready to be written."""

    order_id: int
    decision: Decision
    events: list[dict[str, Any]]
    status: str


class ConfirmationRun:
    """Confirms many orders against one locked stock pool."""

    def __init__(self, session: Session, catalogue: Catalogue, warehouses: dict[int, WarehouseInfo] | None = None) -> None:
        self.session = session
        self.catalogue = catalogue
        self.warehouses = warehouses if warehouses is not None else load_warehouses(session)
        self.pool = StockPool([])
        self.today = date.today()
        self._restock_dates: dict[int, date] = {}
        self._free: dict[int, int] | None = None

    def lock(self, product_ids: Iterable[int]) -> None:
        self.pool = load_pool(self.session, product_ids, self.today)
        self._free = None

    def decide(
        self,
        order_id: int,
        needs: list[Need],
        country: str,
        region: str,
        priority: int,
        actor: Actor,
        only_warehouse: int | None = None,
        at: datetime | None = None,
    ) -> Outcome:
        destination = geo.locate(country, region)
        decision = allocate(needs, destination, priority, self.pool, self.warehouses, only_warehouse)
        now = at or utcnow()
        base = {"order_id": order_id, "at": now, "station": actor.station, "user": actor.user, "location": None}
        if decision.allocated:
            assert decision.warehouse_id is not None, "an allocation names its warehouse"
            confirmed: dict[str, Any] = {"stock": "reserved", "bins": sorted({t.bin_code for t in decision.takes})}
            lots = sorted({t.lot for t in decision.takes if t.lot})
            if lots:
                confirmed["lots"] = lots
            events = [
                {**base, "kind": "confirmed", "data": confirmed},
                {
                    **base,
                    "kind": "allocated",
                    "data": {"warehouse": self.warehouses[decision.warehouse_id].code, "reason": decision.reason},
                },
            ]
            return Outcome(order_id, decision, events, lifecycle.ALLOCATED)
        data: dict[str, Any] = {"reason": decision.reason, "short": []}
        restock = self._restock({sh.product_id for sh in decision.shortages})
        for shortage in decision.shortages:
            product = self.catalogue.by_id.get(shortage.product_id)
            substitutes = [
                self.catalogue.by_id[sid].sku
                for sid in (product.substitutes if product else [])
                if sid in self.catalogue.by_id and self._free_units(sid) > 0
            ]
            data["short"].append(
                {
                    "sku": shortage.sku,
                    "needed": shortage.needed,
                    "available": shortage.available,
                    "expected_restock": restock[shortage.product_id].isoformat(),
                    "substitutes": substitutes,
                }
            )
        if data["short"]:
            data["expected_restock"] = max(s["expected_restock"] for s in data["short"])
        return Outcome(order_id, decision, [{**base, "kind": "backordered", "data": data}], lifecycle.BACKORDERED)

    def _restock(self, product_ids: set[int]) -> dict[int, date]:
        missing = product_ids - self._restock_dates.keys()
        if missing:
            self._restock_dates.update(expected_restock(self.session, missing, self.today))
        return self._restock_dates

    def _free_units(self, product_id: int) -> int:
        """Free units anywhere: the locked pool where it covers the product, else the stock table (read once)."""
        if self.pool.covers(product_id):
            return self.pool.available(product_id)
        if self._free is None:
            self._free = dict(
                self.session.execute(
                    select(Stock.product_id, func.sum(Stock.on_hand - Stock.reserved)).group_by(Stock.product_id)
                ).all()
            )
        return int(self._free.get(product_id) or 0)

    def write(self, outcomes: list[Outcome]) -> None:
        """Reserve stock and record replenishment requests (each need's ``line_key`` is its order line's id)."""
        takes = [(o, t) for o in outcomes for t in o.decision.takes]
        if takes:
            per_stock: dict[int, int] = {}
            for _, take in takes:
                per_stock[take.stock_id] = per_stock.get(take.stock_id, 0) + take.quantity
            update_rows(
                self.session, Stock.__table__, "id",
                [{"id": sid, "reserved": qty} for sid, qty in per_stock.items()], add=("reserved",),
            )
            insert_rows(
                self.session,
                Reservation.__table__,
                [
                    {"order_id": o.order_id, "line_id": t.line_key, "stock_id": t.stock_id, "quantity": t.quantity}
                    for o, t in takes
                ],
            )
        requests = []
        for outcome in outcomes:
            if outcome.decision.allocated:
                continue
            for short in outcome.events[-1]["data"].get("short", []):
                product = self.catalogue.by_sku.get(short["sku"])
                if product is None:
                    continue
                requests.append(
                    {
                        "product_id": product.id,
                        "warehouse_id": outcome.decision.warehouse_id,
                        "order_id": outcome.order_id,
                        "quantity": max(short["needed"] - short["available"], 1),
                        "status": "requested",
                        "requested_at": utcnow(),
                        "expected_on": date.fromisoformat(short["expected_restock"]),
                    }
                )
        if requests:
            self.session.execute(insert(Replenishment.__table__), requests)


def needs_of(order: Order, catalogue: Catalogue) -> list[Need]:
    return [
        Need(line.id, line.product_id, line.quantity, line.sku)
        for line in order.lines
        if line.product_id is not None
    ]


def confirm(session: Session, order: Order, actor: Actor, only_warehouse: int | None = None) -> str:
    """Confirm one order (after review, or when a backorder's stock arrives): reserve and allocate.

    Returns the new status: ``allocated`` or ``backordered``. Lines whose SKU is unknown must be
    fixed first; the caller (review desk) checks that.
    """
    catalogue = Catalogue(session)
    run = ConfirmationRun(session, catalogue)
    needs = needs_of(order, catalogue)
    release_reservations(session, order)
    run.lock({n.product_id for n in needs})
    outcome = run.decide(order.id, needs, order.ship_country, order.ship_region, order.priority, actor, only_warehouse)
    run.write([outcome])
    if outcome.decision.allocated:
        move(session, order, lifecycle.CONFIRMED, actor, **outcome.events[0]["data"])
        order.warehouse_id = outcome.decision.warehouse_id
        move(session, order, lifecycle.ALLOCATED, actor, **outcome.events[1]["data"])
    else:
        if order.status != lifecycle.BACKORDERED:
            move(session, order, lifecycle.BACKORDERED, actor, **outcome.events[0]["data"])
        else:
            add_event(session, order, "backordered", actor, **outcome.events[0]["data"])
    session.flush()
    return order.status


def release_reservations(session: Session, order: Order) -> int:
    """Give the order's reserved stock back (cancel, reject, re-allocation). Returns the units released."""
    rows = session.execute(
        select(Reservation.stock_id, Reservation.quantity).where(Reservation.order_id == order.id)
    ).all()
    if not rows:
        return 0
    per_stock: dict[int, int] = {}
    for stock_id, quantity in rows:
        per_stock[stock_id] = per_stock.get(stock_id, 0) + quantity
    session.execute(
        update(Stock.__table__)
        .where(Stock.__table__.c.id == bindparam("sid"))
        .values(reserved=Stock.__table__.c.reserved - bindparam("qty")),
        [{"sid": sid, "qty": qty} for sid, qty in per_stock.items()],
    )
    session.execute(delete(Reservation).where(Reservation.order_id == order.id))
    return sum(per_stock.values())


def move_reservation(session: Session, order: Order, line: OrderLine, lot: str, units: int) -> bool:
    """A supervisor let the packer send ``units`` of ``lot`` instead of the lot reserved for the line: the
    reservation follows the goods, from the line's other lots to that lot's free stock in the order's warehouse
    (FEFO order: the last-expiring reserved lot gives first), so the ledger ships what left. False when that lot has
    too few free units on record here: the reservation stays, and a count will find the difference."""
    target = session.scalars(
        select(Stock).join(Bin, Bin.id == Stock.bin_id)
        .where(Stock.product_id == line.product_id, Stock.warehouse_id == order.warehouse_id, Stock.lot == lot,
               Bin.quarantine.is_(False), Stock.on_hand - Stock.reserved >= units)
        .order_by(Stock.id).limit(1).with_for_update(of=Stock)
    ).first()
    if target is None:
        return False
    held = session.execute(
        select(Reservation, Stock).join(Stock, Stock.id == Reservation.stock_id)
        .where(Reservation.order_id == order.id, Reservation.line_id == line.id, Stock.lot != lot)
        .order_by(Stock.expiry.desc().nulls_first(), Reservation.id.desc()).with_for_update(of=Stock)
    ).all()
    if sum(reservation.quantity for reservation, _ in held) < units:
        return False
    left = units
    for reservation, stock in held:
        if left == 0:
            break
        given = min(reservation.quantity, left)
        stock.reserved = max(0, (stock.reserved or 0) - given)
        if given == reservation.quantity:
            session.delete(reservation)
        else:
            reservation.quantity -= given
        left -= given
    target.reserved = (target.reserved or 0) + units
    session.add(Reservation(order_id=order.id, line_id=line.id, stock_id=target.id, quantity=units))
    session.flush()
    return True


def insert_events(session: Session, events: list[dict[str, Any]]) -> None:
    insert_rows(session, OrderEvent.__table__, events)
