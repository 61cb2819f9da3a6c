"""Writing to the order's append-only timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.lifecycle import check_move
from app.uow import Actor
from db.base import utcnow
from db.models import Order, OrderEvent


def add_event(
    session: Session,
    order: Order,
    kind: str,
    actor: Actor,
    at: datetime | None = None,
    location: str | None = None,
    **data: Any,
) -> OrderEvent:
    event = OrderEvent(
        order_id=order.id,
        at=at or utcnow(),
        kind=kind,
        station=actor.station,
        user=actor.user,
        location=location,
        data=data,
    )
    session.add(event)
    return event


def move(session: Session, order: Order, new_status: str, actor: Actor, kind: str | None = None, **data: Any) -> OrderEvent:
    """Change the order's status (checked against the lifecycle) and record it on the timeline."""
    check_move(order.number, order.status, new_status)
    previous = order.status
    order.status = new_status
    return add_event(session, order, kind or new_status, actor, previous=previous, **data)
