"""Service cases for the station's service screen: the customers' messages by order, answered by e-mail and
closed. Plain Python over the session; the caller commits.

``open_cases(session, include_closed=False) -> list[CaseRow]``, ``messages(session, case_id)``,
``reply(session, case_id, text, actor, settings)`` (the answer is stored, goes on the order's timeline and is
queued as an e-mail to the customer), ``close(session, case_id, actor)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import InvalidInput, NotFound
from app.services.timeline import add_event
from app.services.uow import Actor
from app.sync import notify_change
from app.web.customer import MAX_MESSAGE_CHARS, clean_text
from db.base import utcnow
from db.models import Order
from db.models.web import CustomerMessage, ServiceCase


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str
    order_number: str
    status: str
    updated_at: datetime
    messages: int
    last_text: str


def open_cases(session: Session, include_closed: bool = False, limit: int = 500) -> list[CaseRow]:
    counts = (select(CustomerMessage.case_id, func.count(CustomerMessage.id).label("n"), func.max(CustomerMessage.id).label("last"))
              .group_by(CustomerMessage.case_id).subquery())
    stmt = (select(ServiceCase, Order.number, counts.c.n, CustomerMessage.body)
            .join(Order, Order.id == ServiceCase.order_id)
            .join(counts, counts.c.case_id == ServiceCase.id)
            .join(CustomerMessage, CustomerMessage.id == counts.c.last)
            .order_by(ServiceCase.updated_at.desc(), ServiceCase.id.desc()).limit(limit))
    if not include_closed:
        stmt = stmt.where(ServiceCase.status != "closed")
    return [CaseRow(c.id, c.number, number, c.status, c.updated_at, n, (body or "").splitlines()[0][:120] if body else "")
            for c, number, n, body in session.execute(stmt)]


def messages(session: Session, case_id: int) -> list[CustomerMessage]:
    return list(session.scalars(select(CustomerMessage).where(CustomerMessage.case_id == case_id).order_by(CustomerMessage.id)))


def _case(session: Session, case_id: int) -> tuple[ServiceCase, Order]:
    case = session.get(ServiceCase, case_id)
    if case is None:
        raise NotFound(f"no service case {case_id}")
    order = session.get(Order, case.order_id)
    assert order is not None
    return case, order


def reply(session: Session, case_id: int, text: str, actor: Actor, settings: Settings) -> CustomerMessage:
    from app.notify import outbox, templates
    from app.notify.hooks import language_for, recipient_for
    from app.web.customer import page_token, tracking_url

    body = clean_text(text, MAX_MESSAGE_CHARS)
    if not body:
        raise InvalidInput("write the answer first")
    case, order = _case(session, case_id)
    now = utcnow()
    last_from_customer = session.scalar(select(CustomerMessage).where(
        CustomerMessage.case_id == case.id, CustomerMessage.author == "customer").order_by(CustomerMessage.id.desc()))
    to = (last_from_customer.reply_to if last_from_customer is not None else "") or recipient_for(session, order)
    message = CustomerMessage(case_id=case.id, author="staff", user=actor.user, body=body, reply_to="", created_at=now)
    session.add(message)
    case.status = "answered"
    case.updated_at = now
    session.flush()
    add_event(session, order, "service_reply", actor, at=now, case=case.number)
    if to:
        language = case.language if case.language in ("en", "zh_CN") else language_for(settings, order)
        subject, mail = templates.render("reply", language, {
            "number": order.number, "case": case.number, "text": body,
            "url": tracking_url(settings, page_token(session, order))})
        outbox.enqueue(session, f"reply:{message.id}", "reply", to, subject, mail, language=language, order_id=order.id)
    notify_change(session, "order", order.id)
    return message


def close(session: Session, case_id: int, actor: Actor) -> ServiceCase:
    case, order = _case(session, case_id)
    if case.status != "closed":
        case.status = "closed"
        case.closed_by = actor.user
        case.updated_at = utcnow()
        add_event(session, order, "service_case_closed", actor, case=case.number)
        notify_change(session, "order", order.id)
    return case
