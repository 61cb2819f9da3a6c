"""End-of-day close-out per carrier: the manifest (PDF and CSV) and every parcel on it ``shipped``."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.admin.auth import require_role
from app.catalogue.ledger import ship_reserved
from app.channels.outbox import queue_fulfilments
from app.domain import lifecycle
from app.errors import InvalidInput, NotFound
from app.orders.timeline import add_event, move
from app.shipping import fonts
from app.shipping.carriers import next_serials
from app.sync import notify_change
from app.uow import Actor
from db.base import utcnow
from db.models import Order
from db.models.shipping import Carrier, CarrierService, Manifest, Parcel

CSV_FIELDS = ("manifest", "carrier", "service", "order", "parcel", "tracking_number", "sscc", "weight_g",
              "length_mm", "width_mm", "height_mm", "recipient", "city", "region", "postcode", "country",
              "zone", "rate_cents")


def open_parcels(session: Session, carrier: Carrier, held: bool = False) -> list[Parcel]:
    """Labelled parcels of the carrier not yet on a manifest whose order is ready to go (``labelled``);
    with ``held=True``, those held back instead (their order went on hold or was cancelled after labelling)."""
    ready = Order.status == lifecycle.LABELLED
    return list(session.scalars(
        select(Parcel).join(Order, Order.id == Parcel.order_id).where(
            Parcel.carrier_id == carrier.id, Parcel.status == "labelled", Parcel.voided.is_(False),
            Parcel.manifest_id.is_(None), ~ready if held else ready,
        ).order_by(Parcel.id)
    ))


def _carrier(session: Session, code: str) -> Carrier:
    carrier = session.scalar(select(Carrier).where(Carrier.code == code.upper()))
    if carrier is None:
        codes = ", ".join(session.scalars(select(Carrier.code).order_by(Carrier.code)))
        raise NotFound(f"no carrier {code!r}: known carriers are {codes or 'none (run station shipping seed-carriers)'}")
    return carrier


def closeout(session: Session, carrier_code: str, actor: Actor, now: datetime | None = None) -> Manifest:
    """Close the carrier's day: every labelled parcel not yet on a manifest goes on a new one and is shipped;
    an order whose parcels are all shipped becomes ``shipped``. The shipping desk's work."""
    require_role(actor, "shipping")
    now = now or utcnow()
    carrier = _carrier(session, carrier_code)
    parcels = open_parcels(session, carrier)
    if not parcels:
        raise InvalidInput(f"nothing to close out for {carrier.name}: no labelled parcels wait for a manifest")
    serial = next_serials(session, f"manifest:{carrier.code}")
    manifest = Manifest(
        number=f"MF-{carrier.code}-{now:%Y%m%d}-{serial:04d}", carrier_id=carrier.id, closed_at=now,
        closed_by=actor.user, station=actor.station, parcel_count=len(parcels),
        total_weight_g=sum(p.weight_g for p in parcels), total_cents=sum(p.rate_cents for p in parcels),
    )
    session.add(manifest)
    session.flush()
    orders: dict[int, Order] = {}
    for parcel in parcels:
        parcel.manifest_id = manifest.id
        parcel.status = "shipped"
        parcel.shipped_at = now
        if parcel.order_id not in orders:
            orders[parcel.order_id] = session.get(Order, parcel.order_id)  # type: ignore[assignment]
    session.flush()
    for order in orders.values():
        remaining = session.scalar(
            select(Parcel.id).where(Parcel.order_id == order.id, Parcel.voided.is_(False), Parcel.status == "labelled")
        )
        tracking = [p.tracking_number for p in parcels if p.order_id == order.id]
        if remaining is None and order.status == lifecycle.LABELLED:
            move(session, order, lifecycle.SHIPPED, actor, manifest=manifest.number, carrier=carrier.code,
                 tracking_numbers=tracking)
            ship_reserved(session, order.id, actor, f"order {order.number}, manifest {manifest.number}")
        else:
            add_event(session, order, "parcel_shipped", actor, manifest=manifest.number, tracking_numbers=tracking)
        notify_change(session, "order", order.number)
        # A shop told at hand-over rather than at the label (its channel's write-back: closeout).
        queue_fulfilments(session, order, [p for p in parcels if p.order_id == order.id], when="closeout")
    rows = manifest_rows(session, manifest, parcels, orders)
    manifest.csv = render_csv(rows)
    manifest.pdf = render_pdf(manifest, carrier, rows)
    session.flush()
    return manifest


