"""The items and what they carry: ticking a line, counts for a bulk line, lots, expiry dates and serials asked
for and checked (an expired lot refused, a serial packed twice refused, a lot other than the one reserved (FEFO)
refused unless a supervisor's badge allows it)."""


import logging
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from app.admin.auth import has_role, login_by_badge
from app.domain import lifecycle as lc
from app.errors import PermissionDenied
from app.orders.confirmation import move_reservation
from app.orders.timeline import add_event
from app.packing.answers import (
    CAPTURE_EXPIRY,
    CAPTURE_LOT,
    CAPTURE_SERIAL,
    OK,
    QUANTITY,
    REFUSED,
    SCAN_ITEM,
    SUPERVISOR,
    WEIGH,
    Answer,
)
from app.packing.context import Scan
from app.packing.messages import Message, message
from app.uow import Actor
from db.base import utcnow
from db.models import Order, OrderLine, Product, Reservation, Stock
from db.models.packing import PackBoxItem, PackSession

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

MAX_COUNT_DIGITS = 4
_DATE_FORMATS = ("%y%m%d", "%Y-%m-%d", "%Y%m%d", "%Y/%m/%d")
SHORT_NUMBER = re.compile(r"^\d{1,%d}$" % MAX_COUNT_DIGITS)


def parse_date(text: str) -> str | None:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return parsed.isoformat()
    return None


