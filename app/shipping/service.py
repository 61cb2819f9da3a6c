"""Shipping services: the plain-Python entry points the pack screen, the demo seeder, the CLI and the
shipping screens call. Each takes a SQLAlchemy ``Session`` (the caller owns the transaction and commits).

``label_order(session, order, actor, parcels=None, service_code=None, *, settings) -> list[Parcel]``
    For a ``packed`` order: rate-shops (the cheapest active service that covers the address, takes every
    parcel and meets the promise of the order's ``service_level``; ``service_code`` overrides the choice),
    assigns each parcel a tracking number in the carrier's format and a GS1 SSCC, a secret
    ``tracking_token`` for the customer page, sets ``orders.tracking_number`` to the first parcel's number
    and moves the order ``packed -> labelled`` through ``app.orders.timeline.move``. ``parcels`` is a
    list of :class:`ParcelSpec` (weight in g, dimensions in mm); without it, one parcel is made from the
    catalogue weights and sizes of the order's lines. Bad input (address not covered, over the weight
    limit, missing dimensions) raises a ``ShippingError`` (a ``StationError``) and changes nothing.
``enqueue_documents(session, order, station, *, settings, actor=None) -> list[PrintJob]``
    The order's labels and its packing slip, rendered and put on the durable print queue for the printers
    the station uses for each kind of document. Idempotent: calling it again queues nothing new.
``printer_for(session, station, kind)`` / ``set_printer(...)``
    A station's printers live in the database (``printer_assignments``), the one place they are set, for every
    station from anywhere (the shipping desk's printers page, ``station shipping printers``).
``reprint_label`` / ``void_labels`` / ``closeout`` (in :mod:`app.shipping.manifest`)
    Reprint with who and why on the timeline; void releases the order's tracking numbers and moves it back
    to ``packed``; end-of-day close-out per carrier writes the manifest and ships every parcel on it.

Every entry point that makes a document takes the loaded settings (``settings=ctx.settings``): the labels'
``tracking_base_url`` and ``gs1_company_prefix``, the slip's paper and language are the station's, never defaults.
"""

from __future__ import annotations

import math
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Engine, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.admin.auth import require_role
from app.channels.outbox import queue_fulfilments
from app.config import Settings
from app.domain import lifecycle
from app.errors import InvalidInput, NotFound
from app.orders import references
from app.orders.timeline import add_event, move
from app.shipping import label_pdf, label_zpl, tracking
from app.shipping import sscc as sscc_mod
from app.shipping.carriers import load_options, take_serials
from app.shipping.labeldata import LabelData, order_address, warehouse_address
from app.shipping.rates import (
    Destination,
    MissingDimensions,
    ParcelSpec,
    Quote,
    Requirement,
    ServiceOption,
    ShippingError,
    explain_failure,
    quote,
    ship_date_for,
    shop,
)
from app.sync import notify_change
from app.uow import Actor
from db.base import utcnow
from db.models import Order
from db.models.shipping import Carrier, CarrierService, Parcel, PrinterAssignment, PrintJob, ShippingCounter

__all__ = [
    "ParcelSpec",
    "label_order",
    "enqueue_documents",
    "quote_order",
    "reprint_label",
    "void_labels",
    "label_data",
    "render_labels",
    "find_order",
    "active_parcels",
]

DOCUMENT_KINDS = ("label", "packing_slip", "manifest")
# INSERT ... ON CONFLICT for the two databases the station runs on.
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

# Standard cartons: name, inner length, width, height (mm), tare weight (g).
CARTONS = (("S", 200, 150, 100, 150), ("M", 300, 200, 150, 250), ("L", 400, 300, 250, 400), ("XL", 600, 400, 400, 800))
FILL_FACTOR = 1.25


def active_parcels(session: Session, order: Order) -> list[Parcel]:
    return list(
        session.scalars(
            select(Parcel).where(Parcel.order_id == order.id, Parcel.voided.is_(False)).order_by(Parcel.seq)
        )
    )


