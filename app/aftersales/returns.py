"""Returns and exchanges (seed 4.2.1): request, validate against the policy, return label, receive by scan,
inspect every unit and put it back on a shelf or in quarantine, refund (coupons and points pro rata) or send
the exchange. Every step goes on the original order's timeline.

The entry points take a SQLAlchemy ``Session``; the caller owns the transaction and commits (the desk, the CLI
and the customer web side, issue 11, all call the same functions):

``policy_check(session, order, items, kind, reason, policy=None, now=None) -> list[str]``
    Every reason the request is outside the policy; empty when it may go ahead. Changes nothing.
``request_return(session, order, items, kind, reason, actor, policy=None, note="", channel="desk") -> Return``
    Validates (raises :class:`ReturnRefused`, one line naming every problem) and opens the return, approved.
``issue_label(session, ret, actor, settings) -> bytes``
    A return label (PDF, 4 x 6 in) in the carrier's tracking format, customer to warehouse; ``label_bytes``
    renders it again, ``queue_label`` puts it on the station's label printer.
``find_return(session, query) -> Return``
    By return number, return tracking number, SSCC or QR text, or anything else that names the order
    (:mod:`app.orders.references`: our number, the shop's number, a parcel's tracking number or SSCC...).
``receive(session, query, actor) -> Return``
    The parcel arrives at a station and is scanned.
``inspect(session, ret, item, condition, actor, quantity=1, bin_code=None, note="", now=None) -> Inspection``
    One or more units of a line looked at: ``resellable`` goes back to a bin (the one given, else the bin of
    the warehouse that holds most of that product), ``damaged`` and ``wrong_item`` to the warehouse's
    quarantine bin. ``item`` is a SKU, a GTIN or any scanned GS1 barcode.
``complete(session, ret, actor, policy=None) -> Return``
    Every unit inspected: a refund is computed and recorded (``app.aftersales.refunds``), the customer's
    points go back; an exchange waits for :func:`create_exchange_order`. When every shipped unit of the order
    has come back the order becomes ``returned``.
``create_exchange_order(sessions, settings, return_number, actor) -> str``
    The exchange order, through the real intake service (rules, stock check, allocation); idempotent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.aftersales import policy as pol
from app.aftersales import refunds
from app.config import Settings
from app.domain import lifecycle as lc
from app.errors import InvalidInput, NotFound, StationError
from app.orders import references
from app.orders.timeline import add_event, move
from app.sync import notify_change
from app.uow import Actor
from db.base import utcnow
from db.models import Bin, Customer, Order, OrderEvent, OrderLine, Product, ProductGtin, Stock
from db.models.aftersales import CONDITIONS, Return, ReturnLine
from db.models.shipping import Carrier, CarrierService, Parcel

# Receiving, inspecting, refunding and cancelling returns is the returns desk's work (supervisors and admins
# include the role); a customer's own request and its label are not checked here: the tracking page's token is.
RETURNS_DESK_ROLE = "service"

REFUNDED_CONDITIONS = ("resellable", "damaged")
OPEN_STATUSES = ("approved", "label_issued", "received", "inspected")


class ReturnRefused(InvalidInput):
    """The request is outside the returns policy; ``problems`` lists every reason."""

    def __init__(self, number: str, problems: list[str]) -> None:
        super().__init__(pol.PROBLEMS.en("refused", number=number, problems="; ".join(problems)))
        self.problems = problems


@dataclass(frozen=True)
class ReturnItem:
    sku: str
    quantity: int = 1
    exchange_sku: str = ""


@dataclass(frozen=True)
class Inspection:
    sku: str
    condition: str
    quantity: int
    bin_code: str | None
    quarantine: bool
    line_done: bool
    all_done: bool


# --- policy ----------------------------------------------------------------------------------------------

def window_start(session: Session, order: Order) -> datetime | None:
    """When the returns window starts: the delivery, else the hand-over to the carrier."""
    # The order's own events, read through the order's index and sorted out here: with the kinds in the query,
    # SQLite walked every delivery and shipment of the database by the (kind, at) index (70 ms at 100,000 orders).
    rows: dict[str, datetime] = {}
    for kind, at in session.execute(select(OrderEvent.kind, OrderEvent.at).where(OrderEvent.order_id == order.id)):
        if kind in ("delivered", "shipped") and (kind not in rows or at > rows[kind]):
            rows[kind] = at
    if rows.get("delivered"):
        return rows["delivered"]
    handed_over = session.scalar(
        select(func.min(Parcel.shipped_at)).where(Parcel.order_id == order.id, Parcel.voided.is_(False)))
    return handed_over or rows.get("shipped")


def returned_units(session: Session, order: Order, exclude_return: int | None = None) -> dict[int, int]:
    """Units of each order line already on a return that was not cancelled."""
    stmt = (
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(Return, Return.id == ReturnLine.return_id)
        .where(Return.order_id == order.id, Return.status != "cancelled")
        .group_by(ReturnLine.order_line_id)
    )
    if exclude_return is not None:
        stmt = stmt.where(Return.id != exclude_return)
    return {lid: int(n) for lid, n in session.execute(stmt)}


def _line_for(order: Order, sku: str) -> OrderLine | None:
    return next((line for line in order.lines if line.sku == sku), None)


def _exchange_allowed(session: Session, line: OrderLine, exchange_sku: str) -> bool:
    if not exchange_sku or exchange_sku == line.sku:
        return True
    target = session.scalar(select(Product).where(Product.sku == exchange_sku))
    if target is None or line.product is None:
        return False
    return target.id in {p.id for p in line.product.substitutes}


def policy_check(session: Session, order: Order, items: list[ReturnItem], kind: str, reason: str,
                 policy: pol.ReturnPolicy | None = None, now: datetime | None = None) -> list[str]:
    policy = policy or pol.ReturnPolicy()
    now = now or utcnow()
    shipped = order.status in (lc.SHIPPED, lc.DELIVERED)
    already = returned_units(session, order)
    facts: list[pol.LineFacts] = []
    problems: list[str] = []
    seen: set[str] = set()
    for item in items:
        line = _line_for(order, item.sku)
        if line is None:
            problems.append(pol.PROBLEMS.en("not_on_order", sku=item.sku, number=order.number))
            continue
        if item.sku in seen:
            problems.append(pol.PROBLEMS.en("listed_twice", sku=item.sku))
            continue
        seen.add(item.sku)
        if kind == "exchange" and item.exchange_sku and session.scalar(
                select(Product.id).where(Product.sku == item.exchange_sku, Product.active.is_(True))) is None:
            problems.append(pol.PROBLEMS.en("not_active", sku=item.exchange_sku))
        facts.append(pol.LineFacts(
            sku=line.sku, category=line.product.category if line.product else "",
            shipped=line.quantity if shipped else 0, already_returned=already.get(line.id, 0), asked=item.quantity,
            exchange_sku=item.exchange_sku, exchange_allowed=_exchange_allowed(session, line, item.exchange_sku),
        ))
    since = window_start(session, order) if shipped else None
    problems = pol.check(policy, pol.OrderFacts(order.number, order.status, since), facts, kind, reason, now) + problems
    if not items and pol.PROBLEMS.en("no_item") not in problems:
        problems.append(pol.PROBLEMS.en("no_item"))
    return problems


def _order(session: Session, order_or_query: Order | str) -> Order:
    if isinstance(order_or_query, Order):
        return order_or_query
    from app.aftersales.tracking import resolve

    order, _ = resolve(session, order_or_query)  # the one look-up by reference
    return order


def _next_number(session: Session) -> str:
    from app.shipping.carriers import next_serials

    return f"RT{next_serials(session, 'return') :08d}"


def request_return(session: Session, order: Order | str, items: list[ReturnItem], kind: str, reason: str, actor: Actor,
                   policy: pol.ReturnPolicy | None = None, note: str = "", channel: str = "desk",
                   now: datetime | None = None) -> Return:
    """Open a return after checking it against the policy (see the module docstring)."""
    order = _order(session, order)
    now = now or utcnow()
    problems = policy_check(session, order, items, kind, reason, policy, now)
    if problems:
        raise ReturnRefused(order.number, problems)
    ret = Return(
        number=_next_number(session), order_id=order.id, kind=kind, status="approved", reason=reason,
        note=note.strip(), requested_at=now, requested_by=actor.user, channel=channel,
        tracking_token=secrets.token_urlsafe(24),
    )
    for item in items:
        line = _line_for(order, item.sku)
        assert line is not None
        ret.lines.append(ReturnLine(order_line_id=line.id, sku=line.sku, quantity=item.quantity,
                                    exchange_sku=item.exchange_sku if kind == "exchange" else "", inspections=[]))
    session.add(ret)
    session.flush()
    if order.customer_id:
        customer = session.get(Customer, order.customer_id)
        if customer is not None:
            customer.returns_count += 1
    add_event(session, order, "return_requested", actor, at=now, return_number=ret.number, return_kind=kind, reason=reason,
              channel=channel, items=[{"sku": i.sku, "quantity": i.quantity, "exchange_sku": i.exchange_sku} for i in items])
    notify_change(session, "order", order.id)
    return ret


# --- return label -------------------------------------------------------------------------------------------

def _service_for(session: Session, order: Order) -> CarrierService:
    """The service of the outbound parcel, else the first active standard service covering the customer."""
    parcel = session.scalar(select(Parcel).where(Parcel.order_id == order.id, Parcel.voided.is_(False)).order_by(Parcel.seq))
    if parcel is not None:
        service = session.get(CarrierService, parcel.service_id)
        if service is not None and service.active:
            return service
    from app.aftersales.tracking import transit_days

    for service in session.scalars(select(CarrierService).where(CarrierService.active.is_(True)).order_by(CarrierService.id)):
        if service.kind == "standard" and transit_days(session, service.id, order) is not None:
            return service
    raise InvalidInput(f"no carrier service collects from {order.ship_city or order.ship_country}: arrange the pickup by hand")


def issue_label(session: Session, ret: Return, actor: Actor, settings: Settings,
                now: datetime | None = None) -> bytes:
    """Give the return a tracking number and SSCC and render its label (PDF). Issuing again re-renders it."""
    from app.shipping import sscc as sscc_mod
    from app.shipping import tracking as tn
    from app.shipping.carriers import take_serials

    if ret.status not in ("approved", "label_issued"):
        raise InvalidInput(f"return {ret.number} is {ret.status}: its label can no longer be issued")
    order = session.get(Order, ret.order_id)
    assert order is not None
    if ret.tracking_number is None:
        service = _service_for(session, order)
        carrier = session.get(Carrier, service.carrier_id)
        assert carrier is not None
        tracking_counter, sscc_counter = f"tracking:{carrier.code}", f"sscc:{settings.gs1_company_prefix}"
        serials = take_serials(session, {tracking_counter: 1, sscc_counter: 1})
        ret.tracking_number = tn.make(carrier.tracking_format, serials[tracking_counter], prefix=carrier.tracking_prefix,
                                      country=carrier.origin_country, service_code=service.format_code)
        ret.sscc = sscc_mod.make(settings.gs1_company_prefix, serials[sscc_counter])
        ret.carrier_id, ret.service_id = carrier.id, service.id
        ret.label_issued_at = now or utcnow()
        ret.status = "label_issued"
        session.flush()
        add_event(session, order, "return_label_issued", actor, at=ret.label_issued_at, return_number=ret.number,
                  carrier=carrier.code, tracking_number=ret.tracking_number)
        notify_change(session, "order", order.id)
    return label_bytes(session, ret, settings)


def label_data(session: Session, ret: Return, settings: Settings):
    from app.shipping.labeldata import LabelData, order_address, warehouse_address

    if ret.tracking_number is None or ret.sscc is None:
        raise InvalidInput(f"return {ret.number} has no label yet: issue it first")
    order = session.get(Order, ret.order_id)
    carrier = session.get(Carrier, ret.carrier_id)
    service = session.get(CarrierService, ret.service_id)
    assert order is not None and carrier is not None and service is not None
    base = settings.tracking_base_url.rstrip("/")
    return LabelData(
        tracking_number=ret.tracking_number, sscc=ret.sscc, qr_url=f"{base}/t/{ret.tracking_token}",
        carrier_code=carrier.code, carrier_name=f"{carrier.name} {carrier.name_zh}".strip(),
        service_name=f"RETURN 退货 · {service.name} {service.name_zh}".strip(), service_kind=service.kind,
        ship_from=order_address(order), ship_to=warehouse_address(order.warehouse, settings.warehouse or "Warehouse Station"),
        weight_g=max(1, sum(_unit_weight(session, line) * line.quantity for line in ret.lines)),
        seq=1, count=1, order_number=f"{ret.number} / {order.number}",
        ship_date=(ret.label_issued_at or utcnow()).date(), company_prefix_length=len(settings.gs1_company_prefix),
    )


def _unit_weight(session: Session, line: ReturnLine) -> int:
    ol = session.get(OrderLine, line.order_line_id)
    return ol.product.weight_g if ol is not None and ol.product is not None else 0


def label_bytes(session: Session, ret: Return, settings: Settings, fmt: str = "pdf", dpi: int = 203) -> bytes:
    from app.shipping import label_pdf, label_zpl

    data = label_data(session, ret, settings)
    if fmt == "zpl":
        return label_zpl.render(data, dpi)
    return label_pdf.render(data)


def queue_label(session: Session, ret: Return, station: str, actor: Actor, settings: Settings):
    """Put the return label on the station's label printer queue (once per return)."""
    from app.shipping.service import PrinterChoice, printer_for, queue_job

    choice = printer_for(session, station, "label") or PrinterChoice("")
    payload = label_bytes(session, ret, settings, choice.format, choice.dpi)
    return queue_job(session, f"return_label:{ret.id}", station, "label", payload, choice.format, choice.uri,
                     order_id=ret.order_id, requested_by=actor.user, description=f"return label {ret.tracking_number}")


