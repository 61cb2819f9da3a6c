"""The Goods in screen (issue 18): receive a delivery by scanning, put it away, close it."""

from PySide6.QtCore import QT_TRANSLATE_NOOP


def register() -> None:
    """Offer the Goods in screen in the main window (the dock: shipping staff, supervisors, administrators)."""
    from app.ui.screens import ScreenSpec, register_screen

    register_screen(ScreenSpec("goodsin", str(QT_TRANSLATE_NOOP("Screens", "Goods in")), ("shipping",),
                               "app.ui.goodsin.screen:GoodsInScreen"), before="settings")
