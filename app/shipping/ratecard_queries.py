"""Read model of the carrier accounts and their rate cards: plain dataclasses for ``station carriers list`` and
the Administration screen's Carriers section. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.shipping.ratecard_service import table_version
from db.models.shipping import (
    Carrier,
    CarrierCoverage,
    CarrierPostcodeZone,
    CarrierRate,
    CarrierService,
    CarrierSurcharge,
)


@dataclass(frozen=True)
class CarrierSummary:
    code: str
    name: str
    name_zh: str
    connector: str
    mode: str
    active: bool
    services: list[str]
    coverage: int  # areas: countries, regions and postcode prefixes, over every service
    rates: int
    surcharges: int
    table_version: int | None

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "name_zh": self.name_zh, "connector": self.connector,
                "mode": self.mode, "active": self.active, "services": self.services, "coverage": self.coverage,
                "rates": self.rates, "surcharges": self.surcharges, "table_version": self.table_version}


@dataclass(frozen=True)
class ZoneRow:
    country: str
    area: str  # a region, a postcode prefix ("50*"), or "" for the whole country
    zone: int
    transit_days: int


@dataclass(frozen=True)
class RateRow:
    id: int
    zone: int
    up_to_g: int
    price_cents: int


@dataclass(frozen=True)
class SurchargeRow:
    service: str  # a code, or "*" for every service
    kind: str
    percent_bp: int
    cents: int
    where: str  # a remote area (country, region or postcode prefix) or "over N mm"


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: str
    name_zh: str
    kind: str
    max_weight_g: int
    max_length_mm: int
    volumetric_divisor: int
    active: bool
    zones: list[ZoneRow] = field(default_factory=list)
    rates: list[RateRow] = field(default_factory=list)


@dataclass(frozen=True)
class CarrierDetail:
    summary: CarrierSummary
    services: list[ServiceRow]
    surcharges: list[SurchargeRow]


def _counts(s: Session, model, column, carrier_ids: list[int]) -> dict[int, int]:
    if model is CarrierSurcharge:
        stmt = select(CarrierSurcharge.carrier_id, func.count()).group_by(CarrierSurcharge.carrier_id)
    else:
        stmt = (select(CarrierService.carrier_id, func.count(column)).join(model, model.service_id == CarrierService.id)
                .group_by(CarrierService.carrier_id))
    return dict(s.execute(stmt).all())


def list_carriers(sessions: sessionmaker[Session]) -> list[CarrierSummary]:
    with sessions() as s:
        version = table_version(s)
        carriers = list(s.scalars(select(Carrier).order_by(Carrier.code)))
        ids = [c.id for c in carriers]
        services: dict[int, list[str]] = {}
        for carrier_id, code in s.execute(select(CarrierService.carrier_id, CarrierService.code).order_by(CarrierService.code)):
            services.setdefault(carrier_id, []).append(code)
        regions = _counts(s, CarrierCoverage, CarrierCoverage.id, ids)
        prefixes = _counts(s, CarrierPostcodeZone, CarrierPostcodeZone.id, ids)
        rates = _counts(s, CarrierRate, CarrierRate.id, ids)
        surcharges = _counts(s, CarrierSurcharge, CarrierSurcharge.id, ids)
        return [
            CarrierSummary(c.code, c.name, c.name_zh, c.connector, c.mode, c.active, services.get(c.id, []),
                           regions.get(c.id, 0) + prefixes.get(c.id, 0), rates.get(c.id, 0), surcharges.get(c.id, 0),
                           version)
            for c in carriers
        ]


def carrier_detail(sessions: sessionmaker[Session], code: str) -> CarrierDetail | None:
    summary = next((c for c in list_carriers(sessions) if c.code == code.strip().upper()), None)
    if summary is None:
        return None
    with sessions() as s:
        carrier = s.scalar(select(Carrier).where(Carrier.code == summary.code))
        rows = []
        codes: dict[int, str] = {}
        for svc in s.scalars(select(CarrierService).where(CarrierService.carrier_id == carrier.id).order_by(CarrierService.code)):
            codes[svc.id] = svc.code
            zones = [ZoneRow(c.country, c.region, c.zone, c.transit_days) for c in svc.coverage]
            zones += [ZoneRow(z.country, f"{z.postcode_prefix}*", z.zone, z.transit_days) for z in
                      s.scalars(select(CarrierPostcodeZone).where(CarrierPostcodeZone.service_id == svc.id))]
            zones.sort(key=lambda z: (z.country, z.area))
            rates = [RateRow(r.id, r.zone, r.max_weight_g, r.price_cents)
                     for r in sorted(svc.rates, key=lambda r: (r.zone, r.max_weight_g))]
            rows.append(ServiceRow(svc.code, svc.name, svc.name_zh, svc.kind, svc.max_weight_g, svc.max_length_mm,
                                   svc.volumetric_divisor, svc.active, zones, rates))
        surcharges = []
        for row in s.scalars(select(CarrierSurcharge).where(CarrierSurcharge.carrier_id == carrier.id).order_by(CarrierSurcharge.id)):
            if row.kind == "oversize":
                where = f"> {row.over_mm} mm"
            else:
                where = " ".join(p for p in (row.country, row.region, f"{row.postcode_prefix}*" if row.postcode_prefix else "") if p)
            surcharges.append(SurchargeRow(codes.get(row.service_id, "*") if row.service_id else "*", row.kind,
                                           row.percent_bp, row.cents, where))
        return CarrierDetail(summary, rows, surcharges)
