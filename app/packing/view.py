"""What the pack screen shows of the order: its lines with what was captured, its boxes, the carton
recommended for the open box and the weight expected."""


import logging
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.domain import lifecycle as lc
from app.packing import fit
from app.packing.answers import (
    NEXT_ORDER,
    SCAN_ITEM,
    BoxView,
    LineView,
    PackView,
)
from db.models import Order, OrderLine, Product, ProductGtin, Reservation, Station, Stock
from db.models.packing import PackBox, PackBoxItem, PackSession

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class ViewMixin:
    """Part of :class:`app.packing.service.PackService` (its state lives there)."""

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
            captured: dict[int, list[tuple[str, str]]] = {}
            for line_id, lot, serial, expiry in s.execute(
                select(PackBoxItem.line_id, PackBoxItem.lot, PackBoxItem.serial, PackBoxItem.expiry)
                .where(PackBoxItem.order_id == order.id, (PackBoxItem.lot.is_not(None)) | (PackBoxItem.serial.is_not(None))
                       | (PackBoxItem.expiry.is_not(None))).order_by(PackBoxItem.id)
            ):
                got = captured.setdefault(line_id, [])
                for what, value in (("lot", lot), ("serial", serial), ("expiry", expiry.isoformat() if expiry else None)):
                    if value and (what, value) not in got:
                        got.append((what, value))
            reserved: dict[int, list[str]] = {}
            for line_id, lot in s.execute(
                    select(Reservation.line_id, Stock.lot).join(Stock, Stock.id == Reservation.stock_id)
                    .where(Reservation.order_id == order.id, Stock.lot != "").order_by(Stock.expiry, Reservation.id)):
                if lot not in reserved.setdefault(line_id, []):
                    reserved[line_id].append(lot)
            for line, product in rows:
                needs = tuple(n for n, f in (("lot", "tracks_lot"), ("expiry", "tracks_expiry"), ("serial", "tracks_serial"))
                              if product is not None and getattr(product, f))
                flags = tuple(f for f in ("fragile", "liquid", "hazmat", "high_value") if product is not None and getattr(product, f))
                lines.append(LineView(line.id, line.line_no, line.sku, product.name(language) if product else line.name,
                                      line.quantity, line.packed_quantity, tuple(gtins.get(product.id, ()) if product else ()),
                                      needs, flags, tuple(captured.get(line.id, ())),
                                      getattr(product, "picture", "") or "" if product is not None else "",
                                      tuple(reserved.get(line.id, ()))))
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
            place = ", ".join(p for p in (order.ship_city, order.ship_country) if p)
            ship_to = f"{order.ship_name}, {place}" if order.ship_name and place else (order.ship_name or place)
            return PackView(order.number, order.status, station, lines, boxes, pack.pending if pack else None, rec,
                            expected, pack.weight_g if pack else None,
                            (self._waiting_step(pack) if pack is not None else SCAN_ITEM) if order.status == lc.PACKING
                            else NEXT_ORDER,
                            ship_to, (order.note or "").strip(), order.channel, pack.last_line_id if pack else None)
