"""Pack verification (issue 9): the station's carton and material catalogue, the pack session of an order,
the scan journal (every scan stored before its feedback shows), and the boxes being packed.

The ticks themselves are ``order_lines.packed_quantity`` (they travel with the order when a supervisor
moves it to another station); ``pack_box_items`` says which box each ticked unit went into, with the lot,
serial and expiry captured for it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigId, UtcDateTime, utcnow


class Carton(Base):
    """A carton size the station packs into; ``station`` empty means every station has it."""

    __tablename__ = "pack_cartons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100), default="")
    length_mm: Mapped[int] = mapped_column(Integer)  # inner dimensions
    width_mm: Mapped[int] = mapped_column(Integer)
    height_mm: Mapped[int] = mapped_column(Integer)
    tare_g: Mapped[int] = mapped_column(Integer, default=0)
    max_weight_g: Mapped[int] = mapped_column(Integer, default=30000)
    recyclable: Mapped[bool] = mapped_column(Boolean, default=True)
    station: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PackMaterial(Base):
    """Packing material: what a box's handling flags ask for (fragile, liquid) and its weight per box."""

    __tablename__ = "pack_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16), default="fill")  # fill, wrap, bag
    weight_g: Mapped[int] = mapped_column(Integer, default=0)  # per box
    padding_mm: Mapped[int] = mapped_column(Integer, default=0)  # room it takes around the items
    for_fragile: Mapped[bool] = mapped_column(Boolean, default=False)
    for_liquid: Mapped[bool] = mapped_column(Boolean, default=False)
    recyclable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PackSession(Base):
    """One order being packed: which station holds it now, the box being filled, and what the service waits
    for (a lot, an expiry, a serial, a weight) so that a station killed mid-pack comes back to the same step."""

    __tablename__ = "pack_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    station: Mapped[str] = mapped_column(String(64))
    user: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open, packed, split
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    last_line_id: Mapped[int | None] = mapped_column(Integer, default=None)  # a count entered goes to this line
    carton_code: Mapped[str] = mapped_column(String(32), default="")  # chosen for the open box
    weight_g: Mapped[int | None] = mapped_column(Integer, default=None)  # the last stable scale reading
    weight_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    scans: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    packed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    boxes: Mapped[list[PackBox]] = relationship(order_by="PackBox.seq", cascade="all, delete-orphan")


class PackScan(Base):
    """The scan journal: one row a scan, written in the same transaction as the tick it makes."""

    __tablename__ = "pack_scans"
    __table_args__ = (Index("ix_pack_scans_order", "order_id", "id"), Index("ix_pack_scans_station_at", "station", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    station: Mapped[str] = mapped_column(String(64))
    user: Mapped[str | None] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # item, text, command, rfid, tote, weight, quantity, ...
    verdict: Mapped[str] = mapped_column(String(16))  # ok, refused, not_understood, complete
    reason: Mapped[str] = mapped_column(String(40), default="")
    line_id: Mapped[int | None] = mapped_column(Integer, default=None)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    gtin: Mapped[str | None] = mapped_column(String(14), default=None)
    box_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    # A key the station gives each scan, so a scan re-sent after a lost answer is not counted twice.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)


class PackBox(Base):
    __tablename__ = "pack_boxes"
    __table_args__ = (UniqueConstraint("order_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("pack_sessions.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open, closed
    carton_code: Mapped[str] = mapped_column(String(32), default="")
    length_mm: Mapped[int | None] = mapped_column(Integer, default=None)
    width_mm: Mapped[int | None] = mapped_column(Integer, default=None)
    height_mm: Mapped[int | None] = mapped_column(Integer, default=None)
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    expected_weight_g: Mapped[int | None] = mapped_column(Integer, default=None)
    measured_weight_g: Mapped[int | None] = mapped_column(Integer, default=None)
    weight_ok: Mapped[bool | None] = mapped_column(Boolean, default=None)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    items: Mapped[list[PackBoxItem]] = relationship(order_by="PackBoxItem.id", cascade="all, delete-orphan")


class PackBoxItem(Base):
    __tablename__ = "pack_box_items"
    __table_args__ = (Index("ix_pack_box_items_order_serial", "order_id", "serial"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    box_id: Mapped[int] = mapped_column(ForeignKey("pack_boxes.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    lot: Mapped[str | None] = mapped_column(String(40), default=None)
    serial: Mapped[str | None] = mapped_column(String(40), default=None)
    expiry: Mapped[date | None] = mapped_column(Date, default=None)
    scan_id: Mapped[int | None] = mapped_column(Integer, default=None)
