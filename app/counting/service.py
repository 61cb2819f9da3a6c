"""Cycle counts (issue 18, item 6): the application service the Counting screen and ``station stock count`` call.
Every public function takes plain inputs and an :class:`Actor`, checks the role (counting is the dock's:
``shipping``; approving a variance is a supervisor's), runs one unit of work, tells the other stations and returns
plain values.

A count covers one bin. It is opened at a station (one open count a bin, whatever runs at once), counted blind
(the counter is told what was counted, never what the books say), and closed: what lies in the bin by the books is
compared with what was counted (:func:`app.domain.countplan.variances`). A count whose differences are all within
the threshold is posted at once; one with a larger difference waits for a supervisor, who approves it (posted) or
refuses it (the bin is counted again). Posting changes stock through the ledger (reason ``count``, the count's
number as reference).

"In the bin by the books" is the stock on hand less the units already picked out of it for orders not yet shipped
(picked, at packing, packed, labelled; for an order being picked, what its lines have picked): those units lie in
a tote or a parcel, not on the shelf, and stay on hand until the parcel leaves.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.catalogue.ledger import change_on_hand
from app.catalogue.queries import scanned_product
from app.counting.messages import say
from app.domain import lifecycle as lc
from app.domain.countplan import CountLine, variances
from app.errors import ConcurrencyConflict, InvalidInput, NotFound
from app.packing.classify import Classified, classify
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models import Bin, Order, OrderLine, Product, Reservation, Station, Stock, Warehouse
from db.models.counting import StockCount, StockCountLine, StockCountScan

ROLE = "shipping"  # the dock's staff count; supervisors and admins include it
APPROVER = "supervisor"
# A difference needs a supervisor above max(APPROVAL_UNITS, APPROVAL_SHARE of what the books say).
APPROVAL_UNITS = 2
APPROVAL_SHARE = 0.05
# Orders whose reserved units have left the shelf (in a tote or a parcel) but not the building.
PICKED_OUT = (lc.PICKED, lc.PACKING, lc.PACKED, lc.LABELLED)


# --- results -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountedLine:
    """What was counted of one product (and lot): never what the books say (a blind count)."""

    sku: str
    name: str
    lot: str
    counted: int
    name_zh: str = ""


@dataclass(frozen=True)
class CountState:
    number: str
    bin: str
    warehouse: str
    status: str
    station: str
    counted_by: str
    lines: tuple[CountedLine, ...] = ()

    @property
    def units(self) -> int:
        return sum(line.counted for line in self.lines)

    def as_json(self) -> dict:
        return {**asdict(self), "lines": [asdict(line) for line in self.lines], "units": self.units}


@dataclass(frozen=True)
class Counted:
    """One scan's answer: ``ok``, ``ask_lot``, ``duplicate`` or ``refused``, said in ``message``."""

    verdict: str
    message: str
    sku: str = ""
    lot: str = ""
    units: int = 0
    total: int = 0  # counted so far of this product and lot


@dataclass(frozen=True)
class VarianceLine:
    sku: str
    name: str
    lot: str
    expected: int
    counted: int
    needs_approval: bool

    @property
    def delta(self) -> int:
        return self.counted - self.expected


@dataclass(frozen=True)
class CountResult:
    """A closed count: its status (``posted``, ``review``, ``cancelled``), every line it found, and the orders the
    stock it found released or sent back to confirmation."""

    number: str
    bin: str
    status: str
    message: str
    lines: tuple[VarianceLine, ...] = ()
    released: tuple[str, ...] = ()
    reallocated: tuple[str, ...] = ()

    @property
    def differences(self) -> tuple[VarianceLine, ...]:
        return tuple(line for line in self.lines if line.delta)

    def as_json(self, blind: bool = False) -> dict:
        """``blind``: the counter's view, without what the books said."""
        lines = [{"sku": l.sku, "lot": l.lot, "counted": l.counted} if blind else
                 {**asdict(l), "delta": l.delta} for l in self.lines]
        return {"number": self.number, "bin": self.bin, "status": self.status, "message": self.message,
                "differences": len(self.differences),
                "needing_approval": sum(1 for l in self.lines if l.needs_approval), "lines": lines,
                "released": list(self.released), "reallocated": list(self.reallocated)}


@dataclass
class _Book:
    """One stock row of the bin, as the books have it."""

    stock: Stock | None
    in_bin: int = 0
    expiry: date | None = None
    scanned_expiry: date | None = None
    counted: int = 0


# --- finding -------------------------------------------------------------------------------------------------

