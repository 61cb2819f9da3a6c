"""Carrier scan events in (seed 4.1.1): in transit, out for delivery, delivered, exception.

Two documented formats carry them, the same whatever brings them (a file dropped by the carrier's SFTP, a
payload POSTed to ``station serve``, ``station carrier-events import FILE``):

JSON (``application/json``)::

    {"carrier": "SF",
     "events": [{"tracking_number": "600000000013", "event": "in_transit", "at": "2026-11-25T08:00:00Z",
                 "location": "杭州转运中心 Hangzhou hub", "detail": "", "id": "SF-EV-000123"}]}

``events`` may also be the whole document (a bare list), or one event object alone. ``carrier`` may be given
per event. ``event`` is one of ``in_transit``, ``out_for_delivery``, ``delivered``, ``exception`` (case and
blanks are forgiven: ``"Out for delivery"``). ``at`` is ISO 8601 with a time zone. ``id`` is the carrier's own
event id; without it an event is known by tracking number, kind and time. ``location`` and ``detail`` are
optional.

CSV (UTF-8, header row)::

    tracking_number,event,at,location,detail,carrier,id

Every event joins the order's timeline with the carrier as its user; ``delivered`` on the last parcel moves the
order ``shipped -> delivered``; events on a return label's number join the original order's timeline as
``return_in_transit``, ``return_delivered``, ... An event that cannot be used (unknown tracking number, no time
zone, unknown kind, a NUL byte or a tracking number longer than any of ours) is reported with its record and the
reason and changes nothing; the good ones go in. Sending the same events twice is harmless.

An event that does not fit the parcel's story is *held* for a person, not applied: one dated before the parcel was
labelled, or ``delivered`` for a parcel never handed to the carrier (labelled, not shipped). It goes on the order's
timeline as ``carrier_event_held`` with the reason (``held`` in the result); :func:`held_events` lists those not
yet decided and :func:`decide_held` applies one or sets it aside, on the timeline under the person's name.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import lifecycle as lc
from app.errors import InvalidInput, NotFound
from app.orders.timeline import add_event, move
from app.sync import notify_change
from app.uow import Actor
from db.base import utcnow
from db.models import Order, OrderEvent
from db.models.aftersales import CARRIER_EVENT_KINDS, CarrierEvent, Return
from db.models.shipping import Carrier, Parcel

CSV_FIELDS = ("tracking_number", "event", "at", "location", "detail", "carrier", "id")
HELD = "carrier_event_held"
RELEASED = "carrier_event_released"
SET_ASIDE = "carrier_event_set_aside"
# A carrier's scanner clock and the station's may differ a little: only an event more than this before the label
# is held as out of order.
CLOCK_SLACK = timedelta(minutes=15)
TRACKING_MAX = 40  # parcels.tracking_number
_ALIASES = {"transit": "in_transit", "intransit": "in_transit", "out_for_delivery": "out_for_delivery",
            "outfordelivery": "out_for_delivery", "delivered": "delivered", "exception": "exception",
            "in_transit": "in_transit", "delay": "exception", "failed_delivery": "exception"}


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    orders: set[str] = field(default_factory=set)
    # Events kept for a person, not applied ({"record", "reason"}): out of order for their parcel.
    held: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}
        if self.held:
            out["held"] = self.held
        return out


@dataclass(frozen=True)
class CarrierScan:
    tracking_number: str
    kind: str
    at: datetime
    location: str = ""
    detail: str = ""
    carrier: str = ""
    event_id: str = ""

    @property
    def dedupe_key(self) -> str:
        if self.event_id:
            return f"{self.carrier}:{self.event_id}"[:200]
        return f"{self.tracking_number}|{self.kind}|{self.at.isoformat()}"[:200]


class BadEvent(InvalidInput):
    pass


def normalise_kind(value: Any) -> str:
    text = str(value or "").strip().lower().replace("-", "_").replace(" ", "_")
    kind = _ALIASES.get(text) or _ALIASES.get(text.replace("_", ""))
    if kind is None:
        raise BadEvent(f"event: {value!r} is not one of {', '.join(CARRIER_EVENT_KINDS)}")
    return kind


def parse_time(value: Any) -> datetime:
    text = str(value or "").strip()
    if not text:
        raise BadEvent("at: missing")
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadEvent(f"at: {text!r} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise BadEvent(f"at: {text!r} has no time zone (add Z or +08:00)")
    try:
        at.astimezone(UTC)  # it is stored in UTC: a time that has none there (year 1 east of UTC) is refused
    except OverflowError:
        raise BadEvent(f"at: {text!r} is out of range") from None
    return at


_TEXT_KEYS = ("tracking_number", "tracking", "event", "kind", "status", "at", "time", "location", "detail",
              "description", "carrier", "id")


def scan_from_mapping(raw: Any, carrier: str = "") -> CarrierScan:
    if not isinstance(raw, dict):
        raise BadEvent("the event is not an object")
    for key in _TEXT_KEYS:  # PostgreSQL stores no NUL byte: the event's fault, named, never the whole payload's
        if "\x00" in str(raw.get(key) or ""):
            raise BadEvent(f"{key}: contains a NUL byte")
    if "\x00" in carrier:
        raise BadEvent("carrier: contains a NUL byte")
    number = str(raw.get("tracking_number") or raw.get("tracking") or "").strip().upper().replace(" ", "")
    if not number:
        raise BadEvent("tracking_number: missing")
    if len(number) > TRACKING_MAX:
        raise BadEvent(f"tracking_number: {len(number)} characters, at most {TRACKING_MAX} allowed")
    return CarrierScan(
        tracking_number=number, kind=normalise_kind(raw.get("event") or raw.get("kind") or raw.get("status")),
        at=parse_time(raw.get("at") or raw.get("time")), location=str(raw.get("location") or "").strip()[:200],
        detail=str(raw.get("detail") or raw.get("description") or "").strip()[:500],
        carrier=str(raw.get("carrier") or carrier or "").strip().upper()[:16], event_id=str(raw.get("id") or "").strip(),
    )


def parse_json(payload: str | bytes | dict | list) -> list[tuple[str, CarrierScan | BadEvent]]:
    """(record name, scan or the reason it is unusable) for every event of a JSON payload."""
    if isinstance(payload, (str, bytes)):
        try:
            payload = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"the carrier payload is not JSON: {exc}") from None
        except RecursionError:
            raise InvalidInput("the carrier payload is not JSON we take: nested too deeply") from None
    carrier = ""
    if isinstance(payload, dict) and "events" in payload:
        carrier = str(payload.get("carrier") or "")
        events = payload["events"]
    elif isinstance(payload, list):
        events = payload
    else:
        events = [payload]
    if not isinstance(events, list):
        raise InvalidInput("the carrier payload's 'events' is not a list")
    out: list[tuple[str, CarrierScan | BadEvent]] = []
    for index, raw in enumerate(events):
        name = f"event {index + 1}"
        if isinstance(raw, dict) and raw.get("id"):
            name += f" ({raw.get('id')})"
        try:
            out.append((name, scan_from_mapping(raw, carrier)))
        except BadEvent as exc:
            out.append((name, exc))
    return out


def parse_csv(text: str) -> list[tuple[str, CarrierScan | BadEvent]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    out: list[tuple[str, CarrierScan | BadEvent]] = []
    try:
        if not reader.fieldnames or "tracking_number" not in [f.strip() for f in reader.fieldnames]:
            raise InvalidInput(f"the carrier file has no header row with tracking_number (expected: {','.join(CSV_FIELDS)})")
        for row in reader:
            name = f"line {reader.line_num}"
            row = {(k or "").strip(): (v or "") for k, v in row.items() if k}
            try:
                out.append((name, scan_from_mapping(row)))
            except BadEvent as exc:
                out.append((name, exc))
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise InvalidInput(f"the carrier file cannot be read as CSV after line {reader.line_num}: {exc}") from None
    return out


def parse_file(content: bytes, filename: str = "") -> list[tuple[str, CarrierScan | BadEvent]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{filename or 'the carrier file'} is not UTF-8 text") from None
    if filename.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return parse_json(text)
    return parse_csv(text)


def ingest(session: Session, payload: str | bytes | dict | list, source: str = "api", now: datetime | None = None) -> IngestResult:
    """A JSON payload in (see the module docstring). The caller commits."""
    return ingest_scans(session, parse_json(payload), source, now)


def ingest_file(session: Session, content: bytes, filename: str = "", now: datetime | None = None) -> IngestResult:
    """A carrier file (JSON or CSV) in. The caller commits."""
    return ingest_scans(session, parse_file(content, filename), f"file:{filename}"[:40], now)


def ingest_scans(session: Session, items: Iterable[tuple[str, CarrierScan | BadEvent]], source: str,
                 now: datetime | None = None) -> IngestResult:
    now = now or utcnow()
    result = IngestResult()
    for name, item in items:
        if isinstance(item, BadEvent):
            result.rejected.append({"record": name, "error": item.message})
            continue
        try:
            with session.begin_nested():
                outcome = _apply(session, item, source, now)
        except BadEvent as exc:
            result.rejected.append({"record": name, "error": exc.message})
            continue
        except IntegrityError:  # the same event arrived from elsewhere a moment ago
            result.duplicates += 1
            continue
        if outcome is None:
            result.duplicates += 1
        elif isinstance(outcome, Held):
            result.held.append({"record": name, "reason": outcome.reason})
            result.orders.add(outcome.order)
        else:
            result.accepted += 1
            result.orders.add(outcome)
    return result


@dataclass(frozen=True)
class Held:
    order: str
    reason: str


def hold_reason(scan: CarrierScan, parcel: Parcel | None) -> str | None:
    """Why an event does not fit its parcel's story (and waits for a person), or None."""
    if parcel is None:
        return None
    labelled = parcel.labelled_at
    if labelled is not None and labelled.tzinfo is None:
        labelled = labelled.replace(tzinfo=UTC)
    if labelled is not None and scan.at < labelled - CLOCK_SLACK:
        return (f"dated {scan.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC, before parcel {parcel.tracking_number} was "
                f"labelled ({labelled:%Y-%m-%d %H:%M} UTC)")
    if scan.kind == "delivered" and parcel.status == "labelled":
        return f"delivered, but parcel {parcel.tracking_number} was never handed to the carrier (labelled, not shipped)"
    return None


