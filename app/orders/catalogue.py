"""Read-mostly reference data held in memory for the length of one job: products, coupons, warehouses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.allocation import WarehouseInfo
from app.domain.lifecycle import IN_WAREHOUSE
from db.models import Coupon, Order, Product, ProductGtin, ProductRef, Replenishment, Warehouse, product_substitutes

RESTOCK_LEAD_DAYS = 7


@dataclass
class ProductInfo:
    id: int
    sku: str
    name: str
    category: str
    restricted: bool
    high_value: bool
    price_cents: int
    substitutes: list[int] = field(default_factory=list)


def normalise_gtin(code: str) -> str:
    digits = code.strip()
    return digits.zfill(14) if digits.isdigit() and len(digits) in (8, 12, 13, 14) else ""


class Catalogue:
    def __init__(self, session: Session) -> None:
        self.by_id: dict[int, ProductInfo] = {}
        self.by_sku: dict[str, ProductInfo] = {}
        for p in session.execute(
            select(Product.id, Product.sku, Product.name_en, Product.category, Product.restricted, Product.high_value, Product.price_cents)
        ):
            info = ProductInfo(p.id, p.sku, p.name_en, p.category, p.restricted, p.high_value, p.price_cents)
            self.by_id[p.id] = info
            self.by_sku[p.sku] = info
        self.by_gtin: dict[str, ProductInfo] = {
            row.gtin: self.by_id[row.product_id]
            for row in session.execute(select(ProductGtin.gtin, ProductGtin.product_id))
            if row.product_id in self.by_id
        }
        for row in session.execute(select(product_substitutes.c.product_id, product_substitutes.c.substitute_id)):
            if row.product_id in self.by_id:
                self.by_id[row.product_id].substitutes.append(row.substitute_id)
        # Other parties' article numbers (EDI orders): (kind, party, code), upper case.
        self.by_ref: dict[tuple[str, str, str], ProductInfo] = {
            (row.kind, row.party.strip().upper(), row.code.strip().upper()): self.by_id[row.product_id]
            for row in session.execute(select(ProductRef.kind, ProductRef.party, ProductRef.code, ProductRef.product_id))
            if row.product_id in self.by_id
        }
        self.coupons = {c.code.upper(): c for c in session.scalars(select(Coupon))}
        for coupon in self.coupons.values():
            session.expunge(coupon)

    def product(self, sku: str, gtin: str = "", refs: tuple[tuple[str, str, str], ...] = ()) -> ProductInfo | None:
        if refs:  # an EDI line: its GTIN, then the parties' numbers through the cross-references, then the SKU
            info = self.by_gtin.get(normalise_gtin(gtin)) if gtin else None
            for kind, party, code in refs:
                key = code.strip().upper()
                info = info or self.by_ref.get((kind, party.strip().upper(), key)) or self.by_ref.get((kind, "", key))
            if info is not None:
                return info
        info = self.by_sku.get(sku.strip()) if sku else None
        if info is None and gtin:
            info = self.by_gtin.get(normalise_gtin(gtin))
        if info is None and sku:
            info = self.by_gtin.get(normalise_gtin(sku))
        return info

    def coupon_value(self, code: str, goods_cents: int, on: date) -> int | None:
        """What the coupon takes off these goods on that day; None if it is unknown or not valid then."""
        coupon = self.coupons.get(code.strip().upper()) if code else None
        if coupon is None or not coupon.active:
            return None
        if (coupon.starts_on and on < coupon.starts_on) or (coupon.ends_on and on > coupon.ends_on):
            return None
        if goods_cents < coupon.min_goods_cents:
            return 0
        if coupon.kind == "percent":
            return (goods_cents * coupon.value + 50) // 100
        return min(coupon.value, goods_cents)


def load_warehouses(session: Session) -> dict[int, WarehouseInfo]:
    loads = dict(
        session.execute(
            select(Order.warehouse_id, func.count())
            .where(Order.status.in_(IN_WAREHOUSE), Order.warehouse_id.is_not(None))
            .group_by(Order.warehouse_id)
        ).all()
    )
    return {
        w.id: WarehouseInfo(w.id, w.code, (w.latitude, w.longitude), w.daily_capacity, loads.get(w.id, 0))
        for w in session.execute(
            select(Warehouse.id, Warehouse.code, Warehouse.latitude, Warehouse.longitude, Warehouse.daily_capacity).where(
                Warehouse.active.is_(True)
            )
        )
    }


def expected_restock(session: Session, product_ids: set[int], today: date) -> dict[int, date]:
    """The earliest date open replenishments promise, else today plus the usual lead time."""
    known: dict[int, date] = {}
    if product_ids:
        rows = session.execute(
            select(Replenishment.product_id, func.min(Replenishment.expected_on))
            .where(
                Replenishment.product_id.in_(product_ids),
                Replenishment.status.in_(("requested", "ordered")),
                Replenishment.expected_on.is_not(None),
                Replenishment.expected_on >= today,
            )
            .group_by(Replenishment.product_id)
        )
        known = {pid: day for pid, day in rows if day}
    default = today + timedelta(days=RESTOCK_LEAD_DAYS)
    return {pid: known.get(pid, default) for pid in product_ids}
