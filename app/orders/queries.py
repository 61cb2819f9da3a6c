"""Read models of the orders for the screens and commands: plain values, one short read each, no change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import NotFound
from db.models import Order, OrderEvent, OrderLine, Station, Warehouse


def any_orders(sessions: sessionmaker[Session]) -> bool:
    """Whether the database holds an order at all (a fresh demo database holds none)."""
    with sessions() as s:
        return s.scalar(select(Order.id).limit(1)) is not None


def order_list(sessions: sessionmaker[Session], status: str | None, limit: int) -> list[dict[str, Any]]:
    """``station orders``: the newest orders, or those in one status in the queue's own order."""
    with sessions() as s:
        query = select(
            Order.number, Order.status, Order.channel, Order.external_id, Order.priority, Order.placed_at,
            Order.promised_ship_at, Order.ship_name, Order.ship_city, Order.ship_country, Order.goods_cents,
            Order.currency, Order.tracking_number,
        )
        if status:
            # The queue's own order, so the query walks the (status, priority, promised) index.
            query = query.where(Order.status == status).order_by(
                Order.status, Order.priority.desc(), Order.promised_ship_at, Order.id
            )
        else:
            query = query.order_by(Order.id.desc())
        return [row._asdict() for row in s.execute(query.limit(limit))]


def order_detail(sessions: sessionmaker[Session], number: str) -> dict[str, Any]:
    """One order by anything that names it (app.orders.references: our number, the shop's, a tracking number, an
    SSCC, the label's QR text, a return): lines, flags, timeline, in the shape of ``station order --json``."""
    from app.orders.references import find_order

    with sessions() as s:
        match = find_order(s, number)
        if match is None:
            raise NotFound(f"no order {number.strip()!r}")
        order = match.order
        station = s.scalar(select(Station.name).where(Station.id == order.station_id)) if order.station_id else None
        events = s.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.at, OrderEvent.id)).all()
        return {
            "number": order.number,
            "status": order.status,
            "channel": order.channel,
            "external_id": order.external_id,
            "shop_number": order.shop_number,
            "matched": match.matched,
            "priority": order.priority,
            "placed_at": order.placed_at.isoformat(),
            "promised_ship_at": order.promised_ship_at.isoformat() if order.promised_ship_at else None,
            "station": station,
            "warehouse": order.warehouse.code if order.warehouse else None,
            "tracking_number": order.tracking_number,
            "ship_to": {
                "name": order.ship_name, "address1": order.ship_address1, "address2": order.ship_address2,
                "city": order.ship_city, "region": order.ship_region, "postcode": order.ship_postcode,
                "country": order.ship_country,
            },
            "money": {
                "currency": order.currency, "goods": order.goods_cents, "coupon_code": order.coupon_code,
                "coupon": order.coupon_cents, "points_used": order.points_used, "points": order.points_cents,
                "shipping": order.shipping_cents, "paid": order.paid_cents, "payment_status": order.payment_status,
                "payment_reference": order.payment_reference,
            },
            "lines": [
                {"line": l.line_no, "sku": l.sku, "name": l.name, "quantity": l.quantity,
                 "unit_price": l.unit_price_cents, "picked": l.picked_quantity, "packed": l.packed_quantity}
                for l in order.lines
            ],
            "review_flags": [f.code for f in order.flags if not f.resolved],
            "flags": [{"code": f.code, "message": f.message, "resolved": f.resolved} for f in order.flags],
            "events": [
                {"at": e.at.isoformat(), "kind": e.kind, "station": e.station, "user": e.user, "location": e.location, "data": e.data}
                for e in events
            ],
            "version": order.version,
        }


def our_number(sessions: sessionmaker[Session], reference: str) -> str | None:
    """Our number of the order whatever names (app.orders.references: the shop's #1041, a label...), None when
    nothing does; a shop's number two orders share raises AmbiguousReference naming both."""
    from app.orders.references import find_order

    with sessions() as s:
        match = find_order(s, reference)
        return match.order.number if match is not None else None


def pack_progress(sessions: sessionmaker[Session], number: str) -> dict[str, Any]:
    """Where packing an order stands: its status, units packed of units ordered, its tracking number."""
    with sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        if order is None:
            raise NotFound(f"no order {number!r}")
        packed, quantity = s.execute(
            select(func.coalesce(func.sum(OrderLine.packed_quantity), 0), func.coalesce(func.sum(OrderLine.quantity), 0))
            .where(OrderLine.order_id == order.id)
        ).one()
        return {"status": order.status, "order": number, "packed": int(packed), "quantity": int(quantity),
                "tracking_number": order.tracking_number}


def our_numbers(sessions: sessionmaker[Session], references: list[str]) -> list[str]:
    """Our number for each text that names an order; a text that names none stays as it is."""
    from app.orders.references import find_order

    with sessions() as s:
        return [match.order.number if (match := find_order(s, text)) is not None else text for text in references]


def statuses(sessions: sessionmaker[Session], numbers: list[str]) -> dict[str, str]:
    """The status of each order number the database knows, by number."""
    with sessions() as s:
        return dict(s.execute(select(Order.number, Order.status).where(Order.number.in_(numbers))).all())


@dataclass(frozen=True)
class WarehouseChoice:
    code: str
    name: str
    name_zh: str | None

    def display_name(self, language: str = "en") -> str:
        """Its name in ``language``: the Chinese one where it has one."""
        return self.name_zh if (language or "").lower().startswith("zh") and self.name_zh else self.name


def warehouses(sessions: sessionmaker[Session]) -> list[WarehouseChoice]:
    """Every warehouse by code, for the screens' choices."""
    with sessions() as s:
        return [WarehouseChoice(w.code, w.name, w.name_zh) for w in s.scalars(select(Warehouse).order_by(Warehouse.code))]


def station_warehouse(sessions: sessionmaker[Session], station: str) -> str | None:
    """The code of the warehouse the station ``station`` works in ("" for none); None when the database does not
    know the station."""
    with sessions() as s:
        row = s.execute(select(Station.id, Warehouse.code).outerjoin(Warehouse, Warehouse.id == Station.warehouse_id)
                        .where(Station.name == station)).first()
    return None if row is None else (row.code or "")
