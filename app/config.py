"""The station's configuration: one typed object, loaded once.

Precedence for the database URL (contracts.md): ``--db``, then ``STATION_DB_URL``, then the
config file, then the embedded SQLite file in the user's data directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

import platformdirs

APP_NAME = "warehouse-station"
CONFIG_ENV = "STATION_CONFIG"
DB_URL_ENV = "STATION_DB_URL"
WEBHOOK_SECRET_ENV = "STATION_WEBHOOK_SECRET"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "station.json"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'station.db'}"


@dataclass
class DeviceConfig:
    """One serial device attached to this station."""

    kind: str  # scanner | rfid | scale | printer
    port: str = ""
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    prefix: str = ""
    suffix: str = ""
    terminator: str = "\r"
    usb_vid: int | None = None
    usb_pid: int | None = None
    usb_serial: str | None = None
    protocol: str = ""
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Settings:
    db_url: str = ""
    station: str = "STATION-1"
    warehouse: str = ""
    language: str = "en"
    tracking_base_url: str = "http://127.0.0.1:8470"
    webhook_secret: str = ""
    gs1_company_prefix: str = "0614141"
    weight_tolerance_percent: float = 5.0
    devices: list[DeviceConfig] = field(default_factory=list)
    printers: dict[str, str] = field(default_factory=dict)
    review_rules: dict[str, Any] = field(default_factory=dict)
    smtp: dict[str, Any] = field(default_factory=dict)
    service_phone: str = ""
    service_email: str = ""
    scan_journal: str = ""  # the station's offline scan journal (SQLite); empty: in the data folder
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "Settings":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        values["devices"] = [DeviceConfig(**d) for d in raw.get("devices", [])]
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        return asdict(self)

    def extra_int(self, name: str, default: int) -> int:
        """The whole-number setting ``extra[name]``, ``default`` when unset; anything else is the operator's to fix."""
        from app.errors import InvalidInput

        raw = (self.extra or {}).get(name)
        if raw is None or raw == "":
            return default
        if isinstance(raw, bool) or not str(raw).strip().isdigit():
            raise InvalidInput(f"the setting {name} must be a whole number, not {raw!r}")
        return int(raw)


def load_settings(db_url: str | None = None, path: Path | None = None) -> Settings:
    path = path or config_path()
    raw: dict[str, Any] = {}
    if path.exists():
        raw = json.loads(path.read_text(encoding="utf-8"))
    settings = Settings.from_mapping(raw)
    settings.db_url = db_url or os.environ.get(DB_URL_ENV) or settings.db_url or default_db_url()
    # A secret is better kept out of a file other programs may read.
    settings.webhook_secret = os.environ.get(WEBHOOK_SECRET_ENV) or settings.webhook_secret
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the station's config atomically; the database URL given on the command line is not persisted
    unless it was already in the file."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings.to_mapping(), indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path
