"""The station's configuration: one typed object, loaded once (style.md).

:func:`load_settings` reads the config file (JSON: ``STATION_CONFIG``, else ``station.json`` in the user's config
folder), then the environment variables of :data:`ENVIRONMENT`, and checks every value: a bad one is a line
``config: pack.bulk_threshold = 'six' is not a whole number (1-999)``, and all of them together are one
:class:`app.errors.ConfigError` (the ``station`` command exits 2). This is the only module that reads the
environment; the rest of the app reads :class:`Settings`.

Precedence for the database URL (contracts.md): ``--db``, then ``STATION_DB_URL``, then the config file, then the
embedded SQLite file in the user's data directory.

The file, every key optional (the defaults shown)::

    {"station": "STATION-1", "warehouse": "", "language": "en", "db_url": "",
     "tracking_base_url": "http://127.0.0.1:8470", "webhook_secret": "", "gs1_company_prefix": "0614141",
     "service_phone": "", "service_email": "", "scan_journal": "",
     "devices": [{"kind": "scanner", "port": "/dev/ttyACM0", ...}],
     "review_rules": {"large_amount_cents": 500000, ...}, "smtp": {"host": "127.0.0.1", ...},
     "pack": {"bulk_threshold": 6, "weight_tolerance_percent": 5.0, "weight_tolerance_min_g": 20,
              "scale_empty_below_g": 5},
     "web": {"workers": 0, "db_threads": 8, "page_cache": 4096, "secret": "", "carrier_events_secret": "",
             "access_log": true, "trusted_proxies": [], "lookup_burst": 10, "lookup_every_s": 6.0,
             "form_burst": 20, "form_every_s": 3.0, "page_burst": 300, "page_every_s": 0.05,
             "request_timeout_s": 5.0, "max_connections_per_client": 32},
     "slip": {"paper": "a4"}, "notify": {"language": ""},
     "returns": {"window_days": 7, "exchange_window_days": 15, ...}}

Older files are read as they are: the flat ``extra`` keys and the top-level ``weight_tolerance_percent`` map to
their fields (:data:`OLD_NAMES`; :func:`warn_about_settings` says so in one line at start), and a ``printers``
entry is imported once into the database for the file's station (printers are set per station in the database:
:func:`app.shipping.service.printer_for`). :func:`save_settings` writes the new shape. ``demo`` and ``run`` are
given to one run (``--demo``, the environment) and are never read from the file nor written to it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import platformdirs

from app.aftersales.policy import REASONS as RETURN_REASONS
from app.aftersales.policy import ReturnPolicy
from app.errors import ConfigError

APP_NAME = "warehouse-station"
CONFIG_ENV = "STATION_CONFIG"
DB_URL_ENV = "STATION_DB_URL"
WEBHOOK_SECRET_ENV = "STATION_WEBHOOK_SECRET"
TRACKING_BASE_URL_ENV = "STATION_TRACKING_BASE_URL"
WEB_SECRET_ENV = "STATION_WEB_SECRET"
CARRIER_EVENTS_SECRET_ENV = "STATION_CARRIER_EVENTS_SECRET"
WEB_ACCESS_LOG_ENV = "STATION_WEB_ACCESS_LOG"
DEBUG_ENV = "STATION_DEBUG"
EXIT_AFTER_LOGIN_SHOWN_ENV = "STATION_EXIT_AFTER_LOGIN_SHOWN"
BADGE_KEY_ENV = "STATION_BADGE_KEY"
PIN_ENV = "STATION_PIN"
# A shop's credentials by channel name: STATION_CHANNEL_<NAME>_<FIELD> (the name in capitals, other than letters
# and digits as "_"), e.g. STATION_CHANNEL_ACME_SHOP_TOKEN.
CHANNEL_ENV_PREFIX = "STATION_CHANNEL_"
BADGE_KEY_FILE = "badge.key"
DEFAULT_TRACKING_BASE_URL = "http://127.0.0.1:8470"

log = logging.getLogger("station.config")
log.addHandler(logging.NullHandler())  # a warning is printed where it matters; logging's last resort adds no copy


# --- what a setting accepts --------------------------------------------------------------------------------

class _Bad(Exception):
    """A value the check refuses (the loader words the line)."""


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Check:
    """What one setting accepts: :meth:`convert` gives the typed value or raises; :meth:`allowed` says what is
    allowed, for the operator's line."""

    kind: str  # whole, number, flag, choice, text, name, url, digits, list, mapping
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    item: Check | None = None  # a list's items

    def allowed(self) -> str:
        if self.kind == "whole":
            return f"a whole number ({_n(self.low)}-{_n(self.high)})"
        if self.kind == "number":
            return f"a number ({_n(self.low)}-{_n(self.high)})"
        if self.kind == "flag":
            return "true or false"
        if self.kind == "choice":
            shown = ["'' (none)" if c == "" else c for c in self.choices]
            return "one of " + ", ".join(shown)
        if self.kind == "name":
            return "a name (text, not empty)"
        if self.kind == "url":
            return "an address starting http:// or https://"
        if self.kind == "digits":
            return f"{_n(self.low)} to {_n(self.high)} digits (as text)"
        if self.kind == "list":
            return "a list"
        if self.kind == "mapping":
            return "an object ({...})"
        return "text"

    def convert(self, raw: Any) -> Any:
        kind = self.kind
        if kind == "whole":
            if isinstance(raw, bool):
                raise _Bad
            if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
                raw = int(raw.strip())
            if not isinstance(raw, int) or not (self.low <= raw <= self.high):  # type: ignore[operator]
                raise _Bad
            return raw
        if kind == "number":
            if isinstance(raw, bool):
                raise _Bad
            if isinstance(raw, str):
                try:
                    raw = float(raw.strip())
                except ValueError:
                    raise _Bad from None
            if not isinstance(raw, (int, float)) or raw != raw or not (self.low <= raw <= self.high):  # type: ignore[operator]
                raise _Bad
            return float(raw)
        if kind == "flag":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower() if isinstance(raw, (str, int)) else None
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise _Bad
        if kind == "choice":
            if isinstance(raw, bool):
                raw = "true" if raw else "false"
            if not isinstance(raw, str):
                raise _Bad
            for choice in self.choices:
                if raw.strip().lower().replace("-", "_") == choice.lower():
                    return choice
            raise _Bad
        if kind in ("text", "name", "url", "digits"):
            if not isinstance(raw, str):
                raise _Bad
            if kind == "name" and not raw.strip():
                raise _Bad
            if kind == "url":
                try:
                    parts = urlsplit(raw.strip())
                except ValueError:
                    raise _Bad from None
                if parts.scheme not in ("http", "https") or not parts.hostname:
                    raise _Bad
            if kind == "digits" and not (raw.isdigit() and self.low <= len(raw) <= self.high):  # type: ignore[operator]
                raise _Bad
            return raw.strip() if kind in ("name", "url") else raw
        if kind == "list":
            if not isinstance(raw, (list, tuple)):
                raise _Bad
            return raw  # the items are checked one by one by the loader
        if kind == "mapping":
            if not isinstance(raw, Mapping):
                raise _Bad
            return dict(raw)
        raise AssertionError(kind)


