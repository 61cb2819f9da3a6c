"""Adds the device set-up screen to the main window's screen list (imported by ``app.ui.screens``): the
station's scanners, RFID readers and scales are set up by a supervisor or an administrator."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.ui.screens import ScreenSpec, register_screen

register_screen(ScreenSpec("devices", QT_TRANSLATE_NOOP("Screens", "Devices"), ("supervisor",),
                           "app.ui.devices.setup:device_setup_screen"))
