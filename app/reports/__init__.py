"""Management reports (seed 5.1) with charts, exported as CSV or PDF (reportlab).

``names()`` lists them; ``run(session, name, date_from=None, date_to=None) -> ReportResult`` runs one;
:mod:`app.reports.export` writes ``to_csv(result)`` and ``to_pdf(result)``. The reports screen draws the same
result with Qt Charts. Plain Python, no Qt.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.reports.model import Chart, Column, ReportResult
from app.reports.queries import REPORTS
from db.base import utcnow

__all__ = ["Chart", "Column", "ReportResult", "names", "title", "run", "parse_day"]


def names() -> list[str]:
    return list(REPORTS)


def title(name: str) -> str:
    return REPORTS[name][0]


def parse_day(value: str | None, *, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (a whole UTC day; as an end, the day is included) or an ISO 8601 time."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time(0), timezone.utc)
            return moment + timedelta(days=1) if end else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def run(session: Session, name: str, date_from: datetime | None = None, date_to: datetime | None = None) -> ReportResult:
    if name not in REPORTS:
        raise InvalidInput(f"no report {name!r}: choose one of {', '.join(REPORTS)}")
    if date_from and date_to and date_from >= date_to:
        raise InvalidInput("the period is empty: --from must come before --to")
    result = REPORTS[name][1](session, date_from, date_to)
    result.date_from, result.date_to, result.generated_at = date_from, date_to, utcnow()
    return result
