"""``station serve``'s channel worker: a thread that pulls the channels whose pull is due, drains the outbox to the
shops and pushes stock, every ``interval`` seconds. A shop that is slow or away delays only this thread; a
database that is away is waited for."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import OperationalError

from app.channels import service
from app.channels.model import ShopClient
from app.context import Context

log = logging.getLogger(__name__)


class ChannelWorker:
    def __init__(self, ctx: Context, interval: float = 1.0) -> None:
        self.ctx = ctx
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._clients: dict[int, ShopClient] = {}
        self.rounds = 0

    def run_once(self) -> service.PushResult:
        result = service.run_once(self.ctx.sessions, self.ctx.settings, clients=self._clients)
        for error in result.errors:
            log.warning("channel: %s", error)
        for failed in result.failed:
            log.warning("channel message %s failed: %s", failed["key"], failed["error"])
        self.rounds += 1
        return result

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except OperationalError:
                log.warning("channels: the database cannot be reached; trying again", exc_info=False)
            except Exception:  # noqa: BLE001 - one bad round must not end the worker; said in the log
                log.exception("channels: a round failed")
            self._stop.wait(self.interval)
        for client in self._clients.values():
            client.close()

    def start(self) -> ChannelWorker:
        self._thread = threading.Thread(target=self.run_forever, name="channels", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
