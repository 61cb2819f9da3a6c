"""The durable print queue: jobs wait in the database until their printer takes them.

A job's life: ``queued`` -> ``sending`` (claimed by one worker, in its own committed transaction) ->
``done``. A printer that is offline (nothing was sent) puts the job back to ``queued`` with an exponential
back-off and a message for the operator; a send that broke half-way makes it ``uncertain`` and a job found
``sending`` after a crash becomes ``uncertain`` too: those are never sent again unless the operator says so
(:func:`resend`), so nothing prints twice unasked. A wrong printer set-up makes the job ``failed`` until the
operator fixes it and asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.shipping import printers
from app.shipping.printers import PrinterOffline, PrinterSetupError, PrintUncertain
from db.base import utcnow
from db.models.shipping import PrintJob

BACKOFF_FIRST_S = 2.0
BACKOFF_MAX_S = 60.0
STALE_SENDING = timedelta(minutes=2)


def backoff(attempts: int) -> float:
    return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** max(0, attempts - 1))


@dataclass(frozen=True)
class Outcome:
    job_id: int
    state: str  # done, queued (waiting to retry), failed, uncertain
    message: str
    description: str = ""
    document: str = ""  # label, packing_slip, ...
    printer: str = ""  # where it went (or should have gone), described for a person
    reason: str = ""  # printed, or printers.reason_of: not_set_up, unreachable, setup, uncertain


def _resolve_printer(session: Session, job: PrintJob) -> str:
    if job.printer:
        return job.printer
    from app.shipping.service import printer_for

    choice = printer_for(session, job.station, job.document_kind)
    return choice.uri if choice else ""


def claim(sessions: sessionmaker[Session], station: str | None, now: datetime | None = None, limit: int = 20,
          ids: list[int] | None = None) -> list[int]:
    """Claim due jobs (one committed transaction); each id returned belongs to this worker alone. With ``ids``,
    only those jobs (a worker that just queued them sends them at once)."""
    now = now or utcnow()
    claimed: list[int] = []
    with sessions() as session:
        stmt = select(PrintJob.id).where(PrintJob.state == "queued", PrintJob.next_attempt_at <= now)
        if station:
            stmt = stmt.where(PrintJob.station == station)
        if ids is not None:
            stmt = stmt.where(PrintJob.id.in_(ids))
        for job_id in session.scalars(stmt.order_by(PrintJob.id).limit(limit)).all():
            result = session.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id, PrintJob.state == "queued")
                .values(state="sending", attempts=PrintJob.attempts + 1, sent_at=now)
            )
            if result.rowcount == 1:
                claimed.append(job_id)
        session.commit()
    return claimed


def send_one(sessions: sessionmaker[Session], job_id: int) -> Outcome:
    """Send one claimed job and record what happened."""
    with sessions() as session:
        job = session.get(PrintJob, job_id)
        if job is None:
            raise NotFound(f"no print job {job_id}")
        uri = _resolve_printer(session, job)
        payload, fmt, title, attempts = job.payload, job.format, job.description, job.attempts
        document = job.document_kind
        session.commit()  # nothing is held open while the printer takes its time
    state, message, reason = "done", "", "printed"
    try:
        printers.send(uri, payload, fmt, title)
        message = f"printed on {printers.describe(uri)}"
    except PrinterOffline as exc:
        wait = backoff(attempts)
        state, reason = "queued", printers.reason_of(exc)
        message = f"{exc.message}: the job waits and is retried in {wait:.0f} s"
    except PrinterSetupError as exc:
        state, message, reason = "failed", exc.message, printers.reason_of(exc)
    except PrintUncertain as exc:
        state, message, reason = "uncertain", exc.message, printers.reason_of(exc)
    with sessions() as session:
        job = session.get(PrintJob, job_id)
        assert job is not None
        job.state = state
        job.last_error = "" if state == "done" else message[:500]
        if uri and not job.printer:
            job.printer = uri
        if state == "queued":
            job.next_attempt_at = utcnow() + timedelta(seconds=backoff(attempts))
        if state == "done":
            job.sent_at = utcnow()
        session.commit()
        return Outcome(job_id, state, message, job.description, document, printers.short_name(uri) if uri else "", reason)


def recover_stale(sessions: sessionmaker[Session], station: str | None = None, now: datetime | None = None) -> int:
    """Jobs left ``sending`` by a worker that died: the printer may have printed them, so they become
    ``uncertain`` (the operator decides), never resent on their own."""
    now = now or utcnow()
    with sessions() as session:
        stmt = (
            update(PrintJob)
            .where(PrintJob.state == "sending", PrintJob.sent_at < now - STALE_SENDING)
            .values(state="uncertain", last_error="the station stopped while sending: check the printer, then resend or dismiss")
        )
        if station:
            stmt = stmt.where(PrintJob.station == station)
        count = session.execute(stmt).rowcount
        session.commit()
        return count


def run_once(sessions: sessionmaker[Session], station: str | None = None, now: datetime | None = None) -> list[Outcome]:
    """One pass of the worker: claim what is due and send it."""
    return [send_one(sessions, job_id) for job_id in claim(sessions, station, now)]


def send_now(sessions: sessionmaker[Session], job_ids: list[int]) -> list[Outcome]:
    """Send these jobs now, in their order (the pack bench's label the moment it is made). A job another worker
    has already taken is left to it: its outcome is told there."""
    if not job_ids:
        return []
    claimed = set(claim(sessions, None, ids=list(job_ids), limit=len(job_ids)))
    return [send_one(sessions, job_id) for job_id in job_ids if job_id in claimed]


def resend(session: Session, job_id: int, printer: str | None = None) -> PrintJob:
    """The operator asks for a failed, uncertain or cancelled job to go (again)."""
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound(f"no print job {job_id}")
    if job.state not in ("failed", "uncertain", "cancelled", "done", "queued"):
        raise InvalidInput(f"print job {job_id} is {job.state}: wait for it to finish")
    if printer is not None:
        printers.check_uri(printer)
        job.printer = printer
    job.state = "queued"
    job.next_attempt_at = utcnow()
    job.last_error = ""
    session.flush()
    return job


def dismiss(session: Session, job_id: int) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound(f"no print job {job_id}")
    if job.state == "sending":
        raise InvalidInput(f"print job {job_id} is being sent: wait for it")
    if job.state != "done":
        job.state = "cancelled"
    session.flush()
    return job


def pending(session: Session, station: str | None = None, include_done: bool = False, limit: int = 200) -> list[PrintJob]:
    stmt = select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)
    if station:
        stmt = stmt.where(PrintJob.station == station)
    if not include_done:
        stmt = stmt.where(PrintJob.state.in_(("queued", "sending", "failed", "uncertain")))
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class Readiness:
    """Is the station's label printer there? ``state``: ready, not_set_up, unreachable, setup, unknown
    (:func:`app.shipping.printers.probe`); ``waiting``: its jobs not printed yet (queued, failed, uncertain)."""

    state: str
    printer: str  # described for a person ("" when none is set up)
    waiting: int
    detail: str = ""


def readiness(sessions: sessionmaker[Session], station: str, document: str = "label",
              timeout: float = 1.0) -> Readiness:
    """The station's printer for ``document`` and whether it answers, without printing anything. Takes up to
    ``timeout`` seconds for a network printer: call it off the GUI thread."""
    from sqlalchemy import func

    from app.shipping.service import printer_for

    with sessions() as session:
        choice = printer_for(session, station, document)
        waiting = session.scalar(
            select(func.count()).select_from(PrintJob).where(
                PrintJob.station == station, PrintJob.document_kind == document,
                PrintJob.state.in_(("queued", "failed", "uncertain")))) or 0
    uri = choice.uri if choice else ""
    state, detail = printers.probe(uri, timeout)
    return Readiness(state, printers.short_name(uri) if uri else "", int(waiting), detail)
