"""Reports over a timeline with known times, on SQLite and PostgreSQL: the rollups, every report, CSV and PDF."""

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from app import reports
from app.orders.timeline import add_event
from app.reports import export, rollup
from app.uow import Actor, UnitOfWork
from tests.aftersales import factories as f

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
# kind, minutes after placing, user
PATH = (("allocated", 1, "system"), ("picking", 10, "packer1"), ("picked", 25, "packer1"), ("claimed", 30, "packer2"),
        ("packed", 40, "packer2"), ("labelled", 41, "packer2"), ("shipped", 300, "ship1"), ("delivered", 1800, "carrier"))


def _walk(session, placed: datetime, slow_picking: int = 0, upto: str = "delivered"):
    o = f.order(session, status="allocated", placed_at=placed)
    for kind, minutes, user in PATH:
        extra = slow_picking if kind not in ("allocated", "picking") else 0
        add_event(session, o, kind, Actor(station="STATION-1", user=user), at=placed + timedelta(minutes=minutes + extra))
        if kind == upto:
            break
    return o


def _rows(result):
    return {r[result.columns[0].key]: r for r in result.rows}


def test_stage_times_bottleneck_and_productivity(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        # quiet hours: one order each; the peak hour: four orders whose picking takes 60 minutes longer
        for h in range(6):
            _walk(s, T0 + timedelta(hours=h))
        for i in range(4):
            _walk(s, T0 + timedelta(hours=7, minutes=i), slow_picking=60)
        _walk(s, T0 + timedelta(hours=9), upto="picking")
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        stage = _rows(reports.run(uow.session, "stage_times"))
        assert stage["intake"]["orders"] == 11 and stage["intake"]["avg_minutes"] == pytest.approx(0.3, abs=0.05)
        assert stage["waiting for a picker"]["orders"] == 11 and stage["waiting for a picker"]["avg_minutes"] == 9.0
        assert stage["picking"]["orders"] == 10
        assert stage["picking"]["avg_minutes"] == pytest.approx((6 * 15 + 4 * 75) / 10, abs=0.05)
        assert stage["in transit"]["avg_hours"] == 25.0

        hourly = reports.run(uow.session, "orders_per_hour")
        assert [r["orders"] for r in hourly.rows] == [1, 1, 1, 1, 1, 1, 0, 4, 0, 1]
        assert hourly.rows[7]["hour"] == "2026-11-20 15:00"

        neck = reports.run(uow.session, "bottleneck")
        by = _rows(neck)
        assert by["picking"]["peak_minutes"] == 75.0 and by["picking"]["other_minutes"] == 15.0
        # the carrier's daily pick-up is the longest wait, but picking is what slows down at peak
        assert by["waiting for the carrier"]["bottleneck"] == "longest"
        assert by["picking"]["slowdown"] == 5.0 and by["picking"]["bottleneck"] == "slows most"
        assert any("slows most at peak is picking (5.0x)" in n for n in neck.notes)

        prod = _rows(reports.run(uow.session, "productivity"))
        assert prod["packer1"]["picks"] == 10 and prod["packer2"]["packs"] == 10
        assert "carrier" not in prod and "system" not in prod

        backlog = _rows(reports.run(uow.session, "backlog"))
        assert backlog["allocated"]["orders"] == 11

        period = reports.run(uow.session, "orders_per_hour", T0 + timedelta(hours=7), T0 + timedelta(hours=8))
        assert [r["orders"] for r in period.rows] == [4]
        uow.commit()


def test_incremental_refresh_equals_a_rebuild(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        _walk(uow.session, T0, upto="picked")
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        first = rollup.refresh(uow.session)
        assert first.events > 0
        assert rollup.refresh(uow.session).events == 0
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        from sqlalchemy import select

        from db.models import Order

        o = s.scalar(select(Order))
        add_event(s, o, "claimed", Actor(user="packer2"), at=T0 + timedelta(minutes=30))
        add_event(s, o, "packed", Actor(user="packer2"), at=T0 + timedelta(minutes=40))
        _walk(s, T0 + timedelta(hours=1))
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        incremental = [reports.run(uow.session, n).rows for n in ("stage_times", "orders_per_hour", "productivity")]
        rollup.rebuild(uow.session)
        rebuilt = [reports.run(uow.session, n).rows for n in ("stage_times", "orders_per_hour", "productivity")]
        assert incremental == rebuilt
        assert _rows(reports.run(uow.session, "stage_times"))["packing"]["orders"] == 2
        uow.commit()


def test_scan_quality_surveys_and_returns_reports(ctx):
    from db.models.packing import PackScan

    with UnitOfWork(ctx.sessions) as uow:
        s = uow.session
        o = _walk(s, T0)
        for i, verdict in enumerate(["ok"] * 7 + ["refused", "not_understood", "ok"]):
            s.add(PackScan(order_id=o.id, at=T0 + timedelta(minutes=i), station="STATION-1" if i % 2 else "STATION-2",
                           user="packer2", raw="x", kind="item", verdict=verdict))
        add_event(s, o, "item_picked", Actor(user="packer1"), at=T0 + timedelta(minutes=12))
        add_event(s, o, "item_picked", Actor(user="packer1"), at=T0 + timedelta(minutes=13))
        add_event(s, o, "shortage", Actor(user="packer1"), at=T0 + timedelta(minutes=14))
        from app.aftersales import surveys

        surveys.record_answer(s, o.number, 4, 2, 5)
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        q = _rows(reports.run(uow.session, "scan_quality"))
        assert q["wrong scans (all stations)"]["count"] == 2 and q["wrong scans (all stations)"]["rate_percent"] == 20.0
        assert q["short picks (of pick lines)"]["out_of"] == 3 and q["short picks (of pick lines)"]["rate_percent"] == 33.33
        sv = _rows(reports.run(uow.session, "survey_scores"))
        assert sv["delivery speed"]["average"] == 2.0 and sv["delivery speed"]["s2"] == 1
        assert reports.run(uow.session, "product_scores").rows[0]["average"] == 4.0
        assert reports.run(uow.session, "returns").rows == []
        uow.commit()


def test_csv_and_pdf_exports(ctx, tmp_path):
    with UnitOfWork(ctx.sessions) as uow:
        for h in range(3):
            _walk(uow.session, T0 + timedelta(hours=h))
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        result = reports.run(uow.session, "stage_times")
        uow.commit()
    rows = list(csv.reader(io.StringIO(export.to_csv(result))))
    assert rows[0] == ["stage", "orders", "avg_minutes", "avg_hours"]
    assert rows[4] == ["picking", "3", "15.0", "0.25"]
    pdf = export.to_pdf(result)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "r.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "Time spent in each stage" in text and "waiting for a picker" in text
    for name in reports.names():  # every report exports, with or without rows
        with UnitOfWork(ctx.sessions) as uow:
            r = reports.run(uow.session, name, T0, T0 + timedelta(days=1))
            uow.commit()
        assert export.to_pdf(r).startswith(b"%PDF") and export.to_csv(r).splitlines()[0]


def test_bad_report_input():
    from app.errors import InvalidInput

    with pytest.raises(InvalidInput, match="not a date"):
        reports.parse_day("yesterday")
    assert reports.parse_day("2026-11-20", end=True) == datetime(2026, 11, 21, tzinfo=UTC)


def test_back_fill_in_small_committed_chunks_equals_one_pass(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        for h in range(4):
            _walk(uow.session, T0 + timedelta(hours=h), slow_picking=h * 10)
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        done = rollup.refresh(uow.session, chunk=3, commit_chunks=True)
        uow.commit()
    with UnitOfWork(ctx.sessions) as uow:
        assert done.events == done.last_id > 3
        chunked = [reports.run(uow.session, n).rows for n in ("stage_times", "orders_per_hour", "productivity", "bottleneck")]
        rollup.rebuild(uow.session)
        assert chunked == [reports.run(uow.session, n).rows for n in ("stage_times", "orders_per_hour", "productivity", "bottleneck")]
        uow.commit()


def test_two_stations_refreshing_at_once_count_every_event_once(ctx):
    import threading

    with UnitOfWork(ctx.sessions) as uow:
        for h in range(6):
            _walk(uow.session, T0 + timedelta(hours=h))
        uow.commit()
    errors = []
    barrier = threading.Barrier(3)

    def station():
        try:
            barrier.wait()
            with UnitOfWork(ctx.sessions) as uow:
                rollup.refresh(uow.session, chunk=5, commit_chunks=True)
                uow.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=station) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with UnitOfWork(ctx.sessions) as uow:
        together = [reports.run(uow.session, n).rows for n in ("orders_per_hour", "productivity", "stage_times")]
        rollup.rebuild(uow.session)
        assert together == [reports.run(uow.session, n).rows for n in ("orders_per_hour", "productivity", "stage_times")]
        uow.commit()