def number_of(count: StockCount) -> str:
    return f"CC{count.id:08d}"


def find_count(s: Session, text: str, lock: bool = False) -> StockCount:
    query = select(StockCount).where(StockCount.number == text.strip().upper())
    if lock:
        query = query.with_for_update()
    found = s.scalar(query)
    if found is None:
        raise NotFound(f"no count {text.strip()[:40]}")
    return found


def _bin(s: Session, code: str, warehouse: str, station: str) -> Bin:
    query = select(Bin).where(Bin.code == code.strip().upper())
    if warehouse:
        query = query.join(Warehouse, Warehouse.id == Bin.warehouse_id).where(Warehouse.code == warehouse.strip().upper())
    found = list(s.scalars(query))
    if len(found) > 1 and station:  # the station's own warehouse decides
        home = s.scalar(select(Station.warehouse_id).where(Station.name == station))
        found = [b for b in found if b.warehouse_id == home] or found
    if not found:
        raise NotFound(f"bin: no bin {code.strip()[:40]}")
    if len(found) > 1:
        raise InvalidInput(f"bin: {code.strip()[:40]} is in more than one warehouse: give the warehouse")
    return found[0]


def _lines(s: Session, count: StockCount) -> tuple[CountedLine, ...]:
    rows = s.execute(
        select(Product.sku, Product.name_en, Product.name_zh, StockCountScan.lot, func.sum(StockCountScan.units))
        .join(Product, Product.id == StockCountScan.product_id).where(StockCountScan.count_id == count.id)
        .group_by(Product.sku, Product.name_en, Product.name_zh, StockCountScan.lot)
        .order_by(Product.sku, StockCountScan.lot)).all()
    return tuple(CountedLine(sku, name, lot, int(total), name_zh or "") for sku, name, name_zh, lot, total in rows)


def _state(s: Session, count: StockCount) -> CountState:
    bin_code, warehouse = s.execute(select(Bin.code, Warehouse.code).join(Warehouse, Warehouse.id == Bin.warehouse_id)
                                    .where(Bin.id == count.bin_id)).one()
    return CountState(count.number, bin_code, warehouse, count.status, count.station, count.counted_by, _lines(s, count))


def count_at(sessions: sessionmaker[Session], station: str) -> CountState | None:
    """The count being counted at ``station`` (a station restarted mid-count goes on with it), or None."""
    with sessions() as s:
        count = s.scalar(select(StockCount).where(StockCount.station == (station or "")[:64],
                                                  StockCount.status == "counting").order_by(StockCount.id.desc()).limit(1))
        return _state(s, count) if count is not None else None


def count_state(sessions: sessionmaker[Session], number: str) -> CountState:
    """A count as its counter sees it (what was counted, never what the books say)."""
    with sessions() as s:
        return _state(s, find_count(s, number))


# --- counting ------------------------------------------------------------------------------------------------

def open_count(sessions: sessionmaker[Session], actor: Actor, bin_code: str, warehouse: str = "") -> CountState:
    """Start counting bin ``bin_code`` at the actor's station; the same station scanning its own open count again
    goes on with it. Another station's open count, or one waiting for a supervisor, is refused."""
    require_role(actor, ROLE)
    station = (actor.station or "")[:64]
    with UnitOfWork(sessions) as uow:
        s = uow.session
        shelf = _bin(s, bin_code, warehouse, station)
        current = s.scalar(select(StockCount).where(StockCount.bin_id == shelf.id,
                                                    StockCount.status.in_(lc.COUNT_OPEN)))
        if current is not None:
            if current.status == "counting" and current.station == station:
                return _state(s, current)
            if current.status == "review":
                raise InvalidInput(f"bin {shelf.code}: count {current.number} waits for a supervisor's approval; "
                                   "it can be counted again once that is decided")
            raise ConcurrencyConflict(f"bin {shelf.code} is being counted at {current.station or 'another station'} "
                                      f"({current.number})")
        count = StockCount(number=f"CC-{uuid.uuid4().hex[:12]}", warehouse_id=shelf.warehouse_id, bin_id=shelf.id,
                           status="counting", station=station, counted_by=(actor.user or "")[:100], opened_at=utcnow())
        s.add(count)
        try:
            s.flush()
        except IntegrityError as exc:  # another station opened a count of this bin a moment ago
            raise ConcurrencyConflict(f"bin {shelf.code} is being counted at another station just now") from exc
        count.number = number_of(count)
        notify_change(s, "counts", count.number)
        state = _state(s, count)
        uow.commit()
        return state


