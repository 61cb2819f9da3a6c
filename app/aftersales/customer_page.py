"""What a customer may do on the tracking page, and what the page shows: the customer side's domain rules and
read model, in plain Python over the after-sales services (no HTTP here; :mod:`app.aftersales.customer_site` is
the service that owns the transactions, :mod:`app.web.server` the HTTP adapter).

A customer reaches exactly one order, through a token nobody can guess: a parcel's ``tracking_token`` (the
label's QR code), a return label's token, or the order's own page token (:class:`db.models.web.OrderAccess`),
handed out only to someone who knows the order number and its postcode or e-mail.

``order_for_token(session, token)``, ``find_order(session, number, postcode_or_email)``,
``page_token(session, order)``, ``post_message(...)``, ``request_return(...)``, ``answer_survey(...)`` and
``page_view(session, order, lang)`` (what the tracking page shows). Callers own the transaction.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, case, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from app.aftersales import policy as pol
from app.aftersales import returns as rt
from app.aftersales import surveys
from app.aftersales.tracking import view_of
from app.config import Settings
from app.domain import lifecycle as lc
from app.errors import InvalidInput
from app.orders import references
from app.orders.timeline import add_event
from app.sync import notify_change
from app.uow import Actor
from db.base import utcnow
from db.models import Order, OrderEvent, OrderLine, Product
from db.models.aftersales import Return, SurveyAnswer
from db.models.shipping import Parcel
from db.models.web import CustomerMessage, OrderAccess, ServiceCase
from db.session import plain_reads


class PageTexts(Protocol):
    """The page's words in the customer's language (:class:`app.web.i18n.Translator` is one)."""

    lang: str

    def __call__(self, key: str, **values: object) -> str: ...

    def has(self, key: str) -> bool: ...

    def join(self, words) -> str: ...


CUSTOMER = Actor(station="web", user="customer", role="customer")
MAX_MESSAGE_CHARS = 4000
MAX_EMAIL_CHARS = 254
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")


# --- reaching one order ----------------------------------------------------------------------------------

# The page's statements are built once (with bound parameters): building SQL expressions on every request
# costs more CPU than running them.
_OWNERS = union_all(
    select(Parcel.order_id.label("order_id")).where(Parcel.tracking_token == bindparam("token")),
    select(OrderAccess.order_id).where(OrderAccess.token == bindparam("token")),
    select(Return.order_id).where(Return.tracking_token == bindparam("token")),
).subquery()
_ORDER_BY_TOKEN = select(Order).where(Order.id.in_(select(_OWNERS.c.order_id))).limit(1)
# The catalogue's Chinese name beside the channel's line name: a Chinese page shows it where there is one.
_LINES = (select(OrderLine.id, OrderLine.sku, OrderLine.name, OrderLine.quantity, Product.name_zh)
          .outerjoin(Product, Product.id == OrderLine.product_id)
          .where(OrderLine.order_id == bindparam("order_id")).order_by(OrderLine.line_no))
_ANSWERED = select(SurveyAnswer.id).where(SurveyAnswer.order_id == bindparam("order_id")).limit(1)
_MESSAGES = (select(CustomerMessage.created_at, CustomerMessage.author, CustomerMessage.body, ServiceCase.number)
             .join(ServiceCase, ServiceCase.id == CustomerMessage.case_id)
             .where(ServiceCase.order_id == bindparam("order_id")).order_by(CustomerMessage.id))


def _sql(value: int | str):
    """A constant written into the statement's text (these are the code's own, never a visitor's): bound
    parameters would make SQLAlchemy process some thirty values on every request for nothing."""
    return literal_column(str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'")


def _code(column, values: tuple[str, ...]):
    """A status as a small number (1, 2, ...; 0 for any other), so a sum over rows changes when one changes."""
    return case(*((column == _sql(value), _sql(n)) for n, value in enumerate(values, 1)), else_=_sql(0))


_PARCEL_STATUSES = ("labelled", "shipped", "delivered", "returned", "voided")
_RETURN_STATUSES = ("approved", "label_issued", "received", "inspected", "refunded", "exchanged", "cancelled")


def _sum_over(entity_id, status_code, *where):
    return select(func.coalesce(func.sum(entity_id * _sql(32) + status_code), _sql(0))).where(*where).scalar_subquery()


# Everything the tracking page shows, reduced to a few numbers in one round trip over indexed look-ups: the
# order row's version (the ORM bumps it on every change) and status, the newest timeline event (append-only:
# every change a customer sees writes one), and a signature of the parcels, returns, lines, survey answers and
# messages for what changes without an event. Equal stamps mean an equal page (for one language and day).
_STAMP = (
    select(
        Order.id, Order.version, Order.status, Order.updated_at,
        select(func.max(OrderEvent.id)).where(OrderEvent.order_id == Order.id).scalar_subquery(),
        _sum_over(Parcel.id, _code(Parcel.status, _PARCEL_STATUSES) + case((Parcel.voided, _sql(16)), else_=_sql(0)),
                  Parcel.order_id == Order.id),
        _sum_over(Return.id, _code(Return.status, _RETURN_STATUSES), Return.order_id == Order.id),
        _sum_over(OrderLine.id, OrderLine.quantity, OrderLine.order_id == Order.id),
        select(func.max(SurveyAnswer.id)).where(SurveyAnswer.order_id == Order.id).scalar_subquery(),
        select(func.max(CustomerMessage.id)).join(ServiceCase, ServiceCase.id == CustomerMessage.case_id)
        .where(ServiceCase.order_id == Order.id).scalar_subquery(),
    )
    .where(Order.id.in_(select(_OWNERS.c.order_id)))  # tokens are unique: one order at most
)


@dataclass(frozen=True)
class PageStamp:
    order_id: int
    stamp: str
    survey_answered: bool = False
    has_messages: bool = False


def page_stamp(session: Session | Connection, token: str) -> PageStamp | None:
    """The order behind a page token and the stamp of what its page shows, or None for a token that opens no
    page (a malformed one never reaches the database)."""
    if not _TOKEN.match(token or ""):
        return None
    row = session.execute(_STAMP, {"token": token}).first()
    if row is None:
        return None
    return PageStamp(order_id=row[0], stamp="|".join("" if value is None else str(value) for value in row),
                     survey_answered=row[8] is not None, has_messages=row[9] is not None)


def order_for_token(session: Session, token: str) -> Order | None:
    """The order behind a page token, or None (a malformed token never reaches the database)."""
    if not _TOKEN.match(token or ""):
        return None
    return session.scalar(_ORDER_BY_TOKEN, {"token": token})


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def find_order(session: Session, number: str, postcode_or_email: str) -> Order | None:
    """The order this number names (our number or the shop's as the customer sees it, ``#1041``; anything the one
    look-up by reference reads, :mod:`app.orders.references`) whose postcode or e-mail is the one given; None for
    any mismatch (the caller must not tell which part was wrong). Where the shop's number is shared by orders of
    two shops, the proof tells them apart; if it does not, none is shown."""
    number = (number or "").strip()[:100]
    proof = (postcode_or_email or "").strip()[:MAX_EMAIL_CHARS]
    if not number or not proof:
        return None
    proved = [m.order for m in references.best_matches(references.matches(session, number))
              if _proved(session, m.order, proof)]
    return proved[0] if len(proved) == 1 else None


def _proved(session: Session, order: Order, proof: str) -> bool:
    if "@" in proof:
        emails = {order.ship_email.strip().lower()} - {""}
        if order.customer_id:
            from db.models import Customer

            customer = session.get(Customer, order.customer_id)
            if customer is not None and customer.email:
                emails.add(customer.email.strip().lower())
        return any(secrets.compare_digest(proof.lower(), e) for e in emails)
    return bool(order.ship_postcode) and secrets.compare_digest(_compact(proof), _compact(order.ship_postcode))


def page_token(session: Session, order: Order) -> str:
    """The order's own page token (made once, kept): for orders found by number and for notices sent
    before a parcel exists."""
    token = session.scalar(select(OrderAccess.token).where(OrderAccess.order_id == order.id))
    if token:
        return token
    token = secrets.token_urlsafe(24)
    with session.begin_nested():
        session.add(OrderAccess(order_id=order.id, token=token))
    return token


def tracking_url(settings: Settings, token: str) -> str:
    return f"{settings.tracking_base_url.rstrip('/')}/t/{token}"


# --- what the page shows ---------------------------------------------------------------------------------

def mask(text: str, keep: int = 1) -> str:
    """``王芳`` -> ``王*``; ``Amy Lee`` -> ``A** L**``: enough for the customer to recognise, no more."""
    words = []
    for word in (text or "").split():
        visible = word[:keep]
        words.append(visible + "*" * max(1, len(word) - keep))
    return " ".join(words)


def masked_address(order: Order) -> str:
    postcode = order.ship_postcode or ""
    shown_postcode = (postcode[:2] + "*" * max(0, len(postcode) - 2)) if postcode else ""
    street = order.ship_address1 or ""
    shown_street = (street[:3] + "***") if street else ""
    parts = [mask(order.ship_name), shown_street, order.ship_city, shown_postcode, order.ship_country]
    return ", ".join(p for p in parts if p)


@dataclass
class LineView:
    sku: str
    name: str
    quantity: int
    returnable: int


@dataclass
class PageView:
    number: str
    status: str
    status_text: str
    tracking_number: str | None
    where: str
    expected_delivery: date | None
    delivered_on: date | None
    delayed: bool
    delay_text: str
    address: str
    parcels: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    lines: list[LineView]
    returns: list[dict[str, Any]]
    can_return: bool
    can_survey: bool
    survey_answered: bool
    restock: list[str] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)


def _event_text(t: PageTexts, kind: str, data: dict[str, Any]) -> str:
    text = t(f"ev.{kind}")
    if kind == "exception" and data.get("detail"):
        text += f": {data['detail']}"
    if kind.startswith("return_") and data.get("return_number"):
        text += f" ({data['return_number']})"
    if kind == "customer_message" and data.get("case"):
        text += f" ({data['case']})"
    return text


def page_view(session: Session, order: Order, t: PageTexts, now: datetime | None = None,
              stamp: PageStamp | None = None) -> PageView:
    """What the tracking page shows. With the order's fresh ``stamp`` its survey and message questions are
    not asked again."""
    view = view_of(session, order, "web", now)
    timeline = [
        {"at": e.at, "text": _event_text(t, e.kind, e.data), "location": e.location or "", "kind": e.kind}
        for e in view.events if t.has(f"ev.{e.kind}")  # the events the page has words for
    ]
    timeline.reverse()  # newest first, as a parcel tracker reads
    shipped = order.status in (lc.SHIPPED, lc.DELIVERED)
    # Units already on a return: only an order with a return has any (one round trip fewer for most pages).
    already = rt.returned_units(session, order) if shipped and view.returns else {}
    ids = {"order_id": order.id}
    chinese = t.lang == "zh_CN"
    lines = [
        LineView(sku=sku, name=(name_zh if chinese and name_zh else name) or sku, quantity=quantity,
                 returnable=max(0, quantity - already.get(line_id, 0)) if shipped else 0)
        for line_id, sku, name, quantity, name_zh in plain_reads(session).execute(_LINES, ids)
    ]
    answered = stamp.survey_answered if stamp is not None else session.scalar(_ANSWERED, ids) is not None
    returns = [{"number": r.number, "status": t(f"ret.{r.status}"), "has_label": r.tracking_number is not None,
                "tracking_number": r.tracking_number or ""} for r in view.returns]
    where = _where(t, order, view)
    delay_text = ""
    if view.delayed and view.delay_code == "not_shipped" and order.promised_ship_at is not None:
        delay_text = t("late_leave", date=order.promised_ship_at.date().isoformat())
    elif view.delayed:
        delay_text = t("late_days", n=view.delay_days) if view.delay_days else ""
        if view.delay_code == "exception":
            delay_text = t("ev.exception") + f": {view.delay_detail}" + (f" · {delay_text}" if delay_text else "")
    restock = []
    if order.status == lc.BACKORDERED:
        last = next((e for e in reversed(view.events) if e.kind == "backordered"), None)
        if last is not None and last.data.get("expected_restock"):
            restock.append(t("restock", date=last.data["expected_restock"]))
            subs = sorted({s for short in last.data.get("short", []) for s in short.get("substitutes", [])})
            if subs:
                from app.catalogue.queries import named_skus

                restock.append(t("substitutes", skus=t.join(named_skus(session, subs, t.lang))))
    parcels = [
        {"text": t("parcel_n", seq=p.seq, count=p.count), "tracking_number": p.tracking_number,
         "carrier": (p.carrier_name_zh if t.lang == "zh_CN" else "") or p.carrier_name,
         "status": t(f"st.{p.status}") if t.has(f"st.{p.status}") else p.status,
         "expected": p.expected_delivery if p.status not in ("delivered", "returned", "voided") else None}
        for p in view.parcels
    ]
    messages = [{"at": at, "author": author, "body": body, "case": number}
                for at, author, body, number in (plain_reads(session).execute(_MESSAGES, ids)
                                                  if stamp is None or stamp.has_messages else ())]
    return PageView(
        messages=messages,
        number=order.number, status=order.status, status_text=t(f"st.{order.status}"),
        tracking_number=order.tracking_number, where=where, expected_delivery=view.expected_delivery,
        delivered_on=view.delivered_on, delayed=view.delayed, delay_text=delay_text or view.delay_reason,
        address=masked_address(order), parcels=parcels, timeline=timeline, lines=lines, returns=returns,
        can_return=shipped and any(line.returnable for line in lines),
        can_survey=order.status in (lc.DELIVERED, lc.RETURNED) and not answered, survey_answered=bool(answered),
        restock=restock,
    )


def _where(t: PageTexts, order: Order, view) -> str:
    """Where the parcel is, in the customer's words: the last carrier scan's place once it has left."""
    status = order.status
    if status == lc.DELIVERED:
        return t("where.delivered", place=order.ship_city or order.ship_country)
    if status == lc.RETURNED:
        return t("where.returned")
    if status == lc.CANCELLED:
        return t("where.cancelled")
    if status == lc.SHIPPED:
        scans = [e for e in view.events if e.kind in ("in_transit", "out_for_delivery", "exception")]
        if scans:
            last = scans[-1]
            return t(f"ev.{last.kind}") + (f" · {last.location}" if last.location else "")
        first = view.parcels[0] if view.parcels else None
        carrier = ((first.carrier_name_zh if t.lang == "zh_CN" else "") or first.carrier_name) if first else ""
        return t("where.handed", carrier=carrier)
    if status == lc.LABELLED:
        return t("where.labelled")
    if status in lc.IN_WAREHOUSE:
        return t("where.warehouse")
    return t("where.waiting")


# --- contact -----------------------------------------------------------------------------------------------

def _next_case_number(session: Session) -> str:
    from app.shipping.carriers import next_serials

    return f"SC{next_serials(session, 'service_case'):08d}"


def clean_text(text: str, limit: int) -> str:
    """What a customer typed, kept as text: control characters out (tabs and new lines stay), trimmed."""
    cleaned = "".join(ch for ch in (text or "") if ch in "\n\t" or ch >= " ").replace("\r", "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(f"at most {limit} characters")
    return cleaned


def post_message(session: Session, order: Order, body: str, reply_to: str = "", language: str = "en",
                 now: datetime | None = None) -> ServiceCase:
    """The customer's message joins the order's open case (a new case if none is open) and its timeline."""
    now = now or utcnow()
    text = clean_text(body, MAX_MESSAGE_CHARS)
    if not text:
        raise InvalidInput("the message is empty")
    reply_to = (reply_to or "").strip()[:MAX_EMAIL_CHARS]
    if reply_to and not _EMAIL.match(reply_to):
        raise InvalidInput("the e-mail address does not look right")
    case = session.scalar(select(ServiceCase).where(ServiceCase.order_id == order.id, ServiceCase.status != "closed")
                          .order_by(ServiceCase.id.desc()))
    if case is None:
        case = ServiceCase(number=_next_case_number(session), order_id=order.id, status="open", channel="web",
                           subject=text.splitlines()[0][:200], language=language, created_at=now, updated_at=now)
        session.add(case)
        session.flush()
    case.status = "open"
    case.updated_at = now
    session.add(CustomerMessage(case_id=case.id, author="customer", body=text,
                                reply_to=reply_to or order.ship_email or "", created_at=now))
    add_event(session, order, "customer_message", CUSTOMER, at=now, case=case.number, channel="web")
    notify_change(session, "order", order.id)
    return case


# --- returns and the survey -----------------------------------------------------------------------------

def request_return(session: Session, order: Order, quantities: dict[str, int], reason: str, settings: Settings,
                   note: str = "", now: datetime | None = None) -> Return:
    """A return for the chosen items, checked against the policy at once (raises ``ReturnRefused`` with every
    reason), opened and given its label."""
    policy = pol.ReturnPolicy.from_settings(settings)
    if reason not in policy.reasons:
        raise InvalidInput("choose a reason")
    items = [rt.ReturnItem(sku=sku, quantity=qty) for sku, qty in quantities.items() if qty > 0]
    ret = rt.request_return(session, order, items, "refund", reason, CUSTOMER, policy=policy,
                            note=clean_text(note, 1000), channel="web", now=now)
    rt.issue_label(session, ret, CUSTOMER, settings, now=now)
    return ret


def return_of(session: Session, order: Order, number: str) -> Return | None:
    ret = session.scalar(select(Return).where(Return.number == number))
    return ret if ret is not None and ret.order_id == order.id else None


def answer_survey(session: Session, order: Order, product: Any, delivery: Any, service: Any, comment: str) -> SurveyAnswer:
    if order.status not in (lc.DELIVERED, lc.RETURNED):
        raise InvalidInput("the survey opens once the order is delivered")
    return surveys.record_answer(session, order, product, delivery, service, clean_text(comment, 2000), source="web")
