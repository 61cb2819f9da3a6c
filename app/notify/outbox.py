"""The durable e-mail outbox: queue, claim, mark sent or retry later.

A notice is a row of ``notify_outbox``, rendered when queued. A sender claims due rows (``queued`` and
``next_attempt_at`` passed; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so two senders never take one row), marks
them ``sending`` and commits before it talks to the SMTP server. Success: ``sent``. Failure: back to
``queued`` with a growing delay (5 s, 10 s, 20 s, ... at most an hour) until ``MAX_ATTEMPTS``, then ``failed``.
A notice that can never go (its address is not one mailbox, its mail cannot be built, its template failed) is
``failed`` at once, with the reason in ``last_error``. A sender keeps its claim fresh while it works through a
batch (:func:`touch`); a row left in ``sending`` by a process that died is queued again once its claim is older
than ``STALE_AFTER`` (:func:`recover_stale`, at start and every few seconds by a running notifier).

A notice that failed because the mail server could not be reached (not because of the notice itself) is the
server's fault: when the server answers again, :func:`requeue_unreachable` makes every such notice due at once,
also one that had run out of attempts. :func:`mail_trouble` tells the screens while the server is away, and
:func:`delivery` what became of given notices, so nobody is told "sent" of a notice still in the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models.web import OutboxMessage

MAX_ATTEMPTS = 10
STALE_AFTER = timedelta(seconds=60)
# How a failed attempt says the server was away (app.notify.smtp.SmtpSender.open).
UNREACHABLE = "cannot reach the mail server"


@dataclass(frozen=True)
class Outgoing:
    id: int
    key: str
    recipient: str
    subject: str
    body: str
    attempts: int


def enqueue(session: Session, key: str, kind: str, recipient: str, subject: str, body: str, *, language: str = "en",
            order_id: int | None = None, event_at: datetime | None = None, failed: str = "") -> OutboxMessage | None:
    """Queue one notice; None when a notice with this key is already queued (or sent). ``failed``: the notice
    could not be made; it is kept as ``failed`` with this reason, and never sent."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is not None:
        return None
    message = OutboxMessage(idempotency_key=key[:120], kind=kind, language=language, order_id=order_id,
                            recipient=recipient[:254], subject=subject[:300], body=body,
                            state="failed" if failed else "queued", last_error=failed[:500],
                            next_attempt_at=utcnow(), event_at=event_at)
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    return message


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 5 * 2 ** max(0, attempts - 1)))


def claim(session: Session, limit: int = 20, now: datetime | None = None) -> list[Outgoing]:
    """Take up to ``limit`` due notices for sending; the caller commits at once."""
    now = now or utcnow()
    stmt = (select(OutboxMessage).where(OutboxMessage.state == "queued", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    taken = []
    for row in session.scalars(stmt):
        row.state = "sending"
        row.claimed_at = now
        row.attempts += 1
        taken.append(Outgoing(row.id, row.idempotency_key, row.recipient, row.subject, row.body, row.attempts))
    session.flush()
    return taken


def mark_sent(session: Session, message_id: int, now: datetime | None = None) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(state="sent", sent_at=now or utcnow(), last_error=""))


def mark_failed(session: Session, message_id: int, attempts: int, error: str, permanent: bool = False,
                now: datetime | None = None) -> str:
    """Back to the queue for a later attempt, or ``failed`` for good; returns the new state."""
    now = now or utcnow()
    state = "failed" if permanent or attempts >= MAX_ATTEMPTS else "queued"
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(state=state, last_error=error[:500], next_attempt_at=now + backoff(attempts)))
    return state


def touch(session: Session, message_ids: list[int], now: datetime | None = None) -> None:
    """The sender still works on these claimed notices: their claim is fresh again (no sweep takes them)."""
    if message_ids:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.state == "sending")
                        .values(claimed_at=now or utcnow()))


def recover_stale(session: Session, now: datetime | None = None, older_than: timedelta = STALE_AFTER) -> int:
    """Notices a dead process left ``sending`` (claimed longer ago than ``older_than``): queued again (the
    Message-ID lets a mail server drop a duplicate if the first attempt did get through)."""
    now = now or utcnow()
    result = session.execute(update(OutboxMessage)
                             .where(OutboxMessage.state == "sending", OutboxMessage.claimed_at < now - older_than)
                             .values(state="queued", next_attempt_at=now))
    return result.rowcount or 0


def counts(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    return {state: n for state, n in session.execute(
        select(OutboxMessage.state, func.count(OutboxMessage.id)).group_by(OutboxMessage.state))}


def _unreachable():
    return OutboxMessage.last_error.like(UNREACHABLE + "%")


def requeue_unreachable(session: Session, now: datetime | None = None) -> int:
    """The mail server answers again: every notice held back because it was away is due now (those that ran out
    of attempts too). Returns how many."""
    now = now or utcnow()
    result = session.execute(update(OutboxMessage)
                             .where(OutboxMessage.state.in_(("queued", "failed")), _unreachable())
                             .values(state="queued", next_attempt_at=now))
    return result.rowcount or 0


@dataclass(frozen=True)
class MailTrouble:
    """The mail server could not be reached at the last attempt: ``waiting`` notices are held in the outbox."""

    waiting: int
    since: datetime | None  # the first attempt that found it away, of those waiting
    error: str


def mail_trouble(session: Session) -> MailTrouble | None:
    """None while notices go out; else how many wait because the mail server was unreachable. Reads only the
    notices not yet sent (the state index), so a screen may ask every few seconds."""
    row = session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.claimed_at), func.max(OutboxMessage.last_error))
        .where(OutboxMessage.state.in_(("queued", "sending", "failed")), _unreachable())).one()
    waiting, since, error = row
    return MailTrouble(int(waiting), since, error or "") if waiting else None


@dataclass(frozen=True)
class Delivery:
    state: str  # queued, sending, sent, failed
    attempts: int
    last_error: str
    sent_at: datetime | None

    @property
    def unreachable(self) -> bool:
        """Waiting because the mail server could not be reached at its last attempt."""
        return self.state != "sent" and self.last_error.startswith(UNREACHABLE)


def delivery(session: Session, keys: list[str]) -> dict[str, Delivery]:
    """What became of the notices with these idempotency keys (a key never queued is absent)."""
    if not keys:
        return {}
    rows = session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.state, OutboxMessage.attempts,
                                  OutboxMessage.last_error, OutboxMessage.sent_at)
                           .where(OutboxMessage.idempotency_key.in_(keys)))
    return {key: Delivery(state, attempts, last_error or "", sent_at) for key, state, attempts, last_error, sent_at in rows}


def status(sessions) -> tuple[dict[str, int], MailTrouble | None]:
    """``station notify status``: the outbox's counts by state and the mail server's trouble, in one read."""
    with sessions() as session:
        return counts(session), mail_trouble(session)


def mail_trouble_now(sessions) -> MailTrouble | None:
    """``mail_trouble`` in its own short read, for a screen that asks every few seconds."""
    with sessions() as session:
        return mail_trouble(session)
