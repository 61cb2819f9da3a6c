"""The notifier: reads new order events into the outbox and sends what is due, every ``interval`` seconds.

``Notifier(ctx).run_once()`` does one round (tests, ``station notify run --once``); ``start()`` runs rounds on a
daemon thread until ``stop()`` (``station serve`` does this); ``run_forever()`` for ``station notify run``.
Nothing personal is logged: a failed notice is logged by its outbox id and the error's kind.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from app.context import Context
from app.notify import hooks, outbox
from app.notify.smtp import SendFailed, SmtpSender, SmtpSettings

log = logging.getLogger("station.notify")


@dataclass
class Round:
    queued: int = 0
    sent: int = 0
    failed: int = 0


class Notifier:
    def __init__(self, ctx: Context, interval: float = 0.25, batch: int = 20) -> None:
        self.ctx = ctx
        self.interval = interval
        self.batch = batch
        self.sender = SmtpSender(SmtpSettings.from_mapping(ctx.settings.smtp))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = False

    def prepare(self) -> None:
        """Place the cursor and requeue notices a dead process left half-sent."""
        with self.ctx.sessions() as session:
            hooks.start(session)
            recovered = outbox.recover_stale(session)
            session.commit()
        if recovered:
            log.info("%d notice(s) left sending by a stopped process queued again", recovered)
        self._started = True

    def run_once(self) -> Round:
        if not self._started:
            self.prepare()
        result = Round()
        with self.ctx.sessions() as session:
            result.queued = hooks.poll(session, self.ctx.settings)
            session.commit()
        while True:
            with self.ctx.sessions() as session:
                due = outbox.claim(session, self.batch)
                session.commit()
            if not due:
                break
            requeued = self._send(due, result)
            if len(due) < self.batch and not requeued:
                break
        return result

    def _send(self, due: list[outbox.Outgoing], result: Round) -> int:
        """Send ``due``; returns how many notices held back while the server was away are due again now."""
        outcomes: list[tuple[outbox.Outgoing, SendFailed | None]] = []
        requeued = 0
        try:
            conn = self.sender.open()
        except SendFailed as exc:
            outcomes = [(m, exc) for m in due]
        else:
            # The server answers: what waited for it goes now, not after its back-off (up to an hour).
            with self.ctx.sessions() as session:
                requeued = outbox.requeue_unreachable(session)
                session.commit()
            try:
                for m in due:
                    try:
                        self.sender.send(conn, m.key, m.recipient, m.subject, m.body)
                        outcomes.append((m, None))
                    except SendFailed as exc:
                        outcomes.append((m, exc))
            finally:
                try:
                    conn.quit()
                except Exception:  # noqa: BLE001 - the mails are handed over; a rude close changes nothing
                    pass
        with self.ctx.sessions() as session:
            for m, error in outcomes:
                if error is None:
                    outbox.mark_sent(session, m.id)
                    result.sent += 1
                else:
                    state = outbox.mark_failed(session, m.id, m.attempts, str(error), permanent=error.permanent)
                    result.failed += 1
                    log.warning("notice %d not sent (attempt %d, now %s): %s", m.id, m.attempts, state, error)
            session.commit()
        return requeued

    def run_forever(self) -> None:
        self.prepare()
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the notifier
                log.error("notifier round failed: %s", type(exc).__name__)
            self._stop.wait(self.interval)

    def start(self) -> Notifier:
        self._thread = threading.Thread(target=self.run_forever, name="notifier", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
