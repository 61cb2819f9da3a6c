"""Service cases for the station's service screen: the customers' messages by order, answered by e-mail and
closed. The functions over a session leave the commit to the caller; the use cases at the end (``case_list``,
``thread``, ``answer``, ``close_case``) run one unit of work each for the screen.

``open_cases(session, include_closed=False) -> list[CaseRow]``, ``messages(session, case_id)``,
``reply(session, case_id, text, actor, settings)`` (the answer is stored, goes on the order's timeline and is
queued as an e-mail to the customer), ``close(session, case_id, actor)``.

A reply is *queued*, not sent, when it is written: the notifier sends it from the outbox. ``reply_delivery``
says what became of each reply (queued; queued while the mail server is unreachable; sent; not sent, and why;
or no e-mail at all, when the customer left no address), so a screen never says "sent" of a reply still waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.aftersales.customer_page import MAX_MESSAGE_CHARS, clean_text, page_token, tracking_url
from app.config import Settings
from app.errors import InvalidInput, NotFound
from app.orders.timeline import add_event
from app.sync import notify_change
from app.uow import Actor
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
        outbox.enqueue(session, reply_key(message.id), "reply", to, subject, mail, language=language, order_id=order.id)
    notify_change(session, "order", order.id)
    return message


QUEUED, UNREACHABLE, SENT, FAILED, NO_ADDRESS = "queued", "unreachable", "sent", "failed", "no_address"


@dataclass(frozen=True)
class ReplyDelivery:
    state: str  # QUEUED, UNREACHABLE (queued, the mail server could not be reached), SENT, FAILED, NO_ADDRESS
    at: datetime | None = None  # when it was sent
    error: str = ""  # why it was not sent (FAILED)


def reply_key(message_id: int) -> str:
    """The outbox key of the e-mail that carries a staff reply."""
    return f"reply:{message_id}"


def reply_delivery(session: Session, message_ids: list[int]) -> dict[int, ReplyDelivery]:
    """What became of each staff reply's e-mail, by message id."""
    from app.notify import outbox

    found = outbox.delivery(session, [reply_key(i) for i in message_ids])
    out = {}
    for message_id in message_ids:
        d = found.get(reply_key(message_id))
        if d is None:
            out[message_id] = ReplyDelivery(NO_ADDRESS)
        elif d.state == "sent":
            out[message_id] = ReplyDelivery(SENT, d.sent_at)
        elif d.unreachable:
            out[message_id] = ReplyDelivery(UNREACHABLE, error=d.last_error)
        elif d.state == "failed":
            out[message_id] = ReplyDelivery(FAILED, error=d.last_error)
        else:
            out[message_id] = ReplyDelivery(QUEUED)
    return out


def close(session: Session, case_id: int, actor: Actor) -> ServiceCase:
    case, order = _case(session, case_id)
    if case.status != "closed":
        case.status = "closed"
        case.closed_by = actor.user
        case.updated_at = utcnow()
        add_event(session, order, "service_case_closed", actor, case=case.number)
        notify_change(session, "order", order.id)
    return case


# --- the service screen's use cases ------------------------------------------------------------------------

SERVICE_ROLE = "service"


@dataclass(frozen=True)
class ThreadMessage:
    id: int
    created_at: datetime
    author: str  # customer or staff
    user: str | None
    body: str


def case_list(sessions, include_closed: bool = False) -> list[CaseRow]:
    with sessions() as session:
        return open_cases(session, include_closed=include_closed)


def thread(sessions, case_id: int) -> tuple[list[ThreadMessage], dict[int, ReplyDelivery]]:
    """A case's messages in order, and what became of each staff reply's e-mail."""
    with sessions() as session:
        found = [ThreadMessage(m.id, m.created_at, m.author, m.user, m.body) for m in messages(session, case_id)]
        return found, reply_delivery(session, [m.id for m in found if m.author == "staff"])


def answer(sessions, case_id: int, text: str, actor: Actor, settings: Settings):
    """Customer service answers a case: (what became of the reply's e-mail, the mail server's trouble or None)."""
    from app.admin.auth import require_role
    from app.notify import outbox
    from app.uow import UnitOfWork

    require_role(actor, SERVICE_ROLE)
    with UnitOfWork(sessions) as uow:
        message = reply(uow.session, case_id, text, actor, settings)
        uow.commit()
        return reply_delivery(uow.session, [message.id])[message.id], outbox.mail_trouble(uow.session)


def close_case(sessions, case_id: int, actor: Actor) -> None:
    from app.admin.auth import require_role
    from app.uow import UnitOfWork

    require_role(actor, SERVICE_ROLE)
    with UnitOfWork(sessions) as uow:
        close(uow.session, case_id, actor)
        uow.commit()
