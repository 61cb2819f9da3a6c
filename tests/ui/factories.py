"""Test data made with the ORM: a warehouse, stations, users with badges and PINs, customers, orders.

Small and explicit; the demo seeder (``app.demo.seed.seed``) makes the big living warehouse.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.admin.auth import hash_pin
from db.base import utcnow
from db.models import Bin, Customer, Order, OrderLine, Product, ReviewFlag, Station, Stock, User, Warehouse

USERS = (
    ("packer1", "Packer One", "packer", "BADGE-PACKER-1", "1111"),
    ("packer2", "Packer Two", "packer", "BADGE-PACKER-2", "1111"),
    ("super1", "Supervisor One", "supervisor", "BADGE-SUPER-1", "2222"),
    ("service1", "Service One", "service", "BADGE-SERVICE-1", "4444"),
    ("admin", "Administrator", "admin", "BADGE-ADMIN", "9999"),
)


@functools.cache
def _pin_hash(pin: str) -> str:
    """Argon2id with light parameters: the hash carries them, so verify_pin checks it the real way, fast."""
    from argon2 import PasswordHasher

    hash_pin(pin)  # the same validation as for real PINs
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(pin)


@dataclass
class World:
    warehouse_id: int
    warehouse2_id: int
    station_ids: dict[str, int]
    order_numbers: list[str]


def make_world(session: Session, orders: int = 20, stations: int = 2, status: str = "allocated") -> World:
    """Two warehouses, ``stations`` stations in the first, the users above and ``orders`` orders."""
    wh = Warehouse(code="SH1", name="Shanghai 1", country="CN", city="Shanghai", latitude=31.2, longitude=121.5)
    wh2 = Warehouse(code="BJ1", name="Beijing 1", country="CN", city="Beijing", latitude=39.9, longitude=116.4)
    session.add_all([wh, wh2])
    session.flush()
    for n in (1, 2, 3):
        product = Product(sku=f"SKU-{n:03d}", name_en=f"Item {n}", name_zh=f"商品 {n}", price_cents=5_000, weight_g=300)
        session.add(product)
        session.flush()
        for w in (wh, wh2):
            b = Bin(warehouse_id=w.id, code=f"A01-{n:02d}-1", aisle=1, position=float(n))
            session.add(b)
            session.flush()
            session.add(Stock(product_id=product.id, bin_id=b.id, warehouse_id=w.id, on_hand=1000, reserved=0))
    station_ids = {}
    for i in range(1, stations + 1):
        st = Station(name=f"STATION-{i}", warehouse_id=wh.id)
        session.add(st)
        session.flush()
        station_ids[st.name] = st.id
    for username, display, role, badge, pin in USERS:
        session.add(User(username=username, display_name=display, role=role, badge_code=badge, pin_hash=_pin_hash(pin)))
    customer = Customer(email="li.wei@example.cn", name="Li Wei", phone="+86 138 0000 0000", orders_count=7,
                        spent_cents=123_400, returns_count=1, points_balance=500)
    session.add(customer)
    session.flush()
    numbers = []
    now = utcnow()
    for i in range(orders):
        order = make_order(session, f"WS-{i + 1:06d}", status=status, warehouse_id=wh.id, customer_id=customer.id,
                           priority=i % 3, promised_ship_at=now + timedelta(hours=(i % 7) - 2))
        numbers.append(order.number)
    session.flush()
    return World(wh.id, wh2.id, station_ids, numbers)


def make_order(session: Session, number: str, status: str = "allocated", warehouse_id: int | None = None,
               customer_id: int | None = None, priority: int = 0, promised_ship_at=None, channel: str = "shop",
               flags: tuple[tuple[str, str], ...] = (), lines: int = 2, **fields) -> Order:
    now = utcnow()
    values = dict(
        number=number, channel=channel, external_id=number, status=status, priority=priority,
        placed_at=now - timedelta(hours=3), promised_ship_at=promised_ship_at or now + timedelta(hours=5),
        customer_id=customer_id, warehouse_id=warehouse_id,
        ship_name="Li Wei", ship_address1="88 Century Avenue", ship_city="Shanghai", ship_region="Shanghai",
        ship_postcode="200120", ship_country="CN", ship_phone="+86 138 0000 0000",
        goods_cents=20_000, coupon_code="SPRING10", coupon_cents=2_000, points_used=500, points_cents=500,
        shipping_cents=1_000, paid_cents=18_500, payment_status="paid", payment_reference="PAY-" + number,
    )
    values.update(fields)
    order = Order(**values)
    for n in range(1, lines + 1):
        sku = f"SKU-{n:03d}"
        product_id = session.scalar(select(Product.id).where(Product.sku == sku))
        order.lines.append(OrderLine(line_no=n, sku=sku, product_id=product_id, name=f"Item {n}", quantity=n,
                                     unit_price_cents=5_000))
    for code, message in flags:
        order.flags.append(ReviewFlag(code=code, message=message))
    session.add(order)
    session.flush()
    return order