def _n(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def whole(low: int, high: int) -> Check:
    return Check("whole", low, high)


def number(low: float, high: float) -> Check:
    return Check("number", low, high)


def choice(*choices: str) -> Check:
    return Check("choice", choices=choices)


FLAG, TEXT, NAME, URL, MAPPING = Check("flag"), Check("text"), Check("name"), Check("url"), Check("mapping")


def list_of(item: Check) -> Check:
    return Check("list", item=item)


def setting(default: Any, check: Check, doc: str = "", *, env: str = "") -> Any:
    """A typed field with what it accepts, a line of documentation and the environment variable that overrides it."""
    meta = {"check": check, "doc": doc, "env": env}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


# --- the sections ------------------------------------------------------------------------------------------

@dataclass
class PackSection:
    """The pack bench (app.packing)."""

    bulk_threshold: int = setting(6, whole(1, 999), "units of one line from which a count barcode is asked for")
    weight_tolerance_percent: float = setting(5.0, number(0, 100), "a weighed box may differ this much (percent)")
    weight_tolerance_min_g: int = setting(20, whole(0, 100_000), "... and at least this much (grams)")
    scale_empty_below_g: int = setting(5, whole(0, 1000), "a scale reading below this is an empty platform (grams)")


@dataclass
class WebSection:
    """``station serve`` (app.web)."""

    workers: int = setting(0, whole(0, 256), "worker processes; 0: one a CPU (--workers wins)")
    db_threads: int = setting(8, whole(1, 256), "database work at once per worker, and its read connections")
    page_cache: int = setting(4096, whole(0, 1_000_000), "tracking pages kept rendered per worker; 0 keeps none")
    secret: str = setting("", TEXT, "signs the forms' CSRF fields; random per start when empty", env=WEB_SECRET_ENV)
    carrier_events_secret: str = setting(
        "", TEXT, "signs POST /carrier-events; empty: webhook_secret", env=CARRIER_EVENTS_SECRET_ENV)
    access_log: bool = setting(True, FLAG, "log every request (route, status, time; no personal data)",
                               env=WEB_ACCESS_LOG_ENV)
    trusted_proxies: tuple[str, ...] = setting(
        (), list_of(TEXT), "addresses or networks (CIDR) of proxies whose X-Forwarded-For names the client")
    lookup_burst: int = setting(10, whole(1, 100_000), "order look-ups a client address may make at once")
    lookup_every_s: float = setting(6.0, number(0.001, 86_400), "... then one more every this many seconds")
    form_burst: int = setting(20, whole(1, 100_000), "form posts (contact, return, survey) a client may make at once")
    form_every_s: float = setting(3.0, number(0.001, 86_400), "... then one more every this many seconds")
    page_burst: int = setting(300, whole(1, 1_000_000), "tracking pages a client address may open at once")
    page_every_s: float = setting(0.05, number(0.0001, 86_400), "... then one more every this many seconds")
    request_timeout_s: float = setting(5.0, number(0.5, 300), "a request must arrive whole within this many seconds")
    max_connections_per_client: int = setting(
        32, whole(0, 100_000), "open connections a client address may hold per worker process; 0: no cap")


@dataclass
class SlipSection:
    """The packing slip (app.shipping.slip)."""

    paper: str = setting("a4", choice("a4", "letter"), "the packing slip's paper")


@dataclass
class NotifySection:
    """The e-mail notices (app.notify); the SMTP server is the ``smtp`` setting."""

    language: str = setting("", choice("", "en", "zh_CN"), "every notice in this language; empty: by the country")


@dataclass
class ReturnsSection:
    """The returns policy (app.aftersales.policy.ReturnPolicy, whose defaults these are)."""

    window_days: int = setting(ReturnPolicy.window_days, whole(0, 3650), "days after delivery a refund may be asked")
    exchange_window_days: int = setting(ReturnPolicy.exchange_window_days, whole(0, 3650), "... an exchange")
    non_returnable_categories: tuple[str, ...] = setting(
        ReturnPolicy.non_returnable_categories, list_of(NAME), "categories that come back only when at fault")
    merchant_fault_reasons: tuple[str, ...] = setting(
        ReturnPolicy.merchant_fault_reasons, list_of(choice(*RETURN_REASONS)), "reasons that put the merchant at fault")
    refund_shipping_on_fault: bool = setting(ReturnPolicy.refund_shipping_on_fault, FLAG,
                                             "refund the shipping when at fault and all comes back")
    restocking_fee_percent: int = setting(ReturnPolicy.restocking_fee_percent, whole(0, 100),
                                          "kept back from a change-of-mind refund (percent)")
    exchange_same_item_only: bool = setting(ReturnPolicy.exchange_same_item_only, FLAG,
                                            "an exchange is for the same product or a listed substitute")
    reasons: tuple[str, ...] = setting(ReturnPolicy.reasons, list_of(choice(*RETURN_REASONS)),
                                       "the reasons a customer may give")


@dataclass
class DemoSection:
    """Given to one run (``station gui --demo``); never read from the file, never saved."""

    enabled: bool = setting(False, FLAG, "the simulated devices and the virtual scanner")
    printer_folder: str = setting("", TEXT, "the demo's virtual label printer (a folder)")


@dataclass
class RunSection:
    """Given to one run by the environment; never read from the file, never saved."""

    debug: bool = setting(False, FLAG, "an unexpected error's traceback in the log", env=DEBUG_ENV)
    exit_after_login_shown: bool = setting(
        False, FLAG, "the start-up benchmark: quit once the log-in screen is shown", env=EXIT_AFTER_LOGIN_SHOWN_ENV)


SECTIONS: dict[str, type[Any]] = {
    "pack": PackSection, "web": WebSection, "slip": SlipSection, "notify": NotifySection, "returns": ReturnsSection,
    "demo": DemoSection, "run": RunSection,
}
RUN_ONLY = ("demo", "run")  # never read from the file, never written to it

DEVICE_KINDS = ("scanner", "rfid", "scale", "printer")


@dataclass
class DeviceConfig:
    """One serial device attached to this station."""

    kind: str = setting("scanner", choice(*DEVICE_KINDS))
    port: str = setting("", TEXT)
    baudrate: int = setting(9600, whole(50, 4_000_000))
    bytesize: int = setting(8, whole(5, 8))
    parity: str = setting("N", choice("N", "E", "O", "M", "S"))
    stopbits: float = setting(1, number(1, 2))
    prefix: str = setting("", TEXT)
    suffix: str = setting("", TEXT)
    terminator: str = setting("\r", TEXT)
    usb_vid: int | None = setting(None, whole(0, 0xFFFF))
    usb_pid: int | None = setting(None, whole(0, 0xFFFF))
    usb_serial: str | None = setting(None, TEXT)
    protocol: str = setting("", TEXT)
    options: dict[str, Any] = setting({}, MAPPING)


# The review rules' thresholds (app.domain.rules.RuleSettings) and the SMTP server (app.notify.smtp.SmtpSettings)
# stay mappings their own modules read; their keys and values are checked here.
REVIEW_RULES: dict[str, Check] = {
    "large_amount_cents": whole(0, 10**12), "large_line_quantity": whole(1, 10**6),
    "large_total_quantity": whole(1, 10**6), "restricted_categories": list_of(NAME), "cents_per_point": whole(1, 10**6),
    "disabled": list_of(NAME),
}
SMTP: dict[str, Check] = {
    "host": TEXT, "port": whole(1, 65535), "tls": choice("none", "starttls", "ssl", "true", "yes", "1"), "sender": TEXT, "user": TEXT,
    "password": TEXT, "timeout": number(0.1, 600),
}


@dataclass
class LoadNotes:
    """How the settings were loaded: for the start-up lines and for saving; never saved itself."""

    path: Path | None = None
    old_names: list[tuple[str, str]] = field(default_factory=list)  # (old, new) found in the file
    printers: dict[str, Any] = field(default_factory=dict)  # a file's old ``printers`` entry, for the import
    from_environment: set[str] = field(default_factory=set)  # the settings an environment variable set
    db_url_from: str = "default"  # --db, environment, file, default


@dataclass
class Settings:
    db_url: str = setting("", TEXT, "the database (SQLAlchemy URL); empty: station.db in the data folder",
                          env=DB_URL_ENV)
    station: str = setting("STATION-1", NAME, "this station's name")
    warehouse: str = setting("", TEXT, "the warehouse this station works in (its code)")
    language: str = setting("en", choice("en", "zh_CN"), "the station's language")
    # The address customers reach ``station serve`` at: labels' QR codes and the links in e-mails start with it.
    tracking_base_url: str = setting(DEFAULT_TRACKING_BASE_URL, URL, "the customer page's address (labels' QR codes, "
                                     "e-mails)", env=TRACKING_BASE_URL_ENV)
    webhook_secret: str = setting("", TEXT, "verifies Shopify/WooCommerce order webhooks", env=WEBHOOK_SECRET_ENV)
    # The key badges are looked up by (HMAC-SHA256): every station on one database needs the same one; empty: a key
    # made once into a file in the data folder (the embedded database's own machine).
    badge_key: str = setting("", TEXT, "the key badge codes are hashed with (the same on every station of a database)",
                             env=BADGE_KEY_ENV)
    gs1_company_prefix: str = setting("0614141", Check("digits", 6, 12), "the GS1 company prefix in every SSCC")
    devices: list[DeviceConfig] = field(default_factory=list)
    review_rules: dict[str, Any] = setting({}, MAPPING, "the review rules' thresholds")
    smtp: dict[str, Any] = setting({}, MAPPING, "the mail server for customer notices")
    # The shops' credentials by channel name ({"acme": {"token": "shpat_..."}}); never in the database.
    channels: dict[str, Any] = setting({}, MAPPING, "the shops' credentials by channel name (channel_credentials)")
    service_phone: str = setting("", TEXT, "customer service's phone, on every customer page")
    service_email: str = setting("", TEXT, "customer service's e-mail, on every customer page")
    scan_journal: str = setting("", TEXT, "the offline scan journal (SQLite); empty: in the data folder")
    pack: PackSection = field(default_factory=PackSection)
    web: WebSection = field(default_factory=WebSection)
    slip: SlipSection = field(default_factory=SlipSection)
    notify: NotifySection = field(default_factory=NotifySection)
    returns: ReturnsSection = field(default_factory=ReturnsSection)
    demo: DemoSection = field(default_factory=DemoSection)
    run: RunSection = field(default_factory=RunSection)
    loaded: LoadNotes = field(default_factory=LoadNotes, repr=False, compare=False)

    def __setattr__(self, name: str, value: Any) -> None:
        # A setting that is not one (an old ``extra`` or ``printers``) is a mistake to hear of, not a no-op.
        if name not in _SETTINGS_FIELDS:
            raise AttributeError(f"Settings has no setting {name!r}")
        object.__setattr__(self, name, value)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, source: str = "") -> Settings:
        """Settings from a config file's mapping (old names read too); raises ConfigError naming every bad value."""
        problems: list[str] = []
        settings = _parse(raw, problems, source)
        if problems:
            raise ConfigError(problems)
        return settings

    def to_mapping(self) -> dict[str, Any]:
        """What the config file holds: the new shape, without what is given to one run."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in RUN_ONLY or f.name == "loaded":
                continue
            value = getattr(self, f.name)
            if f.name in SECTIONS:
                out[f.name] = {g.name: _plain(getattr(value, g.name)) for g in fields(value)}
            elif f.name == "devices":
                out[f.name] = [{g.name: _plain(getattr(d, g.name)) for g in fields(d)} for d in value]
            else:
                out[f.name] = _plain(value)
        return out


_SETTINGS_FIELDS = frozenset(f.name for f in fields(Settings))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


# --- old names ---------------------------------------------------------------------------------------------

# Where an older file kept a setting -> its field now.
OLD_NAMES: dict[str, str] = {
    "weight_tolerance_percent": "pack.weight_tolerance_percent",
    "extra.pack_bulk_threshold": "pack.bulk_threshold",
    "extra.weight_tolerance_min_g": "pack.weight_tolerance_min_g",
    "extra.scale_empty_below_g": "pack.scale_empty_below_g",
    "extra.web_workers": "web.workers",
    "extra.web_db_threads": "web.db_threads",
    "extra.web_page_cache": "web.page_cache",
    "extra.web_secret": "web.secret",
    "extra.carrier_events_secret": "web.carrier_events_secret",
    "extra.slip_paper": "slip.paper",
    "extra.notify_language": "notify.language",
    "extra.return_policy": "returns",
}
# What an earlier version saved by mistake for one run (``--demo``): read as nothing, said nowhere.
OLD_RUN_ONLY = ("extra.demo", "extra.demo_printer_folder")
PRINTER_KINDS = ("label", "packing_slip", "manifest")


def _renamed(raw: Mapping[str, Any], notes: LoadNotes, problems: list[str], named: dict[str, str]) -> dict[str, Any]:
    """The file's mapping in the new shape. ``named``: new key -> how the file names it, for the lines."""
    out = {k: v for k, v in raw.items() if k not in ("extra", "weight_tolerance_percent", "printers")}
    extra = raw.get("extra")
    if extra is not None and not isinstance(extra, Mapping):
        problems.append(f"config: extra = {extra!r} is not an object ({{...}})")
        extra = {}
    flat = {f"extra.{k}": v for k, v in (extra or {}).items()}
    if "weight_tolerance_percent" in raw:
        flat["weight_tolerance_percent"] = raw["weight_tolerance_percent"]
    for old, value in flat.items():
        if old in OLD_RUN_ONLY:
            continue
        new = OLD_NAMES.get(old)
        if new is None:
            problems.append(f"config: {old} is not a setting")
            continue
        notes.old_names.append((old, new))
        section, _, name = new.partition(".")
        if not name:  # a whole section
            if section not in out:
                out[section] = value
                named[section] = old
            continue
        target = out.setdefault(section, {})
        if isinstance(target, dict) and name not in target:
            out[section] = {**target, name: value}
            named[new] = old
    if "printers" in raw:
        notes.printers = _printers(raw["printers"], problems)
    return out


