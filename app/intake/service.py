"""Order intake (seed 2.1.1): parsed records in, orders out, through rules and confirmation.

Records are taken in batches; each batch is one transaction, written with bulk inserts. A record
that fails is reported with its name and field and changes nothing; the rest of the batch goes
in. Re-importing the same records is harmless: an order is known by its channel and external id.
Every order is written together with its lines and its first events, never half.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain import lifecycle
from app.domain.allocation import Need
from app.domain.rules import AddressFacts, LineFacts, OrderFacts, RuleSettings, evaluate
from app.errors import StationError
from app.intake.model import IncomingOrder, RecordError
from app.intake.updates import ALERTED, CANCELLED, UPDATED, ShopUpdates, is_notice
from app.orders.catalogue import Catalogue, load_warehouses
from app.orders.confirmation import ConfirmationRun, insert_events
from app.orders.references import shop_number_key
from app.uow import Actor
from db.base import utcnow
from db.bulk import insert_rows, objects_frozen, update_rows
from db.models import Customer, Order, OrderLine, ReviewFlag

ORDER_PREFIX = "WS"
_RETRY_STATES = ("40P01", "40001")  # deadlock detected, serialization failure
STATUSES = {"paid", "pending", "failed", "refunded", "partially_refunded", "authorized"}


def order_number(order_id: int) -> str:
    return f"{ORDER_PREFIX}{order_id:08d}"


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0  # known orders the record changes nothing of
    rejected: list[dict[str, str]] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    # Orders taken in with something left out ({"record", "note"}): an e-mail address that is not one.
    notes: list[dict[str, str]] = field(default_factory=list)
    # Known orders the shop changed (app/intake/updates.py): an address or lines applied; cancelled; a change
    # that came too late, told to a supervisor.
    updated: int = 0
    cancelled: int = 0
    alerts: int = 0

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"imported": self.imported, "duplicates": self.duplicates, "rejected": self.rejected}
        for name in ("updated", "cancelled", "alerts"):  # the contract's three keys, then what happened besides
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.notes:
            out["notes"] = self.notes
        return out

    def merge(self, other: ImportSummary) -> None:
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        self.statuses.update(other.statuses)
        self.notes.extend(other.notes)
        self.updated += other.updated
        self.cancelled += other.cancelled
        self.alerts += other.alerts


# What the database holds of a record, as long as its columns are (db/models/core.py): a longer value is the
# record's fault, named, never a whole batch refused by PostgreSQL. The order's note is free text (a Text
# column): capped all the same, so a 20 MB note is a refused record and not 20 MB on every order screen.
NOTE_MAX_CHARS = 10_000
_ORDER_TEXT = (("channel", 40), ("external_id", 100), ("external_ref", 100), ("customer_email", 254),
               ("customer_name", 200), ("customer_phone", 40), ("currency", 3), ("coupon_code", 64),
               ("payment_status", 20), ("payment_reference", 100), ("service_level", 16), ("note", NOTE_MAX_CHARS),
               ("channel_status", 200), ("record", 200))
_ADDRESS_TEXT = (("name", 200), ("company", 200), ("address1", 300), ("address2", 300), ("city", 100),
                 ("region", 100), ("postcode", 20), ("country", 2), ("phone", 40), ("email", 254))
_LINE_TEXT = (("sku", 64), ("gtin", 14), ("name", 300))
_AMOUNTS = ("goods_cents", "coupon_cents", "points_used", "points_cents", "shipping_cents", "paid_cents", "tax_cents")
INT_MAX = 2**31 - 1  # the amounts' and quantities' INTEGER columns


def text_fault(value: object, name: str, limit: int) -> str | None:
    """A text field PostgreSQL cannot store (a NUL byte) or longer than its column; the answer names the field."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return f"{name}: contains a NUL byte"
    if len(value) > limit:
        return f"{name}: {len(value)} characters, at most {limit} allowed"
    return None


