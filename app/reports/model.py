"""What a report is: a title, columns, rows, an optional chart, notes. Plain values both exports (CSV, PDF)
and the reports screen (Qt Charts) draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    unit: str = ""


@dataclass(frozen=True)
class Chart:
    kind: str  # bar, hbar, line
    x: str  # the column naming each point or bar
    series: tuple[str, ...]  # the columns drawn
    title: str = ""
    y_title: str = ""
    # Draw only the rows where this column is true (e.g. the stages in the warehouse's hands).
    only_if: str = ""

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

    def column_titles(self) -> list[str]:
        return [c.title + (f" ({c.unit})" if c.unit else "") for c in self.columns]

    def table(self) -> list[list[Any]]:
        return [[row.get(c.key) for c in self.columns] for row in self.rows]

    def period_text(self) -> str:
        a = self.date_from.strftime("%Y-%m-%d %H:%M") if self.date_from else "the beginning"
        b = self.date_to.strftime("%Y-%m-%d %H:%M") if self.date_to else "now"
        return f"{a} to {b} (UTC)"
