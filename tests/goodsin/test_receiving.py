"""Goods in as a receiver does it (issue 18), on SQLite and PostgreSQL: a supplier's advice imported, the delivery
opened by its pallet's SSCC, items and cases scanned (lot and expiry from the GS1 data, asked for when missing),
units put away to the bin proposed (another with a reason), damaged units to quarantine, the delivery closed with its
discrepancies; the stock and its ledger exact; a backordered order released by the stock that came in; two stations
never count one delivery; the same scan replayed counts once; ``station receive`` feeds the same service."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.cli.main import main
from app.domain import lifecycle as lc
from app.errors import ConcurrencyConflict, InvalidInput, NotFound, PermissionDenied
from app.goodsin import service
from app.goodsin.queries import deliveries
from app.orders.confirmation import confirm
from app.uow import Actor, UnitOfWork
from db.models import Bin, Order, OrderEvent, Stock
from db.models.stock import StockLedgerEntry
from tests.goodsin.conftest import CASE_GTIN, CSV, DOCK, MUG_GTIN, PACKER, SERUM_GTIN, SSCC, TODAY
from tests.shipping.factories import packed_order, product


def _put(ctx, received: service.Received, bin_code: str, reason: str = "") -> service.PutAway:
    assert received.entry_id is not None, received
    return service.put_away(ctx.sessions, DOCK, received.entry_id, bin_code, reason)


def _on_hand(ctx, sku: str, bin_code: str | None = None) -> int:
    with ctx.sessions() as s:
        query = (select(func.coalesce(func.sum(Stock.on_hand), 0)).join(Bin, Bin.id == Stock.bin_id)
                 .where(Stock.product_id == product(s, sku).id))
        if bin_code:
            query = query.where(Bin.code == bin_code)
        return int(s.scalar(query) or 0)


def test_receive_put_away_and_close_with_the_discrepancies(ctx, dock, tmp_path):
    state = service.open_delivery(ctx.sessions, DOCK, f"(00) {SSCC}")  # the pallet label, as a person types it
    assert state.number == dock and state.status == "receiving" and state.receiving_station == "DOCK-1"
    assert [(line.sku, line.expected) for line in state.lines] == [("MUG-1", 24), ("SERUM-1", 10), ("LAMP-1", 3)]

    # A case of six mugs (its GTIN stands for 6), then three cases more and one loose mug: 25 of 24.
    first = service.receive(ctx.sessions, DOCK, dock, CASE_GTIN, today=TODAY)
    assert (first.verdict, first.quantity, first.proposed_bin) == ("ok", 6, "A01-01-1")
    done = _put(ctx, first, "A01-01-1")
    assert (done.quantity, done.bin) == (6, "A01-01-1")
    cases = service.receive(ctx.sessions, DOCK, dock, CASE_GTIN, quantity=18, today=TODAY)
    assert cases.proposed_bin == "A01-01-1"  # where the product lies already
    with pytest.raises(InvalidInput, match="say why"):
        _put(ctx, cases, "A02-05-1")
    _put(ctx, cases, "A02-05-1", "A01-01-1 is full")
    loose = service.receive(ctx.sessions, DOCK, dock, f"]C101{MUG_GTIN}", today=TODAY)
    assert loose.verdict == "over" and "1 more than announced" in loose.message

    # The serum tracks lot and expiry: a bare GTIN asks for them; GS1 data carries them.
    asked = service.receive(ctx.sessions, DOCK, dock, SERUM_GTIN, today=TODAY)
    assert asked.verdict == "ask_lot" and asked.entry_id is None
    expired = service.receive(ctx.sessions, DOCK, dock, f"]d201{SERUM_GTIN}17261130" + "10L41", today=TODAY)
    assert expired.verdict == "refused" and "expired on 2026-11-30" in expired.message
    serum = service.receive(ctx.sessions, DOCK, dock, f"]d201{SERUM_GTIN}17270630" + "10L42", quantity=8, today=TODAY)
    assert serum.verdict == "ok" and serum.proposed_bin != "H01-01-1"  # never into the dangerous-goods zone
    # Two damaged go to the quarantine at once, with their reason, not into sellable stock.
    broken = service.receive(ctx.sessions, DOCK, dock, f"]d201{SERUM_GTIN}17270630" + "10L42", quantity=2,
                             damaged="crushed carton", today=TODAY)
    assert broken.verdict == "quarantined" and "Q01-01-1" in broken.message
    assert _on_hand(ctx, "SERUM-1", "Q01-01-1") == 2

    # An item nobody announced is counted and shown.
    with UnitOfWork(ctx.sessions) as uow:
        product(uow.session, "VASE-1")
        uow.commit()
    stray = service.receive(ctx.sessions, DOCK, dock, "VASE-1", today=TODAY)
    assert stray.verdict == "unexpected" and "not on this delivery" in stray.message
    unknown = service.receive(ctx.sessions, DOCK, dock, "NOPE-404", today=TODAY)
    assert unknown.verdict == "refused" and "no product" in unknown.message

    with pytest.raises(InvalidInput, match="wait for put-away"):
        service.close_delivery(ctx.sessions, DOCK, dock)
    for entry in (loose, serum, stray):
        _put(ctx, entry, entry.proposed_bin)
    with pytest.raises(InvalidInput, match="already"):
        _put(ctx, serum, serum.proposed_bin)
    closed = service.close_delivery(ctx.sessions, DOCK, dock)
    report = {d.sku: (d.expected, d.received, d.damaged, d.short, d.over) for d in closed.lines}
    assert report == {"MUG-1": (24, 25, 0, 0, 1), "SERUM-1": (10, 8, 2, 0, 0), "LAMP-1": (3, 0, 0, 3, 0),
                      "VASE-1": (0, 1, 0, 0, 1)}
    assert not closed.exact

    # Stock and ledger: every unit once, with the delivery as the reference.
    assert (_on_hand(ctx, "MUG-1"), _on_hand(ctx, "SERUM-1"), _on_hand(ctx, "VASE-1")) == (25, 10, 1)
    with ctx.sessions() as s:
        lines = s.execute(select(StockLedgerEntry.reason, func.sum(StockLedgerEntry.delta))
                          .where(StockLedgerEntry.reference == dock).group_by(StockLedgerEntry.reason)).all()
        assert lines == [("receive", 36)]
        lot = s.execute(select(Stock.lot, Stock.expiry).join(Bin, Bin.id == Stock.bin_id)
                        .where(Bin.code == serum.proposed_bin)).one()
        assert tuple(lot) == ("L42", date(2027, 6, 30))
    with pytest.raises(InvalidInput, match="closed"):
        service.open_delivery(ctx.sessions, DOCK, dock)
    row = next(r for r in deliveries(ctx.sessions) if r.number == dock)
    assert (row.status, row.expected, row.received, row.damaged) == ("closed", 37, 34, 2)


def test_one_station_at_a_time_one_count_a_scan_and_the_dock_role(ctx, dock):
    service.open_delivery(ctx.sessions, DOCK, "DN-7781")  # the supplier's reference
    with pytest.raises(ConcurrencyConflict, match="being received at station DOCK-1"):
        service.open_delivery(ctx.sessions, Actor(station="DOCK-2", user="kim", role="shipping"), dock)
    first = service.receive(ctx.sessions, DOCK, dock, MUG_GTIN, scan_id="journal-1", today=TODAY)
    again = service.receive(ctx.sessions, DOCK, dock, MUG_GTIN, scan_id="journal-1", today=TODAY)
    assert again.verdict == "duplicate" and again.entry_id == first.entry_id
    assert service.delivery_state(ctx.sessions, dock).lines[0].received == 1
    with pytest.raises(PermissionDenied):
        service.receive(ctx.sessions, PACKER, dock, MUG_GTIN, today=TODAY)
    with pytest.raises(NotFound, match="no delivery"):
        service.open_delivery(ctx.sessions, DOCK, "DN-0000")
    with pytest.raises(NotFound, match="no bin"):
        _put(ctx, first, "Z99-99-9")
    with pytest.raises(NotFound, match="no station named DOCK-9"):
        service.open_delivery(ctx.sessions, Actor(station="DOCK-9", user="kim", role="shipping"), dock)


def test_the_same_advice_twice_changes_nothing_and_a_bad_one_writes_nothing(ctx, dock, tmp_path):
    again = tmp_path / "again.csv"
    again.write_text(CSV, encoding="utf-8")
    assert service.import_deliveries(ctx.sessions, DOCK, again, warehouse="SH1").unchanged == [dock]
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("DN-7781", "DN-7782").replace("LAMP-1", "GHOST-1"), encoding="utf-8")
    result = service.import_deliveries(ctx.sessions, DOCK, bad, warehouse="SH1")
    assert result.created == [] and any("GHOST-1" in r for r in result.rejected)
    assert [r.reference for r in deliveries(ctx.sessions)] == ["DN-7781"]


def test_stock_that_comes_in_releases_the_backordered_orders_most_urgent_first(ctx, dock):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        late = packed_order(s, lines=(("LAMP-1", 2),), status=lc.REVIEW, number="WS-LATE")
        urgent = packed_order(s, lines=(("LAMP-1", 2),), status=lc.REVIEW, number="WS-URGENT")
        urgent.priority = 2
        other = packed_order(s, lines=(("MUG-1", 1),), status=lc.REVIEW, number="WS-OTHER")
        for order in (late, urgent, other):
            order.warehouse_id = None
            # No lamps, no mugs yet: confirmation backorders them and writes their replenishment requests.
            assert confirm(s, order, DOCK) == lc.BACKORDERED
        uow.commit()
    service.open_delivery(ctx.sessions, DOCK, dock)
    lamps = service.receive(ctx.sessions, DOCK, dock, "LAMP-1", quantity=3, today=TODAY)
    done = _put(ctx, lamps, lamps.proposed_bin)
    assert done.released == ["WS-URGENT"]  # three lamps cover one order of two: the urgent one
    with ctx.sessions() as s:
        statuses = dict(s.execute(select(Order.number, Order.status)
                                 .where(Order.number.in_(["WS-LATE", "WS-URGENT"]))).all())
        assert statuses == {"WS-URGENT": "allocated", "WS-LATE": "backordered"}
        event = s.scalar(select(OrderEvent).join(Order).where(Order.number == "WS-URGENT",
                                                            OrderEvent.kind == "backorder_released"))
        assert event is not None and event.data["delivery"] == dock


def test_station_receive_feeds_the_same_service(ctx, dock, tmp_path, capsys):
    url = ctx.engine.url.render_as_string(hide_password=False)
    scans = tmp_path / "scans.txt"
    scans.write_text("\n".join([
        CASE_GTIN, "bin A01-01-1", "qty 18", CASE_GTIN, "bin A01-01-1",
        "qty 8", f"]d201{SERUM_GTIN}1727063010L42", "bin A02-01-1",
        "damaged torn", "qty 2", f"]d201{SERUM_GTIN}1727063010L42",
        "", "NOPE-404", "close"]) + "\n", encoding="utf-8")
    code = main(["--db", url, "receive", SSCC, "--scans", str(scans), "--station", "DOCK-1", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["delivery"] == dock
    assert [r["verdict"] for r in rows[1:]] == ["ok", "put_away", "ok", "put_away", "ok", "put_away", "quarantined",
                                                 "refused", "closed"]
    assert rows[4]["bin"] == "A01-01-1" and rows[4]["message"] == "18 x MUG-1 put away to A01-01-1"
    assert {line["sku"]: line["short"] for line in rows[-1]["lines"]} == {"MUG-1": 0, "SERUM-1": 0, "LAMP-1": 3}
    code = main(["--db", url, "deliveries", "list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert code == 0 and listed[0]["number"] == dock and (listed[0]["received"], listed[0]["damaged"]) == (32, 2)
    code = main(["--db", url, "receive", dock, "--scans", str(scans), "--station", "DOCK-1"])
    assert code == 1 and "closed" in capsys.readouterr().err
