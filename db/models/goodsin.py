"""Goods in (issue 18): deliveries a supplier announced (or a replenishment asked for), the packages (SSCCs) and
lines they hold, and every unit received against them until it is put away or set apart in quarantine.

A delivery is received at one station at a time (``receiving_station``). ``receipt_entries`` is the receiving
journal: one row a scan that counted units, with the scan's id so the same scan replayed never counts twice; the
stock changes when an entry is put away (``app.catalogue.ledger``, reason ``receive``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.lifecycle import DELIVERY_STATUSES, RECEIPT_STATES, sql_in
from db.base import Base, BigId, UtcDateTime, utcnow


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("supplier", "reference"),
        CheckConstraint(sql_in("status", DELIVERY_STATUSES), name="known_status"),
        Index("ix_deliveries_status", "status", "expected_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # ours, e.g. GI00000012 (printed, scanned)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    supplier: Mapped[str] = mapped_column(String(200), default="", server_default="")
    reference: Mapped[str] = mapped_column(String(64))  # the supplier's despatch advice or delivery note number
    purchase_order: Mapped[str] = mapped_column(String(64), default="", server_default="")
    expected_on: Mapped[date | None] = mapped_column(Date, default=None)
    source: Mapped[str] = mapped_column(String(16), default="manual")  # csv, desadv, ordrsp, replenishment, manual
    status: Mapped[str] = mapped_column(String(16), default="expected")
    receiving_station: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    closed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")

    lines: Mapped[list[DeliveryLine]] = relationship(back_populates="delivery", order_by="DeliveryLine.line_no")
    packages: Mapped[list[DeliveryPackage]] = relationship(back_populates="delivery", order_by="DeliveryPackage.id")


class DeliveryPackage(Base):
    """A pallet or case announced with its SSCC: scanning its label opens the delivery."""

    __tablename__ = "delivery_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    sscc: Mapped[str] = mapped_column(String(18), unique=True)

    delivery: Mapped[Delivery] = relationship(back_populates="packages")


class DeliveryLine(Base):
    __tablename__ = "delivery_lines"
    __table_args__ = (
        UniqueConstraint("delivery_id", "line_no"),
        CheckConstraint("expected >= 0", name="expected_not_negative"),
        CheckConstraint("received >= 0 AND damaged >= 0", name="counts_not_negative"),
        Index("ix_delivery_lines_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    expected: Mapped[int] = mapped_column(Integer)  # 0 for an item that came without being announced
    received: Mapped[int] = mapped_column(Integer, default=0)  # good units counted in (put away or waiting)
    damaged: Mapped[int] = mapped_column(Integer, default=0)  # units set apart in quarantine
    lot: Mapped[str] = mapped_column(String(64), default="", server_default="")  # as announced ('' any)
    expiry: Mapped[date | None] = mapped_column(Date, default=None)
    sscc: Mapped[str] = mapped_column(String(18), default="", server_default="")

    delivery: Mapped[Delivery] = relationship(back_populates="lines")


class ReceiptEntry(Base):
    __tablename__ = "receipt_entries"
    __table_args__ = (
        CheckConstraint(sql_in("state", RECEIPT_STATES), name="known_state"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_receipt_entries_delivery", "delivery_id", "id"),
        Index("ix_receipt_entries_bin", "bin_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("delivery_lines.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    lot: Mapped[str] = mapped_column(String(64), default="", server_default="")
    expiry: Mapped[date | None] = mapped_column(Date, default=None)
    serial: Mapped[str] = mapped_column(String(64), default="", server_default="")
    state: Mapped[str] = mapped_column(String(16), default="received")
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")  # quarantine, other bin
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"), default=None)
    station: Mapped[str] = mapped_column(String(64), default="", server_default="")
    user: Mapped[str] = mapped_column(String(100), default="", server_default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    put_away_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    scan_id: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)  # a scan counts once


class ReceiptTag(Base):
    """An RFID tag read at goods in (a carton read at once): each tag counts once on its delivery, however often the
    carton is read again (migration 0030)."""

    __tablename__ = "receipt_tags"
    __table_args__ = (UniqueConstraint("delivery_id", "epc"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("receipt_entries.id"), index=True)
    epc: Mapped[str] = mapped_column(String(64))  # the tag's EPC, hex