# --- receiving and inspection ----------------------------------------------------------------------------

def find_return(session: Session, query: str, open_only: bool = False) -> Return:
    ref = references.parse(query)
    if ref.empty:
        raise NotFound("scan the return label or type the return number")
    match = references.find_order(session, ref)
    if match is None:
        raise NotFound(f"no return for {ref.text!r}: scan the return label, or open a return for the order first")
    ret = return_of(session, match)
    if ret is None:
        raise NotFound(f"order {match.order.number} has no return: open one first")
    if open_only and ret.status not in OPEN_STATUSES:
        raise InvalidInput(f"return {ret.number} is already {ret.status}")
    return ret


def return_of(session: Session, match: references.OrderMatch) -> Return | None:
    """The return a look-up names: the one whose number, label or token matched, else the order's latest open
    return, else its latest; None when the order has none."""
    if match.return_id is not None:
        return session.get(Return, match.return_id)
    stmt = select(Return).where(Return.order_id == match.order.id).order_by(Return.id.desc())
    return session.scalar(stmt.where(Return.status.in_(OPEN_STATUSES))) or session.scalar(stmt)


def receive(session: Session, query: str | Return, actor: Actor, now: datetime | None = None) -> Return:
    require_role(actor, RETURNS_DESK_ROLE)
    ret = query if isinstance(query, Return) else find_return(session, query)
    if ret.status in ("received", "inspected"):
        return ret  # scanning the parcel twice is harmless
    if ret.status not in ("approved", "label_issued"):
        raise InvalidInput(f"return {ret.number} is {ret.status}: it cannot be received again")
    now = now or utcnow()
    ret.status = "received"
    ret.received_at = now
    ret.received_station = actor.station
    order = session.get(Order, ret.order_id)
    assert order is not None
    add_event(session, order, "return_received", actor, at=now, return_number=ret.number,
              tracking_number=ret.tracking_number)
    notify_change(session, "order", order.id)
    return ret