def default_parcels(order: Order) -> list[ParcelSpec]:
    """Parcels from the catalogue: the order's weight and volume packed into the smallest standard carton
    (or several XL cartons)."""
    weight = 0
    volume = 0
    longest = 0
    for line in order.lines:
        product = line.product
        if product is None or not product.weight_g:
            raise ShippingError(
                f"SKU {line.sku} has no weight in the catalogue: weigh the parcel and enter its weight and dimensions"
            )
        length, width, height = product.length_mm, product.width_mm, product.height_mm
        if not (length and width and height):
            raise MissingDimensions(
                f"SKU {line.sku} has no dimensions in the catalogue: measure the parcel and enter its dimensions"
            )
        weight += product.weight_g * line.quantity
        volume += length * width * height * line.quantity
        longest = max(longest, length, width, height)
    if not order.lines:
        raise ShippingError(f"order {order.number} has no lines to ship")
    needed = volume * FILL_FACTOR
    for name, l, w, h, tare in CARTONS:
        if needed <= l * w * h and longest <= l:
            return [ParcelSpec(weight + tare, l, w, h, name)]
    name, l, w, h, tare = CARTONS[-1]
    count = max(1, math.ceil(needed / (l * w * h)))
    share = math.ceil(weight / count)
    return [ParcelSpec(share + tare, l, w, h, name) for _ in range(count)]


# --- the carrier table, cached per process ----------------------------------------------------------------

# The row whose value triggers on carriers, carrier_services, carrier_coverage and carrier_rates change with
# every write (migration 0016), by a random step so that a rolled-back change's value never comes back.
CARRIERS_VERSION = "carriers:version"


@dataclass(frozen=True)
class Issuer:
    """What a label needs of a service and its carrier to number a parcel."""

    carrier_id: int
    carrier_code: str
    tracking_format: str
    tracking_prefix: str
    origin_country: str
    service_code: str
    format_code: str


@dataclass(frozen=True)
class CarrierTable:
    version: int | None
    options: list[ServiceOption]  # the active services, with coverage and rates
    issuers: dict[int, Issuer]  # by service id


_carrier_tables: weakref.WeakKeyDictionary[Engine, CarrierTable] = weakref.WeakKeyDictionary()


def carrier_table(session: Session) -> CarrierTable:
    """The active carrier services with their coverage and rates, read from the database once per process and
    loaded again only when the carrier tables' version has moved: one primary-key read per label instead of
    the whole rate table. (No version row, as in a database a person edited by hand: read every time.)"""
    version = session.scalar(select(ShippingCounter.value).where(ShippingCounter.name == CARRIERS_VERSION))
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    cached = _carrier_tables.get(engine)
    if version is not None and cached is not None and cached.version == version:
        return cached
    options = load_options(session)
    issuers = {
        service_id: Issuer(carrier_id, carrier_code, tracking_format, tracking_prefix, origin_country, service_code,
                           format_code)
        for service_id, carrier_id, carrier_code, tracking_format, tracking_prefix, origin_country, service_code, format_code
        in session.execute(
            select(CarrierService.id, Carrier.id, Carrier.code, Carrier.tracking_format, Carrier.tracking_prefix,
                   Carrier.origin_country, CarrierService.code, CarrierService.format_code)
            .join(Carrier, Carrier.id == CarrierService.carrier_id)
            .where(CarrierService.id.in_([o.service_id for o in options]))
        )
    }
    table = CarrierTable(version, options, issuers)
    if version is not None:
        _carrier_tables[engine] = table
    return table


def _destination(order: Order) -> Destination:
    if not order.ship_country:
        raise ShippingError(f"order {order.number} has no destination country: fix the shipping address")
    return Destination(order.ship_country.upper(), order.ship_region, order.ship_city, order.ship_postcode)


def _ship_dates(options: list[ServiceOption], now: datetime) -> dict[str, date]:
    return {o.code: ship_date_for(o, now.hour, now.date()) for o in options}


