"""Which order events call for a notice, read from the order timeline with a cursor (nobody else's service is
touched): ``shipped`` -> shipped, ``backordered`` -> backordered (expected restock date and substitutes),
``return_requested`` -> return accepted (returns are opened approved, with their label), ``return_refunded``
-> refunded, ``delivered`` -> survey invitation.

The cursor (``notify_cursor``) starts at the newest event when the notifier first runs: history is not mailed.
Each poll reads again a window of ``OVERLAP`` ids below the cursor, because an event whose transaction began
earlier may commit after later ids; the outbox key (``event:<id>``) makes reading an event twice harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.catalogue import queries as catalogue_queries
from app.config import Settings
from app.domain.money import format_cents
from app.notify import outbox, templates
from db.base import utcnow
from db.models import Customer, Order, OrderEvent
from db.models.aftersales import Return
from db.models.shipping import Carrier, Parcel
from db.models.web import NotifyCursor

log = logging.getLogger("station.notify")

CURSOR = "email"
FLOOR = "email:start"  # where the cursor was first placed: nothing below it is ever read
OVERLAP = 500
BATCH = 500
EVENT_NOTICES = {
    "shipped": "shipped",
    "backordered": "backordered",
    "backorder_released": "back_in_stock",
    "return_requested": "return_accepted",
    "return_refunded": "refunded",
    "delivered": "survey",
}
CHINESE_COUNTRIES = ("CN", "TW", "HK", "MO")


def language_for(settings: Settings, order: Order) -> str:
    if settings.notify.language:
        return settings.notify.language
    return "zh_CN" if (order.ship_country or "").upper() in CHINESE_COUNTRIES else "en"


def recipient_for(session: Session, order: Order) -> str:
    if order.ship_email:
        return order.ship_email.strip()
    if order.customer_id:
        customer = session.get(Customer, order.customer_id)
        if customer is not None and customer.email:
            return customer.email.strip()
    return ""


def _cursor(session: Session) -> tuple[NotifyCursor, int]:
    cursor = session.get(NotifyCursor, CURSOR)
    if cursor is None:
        newest = session.scalar(select(func.max(OrderEvent.id))) or 0
        cursor = NotifyCursor(name=CURSOR, last_event_id=newest, updated_at=utcnow())
        session.add_all([cursor, NotifyCursor(name=FLOOR, last_event_id=newest, updated_at=utcnow())])
        session.flush()
        return cursor, newest
    floor = session.get(NotifyCursor, FLOOR)
    return cursor, (floor.last_event_id if floor is not None else 0)


def start(session: Session) -> int:
    """Place the cursor (at the newest event) if it was never placed; returns its position."""
    return _cursor(session)[0].last_event_id


def _fields(session: Session, settings: Settings, order: Order, event: OrderEvent, kind: str) -> dict[str, Any]:
    from app.aftersales.customer_page import page_token, tracking_url

    data = event.data or {}
    parcel = session.scalar(select(Parcel).where(Parcel.order_id == order.id, Parcel.voided.is_(False)).order_by(Parcel.seq))
    token = parcel.tracking_token if parcel is not None else page_token(session, order)
    fields: dict[str, Any] = {"number": order.number, "url": tracking_url(settings, token)}
    if kind == "shipped" and parcel is not None:
        carrier = session.get(Carrier, parcel.carrier_id)
        from app.aftersales.tracking import expected_for

        expected = expected_for(session, parcel, order, utcnow().date())
        fields.update(tracking_number=order.tracking_number or parcel.tracking_number,
                      carrier=(carrier.name_zh or carrier.name) if carrier and language_for(settings, order) == "zh_CN"
                      else (carrier.name if carrier else ""), expected=expected.isoformat() if expected else "")
    elif kind == "backordered":
        fields["restock"] = data.get("expected_restock") or ""
        skus = sorted({s for short in data.get("short", []) for s in short.get("substitutes", [])})
        fields["substitutes"] = catalogue_queries.named_skus(session, skus, language_for(settings, order))
    elif kind in ("return_accepted", "refunded"):
        number = data.get("return_number", "")
        fields["return_number"] = number
        ret = session.scalar(select(Return).where(Return.number == number)) if number else None
        if ret is not None:
            fields["url"] = tracking_url(settings, ret.tracking_token)
            fields["label_url"] = f"{tracking_url(settings, token)}/returns/{number}/label.pdf"
        fields["amount"] = format_cents(int(data.get("refund_cents") or 0), order.currency)
    return fields


def poll(session: Session, settings: Settings, limit: int = BATCH) -> int:
    """Queue the notices the new events call for; returns how many were queued. The caller commits."""
    cursor, floor = _cursor(session)
    since = max(floor, cursor.last_event_id - OVERLAP)
    newest = session.scalar(select(func.max(OrderEvent.id))) or 0
    if newest == 0:
        return 0
    limit = limit + OVERLAP  # at most OVERLAP rows lie at or below the cursor: every poll moves on
    rows = list(session.scalars(
        select(OrderEvent).where(OrderEvent.id > since, OrderEvent.id <= newest,
                                 OrderEvent.kind.in_(tuple(EVENT_NOTICES)))
        .order_by(OrderEvent.id).limit(limit)))
    queued = 0
    if rows:
        keys = {f"event:{e.id}" for e in rows}
        from db.models.web import OutboxMessage

        done = set(session.scalars(select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))))
        for event in rows:
            key = f"event:{event.id}"
            if key in done:
                continue
            order = session.get(Order, event.order_id)
            if order is None:
                continue
            recipient = recipient_for(session, order)
            if not recipient:
                continue
            kind = EVENT_NOTICES[event.kind]
            language = language_for(settings, order)
            failed = ""
            try:
                with session.begin_nested():  # what the fields read is undone if they fail
                    subject, body = templates.render(kind, language, _fields(session, settings, order, event, kind))
            except Exception as exc:  # noqa: BLE001 - this notice cannot be made; the others go on
                subject, body, failed = "", "", f"cannot make the notice: {type(exc).__name__}"
                log.warning("notice for event %d not made: %s", event.id, type(exc).__name__)
            if outbox.enqueue(session, key, kind, recipient, subject, body, language=language, order_id=order.id,
                              event_at=event.at, failed=failed) is not None and not failed:
                queued += 1
    reached = rows[-1].id if len(rows) == limit else newest
    cursor.last_event_id = max(cursor.last_event_id, reached)
    cursor.updated_at = utcnow()
    return queued
