"""The review desk (seed 2.1.2): a person looks at a held order and approves, holds, rejects or
cancels it, or fixes its address. Every action needs the reviewer's role, lands on the order's
timeline and notifies the other stations.

- approve: the flags are marked resolved and the order goes on through the confirmation service
  (payment, stock, allocation): the answer is its new status.
- hold: the order waits (``on_hold``) with a required reason.
- reject / cancel: the order is cancelled with a required reason; reserved stock is released.
  "Rejected" is the reviewer's verdict on a bad order (fraud, policy); "cancelled" is anything else
  (the customer asked, the goods are gone). Both end in ``cancelled``; the event kind tells them apart.
- fix address: the shipping address is corrected and the address rules run again: old address
  flags are resolved, new ones are raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.domain import lifecycle as lc
from app.domain.rules import AddressFacts, check_address
from app.errors import InvalidInput, StationError
from app.orders import queue as order_queue
from app.orders.common import load_order, order_transaction, required_reason
from app.orders.queue import QueueFilter
from app.orders.timeline import add_event, move
from app.sync import notify_change
from app.uow import Actor
from db.models import Customer, Order, OrderEvent, ReviewFlag

REVIEWABLE = frozenset({lc.REVIEW, lc.ON_HOLD})
REVIEW_ROLES = ("supervisor", "service")
ADDRESS_FIELDS = ("ship_name", "ship_company", "ship_address1", "ship_address2", "ship_city", "ship_region",
                  "ship_postcode", "ship_country", "ship_phone", "ship_email")


# --- what the desk shows --------------------------------------------------------------------------

@dataclass
class CustomerHistory:
    name: str
    email: str
    standing: str
    blocked_reason: str
    orders_count: int
    spent_cents: int
    returns_count: int
    chargebacks_count: int
    points_balance: int
    recent: list[tuple[str, str, int]] = field(default_factory=list)  # (number, status, goods_cents)


@dataclass
class ReviewCase:
    order: Order
    flags: list[ReviewFlag]
    customer: CustomerHistory | None
    events: list[OrderEvent]
    # (sku, name in the reader's language, quantity, unit price in cents), for the desk
    lines: list[tuple[str, str, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewEntry:
    number: str
    status: str
    priority: int
    open_flags: int


@dataclass(frozen=True)
class ReviewQueue:
    entries: list[ReviewEntry]
    total: int  # every order waiting, of which ``entries`` are the most urgent


def review_queue(session: Session, limit: int = 500) -> ReviewQueue:
    """Orders waiting for a person, most urgent first, read as the order queue reads them (one index walk per
    status): a desk with forty thousand held orders lists the first ``limit`` and counts the rest."""
    waiting = QueueFilter(statuses=tuple(sorted(REVIEWABLE)))
    rows = order_queue.window(session, waiting, 0, limit)
    open_flags = dict(session.execute(
        select(ReviewFlag.order_id, func.count())
        .where(ReviewFlag.order_id.in_([row.id for row in rows]), ReviewFlag.resolved.is_(False))
        .group_by(ReviewFlag.order_id)
    ).all()) if rows else {}
    entries = [ReviewEntry(row.number, row.status, row.priority, open_flags.get(row.id, 0)) for row in rows]
    total = len(entries) if len(entries) < limit else order_queue.count(session, waiting)
    return ReviewQueue(entries=entries, total=total)


def review_case(session: Session, number: str) -> ReviewCase:
    order = load_order(session, number)
    customer = None
    if order.customer_id is not None:
        c = session.get(Customer, order.customer_id)
        recent = session.execute(
            select(Order.number, Order.status, Order.goods_cents)
            .where(Order.customer_id == c.id, Order.id != order.id)
            .order_by(Order.placed_at.desc())
            .limit(10)
        ).all()
        customer = CustomerHistory(
            name=c.name, email=c.email, standing=c.credit_standing, blocked_reason=c.blocked_reason,
            orders_count=c.orders_count, spent_cents=c.spent_cents, returns_count=c.returns_count,
            chargebacks_count=c.chargebacks_count, points_balance=c.points_balance,
            recent=[tuple(r) for r in recent],
        )
    events = list(session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)))
    return ReviewCase(order=order, flags=list(order.flags), customer=customer, events=events)


def desk_queue(sessions: sessionmaker[Session], limit: int = 500) -> ReviewQueue:
    """The review desk's list (:func:`review_queue`) in its own read."""
    with sessions() as session:
        return review_queue(session, limit)


def desk_case(sessions: sessionmaker[Session], number: str, language: str) -> ReviewCase:
    """One order as the review desk shows it (:func:`review_case`), its lines named in ``language`` (the
    catalogue's Chinese name where it has one), read whole before the session closes."""
    with sessions() as session:
        case = review_case(session, number)
        case.lines = [(line.sku, line.product.name(language) if line.product else line.name, line.quantity,
                       line.unit_price_cents) for line in case.order.lines]
        return case


# --- actions --------------------------------------------------------------------------------------

def _reviewable(order: Order) -> None:
    if order.status not in REVIEWABLE:
        raise InvalidInput(f"order {order.number} is {order.status}, not waiting for review")


