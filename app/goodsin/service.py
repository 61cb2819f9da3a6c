"""Goods in (issue 18): the application service the Goods in screen and ``station deliveries`` / ``station receive``
call. Every public function takes plain inputs and an :class:`Actor`, checks the role (the dock's: ``shipping``,
which supervisors and admins include), runs one unit of work, tells the other stations and returns plain values.

The flow at a goods-in station: open a delivery (our number ``GI…``, the supplier's reference or the SSCC on a
pallet label); scan each item or case (GS1 data with lot, expiry and serial read from the barcode, asked for when the
product tracks them and the barcode lacks them); the station proposes a bin and the receiver scans it to put the
units away (another bin with a reason); damaged units go to the warehouse's quarantine bin with a reason; closing
the delivery gives the discrepancy report. Putting units away is the stock change (ledger reason ``receive``) and
releases the backordered orders the new stock covers, in arrival order with priority first.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.admin.sites import require_station
from app.catalogue.ledger import change_on_hand
from app.catalogue.queries import product_by_code, scanned_product
from app.domain import lifecycle as lc
from app.errors import ConcurrencyConflict, InvalidInput, NotFound
from app.goodsin.messages import say
from app.orders import references
from app.orders.timeline import add_event
from app.packing.classify import Classified, classify
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models import Bin, Order, Product, Replenishment, Stock, Warehouse
from db.models.goodsin import Delivery, DeliveryLine, DeliveryPackage, ReceiptEntry, ReceiptTag

ROLE = "shipping"  # the dock receives as it ships; supervisors and admins include it
HAZMAT_ZONES = ("HAZ", "HAZMAT", "DG")  # a layout's zone names for dangerous goods, as warehouses write them


# --- results -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LineState:
    line_no: int
    sku: str
    name: str
    expected: int
    received: int
    damaged: int
    lot: str
    name_zh: str = ""

    @property
    def short(self) -> int:
        return max(0, self.expected - self.received - self.damaged)

    @property
    def over(self) -> int:
        return max(0, self.received + self.damaged - self.expected)


@dataclass(frozen=True)
class DeliveryState:
    number: str
    reference: str
    supplier: str
    warehouse: str
    status: str
    receiving_station: str
    lines: list[LineState]
    waiting: list[int]  # receipt entries received but not yet put away, oldest first

    def as_json(self) -> dict:
        return {**{k: v for k, v in asdict(self).items() if k != "lines"},
                "lines": [{**asdict(line), "short": line.short, "over": line.over} for line in self.lines]}


@dataclass(frozen=True)
class Received:
    """What a receiving scan did. ``verdict``: ``ok`` (counted), ``over`` (counted, more than announced),
    ``unexpected`` (counted, not on the delivery), ``ask_lot`` / ``ask_expiry`` (nothing counted: the product
    tracks it and the barcode did not carry it), ``duplicate`` (this scan was counted before), ``refused``."""

    verdict: str
    message: str
    entry_id: int | None = None
    sku: str = ""
    quantity: int = 0
    proposed_bin: str = ""


@dataclass(frozen=True)
class PutAway:
    entry_id: int
    sku: str
    quantity: int
    bin: str
    released: list[str] = field(default_factory=list)  # the backordered orders this stock released


@dataclass(frozen=True)
class Discrepancy:
    sku: str
    expected: int
    received: int
    damaged: int
    short: int
    over: int


@dataclass(frozen=True)
class ClosedDelivery:
    number: str
    lines: list[Discrepancy]

    @property
    def exact(self) -> bool:
        return all(d.short == d.over == d.damaged == 0 for d in self.lines)


# --- finding a delivery ----------------------------------------------------------------------------------------

def _delivery(session: Session, text: str, lock: bool = False) -> Delivery:
    """The delivery ``text`` names: our number, the supplier's reference, or an SSCC of one of its packages (in any
    form a scanner or a person gives it)."""
    ref = references.parse(text)
    if not ref.text:
        raise InvalidInput("scan or type the delivery: its number, the supplier's reference or a pallet's SSCC")
    found: list[Delivery] = []
    if ref.sscc:
        package = session.scalar(select(DeliveryPackage).where(DeliveryPackage.sscc == ref.sscc))
        if package is not None:
            found = [package.delivery]
    if not found and ref.code:
        found = list(session.scalars(select(Delivery).where(
            or_(Delivery.number == ref.code, func.upper(Delivery.reference) == ref.code)).order_by(Delivery.id)))
    if not found:
        raise NotFound(f"no delivery {ref.text}: import the supplier's advice with 'station deliveries import'")
    if len(found) > 1:
        raise InvalidInput(f"{ref.text} names more than one delivery: {', '.join(d.number for d in found)}; "
                           "scan our number instead")
    if lock:
        session.refresh(found[0], with_for_update=True)
    return found[0]


def _state(session: Session, delivery: Delivery) -> DeliveryState:
    products = {p.id: p for p in session.scalars(select(Product).where(
        Product.id.in_([line.product_id for line in delivery.lines])))} if delivery.lines else {}
    waiting = list(session.scalars(select(ReceiptEntry.id).where(
        ReceiptEntry.delivery_id == delivery.id, ReceiptEntry.state == "received").order_by(ReceiptEntry.id)))
    warehouse = session.get(Warehouse, delivery.warehouse_id)
    return DeliveryState(
        delivery.number, delivery.reference, delivery.supplier, warehouse.code if warehouse else "", delivery.status,
        delivery.receiving_station,
        [LineState(line.line_no, products[line.product_id].sku, products[line.product_id].name_en, line.expected,
                   line.received, line.damaged, line.lot, products[line.product_id].name_zh or "")
         for line in delivery.lines],
        waiting)


def delivery_state(sessions: sessionmaker[Session], text: str) -> DeliveryState:
    with sessions() as session:
        return _state(session, _delivery(session, text))


# --- announcing a delivery -------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # "record, field: error", nothing written when any

    def as_json(self) -> dict:
        return asdict(self)


def _number(delivery: Delivery) -> str:
    return f"GI{delivery.id:08d}"


def import_deliveries(sessions: sessionmaker[Session], actor: Actor, data: bytes | Path, *, warehouse: str,
                      fmt: str = "auto") -> ImportResult:
    """Announced deliveries from a supplier's file (CSV, EDIFACT DESADV or ORDRSP: :mod:`app.goodsin.formats`) into
    ``warehouse``. The same file twice changes nothing; a delivery not yet being received is replaced by a newer
    announcement; any bad record and nothing is written."""
    from app.goodsin import formats

    require_role(actor, ROLE)
    if isinstance(data, Path):
        data = data.read_bytes()
    parsed, problems = formats.parse(data, fmt)
    result = ImportResult(rejected=[p.text() for p in problems])
    with UnitOfWork(sessions) as uow:
        s = uow.session
        house = s.scalar(select(Warehouse).where(Warehouse.code == warehouse.strip().upper()))
        if house is None:
            raise NotFound(f"no warehouse {warehouse.strip()}: add it with 'station warehouses add'")
        plans = []
        for announced in parsed:
            lines = []
            for line in announced.lines:
                found = product_by_code(s, line.sku, line.gtin)
                if found is None:
                    result.rejected.append(f"{announced.reference} line {line.line}, sku: no product "
                                           f"{line.sku or line.gtin} in the catalogue")
                    continue
                product, units = found
                lines.append((product.id, line.quantity * units, line.lot, line.expiry, line.sscc))
            plans.append((announced, lines))
        if result.rejected:
            return result
        for announced, lines in plans:
            _announce(s, house, announced, lines, fmt, result)
        s.flush()
        notify_change(s, "deliveries", house.code)
        uow.commit()
    return result


def _announce(s: Session, house: Warehouse, announced, lines: list[tuple], fmt: str, result: ImportResult) -> None:
    existing = s.scalar(select(Delivery).where(Delivery.supplier == announced.supplier[:200],
                                               Delivery.reference == announced.reference[:64]))
    wanted = [(product_id, quantity, lot, expiry, sscc) for product_id, quantity, lot, expiry, sscc in lines]
    if existing is not None:
        have = [(line.product_id, line.expected, line.lot, line.expiry, line.sscc) for line in existing.lines]
        packages = [p.sscc for p in existing.packages]
        if have == wanted and packages == list(announced.ssccs) and existing.warehouse_id == house.id:
            result.unchanged.append(existing.number)
            return
        if existing.status != "expected":
            result.rejected.append(f"{announced.reference}: delivery {existing.number} is {existing.status}: "
                                   "its announcement can no longer change")
            return
        for line in list(existing.lines):
            s.delete(line)
        for package in list(existing.packages):
            s.delete(package)
        s.flush()
        delivery = existing
        result.updated.append(existing.number)
    else:
        delivery = Delivery(number=uuid.uuid4().hex[:16], warehouse_id=house.id, supplier=announced.supplier[:200],
                            reference=announced.reference[:64], source=fmt if fmt != "auto" else "file")
        s.add(delivery)
        s.flush()
        delivery.number = _number(delivery)
        result.created.append(delivery.number)
    delivery.warehouse_id = house.id
    delivery.purchase_order = (announced.purchase_order or "")[:64]
    delivery.expected_on = announced.expected_on
    for n, (product_id, quantity, lot, expiry, sscc) in enumerate(wanted, start=1):
        s.add(DeliveryLine(delivery_id=delivery.id, line_no=n, product_id=product_id, expected=quantity,
                           received=0, damaged=0, lot=lot or "", expiry=expiry, sscc=sscc or ""))
    for sscc in announced.ssccs:
        s.add(DeliveryPackage(delivery_id=delivery.id, sscc=sscc))


def order_replenishments(sessions: sessionmaker[Session], actor: Actor, *, warehouse: str, supplier: str,
                         reference: str = "", expected_on: date | None = None,
                         skus: Iterable[str] = ()) -> DeliveryState:
    """The replenishment requests waiting for ``warehouse`` (those for no warehouse in particular too; only
    ``skus`` when given) ordered from ``supplier``: one expected delivery, a line a product with the quantities summed,
    received at goods in like any other; each request names it and is ``ordered`` (received when it closes).
    ``reference``: the supplier's order number (default: ours); ``expected_on`` (default: the latest date the
    requests were promised for)."""
    require_role(actor, "supervisor")
    supplier = " ".join(supplier.split())[:200]
    if not supplier:
        raise InvalidInput("supplier: say who the goods are ordered from")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        house = s.scalar(select(Warehouse).where(Warehouse.code == warehouse.strip().upper()))
        if house is None:
            raise NotFound(f"no warehouse {warehouse.strip()}: add it with 'station warehouses add'")
        query = (select(Replenishment).where(Replenishment.status == "requested",
                                             or_(Replenishment.warehouse_id == house.id,
                                                 Replenishment.warehouse_id.is_(None)))
                 .order_by(Replenishment.id).with_for_update())
        wanted = [sku.strip() for sku in skus if sku.strip()]
        if wanted:
            query = query.join(Product, Product.id == Replenishment.product_id).where(Product.sku.in_(wanted))
        requests = list(s.scalars(query))
        if not requests:
            raise InvalidInput(f"no replenishment request waits for warehouse {house.code}")
        reference = " ".join(reference.split())[:64]
        if reference and s.scalar(select(Delivery.id).where(Delivery.supplier == supplier,
                                                            Delivery.reference == reference)):
            raise InvalidInput(f"{supplier} already has a delivery {reference}")
        dates = [r.expected_on for r in requests if r.expected_on]
        delivery = Delivery(number=uuid.uuid4().hex[:16], warehouse_id=house.id, supplier=supplier,
                            reference=reference or uuid.uuid4().hex[:16], purchase_order=reference,
                            expected_on=expected_on or (max(dates) if dates else None), source="replenishment")
        s.add(delivery)
        s.flush()
        delivery.number = _number(delivery)
        if not reference:
            delivery.reference = delivery.purchase_order = delivery.number
        totals: dict[int, int] = {}
        for request in requests:
            totals[request.product_id] = totals.get(request.product_id, 0) + request.quantity
            request.status, request.delivery_id, request.warehouse_id = "ordered", delivery.id, house.id
            request.expected_on = delivery.expected_on or request.expected_on
        for n, (product_id, quantity) in enumerate(totals.items(), start=1):
            s.add(DeliveryLine(delivery_id=delivery.id, line_no=n, product_id=product_id, expected=quantity,
                               received=0, damaged=0, lot=""))
        s.flush()
        notify_change(s, "deliveries", delivery.number)
        state = _state(s, delivery)
        uow.commit()
        return state


# --- receiving ---------------------------------------------------------------------------------------------------

def open_delivery(sessions: sessionmaker[Session], actor: Actor, text: str) -> DeliveryState:
    """Start (or go on) receiving the delivery ``text`` names at the actor's station. Another station receiving it
    is refused with its name: two stations never count one delivery."""
    require_role(actor, ROLE)
    station = actor.station or ""
    with UnitOfWork(sessions) as uow:
        s = uow.session
        if station:
            require_station(s, station)
        delivery = _delivery(s, text, lock=True)
        if delivery.status in ("closed", "cancelled"):
            raise InvalidInput(f"delivery {delivery.number} is {delivery.status}: nothing more can be received")
        if delivery.receiving_station and delivery.receiving_station != station:
            raise ConcurrencyConflict(f"delivery {delivery.number} is being received at station "
                                      f"{delivery.receiving_station}")
        delivery.status = "receiving"
        delivery.receiving_station = station
        notify_change(s, "deliveries", delivery.number)
        state = _state(s, delivery)
        uow.commit()
        return state


def _receiving(s: Session, number: str, actor: Actor) -> Delivery:
    delivery = _delivery(s, number, lock=True)
    if delivery.status != "receiving" or delivery.receiving_station != (actor.station or ""):
        raise InvalidInput(f"delivery {delivery.number} is not open at this station: scan it first")
    return delivery


def receive(sessions: sessionmaker[Session], actor: Actor, number: str, raw: str | Classified, *,
            quantity: int | None = None,
            lot: str | None = None, expiry: date | None = None, damaged: str = "", scan_id: str | None = None,
            today: date | None = None) -> Received:
    """Count what one scan shows into the open delivery ``number``: an item (one unit, or the barcode's count), a
    case (its GTIN's unit count), or a SKU typed. ``lot``/``expiry`` fill what the barcode lacks; ``quantity``
    overrides the count; ``damaged`` (a reason) sets the units apart in quarantine. ``scan_id`` makes a replayed
    scan count once."""
    require_role(actor, ROLE)
    today = today or utcnow().date()
    scan = raw if isinstance(raw, Classified) else classify(raw)  # parsed once: a screen hands the reader's parse
    if scan.kind == "bad":
        return Received("refused", say("misread"))
    with UnitOfWork(sessions) as uow:
        s = uow.session
        if scan_id:
            done = s.scalar(select(ReceiptEntry).where(ReceiptEntry.scan_id == scan_id[:64]))
            if done is not None:
                product = s.get(Product, done.product_id)
                return Received("duplicate", say("duplicate", quantity=done.quantity,
                                                 sku=product.sku if product else done.product_id), done.id)
        delivery = _receiving(s, number, actor)
        found = scanned_product(s, scan)
        if found is None:
            return Received("refused", say("unknown", code=scan.code))
        product, units = found
        count = quantity if quantity is not None else (scan.quantity or 1) * units
        if count <= 0:
            return Received("refused", say("quantity", sku=product.sku))
        lot = (lot if lot is not None else scan.lot or "").strip()[:64]
        expiry = expiry or scan.expiry
        if product.tracks_lot and not lot:
            return Received("ask_lot", say("ask_lot", sku=product.sku), sku=product.sku)
        if product.tracks_expiry and expiry is None:
            return Received("ask_expiry", say("ask_expiry", sku=product.sku), sku=product.sku)
        if expiry is not None and expiry < today and not damaged:
            return Received("refused", say("expired", sku=product.sku, lot=lot or "-", date=expiry.isoformat()))
        line, verdict = _line_for(s, delivery, product, lot)
        entry = ReceiptEntry(delivery_id=delivery.id, line_id=line.id, product_id=product.id, quantity=count, lot=lot,
                             expiry=expiry, serial=(scan.serial or "")[:64], state="received",
                             station=(actor.station or "")[:64], user=(actor.user or "")[:100], at=utcnow(),
                             scan_id=scan_id[:64] if scan_id else None)
        s.add(entry)
        proposed = ""
        if damaged:
            quarantine = _quarantine_bin(s, delivery.warehouse_id)
            line.damaged += count
            s.flush()
            _into_bin(s, entry, quarantine, actor, delivery.number, state="quarantined", reason=damaged[:200])
            message = say("quarantined", quantity=count, sku=product.sku, bin=quarantine.code, reason=damaged[:200])
            verdict = "quarantined"
        else:
            line.received += count
            s.flush()
            proposed = propose_bin(s, product, delivery.warehouse_id, lot)
            if proposed:  # the bin is kept for these units until they are put away (no other receipt is sent there)
                entry.bin_id = s.scalar(select(Bin.id).where(Bin.warehouse_id == delivery.warehouse_id,
                                                             Bin.code == proposed))
            over = line.received + line.damaged - line.expected
            if verdict == "unexpected":
                message = say("unexpected", quantity=count, sku=product.sku)
            elif over > 0:
                verdict = "over"
                message = say("over", quantity=count, sku=product.sku, over=over)
            else:
                message = say("counted", quantity=count, sku=product.sku, received=line.received, expected=line.expected)
            message += "; " + (say("go_to", bin=proposed) if proposed else say("no_bin"))
        notify_change(s, "deliveries", delivery.number)
        uow.commit()
        return Received(verdict, message, entry.id, product.sku, count, proposed)


@dataclass(frozen=True)
class CartonRead:
    """What an RFID carton read counted: one receipt entry a product (``received``: entry id, SKU, units, bin
    proposed), the tags read before (not counted again) and the tags refused, in words."""

    verdict: str  # ok (something counted), duplicate (every tag read before), refused (nothing counted)
    message: str
    received: tuple[Received, ...] = ()
    repeated: int = 0
    refused: tuple[str, ...] = ()


def receive_carton(sessions: sessionmaker[Session], actor: Actor, number: str, epcs: Iterable[str], *,
                   lot: str | None = None, expiry: date | None = None, today: date | None = None) -> CartonRead:
    """Every SGTIN tag of a carton read at once into the open delivery ``number``: a tag counts one unit of its GTIN
    (a case GTIN's tag: its units), once on the delivery however often the carton is read; the units of a product
    make one receipt entry, put away as any other. RFID tags carry no lot: ``lot``/``expiry`` give them for a product
    that tracks them (else its tags are refused, and counted when the carton is read again with the lot given)."""
    from app.devices.rfid import decode_epc

    require_role(actor, ROLE)
    today = today or utcnow().date()
    lot = (lot or "").strip()[:64]
    tags: dict[str, str] = {}  # EPC -> GTIN, in the order read; a tag read twice in one read counts once
    refused: list[str] = []
    for raw in epcs:
        epc = raw.strip().upper()[:64]
        if not epc or epc in tags:
            continue
        info = decode_epc(epc)
        if info.error or not info.gtin:
            refused.append(say("tag_not_item", epc=epc[:24]))
            continue
        tags[epc] = info.gtin
    with UnitOfWork(sessions) as uow:
        s = uow.session
        delivery = _receiving(s, number, actor)
        seen = set(s.scalars(select(ReceiptTag.epc).where(ReceiptTag.delivery_id == delivery.id,
                                                          ReceiptTag.epc.in_(list(tags)))))
        groups: dict[int, tuple[Product, list[str], int]] = {}
        for epc, gtin in tags.items():
            if epc in seen:
                continue
            found = product_by_code(s, "", gtin)
            if found is None:
                refused.append(say("unknown", code=gtin))
                continue
            product, units = found
            _, group, total = groups.get(product.id, (product, [], 0))
            groups[product.id] = (product, [*group, epc], total + units)
        counted: list[Received] = []
        for product, group, units in groups.values():
            if product.tracks_lot and not lot:
                refused.append(say("carton_lot", sku=product.sku, count=len(group)))
                continue
            if product.tracks_expiry and expiry is None:
                refused.append(say("carton_expiry", sku=product.sku, count=len(group)))
                continue
            if expiry is not None and expiry < today:
                refused.append(say("expired", sku=product.sku, lot=lot or "-", date=expiry.isoformat()))
                continue
            line, verdict = _line_for(s, delivery, product, lot if product.tracks_lot else "")
            entry = ReceiptEntry(delivery_id=delivery.id, line_id=line.id, product_id=product.id, quantity=units,
                                 lot=lot if product.tracks_lot else "", expiry=expiry if product.tracks_expiry else None,
                                 state="received", station=(actor.station or "")[:64], user=(actor.user or "")[:100],
                                 at=utcnow())
            s.add(entry)
            line.received += units
            s.flush()
            s.add_all(ReceiptTag(delivery_id=delivery.id, entry_id=entry.id, epc=epc) for epc in group)
            proposed = propose_bin(s, product, delivery.warehouse_id, entry.lot)
            if proposed:
                entry.bin_id = s.scalar(select(Bin.id).where(Bin.warehouse_id == delivery.warehouse_id,
                                                             Bin.code == proposed))
            over = line.received + line.damaged - line.expected
            verdict = "over" if over > 0 and verdict == "ok" else verdict
            counted.append(Received(verdict, say("counted", quantity=units, sku=product.sku, received=line.received,
                                                 expected=line.expected), entry.id, product.sku, units, proposed))
        if counted:
            notify_change(s, "deliveries", delivery.number)
        uow.commit()
    parts = [say("carton_counted", units=sum(r.quantity for r in counted),
                 skus=", ".join(f"{r.quantity} x {r.sku}" for r in counted))] if counted else []
    if seen:
        parts.append(say("carton_repeated", count=len(seen)))
    parts += refused
    verdict = "ok" if counted else "duplicate" if seen and not refused else "refused"
    if counted and counted[0].proposed_bin:
        parts.append(say("go_to", bin=counted[0].proposed_bin))
    return CartonRead(verdict, "; ".join(parts) or say("carton_empty"), tuple(counted), len(seen), tuple(refused))


def _line_for(s: Session, delivery: Delivery, product: Product, lot: str) -> tuple[DeliveryLine, str]:
    """The delivery's line the units count on: the product's line with this lot, else one without a lot, else its
    first; an item not announced gets a line of its own (expected 0)."""
    lines = list(s.scalars(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery.id,
                                                      DeliveryLine.product_id == product.id)
                           .order_by(DeliveryLine.line_no)))
    for line in lines:
        if line.lot == lot:
            return line, "ok"
    for line in lines:
        if not line.lot:
            return line, "ok"
    if lines:
        return lines[0], "ok"  # the product announced with another lot: counted on its line, the lot as scanned
    last = s.scalar(select(func.max(DeliveryLine.line_no)).where(DeliveryLine.delivery_id == delivery.id)) or 0
    line = DeliveryLine(delivery_id=delivery.id, line_no=last + 1, product_id=product.id, expected=0, received=0,
                        damaged=0, lot=lot)
    s.add(line)
    s.flush()
    return line, "unexpected"


def _quarantine_bin(s: Session, warehouse_id: int) -> Bin:
    found = s.scalar(select(Bin).where(Bin.warehouse_id == warehouse_id, Bin.quarantine.is_(True)).order_by(Bin.code)
                     .limit(1))
    if found is None:
        raise InvalidInput("this warehouse has no quarantine bin: mark one in its layout ('quarantine': true) first")
    return found


def propose_bin(s: Session, product: Product, warehouse_id: int, lot: str = "") -> str:
    """Where the units should go: a bin that holds the product already (the same lot first), else the free bin
    nearest the front of the aisles (low levels first); dangerous goods only in, and other goods never in, a zone
    the layout names for them; a free bin already proposed for other units still at the dock is not proposed
    again. '' when no bin fits."""
    holding = s.execute(
        select(Bin.code, Stock.lot).join(Stock, Stock.bin_id == Bin.id)
        .where(Stock.product_id == product.id, Bin.warehouse_id == warehouse_id, Bin.quarantine.is_(False))
        .order_by(Stock.on_hand.desc(), Bin.code)).all()
    for code, held_lot in holding:
        if held_lot == lot:
            return code
    if holding:
        return holding[0][0]
    # Per bin, by index (ix_stock_bin, ix_receipt_entries_bin): the first free bin is found without reading all stock.
    stocked = exists().where(Stock.bin_id == Bin.id, Stock.on_hand > 0)
    promised = exists().where(ReceiptEntry.bin_id == Bin.id, ReceiptEntry.state == "received",
                              ReceiptEntry.product_id != product.id)
    hazmat = Bin.zone.in_(HAZMAT_ZONES)
    query = (select(Bin.code).where(Bin.warehouse_id == warehouse_id, Bin.quarantine.is_(False), ~stocked, ~promised,
                                    hazmat if product.hazmat else ~hazmat)
             .order_by(Bin.level, Bin.position, Bin.aisle, Bin.code).limit(1))
    return s.scalar(query) or ""


def is_bin(sessions: sessionmaker[Session], number: str, text: str) -> bool:
    """Whether ``text`` is a bin of the warehouse the delivery ``number`` arrives at (a bin label scanned)."""
    code = text.strip().upper()
    if not code:
        return False
    with sessions() as s:
        warehouse_id = s.scalar(select(Delivery.warehouse_id).where(Delivery.number == number))
        return s.scalar(select(Bin.id).where(Bin.warehouse_id == warehouse_id, Bin.code == code)) is not None


def _into_bin(s: Session, entry: ReceiptEntry, bin_: Bin, actor: Actor, reference: str, *, state: str,
              reason: str = "") -> None:
    stock = s.scalar(select(Stock).where(Stock.product_id == entry.product_id, Stock.bin_id == bin_.id,
                                         Stock.lot == entry.lot).with_for_update())
    if stock is None:
        stock = Stock(product_id=entry.product_id, bin_id=bin_.id, warehouse_id=bin_.warehouse_id, on_hand=0,
                      reserved=0, lot=entry.lot, expiry=entry.expiry)
        s.add(stock)
        s.flush()
    elif stock.expiry is None and entry.expiry is not None:
        stock.expiry = entry.expiry
    change_on_hand(s, stock, entry.quantity, "receive", actor, reference)
    entry.state = state
    entry.bin_id = bin_.id
    entry.reason = reason
    entry.put_away_at = utcnow()


def put_away(sessions: sessionmaker[Session], actor: Actor, entry_id: int, bin_code: str, reason: str = "") -> PutAway:
    """Put the units of receipt entry ``entry_id`` into the bin scanned: the stock change (ledger ``receive``, the
    delivery's number as reference). A bin other than the one proposed needs a reason. Then the backordered orders
    the new stock covers are released."""
    require_role(actor, ROLE)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        entry = s.get(ReceiptEntry, entry_id, with_for_update=True)
        if entry is None:
            raise NotFound(f"no received units {entry_id}")
        if entry.state != "received":
            raise InvalidInput(f"those units are {entry.state.replace('_', ' ')} already")  # put away, quarantined
        delivery = s.get(Delivery, entry.delivery_id)
        product = s.get(Product, entry.product_id)
        assert delivery is not None and product is not None
        code = references.parse(bin_code).text.upper()
        bin_ = s.scalar(select(Bin).where(Bin.warehouse_id == delivery.warehouse_id, Bin.code == code))
        if bin_ is None:
            raise NotFound(f"no bin {code} in this warehouse")
        if bin_.quarantine:
            raise InvalidInput(f"bin {code} is the quarantine: set damaged units apart when you scan them")
        kept = s.get(Bin, entry.bin_id) if entry.bin_id is not None else None
        proposed = kept.code if kept is not None else propose_bin(s, product, delivery.warehouse_id, entry.lot)
        if proposed and code != proposed and not reason.strip():
            raise InvalidInput(f"{product.sku} goes to {proposed}: say why it goes to {code} instead")
        _into_bin(s, entry, bin_, actor, delivery.number, state="put_away",
                  reason=reason.strip()[:200] if code != proposed else "")
        notify_change(s, "deliveries", delivery.number)
        notify_change(s, "stock", product.sku)
        warehouse_id, product_id, number = delivery.warehouse_id, product.id, delivery.number
        result = PutAway(entry.id, product.sku, entry.quantity, code)
        uow.commit()
    released = release_backorders(sessions, actor, [product_id], warehouse_id, number)
    return PutAway(result.entry_id, result.sku, result.quantity, result.bin, released)


def close_delivery(sessions: sessionmaker[Session], actor: Actor, number: str) -> ClosedDelivery:
    """Close the delivery: nothing more is counted on it; the discrepancy report (short, over, damaged per line).
    Units still waiting at the dock must be put away first."""
    require_role(actor, ROLE)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        delivery = _receiving(s, number, actor)
        waiting = s.scalar(select(func.coalesce(func.sum(ReceiptEntry.quantity), 0)).where(
            ReceiptEntry.delivery_id == delivery.id, ReceiptEntry.state == "received")) or 0
        if waiting:
            raise InvalidInput(f"delivery {delivery.number}: {waiting} unit(s) wait for put-away: put them away first")
        state = _state(s, delivery)
        s.execute(update(Replenishment).where(Replenishment.delivery_id == delivery.id,
                                              Replenishment.status == "ordered").values(status="received"))
        delivery.status = "closed"
        delivery.receiving_station = ""
        delivery.closed_at = utcnow()
        delivery.closed_by = (actor.user or "")[:100]
        notify_change(s, "deliveries", delivery.number)
        uow.commit()
    return ClosedDelivery(state.number, [Discrepancy(line.sku, line.expected, line.received, line.damaged, line.short,
                                                     line.over) for line in state.lines])


# --- backorders --------------------------------------------------------------------------------------------------

def release_backorders(sessions: sessionmaker[Session], actor: Actor, product_ids: Iterable[int], warehouse_id: int,
                       receipt: str) -> list[str]:
    """Confirm again the backordered orders short of ``product_ids``, most urgent first, then in the order they
    came in, each in its own transaction; those the stock now covers are allocated, with a ``backorder_released``
    event naming the receipt (the customer's notice follows from it). Returns their numbers.

    An order is short of a product when confirmation (or a short pick) wrote a replenishment request for it: the
    requests by product (an index) lead to the few orders waiting for it, however many orders the database holds or
    however often the product was sold."""
    from app.orders.confirmation import confirm

    ids = sorted(set(product_ids))
    if not ids:
        return []
    with sessions() as s:
        short_of = select(Replenishment.order_id).where(Replenishment.product_id.in_(ids),
                                                        Replenishment.order_id.is_not(None))
        waiting = list(s.scalars(select(Order.number).where(Order.id.in_(short_of), Order.status == lc.BACKORDERED)
                                 .order_by(Order.priority.desc(), Order.placed_at, Order.id)))
    released = []
    for number in waiting:
        with UnitOfWork(sessions) as uow:
            s = uow.session
            order = s.scalar(select(Order).where(Order.number == number).with_for_update())
            if order is None or order.status != lc.BACKORDERED:
                continue
            status = confirm(s, order, actor)
            if status == lc.BACKORDERED:
                uow.rollback()
                continue
            add_event(s, order, "backorder_released", actor, delivery=receipt, warehouse_id=warehouse_id)
            notify_change(s, "order", order.number)
            uow.commit()
            released.append(number)
    return released


__all__ = ["ClosedDelivery", "InvalidInput", "is_bin", "DeliveryState", "ImportResult", "PutAway", "Received", "close_delivery",
           "delivery_state", "import_deliveries", "open_delivery", "propose_bin", "put_away", "receive",
           "release_backorders"]
