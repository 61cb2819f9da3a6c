"""Tracking lookup (seed 4.1): an order number, the shop's number, a tracking number, an SSCC, a return number or the text of a
label's QR code in; the whole timeline, where the parcel is, when it should arrive and what delays it out.

``lookup(session, query, now=None) -> TrackingView`` is what the service desk's screen and ``station track``
call; ``by_token(session, token)`` is the customer tracking page's (issue 11: ``/t/<token>``, the QR code). ``resolve(session, query)`` only finds the order,
through :mod:`app.orders.references` (every form a person types or scans, the shop's own number too). Both raise
:class:`app.errors.NotFound` with one operator-readable line for an unknown query. Plain Python, no Qt, no HTTP.

Expected arrival: for a parcel that has left, the day it was handed to the carrier plus the carrier service's
transit days to the order's destination (``carrier_coverage``); for a labelled parcel still waiting, the
label's own estimate or, if the planned ship day has passed, today plus the transit days. Delivered: the day
the carrier reported delivery. A parcel is late when today is past its expected day and it is not delivered,
or when the carrier's latest word is an exception.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from app.domain import lifecycle as lc
from app.errors import NotFound
from app.orders import references
from app.shipping.rates import Destination, ServiceOption
from db.base import utcnow
from db.models import Order, OrderEvent, Warehouse
from db.models.aftersales import Return
from db.models.shipping import Carrier, CarrierCoverage, CarrierService, Parcel
from db.session import plain_reads

CARRIER_KINDS = ("in_transit", "out_for_delivery", "delivered", "exception")


@dataclass
class TimelineEvent:
    at: datetime
    kind: str
    station: str | None = None
    user: str | None = None
    location: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at.isoformat(), "kind": self.kind}
        for key in ("station", "user", "location"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


@dataclass
class ParcelView:
    tracking_number: str
    sscc: str
    seq: int
    count: int
    carrier: str
    carrier_name: str
    service: str
    status: str
    shipped_at: datetime | None
    expected_delivery: date | None
    token: str = field(repr=False, default="")
    carrier_name_zh: str = field(repr=False, default="")


@dataclass
class ReturnView:
    number: str
    kind: str
    status: str
    tracking_number: str | None
    refund_cents: int
    exchange_order: str | None


@dataclass
class TrackingView:
    number: str
    status: str
    tracking_number: str | None
    matched: str  # order, tracking_number, sscc, qr, return
    placed_at: datetime
    events: list[TimelineEvent]
    expected_delivery: date | None
    delivered_on: date | None
    where: str
    delayed: bool
    delay_days: int
    delay_reason: str
    parcels: list[ParcelView]
    returns: list[ReturnView]
    ship_to: str
    currency: str = "CNY"
    order_id: int = field(default=0, repr=False)
    # For screens that speak another language: where_code is one of returned, delivered, cancelled, in_transit,
    # out_for_delivery, exception, with_carrier, awaiting_pickup, not_in_work, in_warehouse; where_place the
    # city, hub, carrier or warehouse it names. delay_code: exception, overdue, not_shipped, arrived_late or "".
    where_code: str = ""
    where_place: str = ""
    where_place_zh: str = ""  # the place in Chinese where it has a Chinese name (a warehouse's), else ""
    delay_code: str = ""
    delay_detail: str = ""  # exception: the carrier's words; not_shipped: the promised time ("2026-11-20 14:00 UTC")

    def as_json(self) -> dict[str, Any]:
        """The contract of ``station track --json`` (contracts.md), plus where, delay, parcels and returns."""
        return {
            "number": self.number,
            "status": self.status,
            "tracking_number": self.tracking_number,
            "events": [e.as_json() for e in self.events],
            "expected_delivery": self.expected_delivery.isoformat() if self.expected_delivery else None,
            "delivered_on": self.delivered_on.isoformat() if self.delivered_on else None,
            "where": self.where,
            "where_code": self.where_code,
            "delayed": self.delayed,
            "delay_days": self.delay_days,
            "delay_reason": self.delay_reason,
            "matched": self.matched,
            "parcels": [
                {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in asdict(p).items() if k not in ("token", "carrier_name_zh")}
                for p in self.parcels
            ],
            "returns": [asdict(r) for r in self.returns],
        }


# --- finding the order ------------------------------------------------------------------------------------

def normalise_query(raw: str) -> str:
    """A typed or scanned query without the scanner's AIM prefix, GS separators and surrounding blanks."""
    return references.clean(raw)


