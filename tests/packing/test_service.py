"""The pack service on SQLite and PostgreSQL: scan to verify, refusals, captures, boxes, weight, completion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.devices.rfid import sgtin96
from app.errors import StationError
from app.orders.supervision import reassign_station
from app.packing.service import COMPLETE, NOT_UNDERSTOOD, OK, REFUSED
from app.uow import Actor
from db.models import Order, OrderEvent, OrderLine, Reservation, Stock
from db.models.packing import PackBox, PackBoxItem, PackScan
from db.models.shipping import Parcel, PrintJob
from tests.packing.factories import gs1, gtin14


def _order(ctx, number):
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        lines = {l.sku: (l.packed_quantity, l.quantity) for l in s.scalars(select(OrderLine).where(OrderLine.order_id == order.id))}
        return order.status, lines, order.tracking_number


def _future(days=400):
    return (date.today() + timedelta(days=days)).strftime("%y%m%d")


def test_a_five_item_order_packs_labels_and_prints_by_itself(ctx, bench, make_service, order_factory, printed):
    number = order_factory([("P-MUG", 1), ("P-CABLE", 2), ("P-SHIRT", 1), ("P-BOOK", 1)])
    service = make_service()
    opened = service.open(number)
    assert opened.verdict == OK and "5 item(s)" in opened.text()
    answers = [service.scan(code) for code in (
        "]E0" + bench.gtins["P-MUG"][1:],      # EAN-13 with its AIM identifier
        bench.gtins["P-CABLE"],                # plain GTIN-14
        "P-CABLE",                             # the SKU
        gs1(bench.gtins["P-SHIRT"]),           # GS1-128
    )]
    assert [a.verdict for a in answers] == [OK] * 4
    assert answers[1].packed == 1 and answers[2].packed == 2
    last = service.scan(bench.gtins["P-BOOK"])
    assert last.verdict == COMPLETE
    assert last.label_error is None, last.label_error
    status, lines, tracking = _order(ctx, number)
    assert status == "labelled" and tracking
    assert all(packed == quantity for packed, quantity in lines.values())
    assert [job for batch in printed.batches for job in batch] == last.print_jobs  # the label first, then the slip
    with ctx.sessions() as s:
        kinds = sorted(s.scalars(select(PrintJob.document_kind).where(PrintJob.id.in_(last.print_jobs))))
        assert kinds == ["label", "packing_slip"]
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        events = list(s.scalars(select(OrderEvent.kind).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)))
        assert events[-3:] == ["box_closed", "packed", "labelled"]
        assert s.scalar(select(func.count()).select_from(PackScan).where(PackScan.order_id == order_id)) == 5
        box = s.scalar(select(PackBox).where(PackBox.order_id == order_id))
        assert box.state == "closed" and box.carton_code and box.expected_weight_g > 0
        parcel = s.scalar(select(Parcel).where(Parcel.order_id == order_id))
        assert parcel.carton == box.carton_code and parcel.weight_g == box.expected_weight_g


def test_wrong_extra_unknown_and_unreadable_scans_are_refused_and_tick_nothing(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1), ("P-CABLE", 1)])
    service = make_service()
    service.open(number)
    assert service.scan(bench.gtins["P-MUG"]).verdict == OK
    extra = service.scan(bench.gtins["P-MUG"])
    assert (extra.verdict, extra.reason) == (REFUSED, "extra_item") and extra.message.severity == "bad"
    wrong = service.scan(bench.gtins["P-BOOK"])
    assert (wrong.verdict, wrong.reason) == (REFUSED, "wrong_item")
    unknown = service.scan(gtin14(999))
    assert (unknown.verdict, unknown.reason) == (REFUSED, "unknown_product")
    garbled = service.scan("06901234\x07000")
    assert garbled.verdict == NOT_UNDERSTOOD
    line_noise = service.scan("0690\x001234")  # journalled on PostgreSQL too, whose text holds no NUL
    assert line_noise.verdict == NOT_UNDERSTOOD and line_noise.text() == "Misread: noise on the line. Scan it again."
    bad_digit = service.scan("06901234900010")  # check digit off by one
    assert bad_digit.verdict == NOT_UNDERSTOOD
    assert bad_digit.text() == "Misread: the check digit does not match. Scan it again."
    assert bad_digit.text("zh_CN") == "读取有误：校验位不符。请重新扫描。"
    assert "Invalid" not in bad_digit.text() and "GTIN" not in bad_digit.text()  # no library wording on screen
    unknown_command = service.scan("CMD:FLY-AWAY")
    assert unknown_command.verdict == NOT_UNDERSTOOD
    case = service.scan(bench.cases["P-CABLE"])  # a case of 12 for a line of 1
    assert (case.verdict, case.reason) == (REFUSED, "too_many")
    _, lines, _ = _order(ctx, number)
    assert lines == {"P-MUG": (1, 1), "P-CABLE": (0, 1)}
    with ctx.sessions() as s:
        verdicts = list(s.scalars(select(PackScan.verdict).order_by(PackScan.id)))
    assert verdicts == [OK, REFUSED, REFUSED, REFUSED, NOT_UNDERSTOOD, NOT_UNDERSTOOD, NOT_UNDERSTOOD, NOT_UNDERSTOOD,
                        REFUSED]
    # Every refused or misread scan is on the order's timeline: what, why, who, where; the reader's own words
    # (the library's "Invalid GTIN check digit") kept there for whoever looks into it.
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        refused = list(s.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id, OrderEvent.kind == "scan_refused")
                                 .order_by(OrderEvent.id)))
    assert [e.data["reason"] for e in refused] == ["extra_item", "wrong_item", "unknown_product", "not_understood",
                                                   "not_understood", "not_understood", "not_understood", "too_many"]
    assert all(e.station == bench.station and e.user == bench.packer for e in refused)
    assert refused[1].data["scan"] == bench.gtins["P-BOOK"] and refused[1].data["message"] == "wrong_item"
    assert refused[4].data["scan"] == "0690<00>1234"
    assert "check digit" in refused[5].data["detail"] and refused[5].data["params"] == {"why": "check_digit"}


def test_another_orders_item_names_that_order(ctx, bench, make_service, order_factory):
    mine = order_factory([("P-MUG", 1)])
    other = order_factory([("P-BOOK", 1)], station=bench.station, status="packing")
    service = make_service()
    service.open(mine)
    answer = service.scan(bench.gtins["P-BOOK"])
    assert (answer.verdict, answer.reason) == (REFUSED, "other_order")
    assert other in answer.text()


def test_bulk_line_takes_a_case_and_a_count(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CABLE", 20), ("P-MUG", 1)])
    service = make_service()
    service.open(number)
    case = service.scan(bench.cases["P-CABLE"])
    assert case.verdict == OK and case.packed == 12 and case.next_step == "quantity"
    one = service.scan(bench.gtins["P-CABLE"])
    assert one.packed == 13
    too_many = service.scan("9")
    assert (too_many.verdict, too_many.reason) == (REFUSED, "too_many")
    count = service.scan("7")
    assert count.verdict == OK and count.packed == 20
    assert service.scan(bench.gtins["P-MUG"]).verdict == COMPLETE


def test_lot_and_expiry_are_captured_and_an_expired_lot_is_refused(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CREAM", 2), ("P-BOOK", 1)])
    service = make_service()
    service.open(number)
    # The GS1 barcode carries lot and expiry: ticked at once.
    first = service.scan(gs1(bench.gtins["P-CREAM"], lot="L100", expiry=_future()))
    assert first.verdict == OK and first.packed == 1
    # An expired lot is refused.
    expired = service.scan(gs1(bench.gtins["P-CREAM"], lot="L007", expiry="200131"))
    assert (expired.verdict, expired.reason) == (REFUSED, "expired")
    # A plain GTIN: the service asks for the lot, then the expiry.
    ask = service.scan(bench.gtins["P-CREAM"])
    assert (ask.verdict, ask.next_step) == (OK, "capture_lot")
    other_item = service.scan(bench.gtins["P-BOOK"])
    assert (other_item.verdict, other_item.reason) == (REFUSED, "capture_first")
    lot = service.scan("L200")
    assert lot.next_step == "capture_expiry"
    bad_date = service.scan("next year")
    assert (bad_date.verdict, bad_date.reason) == (REFUSED, "bad_expiry")
    done = service.scan((date.today() + timedelta(days=90)).isoformat())
    assert done.verdict == OK and done.packed == 2
    with ctx.sessions() as s:
        items = list(s.execute(select(PackBoxItem.lot, PackBoxItem.expiry).order_by(PackBoxItem.id)))
    assert [i.lot for i in items] == ["L100", "L200"]
    assert all(i.expiry > date.today() for i in items)


def test_serials_are_captured_once(ctx, bench, make_service, order_factory):
    number = order_factory([("P-WATCH", 2)])
    service = make_service()
    service.open(number)
    assert service.scan(gs1(bench.gtins["P-WATCH"], serial="SN1")).packed == 1
    dup = service.scan(gs1(bench.gtins["P-WATCH"], serial="SN1"))
    assert (dup.verdict, dup.reason) == (REFUSED, "duplicate_serial")
    assert service.scan(bench.gtins["P-WATCH"]).next_step == "capture_serial"
    assert service.scan("CMD:CANCEL").reason == "cancelled"
    assert service.scan(bench.gtins["P-WATCH"]).next_step == "capture_serial"
    assert service.scan("SN2").verdict == COMPLETE


def test_rfid_tags_tick_with_their_serial_and_a_tote_read_ticks_all(ctx, bench, make_service, order_factory):
    number = order_factory([("P-SHIRT", 3), ("P-BOOK", 1)])
    service = make_service()
    service.open(number)
    shirt = bench.gtins["P-SHIRT"]
    single = service.scan("epc:" + sgtin96(shirt, 1, 7))
    assert single.verdict == OK and single.packed == 1
    again = service.scan("epc:" + sgtin96(shirt, 1, 7))
    assert (again.verdict, again.reason) == (REFUSED, "duplicate_serial")
    tote = service.tote([sgtin96(shirt, 1, 7), sgtin96(shirt, 2, 7), sgtin96(shirt, 3, 7), sgtin96(bench.gtins["P-MUG"], 9, 7)])
    assert tote.verdict == REFUSED and "1 refused" in tote.text()
    _, lines, _ = _order(ctx, number)
    assert lines["P-SHIRT"] == (3, 3)
    final = service.tote([sgtin96(bench.gtins["P-BOOK"], 4, 7)])
    assert final.verdict == COMPLETE


def test_boxes_close_and_open_and_become_parcels(ctx, bench, make_service, order_factory):
    number = order_factory([("P-SHIRT", 1), ("P-BOOK", 1)])
    service = make_service()
    service.open(number)
    assert service.scan("CMD:CLOSE-BOX").reason == "box_empty"
    service.scan(bench.gtins["P-SHIRT"])
    closed = service.scan("CMD:CLOSE-BOX")
    assert closed.verdict == OK and closed.box_seq == 1
    chosen = service.choose_carton("BOX-3")
    assert chosen.verdict == OK
    last = service.scan(bench.gtins["P-BOOK"])
    assert last.verdict == COMPLETE and last.box_seq is None or last.verdict == COMPLETE
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        boxes = list(s.scalars(select(PackBox).where(PackBox.order_id == order_id).order_by(PackBox.seq)))
        parcels = list(s.scalars(select(Parcel).where(Parcel.order_id == order_id).order_by(Parcel.seq)))
    assert [b.state for b in boxes] == ["closed", "closed"]
    assert boxes[1].carton_code == "BOX-3"
    assert [p.carton for p in parcels] == [b.carton_code for b in boxes]
    assert parcels[0].count == 2


def test_partial_shipment_needs_a_supervisor_and_the_rest_stays_open(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1), ("P-BOOK", 2)])
    service = make_service()
    service.open(number)
    service.scan(bench.gtins["P-MUG"])
    service.scan(bench.gtins["P-BOOK"])
    ask = service.scan("CMD:NEXT-ORDER")
    assert (ask.verdict, ask.next_step) == (REFUSED, "supervisor_badge")
    packer = service.scan(bench.packer_badge)
    assert (packer.verdict, packer.reason) == (REFUSED, "not_supervisor")
    approved = service.scan(bench.supervisor_badge)
    assert approved.verdict == COMPLETE and approved.reason == "partial_shipped"
    rest_number = f"{number}-R1"
    assert rest_number in approved.text()
    status, lines, _ = _order(ctx, number)
    assert status == "labelled" and lines == {"P-MUG": (1, 1), "P-BOOK": (1, 1)}
    rest_status, rest_lines, _ = _order(ctx, rest_number)
    assert rest_status == "allocated" and rest_lines == {"P-BOOK": (0, 1)}
    with ctx.sessions() as s:
        rest_id = s.scalar(select(Order.id).where(Order.number == rest_number))
        assert s.scalar(select(func.sum(Reservation.quantity)).where(Reservation.order_id == rest_id)) == 1
        raws = list(s.scalars(select(PackScan.raw)))
    assert bench.supervisor_badge not in raws


def test_partial_shipment_to_backorder_gives_the_stock_back(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1), ("P-SHIRT", 1)])
    with ctx.sessions() as s:
        reserved_before = s.scalar(select(func.sum(Stock.reserved)))
    service = make_service()
    service.open(number)
    service.scan(bench.gtins["P-MUG"])
    assert service.request_partial("backorder").next_step == "supervisor_badge"
    approved = service.approve_partial(bench.supervisor_badge, "backorder")
    assert approved.verdict == COMPLETE
    rest_status, _, _ = _order(ctx, f"{number}-R1")
    assert rest_status == "backordered"
    with ctx.sessions() as s:
        assert s.scalar(select(func.sum(Stock.reserved))) == reserved_before - 1


def test_reassigned_mid_pack_the_packer_is_told_and_the_ticks_travel(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1), ("P-BOOK", 1), ("P-SHIRT", 1)])
    first = make_service()
    first.open(number)
    first.scan(bench.gtins["P-MUG"])
    first.scan(bench.gtins["P-BOOK"])
    reassign_station(ctx.sessions, number, bench.other_station, Actor(station="SUP", user="boss", role="supervisor"))
    told = first.scan(bench.gtins["P-SHIRT"])
    assert (told.verdict, told.reason) == (REFUSED, "taken_away")
    assert bench.other_station in told.text()
    _, lines, _ = _order(ctx, number)
    assert lines["P-SHIRT"] == (0, 1)
    second = make_service(bench.other_station)
    opened = second.open(number)
    assert "1 item(s)" in opened.text()
    assert second.scan(bench.gtins["P-SHIRT"]).verdict == COMPLETE


def test_a_new_service_resumes_the_same_order_box_and_step(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CREAM", 1), ("P-BOOK", 2)])
    first = make_service()
    first.open(number)
    first.scan(bench.gtins["P-BOOK"])
    assert first.scan(bench.gtins["P-CREAM"]).next_step == "capture_lot"
    # The station restarts: a new service finds the order and the step it was at.
    again = make_service()
    assert again.resume() == number
    view = again.view()
    assert view.next_step == "capture_lot" and view.open_box == 1
    assert [(l.sku, l.packed) for l in view.lines] == [("P-CREAM", 0), ("P-BOOK", 1)]
    assert again.scan("L1").next_step == "capture_expiry"


def test_open_refuses_an_order_held_elsewhere_or_not_packable(ctx, bench, make_service, order_factory):
    held = order_factory([("P-MUG", 1)], station=bench.other_station, status="packing")
    with pytest.raises(StationError, match="PACK-2"):
        make_service().open(held)
    review = order_factory([("P-MUG", 1)], status="review")
    with pytest.raises(StationError, match="review"):
        make_service().open(review)


def test_no_order_open_then_an_order_number_opens_it(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1)])
    service = make_service()
    none = service.scan(bench.gtins["P-MUG"])
    assert (none.verdict, none.reason) == (REFUSED, "no_order")
    opened = service.scan(number)
    assert opened.verdict == OK and opened.number == number
    assert service.scan(bench.gtins["P-MUG"]).verdict == COMPLETE


def test_a_scan_resent_with_the_same_key_is_not_counted_twice(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CABLE", 3)])
    service = make_service()
    service.open(number)
    assert service.scan(bench.gtins["P-CABLE"], key="scan-1").packed == 1
    resent = service.scan(bench.gtins["P-CABLE"], key="scan-1")
    assert resent.reason == "already_recorded"
    _, lines, _ = _order(ctx, number)
    assert lines["P-CABLE"] == (1, 3)


def test_a_database_outage_records_nothing_and_says_so(ctx, bench, make_service, order_factory):
    number = order_factory([("P-CABLE", 2)])
    service = make_service()
    service.open(number)
    from sqlalchemy.orm import sessionmaker

    from db.session import make_engine

    dead = make_engine("postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    service.sessions = sessionmaker(dead)
    answer = service.scan(bench.gtins["P-CABLE"])
    assert (answer.verdict, answer.reason) == (REFUSED, "db_unavailable")
    assert "NOT recorded" in answer.text()
    service.sessions = ctx.sessions
    _, lines, _ = _order(ctx, number)
    assert lines["P-CABLE"] == (0, 2)
    assert service.scan(bench.gtins["P-CABLE"]).packed == 1


def test_messages_come_in_chinese_too(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1)])
    service = make_service()
    service.open(number)
    answer = service.scan(bench.gtins["P-BOOK"])
    assert "不属于订单" in answer.text("zh_CN")


def test_reprint_after_the_order_is_done(ctx, bench, make_service, order_factory, printed):
    number = order_factory([("P-BOOK", 1)])
    service = make_service()
    service.open(number)
    assert service.scan(bench.gtins["P-BOOK"]).verdict == COMPLETE
    again = service.scan("CMD:REPRINT")
    assert again.verdict == OK and again.print_jobs
    assert printed.batches[-1] == again.print_jobs
    with ctx.sessions() as s:
        assert s.get(PrintJob, again.print_jobs[0]).document_kind == "label"
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        assert "label_reprinted" in s.scalars(select(OrderEvent.kind).where(OrderEvent.order_id == order_id)).all()
