"""The Qt side of live sync: the listener thread's callbacks delivered as queued signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.sync.listener import ChangeListener


class SyncBridge(QObject):
    """``changed(topic, key)`` and ``connection_state(connected)``, always on the GUI thread."""

    changed = Signal(str, str)
    connection_state = Signal(bool)

    def __init__(self, url: str, parent: QObject | None = None, poll_interval: float = 0.25) -> None:
        super().__init__(parent)
        # Signals emitted from another thread are queued to this object's thread by Qt.
        self._listener = ChangeListener(url, self.changed.emit, self.connection_state.emit, poll_interval=poll_interval)

    @property
    def connected(self) -> bool | None:
        return self._listener.connected

    def start(self) -> SyncBridge:
        self._listener.start()
        return self

    def stop(self) -> None:
        self._listener.stop()
