"""Updates after intake (issue 20, item 3): what a shop says about an order the station already holds.

The intake hands over every record whose (channel, external id) is known; :class:`ShopUpdates` compares it with
the order as stored and applies what changed, one transaction a record, with its events on the timeline, acting
as the intake's actor (the shop's deliveries). Nothing changed: the record is a duplicate and nothing is written,
so the same delivery twice writes its events once.

A cancellation (Shopify ``cancelled_at``, the ``orders/cancelled`` topic; WooCommerce ``cancelled``, ``refunded``
or a deleted order) stops the order wherever it is:

* before picking (received, review, on_hold, backordered, confirmed, allocated): ``cancelled``, its reserved stock
  given back, a ``cancelled_by_shop`` event;
* at work (picking, picked, packing, packed) or given to a station: taken off the station as a supervisor's
  take-away does (the station hears of it at once and its screen says the shop cancelled it), ``cancelled``, the
  reservation given back. Picking moves no stock on the books (on-hand falls only when the parcel leaves at the
  close-out), so the units in a tote or a box are still on their bins' books: like a short pick's tote, they go
  back to those bins, and the event lists them (``put_back``: SKU, units, bins) for whoever puts them away;
* labelled: the parcel may still be stopped, so the order is held (the close-out leaves a held order's parcel
  behind) with the flag ``cancelled_after_label``: it waits on the review desk for a supervisor to void the label
  or intercept the parcel; released, it goes back to ``labelled``;
* shipped or delivered: nothing to stop here; the same flag and a ``shop_cancelled_late`` event;
* already cancelled, or it came in cancelled and waits for a person (flag ``channel_cancelled``): nothing.

An address or line change before picking is applied (``address_changed`` / ``lines_changed`` events naming the old
and new values); lines changed give their reserved stock back and go through confirmation again. After picking
started nothing is applied: the flag ``shop_change_late`` and a ``shop_change_not_applied`` event tell a supervisor.
A shipped, delivered, returned or cancelled order takes no address or line change (nothing to do: a duplicate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.admin.auth import require_role
from app.domain import lifecycle as lc
from app.domain.error_texts import EVENT_REASONS
from app.domain.rules import REASONS, AddressFacts, check_address
from app.errors import ConcurrencyConflict
from app.intake.model import IncomingLine, IncomingOrder
from app.orders.catalogue import Catalogue, ProductInfo
from app.orders.confirmation import confirm, release_reservations
from app.orders.timeline import add_event, move
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models import Bin, Order, OrderEvent, OrderLine, Reservation, ReviewFlag, Stock

# What each record came to: counted in the import summary.
UNCHANGED = "unchanged"  # a duplicate
UPDATED = "updated"  # an address or the lines applied
CANCELLED = "cancelled"  # the order (or a part of it) stopped and cancelled
ALERTED = "alerted"  # not applied: a supervisor is told (a flag)

# The channel statuses that mean the shop cancelled the order. WooCommerce's own "refunded" status too (elsewhere
# "refunded" is a payment state, not an order's), and "trash" (an order moved to the bin; deleted for good, it
# sends ``order.deleted``).
CANCELLING = frozenset({"cancelled", "canceled", "deleted"})
WOOCOMMERCE_CANCELLING = frozenset({"refunded", "trash"})

BEFORE_PICKING = frozenset({lc.RECEIVED, lc.REVIEW, lc.ON_HOLD, lc.BACKORDERED, lc.CONFIRMED, lc.ALLOCATED})
AT_WORK = frozenset({lc.PICKING, lc.PICKED, lc.PACKING, lc.PACKED})
GONE = frozenset({lc.SHIPPED, lc.DELIVERED})
CLOSED = frozenset({lc.CANCELLED, lc.RETURNED})
# Who may change an order on the shop's word: those who may cancel and hold it by hand (the review desk).
ROLES = ("supervisor", "service")

FLAG_CANCELLED_AFTER_LABEL = "cancelled_after_label"
FLAG_CHANGE_LATE = "shop_change_late"
# A new order that came in cancelled waits for a person with this flag (app.domain.rules): it is no news again.
FLAG_CAME_CANCELLED = "channel_cancelled"

_ADDRESS = (("ship_name", "name"), ("ship_company", "company"), ("ship_address1", "address1"),
            ("ship_address2", "address2"), ("ship_city", "city"), ("ship_region", "region"),
            ("ship_postcode", "postcode"), ("ship_country", "country"), ("ship_phone", "phone"), ("ship_email", "email"))
_RETRY_STATES = ("40P01", "40001")  # deadlock detected, serialization failure

Resolver = Callable[..., ProductInfo | None]  # Catalogue.product: (sku, gtin[, refs])


def is_cancellation(record: IncomingOrder) -> bool:
    """Does the record say the shop cancelled the order?"""
    status = (record.channel_status or "").strip().lower()
    return status in CANCELLING or (record.channel == "woocommerce" and status in WOOCOMMERCE_CANCELLING)


def cancellation_notice(channel: str, external_id: str, source: str, status: str = "cancelled") -> IncomingOrder:
    """A record that says only that the shop cancelled (or deleted) its order ``external_id``: what a delivery
    carries when the order itself cannot be read any more (WooCommerce's ``order.deleted`` sends the id alone; a
    Shopify order cancelled with every line restocked has no line left to ship)."""
    return IncomingOrder(channel=channel, external_id=external_id, placed_at=utcnow(), lines=[], channel_status=status,
                         record=source or f"order {external_id}")


def is_notice(record: IncomingOrder) -> bool:
    """A cancellation with no order in it (:func:`cancellation_notice`): for a known order only."""
    return not record.lines and is_cancellation(record)


def shop_cancelled(sessions: sessionmaker[Session], number: str) -> bool:
    """Was order ``number`` cancelled by its shop (not by a person here)? For the packer's screen, which tells why
    the order left it."""
    with sessions() as s:
        kind = s.scalar(
            select(OrderEvent.kind).join(Order, Order.id == OrderEvent.order_id)
            .where(Order.number == number, OrderEvent.kind.in_(("cancelled_by_shop", "cancelled", "rejected")))
            .order_by(OrderEvent.id.desc()).limit(1))
    return kind == "cancelled_by_shop"


@dataclass
class _Work:
    """What one record did, while its transaction runs."""

    actor: Actor
    outcomes: set[str] = field(default_factory=set)
    orders: set[str] = field(default_factory=set)  # to notify
    stations: set[str] = field(default_factory=set)
    allowed: bool = False

    def writing(self) -> None:
        """About to write: the actor must be allowed to (checked once, only when something changes)."""
        if not self.allowed:
            require_role(self.actor, *ROLES)
            self.allowed = True

    @property
    def outcome(self) -> str:
        for kind in (CANCELLED, UPDATED, ALERTED):
            if kind in self.outcomes:
                return kind
        return UNCHANGED


class ShopUpdates:
    """Applies records of known orders. ``product(sku, gtin)`` finds a line's product (the intake's catalogue);
    without it the catalogue is read when a record's lines need it."""

    def __init__(self, sessions: sessionmaker[Session], actor: Actor, product: Resolver | None = None) -> None:
        self.sessions = sessions
        self.actor = actor
        self._product = product

    def might_change(self, s: Session, records: list[IncomingOrder]) -> list[IncomingOrder]:
        """The records (of known orders) that may change something, read in bulk in the caller's session: a file
        or a page read again costs one read a thousand orders, not a transaction each. The rest change nothing
        (duplicates); those kept are decided by :meth:`apply` (a part of a split order may still agree)."""
        wanted: dict[tuple[str, str], IncomingOrder] = {(r.channel, r.external_id): r for r in records}
        by_channel: dict[str, list[str]] = {}
        for channel, external_id in wanted:
            by_channel.setdefault(channel, []).append(external_id)
        changing: set[tuple[str, str]] = set()
        for channel, ids in by_channel.items():
            for start in range(0, len(ids), 900):
                for order in s.scalars(select(Order).where(Order.channel == channel,
                                                           Order.external_id.in_(ids[start : start + 900]))
                                       .options(selectinload(Order.lines), selectinload(Order.flags))):
                    key = (channel, order.external_id)
                    if self._may_change(s, order, wanted[key]):
                        changing.add(key)
        return [r for r in records if (r.channel, r.external_id) in changing]

    def _may_change(self, s: Session, order: Order, record: IncomingOrder) -> bool:
        if is_cancellation(record):
            return order.status not in CLOSED and not any(flag.code == FLAG_CAME_CANCELLED for flag in order.flags)
        if order.status in GONE | CLOSED:
            return False
        return bool(_address_diff(order, record) or self._lines_diff(s, [order], record))

    def apply(self, record: IncomingOrder) -> str:
        """Apply ``record`` (its order is known); returns UNCHANGED, UPDATED, CANCELLED or ALERTED. A clash with
        another station's change at the same moment is tried again on the fresh order."""
        for attempt in range(3):
            try:
                return self._apply_once(record)
            except StaleDataError as exc:
                if attempt == 2:
                    raise ConcurrencyConflict(
                        f"order {record.external_id} was changed at another station at the same moment; it has been "
                        "reloaded, try again") from exc
            except DBAPIError as exc:
                if attempt == 2 or getattr(exc.orig, "sqlstate", None) not in _RETRY_STATES:
                    raise
        raise AssertionError("unreachable")

    def _apply_once(self, record: IncomingOrder) -> str:
        work = _Work(self.actor)
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            family = _family(s, record)
            if not family:
                return UNCHANGED
            source = record.record or f"{record.channel} order {record.external_id}"
            if is_cancellation(record):
                for order in family:
                    self._cancel(s, order, record, source, work)
            else:
                self._changes(s, family, record, source, work)
            if work.outcome == UNCHANGED:
                return UNCHANGED
            for number in sorted(work.orders):
                notify_change(s, "order", number)
            for station in sorted(work.stations):
                notify_change(s, "station", station)
            uow.commit()
        return work.outcome

    # --- cancellation ------------------------------------------------------------------------------------------
    def _cancel(self, s: Session, order: Order, record: IncomingOrder, source: str, work: _Work) -> None:
        if order.status in CLOSED or any(flag.code == FLAG_CAME_CANCELLED for flag in order.flags):
            return  # cancelled already, or it came in cancelled and a person decides: no news
        labelled = order.status == lc.LABELLED or (order.status == lc.ON_HOLD and order.tracking_number)
        if labelled or order.status in GONE:
            if any(flag.code == FLAG_CANCELLED_AFTER_LABEL for flag in order.flags):
                return  # told already (the same delivery again, or after a supervisor decided)
            work.writing()
            key = "cancelled_after_shipping" if order.status in GONE else "cancelled_after_label"
            message = REASONS.en(key)
            order.flags.append(ReviewFlag(code=FLAG_CANCELLED_AFTER_LABEL, message=message, resolved=False))
            if order.status == lc.LABELLED:
                # Held: the close-out leaves its parcel behind, and it waits on the review desk; released, it
                # goes back to labelled (the shop's cancellation was a mistake, the parcel goes).
                move(s, order, lc.ON_HOLD, self.actor, kind="held", reason=EVENT_REASONS.en("shop_cancelled_label"),
                     by_shop=True, flag=FLAG_CANCELLED_AFTER_LABEL, source=source, channel_status=record.channel_status)
            else:
                add_event(s, order, "shop_cancelled_late", self.actor, status=order.status,
                          flag=FLAG_CANCELLED_AFTER_LABEL, source=source, channel_status=record.channel_status)
            work.outcomes.add(ALERTED)
            work.orders.add(order.number)
            return
        work.writing()
        station = order.station.name if order.station is not None else None
        put_back = _units_to_put_back(s, order)
        released = release_reservations(s, order)
        order.station_id = None
        data: dict[str, Any] = {"source": source, "channel_status": record.channel_status, "released": released}
        if station:
            data["station"] = station
            work.stations.add(station)
        if put_back:
            data["put_back"] = put_back
        move(s, order, lc.CANCELLED, self.actor, kind="cancelled_by_shop", **data)
        work.outcomes.add(CANCELLED)
        work.orders.add(order.number)

    # --- address and lines -------------------------------------------------------------------------------------
    def _changes(self, s: Session, family: list[Order], record: IncomingOrder, source: str, work: _Work) -> None:
        main = family[0]
        address = _address_diff(main, record)
        lines = self._lines_diff(s, family, record)
        if not address and not lines:
            return
        if main.status in GONE | CLOSED:
            return  # nothing left to change here
        if address:
            if _before_picking(main):
                self._apply_address(s, main, address, source, work)
            else:
                self._late(s, main, "address", address, _address_words(address), source, work)
        if lines:
            if len(family) == 1 and _before_picking(main):
                self._apply_lines(s, main, record, lines, source, work)
            else:  # picking started (a part of it may even have left): a person decides
                self._late(s, main, "lines", {"lines": lines}, _lines_words(lines), source, work)

    def _apply_address(self, s: Session, order: Order, diff: dict[str, list[str]], source: str, work: _Work) -> None:
        work.writing()
        for name, (_, new) in diff.items():
            setattr(order, name, new)
        flags = check_address(AddressFacts(name=order.ship_name, address1=order.ship_address1, city=order.ship_city,
                                           region=order.ship_region, postcode=order.ship_postcode,
                                           country=order.ship_country))
        for said in order.flags:  # what was said of the old address no longer holds
            if said.code.startswith("address_") and not said.resolved:
                said.resolved = True
        for found in flags:
            order.flags.append(ReviewFlag(code=found.code, message=found.message, resolved=False))
        add_event(s, order, "address_changed", self.actor, changes=diff, flags=[f.code for f in flags], source=source)
        if flags and order.status in (lc.RECEIVED, lc.BACKORDERED, lc.CONFIRMED, lc.ALLOCATED):
            # An address the carrier may not take: a person looks before it goes on.
            move(s, order, lc.ON_HOLD, self.actor, kind="held", reason=EVENT_REASONS.en("shop_address_check"),
                 by_shop=True, flags=[f.code for f in flags])
        work.outcomes.add(UPDATED)
        work.orders.add(order.number)

    def _lines_diff(self, s: Session, family: list[Order], record: IncomingOrder) -> list[dict[str, Any]]:
        """``[{"sku", "from", "to"}]`` where the shop's lines differ from what the station holds for the order
        (with the rest of a partial shipment, ``NUMBER-R1``...); empty when they agree."""
        if not record.lines:
            return []
        ours: dict[str, int] = {}
        for order in family:
            for line in order.lines:
                ours[line.sku] = ours.get(line.sku, 0) + line.quantity
        theirs: dict[str, int] = {}
        for incoming in record.lines:
            key = self._key(s, incoming)
            theirs[key] = theirs.get(key, 0) + incoming.quantity
        return [{"sku": sku, "from": ours.get(sku, 0), "to": theirs.get(sku, 0)}
                for sku in sorted(set(ours) | set(theirs)) if ours.get(sku, 0) != theirs.get(sku, 0)]

    def _key(self, s: Session, line: IncomingLine) -> str:
        """The SKU the intake stores for the line: the product's, else what the source named it by."""
        product = self._resolve(s, line)
        return product.sku if product else _named(line)

    def _resolve(self, s: Session, line: IncomingLine) -> ProductInfo | None:
        """The line's product, found as the intake finds it (by SKU, GTIN and any other party's number)."""
        if self._product is None:
            self._product = Catalogue(s).product
        refs = getattr(line, "refs", ())
        return self._product(line.sku, line.gtin, refs) if refs else self._product(line.sku, line.gtin)

    def _apply_lines(self, s: Session, order: Order, record: IncomingOrder, changes: list[dict[str, Any]],
                     source: str, work: _Work) -> None:
        work.writing()
        released = release_reservations(s, order)
        wanted: dict[str, tuple[int, IncomingLine, ProductInfo | None]] = {}
        for incoming in record.lines:
            product = self._resolve(s, incoming)
            key = product.sku if product else _named(incoming)
            quantity, first, _ = wanted.get(key, (0, incoming, product))
            wanted[key] = (quantity + incoming.quantity, first, product)
        kept: set[str] = set()
        for line in list(order.lines):
            if line.sku in wanted and line.sku not in kept:
                kept.add(line.sku)
                quantity, first, _ = wanted[line.sku]
                line.quantity = quantity
                line.unit_price_cents = first.unit_price_cents
            else:  # removed by the shop (or a second line of one SKU, now counted on the first)
                order.lines.remove(line)
                s.delete(line)
        s.flush()
        line_no = max((line.line_no for line in order.lines), default=0)
        unknown = []
        for key, (quantity, first, product) in wanted.items():
            if key in kept:
                continue
            line_no += 1
            order.lines.append(OrderLine(
                line_no=line_no, sku=key, gtin=first.gtin[:14], product_id=product.id if product else None,
                name=first.name or (product.name if product else ""), quantity=quantity,
                unit_price_cents=first.unit_price_cents, picked_quantity=0, packed_quantity=0))
            if product is None:
                unknown.append(key)
        goods = record.goods_cents or sum(line.quantity * line.unit_price_cents for line in record.lines)
        data: dict[str, Any] = {"changes": changes, "source": source}
        if goods != order.goods_cents:
            data["goods_cents"] = [order.goods_cents, goods]
            order.goods_cents = goods
        if released:
            data["released"] = released
        add_event(s, order, "lines_changed", self.actor, **data)
        s.flush()
        self._reserve_again(s, order, unknown)
        work.outcomes.add(UPDATED)
        work.orders.add(order.number)
        if order.station is not None:
            work.stations.add(order.station.name)

    def _reserve_again(self, s: Session, order: Order, unknown: list[str]) -> None:
        """After the lines changed: the order's stock reserved afresh through confirmation, where it was reserved
        or waited for stock; an order waiting for a person stays with that person."""
        flags = []
        if unknown:
            message = REASONS.en("unknown_sku", skus=", ".join(unknown))
            order.flags.append(ReviewFlag(code="unknown_sku", message=message, resolved=False))
            flags = [{"code": "unknown_sku", "message": message}]
        status = order.status
        if status in (lc.REVIEW, lc.RECEIVED):
            if unknown and status == lc.RECEIVED:
                move(s, order, lc.REVIEW, self.actor, kind="review", flags=flags)
            return
        if status == lc.ON_HOLD:
            # Its reservation (if it had one) is given back; released, it goes through review and confirmation.
            add_event(s, order, "held", self.actor, previous=lc.REVIEW, reason=EVENT_REASONS.en("shop_lines_held"),
                      by_shop=True)
            return
        if status in (lc.CONFIRMED, lc.ALLOCATED):
            move(s, order, lc.BACKORDERED, self.actor, kind="reallocating", reason=EVENT_REASONS.en("shop_lines"))
        if unknown:
            move(s, order, lc.REVIEW, self.actor, kind="review", flags=flags)
            order.station_id = None
            return
        warehouse = order.warehouse_id
        confirm(s, order, self.actor)
        if order.warehouse_id != warehouse or order.status != lc.ALLOCATED:
            order.station_id = None

    def _late(self, s: Session, order: Order, what: str, data: dict[str, Any], words: str, source: str,
              work: _Work) -> None:
        message = REASONS.en(f"{what}_change_late", changes=words)
        if any(flag.code == FLAG_CHANGE_LATE and flag.message == message for flag in order.flags):
            return  # told already
        work.writing()
        order.flags.append(ReviewFlag(code=FLAG_CHANGE_LATE, message=message, resolved=False))
        add_event(s, order, "shop_change_not_applied", self.actor, what=what, status=order.status, source=source,
                  flag=FLAG_CHANGE_LATE, **({"changes": data} if what == "address" else data))
        work.outcomes.add(ALERTED)
        work.orders.add(order.number)


