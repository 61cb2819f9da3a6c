"""Cycle counts (issue 18): one count of one bin at a time (``stock_counts``), every scan that counted units
(``stock_count_scans``: the audit trail, and a replayed scan's id counted once) and, once the count is closed, what
it found against the books (``stock_count_lines``). Posting a count changes stock through the ledger (reason
``count``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.lifecycle import COUNT_OPEN, COUNT_STATUSES, sql_in
from db.base import Base, BigId, UtcDateTime, utcnow

_OPEN = sql_in("status", COUNT_OPEN)


class StockCount(Base):
    __tablename__ = "stock_counts"
    __table_args__ = (
        CheckConstraint(sql_in("status", COUNT_STATUSES), name="known_status"),
        # One open count a bin, whatever runs at once: two stations cannot count the same bin.
        Index("ux_stock_counts_open_bin", "bin_id", unique=True, sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        # The count plan reads each bin's last posted count.
        Index("ix_stock_counts_bin", "bin_id", "status", "closed_at"),
        Index("ix_stock_counts_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # CC00000012 (said, typed, scanned)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id"))
    status: Mapped[str] = mapped_column(String(16), default="counting")
    station: Mapped[str] = mapped_column(String(64), default="", server_default="")
    counted_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    decided_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")


class StockCountScan(Base):
    __tablename__ = "stock_count_scans"
    __table_args__ = (
        UniqueConstraint("count_id", "scan_id"),
        Index("ix_stock_count_scans_count", "count_id", "product_id", "lot"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(String(64), default="", server_default="")
    expiry: Mapped[date | None] = mapped_column(Date, default=None)
    units: Mapped[int] = mapped_column(Integer)  # negative: a correction ("that one was counted twice")
    scan_id: Mapped[str | None] = mapped_column(String(64), default=None)
    user: Mapped[str] = mapped_column(String(100), default="", server_default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StockCountLine(Base):
    __tablename__ = "stock_count_lines"
    __table_args__ = (UniqueConstraint("count_id", "product_id", "lot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(String(64), default="", server_default="")
    expected: Mapped[int] = mapped_column(Integer)  # what the books said lay in the bin when the count closed
    counted: Mapped[int] = mapped_column(Integer)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