def manifest_rows(session: Session, manifest: Manifest, parcels: list[Parcel], orders: dict[int, Order]) -> list[dict]:
    services = {s.id: s.code for s in session.scalars(select(CarrierService))}
    carrier = session.get(Carrier, manifest.carrier_id)
    rows = []
    for p in parcels:
        o = orders[p.order_id]
        rows.append({
            "manifest": manifest.number, "carrier": carrier.code if carrier else "", "service": services.get(p.service_id, ""),
            "order": o.number, "parcel": f"{p.seq}/{p.count}", "tracking_number": p.tracking_number, "sscc": p.sscc,
            "weight_g": p.weight_g, "length_mm": p.length_mm, "width_mm": p.width_mm, "height_mm": p.height_mm,
            "recipient": o.ship_name, "city": o.ship_city, "region": o.ship_region, "postcode": o.ship_postcode,
            "country": o.ship_country, "zone": p.zone, "rate_cents": p.rate_cents,
        })
    return rows


def render_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def render_pdf(manifest: Manifest, carrier: Carrier, rows: list[dict]) -> bytes:
    font = fonts.register()
    width, height = landscape(A4)
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Manifest {manifest.number}")
    left, right = 12 * mm, width - 12 * mm
    cols = [(left, "#"), (left + 10 * mm, "Order"), (left + 45 * mm, "Parcel"), (left + 60 * mm, "Tracking"),
            (left + 105 * mm, "SSCC"), (left + 150 * mm, "Service"), (left + 175 * mm, "Recipient 收件人"),
            (left + 225 * mm, "Kg")]

    def header(page: int) -> float:
        c.setFont(font, 16)
        c.drawString(left, height - 15 * mm, f"Manifest 交接清单 {manifest.number}")
        c.setFont(font, 10)
        c.drawString(left, height - 22 * mm, f"{carrier.name} {carrier.name_zh}  ·  closed {manifest.closed_at:%Y-%m-%d %H:%M} UTC"
                     f" by {manifest.closed_by or '-'} at {manifest.station or '-'}")
        c.drawRightString(right, height - 15 * mm, f"p. {page}")
        y = height - 32 * mm
        c.setFont(font, 9)
        for x, title in cols:
            c.drawString(x, y, title)
        c.line(left, y - 2 * mm, right, y - 2 * mm)
        return y - 7 * mm

    page = 1
    y = header(page)
    for i, row in enumerate(rows, start=1):
        if y < 30 * mm:
            c.showPage()
            page += 1
            y = header(page)
        c.setFont(font, 9)
        values = [str(i), row["order"], row["parcel"], row["tracking_number"], row["sscc"], row["service"],
                  f"{row['recipient']} {row['city']}"[:28], f"{row['weight_g'] / 1000:.2f}"]
        for (x, _), value in zip(cols, values):
            c.drawString(x, y, value)
        y -= 5.5 * mm
    if y < 45 * mm:
        c.showPage()
        page += 1
        y = header(page)
    c.line(left, y + 2 * mm, right, y + 2 * mm)
    c.setFont(font, 11)
    c.drawString(left, y - 5 * mm, f"{manifest.parcel_count} parcels 件, {manifest.total_weight_g / 1000:.2f} kg")
    c.drawString(left, y - 20 * mm, "Handed over by 交件人: ____________________")
    c.drawString(left + 120 * mm, y - 20 * mm, "Received by driver 收件司机: ____________________")
    c.showPage()
    c.save()
    return out.getvalue()


def find_manifest(session: Session, number: str) -> Manifest:
    manifest = session.scalar(select(Manifest).where(Manifest.number == number))
    if manifest is None:
        raise NotFound(f"no manifest {number!r}")
    return manifest
