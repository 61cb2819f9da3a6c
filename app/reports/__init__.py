"""Management reports (seed 5.1) with charts, exported as CSV or PDF (reportlab).

``names()`` lists them; ``run(session, name, date_from=None, date_to=None) -> ReportResult`` runs one;
:func:`app.reports.texts.present` says it for people (a language, a time zone);
:mod:`app.reports.export` writes ``to_csv(result)`` and ``to_pdf(result)``. The reports screen draws the same
result with Qt Charts. Plain Python, no Qt.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

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


def parse_day(value: str | None, *, end: bool = False, tz: tzinfo = UTC) -> datetime | None:
    """``YYYY-MM-DD`` (a whole day in ``tz``, UTC unless told; as an end, the day is included) or an ISO 8601
    time (without an offset: in ``tz``)."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time(0), tz)
            return moment + timedelta(days=1) if end else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def run(session: Session, name: str, date_from: datetime | None = None, date_to: datetime | None = None) -> ReportResult:
    if name not in REPORTS:
        raise InvalidInput(f"no report {name!r}: choose one of {', '.join(REPORTS)}")
    if date_from and date_to and date_from >= date_to:
        raise InvalidInput("the period is empty: --from must come before --to")
    result = REPORTS[name][1](session, date_from, date_to)
    result.date_from, result.date_to, result.generated_at = date_from, date_to, utcnow()
    return result


def produce(sessions, name: str, date_from: datetime | None = None, date_to: datetime | None = None,
            rebuild: bool = False) -> ReportResult:
    """One report, in one unit of work: the rollups it reads move on first (kept), ``rebuild`` recounts them
    from the timeline. For the Reports screen and ``station report``."""
    from app.reports import rollup
    from app.uow import UnitOfWork

    with UnitOfWork(sessions) as uow:
        if rebuild:
            rollup.rebuild(uow.session)
        result = run(uow.session, name, date_from, date_to)
        uow.commit()  # the rollups moved on
    return result
