"""The customer's side (issue 11): service cases and their messages, the e-mail outbox, the notifier's cursor
over the order timeline, and the unguessable page tokens of orders found by number and postcode.

What a customer types is stored as plain text (``Text``) and only ever rendered escaped. The outbox is a
durable queue: a notice is rendered when it is queued, claimed before it is sent (``sending``), retried with
a growing delay, and ``idempotency_key`` keeps one event from queueing the same notice twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigId, UtcDateTime, utcnow

CASE_STATUSES = ("open", "answered", "closed")
OUTBOX_STATES = ("queued", "sending", "sent", "failed")


class OrderAccess(Base):
    """The customer page's token of an order reached without a parcel's QR code (found by number + postcode)."""

    __tablename__ = "web_order_access"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ServiceCase(Base):
    __tablename__ = "service_cases"
    __table_args__ = (Index("ix_service_cases_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    channel: Mapped[str] = mapped_column(String(16), default="web")
    subject: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(64))

    messages: Mapped[list[CustomerMessage]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CustomerMessage.id"
    )


class CustomerMessage(Base):
    __tablename__ = "customer_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_cases.id"), index=True)
    author: Mapped[str] = mapped_column(String(16), default="customer")  # customer | staff
    user: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    case: Mapped[ServiceCase] = relationship(back_populates="messages")


class OutboxMessage(Base):
    __tablename__ = "notify_outbox"
    __table_args__ = (Index("ix_notify_outbox_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="en")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    event_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when the event that caused it happened
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotifyCursor(Base):
    """How far the notifier has read the order timeline (``order_events.id``)."""

    __tablename__ = "notify_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigId, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
