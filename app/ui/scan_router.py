"""One way in for every scan: the parsed event goes where it belongs, whatever has focus.

The shape is qutebrowser's mode manager: the station is in one mode at a time - logged out (the log-in
screen takes badges) or logged in on a screen - and each mode has one handler. A scan is parsed once, by the
reader (serial scanner, keyboard wedge, virtual scanner: :func:`app.devices.scanner.parse_scan`), and arrives
here as a :class:`ScanEvent` or, when it could not be read, a :class:`RejectedFrame`. The router then:

* takes the station's own commands first: ``CMD:LOG-OUT`` logs out; ``CMD:NEXT-ORDER`` goes to the screen that
  claims orders itself (the pack screen: mid-order it asks for a supervisor) or else to the order queue;
* hands everything else to the shown screen's :meth:`TakesScans.take_scan`, with the event as parsed (a
  screen never parses a scan again);
* says so when nobody takes it, and tells a misread in a packer's words (:func:`rejected_text`).

Screens register when they are built (:meth:`ScanRouter.register`), so the router knows who takes scans
without asking widgets what methods they have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from app.devices.commands import Command
from app.devices.events import RejectedFrame, ScanEvent


@runtime_checkable
class TakesScans(Protocol):
    def take_scan(self, event: ScanEvent) -> bool:
        """A parsed scan while this screen is shown: True when the screen used it."""
        ...


@runtime_checkable
class TakesMisreads(Protocol):
    def take_misread(self, event: RejectedFrame) -> bool:
        """A scan that could not be read, while this screen is shown: True when the screen told the operator."""
        ...


def rejected_text(event: RejectedFrame, language: str = "en") -> str:
    """What a person reads when a device sent something not understood: in our words, in their language (the
    reader's technical reason goes to the log and the journal, never on screen)."""
    from app.packing.classify import misread_kind
    from app.packing.messages import message

    if event.kind == "scale":
        return message("scale_garbled").text(language)
    if event.kind == "rfid":
        return message("rfid_garbled").text(language)
    return message("misread", why=misread_kind(event.reason)).text(language)


class ScanRouter:
    def __init__(self, window) -> None:
        self.window = window
        self._handlers: dict[int, Callable[[ScanEvent], bool]] = {}
        self._misreads: dict[int, Callable[[RejectedFrame], bool]] = {}

    # --- who takes scans ------------------------------------------------------------------------------
    def register(self, widget: QWidget) -> None:
        """A screen that takes scans (and, if it says so, misreads) while it is shown."""
        if isinstance(widget, TakesScans):
            self._handlers[id(widget)] = widget.take_scan
        if isinstance(widget, TakesMisreads):
            self._misreads[id(widget)] = widget.take_misread

    def forget(self, widget: QWidget) -> None:
        self._handlers.pop(id(widget), None)
        self._misreads.pop(id(widget), None)

    def clear(self) -> None:
        self._handlers.clear()
        self._misreads.clear()

    # --- routing ----------------------------------------------------------------------------------------
    def route(self, event: ScanEvent | RejectedFrame) -> None:
        window = self.window
        feedback = window.feedback
        if isinstance(event, RejectedFrame):
            if event.kind == "scanner" and event.reason.startswith("unknown station command"):
                text = event.raw.decode("utf-8", "replace").strip()
                feedback.bad(QCoreApplication.translate("MainWindow", "Unknown command barcode: %1").replace("%1", text))
                return
            shown = window.shown_screen()
            take = self._misreads.get(id(shown)) if shown is not None and window.env is not None else None
            if take is None or not take(event):
                feedback.bad(rejected_text(event, window.language))
            return
        if window.env is None:  # logged out: the log-in screen takes badges, and nothing else
            if event.kind == "command":
                feedback.bad(QCoreApplication.translate("MainWindow", "Log in first: scan your badge."))
                return
            window.login.take_scan(event)
            return
        if event.kind == "command" and event.command == Command.LOG_OUT:
            window.logout()
            return
        shown = window.shown_screen()
        if event.kind == "command" and event.command == Command.NEXT_ORDER:
            if not getattr(shown, "handles_next_order", False):
                # The queue claims the next order for this station and opens the pack screen.
                queue = window.screens.get("queue")
                if queue is not None:
                    window.open_screen("queue")
                    queue.next_order()
                    return
        take = self._handlers.get(id(shown)) if shown is not None else None
        if take is not None and take(event):
            return
        feedback.bad(QCoreApplication.translate("MainWindow", "This screen does not take scans."))
