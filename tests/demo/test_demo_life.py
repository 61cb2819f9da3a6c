"""The demo's life after the parcel leaves (issue 16, item 9): real returns, carrier scans, survey answers and notices
made through the after-sales services; recent deliveries a newcomer can return; one order in packing a bench; no
invented scans; and a start without --demo that is no demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from argparse import Namespace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.aftersales import returns
from app.aftersales.policy import ReturnPolicy
from app.config import Settings, default_db_url, load_settings, save_settings, warn_about_settings
from app.context import open_context
from app.demo import seed as demo
from app.demo import stages as demo_stages
from app.domain import lifecycle as lc
from app.orders.claim import current_order
from db.models import Order, OrderEvent, OrderLine, Product, ProductGtin, Station
from db.models.aftersales import CarrierEvent, Return, SurveyAnswer
from db.models.packing import PackScan
from db.models.web import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 600


def _timeline(session, order_id):
    return list(session.execute(
        select(OrderEvent.kind, OrderEvent.at).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)))


def _life(ctx) -> dict:
    with ctx.sessions() as s:
        return {
            "returns": s.execute(select(Return.number, Order.number, Return.kind, Return.status, Return.reason,
                                        Return.refund_cents).join(Order, Order.id == Return.order_id)
                                 .order_by(Return.number)).all(),
            "carrier": dict(s.execute(select(CarrierEvent.kind, func.count()).group_by(CarrierEvent.kind)).all()),
            "answers": s.execute(select(Order.number, SurveyAnswer.product_score, SurveyAnswer.delivery_score,
                                        SurveyAnswer.service_score).join(Order, Order.id == SurveyAnswer.order_id)
                                 .order_by(Order.number)).all(),
            "notices": dict(s.execute(select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)).all()),
            "statuses": dict(s.execute(select(Order.status, func.count()).group_by(Order.status)).all()),
        }


@pytest.fixture
def seeded(ctx):
    demo.seed(ctx, orders=ORDERS, seed=4)
    return ctx


def test_returned_orders_came_back_through_the_returns_service(seeded):
    with seeded.sessions() as s:
        rets = list(s.scalars(select(Return)))
        statuses = {r.status for r in rets}
        assert {"refunded", "exchanged"} <= statuses and statuses & {"label_issued", "received"}, statuses
        assert {r.channel for r in rets} == {"web", "desk"}
        returned = list(s.scalars(select(Order).where(Order.status == lc.RETURNED)))
        assert returned
        for order in returned:
            done = [r for r in rets if r.order_id == order.id and r.status in ("refunded", "exchanged")]
            assert done, f"{order.number} is returned without a return"
            kinds = [kind for kind, _ in _timeline(s, order.id)]
            for step in ("delivered", "return_requested", "return_label_issued", "return_in_transit", "return_delivered",
                         "return_received", "return_inspected"):
                assert step in kinds, (order.number, step, kinds)
            assert kinds[-1] == "returned"
        for ret in rets:
            if ret.status == "refunded":
                assert ret.refund_cents > 0 and ret.completed_at is not None
                assert all(line.inspected_quantity == line.quantity for line in ret.lines)
            if ret.status == "exchanged":
                new = s.get(Order, ret.exchange_order_id)
                assert new is not None and new.channel == "exchange" and new.external_id == ret.number
            if ret.status in ("label_issued", "received"):
                assert ret.tracking_number and ret.completed_at is None


def test_carrier_scans_deliveries_surveys_and_notices(seeded):
    with seeded.sessions() as s:
        kinds = dict(s.execute(select(CarrierEvent.kind, func.count()).group_by(CarrierEvent.kind)).all())
        assert {"in_transit", "out_for_delivery", "delivered", "exception"} <= set(kinds), kinds
        delayed = s.scalar(select(CarrierEvent.order_id).where(CarrierEvent.kind == "exception").limit(1))
        from app.aftersales.tracking import view_of

        view = view_of(s, s.get(Order, delayed), None)
        if view.status == "shipped":
            assert view.delayed and view.delay_code == "exception"
        answers = list(s.scalars(select(SurveyAnswer)))
        assert len(answers) >= 10 and {a.source for a in answers} == {"web"}
        for answer in answers:
            delivered_at = s.scalar(select(func.max(OrderEvent.at)).where(
                OrderEvent.order_id == answer.order_id, OrderEvent.kind == "delivered"))
            assert delivered_at is not None and answer.answered_at > delivered_at
        notices = dict(s.execute(select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)).all())
        assert {"shipped", "survey", "return_accepted", "refunded"} <= set(notices), notices
        assert set(s.scalars(select(OutboxMessage.state).distinct())) == {"queued"}  # held, never sent
        # One notice a notice-worthy event after the notifier's cursor, and none for the history before it.
        shipped_notices = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "shipped"))
        assert shipped_notices <= demo_stages.TODAY_MAX
        shipped_today = list(s.scalars(select(OrderEvent.order_id).where(OrderEvent.kind == "shipped", OrderEvent.user == "ship1")))
        assert len(shipped_today) == shipped_notices


def test_some_recent_deliveries_can_be_returned_now(seeded):
    policy = ReturnPolicy.from_settings(seeded.settings)
    with seeded.sessions() as s:
        asked_back = set(s.scalars(select(Return.order_id)))
        delivered = [o for o in s.scalars(select(Order).where(Order.status == lc.DELIVERED)) if o.id not in asked_back]
        returnable = []
        for order in delivered:
            items = [returns.ReturnItem(line.sku, line.quantity) for line in order.lines]
            if not returns.policy_check(s, order, items, "refund", "damaged", policy):
                returnable.append(order.number)
        assert len(returnable) >= 3, returnable


def test_timelines_stay_in_order_and_no_scan_is_invented(seeded):
    with seeded.sessions() as s:
        assert s.scalar(select(func.count()).select_from(PackScan)) == 0
        kinds = set(s.scalars(select(OrderEvent.kind).distinct()))
        assert not {k for k in kinds if "scan" in k or "weigh" in k or "weight" in k}, kinds
        assert "returned" not in kinds or s.scalar(select(func.count()).select_from(Return)) > 0
        previous: dict[int, object] = {}
        for order_id, at in s.execute(select(OrderEvent.order_id, OrderEvent.at).order_by(OrderEvent.order_id, OrderEvent.id)):
            assert previous.get(order_id, at) <= at, order_id
            previous[order_id] = at


def test_one_order_in_packing_a_bench_and_the_newcomers_can_be_finished(seeded, tmp_path):
    with seeded.sessions() as s:
        per_station = dict(s.execute(select(Order.station_id, func.count()).where(
            Order.status == lc.PACKING, Order.station_id.is_not(None)).group_by(Order.station_id)).all())
        assert per_station and max(per_station.values()) == 1
        newcomer = s.scalar(select(Station).where(Station.name == demo_stages.NEWCOMER_STATION))
        held = list(s.scalars(select(Order).where(Order.station_id == newcomer.id,
                                                  Order.status.in_(sorted(lc.IN_WAREHOUSE)))))
        assert len(held) == 1  # the newcomer's order, and nothing else
        assert held[0].status == lc.PACKING and current_order(s, newcomer.name).id == held[0].id
        tracked = s.scalar(select(func.count()).select_from(OrderLine).join(Product).where(
            OrderLine.order_id == held[0].id,
            Product.tracks_lot.is_(True) | Product.tracks_serial.is_(True) | Product.tracks_expiry.is_(True)))
        assert tracked == 0
        # The newcomer packs it to the end with plain scans of the items, as the pack screen takes them.
        scans = [f"]E0{gtin[1:]}" for gtin, quantity in s.execute(
            select(ProductGtin.gtin, OrderLine.quantity).join(OrderLine, OrderLine.product_id == ProductGtin.product_id)
            .where(OrderLine.order_id == held[0].id, ProductGtin.units == 1)) for _ in range(quantity)]
        number = held[0].number
    path = tmp_path / "scans.txt"
    path.write_text("\n".join(scans) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", seeded.settings.db_url, "pack", number,
                             "--scans", str(path), "--station", demo_stages.NEWCOMER_STATION, "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["verdict"] for a in answers[:-1]] == ["ok"] * (len(scans) - 1) + ["complete"]
    assert answers[-1]["status"] in ("packed", "labelled")


def test_the_life_is_deterministic(ctx, database_factory):
    other_url = database_factory.create(ctx.backend)
    other = open_context(other_url, migrate_schema=False)
    try:
        demo.seed(ctx, orders=300, seed=7)
        demo.seed(other, orders=300, seed=7)
        first, second = _life(ctx), _life(other)
        assert first == second
        assert first["returns"] and first["answers"] and first["notices"] and "returned" in first["statuses"]
    finally:
        other.dispose()
        database_factory.drop(other_url)


def test_a_dated_return_writes_each_step_at_its_time(seeded):
    """The returns service's steps take the time they happened (the demo's returns are days old)."""
    with seeded.sessions() as s:
        for ret in s.scalars(select(Return).where(Return.status == "refunded")):
            events = {kind: at for kind, at in _timeline(s, ret.order_id)}
            assert events["return_label_issued"] == events["return_requested"] == ret.requested_at
            assert ret.received_at == events["return_received"] < events["return_inspected"] <= events["return_refunded"]
            assert events["return_refunded"] == ret.completed_at


# --- a start after a demo is no demo ----------------------------------------------------------------------------

@pytest.fixture
def station_home(tmp_path, monkeypatch):
    """The station's config file and data folder in a temporary home."""
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "config" / "station.json"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("STATION_DB_URL", raising=False)
    monkeypatch.delenv("STATION_TRACKING_BASE_URL", raising=False)
    return tmp_path


