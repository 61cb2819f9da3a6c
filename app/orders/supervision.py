"""The supervisor's hand on the floor (3.1.2): reassign orders between stations and warehouses, change
priority, hold and release; and what the board shows for each station.

Every action checks the role, records an event on the order's timeline, notifies the other
stations (``app.sync.notify_change``) and honours ``orders.version``: a caller that passes the
version it showed gets :class:`~app.errors.ConcurrencyConflict` if someone changed the order since.

An order taken away from a station in the middle of packing goes back to the queue for its new
station (or for whichever station claims it next): ``picked`` when every unit is picked (they wait
in the tote or the open box), else ``allocated`` for the units still to pick. Its lines keep their
picked and packed quantities (a unit in a box counts as picked, so nobody is sent to pick it again),
and the packer who gets it goes on where the first one stopped. A ``packed`` or ``labelled`` order
no longer belongs to a station: its boxes are closed and it waits at the shipping desk, so moving it
is refused with the reason; hold it if something is wrong with it. The station it was taken from
hears of it through the change notification for its own name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.domain import lifecycle as lc
from app.errors import InvalidInput, NotFound
from app.admin.auth import require_role
from app.orders.common import load_order, order_transaction, required_reason
from app.orders.timeline import add_event, move
from app.uow import Actor
from app.sync import notify_change
from db.base import utcnow
from db.models import Order, OrderEvent, OrderLine, Station, User, Warehouse

FINISHED = frozenset({lc.SHIPPED, lc.DELIVERED, lc.CANCELLED, lc.RETURNED})
# Past the station: boxes closed, waiting for the label or the carrier. Such an order is not moved between stations.
SEALED = frozenset({lc.PACKED, lc.LABELLED})
# Before picking starts an order may move to another warehouse.
WAREHOUSE_MOVABLE = frozenset({lc.RECEIVED, lc.REVIEW, lc.ON_HOLD, lc.BACKORDERED, lc.CONFIRMED, lc.ALLOCATED})
# The timeline events that count as an order done at a station.
DONE_KINDS = ("packed",)
PRIORITIES = (0, 1, 2)
# A running station says it is alive every HEARTBEAT; one silent for PRESENCE_TIMEOUT (a crash, a pulled
# cable, a power cut: nobody logged out) is shown as gone, not as someone at work.
HEARTBEAT = timedelta(seconds=30)
PRESENCE_TIMEOUT = timedelta(seconds=90)


def _station(session: Session, name: str) -> Station:
    from app.admin.sites import require_station

    return require_station(session, name)


def _station_name(session: Session, station_id: int | None) -> str | None:
    if station_id is None:
        return None
    return session.scalar(select(Station.name).where(Station.id == station_id))


# --- orders ---------------------------------------------------------------------------------------

def reassign_station(
    sessions: sessionmaker[Session],
    number: str,
    station_name: str | None,
    actor: Actor,
    expected_version: int | None = None,
) -> Order:
    """Give the order to ``station_name`` (None: to whichever station claims it next)."""
    require_role(actor, "supervisor")
    with order_transaction(sessions, number) as uow:
        session = uow.session
        order = load_order(session, number, expected_version)
        if order.status in FINISHED:
            raise InvalidInput(f"order {number} is {order.status} and cannot be reassigned")
        if order.status in SEALED:
            raise InvalidInput(
                f"order {number} is already {order.status}: its boxes are closed and it waits at the shipping desk, "
                f"so it does not go back to the queue or to another station (hold it if something is wrong with it)"
            )
        target = _station(session, station_name) if station_name else None
        if target is not None and target.warehouse_id and order.warehouse_id and target.warehouse_id != order.warehouse_id:
            raise InvalidInput(
                f"station {target.name} works in another warehouse than order {number}: move the order's warehouse first"
            )
        old_name = _station_name(session, order.station_id)
        new_name = target.name if target else None
        if old_name == new_name:
            return order
        order.station_id = target.id if target else None
        data = {"from_station": old_name, "to_station": new_name}
        if order.status == lc.PACKING:
            # Taken away mid-pack: back to the queue for the new station, progress on the lines kept.
            move(session, order, _back_to_queue(session, order), actor, kind="reassigned", **data)
        else:
            add_event(session, order, "reassigned", actor, **data)
        notify_change(session, "order", number)
        for name in {old_name, new_name} - {None}:
            notify_change(session, "station", name)
        uow.commit()
        return order


def reassign_warehouse(
    sessions: sessionmaker[Session],
    number: str,
    warehouse_code: str,
    actor: Actor,
    expected_version: int | None = None,
) -> Order:
    """Move an order that is not being worked on yet to another warehouse."""
    require_role(actor, "supervisor")
    with order_transaction(sessions, number) as uow:
        session = uow.session
        order = load_order(session, number, expected_version)
        warehouse = session.scalar(select(Warehouse).where(Warehouse.code == warehouse_code))
        if warehouse is None:
            raise NotFound(f"no warehouse {warehouse_code!r}")
        if order.status not in WAREHOUSE_MOVABLE:
            raise InvalidInput(f"order {number} is {order.status}: only an order not yet in picking can change warehouse")
        if order.warehouse_id == warehouse.id:
            return order
        old_code = session.scalar(select(Warehouse.code).where(Warehouse.id == order.warehouse_id)) if order.warehouse_id else None
        old_station = _station_name(session, order.station_id)
        order.station_id = None
        add_event(session, order, "warehouse_changed", actor, from_warehouse=old_code, to_warehouse=warehouse.code)
        if order.status in (lc.ALLOCATED, lc.BACKORDERED):
            # Stock reserved in the old warehouse goes back; the new one reserves through confirmation.
            from app.orders.confirmation import confirm

            if order.status == lc.ALLOCATED:
                move(session, order, lc.BACKORDERED, actor, kind="reallocating", to_warehouse=warehouse.code)
            confirm(session, order, actor, only_warehouse=warehouse.id)
        order.warehouse_id = warehouse.id
        notify_change(session, "order", number)
        if old_station:
            notify_change(session, "station", old_station)
        uow.commit()
        return order


def set_priority(
    sessions: sessionmaker[Session], number: str, priority: int, actor: Actor, expected_version: int | None = None
) -> Order:
    require_role(actor, "supervisor")
    if priority not in PRIORITIES:
        raise InvalidInput("priority is 0 (normal), 1 (high) or 2 (urgent)")
    with order_transaction(sessions, number) as uow:
        order = load_order(uow.session, number, expected_version)
        if order.status in FINISHED:
            raise InvalidInput(f"order {number} is {order.status}; its priority no longer matters")
        if order.priority == priority:
            return order
        add_event(uow.session, order, "priority_changed", actor, previous=order.priority, priority=priority)
        order.priority = priority
        notify_change(uow.session, "order", number)
        uow.commit()
        return order


def hold(sessions: sessionmaker[Session], number: str, reason: str, actor: Actor, expected_version: int | None = None) -> Order:
    """Stop the order where it is (a required reason); a station packing it is told."""
    require_role(actor, "supervisor", "service")
    reason = required_reason(reason, "hold")
    with order_transaction(sessions, number) as uow:
        session = uow.session
        order = load_order(session, number, expected_version)
        if order.status == lc.ON_HOLD:
            raise InvalidInput(f"order {number} is already on hold")
        station = _station_name(session, order.station_id)
        move(session, order, lc.ON_HOLD, actor, kind="held", reason=reason, station_at_hold=station)
        notify_change(session, "order", number)
        if station:
            notify_change(session, "station", station)
        uow.commit()
        return order


def release(sessions: sessionmaker[Session], number: str, actor: Actor, expected_version: int | None = None) -> Order:
    """Let a held order go on: back to where it was held, or to the queue if it was being worked on."""
    require_role(actor, "supervisor", "service")
    with order_transaction(sessions, number) as uow:
        session = uow.session
        order = load_order(session, number, expected_version)
        if order.status != lc.ON_HOLD:
            raise InvalidInput(f"order {number} is {order.status}, not on hold")
        previous = session.scalar(
            select(OrderEvent.data)
            .where(OrderEvent.order_id == order.id, OrderEvent.kind.in_(("held", lc.ON_HOLD)))
            .order_by(OrderEvent.id.desc())
            .limit(1)
        )
        before = (previous or {}).get("previous")
        if before and lc.can_move(lc.ON_HOLD, before):
            target = before
        elif order.warehouse_id is not None and before in lc.IN_WAREHOUSE:
            target = _back_to_queue(session, order)
        else:
            target = lc.REVIEW
        move(session, order, target, actor, kind="released")
        notify_change(session, "order", number)
        uow.commit()
        return order


def _back_to_queue(session: Session, order: Order) -> str:
    """Where an order taken off a station's bench waits: ``picked`` when every unit is picked, else
    ``allocated``. A unit already packed is a picked unit (a bench that packs an allocated order picks
    as it packs): the lines say so, so no pick cart is sent for it again."""
    lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
    for line in lines:
        if line.packed_quantity > line.picked_quantity:
            line.picked_quantity = min(line.packed_quantity, line.quantity)
    if lines and all(line.picked_quantity >= line.quantity for line in lines):
        return lc.PICKED
    return lc.ALLOCATED


# --- stations -------------------------------------------------------------------------------------

def ensure_station(sessions: sessionmaker[Session], name: str, warehouse_code: str = "", *,
                   register: bool = False) -> Station:
    """The station row for this machine's config. A name the database does not know is refused, naming the command
    that registers it (``station stations add NAME``); only the demo and the benchmarks register theirs here
    (``register=True``)."""
    from app.admin.sites import unknown_station_message

    name = name.strip()
    if not name:
        raise InvalidInput("the station needs a name")
    with order_transaction(sessions, name) as uow:
        station = uow.session.scalar(select(Station).where(Station.name == name))
        if station is None and not register:
            raise NotFound(unknown_station_message(name))
        warehouse_id = None
        if warehouse_code:
            warehouse_id = uow.session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
            if warehouse_id is None:
                raise NotFound(f"no warehouse {warehouse_code!r}")
        if station is None:
            station = Station(name=name, warehouse_id=warehouse_id)
            uow.session.add(station)
        elif warehouse_code and station.warehouse_id != warehouse_id:
            station.warehouse_id = warehouse_id
        else:
            return station
        uow.session.flush()
        notify_change(uow.session, "station", name)
        uow.commit()
        return station


def set_station_warehouse(sessions: sessionmaker[Session], name: str, warehouse_code: str, actor: Actor) -> Station:
    """Move the station to another warehouse ("" for none: it then packs for any warehouse). Its pick screen and
    "Next order" work there from the next order on; a station the database does not know is refused."""
    require_role(actor, "admin")
    name = name.strip()
    if not name:
        raise InvalidInput("the station needs a name")
    with order_transaction(sessions, name) as uow:
        session = uow.session
        warehouse_id = None
        if warehouse_code:
            warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
            if warehouse_id is None:
                raise NotFound(f"no warehouse {warehouse_code!r}")
        station = session.scalar(select(Station).where(Station.name == name))
        if station is None:
            from app.admin.sites import unknown_station_message

            raise NotFound(unknown_station_message(name))
        if station.warehouse_id == warehouse_id:
            return station
        station.warehouse_id = warehouse_id
        session.flush()
        notify_change(session, "station", name)
        uow.commit()
        return station


def sign_in(sessions: sessionmaker[Session], station_name: str, user_id: int | None) -> None:
    """Record who is logged in at the station (None: nobody), for the supervisor board."""
    with order_transaction(sessions, station_name) as uow:
        station = _station(uow.session, station_name)
        now = utcnow()
        station.user_id = user_id
        station.logged_in_at = now if user_id is not None else None
        station.last_seen_at = now
        notify_change(uow.session, "station", station_name)
        uow.commit()


def heartbeat(sessions: sessionmaker[Session], station_name: str) -> None:
    """The station is alive: one UPDATE, no notification (the board reads presence on its own clock)."""
    with sessions() as s:
        s.execute(update(Station).where(Station.name == station_name).values(last_seen_at=utcnow()))
        s.commit()


@dataclass(frozen=True)
class StationStats:
    name: str
    warehouse: str | None
    kind: str
    user: str | None
    logged_in_at: datetime | None
    current_order: str | None
    done_today: int
    done_last_hour: int
    per_hour: float
    last_seen_at: datetime | None = None
    silent: bool = False  # someone logged in, but the station has not been heard of for PRESENCE_TIMEOUT


def station_stats(session: Session, now: datetime | None = None) -> list[StationStats]:
    """Each station: who is logged in, the current order, orders done today and per hour."""
    now = now or utcnow()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    hour_ago = now - timedelta(hours=1)
    rows = session.execute(
        select(Station.name, Station.kind, Warehouse.code, User.display_name, Station.logged_in_at,
               Station.last_seen_at)
        .outerjoin(Warehouse, Warehouse.id == Station.warehouse_id)
        .outerjoin(User, User.id == Station.user_id)
        .order_by(Station.name)
    ).all()
    current = dict(
        session.execute(
            select(Station.name, func.max(Order.number))
            .join(Order, Order.station_id == Station.id)
            .where(Order.status == lc.PACKING)
            .group_by(Station.name)
        ).all()
    )
    done_today = dict(
        session.execute(
            select(OrderEvent.station, func.count())
            .where(OrderEvent.kind.in_(DONE_KINDS), OrderEvent.at >= midnight)
            .group_by(OrderEvent.station)
        ).all()
    )
    done_hour = dict(
        session.execute(
            select(OrderEvent.station, func.count())
            .where(OrderEvent.kind.in_(DONE_KINDS), OrderEvent.at >= hour_ago)
            .group_by(OrderEvent.station)
        ).all()
    )
    hours = max((now - midnight).total_seconds() / 3600, 1.0)
    stats = []
    for name, kind, warehouse, user, logged_in_at, last_seen_at in rows:
        today = done_today.get(name, 0)
        stats.append(
            StationStats(
                name=name,
                warehouse=warehouse,
                kind=kind,
                user=user,
                logged_in_at=logged_in_at,
                current_order=current.get(name),
                done_today=today,
                done_last_hour=done_hour.get(name, 0),
                per_hour=round(today / hours, 1),
                last_seen_at=last_seen_at,
                silent=user is not None and (last_seen_at is None or now - last_seen_at > PRESENCE_TIMEOUT),
            )
        )
    return stats


def stations_now(sessions: sessionmaker[Session], now: datetime | None = None) -> list[StationStats]:
    """The supervisor board's stations (a read): see ``station_stats``."""
    with sessions() as session:
        return station_stats(session, now)
