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
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.admin.auth import login_by_badge, require_role
from app.config import Settings
from app.devices.commands import Command
from app.domain import lifecycle as lc
from app.errors import NotFound, PermissionDenied, StationError
from app.orders import references
from app.orders.timeline import move
from app.packing import fit
from app.packing.answers import (  # noqa: F401 - the names callers take from here
    CAPTURE_EXPIRY,
    CAPTURE_LOT,
    CAPTURE_SERIAL,
    COMPLETE,
    NEXT_ORDER,
    NOT_UNDERSTOOD,
    OK,
    OPEN_ORDER,
    QUANTITY,
    REFUSED,
    SCAN_ITEM,
    SUPERVISOR,
    VERDICTS,
    WEIGH,
    Answer,
    BoxView,
    LineView,
    PackView,
)
from app.packing.approvals import ApprovalsMixin
from app.packing.boxes import BoxesMixin
from app.packing.captures import SHORT_NUMBER, CapturesMixin
from app.packing.classify import Classified, classify, printable
from app.packing.context import Refusal, Scan
from app.packing.handoff import HandOff, default_print_dispatch
from app.packing.messages import Message, Refused, message
from app.packing.totes import TotesMixin
from app.packing.view import ViewMixin
from app.packing.weigh import WeighMixin
from app.packing.weighing import ScaleWatch
from app.shipping.handoff import Dispatch, dispatch_jobs
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models import Order, OrderEvent, OrderLine, Product, ProductGtin, Station
from db.models.packing import PackScan, PackSession

if TYPE_CHECKING:
    from app.packing.offline import OfflineScans

log = logging.getLogger(__name__)


