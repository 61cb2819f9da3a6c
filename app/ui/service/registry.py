"""Adds the service cases screen to the main window's screen list (imported by ``app.ui.screens``)."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.ui.screens import ScreenSpec, register_screen

register_screen(ScreenSpec("service_cases", QT_TRANSLATE_NOOP("Screens", "Service cases"), ("service",),
                           "app.ui.service.cases_view:ServiceCasesScreen"))
