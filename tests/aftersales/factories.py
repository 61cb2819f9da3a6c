"""A small warehouse with shipped orders, made with the real shipping services (label, close-out)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from biip.checksums import gs1_standard_check_digit
from sqlalchemy import select

from app.config import Settings
from app.domain import lifecycle as lc
from app.orders.timeline import add_event
from app.shipping.carriers import seed_carriers
from app.shipping.manifest import closeout
from app.shipping.service import label_order
from app.uow import Actor
from db.models import Bin, Customer, Order, OrderLine, Product, ProductGtin, Stock, Warehouse

_numbers = itertools.count(1)
ACTOR = Actor(station="STATION-1", user="service1", role="service")
DESK = Actor(station="STATION-1", user="desk1", role="shipping")  # labels and closes out: the shipping desk
SETTINGS = Settings()  # a station with the default settings, on purpose: the factories label as one


def gtin(n: int) -> str:
    """A valid GTIN-14 (a GTIN-13 zero-padded) for test product ``n``."""
    body = f"690123400{n:03d}"
    return f"0{body}{gs1_standard_check_digit(body)}"


@dataclass
class World:
    warehouse_id: int
    skus: list[str]


def world(session) -> World:
    found = session.scalar(select(Warehouse).where(Warehouse.code == "SH"))
    if found is not None:
        return World(found.id, [p.sku for p in session.scalars(select(Product).order_by(Product.id))])
    seed_carriers(session)
    wh = Warehouse(code="SH", name="Shanghai DC 上海仓", country="CN", region="Shanghai", city="上海",
                   postcode="201315", latitude=31.15, longitude=121.8)
    session.add(wh)
    session.flush()
    bins = [Bin(warehouse_id=wh.id, code=f"A01-{i:02d}-1", aisle=1, position=float(i)) for i in range(1, 5)]
    bins.append(Bin(warehouse_id=wh.id, code="QUARANTINE", zone="Q", aisle=1, position=0.0, quarantine=True))
    session.add_all(bins)
    specs = [
        ("SKU-TEE-BLK", "Cotton T-Shirt, Black", "纯棉T恤（黑色）", "apparel", 7900, gtin(1)),
        ("SKU-TEE-WHT", "Cotton T-Shirt, White", "纯棉T恤（白色）", "apparel", 7900, gtin(2)),
        ("SKU-MUG", "Ceramic Mug", "陶瓷马克杯", "home", 3900, gtin(3)),
        ("SKU-TEA", "Green Tea 250g", "绿茶", "food", 8800, gtin(4)),
    ]
    products = []
    for sku, en, zh, cat, price, code in specs:
        p = Product(sku=sku, name_en=en, name_zh=zh, category=cat, price_cents=price, weight_g=300,
                    length_mm=200, width_mm=150, height_mm=50, gtins=[ProductGtin(gtin=code)])
        products.append(p)
    session.add_all(products)
    session.flush()
    products[0].substitutes.append(products[1])
    products[1].substitutes.append(products[0])
    for p, b in zip(products, bins):
        session.add(Stock(product_id=p.id, bin_id=b.id, warehouse_id=wh.id, on_hand=100, reserved=0))
    session.flush()
    return World(wh.id, [p.sku for p in products])


def order(session, status: str = lc.PACKED, lines=(("SKU-TEE-BLK", 2), ("SKU-MUG", 1)), *, coupon_cents=0,
          points_used=0, shipping_cents=1000, placed_at: datetime | None = None, customer_email="amy@example.com",
          region="Shanghai", country="CN") -> Order:
    w = world(session)
    n = next(_numbers)
    customer = session.scalar(select(Customer).where(Customer.email == customer_email))
    if customer is None:
        customer = Customer(email=customer_email, name="王芳")
        session.add(customer)
        session.flush()
    placed = placed_at or datetime.now(UTC) - timedelta(days=2)
    o = Order(number=f"WS9{n:07d}-{id(session) % 1000}", channel="web", external_id=f"t-{n}-{id(session)}", status=status,
              placed_at=placed, promised_ship_at=placed + timedelta(days=1), warehouse_id=w.warehouse_id,
              customer_id=customer.id, ship_name="王芳", ship_address1="浦东新区世纪大道100号", ship_city="上海市",
              ship_region=region, ship_postcode="200120", ship_country=country, ship_phone="13800138000")
    goods = 0
    for i, (sku, qty) in enumerate(lines, start=1):
        p = session.scalar(select(Product).where(Product.sku == sku))
        o.lines.append(OrderLine(line_no=i, sku=sku, product_id=p.id, name=p.name_en, quantity=qty,
                                 unit_price_cents=p.price_cents, picked_quantity=qty, packed_quantity=qty))
        goods += qty * p.price_cents
    o.goods_cents, o.coupon_cents, o.points_used, o.points_cents = goods, coupon_cents, points_used, points_used
    o.shipping_cents = shipping_cents
    o.paid_cents = goods - coupon_cents - points_used + shipping_cents
    o.payment_status = "paid"
    session.add(o)
    session.flush()
    add_event(session, o, "received", Actor.system("INTAKE"), at=placed + timedelta(seconds=20))
    return o


def shipped_order(session, *, shipped_at: datetime | None = None, **kwargs) -> Order:
    """A packed order, labelled and closed out with the real shipping services: status shipped."""
    o = order(session, **kwargs)
    label_order(session, o, DESK, now=shipped_at, settings=SETTINGS)
    closeout(session, "SF" if _carrier_of(session, o) == "SF" else _carrier_of(session, o), DESK, now=shipped_at)
    session.flush()
    assert o.status == lc.SHIPPED, o.status
    return o


def _carrier_of(session, o: Order) -> str:
    from db.models.shipping import Carrier, Parcel

    parcel = session.scalar(select(Parcel).where(Parcel.order_id == o.id))
    return session.scalar(select(Carrier.code).where(Carrier.id == parcel.carrier_id))
