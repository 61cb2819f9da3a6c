"""Carriers from the database: the rate-shopping options, serial numbers, and the demo carrier set."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.shipping.rates import ServiceOption, Surcharge
from db.models.shipping import (
    Carrier,
    CarrierCoverage,
    CarrierPostcodeZone,
    CarrierRate,
    CarrierService,
    CarrierSurcharge,
    ShippingCounter,
)


def load_options(session: Session, only_active: bool = True) -> list[ServiceOption]:
    stmt = select(CarrierService).join(Carrier).options(
        selectinload(CarrierService.coverage), selectinload(CarrierService.rates), selectinload(CarrierService.carrier)
    ).order_by(CarrierService.id)
    if only_active:
        stmt = stmt.where(CarrierService.active.is_(True), Carrier.active.is_(True))
    services = list(session.scalars(stmt))
    ids = [svc.id for svc in services]
    postcode_zones: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}
    surcharges: dict[tuple[int, int | None], list[Surcharge]] = {}
    if ids:
        for z in session.scalars(select(CarrierPostcodeZone).where(CarrierPostcodeZone.service_id.in_(ids))):
            postcode_zones.setdefault(z.service_id, {})[(z.country.upper(), z.postcode_prefix)] = (z.zone, z.transit_days)
        carrier_ids = {svc.carrier_id for svc in services}
        for c in session.scalars(select(CarrierSurcharge).where(CarrierSurcharge.carrier_id.in_(carrier_ids))
                                 .order_by(CarrierSurcharge.id)):
            surcharges.setdefault((c.carrier_id, c.service_id), []).append(Surcharge(
                c.kind, c.cents, c.percent_bp, c.country.upper(), c.region, c.postcode_prefix, c.over_mm))
    options = []
    for svc in services:
        rates: dict[int, list[tuple[int, int]]] = {}
        for rate in sorted(svc.rates, key=lambda r: (r.zone, r.max_weight_g)):
            rates.setdefault(rate.zone, []).append((rate.max_weight_g, rate.price_cents))
        options.append(
            ServiceOption(
                service_id=svc.id,
                code=svc.code,
                name=f"{svc.carrier.name} {svc.name}",
                carrier_code=svc.carrier.code,
                carrier_name=svc.carrier.name,
                kind=svc.kind,
                max_weight_g=svc.max_weight_g,
                max_length_mm=svc.max_length_mm,
                volumetric_divisor=svc.volumetric_divisor,
                coverage={(c.country.upper(), c.region): (c.zone, c.transit_days) for c in svc.coverage},
                rates=rates,
                cutoff_hour_utc=svc.carrier.cutoff_hour_utc,
                postcode_zones=postcode_zones.get(svc.id, {}),
                surcharges=tuple(surcharges.get((svc.carrier_id, None), []) + surcharges.get((svc.carrier_id, svc.id), [])),
            )
        )
    return options


def next_serials(session: Session, name: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive serials under ``name``; returns the first (see :func:`take_serials`)."""
    return take_serials(session, {name: count})[name]


def take_serials(session: Session, wanted: dict[str, int]) -> dict[str, int]:
    """Reserve ``count`` consecutive serials under each ``name`` of ``wanted``; returns the first of each. Atomic
    across stations: each row is updated in place (PostgreSQL row lock; SQLite's writer lock), so two stations
    never share one.

    On PostgreSQL the serials are taken in one short transaction of their own, as a sequence gives them: the
    counters' row locks are held for a statement each, not for the caller's whole label transaction (with sixteen
    stations labelling at once, the SSCC counter every label shares made them label one at a time); the rows are
    taken in name order, so two stations never wait on each other. A serial taken by a label that then fails is
    skipped, never given twice. A counter row that the caller's own transaction has just created is not visible
    outside it: then the caller's transaction takes those serials."""
    last: dict[str, int | None] = dict.fromkeys(wanted)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        with bind.engine.connect() as own:
            for name in sorted(wanted):
                last[name] = own.execute(_increment(name, wanted[name])).scalar_one_or_none()
            own.commit()
    for name, value in last.items():
        if value is not None:
            continue
        stmt = _increment(name, wanted[name])
        value = session.execute(stmt).scalar_one_or_none()
        if value is None:
            try:
                with session.begin_nested():
                    session.add(ShippingCounter(name=name, value=0))
            except IntegrityError:
                pass  # another station created it a moment ago: its row is there now
            value = session.execute(stmt).scalar_one()
        last[name] = value
    return {name: int(value) - wanted[name] + 1 for name, value in last.items()}


def _increment(name: str, count: int):
    return (
        update(ShippingCounter)
        .where(ShippingCounter.name == name)
        .values(value=ShippingCounter.value + count)
        .returning(ShippingCounter.value)
    )


# --- the demo carrier set -----------------------------------------------------------------------------

_EAST = ["Shanghai", "Jiangsu", "Zhejiang", "Anhui"]
_REMOTE = ["Xinjiang", "Tibet", "Qinghai", "Inner Mongolia", "Ningxia", "Gansu"]
_BRACKETS = (500, 1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000, 70000)


