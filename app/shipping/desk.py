"""The shipping desk's use cases, for ``station label``, ``station shipping ...`` and the shipping desk screen:
each opens one unit of work (or one short read), checks who acts where it changes something, and returns plain
values (dicts in the shape the commands print, dataclasses for the screen). The rules live in
:mod:`app.shipping.service`, :mod:`app.shipping.printqueue`, :mod:`app.shipping.manifest` and
:mod:`app.shipping.carriers`; this module only frames them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.config import Settings
from app.errors import InvalidInput, NotFound
from app.shipping import printqueue, service
from app.shipping.rates import ParcelSpec
from app.uow import Actor, UnitOfWork
from db.models.shipping import Carrier, Manifest, Parcel, PrinterAssignment

Sessions = sessionmaker[Session]
SHIPPING_ROLE = "shipping"


def parcel_json(p: Parcel) -> dict[str, Any]:
    """A parcel as the commands print it."""
    return {
        "parcel": f"{p.seq}/{p.count}", "tracking_number": p.tracking_number, "sscc": p.sscc,
        "carrier": p.carrier.code, "service": p.service.code, "weight_g": p.weight_g, "rate_cents": p.rate_cents,
        "status": p.status, "expected_delivery": p.expected_delivery,
    }


# --- labels ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RenderedLabels:
    number: str
    data: bytes
    parcels: list[dict[str, Any]]


def order_labels(sessions: Sessions, reference: str, fmt: str, dpi: int, settings: Settings,
                 cjk_mode: str = "font") -> RenderedLabels:
    """The labels of the active parcels of the order ``reference`` names, rendered (PDF or ZPL)."""
    with sessions() as session:
        order = service.find_order(session, reference)
        parcels = service.active_parcels(session, order)
        if not parcels:
            raise InvalidInput(f"order {order.number} is {order.status} and has no label: label it first")
        data = service.render_labels(session, parcels, fmt, dpi, settings=settings, cjk_mode=cjk_mode)
        return RenderedLabels(order.number, data, [parcel_json(p) for p in parcels])


def open_labels(sessions: Sessions, settings: Settings, fmt: str, dpi: int, carrier: str | None = None,
                progress=None) -> tuple[int, bytes]:
    """Every label not yet shipped (of one carrier), in one document: (how many, the bytes); ``progress(n, total)``
    is told of each label made."""
    from app.shipping import label_pdf, label_zpl

    with sessions() as session:
        stmt = select(Parcel).where(Parcel.status == "labelled", Parcel.voided.is_(False)).order_by(Parcel.id)
        if carrier:
            stmt = stmt.join(Carrier, Carrier.id == Parcel.carrier_id).where(Carrier.code == carrier.upper())
        parcels = list(session.scalars(stmt))
        if not parcels:
            raise NotFound("no open labels to print")
        data, labels = [], []
        for p in parcels:
            label = service.label_data(session, p, settings)
            if fmt == "zpl":
                data.append(label_zpl.render(label, dpi))
            else:
                labels.append(label)
            if progress is not None:
                progress(1, len(parcels))
        return len(parcels), (b"\n".join(data) if fmt == "zpl" else label_pdf.render_many(labels))


def ship(sessions: Sessions, reference: str, actor: Actor, specs: list[ParcelSpec] | None, service_code: str | None,
         settings: Settings) -> dict[str, Any]:
    """Label the order ``reference`` names (parcels, carrier, tracking numbers), printing nothing."""
    with UnitOfWork(sessions) as uow:
        order = service.find_order(uow.session, reference)
        parcels = service.label_order(uow.session, order, actor, specs, service_code, settings=settings)
        uow.commit()
        return {"number": order.number, "status": order.status, "tracking_number": order.tracking_number,
                "parcels": [parcel_json(p) for p in parcels], "print_jobs": []}


def parcels_json(sessions: Sessions, parcels: list[Parcel]) -> list[dict[str, Any]]:
    """Parcels another unit of work returned, read again as the commands print them."""
    with sessions() as session:
        return [parcel_json(session.merge(p, load=True)) for p in parcels]


def quote(sessions: Sessions, reference: str, specs: list[ParcelSpec] | None) -> dict[str, Any]:
    """The carriers' prices for the order ``reference`` names, cheapest first, and why the others cannot."""
    with sessions() as session:
        order = service.find_order(session, reference)
        result, _specs, _dest = service.quote_order(session, order, specs)
        quotes = [{
            "service": q.service.code, "name": q.service.name, "price_cents": q.price_cents, "zone": q.zone,
            "transit_days": q.transit_days, "expected_delivery": q.expected_delivery,
        } for q in result.quotes]
        return {"number": order.number, "quotes": quotes, "rejected": dict(result.rejected)}


def reprint(sessions: Sessions, tracking: str, actor: Actor, reason: str, settings: Settings) -> tuple[int, int]:
    """A parcel's label again, queued for the actor's station: (the print job, how many reprints so far)."""
    with UnitOfWork(sessions) as uow:
        parcel = service.find_parcel(uow.session, tracking)
        job = service.reprint_label(uow.session, parcel, actor, reason, settings=settings)
        uow.commit()
        return job.id, parcel.reprints


