"""What a report is: a title, columns, rows, an optional chart, notes. Plain values both exports (CSV, PDF)
and the reports screen (Qt Charts) draw.

A result as the queries make it holds codes, booleans and hours in UTC (what CSV and JSON give machines);
:func:`app.reports.texts.present` makes the copy people read: in English or Chinese, codes and booleans as words,
hours in the reader's time zone, which the period states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    unit: str = ""
    time: bool = False  # an hour as "YYYY-MM-DD HH:MM", in UTC as the queries make it


@dataclass(frozen=True)
class Chart:
    kind: str  # bar, hbar, line
    x: str  # the column naming each point or bar
    series: tuple[str, ...]  # the columns drawn
    title: str = ""
    y_title: str = ""
    # Draw only the rows where this column is true (e.g. the stages in the warehouse's hands).
    only_if: str = ""
    whole: bool = False  # the values are counts: the value axis shows whole numbers only

    def rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if r.get(self.only_if)] if self.only_if else rows


@dataclass
class ReportResult:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)
    date_from: datetime | None = None
    date_to: datetime | None = None
    generated_at: datetime | None = None
    tz: tzinfo = UTC  # the time zone its times are shown in
    language: str = "en"
    raw: ReportResult | None = None  # for a presented copy: the result as the queries made it
    period: str = ""  # for a presented copy: its dates and time zone as people read them (texts.present)

    def column_titles(self) -> list[str]:
        from app import i18n

        return [i18n.text("{title} ({unit})", self.language, "Format", title=c.title, unit=c.unit) if c.unit
                else c.title for c in self.columns]

    def table(self) -> list[list[Any]]:
        return [[row.get(c.key) for c in self.columns] for row in self.rows]

    def period_text(self) -> str:
        """The period a presented copy covers, in its language and time zone (app.reports.texts.present)."""
        return self.period