def _product_for_scan(session: Session, text: str) -> Product | None:
    from app.picking.scans import classify

    scan = classify(text)
    if scan.gtin:
        return session.scalar(select(Product).join(ProductGtin).where(ProductGtin.gtin == scan.gtin))
    raw = references.clean(text)
    return session.scalar(select(Product).where(Product.sku == raw)) or session.scalar(
        select(Product).where(Product.sku == raw.upper()))


@dataclass(frozen=True)
class DeskScan:
    """What a scan at the returns desk means, given the return open there: ``inspect`` (an item of it, being
    inspected), ``receive`` (its own label or number: the parcel is here), or ``find`` (look the text up:
    another return or order; if that is a waiting return's label, :func:`label_scanned` says the parcel is here)."""

    action: str  # inspect, receive, find


def desk_scan(sessions, return_number: str | None, text: str) -> DeskScan:
    """The returns desk's scan, decided here rather than in the screen: an item while the open return is being
    inspected, the open return's own number or label while it waits for its parcel, else a look-up."""
    if not return_number:
        return DeskScan("find")
    with sessions() as s:
        ret = find_return(s, return_number)
        if ret.status == "received":
            try:
                line_for_item(s, ret, text)
                return DeskScan("inspect")
            except InvalidInput:
                pass
        if ret.status in ("approved", "label_issued"):
            try:
                if find_return(s, text).number == ret.number:
                    return DeskScan("receive")
            except StationError:
                pass
    return DeskScan("find")


