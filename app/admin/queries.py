"""The Administration read model: users, stations and warehouses as plain dataclasses for the screens and the CLI
(which import neither SQLAlchemy nor the models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.admin.staff import UserView, view_of
from app.errors import NotFound
from db.base import utcnow
from db.models import Station, User, Warehouse
from db.models.shipping import PrinterAssignment
from db.models.users import LoginLock, UserEvent


@dataclass(frozen=True)
class PrinterRow:
    kind: str
    uri: str
    format: str
    dpi: int
    cjk_mode: str


@dataclass(frozen=True)
class StationRow:
    name: str
    warehouse: str | None
    warehouse_name: str | None
    kind: str
    user: str | None  # the username logged in there, if any
    user_name: str | None
    logged_in_at: datetime | None
    last_seen_at: datetime | None
    printers: tuple[PrinterRow, ...]
    devices: tuple[tuple[str, str], ...] | None = None  # (kind, port) as the station last reported; None: never

    def as_json(self) -> dict:
        return {"name": self.name, "warehouse": self.warehouse, "kind": self.kind, "user": self.user,
                "printers": {p.kind: p.uri for p in self.printers},
                "devices": None if self.devices is None else [{"kind": k, "port": p} for k, p in self.devices]}


@dataclass(frozen=True)
class WarehouseRow:
    code: str
    name: str
    name_zh: str
    country: str
    city: str
    postcode: str
    latitude: float | None
    longitude: float | None
    active: bool

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "name_zh": self.name_zh, "country": self.country,
                "address": self.city, "postcode": self.postcode, "latitude": self.latitude,
                "longitude": self.longitude, "active": self.active}


@dataclass(frozen=True)
class TrailRow:
    """One event on a user's trail: never a PIN or a badge code."""

    at: datetime
    kind: str  # login, login_failed, login_refused (while locked), locked, unlocked
    username: str | None
    station: str | None
    actor: str | None  # who unlocked
    data: dict

    def as_json(self) -> dict:
        return {"at": self.at.isoformat(), "kind": self.kind, "username": self.username, "station": self.station,
                "actor": self.actor, **{k: v for k, v in self.data.items() if k not in ("at", "kind")}}


def _locks(s: Session) -> dict[str, datetime]:
    now = utcnow()
    return {name: until for name, until in s.execute(select(LoginLock.name, LoginLock.locked_until)
                                                     .where(LoginLock.locked_until > now)) if until is not None}


def users(sessions: sessionmaker[Session], *, include_inactive: bool = True) -> list[UserView]:
    with sessions() as s:
        q = select(User).order_by(User.username)
        if not include_inactive:
            q = q.where(User.active.is_(True))
        locks = _locks(s)
        return [view_of(u, locks.get(u.username)) for u in s.scalars(q)]


def user(sessions: sessionmaker[Session], username: str) -> UserView | None:
    with sessions() as s:
        found = s.scalar(select(User).where(User.username == username))
        return view_of(found, _locks(s).get(found.username)) if found is not None else None


def user_trail(sessions: sessionmaker[Session], username: str, *, limit: int = 200) -> list[TrailRow]:
    """The last ``limit`` events of ``username``'s trail (log-ins, failures, locks, unlocks), oldest first; also
    for a name no user has that someone tried to log in with."""
    username = (username or "").strip()
    with sessions() as s:
        rows = list(s.scalars(select(UserEvent).where(UserEvent.username == username)
                              .order_by(UserEvent.id.desc()).limit(limit)))
        if not rows and s.scalar(select(User.id).where(User.username == username)) is None:
            raise NotFound(f"no user {username!r}: add one with 'station users add'")
        return [TrailRow(e.at, e.kind, e.username, e.station, e.actor, dict(e.data or {})) for e in reversed(rows)]


def user_id(sessions: sessionmaker[Session], username: str) -> int | None:
    with sessions() as s:
        return s.scalar(select(User.id).where(User.username == username))


def stations(sessions: sessionmaker[Session]) -> list[StationRow]:
    with sessions() as s:
        printers: dict[str, list[PrinterRow]] = {}
        for p in s.scalars(select(PrinterAssignment).order_by(PrinterAssignment.station,
                                                              PrinterAssignment.document_kind)):
            printers.setdefault(p.station, []).append(
                PrinterRow(p.document_kind, p.uri, p.format, p.dpi, str((p.options or {}).get("cjk", "font"))))
        rows = s.execute(
            select(Station.name, Station.kind, Station.logged_in_at, Station.last_seen_at, Station.devices, Warehouse.code,
                   Warehouse.name.label("warehouse_name"), User.username, User.display_name)
            .outerjoin(Warehouse, Warehouse.id == Station.warehouse_id)
            .outerjoin(User, User.id == Station.user_id)
            .order_by(Station.name)
        ).all()
        return [StationRow(r.name, r.code, r.warehouse_name, r.kind or "pack", r.username, r.display_name,
                           r.logged_in_at, r.last_seen_at, tuple(printers.get(r.name, ())),
                           None if r.devices is None else tuple((d.get("kind", ""), d.get("port", "")) for d in r.devices))
                for r in rows]


def station_names(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as s:
        return list(s.scalars(select(Station.name).order_by(Station.name)))


def warehouses(sessions: sessionmaker[Session]) -> list[WarehouseRow]:
    with sessions() as s:
        return [WarehouseRow(w.code, w.name, w.name_zh or "", w.country, w.city, w.postcode, w.latitude, w.longitude,
                             bool(w.active))
                for w in s.scalars(select(Warehouse).order_by(Warehouse.code))]
