"""After the parcel leaves (issue 7): carrier scan events, returns and exchanges, satisfaction surveys, and the
rollups the management reports read.

* ``carrier_events``: every scan a carrier reports (in transit, out for delivery, delivered, exception), kept as
  received; ``dedupe_key`` makes importing the same file or payload twice harmless. Each one also joins the
  order's timeline (``order_events``).
* ``returns`` / ``return_lines``: a return (refund or exchange) of some units of a shipped order, with its own
  number (``RT00000001``), its return label (tracking number in the carrier's format, unguessable token), the
  inspection of every unit and the refund computed pro rata.
* ``survey_answers``: scores 1-5 for the product, the delivery speed and the service, per order (optionally per
  SKU).
* ``report_order_facts`` / ``report_hourly`` / ``report_stage_hourly`` / ``report_watermarks``: incremental rollups of the timeline so that
  reports over a million orders answer in milliseconds (see ``app.reports.rollup``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.lifecycle import RETURN_STATUSES, sql_in
from db.base import Base, BigId, UtcDateTime, utcnow

CARRIER_EVENT_KINDS = ("in_transit", "out_for_delivery", "delivered", "exception")
RETURN_KINDS = ("refund", "exchange")
CONDITIONS = ("resellable", "damaged", "wrong_item")


class CarrierEvent(Base):
    __tablename__ = "carrier_events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('in_transit', 'out_for_delivery', 'delivered', 'exception')", name="known_kind"
        ),
        Index("ix_carrier_events_order", "order_id", "at"),
        Index("ix_carrier_events_tracking", "tracking_number"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    carrier: Mapped[str] = mapped_column(String(16), default="")
    tracking_number: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    location: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(40), default="")  # api, csv:<file name>, ...
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Return(Base):
    __tablename__ = "returns"
    __table_args__ = (
        CheckConstraint("kind IN ('refund', 'exchange')", name="known_kind"),
        CheckConstraint(sql_in("status", RETURN_STATUSES), name="known_status"),
        Index("ix_returns_order", "order_id"),
        Index("ix_returns_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(10), default="refund")
    status: Mapped[str] = mapped_column(String(16), default="approved")
    reason: Mapped[str] = mapped_column(String(40), default="changed_mind")
    note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    requested_by: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16), default="desk")  # desk, web
    # The return label (customer -> warehouse).
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("carriers.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("carrier_services.id"))
    tracking_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    sscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    label_issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    received_station: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The money back (integer cents), computed when the return is completed.
    goods_cents: Mapped[int] = mapped_column(Integer, default=0)
    coupon_cents: Mapped[int] = mapped_column(Integer, default=0)
    points_cents: Mapped[int] = mapped_column(Integer, default=0)
    points_refunded: Mapped[int] = mapped_column(Integer, default=0)
    shipping_refund_cents: Mapped[int] = mapped_column(Integer, default=0)
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    refund_cents: Mapped[int] = mapped_column(Integer, default=0)
    exchange_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))

    lines: Mapped[list[ReturnLine]] = relationship(
        back_populates="ret", cascade="all, delete-orphan", order_by="ReturnLine.id"
    )


class ReturnLine(Base):
    __tablename__ = "return_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="positive_quantity"),
        CheckConstraint("condition IN ('resellable', 'damaged', 'wrong_item')", name="known_condition"),
        Index("ix_return_lines_return", "return_id"),
        Index("ix_return_lines_order_line", "order_line_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    exchange_sku: Mapped[str] = mapped_column(String(64), default="")
    # Filled at inspection, unit by unit: how many were looked at, in which condition, where they went.
    inspected_quantity: Mapped[int] = mapped_column(Integer, default=0)
    condition: Mapped[str | None] = mapped_column(String(16))
    inspections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    refund_cents: Mapped[int] = mapped_column(Integer, default=0)

    ret: Mapped[Return] = relationship(back_populates="lines")


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("order_id", "sku", name="uq_survey_answers_order_sku"),
        CheckConstraint("product_score BETWEEN 1 AND 5", name="product_score_range"),
        CheckConstraint("delivery_score BETWEEN 1 AND 5", name="delivery_score_range"),
        CheckConstraint("service_score BETWEEN 1 AND 5", name="service_score_range"),
        Index("ix_survey_answers_at", "answered_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    # Empty: the answer is about the whole order; else about one product of it.
    sku: Mapped[str] = mapped_column(String(64), default="")
    product_score: Mapped[int] = mapped_column(Integer)
    delivery_score: Mapped[int] = mapped_column(Integer)
    service_score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(40), default="desk")


class ReportOrderFacts(Base):
    """One row an order: when it first reached each milestone, in epoch seconds (UTC)."""

    __tablename__ = "report_order_facts"
    __table_args__ = (Index("ix_report_order_facts_placed", "placed_s"),)

    order_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    placed_s: Mapped[int | None] = mapped_column(BigInteger)
    received_s: Mapped[int | None] = mapped_column(BigInteger)
    allocated_s: Mapped[int | None] = mapped_column(BigInteger)
    picking_s: Mapped[int | None] = mapped_column(BigInteger)
    picked_s: Mapped[int | None] = mapped_column(BigInteger)
    packing_s: Mapped[int | None] = mapped_column(BigInteger)
    packed_s: Mapped[int | None] = mapped_column(BigInteger)
    labelled_s: Mapped[int | None] = mapped_column(BigInteger)
    shipped_s: Mapped[int | None] = mapped_column(BigInteger)
    delivered_s: Mapped[int | None] = mapped_column(BigInteger)


class ReportHourly(Base):
    """Timeline events counted by hour (epoch seconds // 3600), kind and user."""

    __tablename__ = "report_hourly"

    hour: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    user: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportStageHourly(Base):
    """Time spent in each stage, summed over the orders placed in one hour (epoch seconds // 3600)."""

    __tablename__ = "report_stage_hourly"

    hour: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    stage: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)
    total_s: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportWatermark(Base):
    """How far into ``order_events`` (by id) a rollup has read."""

    __tablename__ = "report_watermarks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
