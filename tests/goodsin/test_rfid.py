"""A whole carton read by RFID at goods in (issue 18, item 2), on SQLite and PostgreSQL: each SGTIN tag one unit
of its GTIN, counted once on the delivery however often the carton is read; a lot-tracked product's tags wait for
the lot; a tag that is no item is told; the carton's products put away one after another; the Goods in screen takes
the reader's tote event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.devices.events import TagEvent, ToteReadEvent
from app.devices.rfid import sgtin96
from app.goodsin import service
from app.goodsin.session import ReceivingSession
from app.ui.feedback import Feedback
from app.ui.goodsin.screen import GoodsInScreen
from app.uow import Actor
from db.models import Bin, Stock
from tests.goodsin.conftest import DOCK, MUG_GTIN, SERUM_GTIN
from tests.shipping.factories import product

MUGS = [sgtin96(MUG_GTIN, n, 7) for n in range(1, 7)]
SERUMS = [sgtin96(SERUM_GTIN, n, 7) for n in range(1, 3)]
NOT_AN_ITEM = "E2801160600002084D6B4F7A"  # a tag with no GS1 EPC (a reusable tote's own tag)


def test_a_carton_counts_each_tag_once_and_lot_tracked_tags_wait_for_their_lot(ctx, dock):
    station = ReceivingSession(ctx.sessions, DOCK)
    station.open(dock)
    first = station.carton([*MUGS, MUGS[0], *SERUMS, NOT_AN_ITEM])  # one tag answered twice in the read
    assert first.verdict == "ok"
    assert first.message.startswith("carton read: 6 unit(s) counted (6 x MUG-1)")
    assert "SERUM-1: 2 tag(s) not counted: RFID tags carry no lot" in first.message
    assert "RFID tag E2801160600002084D6B4F7A: not an item tag" in first.message
    assert station.waiting is not None and station.waiting.quantity == 6
    # Read again with the serum's lot given: the mugs are not counted twice, the serum is.
    station.lot, station.expiry = "L42", date(2027, 6, 30)
    second = station.carton([*MUGS, *SERUMS])
    assert second.verdict == "ok" and "2 unit(s) counted (2 x SERUM-1)" in second.message
    assert "6 tag(s) read before, not counted again" in second.message
    third = station.carton(MUGS)
    assert third.verdict == "duplicate"
    state = service.delivery_state(ctx.sessions, dock)
    assert {line.sku: line.received for line in state.lines} == {"MUG-1": 6, "SERUM-1": 2, "LAMP-1": 0}


def test_a_cartons_products_are_put_away_one_after_another(ctx, dock):
    station = ReceivingSession(ctx.sessions, DOCK)
    station.open(dock)
    station.lot = "L42"
    station.expiry = date(2027, 6, 30)
    read = station.carton([*MUGS, *SERUMS])
    assert "8 unit(s) counted (6 x MUG-1, 2 x SERUM-1)" in read.message
    mug_bin = station.waiting.proposed_bin if station.waiting else ""
    first = station.put_away(mug_bin)
    assert "6 x MUG-1 put away" in first.message and "next: 2 x SERUM-1" in first.message
    assert station.waiting is not None and station.waiting.sku == "SERUM-1"
    second = station.put_away(station.waiting.proposed_bin)
    assert "2 x SERUM-1 put away" in second.message and station.waiting is None
    with ctx.sessions() as s:
        on_hand = dict(s.execute(select(Bin.code, func.sum(Stock.on_hand)).join(Bin, Bin.id == Stock.bin_id)
                                 .where(Stock.product_id == product(s, "MUG-1").id).group_by(Bin.code)).all())
    assert on_hand == {mug_bin: 6}


@dataclass
class Env:
    ctx: object
    feedback: Feedback

    @property
    def actor(self) -> Actor:
        return Actor(station="DOCK-1", user="lena", role="shipping")


def test_the_goods_in_screen_takes_the_readers_carton(ctx, dock, qtbot):
    screen = GoodsInScreen(Env(ctx, Feedback(sound=False)))
    qtbot.addWidget(screen)
    screen.open(dock)
    tags = tuple(TagEvent(epc=epc, gtin=MUG_GTIN, serial=str(n)) for n, epc in enumerate(MUGS, start=1))
    assert screen.on_carton(ToteReadEvent(tags=tags)) is True
    assert "6 unit(s) counted (6 x MUG-1)" in screen.message.text()
    assert screen.target.text().startswith("Put away to ")
