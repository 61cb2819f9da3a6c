"""The main window: the log-in screen, then the screens the user's role may see, the live sync state
in the status bar, scan feedback as a colour flash, and keyboard shortcuts."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from app.orders import supervision
from app.ui.common import run_action
from app.ui.feedback import ElidedLabel, Feedback, colour
from app.ui.login import LoginScreen
from app.ui.memory import release_memory
from app.ui.plain import plain
from app.ui.presence import Presence
from app.ui.scan_router import ScanRouter
from app.ui.screens import ScreenEnv, screens_for
from app.ui.texts import normalise_language, role_name

log = logging.getLogger(__name__)



class _Screens(dict):
    """The user's screens by name. Iterating names every screen the role may see; asking for one that is
    not built yet builds it; ``values()`` and ``items()`` give only the built ones (a screen built later
    loads fresh data, so only those need live-sync updates)."""

    def __init__(self, build) -> None:
        super().__init__()
        self._build = build
        self.registered: dict[str, None] = {}  # ordered as the tabs

    def __missing__(self, name: str):
        if name not in self.registered:
            raise KeyError(name)
        widget = self._build(name)
        self[name] = widget
        return widget

    def __contains__(self, name: object) -> bool:
        return name in self.registered or dict.__contains__(self, name)

    def __iter__(self):
        return iter(list(self.registered))

    def __len__(self) -> int:
        return len(self.registered)

    def get(self, name, default=None):
        try:
            return self[name]
        except KeyError:
            return default


# Room for the queue's columns and the pack screen's large type; a smaller screen gets the window maximised.
PREFERRED_SIZE = QSize(1400, 860)
# The title bar's height, about: a screen's available height already leaves out its task bar.
_TITLE_BAR_HEIGHT = 30


class MainWindow(QMainWindow):
    login_shown = Signal()
    language_change_requested = Signal(str)

    def __init__(self, ctx, station: str, sync=None, feedback: Feedback | None = None, language: str = "en") -> None:
        super().__init__()
        self.ctx = ctx
        self.station = station
        self.sync = sync
        self.language = language
        self.feedback = feedback or Feedback(self)
        self.env: ScreenEnv | None = None
        self._station_language: str | None = None  # while a user works in a language of their own
        self.screens = _Screens(self._build_screen)
        self.router = ScanRouter(self)
        self.presence = Presence(ctx, station, self)
        # A moment after a screen is built (and its modules imported), what the imports left is given back.
        self._tidy = QTimer(self, singleShot=True, interval=1500)
        self._tidy.timeout.connect(release_memory)
        self._pending: dict[str, tuple] = {}
        self.resize(PREFERRED_SIZE)

        self.stack = QStackedWidget()
        central = QWidget()
        box = QVBoxLayout(central)
        box.setContentsMargins(6, 6, 6, 0)
        box.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        # The feedback line lives in the status bar, in a place of its own: a message never moves the screen
        # above it, is cut with "…" rather than run into the user and station beside it, and clears by itself.
        self.flash = ElidedLabel()
        self.flash.setObjectName("flash")
        self._flash_timer = QTimer(self, singleShot=True, interval=6000)
        self._flash_timer.timeout.connect(self.clear_flash)
        self.user_label = ElidedLabel()
        self.user_label.setMinimumWidth(160)
        self.user_label.setMaximumWidth(420)
        self.station_label = QLabel()
        self.connection_label = QLabel()
        plain(self.station_label, self.connection_label)
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addWidget(self.flash, 1)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.station_label)
        bar.addPermanentWidget(self.connection_label)
        self.clear_flash()

        self.logout_action = QAction(self)
        self.logout_action.setShortcut(QKeySequence(Qt.CTRL | Qt.Key_L))
        self.logout_action.triggered.connect(self.logout)
        self.addAction(self.logout_action)

        self.feedback.flashed.connect(self._flash)
        if sync is not None:
            sync.changed.connect(self._on_change)
            sync.connection_state.connect(self.set_connection_state)
        self.tabs: QTabWidget | None = None
        self.login: LoginScreen | None = None
        self.retranslate()
        self.show_login()

    # --- language ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Warehouse Station — %1").replace("%1", self.station))
        self.station_label.setText(self.tr("Station: %1").replace("%1", self.station))
        self.logout_action.setText(self.tr("Log out"))
        self.set_connection_state(self.sync.connected if self.sync is not None else None)

    def show_fitted(self) -> None:
        """At the preferred size where the screen has room for it, else maximised: on a 1366 x 768 bench monitor
        the window is the whole screen, never one that runs past its edges."""
        room = self.screen().availableGeometry()
        if room.width() < PREFERRED_SIZE.width() or room.height() < PREFERRED_SIZE.height() + _TITLE_BAR_HEIGHT:
            # Sized to the screen first: a kiosk bench without a window manager does not maximise anything.
            self.setGeometry(room.adjusted(0, _TITLE_BAR_HEIGHT, 0, 0))
            self.showMaximized()
        else:
            self.show()
        # Keys (F2, Ctrl+L...) go to the active window: without a window manager (a kiosk bench) nothing makes
        # this window active unless it asks, and the demo's floating panel must not take that from it.
        self.raise_()
        self.activateWindow()

    def rebuild(self, language: str | None = None) -> None:
        """After a language switch: rebuild the screens so every string is read again."""
        if language:
            self.language = language
        self.retranslate()
        if self.env is None:
            self.show_login()
        else:
            current = self.current_screen_name()
            self._build_work_area()
            if current:
                self.open_screen(current)

    # --- log-in ------------------------------------------------------------------------------------
    def show_login(self) -> None:
        self._clear_work_area()
        old = self.login
        self.login = LoginScreen(self.ctx, self.station, self.feedback, self.language)
        self.login.logged_in.connect(self.on_logged_in)
        self.login.language_chosen.connect(self.language_change_requested.emit)
        self.stack.addWidget(self.login)
        self.stack.setCurrentWidget(self.login)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.user_label.setText(self.tr("Not logged in"))
        self.clear_flash()
        self.login.badge.setFocus()
        QTimer.singleShot(0, self.login_shown.emit)
        self._tidy.start()

    def on_logged_in(self, user) -> None:
        self.env = ScreenEnv(
            ctx=self.ctx, station=self.station, user_id=user.id, username=user.username,
            display_name=user.display_name, role=user.role, feedback=self.feedback, sync=self.sync,
            open_screen=self.open_screen, apply_settings=self.apply_settings,
        )
        run_action(self.feedback, lambda: supervision.sign_in(self.ctx.sessions, self.station, user.id))
        self.presence.start()
        # Stations are shared across shifts: the screens speak the language of whoever logs in, and the
        # station's own again after they log out.
        preferred = normalise_language(user.language) if user.language else self.language
        if preferred != self.language:
            self._station_language = self.language
            self.language_change_requested.emit(preferred)  # rebuilds the work area in that language
        else:
            self._build_work_area()
        self.feedback.good(self.tr("Welcome, %1.").replace("%1", user.display_name))

    def logout(self) -> None:
        if self.env is None:
            return
        self.presence.stop()
        run_action(self.feedback, lambda: supervision.sign_in(self.ctx.sessions, self.station, None))
        self.env.close()
        self.env = None
        station_language, self._station_language = self._station_language, None
        if station_language is not None and station_language != self.language:
            self.language_change_requested.emit(station_language)  # rebuilds the log-in screen
        else:
            self.show_login()

    def apply_settings(self) -> None:
        """The settings screen saved: the window picks up a new language."""
        settings = self.ctx.settings
        self._station_language = None  # the language just saved is the station's own from now on
        if settings.language != self.language:
            self.language_change_requested.emit(settings.language)

    # --- the work area -----------------------------------------------------------------------------
    def _clear_work_area(self) -> None:
        for screen in self.screens.values():
            if hasattr(screen, "shutdown"):
                screen.shutdown()
        self.screens = _Screens(self._build_screen)
        self.router.clear()
        self._pending = {}
        if self.tabs is not None:
            self.stack.removeWidget(self.tabs)
            self.tabs.deleteLater()
            self.tabs = None

    def _build_work_area(self) -> None:
        self._clear_work_area()
        env = self.env
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._pending = {}
        for spec in screens_for(env.role):
            # A screen is built when it is first shown or asked for: log-in stays fast and a session
            # holds only the screens its user opens.
            placeholder = QWidget()
            self._pending[spec.name] = (spec, placeholder)
            self.screens.registered[spec.name] = None
            index = self.tabs.addTab(placeholder, spec.translated_title())
            if index < 9:
                action = QAction(self)
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
                action.triggered.connect(lambda _=False, n=spec.name: self.open_screen(n))
                self.tabs.addAction(action)
                self.tabs.setTabToolTip(index, f"Ctrl+{index + 1}")
        self.tabs.currentChanged.connect(self._on_tab_shown)
        if self.tabs.count():
            self._on_tab_shown(self.tabs.currentIndex())
        self.stack.addWidget(self.tabs)
        self.stack.setCurrentWidget(self.tabs)
        self.user_label.setText(
            self.tr("%1 (%2) — Ctrl+L to log out").replace("%1", env.display_name).replace("%2", role_name(env.role))
        )

    def _on_tab_shown(self, index: int) -> None:
        shown = self.tabs.widget(index) if self.tabs is not None else None
        for name, (_, placeholder) in list(self._pending.items()):
            if placeholder is shown:
                self.screens.get(name)
                return

    def _build_screen(self, name: str) -> QWidget:
        """Build a registered screen in place of its tab's placeholder."""
        spec, placeholder = self._pending.pop(name)
        try:
            widget = spec.build(self.env)
        except ImportError as exc:  # a screen whose package is not installed here
            log.warning("screen %s unavailable: %s", spec.name, exc)
            self.screens.registered.pop(name, None)
            self.tabs.removeTab(self.tabs.indexOf(placeholder))
            raise KeyError(name) from exc
        widget.setObjectName(f"screen-{spec.name}")
        self.router.register(widget)
        index = self.tabs.indexOf(placeholder)
        was_current = self.tabs.currentIndex() == index
        self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, spec.translated_title())
            if was_current:
                self.tabs.setCurrentIndex(index)
        finally:
            self.tabs.blockSignals(False)
        placeholder.deleteLater()
        self._tidy.start()
        return widget

    def current_screen_name(self) -> str | None:
        if self.tabs is None:
            return None
        widget = self.tabs.currentWidget()
        return next((name for name, w in self.screens.items() if w is widget), None)

    def open_screen(self, name: str) -> bool:
        widget = self.screens.get(name)
        if widget is None or self.tabs is None:
            return False
        self.tabs.setCurrentWidget(widget)
        return True

    # --- scans, sync, feedback ---------------------------------------------------------------------
    def handle_scan_event(self, event) -> None:
        """Every scan the station reads, parsed once by its reader: the router sends it where it belongs."""
        self.router.route(event)

    def handle_scan(self, text: str) -> None:
        """A scan given as text (typed into a search box, a test): parsed once, then routed as a scanner's."""
        from app.devices.scanner import parse_scan

        self.router.route(parse_scan(text, source="typed"))

    def shown_screen(self):
        """The screen on the current tab (None when logged out)."""
        return self.tabs.currentWidget() if self.tabs is not None else None

    def _on_change(self, topic: str, key: str) -> None:
        if self.env is not None and ((topic == "user" and key == self.env.username)
                                     or (topic == "station" and key == self.station)):
            if not self._still_signed_in():
                self.logout()
                self.feedback.bad(self.tr("You were logged out: your user was deactivated or signed out here."))
                return
        for screen in list(self.screens.values()):
            handler = getattr(screen, "on_change", None)
            if handler is not None:
                try:
                    handler(topic, key)
                except Exception:  # noqa: BLE001 - one screen's failure must not stop the others
                    log.exception("screen failed to refresh after %s %s", topic, key)

    def _still_signed_in(self) -> bool:
        """Whether the database still has this station's user logged in here and active (an administrator may have
        deactivated them, which signs them out everywhere); True when it cannot be asked."""
        from app.admin.staff import still_signed_in

        try:
            return still_signed_in(self.ctx.sessions, self.station, self.env.user_id)
        except Exception:  # noqa: BLE001 - an unreachable database is told by the connection label
            log.warning("could not check who is logged in at %s", self.station, exc_info=True)
            return True

    def set_connection_state(self, connected: bool | None) -> None:
        if connected is None:
            self.connection_label.setText(self.tr("Connecting…"))
            self.connection_label.setStyleSheet("")
        elif connected:
            self.connection_label.setText(self.tr("● Live"))
            self.connection_label.setStyleSheet(f"color: {colour('good')}; font-weight: bold;")
        else:
            self.connection_label.setText(self.tr("● Connection lost — reconnecting…"))
            self.connection_label.setStyleSheet(f"color: white; background: {colour('bad')}; font-weight: bold; padding: 2px 6px;")

    def _flash(self, kind: str, message: str) -> None:
        if not message:
            return
        self.flash.setText(message)
        self.flash.setStyleSheet(f"background: {colour(kind)}; color: white; font-weight: bold; padding: 2px 8px;"
                                 " border-radius: 3px;")
        self._flash_timer.start()

    def clear_flash(self) -> None:
        """Back to a quiet status bar: after a while, at log-out, when another screen is shown."""
        self._flash_timer.stop()
        self.flash.setText("")
        self.flash.setStyleSheet("padding: 2px 8px;")

    def closeEvent(self, event) -> None:
        self.presence.stop()
        if self.env is not None:
            run_action(self.feedback, lambda: supervision.sign_in(self.ctx.sessions, self.station, None))
        self._clear_work_area()
        if self.env is not None:
            self.env.close()
        super().closeEvent(event)