def _args(**kw) -> Namespace:
    return Namespace(**{"db": None, "demo": False, "station": None, **kw})


def test_settings_saved_during_a_demo_leave_the_next_start_a_real_station(station_home):
    from app.cli.gui_commands import demo_url, gui_settings

    demo_run = gui_settings(_args(demo=True))
    assert demo_run.demo.enabled is True and demo_run.db_url == demo_url()
    demo_run.language = "zh_CN"
    save_settings(demo_run)  # as the device set-up screen and the settings screen save during the demo
    stored = json.loads(Path(os.environ["STATION_CONFIG"]).read_text(encoding="utf-8"))
    assert stored["language"] == "zh_CN" and stored["db_url"] == "" and "demo" not in stored and "extra" not in stored

    real = gui_settings(_args(station="STATION-2"))
    assert not real.demo.enabled and real.db_url == default_db_url() and real.language == "zh_CN"


def test_a_config_file_an_earlier_demo_polluted_is_read_as_no_demo(station_home, capsys, monkeypatch):
    from app.cli.gui_commands import demo_url, gui_settings

    path = Path(os.environ["STATION_CONFIG"])
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"db_url": demo_url(), "extra": {"demo": True}}), encoding="utf-8")
    real = gui_settings(_args(station="STATION-2"))
    assert not real.demo.enabled and real.db_url == default_db_url()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "demo" in err[0] and default_db_url() in err[0]
    # Named on purpose, the demo's file is the database.
    assert gui_settings(_args(db=demo_url())).db_url == demo_url()
    monkeypatch.setenv("STATION_DB_URL", "postgresql://postgres@127.0.0.1/station")
    assert gui_settings(_args()).db_url == "postgresql://postgres@127.0.0.1/station"


