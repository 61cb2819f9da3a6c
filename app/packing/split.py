"""A partial shipment (a supervisor approved it): the order keeps what is packed and ships; what is not
packed becomes an order of its own, ``NUMBER-R1`` (then ``-R2``...), which either stays open (``allocated``,
its reserved stock moved with it) or goes to ``backorder`` (its reserved stock given back).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import lifecycle as lc
from app.orders.confirmation import release_reservations
from app.orders.timeline import add_event, move
from app.sync import notify_change
from app.uow import Actor
from db.models import Order, OrderLine, Reservation

_COPIED = (
    "channel", "priority", "placed_at", "promised_ship_at", "service_level", "customer_id", "ship_name", "ship_company",
    "ship_address1", "ship_address2", "ship_city", "ship_region", "ship_postcode", "ship_country", "ship_phone",
    "ship_email", "currency", "payment_status", "payment_reference", "warehouse_id",
)


def _rest_number(session: Session, order: Order) -> tuple[str, str]:
    n = 1
    while session.scalar(select(Order.id).where(Order.number == f"{order.number}-R{n}")) is not None:
        n += 1
    return f"{order.number}-R{n}", f"{order.external_id}#R{n}"


def split_rest(session: Session, order: Order, lines: list[OrderLine], actor: Actor, *, backorder: bool) -> Order:
    """Move the unpacked remainder of ``order`` to a new order; ``order`` keeps exactly what is packed."""
    number, external = _rest_number(session, order)
    rest = Order(number=number, external_id=external, status=lc.RECEIVED, goods_cents=0, paid_cents=0,
                 note=f"rest of order {order.number} (partial shipment)", **{k: getattr(order, k) for k in _COPIED})
    session.add(rest)
    session.flush()
    moved: list[dict] = []
    line_no = 0
    for line in lines:
        left = line.quantity - line.packed_quantity
        if left <= 0:
            continue
        line_no += 1
        new_line = OrderLine(order_id=rest.id, line_no=line_no, sku=line.sku, gtin=line.gtin, product_id=line.product_id,
                             name=line.name, quantity=left, unit_price_cents=line.unit_price_cents,
                             picked_quantity=max(line.picked_quantity - line.packed_quantity, 0), packed_quantity=0)
        session.add(new_line)
        session.flush()
        _move_reservations(session, line, new_line, left, rest.id)
        moved.append({"sku": line.sku, "quantity": left})
        if line.packed_quantity == 0:
            order.lines.remove(line)
            session.delete(line)
        else:
            line.quantity = line.packed_quantity
            line.picked_quantity = min(line.picked_quantity, line.quantity)
    session.flush()
    add_event(session, order, "split", actor, rest=number, lines=moved, backorder=backorder)
    add_event(session, rest, "split_from", actor, from_order=order.number, lines=moved)
    if backorder:
        release_reservations(session, rest)
        move(session, rest, lc.BACKORDERED, actor, kind="backordered", reason=f"rest of {order.number}")
    else:
        move(session, rest, lc.ALLOCATED, actor, kind="allocated", reason=f"rest of {order.number}")
    notify_change(session, "order", number)
    return rest


def _move_reservations(session: Session, old: OrderLine, new: OrderLine, units: int, new_order_id: int) -> None:
    """Hand ``units`` of the old line's reserved stock to the new line (splitting a reservation row if needed)."""
    rows = list(session.scalars(select(Reservation).where(Reservation.line_id == old.id).order_by(Reservation.id.desc())))
    for row in rows:
        if units <= 0:
            break
        if row.quantity <= units:
            row.order_id, row.line_id = new_order_id, new.id
            units -= row.quantity
        else:
            row.quantity -= units
            session.add(Reservation(order_id=new_order_id, line_id=new.id, stock_id=row.stock_id, quantity=units))
            units = 0
    session.flush()
