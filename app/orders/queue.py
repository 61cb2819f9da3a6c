"""The order queue as queries: filter, search, sort, count and fetch one window of rows.

Plain SQLAlchemy so the queue screen, the benchmark and the tests share it. Never loads every row:
the screen asks for the count and for windows of rows by offset as the user scrolls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.orders import references
from db.base import utcnow
from db.models import Customer, Order, OrderLine

UNASSIGNED = -1  # the station filter for "no station"

COLUMNS = ("number", "status", "priority", "channel", "customer", "warehouse", "station", "placed_at",
           "promised_ship_at", "tracking_number")
SORTABLE = {
    "number": (Order.number,),
    "status": (Order.status, Order.id),
    "priority": (Order.priority, Order.promised_ship_at, Order.id),
    "channel": (Order.channel, Order.id),
    "customer": (Order.ship_name, Order.id),
    "placed_at": (Order.placed_at, Order.id),
    "promised_ship_at": (Order.promised_ship_at, Order.id),
    "tracking_number": (Order.tracking_number, Order.id),
}


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[str, ...] = ()
    priority: int | None = None
    warehouse_id: int | None = None
    station_id: int | None = None  # UNASSIGNED for orders no station holds
    channel: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    search: str = ""
    sort: str = "urgency"  # "urgency" or a key of SORTABLE
    descending: bool = False

    def with_(self, **changes) -> QueueFilter:
        return replace(self, **changes)


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    status: str
    priority: int
    channel: str
    customer: str
    warehouse_id: int | None
    station_id: int | None
    placed_at: datetime
    promised_ship_at: datetime | None
    tracking_number: str | None
    version: int


_ROW_COLUMNS = (Order.id, Order.number, Order.status, Order.priority, Order.channel, Order.ship_name,
                Order.warehouse_id, Order.station_id, Order.placed_at, Order.promised_ship_at,
                Order.tracking_number, Order.version)


def _where(query: Select, f: QueueFilter, window: bool = False) -> Select:
    """The filter. For a window (rows in sort order) the broad filters (warehouse, no station,
    channel: a fifth of the orders or more each) are written so that no index serves them
    (``+ 0``, ``|| ''``): the database then walks the sort's index and skips rows, instead of
    sorting hundreds of thousands of rows found through the filter's index. Counts keep the index."""
    if f.statuses:
        query = query.where(Order.status.in_(f.statuses) if len(f.statuses) > 1 else Order.status == f.statuses[0])
    if f.priority is not None:
        query = query.where(Order.priority == f.priority)
    if f.warehouse_id is not None:
        query = query.where((Order.warehouse_id + 0 if window else Order.warehouse_id) == f.warehouse_id)
    if f.station_id == UNASSIGNED:
        query = query.where(func.coalesce(Order.station_id, 0) == 0 if window else Order.station_id.is_(None))
    elif f.station_id is not None:
        query = query.where(Order.station_id == f.station_id)
    if f.channel:
        query = query.where((Order.channel.concat("") if window else Order.channel) == f.channel)
    if f.placed_from is not None:
        query = query.where(Order.placed_at >= f.placed_from)
    if f.placed_to is not None:
        query = query.where(Order.placed_at < f.placed_to)
    text = f.search.strip()
    if text:
        # Exact or prefix matches that indexes answer: whatever names an order (app.orders.references: our
        # number, the shop's, a tracking number, an SSCC, a label's QR text, a return), an order number's
        # beginning, the channel's id, a SKU, a customer.
        customers = select(Customer.id).where(
            or_(Customer.email == text.lower(), Customer.name == text, Customer.phone == text)
        )
        query = query.where(
            or_(
                Order.id.in_(references.order_ids(references.parse(text))),
                Order.number.like(f"{_escape(text)}%", escape="\\"),
                Order.external_id == text,
                Order.tracking_number == text,
                Order.customer_id.in_(customers),
                Order.id.in_(select(OrderLine.order_id).where(OrderLine.sku == text)),
            )
        )
    return query


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


NARROW_DATE = timedelta(days=8)


def _order_by(f: QueueFilter) -> tuple:
    if f.sort == "urgency" or f.sort not in SORTABLE:
        priority = Order.priority
        if f.placed_from is not None and f.placed_to is None and utcnow() - f.placed_from <= NARROW_DATE:
            # A few days of orders: found through ix_orders_placed and sorted, not by walking the
            # whole urgency index for them (``+ 0`` keeps that index out of the ORDER BY).
            priority = Order.priority + 0
        if f.descending:
            return (priority.asc(), Order.promised_ship_at.desc(), Order.id.desc())
        return (priority.desc(), Order.promised_ship_at.asc(), Order.id.asc())
    return tuple(c.desc() if f.descending else c.asc() for c in SORTABLE[f.sort])


