"""A packer reading Chinese reads Chinese: a status inside a sentence is words (订单 WS1 正在审核), and an order
scanned that another station holds or that cannot be packed is told as itself, not wrapped in another sentence."""

from __future__ import annotations

from app.packing.messages import Message
from app.packing.service import REFUSED


def test_a_status_inside_a_sentence_reads_as_words():
    told = Message("not_packable", {"number": "WS1", "status": "packing"})
    assert told.text("zh_CN") == "订单 WS1 正在打包：现在不能打包。"
    assert told.text("en") == "Order WS1 is packing: it cannot be packed now."
    on_hold = Message("not_packable", {"number": "WS1", "status": "on_hold"})
    assert on_hold.text("zh_CN") == "订单 WS1 已暂停：现在不能打包。"
    assert on_hold.text("en") == "Order WS1 is on hold: it cannot be packed now."
    rest = Message("partial_shipped", {"number": "WS1", "rest": "WS1-R1", "status": "backordered"})
    assert "（缺货待补）" in rest.text("zh_CN")


def test_an_order_scanned_that_cannot_be_packed_is_told_in_chinese(ctx, bench, make_service, order_factory):
    held = order_factory([("P-MUG", 1)], station=bench.other_station, status="packing")
    review = order_factory([("P-MUG", 1)], status="review")
    service = make_service()
    elsewhere = service.scan(held)
    assert elsewhere.verdict == REFUSED
    assert elsewhere.text("zh_CN") == f"订单 {held} 正在工位 PACK-2 打包。"
    assert elsewhere.text("en") == f"Order {held} is being packed at station PACK-2."
    waiting = service.scan(review)
    assert waiting.verdict == REFUSED
    assert waiting.text("zh_CN") == f"订单 {review} 正在审核：现在不能打包。"
