"""The notifier: reads new order events into the outbox and sends what is due, every ``interval`` seconds.

``Notifier(ctx).run_once()`` does one round (tests, ``station notify run --once``); ``start()`` runs rounds on a
daemon thread until ``stop()`` (``station serve`` does this); ``run_forever()`` for ``station notify run``.
Nothing personal is logged: a failed notice is logged by its outbox id and the error's kind.

One notice that cannot go (its address is no single mailbox, its mail cannot be built) is marked failed with its
reason and the batch goes on; each notice's outcome is committed as soon as it is known, and the claims of the
rest are kept fresh, so a sweep never hands a notice being sent to another sender. A connection the server drops
is opened again for the rest of the batch. Every ``sweep_every`` seconds a running notifier queues again the
notices left ``sending`` longer than ``stale_after`` (a sender that died: another process, or a thread killed).
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

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
    def __init__(self, ctx: Context, interval: float = 0.25, batch: int = 20,
                 stale_after: timedelta = outbox.STALE_AFTER, sweep_every: float = 15.0) -> None:
        self.ctx = ctx
        self.interval = interval
        self.batch = batch
        self.sender = SmtpSender(SmtpSettings.from_mapping(ctx.settings.smtp))
        # A claim is refreshed after each mail: it goes stale only when one mail takes longer than this (the SMTP
        # timeout, 10 s by default, ends any one attempt well before).
        self.stale_after = stale_after
        self.sweep_every = sweep_every
        self._next_sweep = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = False

    def prepare(self) -> None:
        """Place the cursor and requeue notices a dead process left half-sent."""
        with self.ctx.sessions() as session:
            hooks.start(session)
            session.commit()
        self.sweep()
        self._started = True

    def sweep(self) -> int:
        """Queue again the notices whose sender stopped mid-way (claimed longer ago than ``stale_after``)."""
        self._next_sweep = time.monotonic() + self.sweep_every
        with self.ctx.sessions() as session:
            recovered = outbox.recover_stale(session, older_than=self.stale_after)
            session.commit()
        if recovered:
            log.info("%d notice(s) left sending by a stopped sender queued again", recovered)
        return recovered

    def run_once(self) -> Round:
        if not self._started:
            self.prepare()
        elif time.monotonic() >= self._next_sweep:
            self.sweep()
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
        try:
            conn = self.sender.open()
        except SendFailed as exc:
            with self.ctx.sessions() as session:
                for m in due:
                    self._record(session, m, exc, result)
                session.commit()
            return 0
        # The server answers: what waited for it goes now, not after its back-off (up to an hour).
        with self.ctx.sessions() as session:
            requeued = outbox.requeue_unreachable(session)
            session.commit()
        live: smtplib.SMTP | None = conn
        try:
            for i, m in enumerate(due):
                error: SendFailed | None = None
                try:
                    if live is None:  # the server dropped the connection: a new one for the rest
                        live = self.sender.open()
                    self.sender.send(live, m.key, m.recipient, m.subject, m.body)
                except SendFailed as exc:
                    error = exc
                    if exc.disconnected or exc.unreachable:
                        self._drop(live)
                        live = None
                except Exception as exc:  # noqa: BLE001 - whatever it was, it was this notice's alone
                    error = SendFailed(f"cannot send the mail: {type(exc).__name__}", permanent=True)
                rest = due[i + 1:]
                with self.ctx.sessions() as session:
                    # Its outcome at once (a crash now re-sends nothing already sent), the rest's claims fresh.
                    self._record(session, m, error, result)
                    if error is not None and error.unreachable:
                        for n in rest:  # the server is away again: the rest wait for it, not tried one by one
                            self._record(session, n, error, result)
                        rest = []
                    outbox.touch(session, [n.id for n in rest])
                    session.commit()
                if not rest:
                    break
        finally:
            self._drop(live)
        return requeued

    def _record(self, session, m: outbox.Outgoing, error: SendFailed | None, result: Round) -> None:
        if error is None:
            outbox.mark_sent(session, m.id)
            result.sent += 1
            return
        state = outbox.mark_failed(session, m.id, m.attempts, str(error), permanent=error.permanent)
        result.failed += 1
        log.warning("notice %d not sent (attempt %d, now %s): %s", m.id, m.attempts, state,
                    str(error).split(":")[0])

    @staticmethod
    def _drop(conn: smtplib.SMTP | None) -> None:
        if conn is None:
            return
        try:
            conn.quit()
        except Exception:  # noqa: BLE001 - the mails are handed over; a rude close changes nothing
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass

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