def label_scanned(sessions, return_number: str | None, text: str) -> bool:
    """Is ``text`` the label of the return that waits for its parcel (approved or label issued)? Scanning it at the
    desk means the parcel is here."""
    if not return_number:
        return False
    with sessions() as s:
        ret = find_return(s, return_number)
        ref = references.parse(text)
        return ret.status in ("approved", "label_issued") and bool(ret.tracking_number) and ref.code == ret.tracking_number
def line_for_item(session: Session, ret: Return, item: str) -> ReturnLine:
    """The return line an item (SKU, GTIN, GS1 barcode) belongs to; the first with units left to inspect."""
    raw = references.clean(item)
    candidates = [line for line in ret.lines if line.sku == raw or line.sku == raw.upper()]
    if not candidates:
        product = _product_for_scan(session, item)
        if product is not None:
            candidates = [line for line in ret.lines if line.sku == product.sku]
    if not candidates:
        raise InvalidInput(f"{raw} is not on return {ret.number}: if it came in the parcel instead, inspect a line as wrong item")
    open_lines = [line for line in candidates if line.inspected_quantity < line.quantity]
    if not open_lines:
        raise InvalidInput(f"every unit of {candidates[0].sku} on return {ret.number} is already inspected")
    return open_lines[0]


def _bin_for(session: Session, warehouse_id: int | None, product_id: int | None, quarantine: bool,
             bin_code: str | None) -> Bin:
    if warehouse_id is None:
        raise InvalidInput("the order has no warehouse: choose the bin to put the item in")
    if bin_code:
        found = session.scalar(select(Bin).where(Bin.warehouse_id == warehouse_id, Bin.code == bin_code.strip().upper()))
        if found is None:
            raise InvalidInput(f"no bin {bin_code} in this warehouse")
        if quarantine and not found.quarantine:
            raise InvalidInput(f"bin {found.code} is not a quarantine bin: a damaged or wrong item goes to quarantine")
        return found
    if quarantine:
        found = session.scalar(select(Bin).where(Bin.warehouse_id == warehouse_id, Bin.quarantine.is_(True)).order_by(Bin.id))
        if found is None:
            raise InvalidInput("this warehouse has no quarantine bin: set one up first")
        return found
    if product_id is not None:
        found = session.scalar(
            select(Bin).join(Stock, Stock.bin_id == Bin.id)
            .where(Stock.product_id == product_id, Stock.warehouse_id == warehouse_id, Bin.quarantine.is_(False))
            .order_by(Stock.on_hand.desc(), Bin.id)
        )
        if found is not None:
            return found
    raise InvalidInput("the product has no bin in this warehouse yet: scan or type the bin to put it in")


