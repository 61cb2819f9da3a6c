"""Stock to the shop (issue 18, item 7): what a shop may sell of each product, and which products changed.

``available = on hand - reserved - quarantined``, over the warehouses a channel sells from: stock in a quarantine
bin is not for sale, nor units of a lot already past its expiry date. Database triggers (migration 0028) write a
``stock_changes`` row in the transaction of every change of sellable stock, whichever service or statement made it;
:func:`changes_since` reads the products changed after a cursor, coalesced (a product changed a hundred times is sent
once, with its availability now), so a sender can resume after a crash from the last cursor it sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Bin, Product, Stock, Warehouse
from db.models.stock import StockChange

_CHUNK = 900


@dataclass(frozen=True)
class Availability:
    sku: str
    on_hand: int
    reserved: int
    quarantined: int  # on hand in quarantine bins, or of a lot past its expiry
    available: int  # on_hand - reserved - quarantined, never below 0


@dataclass(frozen=True)
class StockChanges:
    cursor: int  # the last stock_changes id read: the next call starts after it
    products: list[Availability]

    def as_json(self) -> dict:
        return {"cursor": self.cursor, "stock": [p.__dict__ for p in self.products]}


def availability(session: Session, product_ids: Iterable[int], warehouses: Iterable[str] = (),
                 today: date | None = None) -> list[Availability]:
    """Each product's availability (in ``warehouses``, by code; all when none are named), by SKU."""
    ids = sorted(set(product_ids))
    today = today or date.today()
    codes = [c.strip().upper() for c in warehouses if c.strip()]
    joined = Stock.product_id == Product.id
    if codes:  # in the join: a product with no stock in these warehouses is there, with 0
        joined = and_(joined, Stock.warehouse_id.in_(select(Warehouse.id).where(Warehouse.code.in_(codes))))
    unsellable = Bin.quarantine.is_(True) | (Stock.expiry.is_not(None) & (Stock.expiry < today))
    found: list[Availability] = []
    for start in range(0, len(ids), _CHUNK):
        query = (select(Product.sku, func.coalesce(func.sum(Stock.on_hand), 0), func.coalesce(func.sum(Stock.reserved), 0),
                        func.coalesce(func.sum(case((unsellable, Stock.on_hand - Stock.reserved), else_=0)), 0))
                 .select_from(Product).outerjoin(Stock, joined).outerjoin(Bin, Bin.id == Stock.bin_id)
                 .where(Product.id.in_(ids[start:start + _CHUNK])).group_by(Product.sku))
        for sku, on_hand, reserved, quarantined in session.execute(query):
            on_hand, reserved, quarantined = int(on_hand), int(reserved), int(quarantined)
            found.append(Availability(sku, on_hand, reserved, quarantined, max(0, on_hand - reserved - quarantined)))
    return sorted(found, key=lambda a: a.sku)


def available(sessions: sessionmaker[Session], skus: Iterable[str], warehouses: Iterable[str] = ()) -> list[Availability]:
    """The availability of products named by SKU (unknown SKUs are left out)."""
    with sessions() as s:
        wanted = [sku.strip() for sku in skus if sku.strip()]
        ids = [pid for start in range(0, len(wanted), _CHUNK)
               for pid in s.scalars(select(Product.id).where(Product.sku.in_(wanted[start:start + _CHUNK])))]
        return availability(s, ids, warehouses)


def changes_since(sessions: sessionmaker[Session], cursor: int = 0, limit: int = 10_000,
                  warehouses: Iterable[str] = ()) -> StockChanges:
    """The products whose sellable stock changed after ``cursor`` (at most ``limit`` change rows read), each once,
    with its availability now; the cursor to resume from."""
    with sessions() as s:
        rows = s.execute(select(StockChange.id, StockChange.product_id).where(StockChange.id > cursor)
                         .order_by(StockChange.id).limit(limit)).all()
        if not rows:
            return StockChanges(cursor, [])
        return StockChanges(rows[-1][0], availability(s, {pid for _, pid in rows}, warehouses))
