"""Shipping screens (issue 6): label preview, label / reprint / void, close-out, printers and the print queue."""

from PySide6.QtCore import QT_TRANSLATE_NOOP


def register() -> None:
    """Offer the shipping screen in the main window (shipping staff, supervisors) and Qt system printers
    (``qt://NAME``) to the print queue."""
    from app.ui.screens import ScreenSpec, register_screen
    from app.ui.shipping import qtprint

    qtprint.register()
    register_screen(ScreenSpec("shipping", QT_TRANSLATE_NOOP("Screens", "Shipping"), ("shipping", "supervisor"),
                               "app.ui.shipping.screen:ShippingScreen"), before="settings")