# --- reading the order -------------------------------------------------------------------------------------------

def _family(s: Session, record: IncomingOrder) -> list[Order]:
    """The order the record names, then the rest of a partial shipment (``external_id#R1``...), locked."""
    query = (select(Order).where(Order.channel == record.channel,
                                 (Order.external_id == record.external_id)
                                 | Order.external_id.like(_like(record.external_id) + "#R%", escape="\\"))
             .options(selectinload(Order.lines), selectinload(Order.flags)).order_by(Order.id))
    if s.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Order)
    orders = list(s.scalars(query))
    main = [o for o in orders if o.external_id == record.external_id]
    rest = [o for o in orders if o.external_id != record.external_id and o.external_id[len(record.external_id) + 2:].isdigit()]
    return main + rest if main else []


def _named(line: IncomingLine) -> str:
    """What the intake stores as a line's SKU when no product has it: the code the source named it by."""
    code = getattr(line, "code", None)  # the model's own naming of a line (with other parties' numbers), if it has one
    return str(code()) if callable(code) else (line.sku or line.gtin)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _before_picking(order: Order) -> bool:
    """Nothing of the order has been picked, packed or labelled yet."""
    # An order taken off a bench waits ``allocated`` with what was picked kept; a held one may have been labelled.
    return (order.status in BEFORE_PICKING and not order.tracking_number
            and all(line.picked_quantity == 0 and line.packed_quantity == 0 for line in order.lines))


