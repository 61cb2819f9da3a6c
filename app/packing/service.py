"""The pack service: every scan at the packing bench answered with (verdict, next step, operator message).

The shape is OCA shopfloor's checkout: a scan is classified once (:mod:`app.packing.classify`), then a
table of handlers, one per kind, decides. The pack screen and ``station pack`` are two thin callers of the
same :class:`PackService`.

Crash safety: a scan is handled in ONE transaction that writes its journal row (``pack_scans``) together
with the tick it makes (``order_lines.packed_quantity`` and a ``pack_box_items`` row); the answer is only
returned after the commit. A station killed at any moment has either the scan and its tick, or neither
(and the packer never saw a green flash for it). What the service waits for (a lot, a serial, a weight, a
supervisor's badge) is kept on the ``pack_sessions`` row, so a restarted station comes back to the same
order, the same box, the same step. The ticks live on the order's lines: when a supervisor moves the order
to another station, they travel with it.

The scan that completes the order closes its last box, checks the weight when the station has a scale,
moves the order to ``packed`` (committed), then labels it (:func:`app.shipping.service.label_order`) and
puts its label and packing slip on the print queue (:func:`app.shipping.service.enqueue_documents`), and
hands the jobs to the printers (``print_dispatch``), with no click.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from sqlalchemy import exists, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.config import Settings
from app.devices.commands import Command
from app.domain import lifecycle as lc
from app.errors import InvalidInput, NotFound, PermissionDenied, StationError
from app.packing import fit
from app.packing.classify import Classified, classify, classify_epc
from app.packing.messages import Message, message
from app.services.auth import has_role, login_by_badge
from app.services.timeline import add_event, move
from app.services.uow import Actor, UnitOfWork
from app.sync import notify_change
from db.base import utcnow
from db.models import Order, OrderLine, Product, ProductGtin, Station
from db.models.packing import Carton, PackBox, PackBoxItem, PackMaterial, PackScan, PackSession

if TYPE_CHECKING:
    from app.packing.offline import OfflineScans

log = logging.getLogger(__name__)

OK, REFUSED, NOT_UNDERSTOOD, COMPLETE = "ok", "refused", "not_understood", "complete"
VERDICTS = (OK, REFUSED, NOT_UNDERSTOOD, COMPLETE)

# Next steps the screen shows (and the CLI prints).
SCAN_ITEM, CAPTURE_LOT, CAPTURE_EXPIRY, CAPTURE_SERIAL = "scan_item", "capture_lot", "capture_expiry", "capture_serial"
QUANTITY, WEIGH, SUPERVISOR, NEXT_ORDER, OPEN_ORDER = "quantity", "weigh", "supervisor_badge", "next_order", "open_order"

DEFAULT_BULK_THRESHOLD = 6
MAX_COUNT_DIGITS = 4
_DATE_FORMATS = ("%y%m%d", "%Y-%m-%d", "%Y%m%d", "%Y/%m/%d")
_SHORT_NUMBER = re.compile(r"^\d{1,%d}$" % MAX_COUNT_DIGITS)


# --- answers and views ------------------------------------------------------------------------------------

@dataclass
class Answer:
    verdict: str
    message: Message
    reason: str = ""
    next_step: str = SCAN_ITEM
    number: str | None = None
    status: str | None = None
    line_id: int | None = None
    packed: int | None = None
    quantity: int | None = None
    box_seq: int | None = None
    label_error: str | None = None
    print_jobs: list[int] = field(default_factory=list)
    handoff_s: float | None = None  # from the scan's arrival to the label job handed to the printer
    scan_id: int | None = None

    @property
    def good(self) -> bool:
        return self.verdict in (OK, COMPLETE)

    def text(self, language: str = "en") -> str:
        return self.message.text(language)

    def to_json(self, scan: str, language: str = "en") -> dict[str, Any]:
        data: dict[str, Any] = {
            "scan": scan, "verdict": self.verdict, "reason": self.reason or self.message.code,
            "message": self.text(language), "next": self.next_step, "order": self.number, "status": self.status,
        }
        if self.line_id is not None:
            data.update(line_id=self.line_id, packed=self.packed, quantity=self.quantity)
        if self.box_seq is not None:
            data["box"] = self.box_seq
        if self.print_jobs:
            data["print_jobs"] = self.print_jobs
        if self.label_error:
            data["label_error"] = self.label_error
        return data


@dataclass(frozen=True)
class LineView:
    line_id: int
    line_no: int
    sku: str
    name: str
    quantity: int
    packed: int
    gtins: tuple[str, ...]
    needs: tuple[str, ...]  # lot, expiry, serial
    flags: tuple[str, ...]  # fragile, liquid, hazmat, high_value

    @property
    def left(self) -> int:
        return max(self.quantity - self.packed, 0)


@dataclass(frozen=True)
class BoxView:
    seq: int
    state: str
    carton: str
    units: int
    expected_weight_g: int | None
    measured_weight_g: int | None
    weight_ok: bool | None
    materials: tuple[str, ...]


@dataclass
class PackView:
    number: str
    status: str
    station: str | None
    lines: list[LineView]
    boxes: list[BoxView]
    pending: dict[str, Any] | None
    recommendation: fit.Recommendation
    expected_weight_g: int  # the open box's contents (items + carton + materials)
    weight_g: int | None  # the last stable scale reading
    next_step: str

    @property
    def left(self) -> int:
        return sum(line.left for line in self.lines)

    @property
    def open_box(self) -> int:
        open_boxes = [b.seq for b in self.boxes if b.state == "open"]
        return open_boxes[-1] if open_boxes else (max((b.seq for b in self.boxes), default=0) + 1)


# --- the service ------------------------------------------------------------------------------------------

class _Refusal(Exception):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer


@dataclass
class _Scan:
    """What a handler works on: one transaction's order, its lines and its pack session."""

    session: Session
    order: Order
    pack: PackSession
    lines: list[OrderLine]
    journal: PackScan
    c: Classified
    # For an item scan: the product and units of the scanned GTIN when it is one of the order's lines
    # (read with the lines, one round trip), else None and the handler looks it up.
    item: tuple[Product, int] | None = None
    # The lines' products, read with the lines: held here so that the session's identity map (weak references)
    # keeps them for the rest of the transaction.
    products: dict[int, Product] = field(default_factory=dict)


def default_print_dispatch(sessions: sessionmaker[Session], station: str) -> Callable[[list[int]], None]:
    """Hand queued jobs to the station's printers now, on the calling thread."""
    from app.shipping import printqueue

    def dispatch(job_ids: list[int]) -> None:
        for outcome in printqueue.run_once(sessions, station):
            log.info("print job %s: %s %s", outcome.job_id, outcome.state, outcome.message)

    return dispatch


