"""The Stock control screen (issue 18, item 6): count a bin blind, today's count plan, a supervisor's approvals of
counts that differ and hand adjustments of stock."""

from PySide6.QtCore import QT_TRANSLATE_NOOP


def register() -> None:
    """Offer the Stock control screen in the main window (shipping staff, supervisors, administrators)."""
    from app.ui.screens import ScreenSpec, register_screen

    register_screen(ScreenSpec("stock", str(QT_TRANSLATE_NOOP("Screens", "Stock control")), ("shipping",),
                               "app.ui.stock.screen:StockScreen"), before="settings")