def _address_diff(order: Order, record: IncomingOrder) -> dict[str, list[str]]:
    """``{column: [old, new]}`` where the record's ship-to differs from the order's, as the intake stores it."""
    if not record.lines:
        return {}
    address = record.ship_to
    new = {column: getattr(address, name) or "" for column, name in _ADDRESS}
    new["ship_country"] = new["ship_country"].upper()
    new["ship_email"] = address.email or record.customer_email
    return {column: [getattr(order, column) or "", value] for column, value in new.items()
            if (getattr(order, column) or "") != value}


def _address_words(diff: dict[str, list[str]]) -> str:
    return " | ".join(f"{old or '-'} → {new or '-'}" for old, new in diff.values())


def _lines_words(changes: list[dict[str, Any]]) -> str:
    return " | ".join(f"{c['sku']} {c['from']} → {c['to']}" for c in changes)


def _units_to_put_back(s: Session, order: Order) -> list[dict[str, Any]]:
    """The units of the order in a tote or a box (picked or packed), by line, with the bins they were reserved
    in: where they go back."""
    lines = [line for line in order.lines if max(line.picked_quantity, line.packed_quantity) > 0]
    if not lines:
        return []
    bins: dict[int, list[str]] = {}
    for line_id, code in s.execute(
            select(Reservation.line_id, Bin.code).join(Stock, Stock.id == Reservation.stock_id)
            .join(Bin, Bin.id == Stock.bin_id).where(Reservation.order_id == order.id)):
        bins.setdefault(line_id, []).append(code)
    return [{"sku": line.sku, "quantity": max(line.picked_quantity, line.packed_quantity),
             "bins": sorted(set(bins.get(line.id, [])))} for line in lines]