def quote_order(
    session: Session, order: Order, parcels: list[ParcelSpec] | None = None, *, now: datetime | None = None,
    deliver_by: date | None = None, table: CarrierTable | None = None,
):
    """Every service's answer for this order: (ShopResult, parcels, destination). Changes nothing."""
    now = now or utcnow()
    specs = list(parcels) if parcels else default_parcels(order)
    dest = _destination(order)
    options = (table or carrier_table(session)).options
    requirement = Requirement.for_service_level(order.service_level, now.date())
    if deliver_by:
        requirement = Requirement(kind=requirement.kind, deliver_by=deliver_by)
    return shop(options, dest, specs, requirement, _ship_dates(options, now)), specs, dest


def _choose(session: Session, order: Order, specs: list[ParcelSpec], service_code: str | None, now: datetime,
            deliver_by: date | None, table: CarrierTable) -> tuple[Quote, bool, bool]:
    """The service to ship with: (quote, chosen by hand over the best, the order's delivery promise missed)."""
    result, specs, dest = quote_order(session, order, specs, now=now, deliver_by=deliver_by, table=table)
    if not service_code:
        if result.best is None and result.late:
            # No service can keep the promise any more (an order packed late): it goes with the one that arrives
            # first, rather than waiting at the bench for a person to pick that same service; the timeline says so.
            fastest = min(result.late, key=lambda q: (q.expected_delivery, q.price_cents, q.service.code))
            return fastest, False, True
        if result.best is None:
            raise explain_failure(result, dest, specs)
        return result.best, False, False
    options = {o.code: o for o in table.options}
    option = options.get(service_code.upper()) or options.get(service_code)
    if option is None:
        raise InvalidInput(f"no active carrier service {service_code!r}: choose one of {', '.join(sorted(options))}")
    answer = quote(option, dest, specs, ship_date_for(option, now.hour, now.date()))
    if isinstance(answer, str):
        raise ShippingError(f"{answer}: choose another service")
    return answer, (result.best is None or result.best.service.code != option.code), False


def label_order(
    session: Session,
    order: Order,
    actor: Actor,
    parcels: list[ParcelSpec] | None = None,
    service_code: str | None = None,
    *,
    settings: Settings,
    now: datetime | None = None,
    deliver_by: date | None = None,
) -> list[Parcel]:
    """Label a packed order (see the module docstring). The bench labels what it packed: a packer's role (the
    shipping desk's and supervisors' include it)."""
    require_role(actor, "packer")
    now = now or utcnow()
    if order.status != lifecycle.PACKED:
        if order.status == lifecycle.LABELLED:
            raise InvalidInput(f"order {order.number} is already labelled: reprint its label, or void it first")
        raise InvalidInput(f"order {order.number} is {order.status}: only a packed order can be labelled")
    specs = list(parcels) if parcels else default_parcels(order)
    for n, spec in enumerate(specs, start=1):
        spec.check(n, len(specs))
    # Refuse now (before any number is given) an address the label cannot hold in full.
    to = order_address(order)
    label_pdf.name_size(to.name, (label_pdf.WIDTH_DOTS - 2 * label_pdf.MARGIN) * 0.9)
    label_pdf.address_layout(to.text_lines[1:] + ([f"Tel {order.ship_phone}"] if order.ship_phone else []),
                             (label_pdf.WIDTH_DOTS - 2 * label_pdf.MARGIN) * 0.9)
    table = carrier_table(session)
    chosen, overridden, promise_missed = _choose(session, order, specs, service_code, now, deliver_by, table)
    option = chosen.service
    issuer = table.issuers[option.service_id]
    m = len(specs)
    tracking_counter, sscc_counter = f"tracking:{issuer.carrier_code}", f"sscc:{settings.gs1_company_prefix}"
    firsts = take_serials(session, {tracking_counter: m, sscc_counter: m})
    first_tn, first_sscc = firsts[tracking_counter], firsts[sscc_counter]
    made: list[Parcel] = []
    for i, spec in enumerate(specs):
        number = tracking.make(
            issuer.tracking_format, first_tn + i, prefix=issuer.tracking_prefix,
            country=issuer.origin_country, service_code=issuer.format_code,
        )
        parcel = Parcel(
            order_id=order.id, seq=i + 1, count=m, weight_g=int(spec.weight_g or 0),
            length_mm=int(spec.length_mm or 0), width_mm=int(spec.width_mm or 0), height_mm=int(spec.height_mm or 0),
            carton=spec.carton, tracking_number=number,
            sscc=sscc_mod.make(settings.gs1_company_prefix, first_sscc + i),
            tracking_token=secrets.token_urlsafe(24), carrier_id=issuer.carrier_id, service_id=option.service_id,
            zone=chosen.zone,
            rate_cents=(chosen.parcel_prices[i] if chosen.parcel_prices
                        else option.price_for(chosen.zone, chosen.chargeable_g[i]) or 0),
            chargeable_weight_g=chosen.chargeable_g[i], expected_delivery=chosen.expected_delivery,
            status="labelled", service_overridden=overridden, labelled_at=now, labelled_by=actor.user,
        )
        session.add(parcel)
        made.append(parcel)
    session.flush()
    order.tracking_number = made[0].tracking_number
    move(
        session, order, lifecycle.LABELLED, actor,
        carrier=issuer.carrier_code, service=issuer.service_code, tracking_numbers=[p.tracking_number for p in made],
        ssccs=[p.sscc for p in made], parcels=m, price_cents=chosen.price_cents,
        expected_delivery=chosen.expected_delivery.isoformat(), overridden=overridden,
        **({"promise_missed": True, "service_level": order.service_level} if promise_missed else {}),
    )
    notify_change(session, "order", order.number)
    # The shop hears of it from the outbox, in this transaction: no label without its message, no wait for the shop.
    queue_fulfilments(session, order, made, when="labelled")
    return made