def _stored_faults(order: IncomingOrder) -> str | None:
    for name, limit in _ORDER_TEXT:
        fault = text_fault(getattr(order, name), name, limit)
        if fault:
            return fault
    address = order.ship_to
    for name, limit in _ADDRESS_TEXT:
        fault = text_fault(getattr(address, name), f"ship_to.{name}", limit)
        if fault:
            return fault
    for index, line in enumerate(order.lines):
        for name, limit in _LINE_TEXT:
            fault = text_fault(getattr(line, name), f"lines[{index}].{name}", limit)
            if fault:
                return fault
        if isinstance(line.quantity, int) and line.quantity > INT_MAX:
            return f"lines[{index}].quantity: {line.quantity} is too large"
        if line.unit_price_cents > INT_MAX:
            return f"lines[{index}].price: too large"
    for name in _AMOUNTS:
        if getattr(order, name) > INT_MAX:
            return f"{name.removesuffix('_cents')}: too large"
    if not order.goods_cents and sum(line.quantity * line.unit_price_cents for line in order.lines) > INT_MAX:
        return "goods: the lines add up to too large an amount"
    return None


@functools.lru_cache(maxsize=65536)
def email_fault(address: str) -> str | None:
    """Why ``address`` is not one mailbox a notice can go to (CR/LF, a list, a display name, no domain...), or None.
    The syntax only: no DNS look-up at intake."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def without_bad_emails(order: IncomingOrder) -> tuple[IncomingOrder, list[str]]:
    """The order without an e-mail address that is not one (it comes in all the same, and no notice goes to the
    address), and a note for each address left out."""
    notes: list[str] = []
    customer_email, ship_email = order.customer_email.strip(), order.ship_to.email.strip()
    for name, address in (("customer_email", customer_email), ("ship_to.email", ship_email)):
        fault = email_fault(address) if address else None
        if fault and not (name == "ship_to.email" and address == customer_email):  # the same address: one note
            notes.append(f"{name}: {address!r} is not an e-mail address ({fault}); left out, no e-mail goes to it")
    if not notes:
        return order, []
    if customer_email and email_fault(customer_email):
        customer_email = ""
    if ship_email and email_fault(ship_email):
        ship_email = ""
    return replace(order, customer_email=customer_email, ship_to=replace(order.ship_to, email=ship_email)), notes


def check_record(order: IncomingOrder) -> str | None:
    """Faults that make a record unusable; the answer names the field."""
    fault = _stored_faults(order)
    if fault:
        return fault
    if not order.channel.strip():
        return "channel: missing"
    if not order.external_id.strip():
        return "external_id: missing"
    if order.placed_at.tzinfo is None:
        return "placed_at: no time zone"
    if not order.lines:
        return "lines: the order has no lines"
    for index, line in enumerate(order.lines):
        if not line.label().strip():  # a line with a name but no code waits in review (unknown_sku)
            return f"lines[{index}].sku: missing"
        if not isinstance(line.quantity, int) or line.quantity <= 0:
            return f"lines[{index}].quantity: {line.quantity!r} is not a positive whole number"
        if line.unit_price_cents < 0:
            return f"lines[{index}].price: negative"
    for name in ("goods_cents", "coupon_cents", "points_cents", "shipping_cents", "paid_cents", "points_used"):
        if getattr(order, name) < 0:
            return f"{name.removesuffix('_cents')}: negative"
    if order.payment_status not in STATUSES:
        return f"payment_status: {order.payment_status!r} is not one of {', '.join(sorted(STATUSES))}"
    if order.priority not in (0, 1, 2):
        return f"priority: {order.priority!r} is not 0, 1 or 2"
    return None


def _notice_fault(order: IncomingOrder) -> str | None:
    """What makes a bare cancellation (no lines: app.intake.updates.cancellation_notice) unusable."""
    if not order.channel.strip():
        return "channel: missing"
    if not order.external_id.strip():
        return "external_id: missing"
    return _stored_faults(order)


class Intake:
    """One intake job: holds the catalogue and warehouse loads for its length."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        actor: Actor | None = None,
        batch_size: int = 1000,
        received_at: Callable[[IncomingOrder], datetime] | None = None,
    ) -> None:
        # When the order counts as received; the import's own time unless a replay says otherwise.
        self.received_at = received_at
        self.sessions = sessions
        self.settings = settings
        self.actor = actor or Actor.system(settings.station)
        self.rules = RuleSettings.from_mapping(settings.review_rules)
        self.batch_size = batch_size
        self._catalogue: Catalogue | None = None

    def run(self, records: Iterable[IncomingOrder | RecordError], progress: Callable[[int], None] | None = None) -> ImportSummary:
        summary = ImportSummary()
        for number, batch in enumerate(_batches(records, self.batch_size), start=1):
            summary.merge(self._batch(batch))
            if number & (number - 1) == 0:
                self._refresh_statistics()
            if progress:
                progress(len(batch))
        return summary

    def _refresh_statistics(self) -> None:
        """A big import into fresh tables outruns autovacuum: without statistics PostgreSQL scans the customers
        and orders tables for every batch's look-ups. Analysed after batches 1, 2, 4, 8, ...: cheap, and
        the plans stay on the indexes."""
        with self.sessions() as session, session.begin():
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("ANALYZE customers, orders"))

    # One batch, one transaction for its new orders. A clash with a concurrent importer is retried once the
    # winner's orders are visible, so they count as known. Records of known orders go to the update service
    # afterwards, a transaction each: what the shop changed is applied, an unchanged record is a duplicate.
    def _batch(self, batch: list[IncomingOrder | RecordError]) -> ImportSummary:
        for attempt in range(3):
            try:
                summary, known = self._write_batch(batch)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
            except DBAPIError as exc:  # two importers waiting on each other's rows: PostgreSQL picks one to fail
                if attempt == 2 or getattr(exc.orig, "sqlstate", None) not in _RETRY_STATES:
                    raise
        else:
            raise AssertionError("unreachable")
        self._updates(known, summary)
        return summary

    def _updates(self, records: list[IncomingOrder], summary: ImportSummary) -> None:
        if not records:
            return
        service = ShopUpdates(self.sessions, self.actor, self._catalogue.product if self._catalogue else None)
        for record in records:
            try:
                outcome = service.apply(record)
            except StationError as exc:  # not the actor's to change, or changed at a station at the same moment
                summary.rejected.append({"record": record.record or f"order {record.external_id}", "error": exc.message})
                continue
            if outcome == UPDATED:
                summary.updated += 1
            elif outcome == CANCELLED:
                summary.cancelled += 1
            elif outcome == ALERTED:
                summary.alerts += 1
            else:
                summary.duplicates += 1

    def _write_batch(self, batch: list[IncomingOrder | RecordError]) -> tuple[ImportSummary, list[IncomingOrder]]:
        """The batch's new orders written; returns the summary and the records of orders already known (a second
        record of one order in the batch among them, after the first), for the update service."""
        summary = ImportSummary()
        orders: list[IncomingOrder] = []
        later: list[IncomingOrder] = []
        seen: set[tuple[str, str]] = set()
        left_out: dict[tuple[str, str], list[str]] = {}
        for record in batch:
            if isinstance(record, RecordError):
                summary.rejected.append({"record": record.record, "error": record.error})
                continue
            # A cancellation that carries no order (a deleted order's id alone): for an order already known.
            fault = _notice_fault(record) if is_notice(record) else check_record(record)
            if fault:
                name = record.record or f"order {record.external_id}"
                summary.rejected.append({"record": name.replace("\x00", "\\x00"), "error": fault})
                continue
            record, dropped = without_bad_emails(record)
            key = (record.channel, record.external_id)
            if key in seen:
                later.append(record)
                continue
            seen.add(key)
            orders.append(record)
            if dropped:
                left_out[key] = dropped
        if not orders:
            return summary, later

        with self.sessions() as session, session.begin():
            if self._catalogue is None:
                self._catalogue = Catalogue(session)
                self._warehouses = load_warehouses(session)
            catalogue = self._catalogue
            existing = _existing(session, seen)
            known = [o for o in orders if (o.channel, o.external_id) in existing]
            if known:  # what the shop says again unchanged is a duplicate, read in bulk
                changing = ShopUpdates(self.sessions, self.actor, catalogue.product).might_change(session, known)
                summary.duplicates += len(known) - len(changing)
                known = changing
            fresh = []
            for o in orders:
                if (o.channel, o.external_id) in existing:
                    continue
                if is_notice(o):  # nothing to stop, nothing to take in: said, not refused (the shop would retry)
                    summary.notes.append({"record": o.record or f"order {o.external_id}",
                                          "note": f"the shop cancelled order {o.external_id}, which this station never "
                                                  f"received: nothing to stop"})
                    continue
                fresh.append(o)
            if not fresh:
                return summary, known + later
            customers = _customers(session, fresh)
            order_ids = _next_ids(session, "orders", len(fresh))
            line_ids = iter(_next_ids(session, "order_lines", sum(len(o.lines) for o in fresh)))
            run = ConfirmationRun(session, catalogue, self._warehouses)

            order_rows, line_rows, events = [], [], []
            flag_rows: list[dict[str, Any]] = []
            to_confirm: list[tuple[dict[str, Any], list[Need], IncomingOrder]] = []
            clock = utcnow()
            for incoming, order_id in zip(fresh, order_ids):
                now = self.received_at(incoming) if self.received_at else clock
                customer = customers.get(incoming.customer_email.strip().lower()) if incoming.customer_email else None
                line_facts, needs = [], []
                for line_no, line in enumerate(incoming.lines, start=1):
                    product = catalogue.product(line.sku, line.gtin, line.refs)
                    line_id = next(line_ids)
                    line_rows.append(
                        {
                            "id": line_id,
                            "order_id": order_id,
                            "line_no": line_no,
                            "sku": product.sku if product else line.code(),
                            "gtin": line.gtin[:14],
                            "product_id": product.id if product else None,
                            "name": line.name or (product.name if product else ""),
                            "quantity": line.quantity,
                            "unit_price_cents": line.unit_price_cents,
                            "picked_quantity": 0,
                            "packed_quantity": 0,
                        }
                    )
                    line_facts.append(
                        LineFacts(
                            sku=product.sku if product else line.code(),
                            quantity=line.quantity,
                            unit_price_cents=line.unit_price_cents,
                            known=product is not None,
                            category=product.category if product else "",
                            restricted=product.restricted if product else False,
                            high_value=product.high_value if product else False,
                            name=line.name,
                            quantity_text=line.quantity_text,
                        )
                    )
                    if product:
                        needs.append(Need(line_id, product.id, line.quantity, product.sku))
                goods = incoming.goods_cents or sum(l.quantity * l.unit_price_cents for l in incoming.lines)
                address = incoming.ship_to
                facts = OrderFacts(
                    lines=line_facts,
                    address=AddressFacts(address.name, address.address1, address.city, address.region, address.postcode, address.country),
                    currency=incoming.currency,
                    goods_cents=goods,
                    coupon_code=incoming.coupon_code,
                    coupon_cents=incoming.coupon_cents,
                    expected_coupon_cents=catalogue.coupon_value(incoming.coupon_code, goods, incoming.placed_at.date())
                    if incoming.coupon_code
                    else 0,
                    points_used=incoming.points_used,
                    points_cents=incoming.points_cents,
                    shipping_cents=incoming.shipping_cents,
                    tax_cents=incoming.tax_cents,
                    paid_cents=incoming.paid_cents,
                    payment_status=incoming.payment_status,
                    channel_status=incoming.channel_status,
                    customer_standing=customer["credit_standing"] if customer else "good",
                    customer_blocked_reason=customer["blocked_reason"] if customer else "",
                    coupon_by_shop=incoming.coupon_by_shop,
                    rounding_cents=incoming.rounding_cents,
                    fulfilled_by_shop=incoming.fulfilled_by_shop,
                    refunded_unitemised_cents=incoming.refunded_unitemised_cents,
                )
                flags = evaluate(facts, self.rules)
                row = {
                    "id": order_id,
                    "number": order_number(order_id),
                    "channel": incoming.channel,
                    "external_id": incoming.external_id,
                    # The number the shop shows (#1041) finds the order wherever a person types it.
                    "shop_number": shop_number_key(incoming.external_ref or incoming.external_id),
                    "status": lifecycle.REVIEW if flags else lifecycle.RECEIVED,
                    "priority": incoming.priority,
                    "placed_at": incoming.placed_at,
                    "promised_ship_at": incoming.promised_ship_at,
                    "service_level": incoming.service_level,
                    "customer_id": customer["id"] if customer else None,
                    "ship_name": address.name,
                    "ship_company": address.company,
                    "ship_address1": address.address1,
                    "ship_address2": address.address2,
                    "ship_city": address.city,
                    "ship_region": address.region,
                    "ship_postcode": address.postcode,
                    "ship_country": address.country.upper(),
                    "ship_phone": address.phone,
                    "ship_email": address.email or incoming.customer_email,
                    "currency": incoming.currency,
                    "goods_cents": goods,
                    "coupon_code": incoming.coupon_code,
                    "coupon_cents": incoming.coupon_cents,
                    "points_used": incoming.points_used,
                    "points_cents": incoming.points_cents,
                    "shipping_cents": incoming.shipping_cents,
                    "tax_cents": incoming.tax_cents,
                    "paid_cents": incoming.paid_cents,
                    "payment_status": incoming.payment_status,
                    "payment_reference": incoming.payment_reference,
                    "warehouse_id": None,
                    "station_id": None,
                    "tracking_number": None,
                    "note": incoming.note,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                order_rows.append(row)
                left = left_out.get((incoming.channel, incoming.external_id))
                if left:
                    summary.notes.extend({"record": incoming.record or f"order {incoming.external_id}", "note": note}
                                         for note in left)
                    events.append(_event(order_id, "received", self.actor, now, source=incoming.record or incoming.channel,
                                         left_out=left))
                else:
                    events.append(_event(order_id, "received", self.actor, now, source=incoming.record or incoming.channel))
                if flags:
                    flag_rows.extend({"order_id": order_id, "code": f.code, "message": f.message[:500], "resolved": False}
                                     for f in flags)
                    events.append(
                        _event(order_id, "review", self.actor, now, flags=[{"code": f.code, "message": f.message} for f in flags])
                    )
                else:
                    to_confirm.append((row, needs, incoming))

            if to_confirm:
                run.lock({need.product_id for _, needs, _ in to_confirm for need in needs})
            outcomes = []
            for row, needs, incoming in to_confirm:
                outcome = run.decide(
                    row["id"], needs, row["ship_country"], row["ship_region"], row["priority"], self.actor, at=row["created_at"]
                )
                row["status"] = outcome.status
                row["warehouse_id"] = outcome.decision.warehouse_id if outcome.decision.allocated else None
                events.extend(outcome.events)
                outcomes.append(outcome)

            insert_rows(session, Order.__table__, order_rows)
            insert_rows(session, OrderLine.__table__, line_rows)
            insert_rows(session, ReviewFlag.__table__, flag_rows)
            run.write(outcomes)
            insert_events(session, events)
            summary.imported += len(order_rows)
            summary.statuses.update(row["status"] for row in order_rows)
        return summary, known + later


def _event(order_id: int, kind: str, actor: Actor, at, **data: Any) -> dict[str, Any]:
    return {"order_id": order_id, "at": at, "kind": kind, "station": actor.station, "user": actor.user, "location": None, "data": data}


def _batches(records: Iterable[IncomingOrder | RecordError], size: int) -> Iterator[list[IncomingOrder | RecordError]]:
    batch: list[IncomingOrder | RecordError] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _existing(session: Session, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    by_channel: dict[str, list[str]] = {}
    for channel, external_id in keys:
        by_channel.setdefault(channel, []).append(external_id)
    found: set[tuple[str, str]] = set()
    for channel, ids in by_channel.items():
        for start in range(0, len(ids), 900):
            rows = session.execute(
                select(Order.external_id).where(Order.channel == channel, Order.external_id.in_(ids[start : start + 900]))
            )
            found.update((channel, external_id) for (external_id,) in rows)
    return found


def _customers(session: Session, orders: list[IncomingOrder]) -> dict[str, dict[str, Any]]:
    """Customers by e-mail, created on first sight (with this batch's orders already counted, see
    :func:`_count_customer_orders`).

    A new customer goes in with ``INSERT ... ON CONFLICT (email) DO NOTHING``: when another import or webhook
    brings the same new customer at the same moment, one of them inserts it and the other finds it, so neither
    loses its batch to a unique violation. The rows go in by e-mail order, so two such batches never wait on each
    other's customers crosswise."""
    wanted: dict[str, IncomingOrder] = {}
    for order in orders:
        email = order.customer_email.strip().lower()
        if email and email not in wanted:
            wanted[email] = order
    found: dict[str, dict[str, Any]] = {}
    emails = list(wanted)
    _read_customers(session, emails, found)
    missing = sorted(email for email in emails if email not in found)
    if not missing:
        _count_customer_orders(session, orders, found, [])
        return found
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for customer_id, email in zip(_next_ids(session, "customers", len(missing)), missing):
        first = wanted[email]
        found[email] = {"id": customer_id, "email": email, "credit_standing": "good", "blocked_reason": "", "new": True}
        rows.append(
            {
                "id": customer_id,
                "email": email,
                "name": first.customer_name or first.ship_to.name,
                "phone": first.customer_phone or first.ship_to.phone,
                "credit_standing": "good",
                "blocked_reason": "",
                "orders_count": 0,
                "spent_cents": 0,
                "returns_count": 0,
                "chargebacks_count": 0,
                "points_balance": 0,
                "created_at": now,
            }
        )
    _count_customer_orders(session, orders, found, rows)
    inserted = _insert_new_customers(session, rows)
    lost = [row for row in rows if row["email"] not in inserted]
    if lost:  # created by someone else a moment ago: theirs, with these orders added to its counts
        for row in lost:
            del found[row["email"]]
        _read_customers(session, [row["email"] for row in lost], found)
        update_rows(
            session,
            Customer.__table__,
            "id",
            [{"id": found[row["email"]]["id"], "orders_count": row["orders_count"], "spent_cents": row["spent_cents"]}
             for row in lost if row["email"] in found],
            add=("orders_count", "spent_cents"),
        )
    return found


def _read_customers(session: Session, emails: list[str], found: dict[str, dict[str, Any]]) -> None:
    columns = (Customer.id, Customer.email, Customer.credit_standing, Customer.blocked_reason)
    for start in range(0, len(emails), 900):
        for row in session.execute(select(*columns).where(Customer.email.in_(emails[start : start + 900]))):
            found[row.email] = row._asdict()


def _insert_new_customers(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert the rows whose e-mail no customer has yet; the e-mails inserted."""
    table = Customer.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted: set[str] = set()
    for start in range(0, len(rows), 500):
        statement = (dialect.insert(table).values(rows[start : start + 500])
                     .on_conflict_do_nothing(index_elements=["email"]).returning(table.c.email))
        inserted.update(session.execute(statement).scalars())
    return inserted


def _count_customer_orders(
    session: Session, orders: list[IncomingOrder], customers: dict[str, dict[str, Any]], new_rows: list[dict[str, Any]]
) -> None:
    """Add the orders to their customers' counts: new customers' rows (not yet written) get them in place,
    known customers in one keyed update."""
    counts: Counter = Counter()
    spent: Counter = Counter()
    for order in orders:
        customer = customers.get(order.customer_email.strip().lower()) if order.customer_email else None
        if customer:
            counts[customer["id"]] += 1
            spent[customer["id"]] += order.paid_cents
    for row in new_rows:
        row["orders_count"] = counts.pop(row["id"], 0)
        row["spent_cents"] = spent.get(row["id"], 0)
    update_rows(
        session,
        Customer.__table__,
        "id",
        [{"id": cid, "orders_count": n, "spent_cents": spent[cid]} for cid, n in counts.items()],
        add=("orders_count", "spent_cents"),
    )


def _next_ids(session: Session, table: str, count: int) -> list[int]:
    """Reserve primary keys up front so orders, lines and reservations go in with plain bulk inserts."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"), {"n": count}
        )
        return sorted(r[0] for r in rows)
    # SQLite: the transaction holds the write lock (BEGIN IMMEDIATE), so max(id) cannot move under us.
    start = session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return list(range(start + 1, start + 1 + count))


def import_records(
    sessions: sessionmaker[Session],
    settings: Settings,
    records: Iterable[IncomingOrder | RecordError],
    actor: Actor | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """A file's records (``station import``): a bulk job, so the parsed file is kept out of the collector's way."""
    with objects_frozen():
        return Intake(sessions, settings, actor).run(records, progress)


def ingest_into(sessions: sessionmaker[Session], settings: Settings, actor: Actor | None = None) -> Callable[
    [Iterable[IncomingOrder | RecordError], str], ImportSummary
]:
    """The ``ingest(records, source)`` callback the watch folder, the webhooks and ``station serve`` use.
    A database that cannot be reached becomes a ``DatabaseUnavailable`` so a watcher retries the file later
    and a webhook answers 503 (the sender delivers again)."""
    from sqlalchemy.exc import OperationalError

    from app.errors import DatabaseUnavailable

    def ingest(records: Iterable[IncomingOrder | RecordError], source: str) -> ImportSummary:
        try:
            return Intake(sessions, settings, actor).run(records)
        except OperationalError as exc:
            raise DatabaseUnavailable(f"the database cannot be reached ({str(exc.orig).strip().splitlines()[0]}); "
                                      f"{source} will be taken again") from exc

    return ingest
