"""Orders for shipping tests, made directly with the ORM (the intake services are written elsewhere)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy import select

from app.domain import lifecycle
from db.models import Order, OrderLine, Product, Warehouse

_numbers = itertools.count(1)


def warehouse(session) -> Warehouse:
    found = session.scalar(select(Warehouse).where(Warehouse.code == "SH1"))
    if found:
        return found
    wh = Warehouse(code="SH1", name="Shanghai DC 上海仓", country="CN", region="Shanghai", city="Shanghai",
                   postcode="201100", latitude=31.2, longitude=121.5)
    session.add(wh)
    session.flush()
    return wh


def product(session, sku: str, weight_g: int = 400, dims=(200, 100, 80), name_zh: str = "蓝牙耳机") -> Product:
    found = session.scalar(select(Product).where(Product.sku == sku))
    if found:
        return found
    l, w, h = dims if dims else (None, None, None)
    p = Product(sku=sku, name_en=f"Item {sku}", name_zh=name_zh, price_cents=9900, weight_g=weight_g,
                length_mm=l, width_mm=w, height_mm=h)
    session.add(p)
    session.flush()
    return p


def packed_order(session, *, country="CN", region="Shanghai", city="上海", service_level="standard",
                 lines=(("SKU-1", 2),), weight_g=400, dims=(200, 100, 80), status=lifecycle.PACKED, number=None) -> Order:
    wh = warehouse(session)
    n = next(_numbers)
    order = Order(
        number=number or f"WS-{n:06d}", channel="web", external_id=f"ext-{n}-{id(session)}", status=status,
        placed_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC), service_level=service_level,
        ship_name="张伟", ship_address1="浦东新区世纪大道100号 25楼", ship_city=city, ship_region=region,
        ship_postcode="200120", ship_country=country, ship_phone="13800138000", warehouse_id=wh.id,
    )
    for i, (sku, qty) in enumerate(lines, start=1):
        p = product(session, sku, weight_g, dims)
        order.lines.append(OrderLine(line_no=i, sku=sku, product_id=p.id, name=p.name_en, quantity=qty,
                                     unit_price_cents=p.price_cents))
    session.add(order)
    session.flush()
    return order
