"""Stations and warehouses (issue 23, item 2): register them, so every command and screen can refuse a station name
the database does not know (:func:`require_station`), and set any station's printers from anywhere (item 7)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.admin.auth import require_role
from app.errors import InvalidInput, NotFound
from app.sync import notify_change
from app.uow import Actor, UnitOfWork
from db.models import Station, Warehouse

STATION_KINDS = ("pack", "pick", "ship", "review", "service")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class StationAdded:
    name: str
    warehouse: str | None
    kind: str


@dataclass(frozen=True)
class WarehouseAdded:
    code: str
    name: str
    country: str
    address: str
    latitude: float | None
    longitude: float | None


def unknown_station_message(name: str) -> str:
    return f"no station named {name}: register it with 'station stations add {name}'"


def require_station(session: Session, name: str) -> Station:
    """The station called ``name``; a name the database does not know is refused, naming the command that
    registers it."""
    station = session.scalar(select(Station).where(Station.name == (name or "").strip()))
    if station is None:
        raise NotFound(unknown_station_message((name or "").strip()))
    return station


def check_station(sessions: sessionmaker[Session], name: str) -> None:
    """Refuse a station name the database does not know (for commands and the desktop app at start)."""
    with sessions() as s:
        require_station(s, name)


def _warehouse_id(session: Session, code: str | None, what: str) -> int | None:
    if not code:
        return None
    warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == code.strip()))
    if warehouse_id is None:
        raise NotFound(f"{what}: warehouse: no warehouse {code.strip()}: add it with 'station warehouses add'")
    return warehouse_id


def add_station(sessions: sessionmaker[Session], name: str, actor: Actor, *, warehouse: str | None = None,
                kind: str = "pack") -> StationAdded:
    require_role(actor, "admin")
    name = (name or "").strip()
    if not _NAME.match(name):
        raise InvalidInput(f"station {name!r}: name: use 1 to 64 letters, digits, '.', '_' or '-'")
    kind = (kind or "pack").strip().lower()
    if kind not in STATION_KINDS:
        raise InvalidInput(f"station {name}: kind: {kind!r} is not one of {', '.join(STATION_KINDS)}")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        if s.scalar(select(Station.id).where(Station.name == name)) is not None:
            raise InvalidInput(f"station {name}: name: there is already a station {name}")
        s.add(Station(name=name, warehouse_id=_warehouse_id(s, warehouse, f"station {name}"), kind=kind))
        try:
            s.flush()
        except IntegrityError as exc:
            raise InvalidInput(f"station {name}: name: there is already a station {name}") from exc
        notify_change(s, "station", name)
        uow.commit()
    return StationAdded(name, (warehouse or "").strip() or None, kind)


def add_warehouse(sessions: sessionmaker[Session], code: str, name: str, actor: Actor, *, country: str = "",
                  address: str = "", city: str = "", region: str = "", postcode: str = "", name_zh: str = "",
                  latitude: float | None = None, longitude: float | None = None) -> WarehouseAdded:
    require_role(actor, "admin")
    code = (code or "").strip().upper()
    if not _CODE.match(code):
        raise InvalidInput(f"warehouse {code!r}: code: use 1 to 32 letters, digits, '.', '_' or '-'")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput(f"warehouse {code}: name: give a name of at most 200 characters")
    country = (country or "").strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidInput(f"warehouse {code}: country: {country!r} is not a two-letter country code (CN, US...)")
    if (latitude is None) != (longitude is None):
        raise InvalidInput(f"warehouse {code}: latitude/longitude: give both or neither")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # type: ignore[operator]
        raise InvalidInput(f"warehouse {code}: latitude/longitude: out of range")
    for field, value, limit in (("address", address, 100), ("city", city, 100), ("region", region, 100),
                                ("postcode", postcode, 20), ("name_zh", name_zh, 200)):
        if len(value or "") > limit:
            raise InvalidInput(f"warehouse {code}: {field}: at most {limit} characters")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        if s.scalar(select(Warehouse.id).where(Warehouse.code == code)) is not None:
            raise InvalidInput(f"warehouse {code}: code: there is already a warehouse {code}")
        # The street address has no column of its own: the city line keeps it in front of the city.
        city_line = ", ".join(p for p in ((address or "").strip(), (city or "").strip()) if p)[:100]
        s.add(Warehouse(code=code, name=name, name_zh=(name_zh or "").strip(), country=country, region=region.strip(),
                        city=city_line, postcode=postcode.strip(), latitude=latitude, longitude=longitude))
        try:
            s.flush()
        except IntegrityError as exc:
            raise InvalidInput(f"warehouse {code}: code: there is already a warehouse {code}") from exc
        notify_change(s, "warehouse", code)
        uow.commit()
    return WarehouseAdded(code, name, country, city_line, latitude, longitude)


def set_station_printer(sessions: sessionmaker[Session], station: str, kind: str, uri: str, actor: Actor, *,
                        fmt: str = "pdf", dpi: int = 203, cjk_mode: str = "font") -> None:
    """Set any station's printer of one kind (``uri`` empty: it has none)."""
    from sqlalchemy import delete

    from app.shipping.service import set_printer
    from db.models.shipping import PrinterAssignment

    require_role(actor, "admin")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        require_station(s, station)
        if (uri or "").strip():
            set_printer(s, station, kind, uri.strip(), fmt, dpi, cjk_mode)
        else:
            s.execute(delete(PrinterAssignment).where(PrinterAssignment.station == station,
                                                      PrinterAssignment.document_kind == kind))
        notify_change(s, "printers", station)
        uow.commit()


def queue_test_print(sessions: sessionmaker[Session], station: str, kind: str, actor: Actor, *, settings) -> int:
    """Queue a test page on any station's printer of ``kind``; that station's print queue sends it. Returns the
    job's id."""
    from app.shipping.service import test_print as queue_test_page

    require_role(actor, "admin")
    with UnitOfWork(sessions) as uow:
        s = uow.session
        require_station(s, station)
        job = queue_test_page(s, station, kind, settings=settings, actor=actor)
        s.flush()
        job_id = job.id
        notify_change(s, "printers", station)
        uow.commit()
    return job_id


def report_devices(sessions: sessionmaker[Session], station: str, devices) -> None:
    """A station tells the shared database which serial devices its config names (``devices``: objects with
    ``kind`` and ``port``), at start and when its Devices screen saves them, so Administration lists them for
    every station. Like the heartbeat, a station writes only its own row, and nothing when nothing changed."""
    listed = [{"kind": str(d.kind), "port": str(d.port or "")[:200]} for d in devices]
    with UnitOfWork(sessions) as uow:
        row = require_station(uow.session, station)
        if row.devices == listed:
            return
        row.devices = listed
        notify_change(uow.session, "station", station)
        uow.commit()
