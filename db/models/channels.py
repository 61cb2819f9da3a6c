"""The shops (issue 20): channels, how far each has been read and sent, and the durable outbox of what the shops
are told.

A channel is a shop the warehouse serves: its kind (``shopify``, ``woocommerce``), its address and what to do
with it. Its credentials are never here: they come from the config file or the environment
(:func:`app.config.channel_credentials`). Orders from a channel carry its name in ``orders.channel``.

``channel_cursors`` holds how far a channel has been read (``pull``: the shop's own cursor or last-modified
time) and sent (``stock``: the last ``stock_changes.id`` pushed), one row a (channel, kind), written by whoever
pulls or pushes. ``channel_outbox`` is what the shop must be told (a fulfilment per parcel, a cancellation's
acknowledgement): written in the transaction that labelled the parcel, claimed before it is sent, sent exactly
once (its ``key`` is unique; a sender that died mid-send asks the shop before it sends again), retried with a
growing delay, ``failed`` with the shop's words when it can never go, sent again when a person asks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.lifecycle import sql_in
from db.base import Base, BigId, UtcDateTime, utcnow

CHANNEL_KINDS = ("shopify", "woocommerce")
# When the shop hears that an order shipped: when it is labelled, or when its parcels are handed over at close-out.
WRITE_BACK_WHEN = ("labelled", "closeout", "never")
CHANNEL_OUTBOX_STATES = ("pending", "sending", "sent", "failed")
CHANNEL_OUTBOX_KINDS = ("fulfilment",)


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (
        CheckConstraint(sql_in("kind", CHANNEL_KINDS), name="known_kind"),
        CheckConstraint(sql_in("write_back", WRITE_BACK_WHEN), name="known_write_back"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(300))
    # The shop's host as its webhooks name it (X-Shopify-Shop-Domain, X-WC-Webhook-Source): which channel a
    # webhook is from.
    domain: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Pull orders from the shop (a shop that cannot reach the station); else the shop pushes by webhook.
    pull: Mapped[bool] = mapped_column(Boolean, default=True)
    pull_every_s: Mapped[int] = mapped_column(Integer, default=60)
    write_back: Mapped[str] = mapped_column(String(16), default="labelled")
    push_stock: Mapped[bool] = mapped_column(Boolean, default=True)
    # The warehouse whose stock the shop sells ("" : every warehouse); the currency of orders that name none.
    warehouse: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(3), default="")
    # Shop-side choices: Shopify's API version and location id, ... (never a secret).
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ChannelCursor(Base):
    __tablename__ = "channel_cursors"

    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # pull, stock
    cursor: Mapped[str] = mapped_column(String(300), default="")
    # The run in progress: the next page's cursor, so a pull that stopped halfway goes on where it stopped.
    page: Mapped[str] = mapped_column(String(500), default="")
    ran_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ok_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # The shop asked us to wait (429 Retry-After, a 5xx back-off): nothing is asked before this.
    wait_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)

    channel: Mapped[Channel] = relationship()


class ChannelMessage(Base):
    __tablename__ = "channel_outbox"
    __table_args__ = (
        CheckConstraint(sql_in("state", CHANNEL_OUTBOX_STATES), name="known_state"),
        Index("ix_channel_outbox_due", "state", "next_attempt_at"),
        Index("ix_channel_outbox_order", "order_id"),
        UniqueConstraint("key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    kind: Mapped[str] = mapped_column(String(16), default="fulfilment")
    key: Mapped[str] = mapped_column(String(120))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"))
    # What to send, made when queued: the order's id at the shop, the lines and quantities, carrier, tracking.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What the shop said last, in words a person reads (its 4xx message), and its HTTP status.
    last_error: Mapped[str] = mapped_column(Text, default="")
    http_status: Mapped[int | None] = mapped_column(Integer)
    # The shop's id of what was made (a Shopify fulfilment's GID, a WooCommerce note id).
    remote_id: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    channel: Mapped[Channel] = relationship()
