"""Read model of goods in: the deliveries list (``station deliveries list``, the Goods in screen). Reads only."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Warehouse
from db.models.goodsin import Delivery, DeliveryLine


@dataclass(frozen=True)
class DeliveryRow:
    number: str
    reference: str
    supplier: str
    warehouse: str
    expected_on: date | None
    status: str
    receiving_station: str
    lines: int
    expected: int
    received: int
    damaged: int

    def as_json(self) -> dict:
        row = asdict(self)
        row["expected_on"] = self.expected_on.isoformat() if self.expected_on else None
        return row


def deliveries(sessions: sessionmaker[Session], status: str | None = None, limit: int = 500) -> list[DeliveryRow]:
    """Deliveries, open ones first (the earliest expected first), then the most recently closed."""
    totals = (select(DeliveryLine.delivery_id, func.count().label("lines"), func.sum(DeliveryLine.expected).label("e"),
                     func.sum(DeliveryLine.received).label("r"), func.sum(DeliveryLine.damaged).label("d"))
              .group_by(DeliveryLine.delivery_id).subquery())
    query = (select(Delivery, Warehouse.code, totals.c.lines, totals.c.e, totals.c.r, totals.c.d)
             .join(Warehouse, Warehouse.id == Delivery.warehouse_id)
             .outerjoin(totals, totals.c.delivery_id == Delivery.id))
    if status:
        query = query.where(Delivery.status == status.strip().lower())
    closed_last = case((Delivery.status.in_(("expected", "receiving")), 0), else_=1)
    query = query.order_by(closed_last, Delivery.expected_on, Delivery.id.desc()).limit(limit)
    with sessions() as s:
        return [DeliveryRow(d.number, d.reference, d.supplier, code, d.expected_on, d.status, d.receiving_station,
                            int(lines or 0), int(e or 0), int(r or 0), int(dm or 0))
                for d, code, lines, e, r, dm in s.execute(query)]