def _counting(s: Session, number: str, actor: Actor) -> StockCount:
    count = find_count(s, number, lock=True)
    if count.status != "counting" or count.station != (actor.station or "")[:64]:
        raise InvalidInput(f"count {count.number} is not open at this station ({count.status})")
    return count


def count_scan(sessions: sessionmaker[Session], actor: Actor, number: str, raw: str | Classified, *,
               quantity: int | None = None, lot: str | None = None, expiry: date | None = None,
               scan_id: str | None = None) -> Counted:
    """Count what one scan shows into the open count ``number``: an item (one unit, or the barcode's count), a case
    (its GTIN's unit count) or a SKU typed. ``quantity`` overrides the count (negative takes back units counted by
    mistake); ``lot``/``expiry`` fill what the barcode lacks. ``scan_id`` makes a replayed scan count once."""
    require_role(actor, ROLE)
    scan = raw if isinstance(raw, Classified) else classify(raw)
    if scan.kind == "bad":
        return Counted("refused", say("misread"))
    with UnitOfWork(sessions) as uow:
        s = uow.session
        count = _counting(s, number, actor)
        if scan_id and s.scalar(select(StockCountScan.id).where(StockCountScan.count_id == count.id,
                                                                StockCountScan.scan_id == scan_id[:64])):
            return Counted("duplicate", say("duplicate"))
        found = scanned_product(s, scan)
        if found is None:
            return Counted("refused", say("unknown", code=(scan.code or scan.raw)[:60]))
        product, per_code = found
        units = quantity if quantity is not None else (scan.quantity or 1) * per_code
        lot = (lot if lot is not None else scan.lot or "").strip()[:64]
        if product.tracks_lot and not lot:
            return Counted("ask_lot", say("ask_lot", sku=product.sku), product.sku)
        if units == 0:
            return Counted("refused", say("below_zero", sku=product.sku, total=0, units=0), product.sku, lot)
        total = int(s.scalar(select(func.coalesce(func.sum(StockCountScan.units), 0)).where(
            StockCountScan.count_id == count.id, StockCountScan.product_id == product.id, StockCountScan.lot == lot))
            or 0)
        if total + units < 0:
            return Counted("refused", say("below_zero", sku=product.sku, total=total, units=-units), product.sku, lot)
        s.add(StockCountScan(count_id=count.id, product_id=product.id, lot=lot, expiry=expiry or scan.expiry,
                             units=units, scan_id=scan_id[:64] if scan_id else None, user=(actor.user or "")[:100],
                             at=utcnow()))
        notify_change(s, "counts", count.number)
        uow.commit()
        total += units
        message = say("counted_lot", sku=product.sku, lot=lot, units=units, total=total) if lot else \
            say("counted", sku=product.sku, units=units, total=total)
        return Counted("ok", message, product.sku, lot, units, total)


def _books(s: Session, count: StockCount, postgres: bool) -> dict[tuple[int, str], _Book]:
    """The bin's stock rows (locked), each with the units that lie in the bin by the books."""
    query = select(Stock).where(Stock.bin_id == count.bin_id).order_by(Stock.id)
    if postgres:
        query = query.with_for_update()
    books = {(row.product_id, row.lot or ""): _Book(row, row.on_hand or 0, row.expiry) for row in s.scalars(query)}
    if not books:
        return books
    ids = [book.stock.id for book in books.values() if book.stock is not None]
    out: dict[int, int] = {}
    for stock_id, quantity, status, picked in s.execute(
            select(Reservation.stock_id, Reservation.quantity, Order.status, OrderLine.picked_quantity)
            .join(Order, Order.id == Reservation.order_id).join(OrderLine, OrderLine.id == Reservation.line_id)
            .where(Reservation.stock_id.in_(ids), Order.status.in_((*PICKED_OUT, lc.PICKING)))):
        away = quantity if status in PICKED_OUT else min(quantity, picked or 0)
        out[stock_id] = out.get(stock_id, 0) + away
    for book in books.values():
        if book.stock is not None:
            book.in_bin = max(0, book.in_bin - out.get(book.stock.id, 0))
    return books


