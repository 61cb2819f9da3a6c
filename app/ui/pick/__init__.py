"""The pick screen (issue 5): map, route, scans."""

from PySide6.QtCore import QT_TRANSLATE_NOOP


def register() -> None:
    """Offer the pick screen in the main window (packers, supervisors)."""
    from app.ui.screens import ScreenSpec, register_screen

    register_screen(ScreenSpec("pick", QT_TRANSLATE_NOOP("Screens", "Pick"), ("packer", "supervisor"),
                               "app.ui.pick.screen:pick_screen"), before="settings")