def resolve(session: Session, query: str) -> tuple[Order, str]:
    """The order a query names, and what matched (:data:`app.orders.references.KINDS`: order, shop_number,
    tracking_number, sscc, qr or return), through the one look-up by reference. A shop's number two orders share
    raises :class:`app.orders.references.AmbiguousReference`."""
    if "\x00" in (query or ""):  # no reference holds one, and PostgreSQL takes none in a query
        raise NotFound(f"no order, tracking number, SSCC or return {query.replace(chr(0), '')!r}")
    ref = references.parse(query)
    if ref.empty:
        raise NotFound("type or scan an order number, tracking number or label")
    match = references.find_order(session, ref)
    if match is not None:
        return match.order, match.matched
    if ref.token:
        raise NotFound(f"no parcel for the tracking page {ref.text!r}")
    raise NotFound(f"no order, tracking number, SSCC or return {ref.text!r}")


def by_token(session: Session, token: str, now: datetime | None = None) -> TrackingView:
    """The customer tracking page's view (``/t/<token>``): the token of a parcel's label or of a return label.
    An unknown token raises :class:`NotFound` (the page answers 404); nothing else is accepted, so the page
    never shows an order to someone who only guessed its number."""
    token = (token or "").strip()
    if not token or not re.fullmatch(r"[A-Za-z0-9_\-]{8,64}", token):
        raise NotFound("no such tracking page")
    order_id = session.scalar(select(Parcel.order_id).where(Parcel.tracking_token == token))
    if order_id is None:
        order_id = session.scalar(select(Return.order_id).where(Return.tracking_token == token))
    if order_id is None:
        raise NotFound("no such tracking page")
    return view_of(session, session.get(Order, order_id), "qr", now)  # type: ignore[arg-type]


# --- expected delivery ---------------------------------------------------------------------------------------

def _days(coverage: dict[tuple[str, str], tuple[int, int]], order: Order) -> int | None:
    """Transit days from a service's coverage rows, with the shipping module's own region matching."""
    option = ServiceOption(
        service_id=0, code="", name="", carrier_code="", carrier_name="", kind="standard",
        max_weight_g=0, max_length_mm=0, volumetric_divisor=0, coverage=coverage, rates={},
    )
    found = option.zone_for(Destination(order.ship_country or "", order.ship_region, order.ship_city, order.ship_postcode))
    return found[1] if found else None


def transit_days(session: Session, service_id: int, order: Order) -> int | None:
    """The carrier service's transit days to the order's destination, or None where it has no coverage."""
    rows = session.execute(
        select(CarrierCoverage.country, CarrierCoverage.region, CarrierCoverage.zone, CarrierCoverage.transit_days)
        .where(CarrierCoverage.service_id == service_id)
    ).all()
    return _days({(c.upper(), r): (z, d) for c, r, z, d in rows}, order)


_UNKNOWN = object()


class ParcelDates(Protocol):
    """What the expected day is computed from: a :class:`Parcel` or a row with these columns."""

    service_id: int
    shipped_at: datetime | None
    expected_delivery: date | None


def expected_for(session: Session, parcel: ParcelDates, order: Order, today: date, days: Any = _UNKNOWN) -> date | None:
    if days is _UNKNOWN:
        days = transit_days(session, parcel.service_id, order)
    if parcel.shipped_at is not None:
        if days is None:
            return parcel.expected_delivery
        return parcel.shipped_at.date() + timedelta(days=days)
    if parcel.expected_delivery is None or days is None:
        return parcel.expected_delivery
    planned_ship = parcel.expected_delivery - timedelta(days=days)
    if planned_ship < today:
        return today + timedelta(days=days)
    return parcel.expected_delivery


# --- the view ------------------------------------------------------------------------------------------------

def lookup(session: Session, query: str, now: datetime | None = None) -> TrackingView:
    order, matched = resolve(session, query)
    return view_of(session, order, matched, now)


# The view's statements are built once, with bound parameters: on the customer's hot path (issue 11) building
# SQL expressions per call cost more CPU than running them.
_EVENTS = (select(OrderEvent.at, OrderEvent.kind, OrderEvent.station, OrderEvent.user, OrderEvent.location,
                  OrderEvent.data).where(OrderEvent.order_id == bindparam("order_id")).order_by(OrderEvent.id))
