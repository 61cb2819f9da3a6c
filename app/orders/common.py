"""Helpers the review and supervision services share: load an order by number, check its version."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.errors import ConcurrencyConflict, InvalidInput, NotFound
from app.uow import UnitOfWork
from db.models import Order


def load_order(session: Session, number: str, expected_version: int | None = None) -> Order:
    order = session.scalar(select(Order).where(Order.number == number))
    if order is None:
        raise NotFound(f"no order {number!r}")
    if expected_version is not None and order.version != expected_version:
        raise ConcurrencyConflict(
            f"order {number} was changed by someone else while you were looking at it; it has been reloaded, "
            "check it and try again"
        )
    return order


def required_reason(reason: str | None, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"a reason is required to {action} an order")
    return reason


@contextmanager
def order_transaction(sessions: sessionmaker[Session], number: str) -> Iterator[UnitOfWork]:
    """One unit of work; a concurrent change detected at flush (``orders.version``) becomes a clear message."""
    with UnitOfWork(sessions) as uow:
        try:
            yield uow
        except StaleDataError as exc:
            raise ConcurrencyConflict(
                f"order {number} was changed at another station at the same moment; it has been reloaded, try again"
            ) from exc
