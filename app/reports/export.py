"""Reports out: CSV (one header row of column keys, then the rows) and PDF (reportlab: title, period, notes,
the chart drawn with reportlab's own chart library, then the table; WenQuanYi embedded so Chinese prints).

CSV is data: keys, codes, numbers and true/false as the queries give them, every hour an ISO 8601 time with its
offset from UTC. The PDF is for people: the result as :func:`app.reports.texts.present` says it (give it a
presented result for another language or time zone; a plain one prints in English, in UTC)."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from typing import Any

from app import i18n
from app.reports.model import ReportResult
from app.reports.texts import HOUR_FORMAT, made_text, present, word

PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6")


def to_csv(result: ReportResult) -> str:
    from datetime import datetime

    data = result.raw or result
    times = [c.time for c in data.columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in data.columns])
    for row in data.table():
        cells = []
        for value, time in zip(row, times):
            if time and isinstance(value, str):
                try:
                    moment = datetime.strptime(value, HOUR_FORMAT).replace(tzinfo=UTC)
                    value = moment.astimezone(result.tz).isoformat(timespec="minutes")
                except ValueError:
                    pass
            cells.append("" if value is None else value)
        writer.writerow(cells)
    return out.getvalue()


def count_axis(top: float, ticks: int = 8) -> tuple[int, int]:
    """A value axis for counts: (upper end, step), both whole numbers, at most ``ticks`` steps, room above ``top``."""
    import math

    top = max(1, math.ceil(top))
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        step = candidate
        if math.ceil(top / candidate) <= ticks:
            break
    else:
        step = 10 ** math.ceil(math.log10(top / ticks))
    upper = math.ceil(top / step) * step
    if upper == top and top / step < ticks:  # a step of room above the highest bar or point
        upper += step
    return upper, step


def _num(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def chart_drawing(result: ReportResult, width: float, height: float, font: str):
    """The report's chart as a reportlab Drawing, or None when there is nothing to draw."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    chart = result.chart
    if chart is None or not chart.rows(result.rows):
        return None
    rows = chart.rows(result.rows)
    if chart.kind == "hbar":
        rows = list(reversed(rows))  # reportlab draws the first category at the bottom
    labels = [str(r.get(chart.x, "")) for r in rows]
    data = [[_num(r.get(s)) for r in rows] for s in chart.series]
    if not any(any(v for v in series) for series in data):
        return None
    titles = {c.key: c.title for c in result.columns}
    d = Drawing(width, height)
    d.add(String(width / 2, height - 12, chart.title, fontName=font, fontSize=10, textAnchor="middle"))
    if chart.kind == "line":
        plot = LinePlot()
        plot.x, plot.y, plot.width, plot.height = 45, 35, width - 70, height - 70
        plot.data = [list(enumerate(series)) for series in data]
        for i in range(len(data)):
            plot.lines[i].strokeColor = colors.HexColor(PALETTE[i % len(PALETTE)])
            plot.lines[i].strokeWidth = 1.2
        plot.xValueAxis.valueMin = 0
        plot.xValueAxis.valueMax = max(1, len(labels) - 1)
        step = max(1, len(labels) // 6)
        plot.xValueAxis.valueSteps = list(range(0, len(labels), step))
        plot.xValueAxis.labelTextFormat = lambda v: labels[int(v)][5:13] if 0 <= int(v) < len(labels) else ""
        plot.xValueAxis.labels.fontName = font
        plot.xValueAxis.labels.fontSize = 7
        plot.yValueAxis.valueMin = 0
        plot.yValueAxis.labels.fontSize = 7
        if chart.whole:
            _whole(plot.yValueAxis, data)
        d.add(plot)
    else:
        bar = HorizontalBarChart() if chart.kind == "hbar" else VerticalBarChart()
        if chart.kind == "hbar":
            bar.x, bar.y, bar.width, bar.height = 140, 30, width - 170, height - 60
            bar.categoryAxis.labels.boxAnchor = "e"
            bar.categoryAxis.labels.dx = -4
        else:
            bar.x, bar.y, bar.width, bar.height = 45, 55, width - 70, height - 90
            bar.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
            bar.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 6 else "n"
        bar.data = data
        bar.categoryAxis.categoryNames = [lbl[:24] for lbl in labels]
        bar.categoryAxis.labels.fontName = font
        bar.categoryAxis.labels.fontSize = 7
        bar.valueAxis.valueMin = 0
        bar.valueAxis.labels.fontSize = 7
        if chart.whole:
            _whole(bar.valueAxis, data)
        for i in range(len(data)):
            bar.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        d.add(bar)
    if len(chart.series) > 1:
        legend = Legend()
        legend.x, legend.y = width - 150, height - 22
        legend.fontName, legend.fontSize = font, 7
        legend.columnMaximum = 1
        legend.alignment = "right"
        legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), titles.get(s, s)) for i, s in enumerate(chart.series)]
        d.add(legend)
    return d


def _whole(axis, data: list[list[float]]) -> None:
    """Counts: whole-number ticks only (no 0.5 orders)."""
    upper, step = count_axis(max((v for series in data for v in series), default=1))
    axis.valueMax, axis.valueStep = upper, step
    axis.labelTextFormat = "%d"


def to_pdf(result: ReportResult) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from app.shipping import fonts

    if result.raw is None:
        result = present(result)
    language = result.language
    font = fonts.register()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=result.title, author="Warehouse Station")
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=20, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    colon = i18n.translation(": ", language, "Separator")
    story: list[Any] = [Paragraph(_escape(result.title), h1),
                        Paragraph(_escape(word("Period", language) + colon + result.period_text()), body)]
    if result.generated_at:
        story.append(Paragraph(_escape(made_text(result)), body))
    for note in result.notes:
        story.append(Paragraph(_escape("• " + note), body))
    story.append(Spacer(1, 6 * mm))
    drawing = chart_drawing(result, doc.width, 90 * mm, font)
    if drawing is not None:
        story += [drawing, Spacer(1, 6 * mm)]
    data = [result.column_titles()] + [["" if v is None else str(v) for v in row] for row in result.table()]
    if len(data) == 1:
        story.append(Paragraph(word("No data in this period.", language), body))
    else:
        table = LongTable(data, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9ca3af")),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]))
        story.append(table)
    doc.build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    """A Paragraph reads mark-up: a name or note with < or & prints as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
