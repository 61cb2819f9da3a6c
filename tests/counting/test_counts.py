"""Cycle counts as a counter and a supervisor do them (issue 18, item 6), on SQLite and PostgreSQL: a bin counted
blind, posted at once when it matches or differs within the threshold, held for a supervisor when it differs more;
approved counts on the stock ledger (reason ``count``); two stations never count one bin; the same scan replayed
counts once; units picked for orders not counted as missing; a short count sends the orders reserved there back to
confirmation; the plan of the bins due; ``station stock count`` feeds the same service."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.cli.main import main
from app.counting import queries, service
from app.counting.session import CountingSession
from app.domain.countplan import PlanRules
from app.errors import ConcurrencyConflict, InvalidInput, PermissionDenied
from db.models import Bin, Order, OrderEvent, Reservation, Stock
from db.models.stock import StockLedgerEntry
from tests.counting.conftest import BOSS, CASE_GTIN, COUNTER, EXPIRY, MUG_GTIN, OTHER, SERUM_GTIN
from tests.shipping.factories import packed_order, product

SERUM_L1 = f"]d201{SERUM_GTIN}17{EXPIRY:%y%m%d}10L1"


def _stock(ctx, sku: str, bin_code: str = "A01-01-1") -> tuple[int, int]:
    with ctx.sessions() as s:
        row = s.execute(select(Stock.on_hand, Stock.reserved).join(Bin, Bin.id == Stock.bin_id)
                        .where(Stock.product_id == product(s, sku).id, Bin.code == bin_code)).first()
        return (row.on_hand, row.reserved) if row else (0, 0)


def _ledger(ctx) -> list[tuple[str, int, str]]:
    with ctx.sessions() as s:
        return [(r.reason, r.delta, r.reference) for r in s.scalars(select(StockLedgerEntry).order_by(StockLedgerEntry.id))]


def _count(ctx, bin_code: str, *scans: str, actor=COUNTER) -> service.CountResult:
    station = CountingSession(ctx.sessions, actor)
    station.open(bin_code)
    for scan in scans:
        answer = station.scan(scan)
        assert answer.verdict in ("ok", "noted"), answer
    closed = station.close()
    assert closed.result is not None
    return closed.result


def test_a_blind_count_that_matches_is_posted_and_changes_nothing(room):
    station = CountingSession(room.sessions, COUNTER)
    opened = station.open("a01-01-1")
    assert opened.state is not None and opened.state.bin == "A01-01-1" and opened.state.lines == ()
    assert "A01-01-1" in opened.message
    counted = station.scan(CASE_GTIN)
    assert counted.verdict == "ok" and counted.message == "MUG-1: 6 counted, 6 so far"
    station.scan("qty 14")
    assert station.scan(MUG_GTIN).message == "MUG-1: 14 counted, 20 so far"
    # Blind: the counter's view holds what was counted, nothing of what the books say.
    assert station.number is not None
    state = service.count_state(room.sessions, station.number)
    assert [(l.sku, l.counted) for l in state.lines] == [("MUG-1", 20)]
    assert "expected" not in json.dumps(state.as_json())
    closed = station.scan("A01-01-1")  # the bin's label again: counted
    assert closed.verdict == "closed" and closed.result is not None
    assert closed.result.status == "posted" and closed.result.differences == ()
    assert closed.message.endswith("A01-01-1 is as the books say")
    assert _ledger(room) == [] and _stock(room, "MUG-1") == (20, 0)


def test_a_small_difference_is_posted_at_once_on_the_ledger(room):
    result = _count(room, "A01-01-1", "qty 19", MUG_GTIN)  # one mug missing: within max(2, 5 % of 20)
    assert result.status == "posted" and [(l.sku, l.expected, l.counted) for l in result.differences] == [("MUG-1", 20, 19)]
    assert _stock(room, "MUG-1") == (19, 0)
    assert _ledger(room) == [("count", -1, result.number)]


def test_a_large_difference_waits_for_a_supervisor(room):
    result = _count(room, "A01-01-1", "qty 12", MUG_GTIN)
    assert result.status == "review" and "supervisor" in result.message
    assert _stock(room, "MUG-1") == (20, 0) and _ledger(room) == []
    assert [(w.number, w.bin, w.needing_approval) for w in queries.waiting_counts(room.sessions)] == [
        (result.number, "A01-01-1", 1)]
    # The bin cannot be counted again while its count waits; the counter may not approve it.
    with pytest.raises(InvalidInput, match="waits for a supervisor"):
        service.open_count(room.sessions, OTHER, "A01-01-1")
    with pytest.raises(PermissionDenied):
        service.decide_count(room.sessions, COUNTER, result.number, approve=True)
    # A supervisor sees what the books said, and approves.
    shown = queries.count_result(room.sessions, result.number)
    assert [(l.expected, l.counted, l.delta, l.needs_approval) for l in shown.lines] == [(20, 12, -8, True)]
    approved = service.decide_count(room.sessions, BOSS, result.number, approve=True, note="recounted with Lena")
    assert approved.status == "posted" and _stock(room, "MUG-1") == (12, 0)
    assert _ledger(room) == [("count", -8, result.number)]
    with pytest.raises(InvalidInput, match="does not wait for approval"):
        service.decide_count(room.sessions, BOSS, result.number, approve=True)  # approved twice: posted once
    assert _ledger(room) == [("count", -8, result.number)]


def test_a_refused_count_changes_nothing_and_the_bin_is_counted_again(room):
    first = _count(room, "A01-01-1", "qty 2", MUG_GTIN)
    refused = service.decide_count(room.sessions, BOSS, first.number, approve=False)
    assert refused.status == "cancelled" and "count bin A01-01-1 again" in refused.message
    assert _stock(room, "MUG-1") == (20, 0)
    again = _count(room, "A01-01-1", "qty 20", MUG_GTIN)
    assert again.status == "posted" and again.number != first.number


def test_two_stations_never_count_one_bin_and_a_station_goes_on_with_its_own(room):
    first = service.open_count(room.sessions, COUNTER, "A01-01-1")
    with pytest.raises(ConcurrencyConflict, match="being counted at COUNT-1"):
        service.open_count(room.sessions, OTHER, "A01-01-1")
    with pytest.raises(InvalidInput, match="not open at this station"):
        service.count_scan(room.sessions, OTHER, first.number, MUG_GTIN)
    service.count_scan(room.sessions, COUNTER, first.number, MUG_GTIN)
    again = CountingSession(room.sessions, COUNTER).open("A01-01-1")  # the station restarted
    assert again.state is not None and again.state.number == first.number and again.state.units == 1
    assert "1 unit(s) counted so far" in again.message


def test_a_replayed_scan_counts_once_and_a_miscount_is_taken_back(room):
    count = service.open_count(room.sessions, COUNTER, "A01-01-1")
    assert service.count_scan(room.sessions, COUNTER, count.number, CASE_GTIN, scan_id="s-1").total == 6
    assert service.count_scan(room.sessions, COUNTER, count.number, CASE_GTIN, scan_id="s-1").verdict == "duplicate"
    taken = service.count_scan(room.sessions, COUNTER, count.number, MUG_GTIN, quantity=-1)
    assert (taken.verdict, taken.total) == ("ok", 5)
    below = service.count_scan(room.sessions, COUNTER, count.number, MUG_GTIN, quantity=-9)
    assert below.verdict == "refused" and "only 5 counted" in below.message
    unknown = service.count_scan(room.sessions, COUNTER, count.number, "NOPE-404")
    assert unknown.verdict == "refused" and "no product" in unknown.message
    assert service.count_scan(room.sessions, COUNTER, count.number, "]C1garbled\x00").verdict in ("refused",)
    assert service.count_state(room.sessions, count.number).units == 5


def test_a_lot_tracked_product_is_counted_by_lot_and_a_lot_found_is_added(room):
    station = CountingSession(room.sessions, COUNTER)
    station.open("A01-02-1")
    asked = station.scan(SERUM_GTIN)  # a plain GTIN: which lot?
    assert asked.verdict == "ask_lot"
    station.scan("lot L2")
    station.scan("qty 2")
    assert station.scan(SERUM_GTIN).message == "SERUM-1 lot L2: 2 counted, 2 so far"
    station.scan("qty 10")
    assert station.scan(SERUM_L1).verdict == "ok"
    closed = station.close().result
    assert closed is not None and closed.status == "posted"  # 2 units of a lot the books lacked: within the threshold
    assert [(l.lot, l.expected, l.counted) for l in closed.lines] == [("L1", 10, 10), ("L2", 0, 2)]
    with room.sessions() as s:
        lots = dict(s.execute(select(Stock.lot, Stock.on_hand).where(Stock.product_id == product(s, "SERUM-1").id)).all())
    assert lots == {"L1": 10, "L2": 2}


def test_units_picked_for_orders_are_not_missing_from_the_bin(room):
    with room.sessions() as s:
        order = packed_order(s, lines=(("MUG-1", 4),), status="packing")
        stock = s.scalar(select(Stock).where(Stock.product_id == product(s, "MUG-1").id))
        stock.reserved = 4
        s.add(Reservation(order_id=order.id, line_id=order.lines[0].id, stock_id=stock.id, quantity=4))
        s.commit()
    result = _count(room, "A01-01-1", "qty 16", MUG_GTIN)  # 4 mugs are in a parcel at the pack bench
    assert result.status == "posted" and result.differences == ()
    assert _stock(room, "MUG-1") == (20, 4)


def test_a_short_count_sends_the_orders_reserved_there_back_to_confirmation(room):
    with room.sessions() as s:
        order = packed_order(s, lines=(("MUG-1", 15),), status="allocated", number="WS-SHORT")
        stock = s.scalar(select(Stock).where(Stock.product_id == product(s, "MUG-1").id))
        stock.reserved = 15
        s.add(Reservation(order_id=order.id, line_id=order.lines[0].id, stock_id=stock.id, quantity=15))
        s.commit()
    result = _count(room, "A01-01-1", "qty 5", MUG_GTIN)
    approved = service.decide_count(room.sessions, BOSS, result.number, approve=True)
    assert approved.reallocated == ("WS-SHORT",)
    assert _stock(room, "MUG-1") == (5, 0)
    with room.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == "WS-SHORT"))
        assert order.status == "backordered"
        kinds = list(s.scalars(select(OrderEvent.kind).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)))
        assert "stock_counted_short" in kinds
        assert s.scalar(select(func.count()).select_from(Reservation).where(Reservation.order_id == order.id)) == 0


def test_the_count_plan_lists_the_bins_due_and_a_posted_count_takes_its_bin_off(room):
    today = date.today()
    due = queries.count_plan(room.sessions, "SH1", PlanRules(), today)
    assert [b.code for b in due] == ["A01-01-1", "A01-02-1"]  # with stock, never counted; quarantine never
    assert [b.code for b in queries.count_plan(room.sessions, "SH1", PlanRules(empty_bins=True), today)] == [
        "A01-01-1", "A01-02-1", "A02-01-1"]
    _count(room, "A01-01-1", "qty 20", MUG_GTIN)
    assert [b.code for b in queries.count_plan(room.sessions, "SH1", PlanRules(), today)] == ["A01-02-1"]
    later = queries.count_plan(room.sessions, "SH1", PlanRules(every_days=90), today + timedelta(days=91))
    # The bin overdue by a day first, then the one never counted (due today, overdue by none).
    assert [(b.code, b.overdue_days) for b in later] == [("A01-01-1", 1), ("A01-02-1", 0)]


def test_station_stock_count_feeds_the_same_service(room, tmp_path, capsys):
    url = room.engine.url.render_as_string(hide_password=False)
    scans = tmp_path / "count.txt"
    scans.write_text("\n".join([CASE_GTIN, "qty 3", MUG_GTIN, "", "NOPE-404"]) + "\n", encoding="utf-8")
    code = main(["--db", url, "stock", "count", "A01-01-1", "--scans", str(scans), "--station", "COUNT-1", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["bin"] == "A01-01-1" and rows[0]["status"] == "counting"
    assert [r["verdict"] for r in rows[1:-1]] == ["ok", "ok", "refused"]
    closed = rows[-1]
    assert closed["status"] == "review" and closed["lines"] == [{"sku": "MUG-1", "lot": "", "counted": 9}]
    assert "expected" not in json.dumps(closed)
    code = main(["--db", url, "stock", "counts", "--json"])
    waiting = json.loads(capsys.readouterr().out)
    assert code == 0 and [w["number"] for w in waiting] == [closed["number"]]
    code = main(["--db", url, "stock", "plan", "--warehouse", "SH1", "--json"])
    assert code == 0 and [b["bin"] for b in json.loads(capsys.readouterr().out)] == ["A01-02-1"]


def test_a_station_restarted_mid_count_goes_on_with_it(room):
    station = CountingSession(room.sessions, COUNTER)
    station.open("A01-01-1")
    station.scan(MUG_GTIN)
    again = CountingSession(room.sessions, COUNTER)
    resumed = again.resume()
    assert resumed is not None and resumed.state is not None and resumed.state.units == 1
    assert again.number == station.number and again.bin == "A01-01-1"
    assert CountingSession(room.sessions, OTHER).resume() is None