def _printers(raw: Any, problems: list[str]) -> dict[str, Any]:
    """A file's old ``printers`` entry ({"label": URI, "label_format": "zpl", "label_dpi": 203, "label_cjk":
    "font", ...}), checked: imported into the database at start (app.context)."""
    if not isinstance(raw, Mapping):
        problems.append(f"config: printers = {raw!r} is not an object ({{...}})")
        return {}
    checks: dict[str, Check] = {}
    for kind in PRINTER_KINDS:
        checks.update({kind: TEXT, f"{kind}_format": choice("pdf", "zpl"), f"{kind}_dpi": TEXT,
                       f"{kind}_cjk": choice("font", "graphic")})
    out: dict[str, Any] = {}
    for key, value in raw.items():
        check = checks.get(key)
        if check is None:
            problems.append(f"config: printers.{key} is not a setting (printers has {', '.join(PRINTER_KINDS)} and "
                            "their _format, _dpi and _cjk)")
            continue
        if key.endswith("_dpi"):  # a number in the file
            if str(value) in ("203", "300") and not isinstance(value, bool):
                out[key] = int(value)
            else:
                problems.append(f"config: printers.{key} = {value!r} is not one of 203, 300")
            continue
        _convert(f"printers.{key}", value, check, problems, out, key)
    return {k: v for k, v in out.items() if v != ""}