def _parcel_by_scan(session: Session, query: str) -> Parcel | None:
    """A parcel by what a person typed or a scanner read, read as the order look-up reads it
    (:func:`app.orders.references.parse`): tracking number, SSCC (bare, ``00``, ``(00) ...``, a GS1 element string
    with an AIM prefix such as ``]C1``), or the label's QR text (``.../t/<token>``)."""
    ref = references.parse(query)
    if ref.token:
        return session.scalar(select(Parcel).where(Parcel.tracking_token == ref.token))
    keys = ([Parcel.tracking_number == ref.code] if ref.code else []) + ([Parcel.sscc == ref.sscc] if ref.sscc else [])
    if not keys:
        return None
    return session.scalar(select(Parcel).where(or_(*keys)).order_by(Parcel.id.desc()))


def find_order(session: Session, query: str) -> Order:
    """An order by anything that names it (:func:`app.orders.references.find_order`): our number, the shop's
    number, a tracking number, an SSCC, the label's QR text, a return."""
    match = references.find_order(session, query)
    if match is None:
        raise NotFound(f"no order, tracking number or SSCC {query.strip()!r}")
    return match.order


def find_parcel(session: Session, query: str) -> Parcel:
    """A parcel by tracking number, SSCC or the label's QR text."""
    parcel = _parcel_by_scan(session, query)
    if parcel is None:
        raise NotFound(f"no parcel with tracking number or SSCC {query.strip()!r}")
    return parcel


def label_data(session: Session, parcel: Parcel, settings: Settings) -> LabelData:
    order = session.get(Order, parcel.order_id)
    assert order is not None
    carrier = parcel.carrier
    service = parcel.service
    base = settings.tracking_base_url.rstrip("/")
    return LabelData(
        tracking_number=parcel.tracking_number, sscc=parcel.sscc, qr_url=f"{base}/t/{parcel.tracking_token}",
        carrier_code=carrier.code, carrier_name=f"{carrier.name} {carrier.name_zh}".strip(),
        service_name=f"{service.name} {service.name_zh}".strip(), service_kind=service.kind,
        ship_from=warehouse_address(order.warehouse, settings.warehouse or "Warehouse Station"),
        ship_to=order_address(order), weight_g=parcel.weight_g, seq=parcel.seq, count=parcel.count,
        order_number=order.number, ship_date=parcel.labelled_at.date(), expected_delivery=parcel.expected_delivery,
        zone=parcel.zone, carton=parcel.carton,
        dimensions_mm=(parcel.length_mm, parcel.width_mm, parcel.height_mm),
        company_prefix_length=len(settings.gs1_company_prefix),
    )


