"""The print queue's worker: sends due jobs off the GUI thread and reports each outcome as a Qt signal."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from app.shipping import printqueue

log = logging.getLogger(__name__)


class PrintWorker(QObject):
    """Lives in its own thread; every ``interval_ms`` it recovers stale jobs and sends what is due."""

    reported = Signal(list)  # list[printqueue.Outcome]
    failed = Signal(str)

    def __init__(self, sessions, station: str, interval_ms: int = 2000) -> None:
        super().__init__()
        self.sessions = sessions
        self.station = station
        self.interval_ms = interval_ms
        self.timer: QTimer | None = None

    @Slot()
    def start(self) -> None:
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(self.interval_ms)
        printqueue.recover_stale(self.sessions, self.station)
        self.tick()

    @Slot()
    def tick(self) -> None:
        try:
            outcomes = printqueue.run_once(self.sessions, self.station)
        except Exception as exc:  # noqa: BLE001 - the database may be away for a moment; try again next tick
            log.warning("print queue pass failed", exc_info=True)
            self.failed.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        if outcomes:
            self.reported.emit(outcomes)

    @Slot()
    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()


class PrintQueueThread(QObject):
    """Owns the thread and the worker; ``reported`` is delivered on the GUI thread."""

    reported = Signal(list)
    failed = Signal(str)
    _stop = Signal()

    def __init__(self, sessions, station: str, interval_ms: int = 2000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName(f"print-queue-{station}")
        self.worker = PrintWorker(sessions, station, interval_ms)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.worker.reported.connect(self.reported)
        self.worker.failed.connect(self.failed)
        self._stop.connect(self.worker.stop)

    def start(self) -> None:
        self.thread.start()

    def poke(self) -> None:
        """Send what is due now rather than at the next tick."""
        QTimer.singleShot(0, self.worker, self.worker.tick)

    def stop(self) -> None:
        if self.thread.isRunning():
            self._stop.emit()
            self.thread.quit()
            self.thread.wait(5000)


def report_outcomes(feedback, outcomes: list[printqueue.Outcome]) -> None:
    """Tell the operator what became of each job the queue sent, whichever screen queued it."""
    translate = QCoreApplication.translate
    for o in outcomes:
        if o.state == "done":
            feedback.info(translate("PrintQueue", "Printed: %1").replace("%1", o.description))
            continue
        if o.state == "queued":
            text = translate("PrintQueue", "Printer not reachable: %1 waits and prints when it is back (%2)")
        elif o.state == "uncertain":
            text = translate("PrintQueue", "Check the printer, it may have printed part: %1 (%2)")
        else:
            text = translate("PrintQueue", "Cannot print: %1 (%2)")
        feedback.bad(text.replace("%1", o.description).replace("%2", o.message))


def station_print_queue(sessions, station: str, feedback) -> PrintQueueThread:
    """The station's one print-queue worker, started, its outcomes and failures told through ``feedback``."""
    queue = PrintQueueThread(sessions, station)
    queue.reported.connect(lambda outcomes: report_outcomes(feedback, outcomes))
    queue.failed.connect(
        lambda message: feedback.bad(QCoreApplication.translate("PrintQueue", "Print queue: %1").replace("%1", message)))
    queue.start()
    return queue
