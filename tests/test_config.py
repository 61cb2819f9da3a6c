"""The station's configuration (app/config.py): one typed object, loaded once. Every value is checked at load (one
line per bad value, all of them at once, exit 2 from the command), old files are still read, saving writes the new
shape without what one run was given, the environment is read there and nowhere else, and a station's printers
have one home: the database."""

from __future__ import annotations

import ast
import inspect
import io
import json
from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import (
    ENVIRONMENT,
    OLD_NAMES,
    RUN_ONLY,
    SECTIONS,
    DeviceConfig,
    Settings,
    default_db_url,
    load_settings,
    save_settings,
    settings_fields,
    warn_about_settings,
)
from app.errors import ConfigError
from db.models.shipping import PrinterAssignment

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def config(tmp_path, monkeypatch):
    """The station's config file in a temporary folder (``STATION_CONFIG``), no station variable set."""
    path = tmp_path / "station.json"
    monkeypatch.setenv("STATION_CONFIG", str(path))
    for var in ENVIRONMENT:
        if var.name != "STATION_CONFIG":
            monkeypatch.delenv(var.name, raising=False)
    return path


def write(path: Path, raw) -> Path:
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path=path)
    assert caught.value.exit_code == 2
    assert caught.value.message.splitlines() == caught.value.problems
    return caught.value.problems


# --- every section checked, one line per bad value ------------------------------------------------------------

@pytest.mark.parametrize("raw, line", [
    ({"pack": {"bulk_threshold": "six"}}, "config: pack.bulk_threshold = 'six' is not a whole number (1-999)"),
    ({"pack": {"bulk_threshold": 0}}, "config: pack.bulk_threshold = 0 is not a whole number (1-999)"),
    ({"pack": {"weight_tolerance_percent": 150}}, "config: pack.weight_tolerance_percent = 150 is not a number (0-100)"),
    ({"pack": {"weight_tolerance_min_g": -1}}, "config: pack.weight_tolerance_min_g = -1 is not a whole number (0-100000)"),
    ({"pack": {"scale_empty_below_g": True}}, "config: pack.scale_empty_below_g = True is not a whole number (0-1000)"),
    ({"pack": {"bulk_treshold": 6}}, "config: pack.bulk_treshold is not a setting (pack has bulk_threshold, "
                                     "weight_tolerance_percent, weight_tolerance_min_g, scale_empty_below_g)"),
    ({"pack": 6}, "config: pack = 6 is not an object ({...})"),
    ({"web": {"workers": "many"}}, "config: web.workers = 'many' is not a whole number (0-256)"),
    ({"web": {"db_threads": 0}}, "config: web.db_threads = 0 is not a whole number (1-256)"),
    ({"web": {"page_cache": 2_000_000}}, "config: web.page_cache = 2000000 is not a whole number (0-1000000)"),
    ({"web": {"secret": 12345}}, "config: web.secret = 12345 is not text"),
    ({"web": {"carrier_events_secret": ["a"]}}, "config: web.carrier_events_secret = ['a'] is not text"),
    ({"web": {"access_log": "maybe"}}, "config: web.access_log = 'maybe' is not true or false"),
    ({"slip": {"paper": "a5"}}, "config: slip.paper = 'a5' is not one of a4, letter"),
    ({"notify": {"language": "fr"}}, "config: notify.language = 'fr' is not one of '' (none), en, zh_CN"),
    ({"returns": {"window_days": -3}}, "config: returns.window_days = -3 is not a whole number (0-3650)"),
    ({"returns": {"restocking_fee_percent": 101}},
     "config: returns.restocking_fee_percent = 101 is not a whole number (0-100)"),
    ({"returns": {"non_returnable_categories": "food"}}, "config: returns.non_returnable_categories = 'food' is not a list"),
    ({"returns": {"merchant_fault_reasons": ["damaged", "broken"]}},
     "config: returns.merchant_fault_reasons[1] = 'broken' is not one of changed_mind, wrong_size, damaged, defective, "
     "wrong_item, not_as_described, late"),
    ({"returns": {"refund_shipping_on_fault": "sometimes"}},
     "config: returns.refund_shipping_on_fault = 'sometimes' is not true or false"),
    ({"language": "fr"}, "config: language = 'fr' is not one of en, zh_CN"),
    ({"station": "  "}, "config: station = '  ' is not a name (text, not empty)"),
    ({"tracking_base_url": "track.example.com"},
     "config: tracking_base_url = 'track.example.com' is not an address starting http:// or https://"),
    ({"gs1_company_prefix": "06141A1"}, "config: gs1_company_prefix = '06141A1' is not 6 to 12 digits (as text)"),
    ({"gs1_company_prefix": 614141}, "config: gs1_company_prefix = 614141 is not 6 to 12 digits (as text)"),
    ({"devices": [{"kind": "printr"}]}, "config: devices[0].kind = 'printr' is not one of scanner, rfid, scale, printer"),
    ({"devices": [{"kind": "scale", "baudrate": "fast"}]},
     "config: devices[0].baudrate = 'fast' is not a whole number (50-4000000)"),
    ({"review_rules": {"large_amount_cents": "lots"}},
     "config: review_rules.large_amount_cents = 'lots' is not a whole number (0-1000000000000)"),
    ({"review_rules": {"disabled": ["unpaid", "unpayed"]}},
     "config: review_rules.disabled[1] = 'unpayed' is not one of "),
    ({"smtp": {"port": "smtp"}}, "config: smtp.port = 'smtp' is not a whole number (1-65535)"),
    ({"smtp": {"tls": "tls1.3"}}, "config: smtp.tls = 'tls1.3' is not one of none, starttls, ssl, true, yes, 1"),
    ({"printers": {"label": "tcp://10.0.0.5:9100", "label_format": "ps"}},
     "config: printers.label_format = 'ps' is not one of pdf, zpl"),
    ({"printers": {"label": "tcp://10.0.0.5:9100", "label_dpi": 200}}, "config: printers.label_dpi = 200 is not one of 203, 300"),
    ({"tracking_url": "https://track.example.com"}, "config: tracking_url is not a setting"),
    ({"demo": {"enabled": True}}, "config: demo is not a setting"),
])
def test_a_bad_value_is_one_line_naming_the_key_the_value_and_what_is_allowed(config, raw, line):
    found = problems(write(config, raw))
    assert len(found) == 1
    assert found[0] == line or (line.endswith("is not one of ") and found[0].startswith(line))


