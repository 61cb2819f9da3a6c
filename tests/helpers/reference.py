"""A small, fully known warehouse set-up for service tests."""

from __future__ import annotations

from datetime import date, timedelta

from app.context import Context
from db.models import Bin, Product, ProductGtin, Replenishment, Stock, Warehouse

RESTOCK_DAY = date.today() + timedelta(days=6)


def seed_small_warehouse(ctx: Context, bj_capacity: int = 100) -> None:
    with ctx.sessions() as s, s.begin():
        sh = Warehouse(code="SH", name="Shanghai", country="CN", region="SH", latitude=31.23, longitude=121.47, daily_capacity=100)
        bj = Warehouse(code="BJ", name="Beijing", country="CN", region="BJ", latitude=39.9, longitude=116.4, daily_capacity=bj_capacity)
        s.add_all([sh, bj])
        s.flush()
        bins = {}
        for w in (sh, bj):
            for code in ("A01-01-1", "A01-02-1"):
                b = Bin(warehouse_id=w.id, code=code, aisle=1, position=float(code[4:6]), side="L", level=1)
                s.add(b)
                bins[(w.code, code)] = b
        mug = Product(sku="MUG", name_en="Mug", name_zh="杯子", price_cents=1500, weight_g=300,
                      gtins=[ProductGtin(gtin="06901234000016")])
        lamp = Product(sku="LAMP", name_en="Lamp", name_zh="台灯", price_cents=9900, weight_g=900)
        lamp_xl = Product(sku="LAMP-XL", name_en="Lamp XL", name_zh="大台灯", price_cents=12900, weight_g=1200)
        s.add_all([mug, lamp, lamp_xl])
        s.flush()
        lamp.substitutes.append(lamp_xl)
        s.add_all([
            Stock(product_id=mug.id, bin_id=bins[("SH", "A01-01-1")].id, warehouse_id=sh.id, on_hand=50),
            Stock(product_id=mug.id, bin_id=bins[("BJ", "A01-01-1")].id, warehouse_id=bj.id, on_hand=50),
            Stock(product_id=lamp.id, bin_id=bins[("SH", "A01-02-1")].id, warehouse_id=sh.id, on_hand=2),
            Stock(product_id=lamp_xl.id, bin_id=bins[("BJ", "A01-02-1")].id, warehouse_id=bj.id, on_hand=4),
            Replenishment(product_id=lamp.id, warehouse_id=sh.id, quantity=10, status="ordered", expected_on=RESTOCK_DAY),
        ])
