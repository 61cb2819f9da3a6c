"""The durable outbox of what the shops are told: one fulfilment a parcel, exactly once.

Queued in the transaction that labelled the parcels (or handed them over at close-out, as the channel says), so a
label without its message cannot be: :func:`queue_fulfilments`. A sender claims due messages (``pending`` and
``next_attempt_at`` passed; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so two senders never take one), marks them
``sending`` and commits before it talks to the shop. Done: ``sent`` with the shop's id of what it made. A shop that
was away or asked us to wait: back to ``pending`` with a growing delay (or the seconds the shop asked for). A
refusal (a 4xx: the order is closed, fulfilled already by hand, credentials wrong): ``failed`` at once with the
shop's words, shown to a person, who may send it again (:func:`retry`). A message left ``sending`` by a sender
that died goes back to ``pending`` once its claim is stale, flagged so that the next sender first asks the shop
whether it arrived (:class:`Outgoing.unsure`) and sends it only if not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Order, OrderLine
from db.models.channels import Channel, ChannelMessage
from db.models.packing import PackBox, PackBoxItem
from db.models.shipping import Carrier, Parcel

MAX_ATTEMPTS = 12
STALE_AFTER = timedelta(seconds=120)


@dataclass(frozen=True)
class Outgoing:
    id: int
    channel_id: int
    key: str
    payload: dict[str, Any]
    attempts: int
    # Claimed before by a sender that did not say how it went: ask the shop first.
    unsure: bool


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 5 * 2 ** max(0, attempts - 1)))


def channel_for(session: Session, name: str) -> Channel | None:
    return session.scalar(select(Channel).where(Channel.name == name, Channel.active.is_(True)))


def _box_lines(session: Session, order: Order, parcel: Parcel) -> list[dict[str, Any]]:
    """What the bench packed in this parcel's box (pack boxes are numbered as the parcels are)."""
    rows = session.execute(
        select(OrderLine.sku, OrderLine.name, func.sum(PackBoxItem.quantity))
        .join(PackBoxItem, PackBoxItem.line_id == OrderLine.id)
        .join(PackBox, PackBox.id == PackBoxItem.box_id)
        .where(PackBox.order_id == order.id, PackBox.seq == parcel.seq)
        .group_by(OrderLine.sku, OrderLine.name, OrderLine.line_no).order_by(OrderLine.line_no)).all()
    return [{"sku": sku, "name": name, "quantity": int(n)} for sku, name, n in rows if n]


def queue_fulfilments(session: Session, order: Order, parcels: list[Parcel], *, when: str) -> int:
    """Queue what the order's shop is told, if the order came from a channel that wants it ``when`` (``labelled``
    or ``closeout``): a fulfilment a parcel where the bench packed boxes (each with its own lines), else one
    fulfilment of the order's packed lines carrying every parcel's tracking number. The caller's transaction holds
    the labels; returns how many were queued."""
    channel = channel_for(session, order.channel)
    if channel is None or channel.write_back != when:
        return 0
    live = sorted((p for p in parcels if not p.voided), key=lambda p: p.seq)
    if not live:
        return 0
    ordered = sum(line.quantity for line in order.lines)
    packed = sum(line.packed_quantity or 0 for line in order.lines)
    whole = packed == 0 or packed >= ordered
    boxes = [(p, _box_lines(session, order, p)) for p in live]
    if not all(lines for _, lines in boxes):
        everything = [{"sku": line.sku, "name": line.name, "quantity": line.packed_quantity or line.quantity}
                      for line in order.lines if (line.packed_quantity or line.quantity) > 0]
        groups = [(live, everything, live[-1].seq == live[-1].count and whole)]
    else:
        groups = [([p], lines, p.seq == p.count and whole) for p, lines in boxes]
    carrier = session.get(Carrier, live[0].carrier_id)
    queued = 0
    for group, lines, complete in groups:
        key = f"fulfilment:{channel.id}:{group[0].tracking_number}"
        if session.scalar(select(ChannelMessage.id).where(ChannelMessage.key == key)) is not None:
            continue
        payload = {
            "order_id": order.external_id, "shop_number": order.shop_number or order.external_id,
            "lines": lines, "carrier": carrier.name if carrier else "",
            "tracking_number": group[0].tracking_number,
            "more_tracking_numbers": [p.tracking_number for p in group[1:]],
            # The customer page's address is made when sent, from the setting then (app.channels.model).
            "tracking_token": group[0].tracking_token,
            # The last parcel of an order packed whole: the shop may call the order shipped/completed.
            "complete": complete,
            "notify_customer": True,
        }
        session.add(ChannelMessage(channel_id=channel.id, kind="fulfilment", key=key, order_id=order.id,
                                   parcel_id=group[0].id, payload=payload, state="pending", attempts=0,
                                   next_attempt_at=utcnow(), last_error="", remote_id=""))
        queued += 1
    return queued