def close_count(sessions: sessionmaker[Session], actor: Actor, number: str) -> CountResult:
    """Close the count: compare it with the books, post it when every difference is within the threshold, else
    leave it for a supervisor. Returns what it found (the counter's screen shows it blind)."""
    require_role(actor, ROLE)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        count = _counting(s, number, actor)
        postgres = s.get_bind().dialect.name == "postgresql"
        books = _books(s, count, postgres)
        for product_id, lot, expiry, units in s.execute(
                select(StockCountScan.product_id, StockCountScan.lot, func.max(StockCountScan.expiry),
                       func.sum(StockCountScan.units))
                .where(StockCountScan.count_id == count.id)
                .group_by(StockCountScan.product_id, StockCountScan.lot)):
            book = books.setdefault((product_id, lot or ""), _Book(None))
            book.counted, book.scanned_expiry = int(units), expiry
        lines = [CountLine(pid, lot, book.in_bin, book.counted) for (pid, lot), book in sorted(books.items())]
        flagged = {(v.product_id, v.lot) for v in variances(lines, units=APPROVAL_UNITS, share=APPROVAL_SHARE)
                   if v.needs_approval}
        for line in lines:
            s.add(StockCountLine(count_id=count.id, product_id=line.product_id, lot=line.lot, expected=line.expected,
                                 counted=line.counted, needs_approval=(line.product_id, line.lot) in flagged))
        count.closed_at = utcnow()
        if flagged:
            count.status = "review"
            s.flush()
            result = result_of(s, count, say("review", number=count.number, count=len(flagged)))
            notify_change(s, "counts", count.number)
            uow.commit()
            return result
        found_more, reallocated = _post(s, count, actor, books)
        result = _posted(s, count, reallocated)
        uow.commit()
    return _release(sessions, actor, count, found_more, result)


def decide_count(sessions: sessionmaker[Session], actor: Actor, number: str, approve: bool, note: str = "") -> CountResult:
    """A supervisor's decision on a count waiting for approval: approved, it is posted to the ledger; refused, it is
    cancelled and the bin can be counted again."""
    require_role(actor, APPROVER)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        count = find_count(s, number, lock=True)
        if count.status != "review":
            raise InvalidInput(f"count {count.number} does not wait for approval ({count.status})")
        count.decided_by, count.decided_at, count.note = (actor.user or "")[:100], utcnow(), note.strip()[:200]
        bin_code = s.scalar(select(Bin.code).where(Bin.id == count.bin_id)) or ""
        if not approve:
            count.status = "cancelled"
            s.flush()
            result = result_of(s, count, say("refused", number=count.number, user=actor.user or "-", bin=bin_code))
            notify_change(s, "counts", count.number)
            uow.commit()
            return result
        postgres = s.get_bind().dialect.name == "postgresql"
        current = _books(s, count, postgres)
        # The differences found when the count closed: the stock may have moved since, the difference has not.
        books: dict[tuple[int, str], _Book] = {}
        for line in s.scalars(select(StockCountLine).where(StockCountLine.count_id == count.id)):
            book = books[(line.product_id, line.lot)] = current.get((line.product_id, line.lot)) or _Book(None)
            book.in_bin, book.counted = line.expected, line.counted
        for product_id, lot, expiry in s.execute(
                select(StockCountScan.product_id, StockCountScan.lot, func.max(StockCountScan.expiry))
                .where(StockCountScan.count_id == count.id).group_by(StockCountScan.product_id, StockCountScan.lot)):
            if (product_id, lot or "") in books:
                books[(product_id, lot or "")].scanned_expiry = expiry
        found_more, reallocated = _post(s, count, actor, books)
        result = _posted(s, count, reallocated)
        uow.commit()
    return _release(sessions, actor, count, found_more, result)


def cancel_count(sessions: sessionmaker[Session], actor: Actor, number: str) -> CountResult:
    """Abandon a count still being counted (at its station, or a supervisor anywhere): nothing is posted."""
    require_role(actor, ROLE)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        count = find_count(s, number, lock=True)
        if count.status != "counting":
            raise InvalidInput(f"count {count.number} is not being counted ({count.status})")
        if count.station != (actor.station or "")[:64]:
            require_role(actor, APPROVER)
        count.status, count.closed_at = "cancelled", utcnow()
        count.decided_by, count.decided_at = (actor.user or "")[:100], utcnow()
        bin_code = s.scalar(select(Bin.code).where(Bin.id == count.bin_id)) or ""
        s.flush()
        result = result_of(s, count, say("cancelled", number=count.number, bin=bin_code))
        notify_change(s, "counts", count.number)
        uow.commit()
        return result


# --- posting -------------------------------------------------------------------------------------------------

