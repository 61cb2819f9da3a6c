"""label_order, enqueue_documents, reprint, void and close-out against real databases."""

import csv
import io

import pytest
from sqlalchemy import func, select

from app.domain import lifecycle
from app.errors import InvalidInput
from app.shipping import service, sscc, tracking
from app.shipping.carriers import seed_carriers
from app.shipping.manifest import closeout
from app.shipping.rates import MissingDimensions, NotCovered, OverWeight, ParcelSpec
from app.uow import UnitOfWork
from db.models import Order, OrderEvent
from db.models.shipping import Carrier, CarrierService, Parcel, PrintJob
from tests.shipping.factories import packed_order


def events(session, order):
    return [e.kind for e in session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id))]


def test_seed_carriers_is_idempotent(shipping_ctx):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        before = uow.session.scalar(select(func.count()).select_from(CarrierService))
        seed_carriers(uow.session)
        uow.commit()
        assert uow.session.scalar(select(func.count()).select_from(CarrierService)) == before
        assert set(uow.session.scalars(select(Carrier.code))) == {"SF", "EMS", "UPS", "YRD"}


def test_label_order_rate_shops_and_labels(shipping_ctx, actor):
    settings = shipping_ctx.settings
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s, region="Guangdong", city="深圳")
        parcels = service.label_order(s, order, actor, settings=settings)
        uow.commit()
        assert order.status == lifecycle.LABELLED
        assert len(parcels) == 1
        p = parcels[0]
        # Guangdong is outside the regional courier: SF Standard is the cheapest national service.
        assert p.service.code == "EMS-STD" or p.service.code == "SF-STD"
        result, _, _ = service.quote_order(s, order)
        assert p.rate_cents == min(q.price_cents for q in result.quotes)
        assert tracking.is_valid(p.tracking_number)
        assert sscc.is_valid(p.sscc)
        assert order.tracking_number == p.tracking_number
        assert len(p.tracking_token) >= 32
        assert events(s, order)[-1] == lifecycle.LABELLED


def test_parcels_n_of_m_and_override(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s, region="Shanghai")
        specs = [ParcelSpec(1200, 300, 200, 150, "M"), ParcelSpec(800, 200, 150, 100, "S")]
        parcels = service.label_order(s, order, actor, specs, service_code="SF-NEXT", settings=shipping_ctx.settings)
        uow.commit()
        assert [(p.seq, p.count) for p in parcels] == [(1, 2), (2, 2)]
        assert all(p.service.code == "SF-NEXT" and p.service_overridden for p in parcels)
        assert len({p.tracking_number for p in parcels}) == 2
        assert len({p.sscc for p in parcels}) == 2
        labelled = s.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == "labelled"))
        assert labelled.data["overridden"] is True and labelled.data["parcels"] == 2


@pytest.mark.parametrize(
    "kwargs, specs, error, text",
    [
        (dict(country="BR", region=""), [ParcelSpec(500, 200, 100, 100)], NotCovered, "no carrier delivers"),
        (dict(country="CN", region="Beijing"), [ParcelSpec(80000, 600, 400, 400)], OverWeight, "split it"),
        (dict(country="CN", region="Beijing"), [ParcelSpec(800, None, None, None)], MissingDimensions, "dimensions"),
    ],
)
def test_bad_input_explains_and_changes_nothing(shipping_ctx, actor, kwargs, specs, error, text):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = packed_order(uow.session, **kwargs)
        uow.commit()
        number = order.number
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = uow.session.scalar(select(Order).where(Order.number == number))
        with pytest.raises(error, match=text):
            service.label_order(uow.session, order, actor, specs, settings=shipping_ctx.settings)
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = uow.session.scalar(select(Order).where(Order.number == number))
        assert order.status == lifecycle.PACKED and order.tracking_number is None
        assert uow.session.scalar(select(func.count()).select_from(Parcel)) == 0


