"""Small helpers the screens share: run a service call and turn failures into operator messages; keep a
screen within a small bench monitor."""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFrame, QScrollArea, QWidget
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from app.errors import StationError

log = logging.getLogger(__name__)


def run_action(feedback, action: Callable[[], Any], success: str | None = None) -> tuple[bool, Any]:
    """Run ``action``; a StationError or a database failure becomes a bad flash with its message."""
    try:
        result = action()
    except StationError as exc:
        feedback.bad(exc.message)
        return False, None
    except OperationalError:
        log.warning("database unavailable", exc_info=True)
        feedback.bad(QCoreApplication.translate("Common", "The database cannot be reached; try again in a moment."))
        return False, None
    except SQLAlchemyError as exc:
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