def void(sessions: Sessions, reference: str, actor: Actor, reason: str) -> dict[str, Any]:
    """The labels of the order ``reference`` names voided: {number, status, voided tracking numbers}."""
    with UnitOfWork(sessions) as uow:
        order = service.find_order(uow.session, reference)
        parcels = service.void_labels(uow.session, order, actor, reason)
        uow.commit()
        return {"number": order.number, "status": order.status, "voided": [p.tracking_number for p in parcels]}


# --- carriers and close-out --------------------------------------------------------------------------------

def service_options(sessions: Sessions) -> list[dict[str, Any]]:
    """Every carrier service, active or not, as ``station shipping carriers`` lists it."""
    from app.shipping.carriers import load_options

    with sessions() as session:
        options = load_options(session, only_active=False)
    return [{
        "service": o.code, "carrier": o.carrier_code, "name": o.name, "kind": o.kind,
        "max_weight_g": o.max_weight_g,
        "coverage": sorted(f"{c}{'/' + r if r else ''}:z{z}:{d}d" for (c, r), (z, d) in o.coverage.items() if z > 0),
    } for o in options]


def seed_carriers(sessions: Sessions, actor: Actor | None = None) -> list[str]:
    """The built-in carriers and rate tables, created or brought up to date: their codes."""
    from app.shipping.carriers import seed_carriers as seed

    require_role(actor or Actor.system(), "admin")
    with UnitOfWork(sessions) as uow:
        codes = [c.code for c in seed(uow.session)]
        uow.commit()
    return codes


@dataclass(frozen=True)
class ClosedManifest:
    number: str
    carrier: str
    parcels: int
    weight_g: int
    pdf: bytes
    csv: str


def close_out(sessions: Sessions, carrier: str, actor: Actor) -> ClosedManifest:
    """The carrier's labelled parcels handed over: a manifest (PDF and CSV), the parcels shipped."""
    from app.shipping.manifest import closeout

    with UnitOfWork(sessions) as uow:
        manifest = closeout(uow.session, carrier, actor)
        uow.commit()
        return ClosedManifest(manifest.number, carrier.upper(), manifest.parcel_count, manifest.total_weight_g,
                              manifest.pdf or b"", manifest.csv)


@dataclass(frozen=True)
class CarrierWaiting:
    code: str
    name: str
    name_zh: str | None
    parcels: int
    weight_g: int


@dataclass(frozen=True)
class ManifestRow:
    number: str
    carrier: str
    closed_at: datetime | None
    parcels: int
    closed_by: str | None


def closeout_board(sessions: Sessions, manifests: int = 50) -> tuple[list[CarrierWaiting], list[ManifestRow]]:
    """The close-out tab: each carrier with its labelled parcels not yet on a manifest, and the last manifests."""
    with sessions() as s:
        waiting = {cid: (int(n), int(w)) for cid, n, w in s.execute(
            select(Parcel.carrier_id, func.count(), func.coalesce(func.sum(Parcel.weight_g), 0))
            .where(Parcel.status == "labelled", Parcel.voided.is_(False), Parcel.manifest_id.is_(None))
            .group_by(Parcel.carrier_id))}
        carriers = [CarrierWaiting(c.code, c.name, c.name_zh, *waiting.get(c.id, (0, 0)))
                    for c in s.scalars(select(Carrier).order_by(Carrier.code))]
        rows = [ManifestRow(m.number, m.carrier.code, m.closed_at, m.parcel_count, m.closed_by)
                for m in s.scalars(select(Manifest).order_by(Manifest.id.desc()).limit(manifests))]
    return carriers, rows


def manifest_files(sessions: Sessions, number: str) -> tuple[bytes, str]:
    """A manifest's PDF and CSV."""
    from app.shipping.manifest import find_manifest

    with sessions() as session:
        m = find_manifest(session, number)
        return m.pdf or b"", m.csv


# --- printers and the print queue --------------------------------------------------------------------------

def printers(sessions: Sessions, station: str) -> list[dict[str, Any]]:
    """The station's printers by document kind."""
    with sessions() as session:
        return [{"kind": r.document_kind, "uri": r.uri, "format": r.format, "dpi": r.dpi,
                 "cjk": (r.options or {}).get("cjk", "font")} for r in session.scalars(
            select(PrinterAssignment).where(PrinterAssignment.station == station).order_by(PrinterAssignment.document_kind))]


def set_printers(sessions: Sessions, station: str, chosen: list[tuple[str, str, str, int, str]]) -> None:
    """The station's printers, one for each kind of document (label, packing slip, manifest) in ``chosen``:
    (kind, address, format, dpi, how Chinese is sent), all in one unit of work."""
    with UnitOfWork(sessions) as uow:
        for kind, uri, fmt, dpi, cjk_mode in chosen:
            service.set_printer(uow.session, station, kind, uri, fmt, dpi, cjk_mode)
        uow.commit()