def _already_held(session: Session, order_id: int, key: str) -> bool:
    data = session.scalars(select(OrderEvent.data).where(OrderEvent.order_id == order_id, OrderEvent.kind == HELD))
    return any((d or {}).get("dedupe_key") == key for d in data)


def _apply(session: Session, scan: CarrierScan, source: str, now: datetime, force: bool = False) -> str | Held | None:
    if scan.at > now + timedelta(days=1):
        raise BadEvent(f"at: {scan.at.isoformat()} is in the future")
    if session.scalar(select(CarrierEvent.id).where(CarrierEvent.dedupe_key == scan.dedupe_key)) is not None:
        return None
    parcel = session.scalar(select(Parcel).where(Parcel.tracking_number == scan.tracking_number, Parcel.voided.is_(False)))
    ret = None
    order: Order | None = None
    if parcel is not None:
        order = session.get(Order, parcel.order_id)
    else:
        ret = session.scalar(select(Return).where(Return.tracking_number == scan.tracking_number))
        if ret is not None:
            order = session.get(Order, ret.order_id)
        else:
            order = session.scalar(select(Order).where(Order.tracking_number == scan.tracking_number))
    if order is None:
        raise BadEvent(f"tracking_number: {scan.tracking_number} is not one of our parcels")
    carrier = scan.carrier
    if not carrier and parcel is not None:
        carrier = session.scalar(select(Carrier.code).where(Carrier.id == parcel.carrier_id)) or ""
    reason = None if force else hold_reason(scan, parcel)
    if reason is not None:
        if _already_held(session, order.id, scan.dedupe_key):
            return None
        actor = Actor(station=None, user=f"carrier:{carrier}" if carrier else "carrier", role="admin")
        add_event(session, order, HELD, actor, at=now, reason=reason, dedupe_key=scan.dedupe_key, carrier=carrier,
                  tracking_number=scan.tracking_number, event=scan.kind, event_at=scan.at.isoformat(),
                  event_location=scan.location, detail=scan.detail, event_id=scan.event_id, source=source)
        notify_change(session, "order", order.id)
        return Held(order.number, reason)
    session.add(CarrierEvent(
        dedupe_key=scan.dedupe_key, carrier=carrier, tracking_number=scan.tracking_number, order_id=order.id,
        parcel_id=parcel.id if parcel else None, return_id=ret.id if ret else None, kind=scan.kind, at=scan.at,
        location=scan.location, detail=scan.detail, source=source, received_at=now,
    ))
    session.flush()
    actor = Actor(station=None, user=f"carrier:{carrier}" if carrier else "carrier", role="admin")
    data = {"carrier": carrier, "tracking_number": scan.tracking_number, "detail": scan.detail, "source": source}
    location = scan.location or None
    if ret is not None:
        add_event(session, order, f"return_{scan.kind}", actor, at=scan.at, location=location, return_number=ret.number, **data)
    elif scan.kind == "delivered" and parcel is not None:
        _delivered(session, order, parcel, actor, scan, location, data)
    else:
        add_event(session, order, scan.kind, actor, at=scan.at, location=location, **data)
    notify_change(session, "order", order.id)
    return order.number