class PackService:
    """The packing bench of one station. Not thread-safe: one per station (the screen, or one CLI run)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        station: str,
        actor: Actor,
        *,
        print_dispatch: Callable[[list[int]], None] | None = None,
        label: bool = True,
        pin: bool = False,
        offline: OfflineScans | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.station = station
        self.actor = actor
        self.label = label
        self.print_dispatch = print_dispatch if print_dispatch is not None else default_print_dispatch(sessions, station)
        self.order_id: int | None = None
        # Pinned (the CLI): scans always go to the order opened, never to another one the station holds.
        self.pin = pin
        # The station's offline journal: scans taken while the shared database is away (None: refused).
        self.offline = offline
        self.pinned_id: int | None = None
        self.last_order_id: int | None = None
        self._station_id: int | None = None
        self._loaded_pack: PackSession | None = None
        # The current order's lines and the scanned item's (product, units), read with the order (see _current).
        self._loaded_lines: tuple[list[OrderLine], tuple[Product, int] | None, dict[int, Product]] = ([], None, {})
        self._box_cache: tuple[int, int, int] | None = None  # (order id, open box id, its seq)
        self._cartons: list[fit.CartonSpec] | None = None
        self._materials: list[fit.MaterialSpec] | None = None
        self._handlers: dict[str, Callable[[_Scan], Answer]] = {
            "item": self._on_item,
            "text": self._on_text,
            "command": self._on_command,
            "sscc": self._on_sscc,
            "bad": self._on_bad,
        }

    # --- settings --------------------------------------------------------------------------------------
    @property
    def bulk_threshold(self) -> int:
        return self.settings.extra_int("pack_bulk_threshold", DEFAULT_BULK_THRESHOLD)

    @property
    def tolerance_percent(self) -> float:
        return float(self.settings.weight_tolerance_percent)

    @property
    def tolerance_min_g(self) -> int:
        return self.settings.extra_int("weight_tolerance_min_g", 20)

    # --- opening an order ------------------------------------------------------------------------------
    def _station_row_id(self, s: Session) -> int:
        if self._station_id is None:
            station_id = s.scalar(select(Station.id).where(Station.name == self.station))
            if station_id is None:
                raise NotFound(f"no station named {self.station!r}")
            self._station_id = station_id
        return self._station_id

    def open(self, number: str) -> Answer:
        """Take order ``number`` for this station (if nobody holds it) and make it the current order.
        Raises a StationError when the order cannot be packed here."""
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            order = s.scalar(select(Order).where(Order.number == number.strip()))
            if order is None:
                raise NotFound(f"no order {number!r}")
            answer = self._take(s, order)
            uow.commit()
        return answer

    def _take(self, s: Session, order: Order) -> Answer:
        me = self._station_row_id(s)
        if order.status == lc.PACKING and order.station_id == me:
            pass
        elif order.status in lc.CLAIMABLE and order.station_id in (None, me):
            order.station_id = me
            move(s, order, lc.PACKING, self.actor, kind="claimed", station=self.station)
            notify_change(s, "order", order.number)
            notify_change(s, "station", self.station)
        elif order.status in (lc.PACKED, lc.LABELLED, lc.SHIPPED, lc.DELIVERED):
            self.order_id = None
            self.last_order_id = order.id
            if self.pin:
                self.pinned_id = order.id
            return Answer(REFUSED, message("already_packed", number=order.number), "already_packed", NEXT_ORDER,
                          order.number, order.status)
        elif order.station_id not in (None, me) and order.status in (lc.PACKING, *lc.CLAIMABLE):
            other = s.scalar(select(Station.name).where(Station.id == order.station_id))
            raise InvalidInput(message("held_elsewhere", number=order.number, station=other).text())
        else:
            raise InvalidInput(message("not_packable", number=order.number, status=order.status).text())
        pack = self._pack_session(s, order)
        pack.station, pack.user = self.station, self.actor.user
        self.order_id = order.id
        self._box_cache = None
        if self.pin:
            self.pinned_id = order.id
        left = s.scalar(select(func.sum(OrderLine.quantity - OrderLine.packed_quantity)).where(OrderLine.order_id == order.id)) or 0
        return Answer(OK, message("order_opened", number=order.number, left=int(left)), "opened",
                      self._waiting_step(pack), order.number, order.status)

    def resume(self) -> str | None:
        """After a start (or a crash): the order this station is packing, if any. Returns its number."""
        with self.sessions() as s:
            me = self._station_row_id(s)
            row = s.execute(
                select(Order.id, Order.number).where(Order.station_id == me, Order.status == lc.PACKING)
                .order_by(Order.updated_at.desc(), Order.id.desc()).limit(1)
            ).first()
        self.order_id = row.id if row else None
        return row.number if row else None

    def current_number(self) -> str | None:
        if self.order_id is None:
            return None
        with self.sessions() as s:
            return s.scalar(select(Order.number).where(Order.id == self.order_id))

    def _pack_session(self, s: Session, order: Order) -> PackSession:
        pack = s.scalar(select(PackSession).where(PackSession.order_id == order.id))
        if pack is None:
            pack = PackSession(order_id=order.id, station=self.station, user=self.actor.user, state="open", carton_code="",
                               scans=0, started_at=utcnow(), updated_at=utcnow())
            s.add(pack)
            s.flush()
        return pack

    # --- scans -----------------------------------------------------------------------------------------
    def scan(self, raw: str, *, key: str | None = None, received: float | None = None) -> Answer:
        """One scan exactly as the scanner sent it (or ``epc:HEX``)."""
        return self.handle(classify(raw), key=key, received=received)

    def handle(self, c: Classified, *, key: str | None = None, received: float | None = None) -> Answer:
        received = received if received is not None else time.perf_counter()
        known_key = key is not None  # a key made here is new: no need to look for it in the journal first
        if self.offline is not None:
            key = key or self.offline.new_key()  # before the first try: a commit whose answer was lost is not doubled
            if self.offline.waiting():
                self._box_cache = None  # the replay may open or close boxes: what this service remembers is old
                return self.offline.store(c, key)  # behind the stored scans, never ahead of them
        try:
            answer = self._in_transaction(c, key, look_up_key=known_key)
        except (OperationalError, DBAPIError) as exc:
            self._box_cache = None  # the transaction did not happen: remember nothing from it
            if isinstance(exc, IntegrityError) and key:
                return self._replayed(key, c)
            if self.offline is not None and key and self.offline.takes(exc):
                log.warning("database unavailable: pack scan stored at the station (%s)", type(exc).__name__)
                return self.offline.store(c, key)
            log.warning("pack scan not recorded: database unavailable", exc_info=True)
            return Answer(REFUSED, message("db_unavailable"), "db_unavailable", SCAN_ITEM)
        except StaleDataError:
            self._box_cache = None
            return Answer(REFUSED, message("db_unavailable"), "db_unavailable", SCAN_ITEM)
        if answer.verdict == COMPLETE and self.label:
            self.hand_off(answer, received, self.last_order_id)
        elif answer.reason == "reprinted" and answer.print_jobs:
            self._dispatch_jobs(answer.print_jobs)
        return answer

    def _dispatch_jobs(self, job_ids: list[int]) -> None:
        try:
            self.print_dispatch(job_ids)
        except Exception:  # noqa: BLE001 - the jobs are safe on the durable queue; the worker retries
            log.exception("print hand-off failed; the jobs wait on the queue")

    def _replayed(self, key: str, c: Classified) -> Answer:
        """The scan with this key is already in the journal (a re-send after a lost answer): say what it was."""
        with self.sessions() as s:
            row = s.scalar(select(PackScan).where(PackScan.client_key == key))
            number = s.scalar(select(Order.number).where(Order.id == row.order_id)) if row and row.order_id else None
        if row is None:
            return Answer(REFUSED, message("db_unavailable"), "db_unavailable", SCAN_ITEM)
        return Answer(row.verdict, message("ticked", name=c.code, packed="?", quantity="?") if row.verdict == OK
                      else message("not_understood", reason="already recorded"), "already_recorded", SCAN_ITEM, number)

    def _in_transaction(self, c: Classified, key: str | None, *, look_up_key: bool = True) -> Answer:
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            # A key the caller sent may be a re-send: answer it from the journal. (A fresh key cannot be there; the
            # unique client_key would refuse it all the same.)
            if key is not None and look_up_key:
                done = s.scalar(select(PackScan.id).where(PackScan.client_key == key))
                if done is not None:
                    uow.rollback()
                    return self._replayed(key, c)
            # PostgreSQL's text holds no NUL: line noise is journalled with U+FFFD in its place (the scan itself,
            # and the station's own journal, keep it, so a replay is refused as garbled again).
            journal = PackScan(at=utcnow(), station=self.station, user=self.actor.user,
                               raw=c.raw.replace("\x00", "\ufffd")[:4000],
                               kind=c.kind if c.source != "rfid" else "rfid", verdict=REFUSED, reason="",
                               quantity=0, client_key=key)
            try:
                with s.no_autoflush:
                    answer = self._dispatch(s, c, journal)
            except BaseException:
                self._box_cache = None
                raise
            s.add(journal)  # one INSERT, after the handler filled it in
            journal.verdict = answer.verdict
            journal.reason = (answer.reason or answer.message.code)[:40]
            if answer.line_id is not None and journal.line_id is None:
                journal.line_id = answer.line_id
            journal.box_seq = answer.box_seq
            s.flush()
            answer.scan_id = journal.id
            uow.commit()
        return answer

    def _dispatch(self, s: Session, c: Classified, journal: PackScan) -> Answer:
        if c.kind == "bad":
            return self._on_bad_alone(c)
        order = self._current(s, with_lines=True, gtin=c.gtin if c.kind == "item" else None)
        if isinstance(order, Answer):
            # No order open here: an order number opens one; a command may claim the next one.
            if c.kind == "text":
                found = s.scalar(select(Order).where(Order.number == c.text))
                if found is not None:
                    try:
                        answer = self._take(s, found)
                    except StationError as exc:
                        return Answer(REFUSED, Message("not_packable", {"number": found.number, "status": exc.message}),
                                      "not_packable", OPEN_ORDER, found.number, found.status)
                    journal.order_id = found.id
                    return answer
            if c.kind == "command" and c.command == Command.NEXT_ORDER:
                return self._claim_next(s, journal)
            if c.kind == "command" and c.command == Command.REPRINT:
                return self._reprint(s, None)
            return order
        journal.order_id = order.id
        pack = self._loaded_pack if self._loaded_pack is not None else self._pack_session(s, order)
        lines, item, products = self._loaded_lines
        ctx = _Scan(s, order, pack, lines, journal, c, item, products)
        if pack.pending and c.kind != "command":
            kind = pack.pending.get("await")
            if kind in ("lot", "expiry", "serial"):
                return self._capture(ctx)
            if kind == "supervisor" and c.kind == "text":
                return self._approve_partial(ctx, c.text, pack.pending.get("rest", "open"))
        try:
            return self._handlers[c.kind](ctx)
        except _Refusal as refusal:
            return refusal.answer

    def _current(self, s: Session, *, with_lines: bool = False, gtin: str | None = None) -> Order | Answer:
        """The order this station packs, checked to be still its own, with its pack session (``_loaded_pack``)
        and, ``with_lines``, its lines and the product behind ``gtin`` if a line has it (``_loaded_lines``):
        a scan's reads in one round trip."""
        if self.order_id is None and self.pinned_id is not None:
            self.order_id = self.pinned_id
        elif self.order_id is None:
            self.resume_in(s)
        if self.order_id is None:
            return Answer(REFUSED, message("no_order"), "no_order", NEXT_ORDER)
        stmt = select(Order, PackSession).outerjoin(PackSession, PackSession.order_id == Order.id)
        if with_lines:
            stmt = stmt.add_columns(OrderLine, Product).outerjoin(OrderLine, OrderLine.order_id == Order.id) \
                .outerjoin(Product, Product.id == OrderLine.product_id).order_by(OrderLine.line_no)
            if gtin:
                stmt = stmt.add_columns(ProductGtin.units).outerjoin(
                    ProductGtin, (ProductGtin.product_id == OrderLine.product_id) & (ProductGtin.gtin == gtin))
        rows = s.execute(stmt.where(Order.id == self.order_id)).all()
        order, self._loaded_pack = (rows[0][0], rows[0][1]) if rows else (None, None)
        if with_lines:
            self._loaded_lines = ([row[2] for row in rows if row[2] is not None],
                                  next(((row[3], row[4]) for row in rows if gtin and row[4] is not None), None),
                                  {row[3].id: row[3] for row in rows if row[3] is not None})
        me = self._station_row_id(s)
        if order is None:
            self.order_id = None
            return Answer(REFUSED, message("no_order"), "no_order", NEXT_ORDER)
        if order.station_id != me or order.status != lc.PACKING:
            self.order_id = None
            self._box_cache = None
            if order.status in (lc.PACKED, lc.LABELLED):
                self.last_order_id = order.id
                return Answer(REFUSED, message("already_packed", number=order.number), "already_packed", NEXT_ORDER,
                              order.number, order.status)
            other = s.scalar(select(Station.name).where(Station.id == order.station_id)) if order.station_id else None
            if other and other != self.station:
                msg = message("taken_away", number=order.number, station=other)
            else:
                msg = message("taken_away_nowhere", number=order.number, status=order.status)
            return Answer(REFUSED, msg, "taken_away", NEXT_ORDER, order.number, order.status)
        return order

    def check(self) -> Answer | None:
        """Is the current order still this station's to pack? None if so, else the answer telling why not."""
        if self.order_id is None:
            return None
        with self.sessions() as s:
            current = self._current(s)
        return current if isinstance(current, Answer) else None

    def resume_in(self, s: Session) -> None:
        me = self._station_row_id(s)
        self.order_id = s.scalar(
            select(Order.id).where(Order.station_id == me, Order.status == lc.PACKING)
            .order_by(Order.updated_at.desc(), Order.id.desc()).limit(1)
        )

    # --- handlers by kind ------------------------------------------------------------------------------
    def _on_bad_alone(self, c: Classified) -> Answer:
        return Answer(NOT_UNDERSTOOD, message("not_understood", reason=c.reason), "not_understood", SCAN_ITEM)

    def _on_bad(self, x: _Scan) -> Answer:
        return self._on_bad_alone(x.c)

    def _on_sscc(self, x: _Scan) -> Answer:
        return self._answer(x, NOT_UNDERSTOOD, message("not_understood", reason=f"SSCC {x.c.sscc}: a parcel or pallet label, not an item"),
                            "sscc")

    def _on_item(self, x: _Scan) -> Answer:
        s, c = x.session, x.c
        if x.item is not None:
            product, units = x.item
            return self._item(x, product, units * (c.quantity or 1), lot=c.lot, expiry=c.expiry, serial=c.serial)
        row = s.execute(
            select(Product, ProductGtin.units).join(ProductGtin, ProductGtin.product_id == Product.id).where(ProductGtin.gtin == c.gtin)
        ).first()
        if row is None:
            return self._answer(x, REFUSED, message("unknown_product", code=c.gtin), "unknown_product")
        product, units = row
        return self._item(x, product, units * (c.quantity or 1), lot=c.lot, expiry=c.expiry, serial=c.serial)

    def _on_text(self, x: _Scan) -> Answer:
        s, c, text = x.session, x.c, x.c.text
        if _SHORT_NUMBER.match(text):
            return self._count(x, int(text))
        product = s.scalar(select(Product).where(Product.sku == text))
        if product is not None:
            return self._item(x, product, 1, lot=c.lot, expiry=c.expiry, serial=c.serial)
        if text == x.order.number:
            return self._answer(x, OK, message("this_order", number=x.order.number, left=self._left(x)), "this_order")
        other = s.scalar(select(Order.number).where(Order.number == text))
        if other is not None:
            return self._answer(x, REFUSED, message("another_order_open", number=x.order.number, other=other), "another_order")
        if c.lot and not c.gtin:
            return self._answer(x, REFUSED, message("not_understood", reason=f"lot {c.lot} with no item"), "lot_without_item")
        return self._answer(x, REFUSED, message("unknown_product", code=text), "unknown_product")

    def _on_command(self, x: _Scan) -> Answer:
        command = x.c.command
        if command == Command.CLOSE_BOX:
            return self._close_box(x)
        if command == Command.CANCEL:
            if x.pack.pending:
                x.pack.pending = None
                return self._answer(x, OK, message("cancelled_step"), "cancelled")
            return self._answer(x, OK, message("nothing_to_cancel"), "nothing_to_cancel")
        if command == Command.WEIGH:
            return self._weigh_now(x)
        if command == Command.REPRINT:
            return self._reprint(x.session, x.order)
        if command == Command.NEXT_ORDER:
            # The order is not finished: shipping it short needs a supervisor.
            x.pack.pending = {"await": "supervisor", "rest": "open"}
            return self._answer(x, REFUSED, message("supervisor_needed"), "supervisor_needed", SUPERVISOR)
        return self._answer(x, REFUSED, message("command_elsewhere", command=command.value if command else "?"), "command_elsewhere")

    # --- items and ticks -------------------------------------------------------------------------------
    def _item(self, x: _Scan, product: Product, units: int, *, lot=None, expiry=None, serial=None) -> Answer:
        x.journal.gtin = x.c.gtin
        name = product.name(self.settings.language)
        mine = [line for line in x.lines if line.product_id == product.id or (line.product_id is None and line.sku == product.sku)]
        if not mine:
            other = self._other_order(x, product)
            if other:
                return self._answer(x, REFUSED, message("other_order", name=name, other=other, number=x.order.number), "other_order")
            return self._answer(x, REFUSED, message("wrong_item", name=name, number=x.order.number), "wrong_item")
        line = next((l for l in mine if l.packed_quantity < l.quantity), None)
        if line is None:
            total = sum(l.quantity for l in mine)
            return self._answer(x, REFUSED, message("extra_item", name=name, quantity=total), "extra_item", line=mine[0])
        left = line.quantity - line.packed_quantity
        if units > left:
            return self._answer(x, REFUSED, message("too_many", name=name, left=left, count=units), "too_many", line=line)
        if product.tracks_serial and units > 1:
            return self._answer(x, REFUSED, message("serial_case", name=name), "serial_case", line=line)
        capture = {"lot": lot, "expiry": expiry.isoformat() if expiry else None, "serial": serial}
        refusal = self._check_capture(x, name, capture)
        if refusal is not None:
            return refusal
        need = [what for what, wanted in (("lot", product.tracks_lot), ("expiry", product.tracks_expiry),
                                          ("serial", product.tracks_serial)) if wanted and not capture[what]]
        if need:
            x.pack.pending = {"await": need[0], "need": need, "line_id": line.id, "units": units, "gtin": x.c.gtin,
                              "name": name, **capture}
            return self._answer(x, OK, message(f"need_{need[0]}", name=name), f"need_{need[0]}",
                                {"lot": CAPTURE_LOT, "expiry": CAPTURE_EXPIRY, "serial": CAPTURE_SERIAL}[need[0]], line=line)
        return self._tick(x, line, units, name, capture)

    def _check_capture(self, x: _Scan, name: str, capture: dict[str, Any]) -> Answer | None:
        expiry = capture.get("expiry")
        if expiry and date.fromisoformat(expiry) < utcnow().date():
            x.pack.pending = None
            return self._answer(x, REFUSED, message("expired", name=name, lot=capture.get("lot") or "-", expiry=expiry), "expired")
        serial = capture.get("serial")
        if serial and x.session.scalar(
            select(PackBoxItem.id).where(PackBoxItem.order_id == x.order.id, PackBoxItem.serial == serial).limit(1)
        ):
            return self._answer(x, REFUSED, message("duplicate_serial", serial=serial), "duplicate_serial")
        return None

    def _capture(self, x: _Scan) -> Answer:
        pending = dict(x.pack.pending or {})
        what = pending["await"]
        c = x.c
        line = next((l for l in x.lines if l.id == pending.get("line_id")), None)
        if line is None:
            x.pack.pending = None
            return self._answer(x, REFUSED, message("cancelled_step"), "cancelled")
        value: Any = None
        if what == "lot":
            value = c.lot or (c.text if c.kind == "text" else None)
        elif what == "serial":
            value = c.serial or (c.text if c.kind == "text" else None)
        elif what == "expiry":
            value = c.expiry.isoformat() if c.expiry else None
            if value is None and c.kind == "text":
                value = _parse_date(c.text)
                if value is None:
                    return self._answer(x, REFUSED, message("bad_expiry", text=c.text), "bad_expiry",
                                        CAPTURE_EXPIRY, line=line)
        if c.kind == "item" and c.gtin == pending.get("gtin"):
            # The same item again, this time with the data in its barcode.
            value = value or {"lot": c.lot, "serial": c.serial, "expiry": c.expiry.isoformat() if c.expiry else None}[what]
        if not value:
            step = {"lot": CAPTURE_LOT, "expiry": CAPTURE_EXPIRY, "serial": CAPTURE_SERIAL}[what]
            return self._answer(x, REFUSED, message("capture_first", what=what, name=pending.get("name")), "capture_first",
                                step, line=line)
        pending[what] = str(value)[:40]
        refusal = self._check_capture(x, pending.get("name", ""), pending)
        if refusal is not None:
            if refusal.reason == "expired":
                x.pack.pending = None
            return refusal
        need = [n for n in pending.get("need", []) if not pending.get(n)]
        if need:
            pending["await"] = need[0]
            x.pack.pending = pending
            return self._answer(x, OK, message(f"need_{need[0]}", name=pending.get("name")), f"need_{need[0]}",
                                {"lot": CAPTURE_LOT, "expiry": CAPTURE_EXPIRY, "serial": CAPTURE_SERIAL}[need[0]], line=line)
        x.pack.pending = None
        x.journal.gtin = pending.get("gtin")
        return self._tick(x, line, int(pending.get("units", 1)), pending.get("name", line.sku), pending)

    def _count(self, x: _Scan, count: int) -> Answer:
        line = next((l for l in x.lines if l.id == x.pack.last_line_id), None)
        if line is None or count <= 0:
            return self._answer(x, REFUSED, message("quantity_no_line"), "quantity_no_line")
        product = x.session.get(Product, line.product_id) if line.product_id else None
        name = product.name(self.settings.language) if product else line.name or line.sku
        left = line.quantity - line.packed_quantity
        if left == 0:
            return self._answer(x, REFUSED, message("extra_item", name=name, quantity=line.quantity), "extra_item", line=line)
        if count > left:
            return self._answer(x, REFUSED, message("too_many", name=name, left=left, count=count), "too_many", line=line)
        if product is not None and product.tracks_serial:
            return self._answer(x, REFUSED, message("serial_case", name=name), "serial_case", line=line)
        last = x.session.scalar(
            select(PackBoxItem).where(PackBoxItem.line_id == line.id).order_by(PackBoxItem.id.desc()).limit(1)
        )
        capture = {"lot": last.lot if last else None, "expiry": last.expiry.isoformat() if last and last.expiry else None,
                   "serial": None}
        return self._tick(x, line, count, name, capture, counted=True)

    def _tick(self, x: _Scan, line: OrderLine, units: int, name: str, capture: dict[str, Any], counted: bool = False) -> Answer:
        s = x.session
        box_id, box_seq = self._open_box(x)
        expiry = capture.get("expiry")
        # The tick: the line's packed quantity and the box item, in the scan's own transaction.
        line.packed_quantity = line.packed_quantity + units
        x.pack.last_line_id = line.id
        s.add(PackBoxItem(box_id=box_id, order_id=x.order.id, line_id=line.id, quantity=units, lot=capture.get("lot"),
                          serial=capture.get("serial"), expiry=date.fromisoformat(expiry) if expiry else None))
        x.journal.line_id, x.journal.quantity = line.id, units
        if all(l.packed_quantity >= l.quantity for l in x.lines):
            return self._finish(x, line)
        if counted:
            msg = message("counted", name=name, count=units, packed=line.packed_quantity, quantity=line.quantity)
        elif line.quantity >= self.bulk_threshold and line.packed_quantity < line.quantity:
            msg = message("ticked_bulk", name=name, packed=line.packed_quantity, quantity=line.quantity)
        else:
            msg = message("ticked", name=name, packed=line.packed_quantity, quantity=line.quantity)
        step = QUANTITY if line.quantity >= self.bulk_threshold and line.packed_quantity < line.quantity else SCAN_ITEM
        return self._answer(x, OK, msg, "ticked", step, line=line, box=box_seq)

    def _other_order(self, x: _Scan, product: Product) -> str | None:
        """Another order at this station (or in the same pick) that wants this product."""
        s = x.session
        holds = exists().where(OrderLine.order_id == Order.id, OrderLine.product_id == product.id)
        return s.scalar(
            select(Order.number).where(Order.station_id == x.order.station_id, Order.id != x.order.id,
                                       Order.status.in_((lc.PACKING, lc.PICKED, lc.ALLOCATED)), holds).limit(1)
        )

    def _left(self, x: _Scan) -> int:
        return sum(max(l.quantity - l.packed_quantity, 0) for l in x.lines)

    def _answer(self, x: _Scan, verdict: str, msg: Message, reason: str, step: str | None = None, *,
                line: OrderLine | None = None, box: int | None = None) -> Answer:
        return Answer(
            verdict, msg, reason, step or self._waiting_step(x.pack), x.order.number, x.order.status,
            line.id if line is not None else None, line.packed_quantity if line is not None else None,
            line.quantity if line is not None else None, box,
        )

    @staticmethod
    def _waiting_step(pack: PackSession) -> str:
        waiting = (pack.pending or {}).get("await")
        return {"lot": CAPTURE_LOT, "expiry": CAPTURE_EXPIRY, "serial": CAPTURE_SERIAL, "weight": WEIGH,
                "supervisor": SUPERVISOR}.get(waiting, SCAN_ITEM)

    # --- boxes -----------------------------------------------------------------------------------------
    def _open_box(self, x: _Scan) -> tuple[int, int]:
        """The open box's (id, seq), opening box 1 (or the next) when none is open. Remembered between scans
        (a round trip less per scan); forgotten when the box closes, the order changes or a transaction fails."""
        cached = self._box_cache
        if cached is not None and cached[0] == x.order.id:
            return cached[1], cached[2]
        s = x.session
        box = self._newest_box(s, x.order.id)
        if box is None or box.state != "open":
            seq = (box.seq if box is not None else 0) + 1
            box = PackBox(session_id=x.pack.id, order_id=x.order.id, seq=seq, state="open", carton_code="", materials=[],
                          opened_at=utcnow())
            s.add(box)
            s.flush()
        self._box_cache = (x.order.id, box.id, box.seq)
        return box.id, box.seq

    def catalogue(self, s: Session) -> tuple[list[fit.CartonSpec], list[fit.MaterialSpec]]:
        if self._cartons is None or self._materials is None:
            language = self.settings.language
            self._cartons = [
                fit.CartonSpec(c.code, c.length_mm, c.width_mm, c.height_mm, c.tare_g, c.max_weight_g, c.recyclable,
                               c.name_zh if language.startswith("zh") and c.name_zh else c.name_en)
                for c in s.scalars(select(Carton).where(Carton.active.is_(True), Carton.station.in_(("", self.station))))
            ]
            self._materials = [
                fit.MaterialSpec(m.code, m.kind, m.weight_g, m.padding_mm, m.for_fragile, m.for_liquid, m.recyclable,
                                 m.name_zh if language.startswith("zh") and m.name_zh else m.name_en)
                for m in s.scalars(select(PackMaterial).where(PackMaterial.active.is_(True)))
            ]
        return self._cartons, self._materials

    @staticmethod
    def _newest_box(s: Session, order_id: int) -> PackBox | None:
        """Boxes are opened one at a time, numbered up: the newest box is the open one, if any is open."""
        return s.scalar(select(PackBox).where(PackBox.order_id == order_id).order_by(PackBox.seq.desc()).limit(1))

    @staticmethod
    def _with_products(s: Session, quantities: dict[int | None, int]) -> list[tuple[Product | None, int]]:
        """Quantities by product id as (product, quantity); the scan's products are in the session already, so
        looking them up costs no round trip."""
        return [(s.get(Product, pid) if pid else None, q) for pid, q in quantities.items() if q]

    def _box_items(self, s: Session, box: PackBox) -> list[tuple[Product | None, int]]:
        """What is in the box, by product: the stored items, plus the items this transaction added and has not
        written yet (the scan's own tick), so closing a box needs no flush of its own."""
        quantities: dict[int | None, int] = {}
        rows = s.execute(
            select(OrderLine.product_id, func.sum(PackBoxItem.quantity))
            .join(OrderLine, OrderLine.id == PackBoxItem.line_id)
            .where(PackBoxItem.box_id == box.id).group_by(OrderLine.product_id)
        ).all()
        for pid, q in rows:
            quantities[pid] = quantities.get(pid, 0) + int(q)
        for item in s.new:
            if isinstance(item, PackBoxItem) and item.box_id == box.id:
                line = s.get(OrderLine, item.line_id)
                pid = line.product_id if line is not None else None
                quantities[pid] = quantities.get(pid, 0) + item.quantity
        return self._with_products(s, quantities)

    def _packed_by_product(self, s: Session, x: _Scan) -> list[tuple[Product | None, int]]:
        quantities: dict[int | None, int] = {}
        for line in x.lines:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.packed_quantity
        return self._with_products(s, quantities)

    @staticmethod
    def _fit_items(products: Iterable[tuple[Product | None, int]]) -> list[fit.Item]:
        items = []
        for product, quantity in products:
            if product is None:
                continue
            item = fit.Item(product.length_mm or 0, product.width_mm or 0, product.height_mm or 0, product.weight_g or 0,
                            product.fragile, product.liquid)
            items.extend([item] * quantity)
        return items

    def _box_plan(self, s: Session, contents: list[tuple[Product | None, int]], chosen: str = ""
                  ) -> tuple[fit.CartonSpec | None, list[fit.MaterialSpec], int]:
        """The box's carton (the packer's choice, else the recommendation), materials and expected weight."""
        cartons, materials = self.catalogue(s)
        items = self._fit_items(contents)
        rec = fit.recommend(items, cartons, materials)
        carton = next((c for c in cartons if c.code == chosen), None) if chosen else rec.carton
        weight = sum((p.weight_g or 0) * q for p, q in contents if p is not None)
        weight += (carton.tare_g if carton else 0) + sum(m.weight_g for m in rec.materials)
        return carton, rec.materials, weight

    def _open_box_row(self, x: _Scan) -> PackBox | None:
        """The order's open box: the remembered one (no round trip when this transaction opened it), else the
        newest open box in the database."""
        cached = self._box_cache
        if cached is not None and cached[0] == x.order.id:
            box = x.session.get(PackBox, cached[1])
            if box is not None and box.state == "open":
                return box
            self._box_cache = None
        box = self._newest_box(x.session, x.order.id)
        return box if box is not None and box.state == "open" else None

    def _close_box(self, x: _Scan, *, finishing: bool = False, box: PackBox | None = None) -> Answer:
        s = x.session
        box = box or self._open_box_row(x)
        if box is None:
            contents = []
        elif box.seq == 1:
            # The first box is the only one (boxes are opened one at a time, numbered up): it holds every item
            # ticked so far, which the lines in hand say without a read.
            contents = self._packed_by_product(s, x)
        else:
            contents = self._box_items(s, box)
        if box is None or not contents:
            seq = box.seq if box is not None else 1
            return self._answer(x, REFUSED, message("box_empty", seq=seq), "box_empty")
        carton, materials, expected = self._box_plan(s, contents, x.pack.carton_code)
        box.carton_code = carton.code if carton else ""
        if carton:
            box.length_mm, box.width_mm, box.height_mm = carton.dims
        box.materials = [m.code for m in materials]
        box.expected_weight_g = expected
        if x.pack.weight_g is not None:
            check = fit.check_weight(expected, x.pack.weight_g, self.tolerance_percent, self.tolerance_min_g)
            box.measured_weight_g = x.pack.weight_g
            box.weight_ok = check.ok
            if not check.ok:
                x.pack.pending = {"await": "weight", "box": box.seq, "finish": finishing}
                add_event(s, x.order, "weight_mismatch", self.actor, box=box.seq, expected_g=expected,
                          measured_g=x.pack.weight_g, tolerance_g=check.tolerance_g)
                return self._answer(x, OK if finishing else REFUSED, message(
                    "weight_mismatch", seq=box.seq, measured=x.pack.weight_g, expected=expected, tolerance=check.tolerance_g),
                    "weight_mismatch", WEIGH, box=box.seq)
        box.state, box.closed_at = "closed", utcnow()
        self._box_cache = None
        if not finishing:  # completing the order notifies once for both
            notify_change(s, "order", x.order.number)
        x.pack.carton_code = ""
        if x.pack.pending and x.pack.pending.get("await") == "weight":
            x.pack.pending = None
        add_event(s, x.order, "box_closed", self.actor, box=box.seq, carton=box.carton_code, materials=box.materials,
                  expected_g=expected, measured_g=box.measured_weight_g)
        if finishing:
            return self._answer(x, OK, message("box_closed", seq=box.seq, carton=box.carton_code or "-",
                                               weight=box.measured_weight_g or expected, next=box.seq + 1), "box_closed", box=box.seq)
        return self._answer(x, OK, message("box_closed", seq=box.seq, carton=box.carton_code or "-",
                                           weight=box.measured_weight_g or expected, next=box.seq + 1), "box_closed", box=box.seq)

    def _finish(self, x: _Scan, line: OrderLine | None) -> Answer:
        """Every line is packed: close the last box (weight check), then the order is ``packed``."""
        s = x.session
        open_box = self._open_box_row(x)
        # Boxes are numbered 1, 2, ... and only the last one can be dropped (below): the last number is the count.
        boxes: int | None = None
        if open_box is not None:
            closed = self._close_box(x, finishing=True, box=open_box)
            if closed.reason == "box_empty":
                self._box_cache = None
                s.delete(open_box)  # opened and left empty: no parcel for it
                boxes = open_box.seq - 1
            elif closed.reason == "weight_mismatch":
                closed.line_id = line.id if line is not None else None
                if line is not None:
                    closed.packed, closed.quantity = line.packed_quantity, line.quantity
                return closed
            else:
                boxes = open_box.seq
        x.pack.state, x.pack.packed_at, x.pack.pending = "packed", utcnow(), None
        if boxes is None:
            boxes = s.scalar(select(func.count()).select_from(PackBox).where(PackBox.order_id == x.order.id))
        move(s, x.order, lc.PACKED, self.actor, kind="packed", boxes=boxes, station=self.station)
        notify_change(s, "order", x.order.number)
        notify_change(s, "station", self.station)
        self.last_order_id, self.order_id = x.order.id, None
        return self._answer(x, COMPLETE, message("complete", number=x.order.number), "complete", NEXT_ORDER, line=line)

    # --- weight --------------------------------------------------------------------------------------
    def weigh(self, grams: float | None, *, stable: bool = True, condition: str = "ok", raw: str = "") -> Answer | None:
        """A scale reading. Stored when stable; when the service waits for a weight, it may close the box and
        complete the order. Returns None when the reading changes nothing worth telling."""
        if condition != "ok" or grams is None:
            return Answer(REFUSED, message("scale_fault", condition=condition), "scale_fault", WEIGH)
        if not stable:
            return None
        measured = int(round(grams))
        try:
            with UnitOfWork(self.sessions) as uow:
                s = uow.session
                order = self._current(s)
                if isinstance(order, Answer):
                    return None
                pack = self._pack_session(s, order)
                waiting = (pack.pending or {}).get("await") == "weight"
                if not waiting and pack.weight_g is not None and abs(pack.weight_g - measured) <= 1:
                    return None
                pack.weight_g, pack.weight_at = measured, utcnow()
                if not waiting:
                    uow.commit()
                    return Answer(OK, message("weight_noted", measured=measured), "weight_noted", self._waiting_step(pack),
                                  order.number, order.status)
                journal = PackScan(at=utcnow(), station=self.station, user=self.actor.user, raw=raw or f"weight:{measured}g",
                                   kind="weight", verdict=OK, reason="", quantity=0, order_id=order.id)
                s.add(journal)
                lines = list(s.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
                x = _Scan(s, order, pack, lines, journal, Classified("text", journal.raw))
                answer = self._weigh_now(x)
                journal.verdict, journal.reason = answer.verdict, answer.reason[:40]
                s.flush()
                answer.scan_id = journal.id
                uow.commit()
        except (OperationalError, DBAPIError):
            self._box_cache = None
            return Answer(REFUSED, message("db_unavailable"), "db_unavailable", WEIGH)
        if answer.verdict == COMPLETE and self.label:
            self.hand_off(answer, time.perf_counter(), self.last_order_id)
        return answer

    def _weigh_now(self, x: _Scan) -> Answer:
        pending = x.pack.pending or {}
        if x.pack.weight_g is None:
            return self._answer(x, REFUSED, message("weigh_box", seq=pending.get("box", 1), expected="?"), "no_weight", WEIGH)
        finishing = bool(pending.get("finish")) or all(l.packed_quantity >= l.quantity for l in x.lines)
        if finishing:
            answer = self._finish(x, None)
            if answer.reason == "weight_mismatch":
                answer.verdict = REFUSED
            return answer
        answer = self._close_box(x)
        if answer.reason == "weight_mismatch":
            answer.verdict = REFUSED
        return answer

    # --- supervisor: partial shipment ------------------------------------------------------------------
    def request_partial(self, rest: str = "open") -> Answer:
        """The packer asks to ship what is packed; a supervisor's badge scan approves it."""
        if rest not in ("open", "backorder"):
            raise InvalidInput("the rest of the order either stays open or goes to backorder")
        with UnitOfWork(self.sessions) as uow:
            order = self._current(uow.session)
            if isinstance(order, Answer):
                return order
            pack = self._pack_session(uow.session, order)
            pack.pending = {"await": "supervisor", "rest": rest}
            uow.commit()
            return Answer(REFUSED, message("supervisor_needed"), "supervisor_needed", SUPERVISOR, order.number, order.status)

    def approve_partial(self, badge: str, rest: str = "open") -> Answer:
        """Ship what is packed now; the rest becomes an order of its own (open, or backordered)."""
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            order = self._current(s)
            if isinstance(order, Answer):
                return order
            pack = self._pack_session(s, order)
            lines = list(s.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)))
            journal = PackScan(at=utcnow(), station=self.station, user=self.actor.user, raw="badge:***", kind="badge",
                               verdict=REFUSED, reason="", quantity=0, order_id=order.id)
            s.add(journal)
            answer = self._approve_partial(_Scan(s, order, pack, lines, journal, Classified("text", "badge")), badge, rest)
            journal.verdict, journal.reason = answer.verdict, answer.reason[:40]
            uow.commit()
        if answer.verdict == COMPLETE and self.label:
            self.hand_off(answer, time.perf_counter(), self.last_order_id)
        return answer

    def _approve_partial(self, x: _Scan, badge: str, rest: str) -> Answer:
        s = x.session
        x.journal.raw = "badge:***"  # a badge code is a credential: never in the journal
        try:
            user = login_by_badge(s, badge)
        except PermissionDenied:
            return self._answer(x, REFUSED, message("badge_unknown"), "badge_unknown", SUPERVISOR)
        if not has_role(user.role, "supervisor"):
            return self._answer(x, REFUSED, message("not_supervisor", user=user.display_name), "not_supervisor", SUPERVISOR)
        if not any(l.packed_quantity for l in x.lines):
            x.pack.pending = None
            return self._answer(x, REFUSED, message("nothing_packed"), "nothing_packed")
        from app.packing.split import split_rest

        supervisor = Actor(station=self.station, user=user.username, role=user.role)
        remainder = split_rest(s, x.order, x.lines, supervisor, backorder=(rest == "backorder"))
        x.pack.pending = None
        x.lines = [l for l in x.lines if l.quantity > 0 and l in x.order.lines]
        answer = self._finish(x, None)
        if answer.verdict == COMPLETE:
            answer.message = message("partial_shipped", number=x.order.number, rest=remainder.number, status=remainder.status)
            answer.reason = "partial_shipped"
        return answer

    # --- reprint, next order -----------------------------------------------------------------------------
    def _reprint(self, s: Session, order: Order | None) -> Answer:
        from app.shipping.service import active_parcels, reprint_label

        target = order or (s.get(Order, self.last_order_id) if self.last_order_id else None)
        parcels = active_parcels(s, target) if target is not None else []
        if not parcels:
            return Answer(REFUSED, message("nothing_to_reprint"), "nothing_to_reprint", SCAN_ITEM,
                          target.number if target else None, target.status if target else None)
        jobs = [reprint_label(s, p, self.actor, "reprint asked at the pack bench", self.station, settings=self.settings).id
                for p in parcels]
        answer = Answer(OK, message("reprinted"), "reprinted", SCAN_ITEM, target.number, target.status)
        answer.print_jobs = jobs
        return answer

    def _claim_next(self, s: Session, journal: PackScan) -> Answer:
        from app.services.claim import claim_in_session

        order = claim_in_session(s, self.station, self.actor)
        if order is None:
            return Answer(OK, message("no_order"), "nothing_waiting", NEXT_ORDER)
        journal.order_id = order.id
        pack = self._pack_session(s, order)
        pack.station, pack.user = self.station, self.actor.user
        self.order_id = order.id
        self._box_cache = None
        left = sum(l.quantity - l.packed_quantity for l in order.lines)
        return Answer(OK, message("order_opened", number=order.number, left=left), "opened", SCAN_ITEM, order.number, order.status)

    # --- the hand-off to the printers ----------------------------------------------------------------------
    def hand_off(self, answer: Answer, received: float, order_id: int | None) -> None:
        """Label the packed order and queue its label and packing slip, then give the jobs to the printers.
        Uses transactions of its own and no state of the service: the screen runs it on a worker thread."""
        from app.shipping.rates import ParcelSpec
        from app.shipping.service import enqueue_documents, label_order

        try:
            with UnitOfWork(self.sessions) as uow:
                s = uow.session
                order = s.get(Order, order_id)
                if order is None or order.status != lc.PACKED:
                    return
                boxes = list(s.scalars(select(PackBox).where(PackBox.order_id == order.id).order_by(PackBox.seq)))
                specs = [
                    ParcelSpec(b.measured_weight_g or b.expected_weight_g, b.length_mm, b.width_mm, b.height_mm, b.carton_code)
                    for b in boxes if b.state == "closed"
                ] or None
                if specs and any(not (sp.length_mm and sp.weight_g) for sp in specs):
                    specs = None  # a box without a carton size: let shipping size it from the catalogue
                label_order(s, order, self.actor, specs, settings=self.settings)
                # The labels first: they go to the printer while the packing slip is being made.
                jobs = enqueue_documents(s, order, self.station, settings=self.settings, actor=self.actor, include_slip=False)
                notify_change(s, "order", order.number)
                uow.commit()
                answer.status = order.status
                answer.print_jobs = [j.id for j in jobs]
            self._dispatch_jobs(answer.print_jobs)
            answer.handoff_s = time.perf_counter() - received
            with UnitOfWork(self.sessions) as uow:
                order = uow.session.get(Order, order_id)
                jobs = enqueue_documents(uow.session, order, self.station, settings=self.settings, actor=self.actor)
                uow.commit()
                slip = [j.id for j in jobs if j.id not in answer.print_jobs]
                answer.print_jobs += slip
            self._dispatch_jobs(slip)
        except StationError as exc:
            answer.label_error = exc.message
            answer.message = message("complete_label_failed", number=answer.number, error=exc.message)
            return
        except (OperationalError, DBAPIError) as exc:
            answer.label_error = f"database: {type(exc).__name__}"
            answer.message = message("complete_label_failed", number=answer.number, error="the database cannot be reached")

    def reprint(self) -> Answer:
        with UnitOfWork(self.sessions) as uow:
            order = uow.session.get(Order, self.order_id or self.last_order_id) if (self.order_id or self.last_order_id) else None
            answer = self._reprint(uow.session, order)
            uow.commit()
        if answer.print_jobs:
            self._dispatch_jobs(answer.print_jobs)
        return answer

    # --- cartons ---------------------------------------------------------------------------------------
    def choose_carton(self, code: str) -> Answer:
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            cartons, _ = self.catalogue(s)
            carton = next((c for c in cartons if c.code.upper() == code.strip().upper()), None)
            if carton is None:
                return Answer(REFUSED, message("unknown_carton", code=code), "unknown_carton")
            order = self._current(s)
            if isinstance(order, Answer):
                return order
            pack = self._pack_session(s, order)
            pack.carton_code = carton.code
            seq = s.scalar(select(func.max(PackBox.seq)).where(PackBox.order_id == order.id, PackBox.state == "open")) or (
                (s.scalar(select(func.max(PackBox.seq)).where(PackBox.order_id == order.id)) or 0) + 1)
            uow.commit()
            return Answer(OK, message("carton_chosen", carton=carton.name or carton.code, seq=seq), "carton_chosen",
                          self._waiting_step(pack), order.number, order.status)

    # --- RFID tote --------------------------------------------------------------------------------------
    def tote(self, epcs: Iterable[str]) -> Answer:
        """Every tag of a tote read at once: each tag is one scan (journalled); tags already packed in this
        order (the same tote read again) are passed over quietly."""
        ticked, refused, details = 0, 0, []
        last: Answer | None = None
        for epc in epcs:
            c = classify_epc(epc)
            if c.serial and self._already_packed_serial(c.serial):
                continue
            answer = self.handle(c)
            last = answer
            if answer.verdict in (OK, COMPLETE) and answer.reason in ("ticked", "complete"):
                ticked += 1
            elif answer.verdict in (REFUSED, NOT_UNDERSTOOD):
                refused += 1
                details.append(answer.reason)
            if answer.verdict == COMPLETE or answer.reason in ("no_order", "taken_away", "db_unavailable"):
                break
        if last is None:
            return Answer(OK, message("tote_read", count=0), "tote_read", SCAN_ITEM, self.current_number())
        if last.verdict == COMPLETE:
            return last
        if refused:
            last.verdict = REFUSED
            last.message = message("tote_partial", count=ticked, refused=refused, detail=", ".join(sorted(set(details))))
        else:
            last.message = message("tote_read", count=ticked)
        last.reason = "tote_read"
        return last

    def _already_packed_serial(self, serial: str) -> bool:
        if self.order_id is None:
            return False
        with self.sessions() as s:
            return bool(s.scalar(select(PackBoxItem.id).where(PackBoxItem.order_id == self.order_id, PackBoxItem.serial == serial).limit(1)))

    # --- what the screen shows ----------------------------------------------------------------------------
    def view(self, order_id: int | None = None) -> PackView | None:
        order_id = order_id or self.order_id or self.last_order_id
        if order_id is None:
            return None
        with self.sessions() as s:
            order = s.get(Order, order_id)
            if order is None:
                return None
            pack = s.scalar(select(PackSession).where(PackSession.order_id == order.id))
            language = self.settings.language
            rows = s.execute(
                select(OrderLine, Product).outerjoin(Product, Product.id == OrderLine.product_id)
                .where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)
            ).all()
            gtins: dict[int, list[str]] = {}
            product_ids = [p.id for _, p in rows if p is not None]
            if product_ids:
                for pid, gtin in s.execute(select(ProductGtin.product_id, ProductGtin.gtin).where(ProductGtin.product_id.in_(product_ids))):
                    gtins.setdefault(pid, []).append(gtin)
            lines = []
            for line, product in rows:
                needs = tuple(n for n, f in (("lot", "tracks_lot"), ("expiry", "tracks_expiry"), ("serial", "tracks_serial"))
                              if product is not None and getattr(product, f))
                flags = tuple(f for f in ("fragile", "liquid", "hazmat", "high_value") if product is not None and getattr(product, f))
                lines.append(LineView(line.id, line.line_no, line.sku, product.name(language) if product else line.name,
                                      line.quantity, line.packed_quantity, tuple(gtins.get(product.id, ()) if product else ()),
                                      needs, flags))
            boxes = []
            open_box = None
            # Every box's unit count in one read (the order's items, by its serial index), not one read a box.
            units_in = dict(s.execute(select(PackBoxItem.box_id, func.sum(PackBoxItem.quantity))
                                      .where(PackBoxItem.order_id == order.id).group_by(PackBoxItem.box_id)).all())
            for box in s.scalars(select(PackBox).where(PackBox.order_id == order.id).order_by(PackBox.seq)):
                units = units_in.get(box.id) or 0
                boxes.append(BoxView(box.seq, box.state, box.carton_code, int(units), box.expected_weight_g,
                                     box.measured_weight_g, box.weight_ok, tuple(box.materials or ())))
                if box.state == "open":
                    open_box = box
            cartons, materials = self.catalogue(s)
            # The recommendation for the open box: what is in it plus what is still to pack.
            contents: dict[int, int] = {}
            if open_box is not None:
                for product, q in self._box_items(s, open_box):
                    if product is not None:
                        contents[product.id] = contents.get(product.id, 0) + q
            products = {p.id: p for _, p in rows if p is not None}
            for line, product in rows:
                if product is not None:
                    contents[product.id] = contents.get(product.id, 0) + max(line.quantity - line.packed_quantity, 0)
            items = self._fit_items((products[pid], q) for pid, q in contents.items() if q)
            rec = fit.recommend(items, cartons, materials)
            chosen = next((c for c in cartons if pack is not None and c.code == pack.carton_code), None)
            carton = chosen or rec.carton
            expected = sum(i.weight_g for i in items) + (carton.tare_g if carton else 0) + sum(m.weight_g for m in rec.materials)
            station = s.scalar(select(Station.name).where(Station.id == order.station_id)) if order.station_id else None
            return PackView(order.number, order.status, station, lines, boxes, pack.pending if pack else None, rec,
                            expected, pack.weight_g if pack else None,
                            self._waiting_step(pack) if pack is not None else SCAN_ITEM)


def _parse_date(text: str) -> str | None:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return parsed.isoformat()
    return None