def _wrong_value(f) -> object:
    """A value no setting of this kind takes: an object for the rest, a number for an object."""
    return 5 if f.metadata["check"].kind == "mapping" else {"not": "a value"}


@pytest.mark.parametrize("name", [name for name, _ in settings_fields() if name.split(".")[0] not in RUN_ONLY
                                  and name != "devices"])
def test_every_setting_of_the_file_is_checked(config, name):
    fields_by_name = dict(settings_fields())
    section, _, key = name.partition(".")
    value = _wrong_value(fields_by_name[name])
    found = problems(write(config, {section: {key: value}} if key else {section: value}))
    assert len(found) == 1 and found[0].startswith(f"config: {name} = {value!r} is not ")


def test_several_bad_values_are_several_lines_at_once(config):
    found = problems(write(config, {
        "language": "de", "pack": {"bulk_threshold": "six", "weight_tolerance_percent": "x"},
        "slip": {"paper": "a5"}, "web": {"workers": -1}, "extra": {"notify_language": "fr"},
    }))
    assert sorted(found) == sorted([
        "config: language = 'de' is not one of en, zh_CN",
        "config: pack.bulk_threshold = 'six' is not a whole number (1-999)",
        "config: pack.weight_tolerance_percent = 'x' is not a number (0-100)",
        "config: slip.paper = 'a5' is not one of a4, letter",
        "config: web.workers = -1 is not a whole number (0-256)",
        "config: extra.notify_language = 'fr' is not one of '' (none), en, zh_CN",
    ])