def _post(s: Session, count: StockCount, actor: Actor, books: dict[tuple[int, str], _Book]) -> tuple[set[int], list[str]]:
    """Each difference onto its stock row through the ledger (reason ``count``). Where the bin now holds fewer
    units than are reserved in it, the allocated orders reserved there give their reservations back first (the
    least urgent and newest first) and are confirmed again once the count is on the books: the units still there,
    another bin, lot or warehouse, or a backorder. Units already picked for orders are not touched. Returns the
    products found in greater number (backorders may be released) and the orders confirmed again."""
    from app.orders.confirmation import confirm, release_reservations
    from app.orders.timeline import move

    found_more: set[int] = set()
    again: dict[int, Order] = {}
    for (product_id, lot), book in sorted(books.items()):
        delta = book.counted - book.in_bin
        if delta == 0:
            continue
        stock = book.stock
        if stock is None:
            stock = Stock(product_id=product_id, bin_id=count.bin_id, warehouse_id=count.warehouse_id, on_hand=0,
                          reserved=0, lot=lot, expiry=book.scanned_expiry)
            s.add(stock)
            s.flush()
        elif stock.expiry is None and book.scanned_expiry is not None:
            stock.expiry = book.scanned_expiry
        delta = max(delta, -(stock.on_hand or 0))
        after = (stock.on_hand or 0) + delta
        if after < (stock.reserved or 0):
            for order in s.scalars(
                    select(Order).join(Reservation, Reservation.order_id == Order.id)
                    .where(Reservation.stock_id == stock.id, Order.status == lc.ALLOCATED)
                    .distinct().order_by(Order.priority, Order.id.desc())):
                if (stock.reserved or 0) <= after:
                    break
                release_reservations(s, order)
                s.flush()
                s.refresh(stock)
                move(s, order, lc.BACKORDERED, actor, kind="stock_counted_short", count=count.number,
                     sku=order_sku(order, product_id))
                again[order.id] = order
        if after < (stock.reserved or 0):
            holders = s.scalars(select(Order.number).join(Reservation, Reservation.order_id == Order.id)
                                .where(Reservation.stock_id == stock.id).distinct().order_by(Order.number).limit(5))
            raise InvalidInput(f"count {count.number}: {stock.reserved} unit(s) in this bin are held by orders being "
                               f"picked or packed ({', '.join(holders)}): post it when they have shipped")
        change_on_hand(s, stock, delta, "count", actor, count.number)
        notify_change(s, "stock", product_id)
        if delta > 0:
            found_more.add(product_id)
    s.flush()
    for order in again.values():
        confirm(s, order, actor)
    count.status = "posted"
    notify_change(s, "counts", count.number)
    return found_more, [order.number for order in again.values()]


def order_sku(order: Order, product_id: int) -> str:
    return next((line.sku for line in order.lines if line.product_id == product_id), "")


def result_of(s: Session, count: StockCount, message: str, reallocated: tuple[str, ...] = ()) -> CountResult:
    bin_code = s.scalar(select(Bin.code).where(Bin.id == count.bin_id)) or ""
    rows = s.execute(
        select(Product.sku, Product.name_en, StockCountLine.lot, StockCountLine.expected, StockCountLine.counted,
               StockCountLine.needs_approval)
        .join(Product, Product.id == StockCountLine.product_id).where(StockCountLine.count_id == count.id)
        .order_by(Product.sku, StockCountLine.lot)).all()
    return CountResult(count.number, bin_code, count.status, message,
                       tuple(VarianceLine(*row) for row in rows), reallocated=reallocated)


def _posted(s: Session, count: StockCount, reallocated: list[str]) -> CountResult:
    s.flush()
    bin_code = s.scalar(select(Bin.code).where(Bin.id == count.bin_id)) or ""
    changes = s.scalar(select(func.count()).select_from(StockCountLine).where(
        StockCountLine.count_id == count.id, StockCountLine.expected != StockCountLine.counted)) or 0
    message = say("posted", number=count.number, bin=bin_code, changes=changes) if changes else \
        say("exact", number=count.number, bin=bin_code)
    return result_of(s, count, message, tuple(reallocated))


def _release(sessions: sessionmaker[Session], actor: Actor, count: StockCount, found_more: set[int],
             result: CountResult) -> CountResult:
    """Stock found on the shelf releases the backorders it covers (as a delivery's does), each in its own
    transaction after the count is posted."""
    if not found_more:
        return result
    from app.goodsin.service import release_backorders

    released = release_backorders(sessions, actor, found_more, count.warehouse_id, count.number)
    if not released:
        return result
    return CountResult(result.number, result.bin, result.status,
                       result.message + "; " + say("released", orders=", ".join(released)), result.lines,
                       tuple(released), result.reallocated)
