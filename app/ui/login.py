"""Log-in: scan a badge, or type user and PIN. Emits ``logged_in(user)`` with the user's row. Every try is on the
user's trail with this station's name; a name locked by wrong PINs is told until when, in the screen's language."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.admin.auth import LockedOut, user_by_badge, user_by_pin
from app.domain.error_texts import operator_text
from app.ui.common import run_action

LANGUAGES = (("en", "English"), ("zh_CN", "简体中文"))


class LoginScreen(QWidget):
    logged_in = Signal(object)  # db.models.User
    language_chosen = Signal(str)

    def __init__(self, ctx, station: str, feedback, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.feedback = feedback
        self.station = station
        self.setObjectName("login")

        title = QLabel(self.tr("Warehouse Station"))
        title.setObjectName("title")
        title.setAlignment(Qt.AlignCenter)
        where = QLabel(self.tr("Station %1").replace("%1", station))
        where.setObjectName("subtitle")
        where.setAlignment(Qt.AlignCenter)

        prompt = QLabel(self.tr("Scan your badge to log in"))
        prompt.setObjectName("subtitle")
        prompt.setAlignment(Qt.AlignCenter)
        self.badge = QLineEdit()
        self.badge.setEchoMode(QLineEdit.Password)
        self.badge.setPlaceholderText(self.tr("Badge"))
        self.badge.setAccessibleName(self.tr("Badge"))
        self.badge.returnPressed.connect(lambda: self.handle_scan(self.badge.text()))

        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        alt = QLabel(self.tr("or log in with your user name and PIN"))
        alt.setAlignment(Qt.AlignCenter)
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("User name"))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.Password)
        self.pin.setPlaceholderText(self.tr("PIN"))
        self.pin.returnPressed.connect(self.login_with_pin)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.login_button = QPushButton(self.tr("&Log in"))
        self.login_button.setObjectName("primary")
        self.login_button.clicked.connect(self.login_with_pin)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("PIN"), self.pin)

        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it may repeat a name someone typed
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setWordWrap(True)

        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, [c for c, _ in LANGUAGES].index(language) if language in dict(LANGUAGES) else 0))
        self.language.setAccessibleName(self.tr("Language"))
        self.language.activated.connect(lambda _i: self.language_chosen.emit(self.language.currentData()))
        lang_row = QHBoxLayout()
        lang_row.addStretch()
        lang_row.addWidget(QLabel(self.tr("Language")))
        lang_row.addWidget(self.language)

        box = QVBoxLayout()
        box.addLayout(lang_row)
        box.addStretch()
        for w in (title, where, prompt, self.badge, line, alt):
            box.addWidget(w)
        box.addLayout(form)
        box.addWidget(self.login_button)
        box.addWidget(self.message)
        box.addStretch()
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(box, 2)
        outer.addStretch(1)
        self.setFocusProxy(self.badge)

    def reset(self) -> None:
        for field in (self.badge, self.username, self.pin):
            field.clear()
        self.message.clear()
        self.badge.setFocus()

    def _fail(self, message: str) -> None:
        self.message.setText(message)
        self.badge.clear()
        self.pin.clear()

    def take_scan(self, event) -> bool:
        """A badge, parsed by its reader: its text is the badge's code."""
        return self.handle_scan(event.text if event.text is not None else event.raw)

    def handle_scan(self, text: str) -> bool:
        """A badge scanned (from the scanner bridge or typed by a keyboard-wedge scanner)."""
        code = text.strip()
        if not code:
            return False
        ok, user = self._login(lambda: user_by_badge(self.ctx.sessions, code, station=self.station))
        self.badge.clear()
        return ok

    def login_with_pin(self) -> None:
        username, pin = self.username.text().strip(), self.pin.text()
        if not username or not pin:
            self._fail(self.tr("Enter your user name and PIN."))
            self.feedback.bad(self.message.text())
            return
        self._login(lambda: user_by_pin(self.ctx.sessions, username, pin, station=self.station))

    def _login(self, find) -> tuple[bool, object]:
        def locked_or_user():
            try:
                return find()
            except LockedOut as exc:
                return exc

        ok, user = run_action(self.feedback, locked_or_user)
        if isinstance(user, LockedOut):
            from app.ui.texts import ui_language

            self._fail(operator_text(user.message, ui_language()))
            self.feedback.bad(self.message.text())
            return False, None
        if not ok:
            self._fail(self.tr("Not recognised: check the badge, or the user name and PIN."))
            return False, None
        self.message.clear()
        self.logged_in.emit(user)
        return True, user
