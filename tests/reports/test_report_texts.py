"""Reports as people read them: in English or Chinese (titles, summaries, column headers, stages, statuses,
yes/no), every time in one stated time zone, counts on whole-number axes; on the screen, in the PDF and on the
terminal. CSV and JSON stay data (keys, codes, ISO times with their offset)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import timedelta, timezone

import pytest

from app import reports
from app.reports import export
from app.reports.texts import present
from app.uow import UnitOfWork
from tests.reports.test_reports import T0, _walk

CST = timezone(timedelta(hours=8))  # a warehouse in China: UTC+08:00


@pytest.fixture
def timeline(ctx):
    with UnitOfWork(ctx.sessions) as uow:
        for h in range(3):
            _walk(uow.session, T0 + timedelta(hours=h))
        for i in range(3):
            _walk(uow.session, T0 + timedelta(hours=5, minutes=i), upto="picking")
        uow.commit()


def _run(ctx, name, *period):
    with UnitOfWork(ctx.sessions) as uow:
        result = reports.run(uow.session, name, *period)
        uow.commit()
    return result


def _pdf_text(tmp_path, payload: bytes) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(payload)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_backlog_says_statuses_and_yes_no_in_words_in_both_languages(ctx, timeline):
    raw = _run(ctx, "backlog")
    english = present(raw, "en")
    table = [cell for row in english.table() for cell in row]
    assert "on hold" in table and "in review" in table and "yes" in table and "no" in table
    assert not any(str(cell) in ("True", "False", "on_hold", "review") for cell in table)
    assert english.notes == ["6 orders not yet shipped", "most of them are allocated (6)"]

    chinese = present(raw, "zh_CN")
    assert chinese.title == "各状态积压订单"
    assert chinese.column_titles() == ["状态", "订单数", "未发货"]
    rows = {r["status"]: r for r in chinese.rows}
    assert rows["已暂停"]["open"] == "是" and rows["已发货"]["open"] == "否"
    assert chinese.notes == ["6 个订单尚未发货", "其中最多的是已分配（6 个）"]
    # The data stays data: the queries' codes and booleans for CSV and JSON.
    assert raw.rows[0] == {"status": "received", "orders": 0, "open": True}


def test_stages_bottleneck_and_summaries_in_chinese(ctx, timeline):
    stages = present(_run(ctx, "stage_times"), "zh_CN")
    assert stages.title == "各环节耗时"
    assert stages.column_titles() == ["环节", "订单数", "平均（分钟）", "平均（小时）"]
    assert [r["stage"] for r in stages.rows] == ["接单", "确认", "等待拣货", "拣货", "等待打包", "打包", "生成面单",
                                                 "等待承运商揽收", "运输中"]
    assert stages.chart.title == "仓内各环节平均耗时" and stages.chart.y_title == "分钟"
    assert stages.notes[0] == "按期间内下单的订单统计；每个环节只计经过该环节的订单"
    assert stages.notes[1].startswith("在仓库内，订单在“") and "分钟" in stages.notes[1]
    # The chart still draws the stages in the warehouse's hands: the flag behind it is not a word.
    assert len(stages.chart.rows(stages.rows)) == 8

    neck = present(_run(ctx, "bottleneck"), "zh_CN")
    assert neck.title == "高峰瓶颈所在" and neck.column_titles()[4] == "瓶颈"
    assert {r["bottleneck"] for r in neck.rows} <= {"", "最久", "变慢最多"}
    assert neck.notes[0].startswith("高峰时段：") and all(not n.isascii() for n in neck.notes)


def test_hours_are_in_the_stated_time_zone_everywhere(ctx, timeline):
    raw = _run(ctx, "orders_per_hour")
    assert raw.rows[0]["hour"] == "2026-11-20 08:00"  # UTC, as the queries make it
    local = present(raw, "en", CST)
    assert local.rows[0]["hour"] == "2026-11-20 16:00"
    assert local.column_titles()[0] == "Hour (local time)"
    assert local.period_text() == "the beginning to now (local time, UTC+08:00)"
    assert "in the hour from 2026-11-20 21:00" in local.notes[0]  # the peak (three orders at 13:00 UTC), local
    chinese = present(raw, "zh_CN", CST)
    assert chinese.column_titles()[0] == "小时（本地时间）" and chinese.period_text() == "最早 至 现在（本地时间，UTC+08:00）"
    assert "高峰为 2026-11-20 21:00 起的一小时，3 个订单" in chinese.notes[0]
    assert present(raw, "en").period_text() == "the beginning to now (UTC)"
    # CSV: every hour with its offset, so a spreadsheet cannot take it for another zone.
    rows = list(csv.reader(io.StringIO(export.to_csv(local))))
    assert rows[0] == ["hour", "orders"] and rows[1] == ["2026-11-20T16:00+08:00", "1"]
    period = present(_run(ctx, "orders_per_hour", reports.parse_day("2026-11-20", tz=CST),
                           reports.parse_day("2026-11-20", end=True, tz=CST)), "en", CST)
    assert period.period_text() == "2026-11-20 00:00 to 2026-11-21 00:00 (local time, UTC+08:00)"


def test_counts_get_whole_number_axes_and_rates_do_not(ctx):
    from app.reports.export import count_axis

    assert count_axis(0) == (2, 1) and count_axis(3) == (4, 1) and count_axis(4.0) == (5, 1)
    assert count_axis(17) == (20, 5) and count_axis(1234) == (1400, 200)
    for top in (1, 3, 7, 9, 23, 99, 101, 4321):
        upper, step = count_axis(top)
        assert upper >= top and upper % step == 0 and upper // step <= 8 and isinstance(step, int)
    counted = {n for n in reports.names() if _run(ctx, n).chart.whole}
    assert counted == {"orders_per_hour", "backlog", "returns"}  # averages, rates and minutes keep their fractions


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) reads the PDF back")
def test_the_pdf_in_chinese_and_in_english(ctx, timeline, tmp_path):
    raw = _run(ctx, "stage_times")
    text = _pdf_text(tmp_path, export.to_pdf(present(raw, "zh_CN", CST)))
    for words in ("各环节耗时", "期间：", "本地时间，UTC+08:00", "等待拣货", "环节", "平均（分钟）", "Warehouse Station 生成于"):
        assert words in text, words
    backlog = _pdf_text(tmp_path, export.to_pdf(present(_run(ctx, "backlog"), "en", CST)))
    assert "on hold" in backlog and "yes" in backlog and "Period: the beginning to now (local time, UTC+08:00)" in backlog
    assert "on_hold" not in backlog and "True" not in backlog and "False" not in backlog
    plain = _pdf_text(tmp_path, export.to_pdf(raw))  # a result not presented prints in English, in UTC
    assert "Time spent in each stage" in plain and "(UTC)" in plain


def test_station_report_speaks_the_stations_language_and_states_its_zone(db_url, ctx, timeline, capsys, tmp_path):
    import json

    from app.cli.main import main

    assert main(["--db", db_url, "report", "backlog", "--language", "zh_CN"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("各状态积压订单 — 最早 至 现在（") and "已暂停" in out and "未发货" in out
    assert "True" not in out and "on_hold" not in out
    assert main(["--db", db_url, "report", "orders_per_hour", "--utc", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "Orders per hour — the beginning to now (UTC)" in out and "Hour (UTC)" in out and "2026-11-20 08:00" in out
    pdf = tmp_path / "stages.pdf"
    assert main(["--db", db_url, "report", "stage_times", "--language", "zh_CN", "--format", "pdf", "-o", str(pdf)]) == 0
    if shutil.which("pdftotext"):
        assert "各环节耗时" in _pdf_text(tmp_path, pdf.read_bytes())
    capsys.readouterr()
    assert main(["--db", db_url, "report", "backlog", "--json", "--language", "zh_CN"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0] == {"status": "received", "orders": 0, "open": True}


@pytest.fixture
def screen(ctx, qapp, qtbot):
    from app.ui.aftersales.reports_view import ReportsScreen
    from app.ui.app import create_application
    from app.ui.feedback import Feedback
    from app.ui.screens import ScreenEnv

    create_application(language="en")
    env = ScreenEnv(ctx=ctx, station="STATION-1", user_id=1, username="super1", display_name="Supervisor",
                    role="supervisor", feedback=Feedback(sound=False))
    widget = ReportsScreen(env)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()


def _choose(screen, qtbot, name):
    with qtbot.waitSignal(screen.report_ready, timeout=30000):
        screen.choice.setCurrentIndex(screen.choice.findData(name))  # no Show pressed: choosing runs it
    qtbot.wait(50)
    assert screen.result.name == name and screen.choice.currentData() == name


def test_the_chart_and_table_follow_the_chosen_report(screen, qtbot, timeline, monkeypatch):
    from PySide6.QtCharts import QValueAxis

    monkeypatch.setattr("app.ui.aftersales.reports_view.local_zone", lambda: CST)  # a station in China
    _choose(screen, qtbot, "backlog")
    first = screen.chart_view.chart()
    assert screen.table.horizontalHeaderItem(2).text() == "Not yet shipped"
    cells = {screen.table.item(r, c).text() for r in range(screen.table.rowCount()) for c in range(3)}
    assert {"on hold", "yes", "no"} <= cells and not cells & {"True", "False", "on_hold"}
    axis = next(a for a in first.axes() if isinstance(a, QValueAxis))
    assert axis.labelFormat() == "%d" and axis.max() == 7 and axis.tickCount() == 8  # 6 orders: 0, 1, ... 7
    _choose(screen, qtbot, "stage_times")
    chart = screen.chart_view.chart()
    assert chart is not first and chart.title() == "Average time in each stage in the warehouse"
    assert next(a for a in chart.axes() if isinstance(a, QValueAxis)).labelFormat() != "%d"  # minutes keep fractions
    _choose(screen, qtbot, "orders_per_hour")
    assert screen.table.horizontalHeaderItem(0).text() == "Hour (local time)"
    assert screen.table.item(0, 0).text() == "2026-11-20 16:00"
    assert screen.notes.text().startswith("Orders per hour — the beginning to now (local time, UTC+08:00)")
    assert "in the hour from 2026-11-20 21:00" in screen.notes.text()


def test_the_reports_screen_in_chinese(screen, qtbot, timeline):
    from PySide6.QtWidgets import QApplication

    from app.ui.app import install_language

    station_app = QApplication.instance()
    install_language(station_app, "zh_CN")
    try:
        _choose(screen, qtbot, "stage_times")
        headers = [screen.table.horizontalHeaderItem(c).text() for c in range(screen.table.columnCount())]
        assert headers == ["环节", "订单数", "平均（分钟）", "平均（小时）"]
        assert screen.table.item(2, 0).text() == "等待拣货"
        assert screen.notes.text().startswith("各环节耗时 — ") and "按期间内下单的订单统计" in screen.notes.text()
        assert screen.chart_view.chart().title() == "仓内各环节平均耗时"
        # The axis titles lead with a Chinese font (with a Latin one first Qt Charts cut "分钟" to "…").
        from app.ui.aftersales.reports_view import LATIN_FAMILIES

        axes = screen.chart_view.chart().axes()
        assert axes and all(a.titleFont().families()[0] not in LATIN_FAMILIES for a in axes)
    finally:
        install_language(station_app, "en")