# --- the loader --------------------------------------------------------------------------------------------

def _convert(name: str, raw: Any, check: Check, problems: list[str], into: dict[str, Any], key: str) -> None:
    try:
        value = check.convert(raw)
    except _Bad:
        problems.append(f"config: {name} = {raw!r} is not {check.allowed()}")
        return
    if check.kind == "list":
        items = []
        for i, item in enumerate(value):
            try:
                items.append(check.item.convert(item))  # type: ignore[union-attr]
            except _Bad:
                problems.append(f"config: {name}[{i}] = {item!r} is not {check.item.allowed()}")  # type: ignore[union-attr]
        value = tuple(items)
    into[key] = value


def _fields_of(cls: type, raw: Any, name: str, problems: list[str]) -> dict[str, Any]:
    """The checked values of one section (or device) given in the file, by field."""
    if not isinstance(raw, Mapping):
        problems.append(f"config: {name} = {raw!r} is not an object ({{...}})")
        return {}
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        f = known.get(key)
        if f is None:
            problems.append(f"config: {name}.{key} is not a setting ({name.split('[')[0]} has {', '.join(known)})")
            continue
        if value is None and f.default is None:
            values[key] = None
            continue
        _convert(f"{name}.{key}", value, f.metadata["check"], problems, values, key)
    return values


