"""Shipping tables: carriers and their services, coverage, rates, parcels, the print queue, manifests.

A parcel carries the carrier's tracking number and a GS1 SSCC, both unique; ``tracking_token`` is the
unguessable key of the customer's tracking page (``/t/<token>``). Print jobs are a durable queue: a job is
claimed before it is sent and is never sent again unless the operator asks (``idempotency_key`` keeps a
document from being queued twice for one request).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.lifecycle import PARCEL_STATUSES, PRINT_JOB_STATES, sql_in
from db.base import Base, BigId, UtcDateTime, utcnow

SERVICE_KINDS = ("standard", "next_day", "scheduled")


class Carrier(Base):
    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100), default="")
    # s10 (UPU S10), ups1z, sf (12 digits, Luhn), mod7 (10 digits, mod-7 check)
    tracking_format: Mapped[str] = mapped_column(String(16))
    # S10: the two service-indicator letters; ups1z: the six-character shipper number; others: leading digits
    tracking_prefix: Mapped[str] = mapped_column(String(16), default="")
    origin_country: Mapped[str] = mapped_column(String(2), default="CN")
    # Parcels of a day are handed over at close-out; a label made after the cut-off ships the next day.
    cutoff_hour_utc: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # How the account rates and labels: "table" (the built-in rate card), later "karrio:<carrier>" (issue 21).
    connector: Mapped[str] = mapped_column(String(40), default="table", server_default="table")
    mode: Mapped[str] = mapped_column(String(16), default="production", server_default="production")

    services: Mapped[list[CarrierService]] = relationship(
        back_populates="carrier", cascade="all, delete-orphan", order_by="CarrierService.id"
    )


class CarrierService(Base):
    __tablename__ = "carrier_services"
    __table_args__ = (
        CheckConstraint("kind IN ('standard', 'next_day', 'scheduled')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16), default="standard")
    max_weight_g: Mapped[int] = mapped_column(Integer, default=30000)
    max_length_mm: Mapped[int] = mapped_column(Integer, default=1500)
    # Volumetric weight in grams = L x W x H (mm) / divisor; 0: the service bills actual weight only.
    volumetric_divisor: Mapped[int] = mapped_column(Integer, default=6000)
    # A code the tracking format embeds (UPS 1Z: the two-digit service indicator).
    format_code: Mapped[str] = mapped_column(String(8), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    carrier: Mapped[Carrier] = relationship(back_populates="services")
    coverage: Mapped[list[CarrierCoverage]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="CarrierCoverage.id"
    )
    rates: Mapped[list[CarrierRate]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="(CarrierRate.zone, CarrierRate.max_weight_g)"
    )


class CarrierCoverage(Base):
    """Where a service delivers: a country, or one region of it (empty region: the whole country)."""

    __tablename__ = "carrier_coverage"
    __table_args__ = (UniqueConstraint("service_id", "country", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("carrier_services.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(100), default="")
    zone: Mapped[int] = mapped_column(Integer, default=1)
    transit_days: Mapped[int] = mapped_column(Integer, default=2)

    service: Mapped[CarrierService] = relationship(back_populates="coverage")


class CarrierRate(Base):
    """The price of a parcel up to ``max_weight_g`` (chargeable weight) into ``zone``."""

    __tablename__ = "carrier_rates"
    __table_args__ = (
        UniqueConstraint("service_id", "zone", "max_weight_g"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("carrier_services.id"), index=True)
    zone: Mapped[int] = mapped_column(Integer)
    max_weight_g: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)

    service: Mapped[CarrierService] = relationship(back_populates="rates")


class CarrierPostcodeZone(Base):
    """Postcodes of ``country`` starting with ``postcode_prefix`` go into ``zone`` (0: not served); the longest
    prefix wins over a region's coverage, a region's over the whole country's."""

    __tablename__ = "carrier_postcode_zones"
    __table_args__ = (UniqueConstraint("service_id", "country", "postcode_prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("carrier_services.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    postcode_prefix: Mapped[str] = mapped_column(String(16))
    zone: Mapped[int] = mapped_column(Integer)
    transit_days: Mapped[int] = mapped_column(Integer)


SURCHARGE_KINDS = ("fuel", "remote", "oversize")


class CarrierSurcharge(Base):
    """Added to a parcel's price: ``remote`` (``cents`` to a country, region or postcode prefix), ``oversize``
    (``cents`` when the longest side is over ``over_mm``), ``fuel`` (``percent_bp`` hundredths of a percent of
    the price with the other surcharges). No service: every service of the carrier."""

    __tablename__ = "carrier_surcharges"
    __table_args__ = (
        CheckConstraint("kind IN ('fuel', 'remote', 'oversize')", name="known_kind"),
        CheckConstraint("cents >= 0 AND percent_bp >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("carrier_services.id"))
    kind: Mapped[str] = mapped_column(String(16))
    percent_bp: Mapped[int] = mapped_column(Integer, default=0)
    cents: Mapped[int] = mapped_column(Integer, default=0)
    country: Mapped[str] = mapped_column(String(2), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    postcode_prefix: Mapped[str] = mapped_column(String(16), default="")
    over_mm: Mapped[int] = mapped_column(Integer, default=0)


class ShippingCounter(Base):
    """Serial numbers handed out atomically (tracking numbers per carrier, SSCC serial references)."""

    __tablename__ = "shipping_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Manifest(Base):
    """One carrier's end-of-day hand-over: every parcel on it is shipped."""

    __tablename__ = "manifests"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"), index=True)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    station: Mapped[str | None] = mapped_column(String(64))
    parcel_count: Mapped[int] = mapped_column(Integer, default=0)
    total_weight_g: Mapped[int] = mapped_column(BigInteger, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    csv: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)

    carrier: Mapped[Carrier] = relationship()


class Parcel(Base):
    __tablename__ = "parcels"
    __table_args__ = (
        CheckConstraint("seq >= 1 AND seq <= count", name="seq_within_count"),
        CheckConstraint("weight_g > 0", name="positive_weight"),
        CheckConstraint(sql_in("status", PARCEL_STATUSES), name="known_status"),
        Index("ix_parcels_order", "order_id", "seq"),
        Index("ix_parcels_closeout", "carrier_id", "status", "manifest_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    seq: Mapped[int] = mapped_column(Integer, default=1)  # parcel n ...
    count: Mapped[int] = mapped_column(Integer, default=1)  # ... of m
    weight_g: Mapped[int] = mapped_column(Integer)
    length_mm: Mapped[int] = mapped_column(Integer)
    width_mm: Mapped[int] = mapped_column(Integer)
    height_mm: Mapped[int] = mapped_column(Integer)
    carton: Mapped[str] = mapped_column(String(40), default="")
    tracking_number: Mapped[str] = mapped_column(String(40), unique=True)
    sscc: Mapped[str] = mapped_column(String(18), unique=True)
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("carrier_services.id"))
    zone: Mapped[int] = mapped_column(Integer, default=1)
    rate_cents: Mapped[int] = mapped_column(Integer, default=0)
    chargeable_weight_g: Mapped[int] = mapped_column(Integer, default=0)
    expected_delivery: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="labelled")
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str] = mapped_column(String(300), default="")
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    service_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    reprints: Mapped[int] = mapped_column(Integer, default=0)
    manifest_id: Mapped[int | None] = mapped_column(ForeignKey("manifests.id"))
    labelled_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    labelled_by: Mapped[str | None] = mapped_column(String(64))
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    carrier: Mapped[Carrier] = relationship()
    service: Mapped[CarrierService] = relationship()
    manifest: Mapped[Manifest | None] = relationship()


class PrinterAssignment(Base):
    """Which printer a station uses for one kind of document (label, packing_slip, manifest)."""

    __tablename__ = "printer_assignments"
    __table_args__ = (UniqueConstraint("station", "document_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station: Mapped[str] = mapped_column(String(64))
    document_kind: Mapped[str] = mapped_column(String(24))
    # tcp://host:9100, serial:///dev/ttyUSB0?baudrate=9600, cups://QUEUE, qt://Printer Name, file:///dir
    uri: Mapped[str] = mapped_column(String(300))
    # pdf or zpl (labels); zpl_dpi 203 or 300
    format: Mapped[str] = mapped_column(String(8), default="pdf")
    dpi: Mapped[int] = mapped_column(Integer, default=203)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PrintJob(Base):
    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint(sql_in("state", PRINT_JOB_STATES), name="known_state"),
        Index("ix_print_jobs_due", "state", "next_attempt_at"),
        Index("ix_print_jobs_station", "station", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    station: Mapped[str] = mapped_column(String(64))
    document_kind: Mapped[str] = mapped_column(String(24))
    printer: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(8))  # pdf, zpl
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    requested_by: Mapped[str | None] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"))
    description: Mapped[str] = mapped_column(String(200), default="")
