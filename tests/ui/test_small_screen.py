"""A 1366 x 768 bench monitor, the commonest small one, holds every screen whole in both languages: no screen
asks for more room than is left after a title bar and a task bar, so nothing runs past the screen's edge."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import login

# 1366 x 768 less a title bar (about 30 pixels) and a task bar (about 40).
ROOM_WIDTH, ROOM_HEIGHT = 1366, 698


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_screen_fits_a_1366_by_768_monitor(window, qtbot, station_app, language):
    from app.ui.app import install_language

    try:
        window.language_change_requested.emit(language)
        login(window, qtbot, "BADGE-ADMIN")
        tabs = window.tabs
        assert tabs.count() >= 10
        too_big = {}
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            for _ in range(5):  # the screen is built when its tab is first shown
                QApplication.processEvents()
            hint = window.minimumSizeHint()
            if hint.width() > ROOM_WIDTH or hint.height() > ROOM_HEIGHT:
                too_big[tabs.tabText(index)] = hint.toTuple()
        assert not too_big, f"screens that need more than {ROOM_WIDTH} x {ROOM_HEIGHT}: {too_big}"
    finally:
        install_language(station_app, "en")


def test_the_window_is_maximised_on_a_screen_smaller_than_its_preferred_size(window):
    from app.ui.main_window import PREFERRED_SIZE

    window.hide()
    available = window.screen().availableGeometry().size()
    assert available.width() < PREFERRED_SIZE.width()  # the offscreen test screen is a small one
    window.show_fitted()
    assert window.isVisible() and window.isMaximized()