def queue_test_print(sessions: Sessions, station: str, kind: str, settings: Settings, actor: Actor | None = None) -> int:
    """A test page queued for the station's printer of ``kind``: the print job."""
    with UnitOfWork(sessions) as uow:
        job = (service.test_print(uow.session, station, kind, settings=settings, actor=actor) if actor is not None
               else service.test_print(uow.session, station, kind, settings=settings))
        uow.commit()
        return job.id


def resend(sessions: Sessions, job_id: int) -> None:
    """A print job sent again."""
    with UnitOfWork(sessions) as uow:
        printqueue.resend(uow.session, job_id)
        uow.commit()


def dismiss(sessions: Sessions, job_id: int) -> None:
    """A print job nobody wants any more taken off the queue."""
    with UnitOfWork(sessions) as uow:
        printqueue.dismiss(uow.session, job_id)
        uow.commit()


def print_jobs(sessions: Sessions, station: str, include_done: bool = False) -> list[dict[str, Any]]:
    """The station's print jobs still to print (and with ``include_done`` the printed ones)."""
    with sessions() as session:
        return [{
            "id": j.id, "kind": j.document_kind, "state": j.state, "attempts": j.attempts, "printer": j.printer,
            "description": j.description, "last_error": j.last_error,
        } for j in printqueue.pending(session, station, include_done=include_done)]


# --- the shipping desk's order ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParcelRow:
    id: int
    seq: int
    count: int
    tracking_number: str | None
    sscc: str | None
    service: str
    weight_g: int
    status: str
    reprints: int


@dataclass(frozen=True)
class QuoteRow:
    service: str
    name: str
    price_cents: int
    expected_delivery: date


@dataclass(frozen=True)
class DeskOrder:
    number: str
    status: str
    address: str
    parcels: list[ParcelRow]
    quotes: list[QuoteRow] | None  # for a packed order: the services that keep its promise, cheapest first
    quote_problem: str | None  # why there are none (the catalogue lacks weights: the packer types them)


def order_number(sessions: Sessions, query: str) -> str:
    """Our number of the order ``query`` names (an order, a parcel, a label)."""
    with sessions() as session:
        return service.find_order(session, query).number


def desk_order(sessions: Sessions, number: str) -> DeskOrder:
    """The order as the shipping desk shows it: its address, its parcels, and for a packed order the quotes."""
    from app.domain import lifecycle

    with sessions() as s:
        order = service.find_order(s, number)
        address = " · ".join(p for p in (order.ship_name, order.ship_address1, order.ship_city, order.ship_region,
                                          order.ship_postcode, order.ship_country) if p)
        parcels = [ParcelRow(p.id, p.seq, p.count, p.tracking_number, p.sscc, p.service.code, p.weight_g, p.status, p.reprints)
                   for p in s.scalars(select(Parcel).where(Parcel.order_id == order.id).order_by(Parcel.id))]
        quotes = problem = None
        if order.status == lifecycle.PACKED:
            try:
                result, _, _ = service.quote_order(s, order)
                quotes = [QuoteRow(q.service.code, q.service.name, q.price_cents, q.expected_delivery) for q in result.quotes]
            except Exception as exc:  # noqa: BLE001 - the catalogue lacks weights: the packer types them
                quotes, problem = [], getattr(exc, "message", str(exc))
        return DeskOrder(order.number, order.status, address, parcels, quotes, problem)


def parcel_label(sessions: Sessions, parcel_id: int, settings: Settings) -> bytes:
    """One parcel's label as a PDF, for the preview."""
    with sessions() as session:
        parcel = session.get(Parcel, parcel_id)
        if parcel is None:
            raise NotFound(f"no parcel {parcel_id}")
        return service.render_labels(session, [parcel], "pdf", settings=settings)


def packing_slip(sessions: Sessions, number: str, settings: Settings) -> bytes:
    """The order's packing slip (PDF, on the station's paper)."""
    from app.shipping import slip

    with sessions() as session:
        order = service.find_order(session, number)
        parcels = service.active_parcels(session, order)
        return slip.render(slip.slip_data(session, order, parcels, settings), settings.slip.paper)


def reprint_parcel(sessions: Sessions, parcel_id: int, actor: Actor, reason: str, station: str, settings: Settings) -> None:
    """A parcel's label again, queued for ``station``'s printer (a reason is required)."""
    with UnitOfWork(sessions) as uow:
        parcel = uow.session.get(Parcel, parcel_id)
        if parcel is None:
            raise NotFound(f"no parcel {parcel_id}")
        service.reprint_label(uow.session, parcel, actor, reason, station, settings=settings)
        uow.commit()


def print_documents(sessions: Sessions, number: str, station: str, settings: Settings, actor: Actor) -> list[str]:
    """The order's labels and packing slip queued for ``station``'s printers: the state of each job."""
    with UnitOfWork(sessions) as uow:
        order = service.find_order(uow.session, number)
        jobs = service.enqueue_documents(uow.session, order, station, settings=settings, actor=actor)
        uow.commit()
        return [j.state for j in jobs]

