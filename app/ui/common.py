"""Small helpers the screens share: run a service call and turn failures into operator messages; keep a
screen within a small bench monitor."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFrame, QScrollArea, QWidget

from app.domain.error_texts import operator_text
from app.errors import DB_UNAVAILABLE, StationError, database_failure

log = logging.getLogger(__name__)


def run_action(feedback, action: Callable[[], Any], success: str | None = None) -> tuple[bool, Any]:
    """Run ``action``; a StationError or a database failure becomes a bad flash with its message."""
    try:
        result = action()
    except StationError as exc:
        from app.ui.texts import ui_language

        feedback.bad(operator_text(exc.message, ui_language()))
        return False, None
    except Exception as exc:
        failure = database_failure(exc)
        if failure is None:
            raise
        if failure == DB_UNAVAILABLE:
            log.warning("database unavailable", exc_info=True)
            feedback.bad(QCoreApplication.translate("Common", "The database cannot be reached; try again in a moment."))
            return False, None
        log.exception("database error")
        feedback.bad(QCoreApplication.translate("Common", "The database refused the change: %1").replace("%1", type(exc).__name__))
        return False, None
    if success is not None:
        feedback.good(success)
    return True, result


def compact_combo(combo: QComboBox, characters: int = 14) -> QComboBox:
    """A combo box as wide as ``characters`` whatever its longest entry (a warehouse's full name, say), so a row
    of them still fits a 1366-pixel screen; the open list shows every entry whole."""
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


def scrolling(panel: QWidget) -> QScrollArea:
    """``panel`` in a frameless scroll area: on a screen with room it shows whole, on a small one it scrolls
    instead of pushing the window past the screen's edge."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    return area
