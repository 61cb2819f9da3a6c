"""Adds the aftersales screens to the main window's screen list (imported by ``app.ui.screens``)."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.ui.screens import ScreenSpec, register_screen

register_screen(ScreenSpec("tracking", QT_TRANSLATE_NOOP("Screens", "Tracking"), ("service", "shipping"),
                           "app.ui.aftersales.tracking_view:TrackingScreen"))
register_screen(ScreenSpec("returns", QT_TRANSLATE_NOOP("Screens", "Returns desk"), ("service",),
                           "app.ui.aftersales.returns_desk:ReturnsDesk"))
register_screen(ScreenSpec("reports", QT_TRANSLATE_NOOP("Screens", "Reports"), ("supervisor",),
                           "app.ui.aftersales.reports_view:ReportsScreen"))