def render_labels(session: Session, parcels: list[Parcel], fmt: str = "pdf", dpi: int = 203, *,
                  settings: Settings, cjk_mode: str = "font") -> bytes:
    """The parcels' labels: one PDF with a page each, or ZPL with one ``^XA..^XZ`` format each
    (``cjk_mode="graphic"``: Chinese as bitmaps, for Zebra printers without a CJK font)."""
    data = [label_data(session, p, settings) for p in parcels]
    if fmt == "pdf":
        return label_pdf.render(data[0]) if len(data) == 1 else label_pdf.render_many(data)
    if fmt == "zpl":
        if cjk_mode not in label_zpl.CJK_MODES:
            raise InvalidInput(f"unknown Chinese text mode {cjk_mode!r}: use font or graphic")
        return b"\n".join(label_zpl.render(d, dpi, cjk_mode=cjk_mode) for d in data)
    raise InvalidInput(f"unknown label format {fmt!r}: use pdf or zpl")


# --- printing hand-off ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrinterChoice:
    uri: str
    format: str = "pdf"
    dpi: int = 203
    cjk_mode: str = "font"  # ZPL: "graphic" when the printer has no CJK font


def printer_for(session: Session, station: str, kind: str) -> PrinterChoice | None:
    """The printer a station uses for one kind of document: its row in ``printer_assignments`` (the one place a
    station's printers are set), None when it has none."""
    row = session.scalar(
        select(PrinterAssignment).where(PrinterAssignment.station == station, PrinterAssignment.document_kind == kind)
    )
    if row is not None:
        return PrinterChoice(row.uri, row.format, row.dpi, str((row.options or {}).get("cjk", "font")))
    return None


def adopt_file_printers(session: Session, station: str, printers: dict) -> tuple[list[str], list[str]]:
    """A config file's old ``printers`` entry (``{"label": "tcp://10.0.0.5:9100", "label_format": "zpl",
    "label_dpi": 203, "label_cjk": "font"}``, checked when the settings loaded) made the station's printers in the
    database, once: a kind the station already has a printer for keeps it. Returns (kinds imported, kinds kept)."""
    imported, kept = [], []
    for kind in DOCUMENT_KINDS:
        if not printers.get(kind):
            continue
        if printer_for(session, station, kind) is not None:
            kept.append(kind)
            continue
        set_printer(session, station, kind, printers[kind], printers.get(f"{kind}_format", "pdf"),
                    int(printers.get(f"{kind}_dpi", 203)), printers.get(f"{kind}_cjk", "font"))
        imported.append(kind)
    return imported, kept


def set_printer(session: Session, station: str, kind: str, uri: str, fmt: str = "pdf", dpi: int = 203,
                cjk_mode: str = "font") -> PrinterAssignment:
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput(f"unknown document kind {kind!r}: use one of {', '.join(DOCUMENT_KINDS)}")
    if fmt not in ("pdf", "zpl"):
        raise InvalidInput(f"unknown printer format {fmt!r}: use pdf or zpl")
    if dpi not in label_zpl.SUPPORTED_DPI:
        raise InvalidInput("printer resolution must be 203 or 300 dpi")
    from app.shipping.printers import check_uri

    check_uri(uri)
    row = session.scalar(
        select(PrinterAssignment).where(PrinterAssignment.station == station, PrinterAssignment.document_kind == kind)
    )
    if row is None:
        row = PrinterAssignment(station=station, document_kind=kind, uri=uri)
        session.add(row)
    if cjk_mode not in label_zpl.CJK_MODES:
        raise InvalidInput(f"unknown Chinese text mode {cjk_mode!r}: use font or graphic")
    row.uri, row.format, row.dpi = uri, fmt, dpi
    row.options = {**(row.options or {}), "cjk": cjk_mode}
    session.flush()
    return row