def claim(session: Session, limit: int = 50, now: datetime | None = None,
          channel_id: int | None = None) -> list[Outgoing]:
    """Take up to ``limit`` due messages for sending; the caller commits at once."""
    now = now or utcnow()
    stmt = (select(ChannelMessage).where(ChannelMessage.state == "pending", ChannelMessage.next_attempt_at <= now)
            .order_by(ChannelMessage.next_attempt_at, ChannelMessage.id).limit(limit))
    if channel_id is not None:
        stmt = stmt.where(ChannelMessage.channel_id == channel_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    taken = []
    for row in session.scalars(stmt):
        unsure = row.claimed_at is not None  # claimed before and never told how it went
        row.state, row.claimed_at, row.attempts = "sending", now, row.attempts + 1
        taken.append(Outgoing(row.id, row.channel_id, row.key, dict(row.payload), row.attempts, unsure))
    return taken


def mark_sent(session: Session, message_id: int, remote_id: str, now: datetime | None = None) -> None:
    session.execute(update(ChannelMessage).where(ChannelMessage.id == message_id).values(
        state="sent", sent_at=now or utcnow(), remote_id=remote_id[:200], last_error="", http_status=None,
        claimed_at=None))


def mark_failed(session: Session, message_id: int, attempts: int, error: str, *, status: int | None,
                permanent: bool = False, wait: float | None = None, now: datetime | None = None) -> str:
    """Back to ``pending`` after a delay, or ``failed`` for a person; returns the state."""
    now = now or utcnow()
    state = "failed" if permanent or attempts >= MAX_ATTEMPTS else "pending"
    delay = timedelta(seconds=wait) if wait is not None else backoff(attempts)
    session.execute(update(ChannelMessage).where(ChannelMessage.id == message_id).values(
        state=state, last_error=error[:2000], http_status=status, next_attempt_at=now + delay, claimed_at=None))
    return state


def recover_stale(session: Session, now: datetime | None = None, older_than: timedelta = STALE_AFTER) -> int:
    """Messages left ``sending`` by a sender that died: pending again (their ``claimed_at`` stays: asked first)."""
    now = now or utcnow()
    return _changed(session.execute(update(ChannelMessage).where(
        ChannelMessage.state == "sending", ChannelMessage.claimed_at < now - older_than).values(
        state="pending", next_attempt_at=now)))


def retry(session: Session, message_ids: list[int], now: datetime | None = None) -> int:
    """A person sends failed messages again (after mending what the shop said): due at once, attempts anew."""
    return _changed(session.execute(update(ChannelMessage).where(
        ChannelMessage.id.in_(message_ids), ChannelMessage.state == "failed").values(
        state="pending", next_attempt_at=now or utcnow(), attempts=0)))


def _changed(result: Any) -> int:
    return int(cast(CursorResult, result).rowcount or 0)


def counts(session: Session) -> dict[tuple[int, str], int]:
    return {(cid, state): int(n) for cid, state, n in session.execute(
        select(ChannelMessage.channel_id, ChannelMessage.state, func.count())
        .group_by(ChannelMessage.channel_id, ChannelMessage.state))}
