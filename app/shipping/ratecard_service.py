"""Carrier accounts and their rate cards (issue 23 item 5): the application service the ``station carriers``
commands and the Administration screen's Carriers section call.

Each public function takes plain inputs and an :class:`Actor`, runs in one unit of work, checks the role
(admin), tells the other stations (``notify_change("carriers", CODE)``) and returns plain dataclasses. Any write
to the carrier tables moves their version (migration 0016's triggers; 0022's on the new tables), so no station
quotes from a cached copy of the old table; a card imported again unchanged writes nothing and moves nothing.

A carrier account has a connector: ``table`` is the built-in rate card; the carriers' own systems
(``karrio:<carrier>``, issue 21) register in :data:`CONNECTORS` when they come.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.errors import InvalidInput, NotFound
from app.shipping import ratecard
from app.shipping.rates import Destination, ParcelSpec, Requirement, ShippingError, ship_date_for, shop
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.base import utcnow
from db.models.shipping import (
    Carrier,
    CarrierCoverage,
    CarrierPostcodeZone,
    CarrierRate,
    CarrierService,
    CarrierSurcharge,
    ShippingCounter,
)

# Connector -> what it is. Issue 21 adds "karrio:<carrier>" accounts.
CONNECTORS: dict[str, str] = {"table": "the built-in rate card (an own fleet or a negotiated table)"}
MODES = ("test", "production")
TRACKING_FORMATS = ("mod7", "s10", "sf", "ups1z")  # app.shipping.tracking.make
ROLE = "admin"
_CARRIER_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")


@dataclass(frozen=True)
class CarrierAdded:
    code: str
    name: str
    name_zh: str
    connector: str
    mode: str
    tracking_format: str


@dataclass
class ImportResult:
    carrier: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[ratecard.Problem] = field(default_factory=list)
    table_version: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def as_json(self) -> dict:
        return {
            "carrier": self.carrier, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "table_version": self.table_version,
            "rejected": [{"record": p.record, "error": p.text()} for p in self.rejected],
        }


def _carrier(session: Session, code: str) -> Carrier:
    carrier = session.scalar(select(Carrier).where(Carrier.code == code.strip().upper()))
    if carrier is None:
        known = ", ".join(session.scalars(select(Carrier.code).order_by(Carrier.code))) or "none yet"
        raise NotFound(f"no carrier {code.strip()!r} (known: {known}); add it with: station carriers add NAME --connector table")
    return carrier


def table_version(session: Session) -> int | None:
    return session.scalar(select(ShippingCounter.value).where(ShippingCounter.name == "carriers:version"))


def add_carrier(
    sessions: sessionmaker[Session], actor: Actor, code: str, *, connector: str = "table", name: str = "",
    name_zh: str = "", mode: str = "production", tracking_format: str = "mod7", tracking_prefix: str = "",
    origin_country: str = "CN", cutoff_hour_utc: int = 16,
) -> CarrierAdded:
    """Register a carrier account. Its services, zones and rates come with its rate card."""
    require_role(actor, ROLE)
    code = code.strip().upper()
    if not _CARRIER_CODE.fullmatch(code):
        raise InvalidInput(f"carrier {code!r}: a code is 1 to 16 letters, digits, - or _ (e.g. OWNFLEET)")
    connector = connector.strip()
    if connector not in CONNECTORS:
        if connector.startswith("karrio:"):
            raise InvalidInput(f"connector {connector!r}: the carriers' own systems (karrio) are not installed in this "
                               "station yet; use --connector table with a rate card")
        raise InvalidInput(f"connector {connector!r} is unknown: use one of {', '.join(sorted(CONNECTORS))}")
    if mode not in MODES:
        raise InvalidInput(f"mode {mode!r}: use test or production")
    if tracking_format not in TRACKING_FORMATS:
        raise InvalidInput(f"tracking format {tracking_format!r}: use one of {', '.join(sorted(TRACKING_FORMATS))}")
    origin_country = origin_country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", origin_country):
        raise InvalidInput(f"origin country {origin_country!r} is not a two-letter country code")
    if not 0 <= cutoff_hour_utc <= 24:
        raise InvalidInput(f"cut-off hour {cutoff_hour_utc} is not between 0 and 24")
    name = (name or code).strip()[:100]
    with UnitOfWork(sessions) as uow:
        s = uow.session
        if s.scalar(select(Carrier.id).where(Carrier.code == code)) is not None:
            raise InvalidInput(f"carrier {code} exists already: 'station carriers list' shows it")
        carrier = Carrier(code=code, name=name, name_zh=name_zh.strip()[:100], tracking_format=tracking_format,
                          tracking_prefix=tracking_prefix.strip(), origin_country=origin_country,
                          cutoff_hour_utc=cutoff_hour_utc, connector=connector, mode=mode)
        s.add(carrier)
        if s.get(ShippingCounter, f"tracking:{code}") is None:
            s.add(ShippingCounter(name=f"tracking:{code}", value=0))
        notify_change(s, "carriers", code)
        uow.commit()
        return CarrierAdded(code, name, carrier.name_zh, connector, mode, tracking_format)


def import_rate_card(sessions: sessionmaker[Session], actor: Actor, carrier_code: str, data: bytes | str | Path) -> ImportResult:
    """Apply a CSV rate card to a carrier (:mod:`app.shipping.ratecard`): created/updated/unchanged per line,
    what the card leaves out of its services removed; a card with any bad line changes nothing."""
    require_role(actor, ROLE)
    if isinstance(data, Path):
        data = data.read_bytes()
    card, problems = ratecard.parse(data)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        carrier = _carrier(s, carrier_code)
        result = ImportResult(carrier.code, rejected=list(problems))
        if carrier.connector != "table":
            raise InvalidInput(f"carrier {carrier.code} uses the connector {carrier.connector}: its rates come from "
                               "the carrier, not from a rate card")
        if not problems:
            problems.extend(_foreign_services(s, carrier, card))
            result.rejected = sorted(problems, key=lambda p: p.line)
        if result.rejected:
            return result
        _apply(s, carrier, card, result)
        if result.changed:
            notify_change(s, "carriers", carrier.code)
            s.flush()
        uow.commit()
    with sessions() as s:
        result.table_version = table_version(s)
    return result


def _foreign_services(s: Session, carrier: Carrier, card: ratecard.RateCard) -> list[ratecard.Problem]:
    problems = []
    codes = [line.code for line in card.services]
    owners = dict(s.execute(select(CarrierService.code, Carrier.code).join(Carrier)
                            .where(CarrierService.code.in_(codes))).all()) if codes else {}
    for line in card.services:
        owner = owners.get(line.code)
        if owner is not None and owner != carrier.code:
            problems.append(ratecard.Problem(line.line, "service", f"{line.code} is a service of carrier {owner}: "
                                                                    "give this carrier's service another code"))
    return problems


def _count(result: ImportResult, outcome: str) -> None:
    setattr(result, outcome, getattr(result, outcome) + 1)


def _sync(row, values: dict) -> str:
    """Set ``values`` on an existing row: 'updated' if anything differed, else 'unchanged'."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return "updated" if changed else "unchanged"