def _restock(session: Session, bin_: Bin, product_id: int, quantity: int, actor: Actor, reference: str) -> None:
    """Back on the shelf, on the stock ledger (a returned item carries no lot here: the stock without one)."""
    from app.catalogue.ledger import change_on_hand

    stock = session.scalar(select(Stock).where(Stock.product_id == product_id, Stock.bin_id == bin_.id, Stock.lot == ""))
    if stock is None:
        stock = Stock(product_id=product_id, bin_id=bin_.id, warehouse_id=bin_.warehouse_id, on_hand=0, reserved=0, lot="")
        session.add(stock)
    change_on_hand(session, stock, quantity, "return", actor, reference)
    notify_change(session, "stock", product_id)


def inspect(session: Session, ret: Return, item: str | ReturnLine, condition: str, actor: Actor, quantity: int = 1,
            bin_code: str | None = None, note: str = "", now: datetime | None = None) -> Inspection:
    require_role(actor, RETURNS_DESK_ROLE)
    now = now or utcnow()
    if condition not in CONDITIONS:
        raise InvalidInput(f"unknown condition {condition!r}: use {', '.join(CONDITIONS)}")
    if ret.status == "approved" or ret.status == "label_issued":
        receive(session, ret, actor, now)
    if ret.status != "received":
        raise InvalidInput(f"return {ret.number} is {ret.status}: its items cannot be inspected now")
    line = item if isinstance(item, ReturnLine) else line_for_item(session, ret, item)
    left = line.quantity - line.inspected_quantity
    if quantity <= 0 or quantity > left:
        raise InvalidInput(f"{line.sku}: {left} unit(s) left to inspect, not {quantity}")
    order = session.get(Order, ret.order_id)
    order_line = session.get(OrderLine, line.order_line_id)
    assert order is not None and order_line is not None
    quarantine = condition != "resellable"
    target: Bin | None = None
    if order_line.product_id is not None:
        target = _bin_for(session, order.warehouse_id, order_line.product_id, quarantine, bin_code)
        _restock(session, target, order_line.product_id, quantity, actor, f"return {ret.number}")
    line.inspected_quantity += quantity
    line.inspections = [*line.inspections, {"condition": condition, "quantity": quantity,
                                            "bin": target.code if target else None, "by": actor.user,
                                            "at": now.isoformat(), "note": note}]
    conditions = {entry["condition"] for entry in line.inspections}
    line.condition = condition if len(conditions) == 1 else ("damaged" if "damaged" in conditions else condition)
    add_event(session, order, "return_inspected", actor, at=now, location=target.code if target else None,
              return_number=ret.number, sku=line.sku, condition=condition, quantity=quantity,
              quarantine=quarantine, note=note)
    all_done = all(rl.inspected_quantity >= rl.quantity for rl in ret.lines)
    if all_done:
        ret.status = "inspected"
    session.flush()
    return Inspection(line.sku, condition, quantity, target.code if target else None, quarantine,
                      line.inspected_quantity >= line.quantity, all_done)


def _units_by_condition(line: ReturnLine, conditions: tuple[str, ...]) -> int:
    return sum(int(e["quantity"]) for e in line.inspections if e["condition"] in conditions)


# --- completion ------------------------------------------------------------------------------------------

def compute_refund(session: Session, ret: Return, policy: pol.ReturnPolicy | None = None) -> refunds.Refund:
    """What this return gives back, from the units inspected as refundable (resellable or damaged)."""
    policy = policy or pol.ReturnPolicy()
    order = session.get(Order, ret.order_id)
    assert order is not None
    money = refunds.OrderMoney(order.goods_cents, order.coupon_cents, order.points_cents, order.points_used,
                               order.shipping_cents)
    lines = [refunds.LineMoney(line.id, line.quantity, line.unit_price_cents) for line in order.lines]
    previously = _refunded_units(session, order, exclude=ret.id)
    returning = {}
    for rl in ret.lines:
        units = _units_by_condition(rl, REFUNDED_CONDITIONS)
        if units:
            returning[rl.order_line_id] = returning.get(rl.order_line_id, 0) + units
    all_back = all(previously.get(l.id, 0) + returning.get(l.id, 0) >= l.quantity for l in order.lines)
    fault = policy.merchant_at_fault(ret.reason)
    return refunds.compute(
        money, lines, previously, returning,
        refund_shipping=fault and all_back and policy.refund_shipping_on_fault,
        fee_percent=0 if fault else policy.restocking_fee_percent,
    )


