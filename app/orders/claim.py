"""A packer's "next order": the most urgent claimable order, taken atomically for one station.

Claiming moves the order to ``packing``: the packer at a station picks the order's lines into the
box and packs them in one go, so the station holds the order from the moment it is claimed
(an order already ``picked`` by a picker goes to ``packing`` the same way).

Atomicity: on PostgreSQL the candidate row is locked with ``FOR UPDATE SKIP LOCKED``, so stations
claiming at the same moment each skip the rows the others hold and never get the same order; on
SQLite the transaction begins with ``BEGIN IMMEDIATE`` (``db/session.py``), so claims are simply
serialised. Orders the supervisor assigned to this station come first, then unassigned orders by
priority (descending), promised ship time (soonest first, none last) and id.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from app.domain.lifecycle import CLAIMABLE, PACKING
from app.errors import NotFound
from app.admin.auth import require_role
from app.orders.timeline import move
from app.uow import Actor, UnitOfWork
from app.sync import notify_change
from db.models import Order, Station


def get_station(session: Session, name: str) -> Station:
    station = session.scalar(select(Station).where(Station.name == name))
    if station is None:
        from app.admin.sites import unknown_station_message

        raise NotFound(unknown_station_message(name))
    return station


def _candidates(station: Station) -> list[Select]:
    urgency = (Order.priority.desc(), Order.promised_ship_at.asc().nulls_last(), Order.id.asc())
    claimable = Order.status.in_(sorted(CLAIMABLE))
    mine = select(Order).where(claimable, Order.station_id == station.id).order_by(*urgency)
    free = select(Order).where(claimable, Order.station_id.is_(None))
    if station.warehouse_id is not None:
        free = free.where(Order.warehouse_id == station.warehouse_id)
    return [mine, free.order_by(*urgency)]


def claim_in_session(session: Session, station_name: str, actor: Actor) -> Order | None:
    """Claim within the caller's transaction (the caller commits)."""
    require_role(actor, "packer")
    station = get_station(session, station_name)
    postgres = session.get_bind().dialect.name == "postgresql"
    for query in _candidates(station):
        query = query.limit(1)
        if postgres:
            query = query.with_for_update(skip_locked=True, of=Order)
        order = session.scalars(query).first()
        if order is not None:
            break
    else:
        return None
    order.station_id = station.id
    move(session, order, PACKING, actor, kind="claimed", station=station.name)
    notify_change(session, "order", order.number)
    notify_change(session, "station", station.name)
    return order


def claim_next(sessions: sessionmaker[Session], station_name: str, actor: Actor) -> Order | None:
    """Claim the most urgent order for ``station_name`` in a transaction of its own; None if none waits."""
    with UnitOfWork(sessions) as uow:
        order = claim_in_session(uow.session, station_name, actor)
        if order is None:
            return None
        uow.commit()
        return order


def current_order(session: Session, station_name: str) -> Order | None:
    """The order the station is packing now (the one claimed last), if any."""
    station = get_station(session, station_name)
    return session.scalars(
        select(Order).where(Order.station_id == station.id, Order.status == PACKING).order_by(Order.updated_at.desc()).limit(1)
    ).first()