def _mapping_of(checks: dict[str, Check], raw: Any, name: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        problems.append(f"config: {name} = {raw!r} is not an object ({{...}})")
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        check = checks.get(key)
        if check is None:
            problems.append(f"config: {name}.{key} is not a setting ({name} has {', '.join(checks)})")
            continue
        _convert(f"{name}.{key}", value, check, problems, out, key)
        if isinstance(out.get(key), tuple):
            out[key] = list(out[key])
    return out


def _channel_secrets(raw: Any, problems: list[str]) -> dict[str, Any]:
    """``channels``: {name: {token, key, secret, webhook_secret}}; a wrong one is named, its value never shown."""
    if not isinstance(raw, Mapping):
        shown = "(text)" if isinstance(raw, str) else repr(raw)  # a token pasted in the wrong place is not echoed
        problems.append(f"config: channels = {shown} is not an object ({{...}})")
        return {}
    out: dict[str, Any] = {}
    for name, given in raw.items():
        if not isinstance(given, Mapping):
            problems.append(f"config: channels.{name} is not an object ({{...}})")
            continue
        kept = {}
        for key, value in given.items():
            if key not in CHANNEL_SECRETS:
                problems.append(f"config: channels.{name}.{key} is not a setting (a channel has "
                                f"{', '.join(CHANNEL_SECRETS)})")
            elif not isinstance(value, str):
                problems.append(f"config: channels.{name}.{key} is not text")
            else:
                kept[key] = value
        out[str(name)] = kept
    return out


def _parse(raw: Mapping[str, Any], problems: list[str], source: str = "", notes: LoadNotes | None = None) -> Settings:
    notes = notes if notes is not None else LoadNotes()
    named: dict[str, str] = {}
    if not isinstance(raw, Mapping):
        problems.append(f"config: {source or 'the config file'} holds {type(raw).__name__}, not an object ({{...}})")
        raw = {}
    raw = _renamed(raw, notes, problems, named)
    lines: list[str] = []
    settings = Settings()
    top = {f.name: f for f in fields(Settings)}
    for key, value in raw.items():
        f = top.get(key)
        if f is None or key in RUN_ONLY or key == "loaded":
            lines.append(f"config: {key} is not a setting")
            continue
        if key in SECTIONS:
            values = _fields_of(SECTIONS[key], value, key, lines)
            object.__setattr__(settings, key, SECTIONS[key](**values))
        elif key == "devices":
            if not isinstance(value, list):
                lines.append(f"config: devices = {value!r} is not a list")
                continue
            devices = []
            for i, device in enumerate(value):
                values = _fields_of(DeviceConfig, device, f"devices[{i}]", lines)
                devices.append(DeviceConfig(**values))
            settings.devices = devices
        elif key == "review_rules":
            settings.review_rules = _mapping_of(REVIEW_RULES, value, key, lines)
        elif key == "smtp":
            settings.smtp = _mapping_of(SMTP, value, key, lines)
        elif key == "channels":
            settings.channels = _channel_secrets(value, lines)
        else:
            values = {}
            _convert(key, value, f.metadata["check"], lines, values, key)
            if key in values:
                setattr(settings, key, values[key])
    problems.extend(_as_named(line, named) for line in lines)
    _check_disabled_rules(settings, problems)
    object.__setattr__(settings, "loaded", notes)
    return settings


def _as_named(line: str, named: dict[str, str]) -> str:
    """A line about a value an older file gave under its old name names it so (the operator fixes that key)."""
    if not named:
        return line
    head = "config: "
    rest = line[len(head):]
    key = rest.split(" ", 1)[0]
    for new, old in sorted(named.items(), key=lambda kv: -len(kv[0])):
        if key == new or key.startswith(new + ".") or key.startswith(new + "["):
            return head + old + rest[len(new):]
    return line


def _check_disabled_rules(settings: Settings, problems: list[str]) -> None:
    disabled = settings.review_rules.get("disabled") or []
    if not disabled:
        return
    from app.domain.rules import RULES  # only when some rule is disabled: it loads the address data's library

    for i, code in enumerate(disabled):
        if code not in RULES:
            problems.append(f"config: review_rules.disabled[{i}] = {code!r} is not one of {', '.join(RULES)}")


# --- the environment ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EnvironmentVariable:
    name: str
    setting: str  # the setting it gives (dotted), "" for the config file's own path
    doc: str


ENVIRONMENT: tuple[EnvironmentVariable, ...] = (
    EnvironmentVariable(CONFIG_ENV, "", "the config file (default: station.json in the user's config folder)"),
    EnvironmentVariable(DB_URL_ENV, "db_url", "the database, after --db and before the config file"),
    EnvironmentVariable(TRACKING_BASE_URL_ENV, "tracking_base_url", "the customer page's address"),
    EnvironmentVariable(WEBHOOK_SECRET_ENV, "webhook_secret", "verifies the order webhooks"),
    EnvironmentVariable(WEB_SECRET_ENV, "web.secret", "signs the customer forms' CSRF fields"),
    EnvironmentVariable(CARRIER_EVENTS_SECRET_ENV, "web.carrier_events_secret", "verifies POST /carrier-events"),
    EnvironmentVariable(WEB_ACCESS_LOG_ENV, "web.access_log", "0: station serve logs no requests"),
    EnvironmentVariable(BADGE_KEY_ENV, "badge_key", "the key badge codes are hashed with"),
    EnvironmentVariable(PIN_ENV, "", "the PIN of --user for a command that changes data (else it is asked)"),
    EnvironmentVariable(DEBUG_ENV, "run.debug", "1: an unexpected error's traceback goes to the log"),
    EnvironmentVariable(EXIT_AFTER_LOGIN_SHOWN_ENV, "run.exit_after_login_shown",
                        "1: the desktop app quits once the log-in screen is shown (the start-up benchmark)"),
)


def read_environment() -> dict[str, str]:
    """The station's variables that are set (an empty one is unset)."""
    return {var.name: os.environ[var.name] for var in ENVIRONMENT if os.environ.get(var.name)}


def _field(dotted: str) -> tuple[Any, str, Any]:
    """(the dataclass holding it, its name, its dataclass field) of a dotted setting, on the class level."""
    section, _, name = dotted.partition(".")
    if not name:
        return Settings, section, Settings.__dataclass_fields__[section]
    cls = SECTIONS[section]
    return cls, name, cls.__dataclass_fields__[name]


def _apply_environment(settings: Settings, env: Mapping[str, str], problems: list[str]) -> None:
    for var in ENVIRONMENT:
        if not var.setting or var.name not in env:
            continue
        _, name, f = _field(var.setting)
        values: dict[str, Any] = {}
        before = len(problems)
        _convert(var.setting, env[var.name], f.metadata["check"], problems, values, name)
        if len(problems) > before:
            problems[-1] = problems[-1].replace(f"config: {var.setting} =", f"config: {var.name} =", 1)
            continue
        section, _, _ = var.setting.partition(".")
        holder = getattr(settings, section) if "." in var.setting else settings
        object.__setattr__(holder, name, values[name])
        settings.loaded.from_environment.add(var.setting)


CHANNEL_SECRETS = ("token", "key", "secret", "webhook_secret")


@dataclass(frozen=True)
class ChannelCredentials:
    """What a shop's API and webhooks are reached and checked with. Never logged: its repr names no value."""

    token: str = ""  # Shopify: the Admin API access token
    key: str = ""  # WooCommerce: the consumer key
    secret: str = ""  # WooCommerce: the consumer secret
    webhook_secret: str = ""  # the shop's webhooks are signed with it

    def __repr__(self) -> str:
        given = [name for name in CHANNEL_SECRETS if getattr(self, name)]
        return f"ChannelCredentials({', '.join(given) or 'none'} given)"

    def missing(self, kind: str) -> list[str]:
        """The credentials a shop of ``kind`` needs to be asked and are not given."""
        needed = ("token",) if kind == "shopify" else ("key", "secret")
        return [name for name in needed if not getattr(self, name)]


def channel_env_name(channel: str, field_name: str) -> str:
    return CHANNEL_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", channel.upper()) + "_" + field_name.upper()


def channel_credentials(settings: Settings, channel: str) -> ChannelCredentials:
    """A channel's credentials: the config file's ``channels.<name>``, each overridden by its environment variable
    (:func:`channel_env_name`). A value that is not text is left out (the config check said so at load)."""
    given = settings.channels.get(channel) if isinstance(settings.channels, Mapping) else None
    values: dict[str, str] = {}
    for name in CHANNEL_SECRETS:
        value = os.environ.get(channel_env_name(channel, name)) or (
            given.get(name) if isinstance(given, Mapping) else None)
        if isinstance(value, str):
            values[name] = value.strip()
    return ChannelCredentials(**values)


def debug_requested() -> bool:
    """``STATION_DEBUG``, for the last line of defence (it runs with or without loaded settings)."""
    try:
        return bool(FLAG.convert(os.environ.get(DEBUG_ENV) or "0"))
    except _Bad:
        return True  # set to something: asked for


def hand_to_worker_processes(settings: Settings) -> None:
    """``station serve --workers N``: uvicorn starts each worker afresh and each loads the settings again; what
    this run was given (``--db``, ``--no-access-log``, the forms' secret made for this start) travels to them in
    the environment, whose variables they read as every start does."""
    os.environ[DB_URL_ENV] = settings.db_url
    os.environ[WEB_ACCESS_LOG_ENV] = "1" if settings.web.access_log else "0"
    if settings.web.secret:
        os.environ[WEB_SECRET_ENV] = settings.web.secret


# --- files -------------------------------------------------------------------------------------------------

def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def badge_key(settings: Settings | None = None) -> bytes:
    """The key badge codes are hashed with: the setting (``badge_key``, ``STATION_BADGE_KEY``), else a key made once
    into ``badge.key`` in the data folder, readable by its owner alone. Never stored in the database, never logged."""
    configured = settings.badge_key if settings is not None else (
        os.environ.get(BADGE_KEY_ENV) or _file_badge_key())
    if configured:
        return configured.encode("utf-8")
    path = data_dir() / BADGE_KEY_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: theirs is the key
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_hex(32).encode("ascii"))
    return path.read_bytes().strip()


