"""The stock ledger: every change of on-hand stock, with who, when and why (migration 0021)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, UtcDateTime, utcnow


class StockLedgerEntry(Base):
    __tablename__ = "stock_ledger"
    __table_args__ = (
        Index("ix_stock_ledger_product", "product_id", "id"),
        Index("ix_stock_ledger_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(100), default="", server_default="")
    station: Mapped[str] = mapped_column(String(64), default="", server_default="")
    reason: Mapped[str] = mapped_column(String(32))  # opening, adjust, count, short_pick, return, receive, ship
    reference: Mapped[str] = mapped_column(String(200), default="", server_default="")
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    lot: Mapped[str] = mapped_column(String(64), default="", server_default="")
    before: Mapped[int] = mapped_column(Integer)
    after: Mapped[int] = mapped_column(Integer)
    delta: Mapped[int] = mapped_column(Integer)


class StockChange(Base):
    """A product whose sellable stock (on hand - reserved, outside quarantine) changed: written by database triggers
    on ``stock`` and ``bins`` (migration 0028), whatever changed it, in the changing transaction. The shops' stock
    sender reads the products changed after its cursor, coalesced, and sends their availability now
    (:mod:`app.catalogue.availability`)."""

    __tablename__ = "stock_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
