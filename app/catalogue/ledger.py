"""The one way on-hand stock changes: :func:`change_on_hand` sets the stock row and writes its line on the
stock ledger (who, when, why, product, bin, lot, before, after, delta, reference) in the caller's
transaction. Reserving is not a change of on-hand stock and writes nothing here."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.uow import Actor
from db.base import utcnow
from db.models import Reservation, Stock
from db.models.stock import StockLedgerEntry

# Why stock changed; the ledger's ``reason`` column holds one of these.
REASONS = ("opening", "adjust", "count", "short_pick", "return", "receive", "ship")


def who(actor: Actor) -> tuple[str, str]:
    return (actor.user or "")[:100], (actor.station or "")[:64]


def change_on_hand(session: Session, stock: Stock, delta: int, reason: str, actor: Actor, reference: str = "") -> StockLedgerEntry | None:
    """Add ``delta`` (negative takes away) to the stock row's on-hand count and record it; None when delta is 0."""
    if reason not in REASONS:
        raise ValueError(f"unknown stock ledger reason {reason!r}")
    if delta == 0:
        return None
    before = stock.on_hand or 0
    after = before + delta
    if after < 0:
        raise InvalidInput(f"stock of product {stock.product_id} in bin {stock.bin_id}: {before} on hand, cannot take {-delta}")
    if after < (stock.reserved or 0):
        raise InvalidInput(f"stock of product {stock.product_id} in bin {stock.bin_id}: {stock.reserved} reserved, "
                           f"cannot bring on hand down to {after}")
    stock.on_hand = after
    user, station = who(actor)
    entry = StockLedgerEntry(at=utcnow(), user=user, station=station, reason=reason, reference=reference[:200],
                             product_id=stock.product_id, bin_id=stock.bin_id, warehouse_id=stock.warehouse_id,
                             lot=stock.lot or "", before=before, after=after, delta=delta)
    session.add(entry)
    return entry


def ship_reserved(session: Session, order_id: int, actor: Actor, reference: str = "") -> int:
    """The order has left the building: the units reserved for it leave the shelf. Each stock row's
    reservation is consumed and its on-hand count lowered, with a ``ship`` line on the ledger a row; the
    order's reservations are gone afterwards. Returns the units shipped (0 when nothing was reserved)."""
    held = session.execute(
        select(Reservation.stock_id, func.sum(Reservation.quantity))
        .where(Reservation.order_id == order_id).group_by(Reservation.stock_id).order_by(Reservation.stock_id)
    ).all()
    shipped = 0
    for stock_id, quantity in held:
        # Locked (PostgreSQL) and read fresh: another station's close-out or return may be changing this row.
        stock = session.get(Stock, stock_id, with_for_update=True, populate_existing=True)
        if stock is None:
            continue
        quantity = int(quantity)
        stock.reserved = max(0, (stock.reserved or 0) - quantity)
        change_on_hand(session, stock, -min(quantity, stock.on_hand or 0), "ship", actor, reference)
        shipped += quantity
    if held:
        session.execute(delete(Reservation).where(Reservation.order_id == order_id))
    return shipped
