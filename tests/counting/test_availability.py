"""Stock to the shop (issue 18, item 7), on SQLite and PostgreSQL: every change of sellable stock is on
``stock_changes``, whichever path made it (a reservation, a count, an adjustment, a bin put in quarantine, a bare
UPDATE), a parcel shipped is not (on hand and reserved fall together); the products changed after a cursor come once
each with ``available = on hand - reserved - quarantined``; ``station stock available`` reads the same."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select, update

from app.catalogue.availability import available, changes_since
from app.catalogue.ledger import ship_reserved
from app.catalogue.stock import adjust
from app.cli.main import main
from app.counting.session import CountingSession
from app.orders.confirmation import confirm
from db.models import Bin, Stock
from tests.counting.conftest import BOSS, COUNTER, MUG_GTIN
from tests.shipping.factories import packed_order, product


def _cursor(ctx) -> int:
    return changes_since(ctx.sessions).cursor


def test_every_change_of_sellable_stock_is_recorded_and_read_once(room):
    start = _cursor(room)
    assert [(a.sku, a.available) for a in changes_since(room.sessions, start).products] == []
    # A reservation: the mug's sellable stock falls by 3.
    with room.sessions() as s:
        order = packed_order(s, lines=(("MUG-1", 3),), status="review", number="WS-AV1")
        assert confirm(s, order, BOSS) == "allocated"
        s.commit()
    reserved = changes_since(room.sessions, start)
    assert [(a.sku, a.on_hand, a.reserved, a.available) for a in reserved.products] == [("MUG-1", 20, 3, 17)]
    # The parcel ships: on hand and reserved fall together, nothing a shop sells changed.
    with room.sessions() as s:
        ship_reserved(s, order.id, BOSS, "WS-AV1")
        s.commit()
    assert changes_since(room.sessions, reserved.cursor).products == []
    # A correction, twice: the product comes once, with its availability now.
    adjust(room.sessions, "MUG-1", "A01-01-1", -1, "damaged", BOSS)
    adjust(room.sessions, "MUG-1", "A01-01-1", -1, "damaged", BOSS)
    twice = changes_since(room.sessions, reserved.cursor)
    assert [(a.sku, a.on_hand, a.available) for a in twice.products] == [("MUG-1", 15, 15)]
    # A count that finds one more.
    station = CountingSession(room.sessions, COUNTER)
    station.open("A01-01-1")
    station.scan("qty 16")
    station.scan(MUG_GTIN)
    closed = station.close().result
    assert closed is not None and closed.status == "posted"
    counted = changes_since(room.sessions, twice.cursor)
    assert [(a.sku, a.available) for a in counted.products] == [("MUG-1", 16)]
    # Whatever path changes stock, even a bare statement, is seen.
    with room.sessions() as s:
        s.execute(update(Stock).where(Stock.product_id == product(s, "SERUM-1").id).values(on_hand=Stock.on_hand + 5))
        s.commit()
    assert [(a.sku, a.available) for a in changes_since(room.sessions, counted.cursor).products] == [("SERUM-1", 15)]


def test_quarantine_and_expired_lots_are_not_for_sale(room):
    cursor = _cursor(room)
    with room.sessions() as s:
        shelf = s.scalar(select(Bin).where(Bin.code == "A01-02-1"))
        shelf.quarantine = True  # the serum's shelf leaked: set apart
        s.commit()
    moved = changes_since(room.sessions, cursor)
    assert [(a.sku, a.on_hand, a.quarantined, a.available) for a in moved.products] == [("SERUM-1", 10, 10, 0)]
    with room.sessions() as s:
        shelf = s.scalar(select(Bin).where(Bin.code == "A01-02-1"))
        shelf.quarantine = False
        s.add(Stock(product_id=product(s, "SERUM-1").id, bin_id=shelf.id, warehouse_id=shelf.warehouse_id, on_hand=4,
                    reserved=0, lot="OLD", expiry=date.today() - timedelta(days=1)))
        s.commit()
    [serum] = available(room.sessions, ["SERUM-1"])
    assert (serum.on_hand, serum.quarantined, serum.available) == (14, 4, 10)
    # Another warehouse's stock is not counted when the shop sells from SH1 only; a product without stock there is 0.
    [mug] = available(room.sessions, ["MUG-1"], ["NOWHERE"])
    assert (mug.sku, mug.on_hand, mug.available) == ("MUG-1", 0, 0)


def test_station_stock_available_reads_the_same(room, capsys):
    url = room.engine.url.render_as_string(hide_password=False)
    adjust(room.sessions, "MUG-1", "A01-01-1", 2, "found", BOSS)
    code = main(["--db", url, "stock", "available", "--since", "0", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["cursor"] > 0
    assert {a["sku"]: a["available"] for a in data["stock"]} == {"MUG-1": 22, "SERUM-1": 10}
    code = main(["--db", url, "stock", "available", "--since", str(data["cursor"]), "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["stock"] == []
    code = main(["--db", url, "stock", "available", "MUG-1", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["stock"][0]["available"] == 22