def _rates(first: int, per_kg: int, limit_g: int) -> list[tuple[int, int]]:
    """A rate table: ``first`` cents for the first kilogram, ``per_kg`` for each kilogram after."""
    rows = []
    for max_g in _BRACKETS:
        if max_g > limit_g:
            break
        extra_kg = max(0, -(-max_g // 1000) - 1)
        rows.append((max_g, first + per_kg * extra_kg))
    return rows


def _cn_zones(east: tuple[int, int], rest: tuple[int, int], remote: tuple[int, int] | None) -> list[tuple[str, str, int, int]]:
    rows = [("CN", region, 1, east[1]) for region in _EAST]
    rows.append(("CN", "", 2, rest[1]))
    if remote:
        rows += [("CN", region, 3, remote[1]) for region in _REMOTE]
    else:
        rows += [("CN", region, 0, 0) for region in _REMOTE]  # zone 0: explicitly not served
    return rows


# carrier: code, name, name_zh, format, prefix, services
# service: code, name, name_zh, kind, max_weight_g, divisor, format_code, coverage rows, {zone: (first, per_kg)}
DEMO_CARRIERS = [
    ("SF", "SF Express", "顺丰速运", "sf", "60", [
        ("SF-STD", "Standard", "顺丰标快", "standard", 30000, 12000, "",
         _cn_zones((1, 1), (2, 2), (3, 4)) + [("HK", "", 4, 2), ("MO", "", 4, 3)],
         {1: (1200, 200), 2: (2300, 600), 3: (3000, 1500), 4: (4500, 1800)}),
        ("SF-NEXT", "Next Day", "顺丰特快", "next_day", 20000, 6000, "",
         _cn_zones((1, 1), (2, 1), None),
         {1: (2300, 500), 2: (3200, 1000)}),
    ]),
    ("EMS", "China Post EMS", "中国邮政 EMS", "s10", "EA", [
        ("EMS-STD", "Domestic Parcel", "国内标准快递", "standard", 40000, 0, "",
         _cn_zones((1, 2), (2, 3), (3, 6)) + [("HK", "", 4, 4), ("MO", "", 4, 4), ("TW", "", 4, 5)],
         {1: (1000, 150), 2: (1800, 500), 3: (2000, 900), 4: (9000, 3000)}),
        ("EMS-INTL", "International", "国际 EMS", "standard", 30000, 6000, "",
         [(c, "", z, d) for c, z, d in (("US", 5, 7), ("GB", 5, 8), ("DE", 5, 8), ("FR", 5, 8), ("JP", 4, 4),
                                        ("KR", 4, 4), ("SG", 4, 5), ("AU", 5, 8), ("CA", 5, 8))],
         {4: (11000, 3000), 5: (16000, 5500)}),
    ]),
    ("UPS", "UPS", "UPS 快递", "ups1z", "8V2A41", [
        ("UPS-EXP", "Worldwide Express", "全球特快", "next_day", 70000, 5000, "01",
         [(c, "", z, d) for c, z, d in (("US", 5, 2), ("GB", 5, 2), ("DE", 5, 2), ("FR", 5, 2), ("JP", 4, 1),
                                        ("KR", 4, 1), ("SG", 4, 1), ("AU", 5, 3), ("CA", 5, 2), ("HK", 4, 1))],
         {4: (21000, 6000), 5: (32000, 9000)}),
        ("UPS-SAVER", "Worldwide Saver", "全球速快", "standard", 70000, 5000, "13",
         [(c, "", z, d) for c, z, d in (("US", 5, 3), ("GB", 5, 3), ("DE", 5, 3), ("FR", 5, 3), ("JP", 4, 2),
                                        ("KR", 4, 2), ("SG", 4, 2), ("AU", 5, 4), ("CA", 5, 3), ("HK", 4, 2))],
         {4: (18000, 5000), 5: (27000, 7500)}),
    ]),
    ("YRD", "Yangtze Delta Courier", "长三角速递", "mod7", "5", [
        ("YRD-STD", "Same-region", "区域次日达", "standard", 15000, 8000, "",
         [("CN", region, 1, 1) for region in _EAST],
         {1: (800, 150)}),
        ("YRD-SCHED", "Scheduled Delivery", "预约配送", "scheduled", 30000, 8000, "",
         [("CN", "Shanghai", 1, 1), ("CN", "Jiangsu", 1, 2), ("CN", "Zhejiang", 1, 2)],
         {1: (1500, 200)}),
    ]),
]


def seed_carriers(session: Session) -> list[Carrier]:
    """Create the demo carriers (SF Express, China Post EMS, UPS, a regional courier) with their services,
    coverage and rate tables. Idempotent: what exists already (by code) is left as it is."""
    carriers = []
    for code, name, name_zh, fmt, prefix, services in DEMO_CARRIERS:
        carrier = session.scalar(select(Carrier).where(Carrier.code == code))
        if carrier is None:
            carrier = Carrier(code=code, name=name, name_zh=name_zh, tracking_format=fmt, tracking_prefix=prefix)
            session.add(carrier)
            session.flush()
        if session.get(ShippingCounter, f"tracking:{code}") is None:
            session.add(ShippingCounter(name=f"tracking:{code}", value=0))
        carriers.append(carrier)
        for s_code, s_name, s_zh, kind, max_w, divisor, fcode, coverage, prices in services:
            if session.scalar(select(CarrierService.id).where(CarrierService.code == s_code)) is not None:
                continue
            svc = CarrierService(
                carrier_id=carrier.id, code=s_code, name=s_name, name_zh=s_zh, kind=kind, max_weight_g=max_w,
                volumetric_divisor=divisor, format_code=fcode,
            )
            svc.coverage = [CarrierCoverage(country=c, region=r, zone=z, transit_days=d) for c, r, z, d in coverage]
            svc.rates = [
                CarrierRate(zone=zone, max_weight_g=g, price_cents=cents)
                for zone, (first, per_kg) in prices.items()
                for g, cents in _rates(first, per_kg, max_w)
            ]
            session.add(svc)
    session.flush()
    return carriers