def _refunded_units(session: Session, order: Order, exclude: int) -> dict[int, int]:
    done: dict[int, int] = {}
    for rl in session.scalars(
        select(ReturnLine).join(Return, Return.id == ReturnLine.return_id)
        .where(Return.order_id == order.id, Return.id != exclude, Return.status == "refunded")
    ):
        done[rl.order_line_id] = done.get(rl.order_line_id, 0) + _units_by_condition(rl, REFUNDED_CONDITIONS)
    return done


def complete(session: Session, ret: Return, actor: Actor, policy: pol.ReturnPolicy | None = None,
             now: datetime | None = None) -> Return:
    """Close an inspected return: refund it, or leave an exchange ready for :func:`create_exchange_order`."""
    require_role(actor, RETURNS_DESK_ROLE)
    now = now or utcnow()
    if ret.status in ("refunded", "exchanged"):
        return ret
    if ret.status != "inspected":
        left = sum(rl.quantity - rl.inspected_quantity for rl in ret.lines)
        raise InvalidInput(f"return {ret.number} is {ret.status}: {left} unit(s) still to inspect before it can be completed")
    order = session.get(Order, ret.order_id)
    assert order is not None
    if ret.kind == "refund":
        refund = compute_refund(session, ret, policy)
        by_line = {lr.line_id: lr.cash_cents for lr in refund.lines}
        for rl in ret.lines:
            rl.refund_cents = by_line.pop(rl.order_line_id, 0)
        ret.goods_cents, ret.coupon_cents, ret.points_cents = refund.goods_cents, refund.coupon_cents, refund.points_cents
        ret.points_refunded, ret.shipping_refund_cents, ret.fee_cents = refund.points, refund.shipping_cents, refund.fee_cents
        ret.refund_cents = refund.cash_cents
        ret.status = "refunded"
        ret.completed_at = now
        if refund.points and order.customer_id:
            customer = session.get(Customer, order.customer_id)
            if customer is not None:
                customer.points_balance += refund.points
        refunded_total = (session.scalar(
            select(func.coalesce(func.sum(Return.refund_cents), 0)).where(Return.order_id == order.id, Return.status == "refunded", Return.id != ret.id)
        ) or 0) + ret.refund_cents
        if refunded_total > 0:
            order.payment_status = "refunded" if refunded_total >= order.paid_cents else "partially_refunded"
        add_event(session, order, "return_refunded", actor, at=now, return_number=ret.number,
                  refund_cents=ret.refund_cents, goods_cents=ret.goods_cents, coupon_cents=ret.coupon_cents,
                  points_cents=ret.points_cents, points=ret.points_refunded, shipping_cents=ret.shipping_refund_cents,
                  fee_cents=ret.fee_cents)
    _maybe_returned(session, order, actor, now)
    notify_change(session, "order", order.id)
    session.flush()
    return ret


def _maybe_returned(session: Session, order: Order, actor: Actor, now: datetime | None = None) -> None:
    """Every unit of the order back (on inspected or closed returns): the order is ``returned``."""
    if order.status not in (lc.SHIPPED, lc.DELIVERED):
        return
    back: dict[int, int] = {}
    for rl in session.scalars(
        select(ReturnLine).join(Return, Return.id == ReturnLine.return_id)
        .where(Return.order_id == order.id, Return.status.in_(("inspected", "refunded", "exchanged")))
    ):
        back[rl.order_line_id] = back.get(rl.order_line_id, 0) + rl.inspected_quantity
    if all(back.get(line.id, 0) >= line.quantity for line in order.lines):
        move(session, order, lc.RETURNED, actor, kind="returned", at=now or utcnow(), reason="every unit came back")