def approve(sessions: sessionmaker[Session], number: str, actor: Actor, note: str = "",
            expected_version: int | None = None) -> str:
    """Approve the order; it goes on through confirmation. Returns the new status."""
    require_role(actor, *REVIEW_ROLES)
    from app.orders.confirmation import confirm  # the lead's service: payment, stock, allocation

    with order_transaction(sessions, number) as uow:
        session = uow.session
        order = load_order(session, number, expected_version)
        _reviewable(order)
        unknown = [line.sku for line in order.lines if line.product_id is None]
        if unknown:
            raise InvalidInput(f"order {number} has lines with unknown SKUs ({', '.join(unknown)}): fix them first")
        resolved = [f.code for f in order.flags if not f.resolved]
        for flag in order.flags:
            flag.resolved = True
        add_event(session, order, "approved", actor, note=note.strip(), flags=resolved)
        if order.status == lc.ON_HOLD:
            # confirmation starts from review; a held order passes through it on the timeline.
            move(session, order, lc.REVIEW, actor, kind="released")
        status = confirm(session, order, actor)
        notify_change(session, "order", number)
        uow.commit()
        return status


def hold(sessions: sessionmaker[Session], number: str, reason: str, actor: Actor,
         expected_version: int | None = None) -> Order:
    require_role(actor, *REVIEW_ROLES)
    reason = required_reason(reason, "hold")
    with order_transaction(sessions, number) as uow:
        order = load_order(uow.session, number, expected_version)
        if order.status != lc.REVIEW:
            raise InvalidInput(f"order {number} is {order.status}: only an order in review can be held here")
        move(uow.session, order, lc.ON_HOLD, actor, kind="held", reason=reason)
        notify_change(uow.session, "order", number)
        uow.commit()
        return order


def _cancel(sessions, number: str, reason: str, actor: Actor, kind: str, verb: str,
            expected_version: int | None, only_reviewable: bool) -> Order:
    reason = required_reason(reason, verb)
    with order_transaction(sessions, number) as uow:
        session = uow.session
        order = load_order(session, number, expected_version)
        if only_reviewable:
            _reviewable(order)
        _release_reservations(session, order)
        station = order.station
        move(session, order, lc.CANCELLED, actor, kind=kind, reason=reason)
        notify_change(session, "order", number)
        if station is not None:
            notify_change(session, "station", station.name)
        uow.commit()
        return order


def reject(sessions: sessionmaker[Session], number: str, reason: str, actor: Actor,
           expected_version: int | None = None) -> Order:
    require_role(actor, *REVIEW_ROLES)
    return _cancel(sessions, number, reason, actor, "rejected", "reject", expected_version, only_reviewable=True)


def cancel(sessions: sessionmaker[Session], number: str, reason: str, actor: Actor,
           expected_version: int | None = None) -> Order:
    require_role(actor, *REVIEW_ROLES)
    return _cancel(sessions, number, reason, actor, "cancelled", "cancel", expected_version, only_reviewable=False)


def fix_address(sessions: sessionmaker[Session], number: str, changes: Mapping[str, Any], actor: Actor,
                expected_version: int | None = None) -> list[ReviewFlag]:
    """Correct the shipping address and run the address rules again; returns the open address flags."""
    require_role(actor, *REVIEW_ROLES)
    unknown = set(changes) - set(ADDRESS_FIELDS)
    if unknown:
        raise InvalidInput(f"not an address field: {', '.join(sorted(unknown))}")
    with order_transaction(sessions, number) as uow:
        session = uow.session
        order = load_order(session, number, expected_version)
        if order.status not in REVIEWABLE | {lc.RECEIVED, lc.BACKORDERED, lc.CONFIRMED, lc.ALLOCATED}:
            raise InvalidInput(f"order {number} is {order.status}: its address can no longer change")
        before = {f: getattr(order, f) for f in ADDRESS_FIELDS}
        for name, value in changes.items():
            setattr(order, name, str(value or "").strip())
        after = {f: getattr(order, f) for f in ADDRESS_FIELDS}
        diff = {k: [before[k], after[k]] for k in ADDRESS_FIELDS if before[k] != after[k]}
        if not diff:
            raise InvalidInput("the address is unchanged")
        if "ship_country" in diff:
            order.ship_country = order.ship_country.upper()
        new_flags = check_address(AddressFacts(
            name=order.ship_name, address1=order.ship_address1, city=order.ship_city,
            region=order.ship_region, postcode=order.ship_postcode, country=order.ship_country,
        ))
        for flag in order.flags:
            if flag.code.startswith("address_") and not flag.resolved:
                flag.resolved = True
        for flag in new_flags:
            order.flags.append(ReviewFlag(code=flag.code, message=flag.message))
        add_event(session, order, "address_fixed", actor, changes=diff, flags=[f.code for f in new_flags])
        notify_change(session, "order", number)
        uow.commit()
        return [f for f in order.flags if f.code.startswith("address_") and not f.resolved]


def _release_reservations(session: Session, order: Order) -> None:
    from app.orders.confirmation import release_reservations

    release_reservations(session, order)


__all__ = ["approve", "hold", "reject", "cancel", "fix_address", "review_queue", "review_case", "StationError"]
