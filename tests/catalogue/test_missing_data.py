"""Issue 23 item 6: a product without weight or dimensions (as a Shopify import leaves it) still packs and ships:
the parcel takes the carton's size and the scale's weight, and the pack bench says so when the order opens.
Before the fix such an order stopped at ``packed`` ("has no weight in the catalogue") with no word at opening."""

from __future__ import annotations

from sqlalchemy import select

from app.packing.answers import COMPLETE, OK
from db.models import Bin, Order, Product, ProductGtin, Stock, Warehouse
from db.models.packing import PackBox
from db.models.shipping import Parcel
from tests.packing.factories import gtin14


def _bare_product(ctx) -> str:
    """P-BARE: a weight of 0 and no dimensions, with a GTIN and stock at the bench's warehouse."""
    with ctx.sessions() as s:
        wh = s.scalar(select(Warehouse).where(Warehouse.code == "PK"))
        p = Product(sku="P-BARE", name_en="Gift card holder", name_zh="礼品卡套", weight_g=0)
        p.gtins.append(ProductGtin(gtin=gtin14(99), units=1))
        s.add(p)
        s.flush()
        bin_id = s.scalar(select(Bin.id).where(Bin.warehouse_id == wh.id))
        s.add(Stock(product_id=p.id, bin_id=bin_id, warehouse_id=wh.id, on_hand=50, reserved=0))
        s.commit()
    return gtin14(99)


def _shipped(ctx, number):
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        box = s.scalar(select(PackBox).where(PackBox.order_id == order.id))
        parcel = s.scalar(select(Parcel).where(Parcel.order_id == order.id))
        return order.status, box, parcel


def test_without_a_scale_the_parcel_takes_the_cartons_size(ctx, bench, make_service, order_factory):
    gtin = _bare_product(ctx)
    number = order_factory([("P-BARE", 2)])
    service = make_service()
    opened = service.open(number)
    assert opened.verdict == OK
    assert "P-BARE: no weight or size in the catalogue" in opened.text()
    assert "carton's size" in opened.text()
    assert "P-BARE：商品资料中没有重量和尺寸" in opened.message.text("zh_CN")
    service.scan(gtin)
    last = service.scan(gtin)
    assert last.verdict == COMPLETE
    assert last.label_error is None, last.label_error
    status, box, parcel = _shipped(ctx, number)
    assert status == "labelled"
    assert box.carton_code and box.length_mm and box.width_mm and box.height_mm
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm) == (box.length_mm, box.width_mm, box.height_mm)
    assert parcel.weight_g == box.expected_weight_g > 0  # the carton and its material


def test_with_a_scale_the_parcel_takes_the_scales_weight(ctx, bench, make_service, order_factory):
    gtin = _bare_product(ctx)
    number = order_factory([("P-BARE", 1), ("P-BOOK", 1)])
    service = make_service()
    service.scale_connected(True)
    opened = service.open(number)
    assert "P-BARE: no weight or size in the catalogue. The box takes the carton's size and the scale's weight." in opened.text()
    service.scan(bench.gtins["P-BOOK"])
    waiting = service.scan(gtin)
    assert waiting.verdict == OK and waiting.next_step == "weigh"
    # Far from what the catalogue expects (it knows the book only): no mismatch, the scale's weight is the box's.
    answers = [a for a in (service.reading(1337, stable=True) for _ in range(10)) if a is not None]
    assert [a.verdict for a in answers] == [COMPLETE], [a.text() for a in answers]
    status, box, parcel = _shipped(ctx, number)
    assert status == "labelled"
    assert box.measured_weight_g == 1337 and parcel.weight_g == 1337
    assert parcel.length_mm == box.length_mm and box.length_mm


def test_a_product_with_its_data_says_nothing_more(ctx, bench, make_service, order_factory):
    number = order_factory([("P-BOOK", 1)])
    opened = make_service().open(number)
    assert opened.text() == f"Order {number}: 1 item(s) to scan."