def _apply(s: Session, carrier: Carrier, card: ratecard.RateCard, result: ImportResult) -> None:
    existing = {svc.code: svc for svc in s.scalars(select(CarrierService).where(CarrierService.carrier_id == carrier.id))}
    by_code: dict[str, CarrierService] = {}
    for line in card.services:
        values = dict(name=line.name, name_zh=line.name_zh, kind=line.kind, max_weight_g=line.max_weight_g,
                      max_length_mm=line.max_length_mm, volumetric_divisor=line.volumetric_divisor, active=True)
        svc = existing.get(line.code)
        if svc is None:
            svc = CarrierService(carrier_id=carrier.id, code=line.code, format_code="", **values)
            s.add(svc)
            _count(result, "created")
        else:
            _count(result, _sync(svc, values))
        by_code[line.code] = svc
    s.flush()
    for code, svc in by_code.items():
        # Areas: a region or the whole country on carrier_coverage, a postcode prefix on carrier_postcode_zones.
        regions = {(c.country, c.region.casefold()): c for c in
                   s.scalars(select(CarrierCoverage).where(CarrierCoverage.service_id == svc.id))}
        prefixes = {(z.country, z.postcode_prefix): z for z in
                    s.scalars(select(CarrierPostcodeZone).where(CarrierPostcodeZone.service_id == svc.id))}
        for z in (z for z in card.zones if z.service == code):
            if z.postcode_prefix:
                row = prefixes.pop((z.country, z.postcode_prefix), None)
                if row is None:
                    s.add(CarrierPostcodeZone(service_id=svc.id, country=z.country, postcode_prefix=z.postcode_prefix,
                                              zone=z.zone, transit_days=z.transit_days))
                    _count(result, "created")
                else:
                    _count(result, _sync(row, dict(zone=z.zone, transit_days=z.transit_days)))
            else:
                row = regions.pop((z.country, z.region.casefold()), None)
                if row is None:
                    s.add(CarrierCoverage(service_id=svc.id, country=z.country, region=z.region, zone=z.zone,
                                          transit_days=z.transit_days))
                    _count(result, "created")
                else:
                    _count(result, _sync(row, dict(region=z.region, zone=z.zone, transit_days=z.transit_days)))
        rates = {(r.zone, r.max_weight_g): r for r in s.scalars(select(CarrierRate).where(CarrierRate.service_id == svc.id))}
        for r in (r for r in card.rates if r.service == code):
            row = rates.pop((r.zone, r.up_to_g), None)
            if row is None:
                s.add(CarrierRate(service_id=svc.id, zone=r.zone, max_weight_g=r.up_to_g, price_cents=r.price_cents))
                _count(result, "created")
            else:
                _count(result, _sync(row, dict(price_cents=r.price_cents)))
        for row in [*regions.values(), *prefixes.values(), *rates.values()]:
            s.delete(row)
            result.removed += 1
    # Surcharges: the card's for its services and for the whole carrier ("*").
    service_ids = {code: svc.id for code, svc in by_code.items()}
    owned = [row for row in s.scalars(select(CarrierSurcharge).where(CarrierSurcharge.carrier_id == carrier.id))
             if row.service_id is None or row.service_id in service_ids.values()]
    ids_code = {v: k for k, v in service_ids.items()}
    current = {(ids_code.get(row.service_id, ratecard.ALL_SERVICES) if row.service_id else ratecard.ALL_SERVICES,
                row.kind, row.country, row.region.casefold(), row.postcode_prefix, row.over_mm): row for row in owned}
    for line in card.surcharges:
        row = current.pop(line.key, None)
        if row is None:
            s.add(CarrierSurcharge(
                carrier_id=carrier.id, service_id=service_ids.get(line.service), kind=line.kind,
                percent_bp=line.percent_bp, cents=line.cents, country=line.country, region=line.region,
                postcode_prefix=line.postcode_prefix, over_mm=line.over_mm))
            _count(result, "created")
        else:
            _count(result, _sync(row, dict(percent_bp=line.percent_bp, cents=line.cents, region=line.region)))
    for row in current.values():
        s.delete(row)
        result.removed += 1
    s.flush()


