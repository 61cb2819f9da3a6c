"""Move demo orders on from ``allocated`` to the later stages, in bulk.

A million demo orders cannot each walk through the pick, pack and label screens in three minutes,
so the older ones are moved on here with the same lifecycle (every step checked against
``app.domain.lifecycle``), the same event kinds and the same stock bookkeeping that the stage
services use: reserved stock leaves the shelf when the parcel ships.

Nothing here writes what only a person or a device makes (a scan, a weighing, a return): the pack
screen's scans, the returns and the carrier's scans of the demo come from the real services
(``app.demo.life``). What is left at a station is what a bench holds: one order in packing at
most, and at the newcomer's station (``NEWCOMER_STATION``) nothing but one order the newcomer can pack
to the end (F2 takes them back to it).
"""

from __future__ import annotations

import base64
import itertools
import math
import random
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, select, update

from app.context import Context
from app.domain import lifecycle as lc
from app.errors import StationError
from app.shipping import sscc as sscc_mod
from app.shipping import tracking
from app.shipping.carriers import load_options, seed_carriers, take_serials
from app.shipping.rates import Destination, Quote, Requirement, ship_date_for, shop
from app.shipping.service import default_parcels
from db.bulk import insert_rows, update_rows
from db.models import Order, OrderEvent, OrderLine, Product, Reservation, Station, Stock, User
from db.models.shipping import Carrier, CarrierService, Parcel

# The path an order walks, and the event each step writes.
PATH = (lc.PICKING, lc.PICKED, lc.PACKING, lc.PACKED, lc.LABELLED, lc.SHIPPED, lc.DELIVERED)
for _a, _b in zip((lc.ALLOCATED, *PATH), PATH):
    assert lc.can_move(_a, _b), (_a, _b)
assert lc.can_move(lc.ALLOCATED, lc.CANCELLED)

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
# The after-sales life (app.demo.life) needs orders that left lately: the carrier's scans, deliveries and
# returns then fall inside the returns window, as they would for a newcomer today. Some of the orders still waiting,
# placed this many days ago, are shipped (a share of them, at least a few, at most a bound: the big seed stays fast)...
RECENT_PLACED_DAYS = (5.0, 1.0)  # between 5 and 1 days ago
RECENT_SHARE, RECENT_MIN, RECENT_MAX = 0.15, 20, 60
# ...and a few placed this many hours ago are labelled, for the carrier's pick-up today (a real close-out).
TODAY_PLACED_HOURS = (10.0, 4.0)  # between 10 and 4 hours ago
TODAY_MAX = 8
# Where a newcomer logs in (BADGE-PACKER-1): it holds one order in packing, which they can pack to the end.
NEWCOMER_STATION = "STATION-1"

_LABELLED_ON = frozenset((lc.LABELLED, lc.SHIPPED, lc.DELIVERED))  # targets that need a label
_HELD_AT_STATION = frozenset((lc.PICKING, lc.PICKED, lc.PACKING, lc.PACKED, lc.LABELLED))
_PICKED_AT, _PACKED_AT, _SHIPPED_AT = PATH.index(lc.PICKED), PATH.index(lc.PACKED), PATH.index(lc.SHIPPED)
STEP_MINUTES = {lc.PICKING: 40, lc.PICKED: 15, lc.PACKING: 20, lc.PACKED: 3, lc.LABELLED: 1, lc.SHIPPED: 300, lc.DELIVERED: 2400}
CHUNK = 20_000
# Each target's walk, one step a tuple: (status, event kind, minutes the step takes, at a station, done by the carrier).
_KINDS = {lc.PICKING: "picking", lc.PACKING: "claimed"}
WALKS = {
    target: tuple(
        (status, _KINDS.get(status, status), STEP_MINUTES[status], status not in (lc.SHIPPED, lc.DELIVERED),
         status == lc.DELIVERED)
        for status in PATH[: PATH.index(target) + 1]
    )
    for target in PATH
}


@dataclass
class Moved:
    """The orders moved on for the after-sales life, oldest first."""

    recent: list[int]  # shipped in the last days: the carrier scans them next
    today: list[int]  # labelled today: the carrier picks them up