def test_tibet_is_served_by_the_post_only(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = packed_order(uow.session, region="西藏自治区", city="拉萨")
        parcels = service.label_order(uow.session, order, actor, [ParcelSpec(500, 200, 100, 100)],
                                      settings=shipping_ctx.settings)
        assert parcels[0].service.code in ("EMS-STD", "SF-STD")


def test_only_packed_orders_are_labelled(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = packed_order(uow.session, status=lifecycle.PICKING)
        with pytest.raises(InvalidInput, match="only a packed order"):
            service.label_order(uow.session, order, actor, settings=shipping_ctx.settings)


def test_enqueue_documents_is_idempotent(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        service.set_printer(s, "SHIP-1", "label", "tcp://127.0.0.1:9", "zpl", 300)
        order = packed_order(s)
        service.label_order(s, order, actor, settings=shipping_ctx.settings)
        jobs = service.enqueue_documents(s, order, "SHIP-1", actor=actor, settings=shipping_ctx.settings)
        again = service.enqueue_documents(s, order, "SHIP-1", actor=actor, settings=shipping_ctx.settings)
        uow.commit()
        assert [j.id for j in jobs] == [j.id for j in again]
        assert [j.document_kind for j in jobs] == ["label", "packing_slip"]
        assert jobs[0].format == "zpl" and jobs[0].payload.startswith(b"^XA") and b"^PW1200" in jobs[0].payload
        assert jobs[1].payload.startswith(b"%PDF")
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 2


def test_reprint_needs_a_reason_and_is_logged(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s)
        (parcel,) = service.label_order(s, order, actor, settings=shipping_ctx.settings)
        with pytest.raises(InvalidInput, match="say why"):
            service.reprint_label(s, parcel, actor, "  ", settings=shipping_ctx.settings)
        job = service.reprint_label(s, parcel, actor, "label torn", settings=shipping_ctx.settings)
        uow.commit()
        assert job.state == "queued" and parcel.reprints == 1
        event = s.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == "label_reprinted"))
        assert event.user == "alice" and event.data["reason"] == "label torn"


def test_void_releases_numbers_and_order_goes_back(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s)
        (first,) = service.label_order(s, order, actor, settings=shipping_ctx.settings)
        service.enqueue_documents(s, order, "SHIP-1", settings=shipping_ctx.settings)
        service.void_labels(s, order, actor, "wrong address")
        uow.commit()
        assert order.status == lifecycle.PACKED and order.tracking_number is None
        assert first.voided and first.status == "voided"
        assert {j.state for j in s.scalars(select(PrintJob).where(PrintJob.order_id == order.id))} == {"cancelled"}
        (second,) = service.label_order(s, order, actor, settings=shipping_ctx.settings)
        uow.commit()
        assert second.tracking_number != first.tracking_number
        assert order.tracking_number == second.tracking_number
        assert "label_voided" in events(s, order)


def test_closeout_ships_every_parcel_on_the_manifest(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        orders = [packed_order(s, region="Beijing") for _ in range(3)]
        for o in orders:
            service.label_order(s, o, actor, [ParcelSpec(900, 200, 150, 100)], service_code="SF-STD",
                                settings=shipping_ctx.settings)
        other = packed_order(s, region="Beijing")
        service.label_order(s, other, actor, [ParcelSpec(900, 200, 150, 100)], service_code="EMS-STD",
                            settings=shipping_ctx.settings)
        manifest = closeout(s, "SF", actor)
        uow.commit()
        assert manifest.parcel_count == 3
        rows = list(csv.DictReader(io.StringIO(manifest.csv)))
        assert sorted(r["order"] for r in rows) == sorted(o.number for o in orders)
        assert manifest.pdf.startswith(b"%PDF")
        assert all(o.status == lifecycle.SHIPPED for o in orders)
        assert other.status == lifecycle.LABELLED
        with pytest.raises(InvalidInput, match="nothing to close out"):
            closeout(s, "SF", actor)
        with pytest.raises(InvalidInput, match="shipped"):
            service.void_labels(s, orders[0], actor, "too late")


def test_find_order_by_tracking_number_and_sscc(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s)
        (p,) = service.label_order(s, order, actor, settings=shipping_ctx.settings)
        uow.commit()
        assert service.find_order(s, p.tracking_number).id == order.id
        assert service.find_order(s, "00" + p.sscc).id == order.id
        assert service.find_order(s, order.number).id == order.id


def test_find_by_scans_of_the_label(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s)
        (p,) = service.label_order(s, order, actor, settings=shipping_ctx.settings)
        uow.commit()
        qr = f"{shipping_ctx.settings.tracking_base_url}/t/{p.tracking_token}"
        assert service.find_parcel(s, qr).id == p.id
        assert service.find_parcel(s, "]C100" + p.sscc).id == p.id
        assert service.find_order(s, qr).id == order.id
        with pytest.raises(service.NotFound):
            service.find_parcel(s, f"{shipping_ctx.settings.tracking_base_url}/t/not-a-token")


def test_closeout_leaves_held_orders_behind(shipping_ctx, actor):
    from app.orders.timeline import move
    from app.shipping.manifest import open_parcels

    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        ready, held = packed_order(s, region="Beijing"), packed_order(s, region="Beijing")
        for o in (ready, held):
            service.label_order(s, o, actor, [ParcelSpec(900, 200, 150, 100)], service_code="SF-STD",
                                settings=shipping_ctx.settings)
        move(s, held, lifecycle.ON_HOLD, actor)
        manifest = closeout(s, "SF", actor)
        uow.commit()
        assert manifest.parcel_count == 1
        assert ready.status == lifecycle.SHIPPED and held.status == lifecycle.ON_HOLD
        sf = s.scalar(select(Carrier).where(Carrier.code == "SF"))
        assert [p.order_id for p in open_parcels(s, sf, held=True)] == [held.id]


def test_address_too_long_for_the_label_is_refused_before_numbers_are_given(shipping_ctx, actor):
    from app.shipping.label_pdf import AddressTooLong

    with UnitOfWork(shipping_ctx.sessions) as uow:
        order = packed_order(uow.session)
        order.ship_address1 = order.ship_address2 = "科技园社区科苑路15号 科兴科学园 B栋4单元 1501室 " * 8
        with pytest.raises(AddressTooLong, match="shorten"):
            service.label_order(uow.session, order, actor, settings=shipping_ctx.settings)
        assert order.status == lifecycle.PACKED
        assert uow.session.scalar(select(func.count()).select_from(Parcel)) == 0


def test_zpl_printer_without_cjk_font_gets_bitmaps(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        service.set_printer(s, "SHIP-1", "label", "tcp://127.0.0.1:9", "zpl", 203, "graphic")
        order = packed_order(s)
        service.label_order(s, order, actor, settings=shipping_ctx.settings)
        (job,) = service.enqueue_documents(s, order, "SHIP-1", include_slip=False, settings=shipping_ctx.settings)
        assert b"^GFA," in job.payload and "张伟".encode() not in job.payload
        with pytest.raises(InvalidInput, match="font or graphic"):
            service.set_printer(s, "SHIP-1", "label", "tcp://127.0.0.1:9", "zpl", 203, "ascii-art")


def test_closeout_takes_the_shipped_units_off_the_shelf_on_the_ledger(shipping_ctx, actor):
    """Reserved at confirmation, the units leave on-hand stock when the order ships (close-out), each stock row
    with a ``ship`` line on the ledger; an order still labelled keeps its reservation and its stock."""
    from db.models import Bin, Reservation, Stock
    from db.models.stock import StockLedgerEntry

    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        shipped = packed_order(s, region="Beijing", lines=(("SKU-SHIP", 3),))
        waiting = packed_order(s, region="Beijing", lines=(("SKU-SHIP", 2),))
        bins = [Bin(warehouse_id=shipped.warehouse_id, code=f"S01-0{n}-1", aisle=1, position=float(n)) for n in (1, 2)]
        s.add_all(bins)
        s.flush()
        product_id = shipped.lines[0].product_id
        rows = [Stock(product_id=product_id, bin_id=b.id, warehouse_id=b.warehouse_id, on_hand=10, reserved=0, lot="")
                for b in bins]
        s.add_all(rows)
        s.flush()
        # 3 units for the first order from two bins (2 + 1), 2 for the second from the first bin
        for order, stock, quantity in ((shipped, rows[0], 2), (shipped, rows[1], 1), (waiting, rows[0], 2)):
            s.add(Reservation(order_id=order.id, line_id=order.lines[0].id, stock_id=stock.id, quantity=quantity))
            stock.reserved += quantity
        for o, code in ((shipped, "SF-STD"), (waiting, "EMS-STD")):
            service.label_order(s, o, actor, [ParcelSpec(900, 200, 150, 100)], service_code=code,
                                settings=shipping_ctx.settings)
        uow.commit()
        stock_ids = [r.id for r in rows]
        shipped_id, waiting_id, number = shipped.id, waiting.id, shipped.number
    with UnitOfWork(shipping_ctx.sessions) as uow:
        manifest = closeout(uow.session, "SF", actor)
        uow.commit()
        manifest_number = manifest.number
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        first, second = (s.get(Stock, i) for i in stock_ids)
        assert (first.on_hand, first.reserved) == (8, 2)  # the waiting order's 2 still held
        assert (second.on_hand, second.reserved) == (9, 0)
        assert s.scalars(select(Reservation.order_id).where(Reservation.order_id == shipped_id)).all() == []
        assert s.scalars(select(Reservation.quantity).where(Reservation.order_id == waiting_id)).all() == [2]
        lines = s.scalars(select(StockLedgerEntry).where(StockLedgerEntry.reason == "ship")
                          .order_by(StockLedgerEntry.bin_id)).all()
        assert [(e.before, e.after, e.delta) for e in lines] == [(10, 8, -2), (10, 9, -1)]
        assert all(e.user == actor.user and number in e.reference and manifest_number in e.reference for e in lines)