class PackService(CapturesMixin, BoxesMixin, WeighMixin, ApprovalsMixin, TotesMixin, ViewMixin):
    """The packing bench of one station. Not thread-safe: one per station (the screen, or one CLI run)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        station: str,
        actor: Actor,
        *,
        print_dispatch: Dispatch | None = None,
        label: bool = True,
        pin: bool = False,
        offline: OfflineScans | None = None,
    ) -> None:
        require_role(actor, "packer")  # every scan changes the order: only someone who may pack drives a bench
        self.sessions = sessions
        self.settings = settings
        self.station = station
        self.actor = actor
        self.label = label
        self.print_dispatch = print_dispatch if print_dispatch is not None else default_print_dispatch(sessions)
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
        # The scale: its readings watched in memory; "none" until one is set up or reads (the CLI without one).
        self.scale = ScaleWatch(empty_below_g=settings.pack.scale_empty_below_g)
        self.scale_status = "none"
        self._weigh_wait: float | None = None  # since when the service waits for a weighing (None: it does not)
        self._checked_weighing = 0  # the newest weighing checked: it is never checked (or used) again
        self._last_shown: tuple[str | None, str | None] = (None, None)  # the order number and status last answered
        self._handlers: dict[str, Callable[[Scan], Answer]] = {
            "item": self._on_item,
            "text": self._on_text,
            "command": self._on_command,
            "sscc": self._on_sscc,
            "bad": self._on_bad,
        }

    # --- settings --------------------------------------------------------------------------------------
    @property
    def bulk_threshold(self) -> int:
        return self.settings.pack.bulk_threshold

    @property
    def tolerance_percent(self) -> float:
        return self.settings.pack.weight_tolerance_percent

    @property
    def tolerance_min_g(self) -> int:
        return self.settings.pack.weight_tolerance_min_g

    # --- opening an order ------------------------------------------------------------------------------
    def _station_row_id(self, s: Session) -> int:
        if self._station_id is None:
            station_id = s.scalar(select(Station.id).where(Station.name == self.station))
            if station_id is None:
                from app.admin.sites import unknown_station_message

                raise NotFound(unknown_station_message(self.station))
            self._station_id = station_id
        return self._station_id

    def open(self, number: str) -> Answer:
        """Take order ``number`` for this station (if nobody holds it) and make it the current order.
        Raises a StationError when the order cannot be packed here."""
        with UnitOfWork(self.sessions) as uow:
            s = uow.session
            match = references.find_order(s, number)  # our number, the shop's, a label's... (one look-up)
            if match is None:
                raise NotFound(f"no order {number!r}")
            order = match.order
            answer = self._take(s, order)
            uow.commit()
        self._note_step(answer)
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
            raise Refused(message("held_elsewhere", number=order.number, station=other))
        else:
            raise Refused(message("not_packable", number=order.number, status=order.status))
        pack = self._pack_session(s, order)
        pack.station, pack.user = self.station, self.actor.user
        self.order_id = order.id
        self._box_cache = None
        if self.pin:
            self.pinned_id = order.id
        left = s.scalar(select(func.sum(OrderLine.quantity - OrderLine.packed_quantity)).where(OrderLine.order_id == order.id)) or 0
        said = message("order_opened", number=order.number, left=int(left))
        gaps = self._catalogue_gaps(s, order)
        if gaps:
            said = message("both", first=said, then=gaps)
        return Answer(OK, said, "opened", self._waiting_step(pack), order.number, order.status)

    def _catalogue_gaps(self, s: Session, order: Order) -> Message | None:
        """What the pack bench uses instead of the catalogue's missing weights and sizes, said when the order opens
        (issue 23: a shop's product often comes without them; the order still packs and ships)."""
        rows = s.execute(select(Product.sku, Product.weight_g, Product.length_mm, Product.width_mm, Product.height_mm)
                         .join(OrderLine, OrderLine.product_id == Product.id).where(OrderLine.order_id == order.id)).all()
        no_weight = sorted({r.sku for r in rows if not r.weight_g})
        no_size = sorted({r.sku for r in rows if not (r.length_mm and r.width_mm and r.height_mm)})
        if not no_weight and not no_size:
            return None
        weight_from = "scale_weight" if self.uses_scale else "carton_weight"
        if no_weight and no_size:
            return message(f"no_weight_no_size_{weight_from}", skus=", ".join(sorted({*no_weight, *no_size})))
        if no_weight:
            return message(f"no_weight_{weight_from}", skus=", ".join(no_weight))
        return message("no_size", skus=", ".join(no_size))

    def resume(self) -> str | None:
        """After a start (or a crash): the order this station is packing, if any. Returns its number."""
        with self.sessions() as s:
            me = self._station_row_id(s)
            row = s.execute(
                select(Order.id, Order.number).where(Order.station_id == me, Order.status == lc.PACKING)
                .order_by(Order.updated_at.desc(), Order.id.desc()).limit(1)
            ).first()
        self.order_id = row.id if row else None
        if row is not None:
            with self.sessions() as s:
                pending = s.scalar(select(PackSession.pending).where(PackSession.order_id == row.id)) or {}
            # A box left waiting on the scale (a restart): the next weighing checks it.
            self._weigh_wait = time.monotonic() if pending.get("await") == "weight" else None
            self._last_shown = (row.number, lc.PACKING)
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
        self._note_step(answer)
        if answer.verdict == COMPLETE and self.label:
            answer = self.hand_off(answer, received, self.last_order_id)
        elif answer.reason == "reprinted" and answer.print_jobs:
            answer = self._reprinted(answer)
        return answer

    def _reprinted(self, answer: Answer) -> Answer:
        """The reprinted labels at the printer: the answer says what the printer did."""
        from app.packing.handoff import printing_message

        printed = dispatch_jobs(self.print_dispatch, answer.print_jobs, {j: "label" for j in answer.print_jobs})
        answer.printed = printed
        if any(p.state != "done" for p in printed):
            answer.message = printing_message(answer.number or "", printed)
        return answer

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
            if answer.verdict in (REFUSED, NOT_UNDERSTOOD) and journal.order_id is not None:
                # A refused scan is on the order's timeline too: what, why, who, where (a mis-ship is looked into
                # there). Written with the journal row: both or neither.
                s.add(refusal_event(journal, answer, c, self.actor))
            s.flush()
            answer.scan_id = journal.id
            uow.commit()
        return answer

    def _dispatch(self, s: Session, c: Classified, journal: PackScan) -> Answer:
        if c.kind == "bad":
            journal.order_id = self.order_id  # a misread at an open order is on its timeline
            return self._on_bad_alone(c)
        order = self._current(s, with_lines=True, gtin=c.gtin if c.kind == "item" else None)
        if isinstance(order, Answer):
            # No order open here: an order number opens one; a command may claim the next one.
            if c.kind in ("text", "sscc"):
                try:
                    match = references.find_order(s, c.raw)
                except references.AmbiguousReference as exc:
                    return Answer(REFUSED, message("ambiguous_order", text=exc.text,
                                                   orders=", ".join(n for n, _ in exc.candidates)), "ambiguous", OPEN_ORDER)
                found = match.order if match is not None else None
                if found is not None:
                    try:
                        answer = self._take(s, found)
                    except StationError as exc:
                        told = exc.told if isinstance(exc, Refused) else Message(
                            "not_packable", {"number": found.number, "status": found.status})
                        return Answer(REFUSED, told, "not_packable", OPEN_ORDER, found.number, found.status)
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
        ctx = Scan(s, order, pack, lines, journal, c, item, products)
        if pack.pending and c.kind != "command":
            kind = pack.pending.get("await")
            if kind in ("lot", "expiry", "serial"):
                return self._capture(ctx)
            if kind == "supervisor" and c.kind == "text":
                return self._approve_partial(ctx, c.text, pack.pending.get("rest", "open"))
            if kind == "lot_supervisor":
                if c.kind == "text":
                    return self._allow_lot(ctx, c.text)
                if c.kind == "item":
                    pack.pending = None  # the packer put the unit back and took another: a new item
            if kind == "weight":
                if c.kind == "text" and not SHORT_NUMBER.match(c.text):
                    accepted = self._accept_weight(ctx, c.text)
                    if accepted is not None:
                        return accepted
                if c.kind in ("item", "text") and not pack.pending.get("finish"):
                    # The box waits on the scale: what is scanned now would go into it unweighed.
                    seq = pack.pending.get("box", 1)
                    return self._answer(ctx, REFUSED, message("weigh_first", seq=seq), "weigh_first", WEIGH, box=seq)
        try:
            return self._handlers[c.kind](ctx)
        except Refusal as refusal:
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
        # The reader's own words (a library's, often) stay in the journal and on the timeline, not on screen.
        return Answer(NOT_UNDERSTOOD, message("misread", why=c.misread), "not_understood", SCAN_ITEM,
                      *self._last_shown)

    def _on_bad(self, x: Scan) -> Answer:
        return self._on_bad_alone(x.c)

    def _on_sscc(self, x: Scan) -> Answer:
        return self._answer(x, REFUSED, message("sscc_not_item", sscc=x.c.sscc), "sscc")

    def _on_item(self, x: Scan) -> Answer:
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

    def _on_text(self, x: Scan) -> Answer:
        s, c, text = x.session, x.c, x.c.text
        if SHORT_NUMBER.match(text):
            return self._count(x, int(text))
        product = s.scalar(select(Product).where(Product.sku == text))
        if product is not None:
            return self._item(x, product, 1, lot=c.lot, expiry=c.expiry, serial=c.serial)
        if text == x.order.number:
            return self._answer(x, OK, message("this_order", number=x.order.number, left=self._left(x)), "this_order")
        try:
            match = references.find_order(s, c.raw)
        except references.AmbiguousReference:
            match = None
        if match is not None and match.order.id == x.order.id:
            return self._answer(x, OK, message("this_order", number=x.order.number, left=self._left(x)), "this_order")
        if match is not None:
            return self._answer(x, REFUSED, message("another_order_open", number=x.order.number,
                                                    other=match.order.number), "another_order")
        if c.lot and not c.gtin:
            return self._answer(x, REFUSED, message("need_item_first", lot=c.lot), "lot_without_item")
        try:
            login_by_badge(s, text)
        except PermissionDenied:
            pass
        else:  # a badge is a credential: never in the journal, the timeline or a message
            x.journal.raw, x.journal.kind = "badge:***", "badge"
            return self._answer(x, REFUSED, message("badge_not_now"), "badge_not_now")
        return self._answer(x, REFUSED, message("unknown_code", code=text), "unknown_code")

    def _on_command(self, x: Scan) -> Answer:
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
        from app.orders.claim import claim_in_session

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
    def hand_off(self, answer: Answer, received: float, order_id: int | None) -> Answer:
        """Label the packed order, queue its label and packing slip and give them to the printers; returns the
        answer to show now, saying what the printers did (:mod:`app.packing.handoff`). Keeps no state of the
        service: the screen runs it on a worker thread."""
        return HandOff(self.sessions, self.settings, self.station, self.actor, self.print_dispatch).run(
            answer, received, order_id)

    def reprint(self) -> Answer:
        with UnitOfWork(self.sessions) as uow:
            order = uow.session.get(Order, self.order_id or self.last_order_id) if (self.order_id or self.last_order_id) else None
            answer = self._reprint(uow.session, order)
            uow.commit()
        if answer.print_jobs:
            answer = self._reprinted(answer)
        return answer


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return value.text("en")
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def refusal_event(journal: PackScan, answer: Answer, c: Classified, actor: Actor) -> OrderEvent:
    """The timeline's record of a refused or misread scan: the scan as a person reads it (a badge never), the
    packer's message (code and values, so it reads in any language), and the reader's own technical words."""
    scan = "badge" if journal.kind == "badge" or journal.raw == "badge:***" else printable(c.raw)
    data: dict[str, Any] = {"scan": scan, "verdict": answer.verdict, "reason": answer.reason,
                            "message": answer.message.code,
                            "params": {k: _plain(v) for k, v in answer.message.params.items()}}
    if c.kind == "bad" and c.reason:
        data["detail"] = c.reason[:200]
    return OrderEvent(order_id=journal.order_id, at=journal.at, kind="scan_refused", station=actor.station,
                      user=actor.user, data=data)
