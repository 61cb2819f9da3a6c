"""The scale at the pack bench, on SQLite and PostgreSQL: a stream of readings (several a second, as a polled
MT-SICS scale gives them) becomes a few weighings; 0 g is "put the box on the scale", never a mismatch; a
mismatch is told once per weighing; readings are never journalled and write no events of their own; one
weighing never closes two boxes; a supervisor's badge accepts a box as it is."""

from __future__ import annotations

from sqlalchemy import func, select

from app.packing.service import COMPLETE, OK, REFUSED, WEIGH
from app.packing.weighing import EMPTY, FAULT, MOVING, WEIGHING, ScaleWatch
from db.models import Order, OrderEvent
from db.models.packing import PackBox, PackScan
from db.models.shipping import Parcel


def _poll(service, grams, times=10, stable=True, condition="ok"):
    """What a scale polled five times a second says for two seconds: the answers the service gave."""
    return [a for a in (service.reading(grams, stable=stable, condition=condition) for _ in range(times)) if a is not None]


def _with_scale(make_service, number):
    """The pack service of a bench with a scale, the order open."""
    service = make_service()
    service.scale_connected(True)
    service.open(number)
    return service


def _events(ctx, number, kind=None):
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        stmt = select(OrderEvent.kind).where(OrderEvent.order_id == order_id)
        if kind:
            stmt = stmt.where(OrderEvent.kind == kind)
        return list(s.scalars(stmt.order_by(OrderEvent.id)))


def _journal(ctx, number):
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        return list(s.scalars(select(PackScan.kind).where(PackScan.order_id == order_id).order_by(PackScan.id)))


def _status(ctx, number):
    with ctx.sessions() as s:
        return s.scalar(select(Order.status).where(Order.number == number))


# --- the watch alone: plain Python -------------------------------------------------------------------------

def test_a_stream_of_readings_is_a_few_weighings():
    watch = ScaleWatch()
    assert watch.reading(0, stable=True, now=0.0).state == EMPTY
    assert all(watch.reading(0.4, stable=True, now=t / 5) is None for t in range(1, 20))  # empty, and says so once
    assert watch.reading(310, stable=False, now=4.0).state == MOVING
    first = watch.reading(905, stable=True, now=4.2)
    assert first.state == WEIGHING and first.weighing.grams == 905 and first.weighing.seq == 1
    # The same box repeated, with the scale's noise, is the same weighing: only its last sighting moves on.
    assert all(watch.reading(905 + d, stable=True, now=4.4 + t) is None for t, d in enumerate((1, -1, 2, 0, -2)))
    assert watch.current.seq == 1 and watch.current.seen == 8.4
    # An item added: a new weighing.
    second = watch.reading(1210, stable=True, now=9.0)
    assert second.weighing.seq == 2
    assert watch.reading(None, stable=False, condition="overload", now=9.2).state == FAULT
    assert watch.reading(None, stable=False, condition="overload", now=9.4) is None  # told once
    assert watch.reading(-12, stable=True, now=9.6).condition == "below zero"
    assert watch.reading(0, stable=True, now=9.8).state == EMPTY
    assert watch.reading(1210, stable=True, now=10.0).weighing.seq == 3  # put back on: a weighing of its own


# --- the service -------------------------------------------------------------------------------------------

def test_zero_grams_is_put_the_box_on_the_scale_never_a_mismatch(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1), ("P-BOOK", 1)])
    service = _with_scale(make_service, number)
    assert _poll(service, 0) == []  # the empty scale while the packer scans: nothing to say
    assert service.scan(bench.gtins["P-MUG"]).verdict == OK
    last = service.scan(bench.gtins["P-BOOK"])
    assert (last.verdict, last.reason, last.next_step) == (OK, "weigh", WEIGH)
    assert last.expected_g > 400 and str(last.expected_g) in last.text()
    assert last.line_id is not None and last.packed == 1  # the tick of the last item still shows
    assert _poll(service, 0, times=50) == []  # ten seconds of 0 g: waiting, no mismatch
    assert _poll(service, 0.3, times=5, stable=False) == []  # a wobble below the zero band
    assert _status(ctx, number) == "packing"
    assert _events(ctx, number, "weight_mismatch") == []


def test_a_mismatch_is_told_once_per_weighing_and_the_right_weight_labels(ctx, bench, make_service, order_factory):
    number = order_factory([("P-BOOK", 1)])
    service = _with_scale(make_service, number)
    waiting = service.scan(bench.gtins["P-BOOK"])
    expected = waiting.expected_g
    assert _poll(service, expected - 200, times=3, stable=False) == []  # being put down
    told = _poll(service, expected + 300, times=25)  # five seconds of a box that weighs too much
    assert [(a.verdict, a.reason, a.next_step) for a in told] == [(REFUSED, "weight_mismatch", WEIGH)]
    assert f"{expected + 300} g" in told[0].text() and told[0].expected_g == expected
    assert _events(ctx, number, "weight_mismatch") == ["weight_mismatch"]
    faults = _poll(service, None, times=10, stable=False, condition="overload")
    assert [a.reason for a in faults] == ["scale_fault"] and "overloaded" in faults[0].text()
    assert _poll(service, 0) == []  # the box taken off
    done = _poll(service, expected + 10, times=10)
    assert [a.verdict for a in done] == [COMPLETE]
    assert _status(ctx, number) == "labelled"
    with ctx.sessions() as s:
        box = s.scalar(select(PackBox).join(Order, Order.id == PackBox.order_id).where(Order.number == number))
        assert box.measured_weight_g == expected + 10 and box.weight_ok is True
        assert s.scalar(select(Parcel.weight_g).where(Parcel.order_id == box.order_id)) == expected + 10
    # Readings are not scans: the journal holds the one item scan; no event of the scale's own.
    assert _journal(ctx, number) == ["item"]
    assert _events(ctx, number) == ["claimed", "weight_mismatch", "box_closed", "packed", "labelled"]


