"""A packing bench on a real database: a warehouse, two stations, a small catalogue with GTINs and handling
flags, a packer and a supervisor with badges, the demo carriers, and orders waiting to be packed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

from biip.checksums import gs1_standard_check_digit
from sqlalchemy import select

from app.admin.auth import hash_pin
from app.domain import lifecycle
from app.shipping.carriers import seed_carriers
from db.models import Bin, Order, OrderLine, Product, ProductGtin, Reservation, Station, Stock, User, Warehouse

_numbers = itertools.count(1)


def gtin14(item: int) -> str:
    body = f"69012349{item:04d}"
    return "0" + body + str(gs1_standard_check_digit(body))


def case_gtin(item: int) -> str:
    body = "1" + f"69012349{item:04d}"
    return body + str(gs1_standard_check_digit(body))


# sku, name, grams, dims, flags, has a case of 12
PRODUCTS = (
    ("P-MUG", "Ceramic Mug", 350, (120, 100, 100), {"fragile"}, False),
    ("P-CABLE", "USB-C Cable", 40, (120, 80, 20), set(), True),
    ("P-CREAM", "Face Cream", 110, (70, 70, 60), {"liquid", "tracks_lot", "tracks_expiry"}, False),
    ("P-WATCH", "Smart Watch", 160, (110, 90, 70), {"high_value", "tracks_serial"}, False),
    ("P-SHIRT", "Cotton T-Shirt", 200, (300, 250, 20), set(), False),
    ("P-BOOK", "Picture Book", 400, (280, 210, 10), set(), False),
)


@dataclass
class Bench:
    station: str
    other_station: str
    packer: str
    supervisor_badge: str
    packer_badge: str
    gtins: dict[str, str]  # sku -> unit GTIN
    cases: dict[str, str]  # sku -> case GTIN (12 units)


def make_bench(session) -> Bench:
    wh = session.scalar(select(Warehouse).where(Warehouse.code == "PK"))
    if wh is None:
        wh = Warehouse(code="PK", name="Pack test DC", country="CN", region="Shanghai", city="上海", postcode="201100",
                       latitude=31.2, longitude=121.5)
        session.add(wh)
        session.flush()
        session.add_all([Station(name="PACK-1", warehouse_id=wh.id), Station(name="PACK-2", warehouse_id=wh.id)])
        session.add(Bin(warehouse_id=wh.id, code="A01-01-1", aisle=1, position=0.5))
        pin = hash_pin("1234")
        session.add_all([
            User(username="packer1", display_name="Packer One", role="packer", badge_code="B-PACKER", pin_hash=pin),
            User(username="boss", display_name="Supervisor", role="supervisor", badge_code="B-SUPER", pin_hash=pin),
        ])
        session.flush()
        bin_id = session.scalar(select(Bin.id).where(Bin.warehouse_id == wh.id))
        for n, (sku, name, grams, dims, flags, case) in enumerate(PRODUCTS, start=1):
            p = Product(sku=sku, name_en=name, name_zh=name, price_cents=1000, weight_g=grams, length_mm=dims[0],
                        width_mm=dims[1], height_mm=dims[2], fragile="fragile" in flags, liquid="liquid" in flags,
                        high_value="high_value" in flags, tracks_lot="tracks_lot" in flags,
                        tracks_expiry="tracks_expiry" in flags, tracks_serial="tracks_serial" in flags)
            p.gtins.append(ProductGtin(gtin=gtin14(n), units=1))
            if case:
                p.gtins.append(ProductGtin(gtin=case_gtin(n), units=12))
            session.add(p)
            session.flush()
            session.add(Stock(product_id=p.id, bin_id=bin_id, warehouse_id=wh.id, on_hand=1000, reserved=0))
        seed_carriers(session)
        session.flush()
    gtins = {sku: gtin14(n) for n, (sku, *_rest) in enumerate(PRODUCTS, start=1)}
    cases = {sku: case_gtin(n) for n, (sku, *_rest) in enumerate(PRODUCTS, start=1) if _rest[-1]}
    return Bench("PACK-1", "PACK-2", "packer1", "B-SUPER", "B-PACKER", gtins, cases)


def make_order(session, lines, *, status: str = lifecycle.ALLOCATED, number: str | None = None, station: str | None = None,
               reserve: bool = True) -> Order:
    """An order waiting to be packed; ``lines`` are (sku, quantity)."""
    wh = session.scalar(select(Warehouse).where(Warehouse.code == "PK"))
    n = next(_numbers)
    number = number or f"PK-{n:05d}-{id(session) % 10000}"
    station_id = session.scalar(select(Station.id).where(Station.name == station)) if station else None
    order = Order(
        number=number, channel="web", external_id=f"ext-{number}", status=status,
        placed_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC), service_level="standard",
        ship_name="张伟", ship_address1="浦东新区世纪大道100号", ship_city="上海", ship_region="Shanghai",
        ship_postcode="200120", ship_country="CN", ship_phone="13800138000", warehouse_id=wh.id, station_id=station_id,
        paid_cents=1000, payment_status="paid",
    )
    for i, (sku, qty) in enumerate(lines, start=1):
        p = session.scalar(select(Product).where(Product.sku == sku))
        order.lines.append(OrderLine(line_no=i, sku=sku, product_id=p.id, name=p.name_en, quantity=qty,
                                     unit_price_cents=p.price_cents, picked_quantity=qty))
    session.add(order)
    session.flush()
    if reserve:
        for line in order.lines:
            stock = session.scalar(select(Stock).where(Stock.product_id == line.product_id))
            stock.reserved += line.quantity
            session.add(Reservation(order_id=order.id, line_id=line.id, stock_id=stock.id, quantity=line.quantity))
    session.flush()
    return order


GS = "\x1d"


def gs1(gtin: str, *, lot: str | None = None, expiry: str | None = None, serial: str | None = None) -> str:
    """A GS1-128 scan as the scanner sends it: ``]C1``, FNC1 as GS between variable-length fields."""
    parts = [f"01{gtin}"]
    if expiry:
        parts.append(f"17{expiry}")
    if lot:
        parts.append(f"10{lot}{GS}")
    if serial:
        parts.append(f"21{serial}{GS}")
    return "]C1" + "".join(parts).rstrip(GS)
