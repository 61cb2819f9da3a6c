"""The desktop app: QApplication set-up (fonts for Chinese, large type, translations), live sync,
and the main window.

``run(ctx, station)`` is what ``station gui`` calls. ``install_language(app, "zh_CN")`` switches the
language at run time; the main window then rebuilds its screens.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.ui.style import BASE_POINT_SIZE, STYLESHEET
from app.ui.texts import normalise_language

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
I18N = RESOURCES / "i18n"
FONT_CANDIDATES = (
    RESOURCES / "fonts" / "wqy-microhei.ttc",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
LANGUAGES = ("en", "zh_CN")

_translators: list[QTranslator] = []


def register_fonts() -> list[str]:
    """Register a CJK font with Qt so Chinese never shows as boxes; returns the families added."""
    families: list[str] = []
    for path in FONT_CANDIDATES:
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families += QFontDatabase.applicationFontFamilies(font_id)
                break
    return families


def install_language(app: QApplication, language: str) -> bool:
    """Load the station's and Qt's own translations for ``language`` ("en" removes them)."""
    for translator in _translators:
        app.removeTranslator(translator)
    _translators.clear()
    language = normalise_language(language)
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
        return True
    QLocale.setDefault(QLocale(language))
    ok = False
    station = QTranslator(app)
    if station.load(str(I18N / f"station_{language}.qm")):
        app.installTranslator(station)
        _translators.append(station)
        ok = True
    else:
        log.warning("no translation file for %s in %s", language, I18N)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(qt)
        _translators.append(qt)
    return ok


def create_application(argv: list[str] | None = None, language: str = "en") -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Warehouse Station")
    app.setOrganizationName("warehouse-station")
    families = register_fonts()
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Noto Sans", *families])
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
    install_language(app, language)
    return app


def build_window(ctx, station: str, language: str, sync=None, devices: bool = True):
    from app.ui.main_window import MainWindow

    window = MainWindow(ctx, station, sync=sync, language=normalise_language(language))

    def switch(lang: str) -> None:
        lang = normalise_language(lang)
        install_language(QApplication.instance(), lang)
        ctx.settings.language = lang
        window.rebuild(lang)

    window.language_change_requested.connect(switch)
    if devices:
        # Right after the log-in screen is up: scanners need a few hundred ms of imports and set-up.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: _attach_devices(window, ctx))
    return window


def _attach_devices(window, ctx) -> None:
    """Scans from the devices engineer's Qt bridge, when it is there, go to ``window.handle_scan``."""
    try:
        from app.ui.devices import bridge as device_bridge  # type: ignore[attr-defined]
    except ImportError:
        return
    attach = getattr(device_bridge, "attach_to_window", None)
    if attach is not None:
        try:
            attach(window, ctx.settings)
        except Exception:  # noqa: BLE001 - a missing scanner must not stop the station
            log.exception("could not attach the station's devices")


GUI_SQLITE_CACHE_KIB = 8192


def limit_sqlite_cache(ctx) -> None:
    """The desktop app keeps SQLite's page cache at 8 MB a connection (the shared default is 64 MB,
    right for bulk imports): the queue reads a window at a time, and the app stays small."""
    ctx.limit_sqlite_cache(GUI_SQLITE_CACHE_KIB)


def run(ctx, station: str | None = None, started_at: float | None = None) -> int:
    """Start the station's window on ``ctx``; returns the exit code."""
    from app.admin.sites import report_devices
    from app.orders.supervision import ensure_station
    from app.sync.qt import SyncBridge

    started_at = started_at or time.perf_counter()
    station = station or ctx.settings.station
    language = normalise_language(ctx.settings.language)
    app = create_application(language=language)
    limit_sqlite_cache(ctx)
    # A real station must be registered (station stations add NAME); the demo registers its own.
    ensure_station(ctx.sessions, station, ctx.settings.warehouse, register=ctx.settings.demo.enabled)
    report_devices(ctx.sessions, station, ctx.settings.devices)  # Administration lists them for every station
    sync = SyncBridge(ctx.settings.db_url, app)
    window = build_window(ctx, station, language, sync=sync)
    if ctx.settings.run.exit_after_login_shown:
        # The benchmark: report when the log-in screen is on screen, then quit.
        def shown() -> None:
            window.repaint()  # painted, synchronously
            print(f"login-shown {time.perf_counter() - started_at:.3f} cpu {time.process_time():.3f}", flush=True)
            app.quit()

        window.login_shown.connect(shown)
    sync.start()
    window.show_fitted()
    try:
        return app.exec()
    finally:
        sync.stop()
