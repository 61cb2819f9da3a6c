"""The pick service: pick lists with their route, and picks recorded one transaction each.

An order (or a batch of orders, one tote each) in ``allocated`` goes to ``picking`` when the cart
starts; every confirmed stop adds to ``order_lines.picked_quantity``; when every line is complete the
order is ``picked``. A short pick (the item is not in the bin) corrects the bin's stock, records a
``shortage`` event and a replenishment request, sends the order to ``backordered`` and runs the
confirmation rules again (another bin, another warehouse, or a backorder that names substitutes);
the units already in its tote go back to stock, since the order will be picked afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.admin.auth import require_role
from app.domain import lifecycle
from app.domain.allocation import sendable
from app.errors import ConcurrencyConflict, InvalidInput, NotFound
from app.orders import references
from app.orders.timeline import add_event, move
from app.picking.layouts import layout_of
from app.routing import Layout, Pick, Route, route
from app.uow import Actor, UnitOfWork
from db.models import (
    Bin,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    ProductGtin,
    Replenishment,
    Reservation,
    Stock,
    Warehouse,
)

PICKABLE = (lifecycle.ALLOCATED, lifecycle.PICKING)


@dataclass
class Stop:
    """One place to stop at and what to take there."""

    key: str
    order: str
    line_id: int
    sku: str
    name: str
    gtins: tuple[str, ...]
    bin: str | None
    aisle: int | None
    position: float | None
    side: str
    level: int
    quantity: int
    tote: int = 1
    done: int = 0  # units confirmed at this stop
    name_zh: str = ""
    lot: str = ""  # the lot reserved here (FEFO), '' when the stock has none
    expiry: date | None = None

    @property
    def remaining(self) -> int:
        return self.quantity - self.done


@dataclass
class PickList:
    warehouse: str
    layout: Layout
    orders: list[str]
    totes: dict[str, int]
    stops: list[Stop]  # in walking order
    route: Route
    unlocated: list[Stop] = field(default_factory=list)  # lines with no stock in any bin here
    bin_codes: frozenset[str] = frozenset()  # every bin of the warehouse, to tell a wrong bin from no bin

    def order_stops(self, number: str) -> list[Stop]:
        return [s for s in self.stops if s.order == number]


def _stops_for_order(session: Session, order: Order, tote: int) -> tuple[list[Stop], list[Stop]]:
    stops, unlocated = [], []
    gtins: dict[int, tuple[str, ...]] = {}
    product_ids = {line.product_id for line in order.lines if line.product_id}
    for product_id, gtin in session.execute(select(ProductGtin.product_id, ProductGtin.gtin).where(
            ProductGtin.product_id.in_(product_ids))):
        gtins[product_id] = gtins.get(product_id, ()) + (gtin,)
    names_zh = dict(session.execute(select(Product.id, Product.name_zh).where(Product.id.in_(product_ids))).all())
    reserved = session.execute(
        select(Reservation.line_id, Reservation.quantity, Bin, Stock.lot, Stock.expiry)
        .join(Stock, Stock.id == Reservation.stock_id).join(Bin, Bin.id == Stock.bin_id)
        .where(Reservation.order_id == order.id).order_by(Reservation.id)
    ).all()
    by_line: dict[int, list[tuple[int, Bin, str, date | None]]] = {}
    for line_id, quantity, bin_row, lot, expiry in reserved:
        by_line.setdefault(line_id, []).append((quantity, bin_row, lot or "", expiry))
    for line in order.lines:
        left = line.quantity - line.picked_quantity
        if left <= 0:
            continue
        places = by_line.get(line.id)
        if not places and line.product_id:
            places = _free_places(session, line.product_id, order.warehouse_id)
        already = line.picked_quantity
        for quantity, bin_row, lot, expiry in places or []:
            # Units already picked count against the first places.
            take = min(quantity, left)
            if already:
                skip = min(already, take)
                already -= skip
                take = min(quantity - skip, left)
            if take <= 0:
                continue
            left -= take
            stops.append(_stop(order, line, bin_row, take, tote, gtins, names_zh, lot, expiry))
            if left <= 0:
                break
        if left > 0:
            unlocated.append(_stop(order, line, None, left, tote, gtins, names_zh))
    return stops, unlocated


def _free_places(session: Session, product_id: int, warehouse_id: int | None) -> list[tuple[int, Bin, str, date | None]]:
    """Where a line with nothing reserved (its reservation was given back) may be picked from: free, sellable units
    (FEFO: first-expiring lot first, none past the product's minimum remaining shelf life), then the fullest bin."""
    min_days = session.scalar(select(Product.min_shelf_life_days).where(Product.id == product_id)) or 0
    today = date.today()
    rows = session.execute(
        select(Stock.on_hand - Stock.reserved, Bin, Stock.lot, Stock.expiry).join(Bin, Bin.id == Stock.bin_id)
        .where(Stock.product_id == product_id, Stock.warehouse_id == warehouse_id,
               Bin.quarantine.is_(False), Stock.on_hand > Stock.reserved)
    ).all()
    places = [(int(free), b, lot or "", expiry) for free, b, lot, expiry in rows if sendable(expiry, min_days, today)]
    places.sort(key=lambda p: (p[3] or date.max, -p[0], p[1].code))
    return places


def _stop(order: Order, line: OrderLine, bin_row: Bin | None, quantity: int, tote: int, gtins, names_zh,
          lot: str = "", expiry: date | None = None) -> Stop:
    return Stop(
        key=f"{order.number}/{line.line_no}@{bin_row.code if bin_row else '-'}" + (f"#{lot}" if lot else ""),
        order=order.number, line_id=line.id, sku=line.sku, name=line.name or line.sku,
        gtins=gtins.get(line.product_id, ()) + ((line.gtin.zfill(14),) if line.gtin else ()),
        bin=bin_row.code if bin_row else None, aisle=bin_row.aisle if bin_row else None,
        position=bin_row.position if bin_row else None, side=bin_row.side if bin_row else "",
        level=bin_row.level if bin_row else 0, quantity=quantity, tote=tote,
        name_zh=names_zh.get(line.product_id) or "", lot=lot, expiry=expiry,
    )


def _commit(uow: UnitOfWork) -> None:
    try:
        uow.commit()
    except StaleDataError as exc:
        raise ConcurrencyConflict("another station changed this order just now: nothing was recorded, try again") from exc


class PickService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        require_role(actor, "packer")  # picking moves orders and corrects stock on a short pick
        self.sessions = sessions
        self.actor = actor

    # -- opening a cart --------------------------------------------------------------------------
    def start(self, numbers: list[str]) -> PickList:
        """Put the orders on one cart (tote 1, 2, ... in the given order), move them to ``picking``
        and route the cart. Every order must be allocated (or already picking) in one warehouse with a
        layout."""
        if not numbers:
            raise InvalidInput("no order to pick")
        if len(set(numbers)) != len(numbers):
            raise InvalidInput("an order appears twice on the cart")
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            orders = list(s.scalars(select(Order).where(Order.number.in_(numbers)).options(selectinload(Order.lines))))
            found = {o.number: o for o in orders}
            for number in numbers:
                if number not in found:  # the shop's number, a label scanned...: the one look-up
                    match = references.find_order(s, number)
                    if match is not None:
                        found[number] = match.order
            for number in numbers:
                if number not in found:
                    raise NotFound(f"no order {number}")
            # From here on, our numbers: the timeline and the cart name orders by them.
            numbers = [found[n].number for n in numbers]
            found = {o.number: o for o in found.values()}
            if len(set(numbers)) != len(numbers):
                raise InvalidInput("an order appears twice on the cart")
            for number in numbers:
                order = found[number]
                if order.status not in PICKABLE:
                    raise InvalidInput(f"order {number} is {order.status}: only allocated orders can be picked")
                if order.status == lifecycle.PICKING:
                    holder = s.scalar(select(OrderEvent.station).where(
                        OrderEvent.order_id == order.id, OrderEvent.kind == "picking").order_by(OrderEvent.id.desc()).limit(1))
                    if holder and holder != self.actor.station:
                        raise ConcurrencyConflict(f"order {number} is being picked at {holder}")
            warehouses = {found[n].warehouse_id for n in numbers}
            if len(warehouses) != 1 or None in warehouses:
                raise InvalidInput("the orders on one cart must be allocated to the same warehouse")
            warehouse = s.get(Warehouse, warehouses.pop())
            layout = layout_of(warehouse)
            totes = {n: i for i, n in enumerate(numbers, start=1)}
            for number in numbers:
                order = found[number]
                if order.status == lifecycle.ALLOCATED:
                    move(s, order, lifecycle.PICKING, self.actor, kind="picking", tote=totes[number],
                         cart=numbers if len(numbers) > 1 else None)
            _commit(uow)
            return self._pick_list(s, warehouse.code, layout, [found[n] for n in numbers], totes)

    def pick_list(self, numbers: list[str], totes: dict[str, int] | None = None) -> PickList:
        """The current pick list of orders already in ``picking`` (after a restart)."""
        with UnitOfWork(self.sessions) as uow:
            orders = [self._order(uow.session, n) for n in numbers]
            warehouse = uow.session.get(Warehouse, orders[0].warehouse_id)
            return self._pick_list(uow.session, warehouse.code, layout_of(warehouse), orders,
                                   totes or {n: i for i, n in enumerate(numbers, start=1)})

    def open_cart(self) -> PickList | None:
        """The cart this station started and did not finish, as it is now: its orders still being picked, each
        in the tote it was given, with the stops still to walk (what was picked stays picked). None when the
        station has no cart open. A cart is the station's, not the picker's: it survives a log-out, a restart
        and a change of shift, and whoever logs in at the station goes on with it."""
        if not self.actor.station:
            return None
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            picking = dict(s.execute(select(Order.id, Order.number).where(Order.status == lifecycle.PICKING)).all())
            if not picking:
                return None
            # Each order's last start of picking: the station and the cart (the orders in tote order) it was on.
            started: dict[int, tuple[int, str | None, dict]] = {}
            for order_id, event_id, station, data in s.execute(
                    select(OrderEvent.order_id, OrderEvent.id, OrderEvent.station, OrderEvent.data)
                    .where(OrderEvent.kind == "picking", OrderEvent.order_id.in_(list(picking)))):
                if order_id not in started or event_id > started[order_id][0]:
                    started[order_id] = (event_id, station, data or {})
            mine = [(event_id, picking[order_id], data) for order_id, (event_id, station, data) in started.items()
                    if station == self.actor.station]
            if not mine:
                return None
            _, number, data = max(mine, key=lambda m: m[0])
            cart = [str(n) for n in (data.get("cart") or [number])]
            still = {n for _, n, _ in mine}
            numbers = [n for n in cart if n in still]
            totes = {n: cart.index(n) + 1 for n in numbers}
            orders = [self._order(s, n) for n in numbers]
            warehouse = s.get(Warehouse, orders[0].warehouse_id)
            return self._pick_list(s, warehouse.code, layout_of(warehouse), orders, totes)

    def station_warehouse(self) -> str | None:
        """The code of the warehouse the station works in (set in Settings or ``station stations add``), read
        afresh each time: a station moved to another warehouse picks there at once."""
        from db.models import Station

        if not self.actor.station:
            return None
        with self.sessions() as s:
            return s.scalar(select(Warehouse.code).join(Station, Station.warehouse_id == Warehouse.id)
                            .where(Station.name == self.actor.station))

    def _pick_list(self, s: Session, code: str, layout: Layout, orders: list[Order], totes: dict[str, int]) -> PickList:
        stops: list[Stop] = []
        unlocated: list[Stop] = []
        for order in orders:
            located, missing = _stops_for_order(s, order, totes[order.number])
            stops += located
            unlocated += missing
        for stop in stops:
            if not (1 <= stop.aisle <= layout.aisles) or stop.position > layout.aisle_length:
                raise InvalidInput(f"bin {stop.bin} lies outside the warehouse layout: reload the layout")
        picks = [Pick(stop.key, stop.aisle, stop.position, stop.order) for stop in stops]
        result = route(layout, picks)
        by_key = {stop.key: stop for stop in stops}
        ordered = [by_key[p.id] for p in result.sequence]
        codes = frozenset(s.scalars(select(Bin.code).where(Bin.warehouse_id == orders[0].warehouse_id)))
        return PickList(code, layout, [o.number for o in orders], totes, ordered, result, unlocated, codes)

    def suggest_batches(self, warehouse_code: str, totes: int = 4, limit: int = 40) -> list[list[str]]:
        """Group the warehouse's allocated orders (most urgent first, at most ``limit``) into carts of
        ``totes`` orders by the savings method; the carts come most urgent first."""
        from app.picking.layouts import warehouse_by_code
        from app.routing.batching import batch_orders

        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            warehouse = warehouse_by_code(s, warehouse_code)
            layout = layout_of(warehouse)
            orders = list(s.scalars(
                select(Order).where(Order.warehouse_id == warehouse.id, Order.status == lifecycle.ALLOCATED)
                .order_by(Order.priority.desc(), Order.promised_ship_at, Order.id).limit(limit)
                .options(selectinload(Order.lines))))
            rank = {o.number: i for i, o in enumerate(orders)}
            picks: dict[str, list[Pick]] = {}
            for order in orders:
                stops, _ = _stops_for_order(s, order, 1)
                if stops:
                    picks[order.number] = [Pick(st.key, st.aisle, st.position, order.number) for st in stops]
        batches = batch_orders(layout, picks, totes=totes)
        carts = [sorted(b.orders, key=rank.__getitem__) for b in batches]
        return sorted(carts, key=lambda cart: rank[cart[0]])

    # -- recording ---------------------------------------------------------------------------------
    def _order(self, s: Session, number: str) -> Order:
        order = s.scalar(select(Order).where(Order.number == number).options(selectinload(Order.lines)))
        if order is None:
            raise NotFound(f"no order {number}")
        return order

    def confirm(self, stop: Stop, quantity: int) -> str:
        """Record ``quantity`` units taken at ``stop``; returns the order's status afterwards."""
        if quantity <= 0:
            raise InvalidInput("the quantity picked must be at least 1")
        if quantity > stop.remaining:
            raise InvalidInput(f"only {stop.remaining} of {stop.sku} are to be picked at {stop.bin}")
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            order = self._order(s, stop.order)
            if order.status != lifecycle.PICKING:
                raise InvalidInput(f"order {order.number} is {order.status}, no longer being picked")
            line = next((l for l in order.lines if l.id == stop.line_id), None)
            if line is None:
                raise NotFound(f"order {order.number} has no such line any more")
            if line.picked_quantity + quantity > line.quantity:
                raise InvalidInput(f"line {line.line_no} of {order.number} needs only {line.quantity}")
            line.picked_quantity += quantity
            add_event(s, order, "item_picked", self.actor, location=stop.bin, sku=line.sku, quantity=quantity,
                      bin=stop.bin, tote=stop.tote)
            if all(l.picked_quantity >= l.quantity for l in order.lines):
                move(s, order, lifecycle.PICKED, self.actor)
            _commit(uow)
            stop.done += quantity
            return order.status

    def short(self, stop: Stop, found: int = 0) -> str:
        """The bin holds only ``found`` of the units still to take at ``stop``. Returns the order's
        status after the confirmation rules ran again (``allocated`` or ``backordered``)."""
        from app.orders.confirmation import confirm as reconfirm
        from app.orders.confirmation import release_reservations

        missing = stop.remaining - found
        if found < 0 or missing <= 0:
            raise InvalidInput(f"a short pick needs fewer than {stop.remaining} units found")
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            order = self._order(s, stop.order)
            if order.status != lifecycle.PICKING:
                raise InvalidInput(f"order {order.number} is {order.status}, no longer being picked")
            line = next(l for l in order.lines if l.id == stop.line_id)
            release_reservations(s, order)
            corrected = 0
            if stop.bin is not None and line.product_id is not None:
                stock = s.scalar(select(Stock).join(Bin, Bin.id == Stock.bin_id).where(
                    Stock.product_id == line.product_id, Bin.code == stop.bin, Stock.warehouse_id == order.warehouse_id))
                if stock is not None:
                    from app.catalogue.ledger import change_on_hand

                    corrected = min(missing, stock.on_hand - stock.reserved)
                    change_on_hand(s, stock, -corrected, "short_pick", self.actor, f"order {order.number}")
            returned = sum(l.picked_quantity for l in order.lines)
            for l in order.lines:
                l.picked_quantity = 0
            add_event(s, order, "shortage", self.actor, location=stop.bin, sku=line.sku, bin=stop.bin,
                      missing=missing, found=found, stock_corrected=corrected, returned_to_stock=returned,
                      tote=stop.tote)
            if line.product_id is not None:
                s.add(Replenishment(product_id=line.product_id, warehouse_id=order.warehouse_id, order_id=order.id,
                                    quantity=missing, status="requested", expected_on=None))
            move(s, order, lifecycle.BACKORDERED, self.actor, reason="short_pick", sku=line.sku, bin=stop.bin)
            s.flush()
            status = reconfirm(s, order, self.actor)
            _commit(uow)
            return status


__all__ = ["PickService", "PickList", "Stop"]
