"""Keyboard-wedge scanners: telling a scan typed as keystrokes from a person typing.

A wedge scanner types its data as key presses, a few milliseconds apart, and ends with a terminator
key (Enter by default; Tab can be configured). A person types tens to hundreds of milliseconds apart.
:class:`KeyboardWedgeFilter` is one application-wide event filter (``QApplication.installEventFilter``)
that:

* holds back every printable key press for at most ``max_gap_ms`` (nothing reaches the focused widget
  yet);
* when the next key comes sooner, holds it too - a burst is forming;
* when a terminator key ends a burst of at least ``min_length`` characters, each no more than
  ``max_gap_ms`` after the one before, takes the burst as a scan: the keys are dropped and the scan goes
  to the scan handler (``scanned`` signal, and the :class:`DeviceBridge` if one is given), whatever
  widget has focus;
* otherwise - a pause longer than ``max_gap_ms``, a non-printable key, too few characters - replays the
  held keys, in order, to the widget they were meant for, so a person typing in a text field sees their
  text arrive (``max_gap_ms`` later) and is never taken for a scan.

GS1 separators arrive as the GS character or as Ctrl+] (what most wedge scanners type for FNC1) and are
kept in the scan. Times come from the key events' own timestamps when the platform sets them, so a
busy GUI thread does not make a person's typing look fast.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from app.devices.events import RejectedFrame, ScanEvent
from app.devices.scanner import parse_scan

DEFAULT_MAX_GAP_MS = 35
# One character is enough: a count barcode ("5") is a scan too. A person cannot type a key and Enter within
# ``max_gap_ms`` of each other, so the timing, not the length, tells a scan from typing.
DEFAULT_MIN_LENGTH = 1
# Pressing a modifier alone is part of typing a character (Shift for capitals, Ctrl for Ctrl+] = GS).
_MODIFIER_KEYS = {int(k) for k in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta)}
_BLOCKING_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier


class KeyboardWedgeFilter(QObject):
    """``scanned(ScanEvent)`` and ``rejected(RejectedFrame)`` fire on the GUI thread for each burst taken
    as a scan; with a ``bridge`` the event also goes through :meth:`DeviceBridge.dispatch`."""

    scanned = Signal(object)
    rejected = Signal(object)

    def __init__(
        self,
        bridge=None,
        *,
        max_gap_ms: int = DEFAULT_MAX_GAP_MS,
        min_length: int = DEFAULT_MIN_LENGTH,
        terminators: tuple[Qt.Key, ...] = (Qt.Key.Key_Return, Qt.Key.Key_Enter),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.max_gap_ms = max_gap_ms
        self.min_length = min_length
        self.terminators = {int(k) for k in terminators}
        self.enabled = True
        # The window scans are for: while it is closed or hidden, keystrokes are left alone.
        self.window = None
        self._held: list[tuple[QObject, QKeyEvent, str]] = []
        self._last_ms = 0.0
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.release)

    def install(self, app: QCoreApplication | None = None) -> KeyboardWedgeFilter:
        (app or QCoreApplication.instance()).installEventFilter(self)
        return self

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        self.release()
        (app or QCoreApplication.instance()).removeEventFilter(self)

    @property
    def holding(self) -> str:
        return "".join(ch for _, _, ch in self._held)

    # -- the filter ---------------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self._replaying or not self.enabled or event.type() != QEvent.Type.KeyPress:
            return False
        if self.window is not None and not self.window.isVisible():
            return False
        return self._key_press(obj, event)  # type: ignore[arg-type]

    def _key_press(self, obj: QObject, event: QKeyEvent) -> bool:
        now = self._time_ms(event)
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        modifiers = event.modifiers()
        if key in self.terminators and not (modifiers & _BLOCKING_MODIFIERS):
            if self._held and len(self._held) >= self.min_length and now - self._last_ms <= self.max_gap_ms:
                self._take_scan()
                return True
            self.release()
            return False
        if key == Qt.Key.Key_BracketRight and modifiers & Qt.KeyboardModifier.ControlModifier:
            char = "\x1d"
        else:
            char = event.text()
            if event.isAutoRepeat() or len(char) != 1 or not (char.isprintable() or char == "\x1d") or modifiers & _BLOCKING_MODIFIERS:
                self.release()
                return False
        if self._held and now - self._last_ms > self.max_gap_ms:
            self.release()
        self._held.append((obj, event.clone(), char))  # type: ignore[arg-type]
        self._last_ms = now
        self._timer.start(self.max_gap_ms + 5)
        return True

    def _time_ms(self, event: QKeyEvent) -> float:
        stamp = event.timestamp()  # set by the window system; 0 for synthesised events
        return float(stamp) if stamp else time.monotonic() * 1000.0

    def release(self) -> None:
        """Hand held keys to the widgets they were meant for (a person typed them)."""
        self._timer.stop()
        held, self._held = self._held, []
        if not held:
            return
        self._replaying = True
        try:
            for obj, event, _ in held:
                try:
                    QCoreApplication.sendEvent(obj, event)
                except RuntimeError:  # the widget was deleted meanwhile
                    pass
        finally:
            self._replaying = False

    def _take_scan(self) -> None:
        self._timer.stop()
        text = self.holding
        self._held = []
        event: ScanEvent | RejectedFrame = parse_scan(text, source="wedge", device="wedge", received_ns=time.perf_counter_ns())
        if self.bridge is not None:
            self.bridge.dispatch(event)
        (self.scanned if isinstance(event, ScanEvent) else self.rejected).emit(event)