def _delivered(session: Session, order: Order, parcel: Parcel, actor: Actor, scan: CarrierScan, location: str | None,
               data: dict[str, Any]) -> None:
    if parcel.status in ("labelled", "shipped"):
        if parcel.shipped_at is None:
            parcel.shipped_at = scan.at
        parcel.status = "delivered"
    session.flush()
    open_parcels = session.scalar(
        select(Parcel.id).where(Parcel.order_id == order.id, Parcel.voided.is_(False), Parcel.status.in_(("labelled", "shipped")))
    )
    if open_parcels is None and order.status in (lc.LABELLED, lc.SHIPPED):
        if order.status == lc.LABELLED:
            # The carrier delivered a parcel that never went on a manifest: it clearly left.
            move(session, order, lc.SHIPPED, actor, kind="shipped", reason="carrier scan before close-out", **data)
        move(session, order, lc.DELIVERED, actor, kind="delivered", at=scan.at, location=location, **data)
    else:
        add_event(session, order, "parcel_delivered" if order.status in (lc.LABELLED, lc.SHIPPED) else "delivered",
                  actor, at=scan.at, location=location, **data)


def import_file(sessions, content: bytes, filename: str, actor: Actor) -> IngestResult:
    """``station carrier-events import``: a carrier's file in, in one unit of work (shipping staff)."""
    from app.admin.auth import require_role
    from app.uow import UnitOfWork

    require_role(actor, "shipping")
    with UnitOfWork(sessions) as uow:
        result = ingest_file(uow.session, content, filename)
        uow.commit()
    return result


