"""Tracking lookup and carrier events, on SQLite and PostgreSQL, with orders labelled and closed out by the
real shipping services."""

from datetime import UTC, datetime, timedelta

import pytest

from app.aftersales import carrier_events, tracking
from app.errors import NotFound
from app.uow import UnitOfWork
from db.models.aftersales import CarrierEvent
from tests.aftersales import factories as f


@pytest.fixture
def shipped(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        order = f.shipped_order(uow.session)
        uow.commit()
        return order.number


def _parcel(session, number):
    from sqlalchemy import select

    from db.models import Order
    from db.models.shipping import Parcel

    order = session.scalar(select(Order).where(Order.number == number))
    return order, session.scalar(select(Parcel).where(Parcel.order_id == order.id))


def test_lookup_by_every_kind_of_query(ctx, shipped):
    with ctx.sessions() as s:
        order, parcel = _parcel(s, shipped)
        queries = {
            shipped: "order",
            parcel.tracking_number: "tracking_number",
            parcel.tracking_number.lower(): "tracking_number",
            "00" + parcel.sscc: "sscc",
            "]C1\x1d00" + parcel.sscc: "sscc",
            f"(00) {parcel.sscc[0]} {parcel.sscc[1:8]} {parcel.sscc[8:17]} {parcel.sscc[17]}": "sscc",
            f"http://127.0.0.1:8470/t/{parcel.tracking_token}": "qr",
        }
        for query, matched in queries.items():
            view = tracking.lookup(s, query)
            assert (view.number, view.matched) == (shipped, matched), query
        view = tracking.lookup(s, shipped)
        assert view.status == "shipped" and view.tracking_number == parcel.tracking_number
        assert [e.kind for e in view.events] == ["received", "labelled", "shipped"]
        assert view.events[1].station == "STATION-1" and view.events[1].user == "desk1"  # the shipping desk labelled it
        # expected: handed over today + the service's transit days to Shanghai (demo YRD/SF/EMS: 1-2 days)
        days = tracking.transit_days(s, parcel.service_id, order)
        assert view.expected_delivery == parcel.shipped_at.date() + timedelta(days=days)
        assert not view.delayed and "handed to" in view.where


def test_unknown_query_and_wrong_token(ctx, shipped):
    with ctx.sessions() as s:
        _order, parcel = _parcel(s, shipped)
        assert tracking.by_token(s, parcel.tracking_token).number == shipped
        for bad in ("", "short", "x" * 30, shipped):
            with pytest.raises(NotFound, match="no such tracking page"):
                tracking.by_token(s, bad)
        with pytest.raises(NotFound, match="no order, tracking number, SSCC or return 'NOPE-1'"):
            tracking.lookup(s, "NOPE-1")
        with pytest.raises(NotFound):
            tracking.lookup(s, "http://127.0.0.1:8470/t/not-a-token")
        with pytest.raises(NotFound):
            tracking.lookup(s, "   ")


def test_carrier_events_join_the_timeline_and_deliver_the_order(ctx, shipped):
    with UnitOfWork(ctx.sessions) as uow:
        order, parcel = _parcel(uow.session, shipped)
        tn = parcel.tracking_number
        base = parcel.shipped_at
        payload = {"carrier": "SF", "events": [
            {"tracking_number": tn, "event": "in_transit", "at": (base + timedelta(hours=3)).isoformat(), "location": "杭州转运中心", "id": "E1"},
            {"tracking_number": tn, "event": "Out for delivery", "at": (base + timedelta(hours=20)).isoformat(), "location": "上海浦东", "id": "E2"},
            {"tracking_number": "SF000000000X", "event": "in_transit", "at": base.isoformat()},
            {"tracking_number": tn, "event": "teleported", "at": base.isoformat()},
            {"tracking_number": tn, "event": "in_transit", "at": "2026-11-25 08:00"},
        ]}
        result = carrier_events.ingest(uow.session, payload, now=base + timedelta(days=1))
        uow.commit()
    assert result.accepted == 2 and result.duplicates == 0
    assert [r["record"] for r in result.rejected] == ["event 3", "event 4", "event 5"]
    assert "is not one of our parcels" in result.rejected[0]["error"]
    assert "teleported" in result.rejected[1]["error"] and "no time zone" in result.rejected[2]["error"]
    csv_text = (
        "tracking_number,event,at,location,detail,carrier,id\n"
        f"{tn},delivered,{(base + timedelta(hours=26)).isoformat()},上海,signed by 王芳,SF,E3\n"
        f"{tn},in_transit,{(base + timedelta(hours=3)).isoformat()},杭州转运中心,,SF,E1\n"
        f"{tn},delivered,yesterday,,,SF,E4\n"
    )
    with UnitOfWork(ctx.sessions) as uow:
        again = carrier_events.ingest_file(uow.session, csv_text.encode(), "sf.csv", now=base + timedelta(days=2))
        uow.commit()
    assert (again.accepted, again.duplicates) == (1, 1)
    assert again.rejected == [{"record": "line 4", "error": "at: 'yesterday' is not an ISO 8601 time"}]
    with ctx.sessions() as s:
        view = tracking.lookup(s, tn, now=base + timedelta(days=2))
        assert view.status == "delivered"
        kinds = [e.kind for e in view.events]
        assert kinds[-3:] == ["in_transit", "out_for_delivery", "delivered"]
        delivered = view.events[-1]
        assert delivered.location == "上海" and delivered.user == "carrier:SF"
        assert view.delivered_on == (base + timedelta(hours=26)).date()
        assert view.where.startswith("delivered to")
        from sqlalchemy import func, select

        assert s.scalar(select(func.count()).select_from(CarrierEvent)) == 3


def test_exception_and_overdue_parcels_show_a_delay(ctx, shipped):
    with UnitOfWork(ctx.sessions) as uow:
        order, parcel = _parcel(uow.session, shipped)
        at = parcel.shipped_at + timedelta(hours=5)
        carrier_events.ingest(uow.session, [{"tracking_number": parcel.tracking_number, "event": "exception",
                                             "at": at.isoformat(), "location": "杭州", "detail": "typhoon: roads closed"}],
                              now=at)
        uow.commit()
    with ctx.sessions() as s:
        view = tracking.lookup(s, shipped, now=at + timedelta(hours=1))
        assert view.delayed and "typhoon" in view.delay_reason and "held by the carrier at 杭州" == view.where
        late = tracking.lookup(s, shipped, now=datetime.combine(view.expected_delivery + timedelta(days=3), datetime.min.time(), UTC))
        assert late.delayed and late.delay_days == 3
