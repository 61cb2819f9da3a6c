"""Boxes: the open box, the carton recommended or chosen, closing a box (weighed at a bench with a scale) and
finishing the order when its last box closes."""


import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import lifecycle as lc
from app.orders.timeline import add_event, move
from app.packing import fit
from app.packing.answers import (
    COMPLETE,
    NEXT_ORDER,
    OK,
    REFUSED,
    WEIGH,
    Answer,
)
from app.packing.context import Scan
from app.packing.messages import message
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models import OrderLine, Product
from db.models.packing import Carton, PackBox, PackBoxItem, PackMaterial

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class BoxesMixin:
    """Part of :class:`app.packing.service.PackService` (its state lives there)."""

    # --- boxes -----------------------------------------------------------------------------------------
    def _open_box(self, x: Scan) -> tuple[int, int]:
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

    def _packed_by_product(self, s: Session, x: Scan) -> list[tuple[Product | None, int]]:
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
                  ) -> tuple[fit.CartonSpec | None, list[fit.MaterialSpec], int, bool]:
        """The box's carton (the packer's choice, else the recommendation), materials, expected weight, and
        whether some item's weight is unknown to the catalogue (then the scale's weight is the box's).
        Items without dimensions (a shop's product carries none) do not stop the box: the carton is the one
        the items with dimensions need, else the smallest, and the parcel takes the carton's size."""
        cartons, materials = self.catalogue(s)
        items = self._fit_items(contents)
        rec = fit.recommend(items, cartons, materials)
        carton = next((c for c in cartons if c.code == chosen), None) if chosen else rec.carton
        if carton is None and rec.missing_dimensions and cartons:
            known = [i for i in items if min(i.dims) > 0]
            carton = (fit.recommend(known, cartons, materials).carton if known else None) or min(
                cartons, key=lambda c: (c.volume, c.tare_g, c.code))
        weight = sum((p.weight_g or 0) * q for p, q in contents if p is not None)
        weight += (carton.tare_g if carton else 0) + sum(m.weight_g for m in rec.materials)
        unknown_weight = any(p is not None and not p.weight_g for p, _ in contents)
        return carton, rec.materials, weight, unknown_weight

    def _open_box_row(self, x: Scan) -> PackBox | None:
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

    def _close_box(self, x: Scan, *, finishing: bool = False, box: PackBox | None = None,
                   accepted_by: Actor | None = None) -> Answer:
        """Close the open box: its carton, materials and expected weight; at a bench with a scale, only with a
        weighing that matches (``x.weighed``) or a supervisor's acceptance (``accepted_by``). Without a weighing
        the box waits on the scale (next step ``weigh``)."""
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
        carton, materials, expected, unknown_weight = self._box_plan(s, contents, x.pack.carton_code)
        box.carton_code = carton.code if carton else ""
        if carton:
            box.length_mm, box.width_mm, box.height_mm = carton.dims
        box.materials = [m.code for m in materials]
        box.expected_weight_g = expected
        measured = x.weighed
        waiting = {"await": "weight", "box": box.seq, "finish": finishing, "expected": expected}
        if measured is None and accepted_by is None and self.uses_scale:
            x.pack.pending = waiting
            code = "all_packed_weigh" if finishing else "weigh_box"
            return self._answer(x, OK, message(code, seq=box.seq, expected=expected), "weigh", WEIGH, box=box.seq,
                                expected=expected)
        if measured is not None and unknown_weight:
            # The catalogue lacks a weight: nothing to check against, the scale's weight is the box's.
            box.measured_weight_g = measured
            box.weight_ok = True
        elif measured is not None:
            check = fit.check_weight(expected, measured, self.tolerance_percent, self.tolerance_min_g)
            box.measured_weight_g = measured
            box.weight_ok = check.ok
            if not check.ok and accepted_by is None:
                x.pack.pending = {**waiting, "measured": measured}
                # Once per weighing: the service checks each weighing once.
                add_event(s, x.order, "weight_mismatch", self.actor, box=box.seq, expected_g=expected,
                          measured_g=measured, tolerance_g=check.tolerance_g)
                return self._answer(x, REFUSED, message(
                    "weight_mismatch", seq=box.seq, measured=measured, expected=expected, tolerance=check.tolerance_g),
                    "weight_mismatch", WEIGH, box=box.seq, expected=expected)
        if accepted_by is not None:
            add_event(s, x.order, "weight_accepted", accepted_by, box=box.seq, expected_g=expected, measured_g=measured)
        box.state, box.closed_at = "closed", utcnow()
        self._box_cache = None
        if not finishing:  # completing the order notifies once for both
            notify_change(s, "order", x.order.number)
        x.pack.carton_code = ""
        if x.pack.pending and x.pack.pending.get("await") == "weight":
            x.pack.pending = None
        add_event(s, x.order, "box_closed", self.actor, box=box.seq, carton=box.carton_code, materials=box.materials,
                  expected_g=expected, measured_g=box.measured_weight_g)
        return self._answer(x, OK, message("box_closed", seq=box.seq, carton=box.carton_code or "-",
                                           weight=box.measured_weight_g or expected, next=box.seq + 1), "box_closed", box=box.seq)

    def _finish(self, x: Scan, line: OrderLine | None, *, accepted_by: Actor | None = None) -> Answer:
        """Every line is packed: close the last box (weighed, at a bench with a scale), then the order is
        ``packed``."""
        s = x.session
        open_box = self._open_box_row(x)
        # Boxes are numbered 1, 2, ... and only the last one can be dropped (below): the last number is the count.
        boxes: int | None = None
        if open_box is not None:
            closed = self._close_box(x, finishing=True, box=open_box, accepted_by=accepted_by)
            if closed.reason == "box_empty":
                self._box_cache = None
                s.delete(open_box)  # opened and left empty: no parcel for it
                boxes = open_box.seq - 1
            elif closed.reason in ("weight_mismatch", "weigh"):
                if line is not None:
                    closed.line_id, closed.packed, closed.quantity = line.id, line.packed_quantity, line.quantity
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