# --- events held for a person -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeldEvent:
    """A carrier event held (see the module docstring), waiting for a person's decision."""

    id: int  # the timeline event's
    order: str
    tracking_number: str
    kind: str
    at: str  # the carrier's time, as sent
    reason: str
    held_at: datetime
    carrier: str = ""
    location: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "order": self.order, "tracking_number": self.tracking_number, "event": self.kind,
                "at": self.at, "reason": self.reason, "held_at": self.held_at.isoformat(), "carrier": self.carrier,
                "location": self.location}


def held_events(session: Session, limit: int = 500) -> list[HeldEvent]:
    """The carrier events held and not yet applied or set aside, oldest first."""
    rows = session.execute(
        select(OrderEvent.id, OrderEvent.at, OrderEvent.data, Order.number).join(Order, Order.id == OrderEvent.order_id)
        .where(OrderEvent.kind == HELD).order_by(OrderEvent.id)
    ).all()
    if not rows:
        return []
    decided = {(d or {}).get("held_event") for (d,) in session.execute(
        select(OrderEvent.data).where(OrderEvent.kind.in_((RELEASED, SET_ASIDE))))}
    out = []
    for event_id, at, data, number in rows:
        if event_id in decided:
            continue
        data = data or {}
        out.append(HeldEvent(id=event_id, order=number, tracking_number=str(data.get("tracking_number") or ""),
                             kind=str(data.get("event") or ""), at=str(data.get("event_at") or ""),
                             reason=str(data.get("reason") or ""), held_at=at, carrier=str(data.get("carrier") or ""),
                             location=str(data.get("event_location") or "")))
        if len(out) >= limit:
            break
    return out


def decide_held(session: Session, event_id: int, actor: Actor, apply: bool, note: str = "",
                now: datetime | None = None) -> str:
    """A person's decision on a held event: ``apply`` it as the carrier sent it (a delivery then moves the order as
    any delivery would), or set it aside. Either way the timeline says who decided. Returns the order's number.
    Supervisors decide (the caller commits)."""
    from app.admin.auth import require_role

    require_role(actor, "supervisor")
    held = session.get(OrderEvent, event_id)
    if held is None or held.kind != HELD:
        raise NotFound(f"no held carrier event {event_id}")
    order = session.get(Order, held.order_id)
    assert order is not None
    decisions = session.scalars(select(OrderEvent.data).where(OrderEvent.order_id == held.order_id,
                                                              OrderEvent.kind.in_((RELEASED, SET_ASIDE))))
    if any((d or {}).get("held_event") == event_id for d in decisions):
        raise InvalidInput(f"held carrier event {event_id} was decided already")
    data = dict(held.data or {})
    if apply:
        scan = CarrierScan(tracking_number=str(data.get("tracking_number") or ""), kind=str(data.get("event") or ""),
                           at=parse_time(data.get("event_at")), location=str(data.get("event_location") or ""),
                           detail=str(data.get("detail") or ""), carrier=str(data.get("carrier") or ""),
                           event_id=str(data.get("event_id") or ""))
        _apply(session, scan, str(data.get("source") or "held"), now or utcnow(), force=True)
    add_event(session, order, RELEASED if apply else SET_ASIDE, actor, held_event=event_id, note=note.strip()[:500],
              event=data.get("event"), tracking_number=data.get("tracking_number"))
    notify_change(session, "order", order.id)
    return order.number


def list_held(sessions, limit: int = 500) -> list[HeldEvent]:
    """:func:`held_events` in a read of its own (``station carrier-events held``)."""
    with sessions() as session:
        return held_events(session, limit)


def decide(sessions, event_id: int, actor: Actor, apply: bool, note: str = "") -> str:
    """:func:`decide_held` in its own unit of work (``station carrier-events decide``). Returns the order's number."""
    from app.uow import UnitOfWork

    with UnitOfWork(sessions) as uow:
        number = decide_held(uow.session, event_id, actor, apply, note)
        uow.commit()
        return number