def test_values_from_the_environment_stay_out_of_the_config_file(station_home, monkeypatch):
    monkeypatch.setenv("STATION_TRACKING_BASE_URL", "https://track.example.com")
    monkeypatch.setenv("STATION_WEBHOOK_SECRET", "s3cret")
    settings = load_settings("sqlite:////tmp/elsewhere.db")
    assert settings.tracking_base_url == "https://track.example.com"
    save_settings(settings)
    stored = json.loads(Path(os.environ["STATION_CONFIG"]).read_text(encoding="utf-8"))
    assert stored["tracking_base_url"] == Settings().tracking_base_url and stored["webhook_secret"] == ""
    assert stored["db_url"] == ""


# --- the customer page's address on a shared database --------------------------------------------------------

@pytest.mark.parametrize("db_url, base, warned", [
    ("postgresql://postgres@127.0.0.1/station", "http://127.0.0.1:8470", True),
    ("postgresql://postgres@db.example.com/station", "http://localhost:8470/", True),
    ("postgresql://postgres@127.0.0.1/station", "https://track.example.com", False),
    ("sqlite:////tmp/station.db", "http://127.0.0.1:8470", False),
])
def test_loopback_tracking_address_on_a_shared_database_is_one_warning(db_url, base, warned, capsys, caplog):
    settings = Settings(db_url=db_url, tracking_base_url=base)
    with caplog.at_level("WARNING", logger="station.config"):
        line = warn_about_settings(settings)
    err = capsys.readouterr().err.strip().splitlines()
    if warned:
        assert line and "tracking_base_url" in line and "STATION_TRACKING_BASE_URL" in line
        assert err == [f"station: warning: {line}"]
        assert [r.getMessage() for r in caplog.records] == [line]
    else:
        assert line is None and err == [] and not caplog.records