# --- editing on screen ---------------------------------------------------------------------------------------

def set_rate(sessions: sessionmaker[Session], actor: Actor, rate_id: int, price_cents: int) -> int:
    """A weight break's new price; returns the carrier tables' new version."""
    require_role(actor, ROLE)
    if price_cents < 0:
        raise InvalidInput(f"price {price_cents / 100:.2f} is negative")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        rate = s.get(CarrierRate, rate_id)
        if rate is None:
            raise NotFound(f"no rate {rate_id}: another station may have replaced the card; reload the list")
        if rate.price_cents != price_cents:
            rate.price_cents = price_cents
            notify_change(s, "carriers", rate.service.carrier.code)
        uow.commit()
        return table_version(s) or 0


def set_service(sessions: sessionmaker[Session], actor: Actor, service_code: str, *, name: str | None = None,
                name_zh: str | None = None, max_weight_g: int | None = None, max_length_mm: int | None = None,
                active: bool | None = None) -> None:
    """Change a service's names, limits or whether rate shopping may choose it."""
    require_role(actor, ROLE)
    with UnitOfWork(sessions) as uow:
        s = uow.session
        svc = s.scalar(select(CarrierService).where(CarrierService.code == service_code.strip().upper()))
        if svc is None:
            raise NotFound(f"no carrier service {service_code.strip()!r}")
        values: dict = {}
        if name is not None:
            if not name.strip():
                raise InvalidInput(f"service {svc.code}: the name is empty")
            values["name"] = name.strip()[:100]
        if name_zh is not None:
            values["name_zh"] = name_zh.strip()[:100]
        for key, value in (("max_weight_g", max_weight_g), ("max_length_mm", max_length_mm)):
            if value is not None:
                if value <= 0:
                    raise InvalidInput(f"service {svc.code}: {key} {value} is not above 0")
                values[key] = value
        if active is not None:
            values["active"] = active
        if _sync(svc, values) == "updated":
            notify_change(s, "carriers", svc.carrier.code)
        uow.commit()


# --- the rate a sample parcel would get ------------------------------------------------------------------------

@dataclass(frozen=True)
class PreviewLine:
    service: str
    name: str
    carrier: str
    zone: int | None
    price_cents: int | None
    transit_days: int | None
    chargeable_g: int | None
    why_not: str = ""


def preview_quote(sessions: sessionmaker[Session], *, country: str, postcode: str = "", region: str = "",
                  weight_g: int, length_mm: int, width_mm: int, height_mm: int,
                  carrier_code: str | None = None) -> list[PreviewLine]:
    """What each active service would charge for one parcel to this address, through the same carrier table and
    rating the labels use (cheapest first, then the services that cannot take it and why). Changes nothing."""
    from app.shipping.service import carrier_table

    if not re.fullmatch(r"[A-Za-z]{2}", country.strip()):
        raise InvalidInput(f"country {country!r} is not a two-letter country code")
    spec = ParcelSpec(weight_g, length_mm, width_mm, height_mm)
    spec.check(1, 1)
    dest = Destination(country.strip().upper(), region.strip(), "", postcode.strip())
    with sessions() as s:
        options = carrier_table(s).options
    if carrier_code:
        options = [o for o in options if o.carrier_code == carrier_code.strip().upper()]
    now = utcnow()
    result = shop(options, dest, [spec], Requirement(), {o.code: ship_date_for(o, now.hour, now.date()) for o in options})
    lines = [PreviewLine(q.service.code, q.service.name, q.service.carrier_code, q.zone, q.price_cents, q.transit_days,
                         q.chargeable_g[0]) for q in result.quotes]
    names = {o.code: o for o in options}
    for code, why in sorted(result.rejected.items()):
        o = names[code]
        lines.append(PreviewLine(code, o.name, o.carrier_code, None, None, None, None, why))
    return lines


__all__ = ["CONNECTORS", "ImportResult", "ShippingError", "add_carrier", "import_rate_card",
           "preview_quote", "set_rate", "set_service", "table_version"]