def create_exchange_order(sessions: sessionmaker[Session], settings: Settings, return_number: str, actor: Actor) -> str:
    """The exchange order for an inspected exchange, through intake; returns its number. Idempotent: the
    exchange order is known to intake by channel ``exchange`` and the return number."""
    require_role(actor, RETURNS_DESK_ROLE)
    from app.intake.model import IncomingAddress, IncomingLine, IncomingOrder
    from app.intake.service import Intake

    with sessions() as s:
        ret = find_return(s, return_number)
        if ret.kind != "exchange":
            raise InvalidInput(f"return {ret.number} is a refund, not an exchange")
        if ret.exchange_order_id:
            return s.get(Order, ret.exchange_order_id).number  # type: ignore[union-attr]
        if ret.status != "inspected":
            raise InvalidInput(f"return {ret.number} is {ret.status}: inspect every unit before sending the exchange")
        order = s.get(Order, ret.order_id)
        assert order is not None
        lines = []
        for rl in ret.lines:
            units = _units_by_condition(rl, REFUNDED_CONDITIONS)
            if units:
                ol = s.get(OrderLine, rl.order_line_id)
                lines.append(IncomingLine(sku=rl.exchange_sku or rl.sku, quantity=units, unit_price_cents=ol.unit_price_cents if ol else 0))
        if not lines:
            raise InvalidInput(f"nothing on return {ret.number} came back in a state to exchange")
        goods = sum(line.quantity * line.unit_price_cents for line in lines)
        customer = s.get(Customer, order.customer_id) if order.customer_id else None
        incoming = IncomingOrder(
            channel="exchange", external_id=ret.number, placed_at=utcnow(), lines=lines,
            ship_to=IncomingAddress(name=order.ship_name, company=order.ship_company, address1=order.ship_address1,
                                    address2=order.ship_address2, city=order.ship_city, region=order.ship_region,
                                    postcode=order.ship_postcode, country=order.ship_country, phone=order.ship_phone,
                                    email=order.ship_email),
            customer_email=customer.email if customer else order.ship_email, customer_name=customer.name if customer else order.ship_name,
            currency=order.currency, goods_cents=goods, paid_cents=goods, payment_status="paid",
            payment_reference=f"EXCHANGE {ret.number} of {order.number}", priority=1, service_level=order.service_level,
            note=f"exchange for {order.number} ({ret.number})", record=f"exchange {ret.number}",
        )
    summary = Intake(sessions, settings, actor).run([incoming])
    if summary.rejected:
        raise InvalidInput(f"the exchange order was refused: {summary.rejected[0]['error']}")
    with sessions() as s, s.begin():
        ret = find_return(s, return_number)
        new = s.scalar(select(Order).where(Order.channel == "exchange", Order.external_id == ret.number))
        if new is None:
            raise InvalidInput(f"the exchange order for {ret.number} was not created")
        if ret.exchange_order_id is None:
            ret.exchange_order_id = new.id
            ret.status = "exchanged"
            ret.completed_at = utcnow()
            order = s.get(Order, ret.order_id)
            assert order is not None
            add_event(s, order, "return_exchanged", actor, return_number=ret.number, exchange_order=new.number)
            _maybe_returned(s, order, actor)
            notify_change(s, "order", order.id)
        return new.number


def cancel(session: Session, ret: Return, actor: Actor, reason: str) -> Return:
    require_role(actor, RETURNS_DESK_ROLE)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("say why the return is cancelled")
    if ret.status not in ("approved", "label_issued"):
        raise InvalidInput(f"return {ret.number} is {ret.status}: only a return not yet received can be cancelled")
    ret.status = "cancelled"
    order = session.get(Order, ret.order_id)
    assert order is not None
    add_event(session, order, "return_cancelled", actor, return_number=ret.number, reason=reason)
    notify_change(session, "order", order.id)
    return ret


# --- use cases for the commands and the returns desk: one unit of work each, plain results ------------------

@dataclass(frozen=True)
class ReturnLineSummary:
    sku: str
    quantity: int
    inspected: int
    condition: str | None
    exchange_sku: str | None


@dataclass(frozen=True)
class ReturnSummary:
    number: str
    status: str
    kind: str
    tracking_number: str | None
    refund_cents: int | None
    points_refunded: int | None
    lines: tuple[ReturnLineSummary, ...]

    def as_json(self) -> dict:
        return {"number": self.number, "status": self.status, "kind": self.kind, "tracking_number": self.tracking_number,
                "refund_cents": self.refund_cents, "points_refunded": self.points_refunded,
                "lines": [{"sku": rl.sku, "quantity": rl.quantity, "inspected": rl.inspected,
                           "condition": rl.condition, "exchange_sku": rl.exchange_sku} for rl in self.lines]}


def summary_of(ret: Return) -> ReturnSummary:
    return ReturnSummary(ret.number, ret.status, ret.kind, ret.tracking_number, ret.refund_cents, ret.points_refunded,
                         tuple(ReturnLineSummary(rl.sku, rl.quantity, rl.inspected_quantity, rl.condition, rl.exchange_sku)
                               for rl in ret.lines))


def check_request(sessions: sessionmaker[Session], query: str, items: list[ReturnItem], kind: str, reason: str,
                  policy: pol.ReturnPolicy) -> tuple[str, list[str]]:
    """Whether a return would be within the policy, changing nothing: (the order's number, the problems)."""
    from app.aftersales.tracking import resolve

    with sessions() as session:
        order, _ = resolve(session, query)
        return order.number, policy_check(session, order, items, kind, reason, policy)


def open_return(sessions: sessionmaker[Session], query: str, items: list[ReturnItem], kind: str, reason: str,
                actor: Actor, policy: pol.ReturnPolicy, note: str = "") -> ReturnSummary:
    """A customer's return asked for at the desk or by ``station return open``."""
    from app.uow import UnitOfWork

    with UnitOfWork(sessions) as uow:
        ret = request_return(uow.session, query, items, kind, reason, actor, policy, note=note)
        uow.commit()
        return summary_of(ret)


def _on_return(sessions: sessionmaker[Session], query: str, action):
    from app.uow import UnitOfWork

    with UnitOfWork(sessions) as uow:
        ret = find_return(uow.session, query)
        extra = action(uow.session, ret)
        uow.commit()
        return summary_of(ret), extra


