"""The station's heartbeat: while someone is logged in, tell the shared database every
:data:`~app.orders.supervision.HEARTBEAT` that this station is alive, so the supervisor board can tell a
station at work from one that crashed or lost its cable with a packer still "logged in"."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer

from app.orders import supervision

log = logging.getLogger(__name__)


class Presence(QObject):
    def __init__(self, ctx, station: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.station = station
        self._busy = threading.Lock()
        self._timer = QTimer(self, interval=int(supervision.HEARTBEAT.total_seconds() * 1000))
        self._timer.timeout.connect(self.beat)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def beat(self) -> None:
        """One UPDATE off the GUI thread; a beat still waiting on a dead connection is not doubled."""
        if not self._busy.acquire(blocking=False):
            return
        threading.Thread(target=self._send, name=f"heartbeat-{self.station}", daemon=True).start()

    def _send(self) -> None:
        try:
            supervision.heartbeat(self.ctx.sessions, self.station)
        except Exception:  # noqa: BLE001 - the status bar already shows a lost connection; the next beat retries
            log.warning("heartbeat for %s not recorded", self.station, exc_info=True)
        finally:
            self._busy.release()
