"""A small warehouse for pick tests: the two-block example layout, three products with GTINs, stock in
bins, and allocated orders with their reservations, made as the confirmation step would leave them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.picking.layouts import load_layout
from app.routing import Layout
from db.base import utcnow
from db.models import Bin, Order, OrderLine, Product, ProductGtin, Reservation, Stock, Warehouse

LAYOUT_FILE = Path(__file__).resolve().parents[2] / "resources" / "layouts" / "two_blocks.json"

PRODUCTS = {
    # sku: (gtin, name, bins with on-hand units)
    "MUG-1": ("05901234123457", "Blue mug", {"A03-12-2": 10}),
    "TEA-2": ("09506000134352", "Green tea", {"A07-25-1": 5, "A02-04-1": 3}),
    "PEN-3": ("04006381333931", "Ink pen", {"A09-05-3": 20}),
}


NAMES_ZH = {"MUG-1": "蓝色马克杯", "TEA-2": "绿茶"}


def make_warehouse(session, code: str = "WH1") -> Warehouse:
    warehouse = Warehouse(code=code, name="Shanghai", country="CN", region="Shanghai", city="Shanghai",
                          latitude=31.23, longitude=121.47)
    session.add(warehouse)
    session.flush()
    load_layout(session, warehouse, Layout.load(LAYOUT_FILE))
    for sku, (gtin, name, bins) in PRODUCTS.items():
        product = Product(sku=sku, name_en=name, name_zh=NAMES_ZH.get(sku, ""), price_cents=500, weight_g=100)
        product.gtins.append(ProductGtin(gtin=gtin, units=1))
        session.add(product)
        session.flush()
        for code_, units in bins.items():
            bin_row = session.scalar(select(Bin).where(Bin.warehouse_id == warehouse.id, Bin.code == code_))
            session.add(Stock(product_id=product.id, bin_id=bin_row.id, warehouse_id=warehouse.id, on_hand=units))
    session.flush()
    return warehouse


def make_order(session, warehouse: Warehouse, number: str, lines: list[tuple[str, int, str]]) -> Order:
    """An allocated order; each line is (sku, quantity, bin it is reserved in)."""
    order = Order(number=number, channel="test", external_id=number, status="allocated", placed_at=utcnow(),
                  warehouse_id=warehouse.id, ship_country="CN", ship_region="Shanghai", ship_city="Shanghai")
    session.add(order)
    for n, (sku, quantity, _) in enumerate(lines, start=1):
        product = session.scalar(select(Product).where(Product.sku == sku))
        order.lines.append(OrderLine(line_no=n, sku=sku, product_id=product.id, name=product.name_en,
                                     quantity=quantity, gtin=""))
    session.flush()
    for line, (sku, quantity, bin_code) in zip(order.lines, lines):
        stock = session.scalar(select(Stock).join(Bin, Bin.id == Stock.bin_id).where(
            Stock.product_id == line.product_id, Bin.code == bin_code))
        stock.reserved += quantity
        session.add(Reservation(order_id=order.id, line_id=line.id, stock_id=stock.id, quantity=quantity))
    session.flush()
    return order