# Parcels with their carrier, service and the service's coverage rows for the destination country, in one round
# trip; the coverage row that applies (region or whole country) is chosen in Python.
_PARCELS = (
    select(Parcel.id, Parcel.service_id, Parcel.tracking_number, Parcel.sscc, Parcel.seq, Parcel.count, Parcel.status,
           Parcel.shipped_at, Parcel.expected_delivery, Parcel.tracking_token,
           Carrier.code.label("carrier_code"), Carrier.name.label("carrier_name"),
           Carrier.name_zh.label("carrier_name_zh"), CarrierService.code.label("service_code"),
           CarrierCoverage.region, CarrierCoverage.zone, CarrierCoverage.transit_days)
    .join(Carrier, Carrier.id == Parcel.carrier_id).join(CarrierService, CarrierService.id == Parcel.service_id)
    .outerjoin(CarrierCoverage, (CarrierCoverage.service_id == Parcel.service_id)
               & (CarrierCoverage.country == bindparam("country")))
    .where(Parcel.order_id == bindparam("order_id"), Parcel.voided.is_(False)).order_by(Parcel.seq, Parcel.id)
)
_RETURNS = (select(Return.number, Return.kind, Return.status, Return.tracking_number, Return.refund_cents,
                   Return.exchange_order_id).where(Return.order_id == bindparam("order_id")).order_by(Return.id))
_ORDER_NUMBER = select(Order.number).where(Order.id == bindparam("order_id"))
_WAREHOUSE_NAME = select(Warehouse.name, Warehouse.name_zh).where(Warehouse.id == bindparam("warehouse_id"))


def view_of(session: Session, order: Order, matched: str = "order", now: datetime | None = None) -> TrackingView:
    now = now or utcnow()
    today = now.date()
    country = (order.ship_country or "").upper()
    # Plain rows, not ORM objects: the lookup is on the service desk's and the customer's hot path.
    reads = plain_reads(session)
    events = [
        TimelineEvent(at=at, kind=kind, station=station, user=user, location=location, data=data or {})
        for at, kind, station, user, location, data in reads.execute(_EVENTS, {"order_id": order.id})
    ]
    events.sort(key=lambda e: e.at)  # carrier scans may arrive late; the timeline reads by time
    parcels: dict[int, Row] = {}
    coverage: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}
    for row in reads.execute(_PARCELS, {"order_id": order.id, "country": country}):
        parcels.setdefault(row.id, row)
        if row.zone is not None:
            coverage.setdefault(row.service_id, {})[(country, row.region)] = (row.zone, row.transit_days)
    parcel_views = []
    expected: date | None = None
    for p in parcels.values():
        eta = expected_for(session, p, order, today, _days(coverage.get(p.service_id, {}), order))
        parcel_views.append(ParcelView(
            tracking_number=p.tracking_number, sscc=p.sscc, seq=p.seq, count=p.count,
            carrier=p.carrier_code, carrier_name=p.carrier_name, service=p.service_code, status=p.status,
            shipped_at=p.shipped_at, expected_delivery=eta, token=p.tracking_token,
            carrier_name_zh=p.carrier_name_zh or "",
        ))
        if eta and (expected is None or eta > expected):
            expected = eta
    delivered_at = next((e.at for e in reversed(events) if e.kind == "delivered"), None)
    delivered_on = delivered_at.date() if delivered_at and order.status in (lc.DELIVERED, lc.RETURNED) else None

    carrier_events = [e for e in events if e.kind in CARRIER_KINDS]
    last_carrier = carrier_events[-1] if carrier_events else None
    where_code, where_place, where_place_zh, where = _where(session, order, parcel_views, last_carrier, delivered_on)

    delayed, delay_days, reason, delay_code, delay_detail = False, 0, "", "", ""
    if order.status in (lc.DELIVERED, lc.RETURNED):
        if delivered_on and expected and delivered_on > expected:
            delay_days = (delivered_on - expected).days
            reason, delay_code = f"arrived {delay_days} day(s) after the expected day", "arrived_late"
    else:
        if last_carrier is not None and last_carrier.kind == "exception":
            delayed = True
            delay_detail = (str(last_carrier.data.get("detail") or "") or "see the carrier").strip()
            reason, delay_code = f"carrier exception: {delay_detail}", "exception"
        if expected and today > expected and order.status in (lc.LABELLED, lc.SHIPPED):
            delayed = True
            delay_days = (today - expected).days
            reason = reason or f"{delay_days} day(s) past the expected delivery day"
            delay_code = delay_code or "overdue"
        if (order.status in lc.IN_WAREHOUSE or order.status in lc.WAITING) and order.promised_ship_at \
                and now > order.promised_ship_at and order.status != lc.LABELLED:
            delayed = True
            late = now - order.promised_ship_at
            delay_days = max(delay_days, late.days)
            if not delay_code:
                delay_detail = f"{order.promised_ship_at:%Y-%m-%d %H:%M} UTC"
                reason, delay_code = f"not yet shipped: it was promised to leave by {delay_detail}", "not_shipped"
    returns = []
    has_returns = any(e.kind == "return_requested" for e in events)  # every return starts with this event
    for number, kind, status, tracking, refund_cents, exchange_id in (
            reads.execute(_RETURNS, {"order_id": order.id}) if has_returns else ()):
        exchange = reads.scalar(_ORDER_NUMBER, {"order_id": exchange_id}) if exchange_id else None
        returns.append(ReturnView(number, kind, status, tracking, refund_cents, exchange))
    place = " ".join(x for x in (order.ship_city, order.ship_region, order.ship_country) if x)
    return TrackingView(
        number=order.number, status=order.status, tracking_number=order.tracking_number, matched=matched,
        placed_at=order.placed_at, events=events, expected_delivery=expected, delivered_on=delivered_on,
        where=where, where_code=where_code, where_place=where_place, where_place_zh=where_place_zh, delayed=delayed, delay_days=delay_days,
        delay_reason=reason, delay_code=delay_code, delay_detail=delay_detail, parcels=parcel_views,
        returns=returns, ship_to=place, currency=order.currency, order_id=order.id,
    )