def test_the_command_says_every_bad_value_on_its_own_line_and_exits_2(config, tmp_path, capsys):
    from app.cli.main import main

    write(config, {"pack": {"bulk_threshold": "six"}, "slip": {"paper": "a5"}})
    assert main(["--db", f"sqlite:///{tmp_path / 'station.db'}", "orders"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "station: config: pack.bulk_threshold = 'six' is not a whole number (1-999)",
        "station: config: slip.paper = 'a5' is not one of a4, letter",
    ]


def test_a_file_that_is_not_json_is_one_line(config):
    config.write_text('{"pack": {"bulk_threshold": 6,}}', encoding="utf-8")
    (line,) = problems(config)
    assert line.startswith(f"config: {config} is not valid JSON (line 1, column ")


def test_a_good_file_is_read_into_typed_fields(config):
    settings = load_settings(path=write(config, {
        "station": "STATION-7", "language": "zh_CN", "pack": {"bulk_threshold": "8", "weight_tolerance_percent": 2},
        "web": {"workers": 4, "access_log": False}, "slip": {"paper": "Letter"}, "notify": {"language": "en"},
        "returns": {"window_days": 30, "merchant_fault_reasons": ["damaged"]},
        "devices": [{"kind": "scale", "port": "/dev/ttyUSB0", "protocol": "mt-sics", "usb_vid": None}],
        "review_rules": {"large_amount_cents": 100000, "disabled": ["unpaid"]},
    }))
    assert (settings.station, settings.language) == ("STATION-7", "zh_CN")
    assert settings.pack.bulk_threshold == 8 and settings.pack.weight_tolerance_percent == 2.0
    assert settings.pack.weight_tolerance_min_g == 20 and settings.pack.scale_empty_below_g == 5  # the defaults
    assert settings.web.workers == 4 and settings.web.access_log is False and settings.slip.paper == "letter"
    assert settings.notify.language == "en" and settings.returns.merchant_fault_reasons == ("damaged",)
    assert settings.devices == [DeviceConfig(kind="scale", port="/dev/ttyUSB0", protocol="mt-sics")]
    assert settings.review_rules == {"large_amount_cents": 100000, "disabled": ["unpaid"]}
    from app.aftersales.policy import ReturnPolicy

    policy = ReturnPolicy.from_settings(settings)
    assert policy.window_days == 30 and policy.merchant_fault_reasons == ("damaged",)
    assert ReturnPolicy.from_settings(Settings()) == ReturnPolicy()  # the section's defaults are the policy's


def test_a_setting_that_is_no_setting_cannot_be_set_in_code():
    """``settings.printers = ...`` or ``settings.extra = ...`` once did nothing, silently: now it says so."""
    settings = Settings()
    for name in ("printers", "extra"):
        with pytest.raises(AttributeError):
            setattr(settings, name, {})


# --- older files ----------------------------------------------------------------------------------------------

OLD_FILE = {
    "weight_tolerance_percent": 7.5,
    "extra": {
        "pack_bulk_threshold": "8", "weight_tolerance_min_g": 15, "scale_empty_below_g": 3, "web_workers": 3,
        "web_db_threads": 4, "web_page_cache": 0, "web_secret": "forms", "carrier_events_secret": "carriers",
        "slip_paper": "letter", "notify_language": "zh_CN", "return_policy": {"window_days": 30},
        "demo": True, "demo_printer_folder": "/tmp/demo-printer",  # saved by mistake by an earlier version
    },
}


def test_an_old_file_s_flat_extra_keys_are_read_as_their_fields(config):
    settings = load_settings(path=write(config, OLD_FILE))
    assert settings.pack.weight_tolerance_percent == 7.5 and settings.pack.bulk_threshold == 8
    assert settings.pack.weight_tolerance_min_g == 15 and settings.pack.scale_empty_below_g == 3
    assert (settings.web.workers, settings.web.db_threads, settings.web.page_cache) == (3, 4, 0)
    assert (settings.web.secret, settings.web.carrier_events_secret) == ("forms", "carriers")
    assert settings.slip.paper == "letter" and settings.notify.language == "zh_CN"
    assert settings.returns.window_days == 30 and settings.returns.exchange_window_days == 15
    assert not settings.demo.enabled and settings.demo.printer_folder == ""  # a run's, never the file's
    assert {old for old, _ in settings.loaded.old_names} == set(OLD_NAMES)


def test_an_old_file_is_one_line_at_start(config):
    settings = load_settings(path=write(config, OLD_FILE))
    out = io.StringIO()
    warn_about_settings(settings, out)
    (line,) = out.getvalue().splitlines()
    assert line.startswith(f"station: warning: config: {config} uses old names")
    assert "extra.slip_paper (now slip.paper)" in line and "weight_tolerance_percent (now pack.weight_tolerance_percent)" in line
    new = io.StringIO()
    warn_about_settings(load_settings(path=write(config, {"slip": {"paper": "letter"}})), new)
    assert new.getvalue() == ""


def test_a_bad_value_under_an_old_name_is_named_as_the_file_names_it(config):
    found = problems(write(config, {"extra": {"pack_bulk_threshold": "six", "return_policy": {"window_days": "a week"},
                                              "no_such_thing": 1}}))
    assert sorted(found) == sorted([
        "config: extra.pack_bulk_threshold = 'six' is not a whole number (1-999)",
        "config: extra.return_policy.window_days = 'a week' is not a whole number (0-3650)",
        "config: extra.no_such_thing is not a setting",
    ])


def test_the_new_name_wins_over_the_old_one(config):
    settings = load_settings(path=write(config, {"slip": {"paper": "a4"}, "extra": {"slip_paper": "letter"}}))
    assert settings.slip.paper == "a4"


# --- saving ---------------------------------------------------------------------------------------------------

def _every_section_changed() -> Settings:
    settings = Settings(station="STATION-9", warehouse="SH", language="zh_CN", gs1_company_prefix="069000",
                        service_phone="400-000", devices=[DeviceConfig(kind="scanner", port="/dev/ttyACM0")],
                        review_rules={"large_line_quantity": 5}, smtp={"host": "mail.example.com", "port": 587})
    settings.pack.bulk_threshold, settings.pack.weight_tolerance_min_g = 9, 30
    settings.web.page_cache, settings.web.carrier_events_secret = 10, "carriers"
    settings.slip.paper, settings.notify.language = "letter", "en"
    settings.returns.window_days, settings.returns.reasons = 14, ("damaged", "late")
    return settings


def test_save_then_load_gives_the_same_settings(config):
    settings = _every_section_changed()
    save_settings(settings)
    again = load_settings()
    assert again.to_mapping() == {**settings.to_mapping(), "db_url": default_db_url()}  # --db's is the run's
    stored = json.loads(config.read_text(encoding="utf-8"))
    assert {"pack", "web", "slip", "notify", "returns"} <= set(stored)
    assert not {"extra", "printers", "demo", "run", "loaded", "weight_tolerance_percent"} & set(stored)


def test_saving_an_old_file_writes_the_new_names(config):
    save_settings(load_settings(path=write(config, OLD_FILE)))
    stored = json.loads(config.read_text(encoding="utf-8"))
    assert "extra" not in stored and "weight_tolerance_percent" not in stored
    assert stored["pack"]["bulk_threshold"] == 8 and stored["slip"]["paper"] == "letter"
    assert stored["returns"]["window_days"] == 30
    assert load_settings().loaded.old_names == []


def test_what_one_run_was_given_is_never_saved(config):
    settings = load_settings()
    settings.demo.enabled, settings.demo.printer_folder = True, "/tmp/demo-printer"
    settings.run.debug = True
    save_settings(settings)
    stored = json.loads(config.read_text(encoding="utf-8"))
    assert "demo" not in stored and "run" not in stored
    again = load_settings()
    assert not again.demo.enabled and again.demo.printer_folder == "" and not again.run.debug


# --- the environment ------------------------------------------------------------------------------------------

ENV_VALUES = {
    "STATION_DB_URL": ("db_url", "postgresql://postgres@db.example.com/station"),
    "STATION_TRACKING_BASE_URL": ("tracking_base_url", "https://track.example.com"),
    "STATION_WEBHOOK_SECRET": ("webhook_secret", "orders-secret"),
    "STATION_WEB_SECRET": ("web.secret", "forms-secret"),
    "STATION_CARRIER_EVENTS_SECRET": ("web.carrier_events_secret", "carriers-secret"),
    "STATION_WEB_ACCESS_LOG": ("web.access_log", False),
    "STATION_DEBUG": ("run.debug", True),
    "STATION_EXIT_AFTER_LOGIN_SHOWN": ("run.exit_after_login_shown", True),
    "STATION_BADGE_KEY": ("badge_key", "badge-key-of-every-station"),
}


def _value(settings: Settings, dotted: str):
    section, _, name = dotted.partition(".")
    return getattr(getattr(settings, section), name) if name else getattr(settings, section)


def test_every_environment_variable_is_listed_with_its_setting():
    assert {var.name: var.setting for var in ENVIRONMENT} == {"STATION_CONFIG": "", "STATION_PIN": "",
                                                             **{k: v[0] for k, v in ENV_VALUES.items()}}


@pytest.mark.parametrize("name", sorted(ENV_VALUES))
def test_an_environment_variable_wins_over_the_file_and_is_not_saved(config, monkeypatch, name):
    setting, wanted = ENV_VALUES[name]
    file_values = {"db_url": "sqlite:////tmp/file.db", "tracking_base_url": "https://file.example.com",
                   "webhook_secret": "file", "web": {"secret": "file", "carrier_events_secret": "file", "access_log": True}}
    write(config, file_values)
    monkeypatch.setenv(name, ("1" if wanted else "0") if isinstance(wanted, bool) else wanted)
    settings = load_settings()
    assert _value(settings, setting) == wanted and setting in settings.loaded.from_environment
    save_settings(settings)
    monkeypatch.delenv(name)
    assert _value(load_settings(), setting) == _value(Settings.from_mapping(file_values), setting)


def test_db_url_is_the_command_line_s_then_the_environment_s_then_the_file_s(config, monkeypatch):
    write(config, {"db_url": "sqlite:////tmp/file.db"})
    assert load_settings().db_url == "sqlite:////tmp/file.db" and load_settings().loaded.db_url_from == "file"
    monkeypatch.setenv("STATION_DB_URL", "sqlite:////tmp/env.db")
    assert load_settings().db_url == "sqlite:////tmp/env.db"
    assert load_settings("sqlite:////tmp/arg.db").db_url == "sqlite:////tmp/arg.db"


def test_station_config_names_the_file(config):
    write(config, {"station": "STATION-42"})
    assert load_settings().station == "STATION-42"


def test_a_bad_environment_value_names_the_variable(config, monkeypatch):
    monkeypatch.setenv("STATION_WEB_ACCESS_LOG", "maybe")
    monkeypatch.setenv("STATION_TRACKING_BASE_URL", "track.example.com")
    assert sorted(problems(config)) == [
        "config: STATION_TRACKING_BASE_URL = 'track.example.com' is not an address starting http:// or https://",
        "config: STATION_WEB_ACCESS_LOG = 'maybe' is not true or false",
    ]


def test_the_readme_documents_every_environment_variable_in_one_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `STATION_")]
    assert {line.split("`")[1] for line in rows} == {var.name for var in ENVIRONMENT}


def _reads_the_environment(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and {a.name for a in node.names} & {"environ", "getenv", "environb"}:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_module_but_app_config_reads_the_environment():
    sources = [p for folder in ("app", "db") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(sources) > 50
    assert _reads_the_environment(ROOT / "app" / "config.py")  # the check sees a read where there is one
    readers = [hit for p in sources if p != ROOT / "app" / "config.py" for hit in _reads_the_environment(p)]
    assert readers == []


# --- no silent defaults -------------------------------------------------------------------------------------------

def test_no_service_falls_back_to_default_settings():
    """A service that makes a document takes the station's loaded settings: none of them may be left out."""
    from app.aftersales import returns
    from app.shipping import service, slip

    for function in (service.label_order, service.label_data, service.render_labels, service.enqueue_documents,
                     service.reprint_label, service.sample_label, service.test_print, slip.slip_data,
                     returns.issue_label, returns.label_data, returns.label_bytes, returns.queue_label):
        parameter = inspect.signature(function).parameters["settings"]
        assert parameter.default is inspect.Parameter.empty, function.__qualname__
    calls = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path.parts[-2] == "demo" or path.name == "config.py":
            continue  # the demo constructs its settings on purpose
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Settings" and not node.args \
                    and not node.keywords:
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []


# --- one printer source: the database -------------------------------------------------------------------------------

def _assignments(ctx, station: str) -> dict[str, tuple[str, str, int]]:
    with ctx.sessions() as s:
        return {row.document_kind: (row.uri, row.format, row.dpi)
                for row in s.scalars(select(PrinterAssignment).where(PrinterAssignment.station == station))}


def test_printers_in_an_old_config_file_are_imported_once_for_the_station(db_url, config, capsys):
    from app.context import open_context
    from app.shipping.service import printer_for

    write(config, {"station": "STATION-5", "printers": {"label": "tcp://10.0.0.5:9100", "label_format": "zpl",
                                                        "label_dpi": 300, "packing_slip": "file:///tmp/slips"}})
    settings = load_settings(db_url)
    ctx = open_context(db_url, settings=settings, migrate_schema=False)
    try:
        assert _assignments(ctx, "STATION-5") == {"label": ("tcp://10.0.0.5:9100", "zpl", 300),
                                                  "packing_slip": ("file:///tmp/slips", "pdf", 203)}
        with ctx.sessions() as s:
            assert printer_for(s, "STATION-5", "label").format == "zpl"
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith(f"station: config: the printers in {config} (label, packing_slip imported into the "
                               "database for station STATION-5)")
        assert "printers" not in json.loads(config.read_text(encoding="utf-8"))  # once: the file names them no more
    finally:
        ctx.dispose()
    again = open_context(db_url, settings=load_settings(db_url), migrate_schema=False)
    try:
        assert capsys.readouterr().err == "" and len(_assignments(again, "STATION-5")) == 2
    finally:
        again.dispose()


def test_a_printer_the_database_already_has_for_the_station_is_kept(db_url, config, capsys):
    from app.context import open_context
    from tests.helpers.printers import set_station_printers

    first = open_context(db_url, settings=Settings(db_url=db_url), migrate_schema=False)
    set_station_printers(first, "STATION-6", {"label": "tcp://10.0.0.9:9100", "label_format": "zpl"})
    first.dispose()
    write(config, {"station": "STATION-6", "printers": {"label": "tcp://10.0.0.5:9100", "manifest": "file:///tmp/m"}})
    ctx = open_context(db_url, settings=load_settings(db_url), migrate_schema=False)
    try:
        assigned = _assignments(ctx, "STATION-6")
        assert assigned["label"] == ("tcp://10.0.0.9:9100", "zpl", 203) and assigned["manifest"][0] == "file:///tmp/m"
        (line,) = capsys.readouterr().err.splitlines()
        assert "manifest imported" in line and "label kept as the database had it" in line
    finally:
        ctx.dispose()


def test_settings_sections_are_the_documented_ones():
    assert set(SECTIONS) == {"pack", "web", "slip", "notify", "returns", "demo", "run"}
    assert set(RUN_ONLY) == {"demo", "run"}
    top = {f.name for f in fields(Settings)}
    assert "extra" not in top and "printers" not in top and "weight_tolerance_percent" not in top