def queue_job(
    session: Session, key: str, station: str, kind: str, payload: bytes | Callable[[], bytes], fmt: str, printer: str,
    *, order_id: int | None = None, parcel_id: int | None = None, requested_by: str | None = None,
    description: str = "",
) -> PrintJob:
    """Put one document on the print queue, once: a second call with the same key returns the first job.
    ``payload`` may be a function that renders the document: it is called only when the job is new."""
    existing = session.scalar(select(PrintJob).where(PrintJob.idempotency_key == key))
    if existing is not None:
        return existing
    if callable(payload):
        payload = payload()
    # One round trip (no savepoint): when another station queued the same document a moment ago, this inserts
    # nothing and its job is the one returned.
    insert = _INSERT[session.get_bind().dialect.name]
    job = session.scalar(
        insert(PrintJob).values(
            idempotency_key=key, station=station, document_kind=kind, printer=printer, format=fmt, payload=payload,
            state="queued", order_id=order_id, parcel_id=parcel_id, requested_by=requested_by,
            description=description, next_attempt_at=utcnow(), created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=[PrintJob.idempotency_key]).returning(PrintJob)
    )
    if job is None:
        return session.scalar(select(PrintJob).where(PrintJob.idempotency_key == key))  # type: ignore[return-value]
    return job


def enqueue_documents(
    session: Session, order: Order, station: str, *, settings: Settings, actor: Actor | None = None,
    include_slip: bool = True,
) -> list[PrintJob]:
    """Queue the order's labels and packing slip for the station's printers (idempotent)."""
    from app.shipping import slip

    parcels = active_parcels(session, order)
    if not parcels:
        raise InvalidInput(f"order {order.number} has no labels to print: label it first")
    user = actor.user if actor else None
    jobs = []
    label_printer = printer_for(session, station, "label") or PrinterChoice("")
    for parcel in parcels:
        def render_label(parcel: Parcel = parcel) -> bytes:
            return render_labels(session, [parcel], label_printer.format, label_printer.dpi, settings=settings,
                                 cjk_mode=label_printer.cjk_mode)

        jobs.append(queue_job(
            session, f"label:{parcel.id}:{parcel.reprints}", station, "label", render_label, label_printer.format,
            label_printer.uri, order_id=order.id, parcel_id=parcel.id, requested_by=user,
            description=f"label {parcel.seq}/{parcel.count} {parcel.tracking_number}",
        ))
    if include_slip:
        slip_printer = printer_for(session, station, "packing_slip") or PrinterChoice("")
        paper = settings.slip.paper
        jobs.append(queue_job(
            session, f"packing_slip:{parcels[0].id}", station, "packing_slip",
            lambda: slip.render(slip.slip_data(session, order, parcels, settings), paper), "pdf", slip_printer.uri,
            order_id=order.id, requested_by=user, description=f"packing slip {order.number}",
        ))
    session.flush()
    return jobs


# --- reprint and void -------------------------------------------------------------------------------------

def reprint_label(session: Session, parcel: Parcel, actor: Actor, reason: str, station: str | None = None,
                  *, settings: Settings) -> PrintJob:
    """Print a parcel's label again; who and why go on the order's timeline."""
    require_role(actor, "packer")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("say why the label is printed again (for example: label torn, printer jammed)")
    if parcel.voided:
        raise InvalidInput(f"label {parcel.tracking_number} was voided: label the order again instead")
    order = session.get(Order, parcel.order_id)
    assert order is not None
    station = station or actor.station or settings.station
    parcel.reprints += 1
    add_event(session, order, "label_reprinted", actor, tracking_number=parcel.tracking_number, reason=reason,
              reprint=parcel.reprints)
    choice = printer_for(session, station, "label") or PrinterChoice("")
    payload = render_labels(session, [parcel], choice.format, choice.dpi, settings=settings, cjk_mode=choice.cjk_mode)
    return queue_job(
        session, f"label:{parcel.id}:{parcel.reprints}", station, "label", payload, choice.format, choice.uri,
        order_id=order.id, parcel_id=parcel.id, requested_by=actor.user,
        description=f"reprint {parcel.reprints} of {parcel.tracking_number}",
    )