def _station_env(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("STATION_DB_URL", "STATION_TRACKING_BASE_URL")}
    env.update(STATION_CONFIG=str(home / "station.json"), XDG_DATA_HOME=str(home / "data"), QT_QPA_PLATFORM="offscreen",
               **extra)
    return env


@pytest.mark.postgres
def test_station_serve_and_gui_warn_at_start_on_a_shared_database(database_factory, tmp_path):
    from tests.conftest import require_backend

    require_backend("postgresql")
    url = database_factory.create("postgresql")
    try:
        # A real station is registered first (an unknown name is refused at start).
        subprocess.run([sys.executable, "-m", "app.cli.main", "--db", url, "stations", "add", "STATION-2"],
                       env=_station_env(tmp_path), cwd=ROOT, check=True, capture_output=True, timeout=120)
        gui = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", url, "gui", "--station", "STATION-2"],
                             env=_station_env(tmp_path, STATION_EXIT_AFTER_LOGIN_SHOWN="1"), cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert gui.returncode == 0, gui.stderr
        assert [l for l in gui.stderr.splitlines() if "tracking_base_url" in l] == [
            l for l in gui.stderr.splitlines() if l.startswith("station: warning: the customer page's address")]
        assert len([l for l in gui.stderr.splitlines() if "tracking_base_url" in l]) == 1

        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        serve = subprocess.Popen([sys.executable, "-m", "app.cli.main", "--db", url, "serve", "--listen",
                                  f"127.0.0.1:{port}", "--workers", "1", "--no-notify"],
                                 env=_station_env(tmp_path), cwd=ROOT, stderr=subprocess.PIPE, text=True)
        try:
            lines = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = serve.stderr.readline()
                if not line:
                    break
                lines.append(line.rstrip("\n"))
                if "serving on" in line:
                    break
            assert any("serving on" in l for l in lines), lines
            assert len([l for l in lines if "tracking_base_url" in l]) == 1, lines
            assert lines[0].startswith("station: warning: the customer page's address (tracking_base_url) is still http://127.0.0.1:8470")
        finally:
            serve.terminate()
            serve.wait(timeout=30)

        quiet = subprocess.run([sys.executable, "-m", "app.cli.main", "--db", url, "gui", "--station", "STATION-2"],
                               env=_station_env(tmp_path, STATION_EXIT_AFTER_LOGIN_SHOWN="1",
                                                STATION_TRACKING_BASE_URL="https://track.example.com"),
                               cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert quiet.returncode == 0 and "tracking_base_url" not in quiet.stderr, quiet.stderr
    finally:
        database_factory.drop(url)


def test_the_demo_warehouses_have_chinese_names_a_tracking_screen_reads(seeded):
    from sqlalchemy import select

    from app.aftersales.tracking import view_of
    from db.models import Order, Warehouse

    ctx = seeded
    with ctx.sessions() as s:
        names = dict(s.execute(select(Warehouse.code, Warehouse.name_zh)).all())
        assert names == {"SH": "上海浦东配送中心", "GZ": "广州白云配送中心", "BJ": "北京大兴配送中心"}
        order = s.scalar(select(Order).where(Order.status == "allocated", Order.warehouse_id.is_not(None)).limit(1))
        view = view_of(s, order)
        warehouse = s.get(Warehouse, order.warehouse_id)
    assert view.where_code == "in_warehouse" and view.where_place == warehouse.name
    assert view.where_place_zh == warehouse.name_zh == warehouse.display_name("zh_CN")
