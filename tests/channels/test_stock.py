"""Stock back to the shop: available = on hand - reserved - quarantined, sent after every change, coalesced."""

from sqlalchemy import select

from app.catalogue.stock import adjust as adjust_stock
from app.channels.service import push_stock
from db.models import Bin, Product, Stock, Warehouse
from tests.channels.conftest import ADMIN


def _stocked(ctx, sku="SKU-1", on_hand=10, reserved=0):
    with ctx.sessions() as s, s.begin():
        wh = s.scalar(select(Warehouse).where(Warehouse.code == "WH1"))
        if wh is None:
            wh = Warehouse(code="WH1", name="Main", country="DE")
            s.add(wh)
            s.flush()
        b = Bin(warehouse_id=wh.id, code=f"A-{sku}", aisle=1, position=1.0)
        p = Product(sku=sku, name_en=sku)
        s.add_all([b, p])
        s.flush()
        s.add(Stock(warehouse_id=wh.id, bin_id=b.id, product_id=p.id, on_hand=on_hand, reserved=reserved))


def test_the_first_push_sends_every_product_then_only_what_changed(ctx, shop, channel):
    _stocked(ctx, "SKU-1", 10, reserved=3)
    _stocked(ctx, "SKU-2", 5)
    _stocked(ctx, "SKU-NOT-SOLD", 1)
    for sku in ("SKU-1", "SKU-2"):
        shop.add_product(sku, 0)
    first = push_stock(ctx.sessions, ctx.settings, channel)
    assert first.errors == [] and first.stock_sent == 2 and first.stock_unknown == ["SKU-NOT-SOLD"]
    assert shop.stock == {"SKU-1": 7, "SKU-2": 5}

    calls = len(shop.requests)
    assert push_stock(ctx.sessions, ctx.settings, channel).stock_sent == 0
    assert len(shop.requests) == calls  # nothing changed: the shop is not asked

    for _ in range(5):  # five changes of one product: sent once, as it is now
        adjust_stock(ctx.sessions, "SKU-2", "A-SKU-2", -1, "damaged", ADMIN)
    again = push_stock(ctx.sessions, ctx.settings, channel)
    assert again.stock_sent == 1 and shop.stock["SKU-2"] == 0 and shop.stock["SKU-1"] == 7


def test_a_shop_that_fails_keeps_the_cursor_and_gets_the_change_later(ctx, shop, channel):
    _stocked(ctx, "SKU-1", 4)
    shop.add_product("SKU-1", 0)
    push_stock(ctx.sessions, ctx.settings, channel)
    adjust_stock(ctx.sessions, "SKU-1", "A-SKU-1", 6, "found", ADMIN)
    shop.fail_next(502, raw=b"<html>Bad gateway</html>")
    failed = push_stock(ctx.sessions, ctx.settings, channel)
    assert failed.errors and "HTTP 502" in failed.errors[0] and shop.stock["SKU-1"] == 4
    later = push_stock(ctx.sessions, ctx.settings, channel, force=True)
    assert later.stock_sent == 1 and shop.stock["SKU-1"] == 10