def void_labels(session: Session, order: Order, actor: Actor, reason: str) -> list[Parcel]:
    """Void every label of a labelled order: the tracking numbers are released (never reused, off every
    manifest), queued label prints are cancelled, and the order goes back to ``packed``."""
    require_role(actor, "shipping")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("say why the label is voided (for example: wrong address, repacked)")
    if order.status != lifecycle.LABELLED:
        raise InvalidInput(f"order {order.number} is {order.status}: only a labelled order's labels can be voided")
    parcels = active_parcels(session, order)
    now = utcnow()
    for parcel in parcels:
        if parcel.manifest_id is not None or parcel.status != "labelled":
            raise InvalidInput(f"parcel {parcel.tracking_number} is already {parcel.status}: it cannot be voided")
    for parcel in parcels:
        parcel.voided = True
        parcel.status = "voided"
        parcel.void_reason = reason
        parcel.voided_at = now
    for job in session.scalars(select(PrintJob).where(PrintJob.order_id == order.id, PrintJob.state == "queued")):
        job.state = "cancelled"
        job.last_error = "cancelled: the label was voided"
    order.tracking_number = None
    move(session, order, lifecycle.PACKED, actor, kind="label_voided", reason=reason,
         tracking_numbers=[p.tracking_number for p in parcels])
    notify_change(session, "order", order.number)
    session.flush()
    return parcels


def sample_label(settings: Settings) -> LabelData:
    """A test label with made-up data (and a valid SSCC) for test prints and previews."""
    from app.shipping.labeldata import Address

    today = utcnow().date()
    return LabelData(
        tracking_number="TEST0000000", sscc=sscc_mod.make(settings.gs1_company_prefix, 0),
        qr_url=f"{settings.tracking_base_url.rstrip('/')}/t/test-print", carrier_code="TEST",
        carrier_name="TEST PRINT 测试打印", service_name="Printer check 打印机检查", service_kind="standard",
        ship_from=Address(settings.warehouse or "Warehouse Station", ()),
        ship_to=Address("测试 Test", ("上海市浦东新区世纪大道100号", "200120 Shanghai", "CN"), "000"),
        weight_g=1000, seq=1, count=1, order_number="TEST", ship_date=today,
        company_prefix_length=len(settings.gs1_company_prefix),
    )


def test_print(session: Session, station: str, kind: str = "label", *, settings: Settings,
               actor: Actor | None = None) -> PrintJob:
    """Queue a test page for the station's printer of ``kind``."""
    from app.shipping import slip

    choice = printer_for(session, station, kind)
    if choice is None:
        raise InvalidInput(f"station {station} has no {kind} printer: set one up first")
    sample = sample_label(settings)
    if kind == "label":
        payload = (label_zpl.render(sample, choice.dpi, cjk_mode=choice.cjk_mode) if choice.format == "zpl"
                   else label_pdf.render(sample))
        fmt = choice.format
    else:
        payload = slip.render(slip.SlipData(
            order_number="TEST", placed_on=sample.ship_date, ship_from=sample.ship_from, ship_to=sample.ship_to,
            lines=(slip.SlipLine(1, "TEST-SKU", "测试商品 Test item", 1, 100),), parcels=(("1/1", "TEST", 1000),),
            carrier="TEST", currency="CNY",
        ), settings.slip.paper)
        fmt = "pdf"
    return queue_job(session, f"test:{station}:{kind}:{secrets.token_hex(6)}", station, "test", payload, fmt,
                     choice.uri, requested_by=actor.user if actor else None, description=f"test print {kind}")