def _file_badge_key() -> str:
    try:
        raw = _read_file(config_path())
    except ConfigError:
        return ""
    value = raw.get("badge_key") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else ""


def pin_from_environment() -> str | None:
    """``STATION_PIN``: the PIN of a command's ``--user`` (None: ask on the terminal)."""
    return os.environ.get(PIN_ENV) or None


def login_password(name: str) -> str | None:
    """``STATION_PASSWORD_<NAME>``: the password ``station db roles --login NAME:ROLE`` gives a PostgreSQL login
    (None: the login has none, e.g. trust or peer authentication)."""
    return os.environ.get(f"STATION_PASSWORD_{name.upper()}") or None


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "station.json"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'station.db'}"


def _read_file(path: Path) -> Any:
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"config: {path} cannot be read: {getattr(exc, 'strerror', None) or exc}"]) from None
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError([f"config: {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]) \
            from None


def load_settings(db_url: str | None = None, path: Path | None = None) -> Settings:
    """The station's settings: the config file, then the environment, each value checked; ``db_url`` (``--db``)
    wins over both. Raises ConfigError with one line per bad value."""
    env = read_environment()
    path = path or config_path()
    notes = LoadNotes(path=path)
    problems: list[str] = []
    settings = _parse(_read_file(path), problems, str(path), notes)
    file_db_url = settings.db_url
    _apply_environment(settings, env, problems)
    if problems:
        raise ConfigError(problems)
    if db_url:
        settings.db_url, notes.db_url_from = db_url, "--db"
    elif DB_URL_ENV in env:
        notes.db_url_from = "environment"
    elif file_db_url:
        notes.db_url_from = "file"
    else:
        settings.db_url = default_db_url()
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the station's config atomically, in the new shape. What this run was given rather than configured
    stays out: the database URL (``--db``, ``STATION_DB_URL``, ``--demo``'s own file) unless the file already named
    one, values from the environment, ``demo`` and ``run``; the file keeps what it said for them. An old
    ``printers`` entry not imported yet stays until it is."""
    path = path or config_path()
    raw = _read_file(path)
    raw = raw if isinstance(raw, Mapping) else {}
    problems: list[str] = []
    before = _parse(raw, problems, str(path))  # what the file says now (a value it got wrong: the default)
    stored = settings.to_mapping()
    stored["db_url"] = before.db_url
    for var in ENVIRONMENT:
        if var.setting and os.environ.get(var.name):
            section, _, name = var.setting.partition(".")
            if name and section in stored:
                stored[section][name] = _plain(getattr(getattr(before, section), name))
            elif not name and section in stored:
                stored[section] = _plain(getattr(before, section))
    if "printers" in raw:
        stored["printers"] = raw["printers"]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path


def forget_file_printers(path: Path) -> bool:
    """Take the old ``printers`` entry out of the config file once it is in the database; False if it could not
    be (it is harmless: the database's printers win, and nothing is imported twice)."""
    try:
        raw = _read_file(path)
        if not isinstance(raw, dict) or "printers" not in raw:
            return True
        raw.pop("printers")
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(raw, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return True
    except (OSError, ConfigError):
        return False


# --- start-up lines ----------------------------------------------------------------------------------------

def is_shared_database(db_url: str) -> bool:
    """Any database but an SQLite file is one several stations share."""
    return not db_url.strip().lower().startswith("sqlite")


def loopback_tracking_warning(settings: Settings) -> str | None:
    """One line when the customer page's address is still this machine's loopback on a shared database (labels'
    QR codes and e-mails would send customers to nowhere); None when it is fine."""
    try:
        host = (urlsplit(settings.tracking_base_url.strip()).hostname or "").lower()
    except ValueError:  # checked at load; a value set in code may still be odd
        return None
    loopback = host == "localhost" or host.startswith("127.") or host == "::1"
    if not loopback or not is_shared_database(settings.db_url):
        return None
    return (f"the customer page's address (tracking_base_url) is still {settings.tracking_base_url} on a shared "
            f"database: labels' QR codes and e-mails will not reach customers; set tracking_base_url in "
            f"{config_path()} or {TRACKING_BASE_URL_ENV} to the address customers reach 'station serve' at")


def old_names_note(settings: Settings) -> str | None:
    """One line when the config file still uses old names (they are read all the same)."""
    found = settings.loaded.old_names
    if not found:
        return None
    names = ", ".join(f"{old} (now {new})" for old, new in found)
    return f"config: {settings.loaded.path} uses old names, read as the new ones: {names}; saving the settings " \
           "writes the new names"


def warn_about_settings(settings: Settings, out: TextIO | None = None) -> str | None:
    """At start: print the settings' lines (the file's old names, the loopback address on a shared database), one
    each on ``out`` (stderr by default), and log them; returns them (None when there is none)."""
    lines = [line for line in (old_names_note(settings), loopback_tracking_warning(settings)) if line]
    for line in lines:
        log.warning(line)
        print(f"station: warning: {line}", file=out or sys.stderr, flush=True)
    return "\n".join(lines) or None


def settings_fields() -> Iterator[tuple[str, Any]]:
    """Every setting of the file (dotted name, its field), for the documentation and the tests."""
    for f in fields(Settings):
        if f.name in SECTIONS:
            for g in fields(SECTIONS[f.name]):
                yield f"{f.name}.{g.name}", g
        elif f.name != "loaded":
            yield f.name, f


__all__ = [
    "Settings", "DeviceConfig", "PackSection", "WebSection", "SlipSection", "NotifySection", "ReturnsSection",
    "DemoSection", "RunSection", "ENVIRONMENT", "OLD_NAMES", "load_settings", "save_settings", "config_path",
    "data_dir", "default_db_url", "warn_about_settings", "is_shared_database",
]