class CapturesMixin:
    """Part of :class:`app.packing.service.PackService` (its state lives there)."""

    # --- items and ticks -------------------------------------------------------------------------------
    def _item(self, x: Scan, product: Product, units: int, *, lot=None, expiry=None, serial=None) -> Answer:
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
        if lot:
            refusal = self._check_lot(x, line, {"need": need, "line_id": line.id, "units": units, "gtin": x.c.gtin,
                                                "name": name, **capture})
            if refusal is not None:
                return refusal
        if need:
            x.pack.pending = {"await": need[0], "need": need, "line_id": line.id, "units": units, "gtin": x.c.gtin,
                              "name": name, **capture}
            return self._answer(x, OK, message(f"need_{need[0]}", name=name), f"need_{need[0]}",
                                {"lot": CAPTURE_LOT, "expiry": CAPTURE_EXPIRY, "serial": CAPTURE_SERIAL}[need[0]], line=line)
        return self._tick(x, line, units, name, capture)

    def _check_capture(self, x: Scan, name: str, capture: dict[str, Any]) -> Answer | None:
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

    def _capture(self, x: Scan) -> Answer:
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
                value = parse_date(c.text)
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
        if what == "lot":
            refusal = self._check_lot(x, line, pending)
            if refusal is not None:
                return refusal
        return self._go_on(x, line, pending)

    def _go_on(self, x: Scan, line: OrderLine, pending: dict[str, Any]) -> Answer:
        """Ask for what the item still lacks, or tick it."""
        need = [n for n in pending.get("need", []) if not pending.get(n)]
        if need:
            pending["await"] = need[0]
            x.pack.pending = pending
            return self._answer(x, OK, message(f"need_{need[0]}", name=pending.get("name")), f"need_{need[0]}",
                                {"lot": CAPTURE_LOT, "expiry": CAPTURE_EXPIRY, "serial": CAPTURE_SERIAL}[need[0]], line=line)
        x.pack.pending = None
        x.journal.gtin = pending.get("gtin")
        return self._tick(x, line, int(pending.get("units", 1)), pending.get("name", line.sku), pending)

    # --- FEFO: the lot reserved is the lot packed ---------------------------------------------------------
    def _check_lot(self, x: Scan, line: OrderLine, pending: dict[str, Any]) -> Answer | None:
        """A lot other than those reserved for the line (confirmation reserved the first-expiring sendable one) is
        refused; the packer takes a unit of the reserved lot (or scans its lot label), or a supervisor's badge
        allows this one. Stock without a lot on record reserves none, and any lot is then right."""
        lot = pending.get("lot")
        reserved = self._reserved_lots(x, line)
        if not lot or not reserved or lot in reserved:
            return None
        x.pack.pending = {**pending, "await": "lot_supervisor"}
        return self._answer(x, REFUSED, message("wrong_lot", name=pending.get("name"), lot=lot,
                                                reserved=", ".join(sorted(reserved))), "wrong_lot", SUPERVISOR, line=line)

    @staticmethod
    def _reserved_lots(x: Scan, line: OrderLine) -> set[str]:
        return {lot for lot in x.session.scalars(
            select(Stock.lot).join(Reservation, Reservation.stock_id == Stock.id)
            .where(Reservation.order_id == x.order.id, Reservation.line_id == line.id)) if lot}

    def _allow_lot(self, x: Scan, text: str) -> Answer:
        """While a lot waits for a supervisor: a supervisor's badge allows it (the reservation moves to that lot
        where its stock is on record, and the timeline says who allowed what); anything else scanned as text is the
        lot of the unit in hand, checked again."""
        s = x.session
        pending = dict(x.pack.pending or {})
        line = next((l for l in x.lines if l.id == pending.get("line_id")), None)
        if line is None:
            x.pack.pending = None
            return self._answer(x, REFUSED, message("cancelled_step"), "cancelled")
        try:
            user = login_by_badge(s, text)
        except PermissionDenied:
            # Not a badge: the lot label of another unit, taken instead; its expiry is asked again, as the first
            # unit's barcode gave the other lot's.
            need = ["lot"] + (["expiry"] if pending.get("expiry") else []) + [
                n for n in pending.get("need", []) if n not in ("lot", "expiry")]
            x.pack.pending = {**pending, "await": "lot", "lot": None, "expiry": None, "need": need}
            return self._capture(x)
        x.journal.raw = "badge:***"  # a badge code is a credential: never in the journal
        if not has_role(user.role, "supervisor"):
            return self._answer(x, REFUSED, message("not_supervisor_lot", user=user.display_name), "not_supervisor",
                                SUPERVISOR, line=line)
        supervisor = Actor(station=self.station, user=user.username, role=user.role)
        reserved = sorted(self._reserved_lots(x, line))
        units = int(pending.get("units", 1))
        moved = move_reservation(s, x.order, line, pending["lot"], units)
        add_event(s, x.order, "lot_allowed", supervisor, sku=line.sku, lot=pending["lot"], reserved=reserved,
                  units=units, stock_moved=moved)
        answer = self._go_on(x, line, {**pending, "await": None})
        if answer.verdict != REFUSED:
            answer.message = message("both", first=message("lot_allowed", lot=pending["lot"], user=user.display_name),
                                     then=answer.message)
        return answer

    def _count(self, x: Scan, count: int) -> Answer:
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

    def _tick(self, x: Scan, line: OrderLine, units: int, name: str, capture: dict[str, Any], counted: bool = False) -> Answer:
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

    def _other_order(self, x: Scan, product: Product) -> str | None:
        """Another order at this station (or in the same pick) that wants this product."""
        s = x.session
        holds = exists().where(OrderLine.order_id == Order.id, OrderLine.product_id == product.id)
        return s.scalar(
            select(Order.number).where(Order.station_id == x.order.station_id, Order.id != x.order.id,
                                       Order.status.in_((lc.PACKING, lc.PICKED, lc.ALLOCATED)), holds).limit(1)
        )

    def _left(self, x: Scan) -> int:
        return sum(max(l.quantity - l.packed_quantity, 0) for l in x.lines)

    def _answer(self, x: Scan, verdict: str, msg: Message, reason: str, step: str | None = None, *,
                line: OrderLine | None = None, box: int | None = None, expected: int | None = None) -> Answer:
        step = step or self._waiting_step(x.pack)
        if expected is None and step == WEIGH:
            expected = (x.pack.pending or {}).get("expected")
        return Answer(
            verdict, msg, reason, step, x.order.number, x.order.status,
            line.id if line is not None else None, line.packed_quantity if line is not None else None,
            line.quantity if line is not None else None, box, expected_g=expected,
        )

    @staticmethod
    def _waiting_step(pack: PackSession) -> str:
        waiting = (pack.pending or {}).get("await")
        return {"lot": CAPTURE_LOT, "expiry": CAPTURE_EXPIRY, "serial": CAPTURE_SERIAL, "weight": WEIGH,
                "supervisor": SUPERVISOR, "lot_supervisor": SUPERVISOR}.get(waiting, SCAN_ITEM)
