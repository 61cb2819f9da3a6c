"""The carrier table is read once per process and again only when it changed (migration 0016's version row);
documents already on the print queue are not rendered again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from app.shipping import service
from app.uow import UnitOfWork
from db.models import Order
from db.models.shipping import CarrierRate, CarrierService, Parcel, PrintJob, ShippingCounter
from tests.helpers.statements import Statements
from tests.shipping.factories import packed_order


def _version(session) -> int | None:
    return session.scalar(select(ShippingCounter.value).where(ShippingCounter.name == service.CARRIERS_VERSION))


def _two_packed_orders(ctx) -> tuple[int, int]:
    with UnitOfWork(ctx.sessions) as uow:
        first, second = packed_order(uow.session), packed_order(uow.session)
        uow.commit()
        return first.id, second.id


def _label(ctx, order_id: int, actor) -> Parcel:
    """Label the order in a transaction of its own; its first parcel."""
    with UnitOfWork(ctx.sessions) as uow:
        parcel = service.label_order(uow.session, uow.session.get(Order, order_id), actor, settings=ctx.settings)[0]
        uow.commit()
        return parcel


def test_second_label_reads_no_rate_table(shipping_ctx, actor):
    first_id, second_id = _two_packed_orders(shipping_ctx)
    _label(shipping_ctx, first_id, actor)
    with Statements(shipping_ctx.engine) as statements:
        parcel = _label(shipping_ctx, second_id, actor)
    assert parcel.rate_cents > 0
    assert statements.reading("carrier_rates") == 0
    assert statements.reading("carrier_coverage") == 0
    assert statements.reading("carrier_services") == 0


def test_a_rate_change_is_seen_by_the_next_label(shipping_ctx, actor):
    first_id, second_id = _two_packed_orders(shipping_ctx)
    with shipping_ctx.sessions() as s:
        before = _version(s)
    parcel = _label(shipping_ctx, first_id, actor)
    chosen, zone, old_price = parcel.service_id, parcel.zone, parcel.rate_cents
    # Another station (or an administrator's SQL) raises every price of the chosen service's zone.
    with shipping_ctx.engine.begin() as conn:
        conn.execute(update(CarrierRate).where(CarrierRate.service_id == chosen, CarrierRate.zone == zone)
                     .values(price_cents=CarrierRate.price_cents + 100_000))
    with shipping_ctx.sessions() as s:
        assert _version(s) != before
    parcel = _label(shipping_ctx, second_id, actor)
    # Dearer now: the label went to another service, or to the same one at the new price.
    assert parcel.service_id != chosen or parcel.rate_cents == old_price + 100_000


def test_a_service_switched_off_is_never_chosen_again(shipping_ctx, actor):
    first_id, second_id = _two_packed_orders(shipping_ctx)
    chosen = _label(shipping_ctx, first_id, actor).service_id
    with UnitOfWork(shipping_ctx.sessions) as uow:
        uow.session.execute(update(CarrierService).where(CarrierService.id == chosen).values(active=False))
        uow.commit()
    assert _label(shipping_ctx, second_id, actor).service_id != chosen


def test_a_rolled_back_change_leaves_no_stale_copy(shipping_ctx, actor):
    first_id, second_id = _two_packed_orders(shipping_ctx)
    # A price change labelled with inside its own transaction, then rolled back.
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        s.execute(update(CarrierRate).values(price_cents=CarrierRate.price_cents + 500_000))
        service.label_order(s, s.get(Order, first_id), actor, settings=shipping_ctx.settings)
        uow.rollback()
    # Then a change that moves the version as many times as the rolled-back one did, committed: with a version
    # that only counted changes, it would match the rolled-back copy's.
    with UnitOfWork(shipping_ctx.sessions) as uow:
        uow.session.execute(update(CarrierRate).values(price_cents=CarrierRate.price_cents))
        uow.commit()
    parcel = _label(shipping_ctx, second_id, actor)
    with shipping_ctx.sessions() as s:
        price = s.scalar(select(CarrierRate.price_cents).where(
            CarrierRate.service_id == parcel.service_id, CarrierRate.zone == parcel.zone,
            CarrierRate.max_weight_g >= parcel.chargeable_weight_g).order_by(CarrierRate.max_weight_g).limit(1))
    assert parcel.rate_cents == price < 500_000


def test_documents_already_queued_are_not_rendered_again(shipping_ctx, actor):
    rendered: list[str] = []

    def render() -> bytes:
        rendered.append("label")
        return b"%PDF-1.4 label"

    with UnitOfWork(shipping_ctx.sessions) as uow:
        first = service.queue_job(uow.session, "label:test:0", "SHIP-1", "label", render, "pdf", "")
        again = service.queue_job(uow.session, "label:test:0", "SHIP-1", "label", render, "pdf", "")
        uow.commit()
        assert again.id == first.id
        assert rendered == ["label"]
        assert uow.session.scalar(select(PrintJob.payload).where(PrintJob.id == first.id)) == b"%PDF-1.4 label"


def test_enqueue_after_the_labels_adds_only_the_slip(shipping_ctx, actor):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s)
        service.label_order(s, order, actor, settings=shipping_ctx.settings)
        labels = service.enqueue_documents(s, order, "SHIP-1", settings=shipping_ctx.settings, include_slip=False)
        uow.commit()
        label_ids = [j.id for j in labels]
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = s.get(Order, order.id)
        jobs = service.enqueue_documents(s, order, "SHIP-1", settings=shipping_ctx.settings)
        uow.commit()
        assert [j.id for j in jobs[:-1]] == label_ids
        assert jobs[-1].document_kind == "packing_slip" and jobs[-1].payload.startswith(b"%PDF")
        assert s.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.order_id == order.id)) == len(label_ids) + 1


def test_a_job_queued_by_another_station_meanwhile_is_returned_not_doubled(shipping_ctx, actor):
    if shipping_ctx.engine.dialect.name == "sqlite":
        pytest.skip("SQLite takes the writer lock when the transaction begins: no other station can queue in between")
    key = "label:race:0"

    def render_while_another_station_queues() -> bytes:
        # Between this station's look-up and its insert, another station queues the same document and commits.
        with UnitOfWork(shipping_ctx.sessions) as other:
            service.queue_job(other.session, key, "SHIP-2", "label", b"%PDF other", "pdf", "")
            other.commit()
        return b"%PDF mine"

    with UnitOfWork(shipping_ctx.sessions) as uow:
        job = service.queue_job(uow.session, key, "SHIP-1", "label", render_while_another_station_queues, "pdf", "")
        uow.commit()
        assert (job.station, job.payload) == ("SHIP-2", b"%PDF other")
        assert uow.session.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.idempotency_key == key)) == 1