def label_return(sessions: sessionmaker[Session], query: str, actor: Actor, settings: Settings,
                 station: str | None = None) -> tuple[ReturnSummary, bytes]:
    """The return label (PDF) of the return ``query`` names; with ``station``, also sent to its label printer."""
    def action(session: Session, ret: Return) -> bytes:
        pdf = issue_label(session, ret, actor, settings)
        if station is not None:
            queue_label(session, ret, station, actor, settings)
        return pdf

    return _on_return(sessions, query, action)


def receive_return(sessions: sessionmaker[Session], query: str, actor: Actor) -> ReturnSummary:
    return _on_return(sessions, query, lambda session, ret: receive(session, ret, actor))[0]


def inspect_return(sessions: sessionmaker[Session], query: str, item: str, condition: str, actor: Actor,
                   quantity: int = 1, bin_code: str | None = None):
    """One item of the return looked at: (the return, what became of the item)."""
    return _on_return(sessions, query, lambda session, ret: inspect(session, ret, item, condition, actor, quantity, bin_code))


def complete_return(sessions: sessionmaker[Session], query: str, actor: Actor, policy: pol.ReturnPolicy) -> ReturnSummary:
    return _on_return(sessions, query, lambda session, ret: complete(session, ret, actor, policy))[0]


# --- the returns desk's read models -----------------------------------------------------------------------

@dataclass(frozen=True)
class RequestLine:
    sku: str
    name: str
    returnable: int  # units that may still come back (0 unless the order went out)
    substitutes: tuple[tuple[str, str], ...]  # (SKU, name) an exchange may give instead


@dataclass(frozen=True)
class RequestView:
    """An order a return may be asked for."""

    order_number: str
    order_status: str
    lines: tuple[RequestLine, ...]


@dataclass(frozen=True)
class DeskLine:
    sku: str
    exchange_sku: str | None
    quantity: int
    inspected: int
    condition: str | None
    where: str  # quantity→bin of each inspection


@dataclass(frozen=True)
class DeskReturn:
    """A return as the desk shows it."""

    number: str
    order_number: str
    order_status: str
    currency: str
    status: str
    kind: str
    reason: str
    tracking_number: str | None
    refund_cents: int | None
    points_refunded: int | None
    coupon_cents: int | None
    exchange_order: str | None
    lines: tuple[DeskLine, ...]


def _request_view(session: Session, order: Order, language: str) -> RequestView:
    already = returned_units(session, order)
    shipped = order.status in ("shipped", "delivered")
    lines = []
    for line in order.lines:
        left = (line.quantity - already.get(line.id, 0)) if shipped else 0
        subs = tuple((sub.sku, sub.name(language)) for sub in line.product.substitutes) if line.product is not None else ()
        lines.append(RequestLine(line.sku, line.product.name(language) if line.product else line.name, max(left, 0), subs))
    return RequestView(order.number, order.status, tuple(lines))


def _desk_return(session: Session, ret: Return) -> DeskReturn:
    order = session.get(Order, ret.order_id)
    exchange = session.get(Order, ret.exchange_order_id).number if ret.exchange_order_id else None
    lines = tuple(DeskLine(rl.sku, rl.exchange_sku, rl.quantity, rl.inspected_quantity, rl.condition,
                           ", ".join(f"{e['quantity']}→{e['bin'] or '-'}" for e in rl.inspections)) for rl in ret.lines)
    return DeskReturn(ret.number, order.number, order.status, order.currency, ret.status, ret.kind, ret.reason,
                      ret.tracking_number, ret.refund_cents, ret.points_refunded, ret.coupon_cents, exchange, lines)


def desk_find(sessions: sessionmaker[Session], query: str, language: str = "en",
              prefer_order: bool = False) -> RequestView | DeskReturn | None:
    """What the desk shows for a typed or scanned text (the one look-up): the return it names, else its order to
    ask a return for (also with ``prefer_order``); None when nothing is found. A shop's number two orders share
    raises AmbiguousReference naming both."""
    with sessions() as session:
        match = references.find_order(session, query)
        if match is None:
            return None
        ret = return_of(session, match)
        if ret is not None and not prefer_order:
            return _desk_return(session, ret)
        return _request_view(session, match.order, language)


def desk_return(sessions: sessionmaker[Session], query: str) -> DeskReturn:
    with sessions() as session:
        return _desk_return(session, find_return(session, query))


def check_order_request(sessions: sessionmaker[Session], order_number: str, items: list[ReturnItem], kind: str,
                        reason: str, policy: pol.ReturnPolicy) -> list[str]:
    """The policy's problems with a return of ``items`` from the order ``order_number`` (changes nothing)."""
    with sessions() as session:
        order = session.scalar(select(Order).where(Order.number == order_number))
        if order is None:
            raise NotFound(f"no order {order_number!r}")
        return policy_check(session, order, items, kind, reason, policy)