def advance_demo_orders(
    ctx: Context, seed: int, now: datetime, progress: Callable[[str, int, int], None] | None = None,
    before_labelled: Callable[[], None] | None = None,
) -> Moved:
    """Move the allocated orders on. ``before_labelled`` runs once every order that leaves the warehouse has
    left, before the orders that wait for the carrier are labelled (the demo's close-out runs there)."""
    rng = random.Random(seed * 104729)
    with ctx.sessions() as s, s.begin():
        seed_carriers(s)
    labeller = BulkLabeller(ctx, now)
    orders = Order.__table__.c
    with ctx.sessions() as s:
        # Core rows as plain tuples: the ORM's result layer costs seconds over a million orders and adds nothing here.
        ids = [tuple(row) for row in s.connection().execute(
            select(orders.id, orders.placed_at, orders.warehouse_id).where(orders.status == lc.ALLOCATED).order_by(orders.id)
        )]
        stations: dict[int, list[tuple[int, str]]] = {}
        for sid, name, wid in s.execute(select(Station.id, Station.name, Station.warehouse_id).order_by(Station.id)):
            stations.setdefault(wid, []).append((sid, name))
        packers = [u for (u,) in s.execute(select(User.username).where(User.role == "packer").order_by(User.id))]
        benches = Benches(s, stations)
    total = len(ids)
    # One target an order, as a list beside ``ids`` (a million orders: no second copy of the rows).
    targets: list[str] = []
    for index in range(total):
        target = next((status for limit, status in TARGETS if index / total < limit), lc.ALLOCATED)
        if target == lc.ALLOCATED and rng.random() < 0.01:
            target = lc.CANCELLED
        targets.append(target)
    waiting = [i for i, target in enumerate(targets) if target == lc.ALLOCATED]
    # Never more than half of those waiting: the packers' queue keeps orders to claim, also in a small demo.
    today_pool = _placed_between(ids, waiting, now, *(timedelta(hours=h) for h in TODAY_PLACED_HOURS))
    today = _spread(today_pool, min(TODAY_MAX, len(today_pool) // 2))
    recent_pool = _placed_between(ids, waiting, now, *(timedelta(days=d) for d in RECENT_PLACED_DAYS))
    recent = _spread(recent_pool, min(RECENT_MAX, max(min(RECENT_MIN, len(recent_pool) // 2), math.ceil(len(recent_pool) * RECENT_SHARE))))
    for i in today:
        targets[i] = lc.LABELLED
    for i in recent:
        targets[i] = lc.SHIPPED
    today_set = set(today)

    def part(after_pickup: bool) -> Iterator[tuple[int, datetime, int, str]]:
        """Orders labelled before the close-out would go with it: the ones that wait for the carrier come after."""
        for i, target in enumerate(targets):
            if target != lc.ALLOCATED and (target == lc.LABELLED and i not in today_set) == after_pickup:
                yield (*ids[i], target)

    done, moving = 0, sum(1 for target in targets if target != lc.ALLOCATED)
    for after_pickup in (False, True):
        if after_pickup and before_labelled is not None:
            before_labelled()
        steps = part(after_pickup)
        while chunk := list(itertools.islice(steps, CHUNK)):
            _apply(ctx, chunk, stations, packers, rng, now, labeller, benches)
            done += len(chunk)
            if progress:
                progress("stages", done, moving)
    return Moved(recent=[ids[i][0] for i in recent], today=[ids[i][0] for i in today])


def _placed_between(ids: list[tuple], indexes: list[int], now: datetime, oldest: timedelta, newest: timedelta) -> list[int]:
    return [i for i in indexes if now - oldest <= ids[i][1] <= now - newest]


def _spread(items: Sequence[Any], count: int) -> list[Any]:
    """``count`` of ``items`` evenly spread over them, in their order."""
    count = min(count, len(items))
    return [items[i * len(items) // count] for i in range(count)] if count else []


class Benches:
    """Which station holds each order the demo leaves at a bench: one order in packing a station at most, and the
    newcomer's station nothing but one order in packing whose products need no lot, expiry or serial captured."""

    def __init__(self, session, stations: dict[int, list[tuple[int, str]]]) -> None:
        self.stations = stations
        self.newcomer = next((sid for choices in stations.values() for sid, name in choices if name == NEWCOMER_STATION), None)
        self.packing = {sid for (sid,) in session.execute(
            select(Order.station_id).where(Order.status == lc.PACKING, Order.station_id.is_not(None)).distinct())}
        self.tracked = {pid for (pid,) in session.execute(select(Product.id).where(
            Product.tracks_lot.is_(True) | Product.tracks_serial.is_(True) | Product.tracks_expiry.is_(True)))}

    def plain(self, session, order_ids: list[int]) -> set[int]:
        """Of ``order_ids``, the orders a newcomer packs with plain scans (no lot, expiry or serial to capture)."""
        lines = OrderLine.__table__.c
        tracked: set[int] = set()
        for part in _parts(order_ids):
            for order_id, product_id in session.connection().execute(
                    select(lines.order_id, lines.product_id).where(lines.order_id.in_(part))):
                if product_id is None or product_id in self.tracked:
                    tracked.add(order_id)
        return set(order_ids) - tracked

    def place(self, order_id: int, target: str, warehouse_id: int, chosen: tuple[int | None, str | None],
              plain: bool) -> tuple[int | None, str]:
        """(the station that holds the order, its status): a bench already packing an order takes no second one;
        with every bench of the warehouse busy, the order waits picked for the first packer free."""
        choices = self.stations.get(warehouse_id) or []
        newcomer_free = self.newcomer is not None and self.newcomer not in self.packing
        if target == lc.PICKED and plain and newcomer_free and any(sid == self.newcomer for sid, _ in choices):
            target = lc.PACKING  # none of the orders in packing suited the newcomer: a picked one is claimed for them
        if target == lc.PACKING:
            free = [sid for sid, _ in choices if sid not in self.packing and (sid != self.newcomer or plain)]
            if not free:
                return None, lc.PICKED
            station_id = self.newcomer if self.newcomer in free else (chosen[0] if chosen[0] in free else free[0])
            self.packing.add(station_id)
            return station_id, lc.PACKING
        if chosen[0] is not None and chosen[0] == self.newcomer:
            others = [sid for sid, _ in choices if sid != self.newcomer]
            return (others[order_id % len(others)] if others else None), target
        return chosen[0], target


def _apply(
    ctx: Context, plan: list[tuple[int, datetime, int, str]], stations, packers, rng: random.Random, now: datetime,
    labeller: BulkLabeller, benches: Benches,
) -> None:
    if not plan:
        return
    labelling = [p[0] for p in plan if p[3] in _LABELLED_ON]
    with ctx.sessions() as s:
        quotes = labeller.quote(s, labelling)
        plain = benches.plain(s, [p[0] for p in plan if p[3] in (lc.PACKING, lc.PICKED)])
    names = {sid: name for choices in stations.values() for sid, name in choices}
    order_updates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    # picked_ids: picked, not yet packed; packed_ids: picked and packed.
    picked_ids, packed_ids, consumed_ids, released_ids = [], [], [], []
    labelled_at: dict[int, datetime] = {}
    shipped_at: dict[int, datetime] = {}
    final_status: dict[int, str] = {}
    # Bound once: the loop below runs about seven steps for each of a million orders.
    random_fraction, add_event = rng.random, events.append
    for order_id, placed_at, warehouse_id, target in plan:
        station_id, station = rng.choice(stations.get(warehouse_id) or [(None, None)])
        user = rng.choice(packers) if packers else None
        at = placed_at + timedelta(minutes=30)
        if target in _LABELLED_ON and order_id not in quotes:
            target = lc.PACKED  # no carrier takes it as it is: it waits at packing for a person
        if target == lc.CANCELLED:
            events.append(_event(order_id, at, "cancelled", None, "super1", reason="customer asked to cancel", previous=lc.ALLOCATED))
            order_updates.append({"id": order_id, "status": lc.CANCELLED, "station_id": None, "tracking_number": None, "version": 1})
            released_ids.append(order_id)
            continue
        holder = None
        if target in _HELD_AT_STATION:
            holder, target = benches.place(order_id, target, warehouse_id, (station_id, station), order_id in plain)
            if holder is not None:
                station = names[holder]
        walk = WALKS[target]
        previous = lc.ALLOCATED
        for status, kind, step_minutes, at_station, by_carrier in walk:
            at += timedelta(minutes=step_minutes * (0.5 + random_fraction()))
            if at > now:
                at = now
            data: dict[str, Any] = {"previous": previous}
            if status == lc.DELIVERED:
                data["signed_by"] = "recipient"
            elif status == lc.LABELLED:
                data.update(labeller.event_data(quotes[order_id]))
                labelled_at[order_id] = at
            elif status == lc.SHIPPED:
                shipped_at[order_id] = at
            add_event({"order_id": order_id, "at": at, "kind": kind, "station": station if at_station else None,
                       "user": "carrier" if by_carrier else user, "location": None, "data": data})
            previous = status
        final_status[order_id] = target
        order_updates.append({
            "id": order_id, "status": target, "station_id": holder,
            "tracking_number": quotes[order_id].tracking_numbers[0] if order_id in labelled_at else None, "version": 1,
        })
        reached = len(walk) - 1  # the last step's place on PATH
        if reached >= _PACKED_AT:
            packed_ids.append(order_id)
        elif reached >= _PICKED_AT:
            picked_ids.append(order_id)
        if reached >= _SHIPPED_AT:
            consumed_ids.append(order_id)

    with ctx.sessions() as s, s.begin():
        update_rows(s, Order.__table__, "id", order_updates, add=("version",))
        lines = OrderLine.__table__
        # A packed order's lines were picked too: one statement sets both, so each line is written once.
        for ids, columns in ((picked_ids, ("picked_quantity",)), (packed_ids, ("picked_quantity", "packed_quantity"))):
            for part in _parts(ids):
                s.connection().execute(
                    update(lines).where(lines.c.order_id.in_(part)).values({column: lines.c.quantity for column in columns})
                )
        _settle_stock(s, consumed_ids, ship=True)
        _settle_stock(s, released_ids, ship=False)
        insert_rows(s, OrderEvent.__table__, events)
        labeller.write(s, {oid: quotes[oid] for oid in labelled_at}, labelled_at, shipped_at, final_status)


def _settle_stock(session, order_ids: list[int], ship: bool) -> None:
    """Shipped: the reserved units leave the shelf. Cancelled: they go back to being free."""
    reservations = Reservation.__table__
    for part in _parts(order_ids):
        per_stock = dict(
            session.connection().execute(
                select(reservations.c.stock_id, func.sum(reservations.c.quantity))
                .where(reservations.c.order_id.in_(part))
                .group_by(reservations.c.stock_id)
            ).all()
        )
        if per_stock:
            columns = ("reserved", "on_hand") if ship else ("reserved",)
            update_rows(
                session, Stock.__table__, "id",
                [{"id": sid, **{column: -int(qty) for column in columns}} for sid, qty in per_stock.items()], add=columns,
            )
        session.connection().execute(delete(reservations).where(reservations.c.order_id.in_(part)))


def _parts(ids: list[int], size: int = 900):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _event(order_id: int, at: datetime, kind: str, station: str | None, user: str | None, **data: Any) -> dict[str, Any]:
    return {"order_id": order_id, "at": at, "kind": kind, "station": station, "user": user, "location": None, "data": data}


# secrets.token_urlsafe(24): 24 random bytes, URL-safe base64 without padding (32 characters).
_TOKEN_BYTES = 24


def _tracking_tokens(count: int) -> Iterator[str]:
    """``count`` tokens as ``secrets.token_urlsafe(24)`` makes them, from one read of the system's random source
    instead of one a parcel (the reads were a tenth of the label writing)."""
    raw = secrets.token_bytes(_TOKEN_BYTES * count)
    for start in range(0, len(raw), _TOKEN_BYTES):
        yield base64.urlsafe_b64encode(raw[start : start + _TOKEN_BYTES]).rstrip(b"=").decode("ascii")


@dataclass
class Labelled:
    quote: Quote
    specs: list
    tracking_numbers: list[str]
    ssccs: list[str]
    carrier_code: str


class BulkLabeller:
    """Labels for many demo orders at once, with the shipping service's own rate shopping, tracking number
    formats and SSCCs; answers are memoised per destination and parcel set, since a demo repeats them."""

    def __init__(self, ctx: Context, now: datetime) -> None:
        self.settings = ctx.settings
        self.today = now.date()
        with ctx.sessions() as s:
            self.options = load_options(s)
            self.carriers = {c.id: c for c in s.scalars(select(Carrier))}
            for carrier in self.carriers.values():
                s.expunge(carrier)
            # service id -> (carrier id, the service's code inside its tracking numbers)
            self.services = {row.id: (row.carrier_id, row.format_code) for row in s.execute(
                select(CarrierService.id, CarrierService.carrier_id, CarrierService.format_code))}
        self.ship_dates = {o.code: ship_date_for(o, now.hour, self.today) for o in self.options}
        self._memo: dict[tuple, Quote | None] = {}
        self._baskets: dict[tuple, list | None] = {}
        self._destinations: dict[tuple, Destination] = {}
        with ctx.sessions() as s:
            # What default_parcels reads of a product, once for the whole job.
            self._products = {
                row.id: SimpleNamespace(weight_g=row.weight_g, length_mm=row.length_mm, width_mm=row.width_mm, height_mm=row.height_mm)
                for row in s.execute(select(Product.id, Product.weight_g, Product.length_mm, Product.width_mm, Product.height_mm))
            }

    def quote(self, session, order_ids: list[int]) -> dict[int, Labelled]:
        found: dict[int, Labelled] = {}
        if not order_ids:
            return found
        orders: dict[int, SimpleNamespace] = {}
        connection = session.connection()  # Core rows: the ORM's result layer adds nothing to these column reads
        order_columns, line_columns = Order.__table__.c, OrderLine.__table__.c
        for start in range(0, len(order_ids), 900):
            part = order_ids[start : start + 900]
            for order_id, number, level, *place in connection.execute(
                select(order_columns.id, order_columns.number, order_columns.service_level, order_columns.ship_country,
                       order_columns.ship_region, order_columns.ship_city, order_columns.ship_postcode)
                .where(order_columns.id.in_(part))
            ):
                place = tuple(place)
                if place not in self._destinations:
                    self._destinations[place] = Destination(*place)
                orders[order_id] = SimpleNamespace(number=number, lines=[], level=level, dest=self._destinations[place])
            for order_id, sku, quantity, product_id in connection.execute(
                select(line_columns.order_id, line_columns.sku, line_columns.quantity, line_columns.product_id)
                .where(line_columns.order_id.in_(part), line_columns.product_id.is_not(None))
            ):
                orders[order_id].lines.append(SimpleNamespace(sku=sku, quantity=quantity, product=self._products[product_id]))
        chosen: dict[int, tuple[Quote, list]] = {}
        for order_id, order in orders.items():
            specs = self._parcels(order)
            if specs is None:
                continue
            key = (order.dest.country, order.dest.region, order.level,
                   tuple((p.weight_g, p.length_mm, p.width_mm, p.height_mm) for p in specs))
            if key not in self._memo:
                try:
                    result = shop(self.options, order.dest, specs, Requirement.for_service_level(order.level, self.today), self.ship_dates)
                    self._memo[key] = result.best
                except StationError:
                    self._memo[key] = None
            if self._memo[key] is not None:
                chosen[order_id] = (self._memo[key], specs)
        by_carrier: dict[int, list[int]] = {}
        for order_id, (quote, specs) in chosen.items():
            carrier_id = self._carrier_of(quote)
            by_carrier.setdefault(carrier_id, []).append(order_id)
        # Serials are reserved in their own short transaction; a gap after a failure is harmless.
        for carrier_id, ids in by_carrier.items():
            carrier = self.carriers[carrier_id]
            count = sum(len(chosen[i][1]) for i in ids)
            tracking_counter, sscc_counter = f"tracking:{carrier.code}", f"sscc:{self.settings.gs1_company_prefix}"
            firsts = take_serials(session, {tracking_counter: count, sscc_counter: count})
            first_tn, first_sscc = firsts[tracking_counter], firsts[sscc_counter]
            n = 0
            for order_id in ids:
                quote, specs = chosen[order_id]
                numbers, ssccs = [], []
                for _ in specs:
                    numbers.append(tracking.make(carrier.tracking_format, first_tn + n, prefix=carrier.tracking_prefix,
                                                 country=carrier.origin_country, service_code=self._format_code(quote)))
                    ssccs.append(sscc_mod.make(self.settings.gs1_company_prefix, first_sscc + n))
                    n += 1
                found[order_id] = Labelled(quote, specs, numbers, ssccs, carrier.code)
        session.commit()
        return found

    def _parcels(self, order: SimpleNamespace) -> list | None:
        """The shipping service's default parcels for the order's lines (None: it cannot tell), memoised by the
        lines, since demo orders repeat the same few hundred baskets."""
        basket = tuple((line.sku, line.quantity) for line in order.lines)
        if basket not in self._baskets:
            try:
                specs = default_parcels(order)
            except StationError:
                specs = None
            # A demo parcel is weighed to the next 100 g, so a day's parcels share a few hundred quotes.
            self._baskets[basket] = (
                None if specs is None else [replace(spec, weight_g=-(-int(spec.weight_g) // 100) * 100) for spec in specs]
            )
        return self._baskets[basket]

    def _carrier_of(self, quote: Quote) -> int:
        return self.services[quote.service.service_id][0]

    def _format_code(self, quote: Quote) -> str:
        return self.services[quote.service.service_id][1]

    def event_data(self, labelled: Labelled) -> dict[str, Any]:
        return {
            "carrier": labelled.carrier_code, "service": labelled.quote.service.code,
            "tracking_numbers": labelled.tracking_numbers, "ssccs": labelled.ssccs, "parcels": len(labelled.specs),
            "price_cents": labelled.quote.price_cents, "overridden": False,
        }

    def write(self, session, labelled: dict[int, Labelled], labelled_at: dict[int, datetime],
              shipped_at: dict[int, datetime], final_status: dict[int, str]) -> None:
        rows = []
        tokens = _tracking_tokens(sum(len(info.specs) for info in labelled.values()))
        for order_id, info in labelled.items():
            at = labelled_at[order_id]
            quote = info.quote
            delivery = quote.expected_delivery + (at.date() - self.today)
            final = final_status[order_id]
            status = {lc.LABELLED: "labelled", lc.SHIPPED: "shipped", lc.DELIVERED: "delivered", lc.RETURNED: "returned"}[final]
            for i, spec in enumerate(info.specs):
                rows.append({
                    "order_id": order_id, "seq": i + 1, "count": len(info.specs), "weight_g": int(spec.weight_g or 0),
                    "length_mm": int(spec.length_mm or 0), "width_mm": int(spec.width_mm or 0),
                    "height_mm": int(spec.height_mm or 0), "carton": spec.carton,
                    "tracking_number": info.tracking_numbers[i], "sscc": info.ssccs[i],
                    "tracking_token": next(tokens), "carrier_id": self._carrier_of(quote),
                    "service_id": quote.service.service_id, "zone": quote.zone,
                    "rate_cents": quote.service.price_for(quote.zone, quote.chargeable_g[i]) or 0,
                    "chargeable_weight_g": quote.chargeable_g[i], "expected_delivery": delivery, "status": status,
                    "voided": False, "void_reason": "", "voided_at": None, "service_overridden": False, "reprints": 0,
                    "manifest_id": None, "labelled_at": at, "labelled_by": "packer", "shipped_at": shipped_at.get(order_id),
                })
        insert_rows(session, Parcel.__table__, rows)