def _where(session: Session, order: Order, parcels: list[ParcelView], last_carrier: TimelineEvent | None,
           delivered_on: date | None) -> tuple[str, str, str, str]:
    """(code, place, the place's Chinese name or "", English sentence): the code and place let a screen say it in its
    own language."""
    status = order.status
    if status == lc.RETURNED:
        return "returned", "", "", "returned to the warehouse"
    if status == lc.DELIVERED:
        place = order.ship_city or order.ship_country
        return "delivered", place, "", f"delivered to {place}" + (f" on {delivered_on.isoformat()}" if delivered_on else "")
    if status == lc.CANCELLED:
        return "cancelled", "", "", "cancelled: nothing will be shipped"
    if last_carrier is not None and status == lc.SHIPPED:
        what = {"in_transit": "in transit", "out_for_delivery": "out for delivery", "exception": "held by the carrier"}.get(
            last_carrier.kind, last_carrier.kind)
        place = last_carrier.location or ""
        return last_carrier.kind, place, "", f"{what}" + (f" at {place}" if place else "")
    if status == lc.SHIPPED:
        carrier = parcels[0].carrier_name if parcels else ""
        return "with_carrier", carrier, "", f"handed to {carrier or 'the carrier'}"
    row = session.execute(_WAREHOUSE_NAME, {"warehouse_id": order.warehouse_id}).first() if order.warehouse_id else None
    name = (row.name if row else "") or ""
    name_zh = (row.name_zh if row else "") or ""
    at = f" at {name}" if name else ""
    if status == lc.LABELLED:
        return "awaiting_pickup", name, name_zh, f"labelled, waiting for the carrier's pick-up{at}"
    if status in lc.WAITING or status in (lc.RECEIVED, lc.CONFIRMED):
        return "not_in_work", "", "", f"not yet in work ({status})"
    return "in_warehouse", name, name_zh, f"in the warehouse{at} ({status})"


def find(sessions, query: str, now: datetime | None = None) -> TrackingView:
    """``station track`` and the tracking screen: the view of the order or parcel ``query`` names (a read)."""
    with sessions() as session:
        return lookup(session, query, now)


def view_again(sessions, order_id: int, matched: str, now: datetime | None = None) -> TrackingView:
    """The view of an order already shown, read afresh (its timeline moved on)."""
    with sessions() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(f"order {order_id} is gone")
        return view_of(session, order, matched, now)