def count(session: Session, f: QueueFilter, cap: int | None = None) -> int:
    """How many orders match; with ``cap``, counting stops after ``cap`` rows (cheap on any size)."""
    if cap is None:
        return session.scalar(_where(select(func.count()).select_from(Order), f)) or 0
    capped = _where(select(Order.id), f).limit(cap).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0


# Up to this depth a several-status window is read as one indexed walk per status, merged.
MERGE_DEPTH = 5000
# From this depth on, a window is found by id first (see window()).
DEEP_OFFSET = 2000


def window(session: Session, f: QueueFilter, offset: int, limit: int) -> list[QueueRow]:
    if len(f.statuses) > 1 and (f.sort == "urgency" or f.sort not in SORTABLE) and offset + limit <= MERGE_DEPTH:
        return _merged_window(session, f, offset, limit)
    if offset >= DEEP_OFFSET:
        # Far down the queue: walk the index for the ids only (an index-only scan where the sort
        # and filter columns are indexed), then read the window's rows by id.
        ids = _where(select(Order.id), f, window=True).order_by(*_order_by(f)).offset(offset).limit(limit).subquery()
        query = select(*_ROW_COLUMNS).join(ids, ids.c.id == Order.id).order_by(*_order_by(f))
    else:
        query = _where(select(*_ROW_COLUMNS), f, window=True).order_by(*_order_by(f)).offset(offset).limit(limit)
    return [QueueRow(*row) for row in session.execute(query)]


def _merged_window(session: Session, f: QueueFilter, offset: int, limit: int) -> list[QueueRow]:
    """Several statuses by urgency: each status walks ix_orders_status_urgency for its first
    offset + limit rows, and the few are merged here, instead of the database sorting them all."""
    rows: list[QueueRow] = []
    for status in f.statuses:
        one = f.with_(statuses=(status,))
        query = _where(select(*_ROW_COLUMNS), one, window=True).order_by(*_order_by(one)).limit(offset + limit)
        rows += [QueueRow(*row) for row in session.execute(query)]
    far = datetime.max.replace(tzinfo=UTC)
    if f.descending:
        rows.sort(key=lambda r: (r.priority, -(r.promised_ship_at or far).timestamp(), -r.id))
    else:
        rows.sort(key=lambda r: (-r.priority, (r.promised_ship_at or far).timestamp(), r.id))
    return rows[offset:offset + limit]


def channels(session: Session) -> list[str]:
    return list(session.scalars(select(Order.channel).distinct().order_by(Order.channel)))


# --- the queue screen's reads, each in its own short session --------------------------------------------

def lookups(sessions) -> tuple[dict[int, str], dict[int, str]]:
    """Warehouse codes and station names by id, for the queue's columns."""
    from db.models import Station, Warehouse

    with sessions() as s:
        return dict(s.execute(select(Warehouse.id, Warehouse.code)).all()), dict(s.execute(select(Station.id, Station.name)).all())


def count_in(sessions, f: QueueFilter, cap: int | None = None) -> int:
    with sessions() as s:
        return count(s, f, cap)


def window_in(sessions, f: QueueFilter, offset: int, limit: int) -> list[QueueRow]:
    with sessions() as s:
        return window(s, f, offset, limit)


def first_page(sessions, f: QueueFilter, cap: int, limit: int) -> tuple[int, list[QueueRow]]:
    """The count (at most ``cap``) and the first window, read in one session."""
    with sessions() as s:
        total = count(s, f, cap=cap)
        return total, (window(s, f, 0, limit) if total else [])


def channels_in(sessions) -> list[str]:
    with sessions() as s:
        return channels(s)


def station_warehouse_id(sessions, station: str) -> int | None:
    """The id of the warehouse the station works in, None for none (or a station the database lacks)."""
    from db.models import Station

    with sessions() as s:
        return s.scalar(select(Station.warehouse_id).where(Station.name == station))


def current_number(sessions, station: str) -> str | None:
    """The number of the order the station is packing now, if any."""
    from app.orders.claim import current_order

    with sessions() as s:
        order = current_order(s, station)
        return order.number if order else None


@dataclass(frozen=True)
class Holder:
    """Where an order stands and who touched it last: the packer's screen tells why an order left it."""

    status: str
    station: str | None
    last_user: str | None
    last_station: str | None


def holder(sessions, number: str) -> Holder | None:
    from db.models import OrderEvent, Station

    with sessions() as s:
        row = s.execute(select(Order.id, Order.status, Station.name).outerjoin(Station, Station.id == Order.station_id)
                        .where(Order.number == number)).first()
        if row is None:
            return None
        last = s.execute(select(OrderEvent.user, OrderEvent.station).where(OrderEvent.order_id == row.id)
                         .order_by(OrderEvent.id.desc()).limit(1)).first()
    return Holder(row.status, row.name, last.user if last else None, last.station if last else None)