def test_a_reading_from_before_the_box_was_closed_is_not_its_weight(ctx, bench, make_service, order_factory):
    number = order_factory([("P-BOOK", 1)])
    service = _with_scale(make_service, number)
    expected = service.view().expected_weight_g
    assert _poll(service, expected, times=3) == []  # the box on the scale while packing: not waited for yet
    waiting = service.scan(bench.gtins["P-BOOK"])
    assert waiting.reason == "weigh"
    # The next sighting of that same box, after the last item went in, is its weighing.
    assert [a.verdict for a in _poll(service, expected, times=5)] == [COMPLETE]


def test_one_weighing_never_closes_two_boxes(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1), ("P-BOOK", 1)])
    service = _with_scale(make_service, number)
    service.scan(bench.gtins["P-MUG"])
    close = service.scan("CMD:CLOSE-BOX")
    assert (close.reason, close.next_step) == ("weigh", WEIGH)
    # While box 1 waits on the scale, an item would go into it unweighed: refused.
    early = service.scan(bench.gtins["P-BOOK"])
    assert (early.verdict, early.reason) == (REFUSED, "weigh_first")
    closed = _poll(service, close.expected_g + 5)
    assert [a.reason for a in closed] == ["box_closed"]
    assert service.scan(bench.gtins["P-BOOK"]).reason == "weigh"  # box 2 waits
    assert _poll(service, close.expected_g + 5, times=20) == []  # box 1 left on the scale: already used
    assert _status(ctx, number) == "packing"
    assert _poll(service, 0) == []
    second = service.view().boxes[-1]
    done = _poll(service, second.expected_weight_g)
    assert [a.verdict for a in done] == [COMPLETE]
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        assert s.scalar(select(func.count()).select_from(PackBox).where(PackBox.order_id == order_id,
                                                                         PackBox.state == "closed")) == 2


def test_cancel_keeps_packing_into_the_box_that_waited(ctx, bench, make_service, order_factory):
    number = order_factory([("P-MUG", 1), ("P-BOOK", 1)])
    service = _with_scale(make_service, number)
    service.scan(bench.gtins["P-MUG"])
    assert service.scan("CMD:CLOSE-BOX").next_step == WEIGH
    assert service.scan("CMD:CANCEL").reason == "cancelled"
    last = service.scan(bench.gtins["P-BOOK"])
    assert (last.reason, last.box_seq) == ("weigh", 1)  # both items in box 1, which now waits for its weight


def test_a_supervisors_badge_accepts_a_box_that_does_not_match(ctx, bench, make_service, order_factory):
    number = order_factory([("P-BOOK", 1)])
    service = _with_scale(make_service, number)
    expected = service.scan(bench.gtins["P-BOOK"]).expected_g
    assert [a.reason for a in _poll(service, expected + 400)] == ["weight_mismatch"]
    packer = service.scan(bench.packer_badge)
    assert (packer.verdict, packer.reason) == (REFUSED, "not_supervisor")
    accepted = service.scan(bench.supervisor_badge)
    assert accepted.verdict == COMPLETE
    with ctx.sessions() as s:
        order_id = s.scalar(select(Order.id).where(Order.number == number))
        accepted_event = s.scalar(select(OrderEvent).where(OrderEvent.order_id == order_id,
                                                           OrderEvent.kind == "weight_accepted"))
        box = s.scalar(select(PackBox).where(PackBox.order_id == order_id))
        raws = list(s.scalars(select(PackScan.raw).where(PackScan.order_id == order_id)))
    assert accepted_event.user != bench.packer and accepted_event.data["measured_g"] == expected + 400
    assert box.measured_weight_g == expected + 400 and box.weight_ok is False
    assert bench.supervisor_badge not in raws and bench.packer_badge not in raws  # badges never journalled


def test_the_scale_going_away_while_a_box_waits_is_told_once(ctx, bench, make_service, order_factory):
    number = order_factory([("P-BOOK", 1)])
    service = _with_scale(make_service, number)
    service.scan(bench.gtins["P-BOOK"])
    told = service.scale_connected(False)
    assert told is not None and told.reason == "scale_fault" and "not connected" in told.text()
    assert service.scale_connected(False) is None
    assert _status(ctx, number) == "packing"  # resumable: the box waits
    service.scale_connected(True)
    expected = service.view().expected_weight_g
    assert [a.verdict for a in _poll(service, expected)] == [COMPLETE]


def test_a_station_without_a_scale_closes_without_weighing(ctx, bench, make_service, order_factory):
    number = order_factory([("P-BOOK", 1)])
    service = make_service()
    service.open(number)
    assert service.scan(bench.gtins["P-BOOK"]).verdict == COMPLETE
    with ctx.sessions() as s:
        box = s.scalar(select(PackBox).join(Order, Order.id == PackBox.order_id).where(Order.number == number))
    assert box.measured_weight_g is None and box.weight_ok is None
