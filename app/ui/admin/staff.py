"""Administration › Staff: the users, their roles, badge, PIN, language and whether they may log in; a badge card
to print; a user locked by wrong PINs shows until when, and Unlock lifts the lock. Names are plain text; a PIN or
badge is typed here and never shown again (only whether one is set)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.admin import cards, queries, staff
from app.admin.auth import ROLES
from app.ui.admin.table import RecordTable
from app.ui.common import run_action

ROLE_TITLES = {
    "packer": QT_TRANSLATE_NOOP("StaffSection", "Packer"),
    "supervisor": QT_TRANSLATE_NOOP("StaffSection", "Supervisor"),
    "shipping": QT_TRANSLATE_NOOP("StaffSection", "Shipping"),
    "service": QT_TRANSLATE_NOOP("StaffSection", "Service"),
    "admin": QT_TRANSLATE_NOOP("StaffSection", "Administrator"),
}


def role_title(role: str) -> str:
    return QCoreApplication.translate("StaffSection", ROLE_TITLES.get(role, role))


class StaffSection(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.table = RecordTable([self.tr("User"), self.tr("Name"), self.tr("Roles"), self.tr("Language"),
                                  self.tr("Badge"), self.tr("Active"), self.tr("Locked")], stretch=1)
        self.table.itemSelectionChanged.connect(self._selected)

        self.username = QLineEdit()
        self.name = QLineEdit()
        self.role_boxes: dict[str, QCheckBox] = {}
        roles_row = QHBoxLayout()
        for role in ROLES:
            box = QCheckBox(role_title(role))
            self.role_boxes[role] = box
            roles_row.addWidget(box)
        roles_row.addStretch(1)
        self.badge = QLineEdit()
        self.badge.setPlaceholderText(self.tr("scan or type a new badge; empty keeps the badge"))
        self.remove_badge = QCheckBox(self.tr("Take the badge away"))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.Password)
        self.pin.setPlaceholderText(self.tr("4 to 12 digits; empty keeps the PIN"))
        self.language = QComboBox()
        self.language.addItem(self.tr("The station's"), "")
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")
        self.active = QCheckBox(self.tr("May log in"))
        self.active.setChecked(True)

        self.new_button = QPushButton(self.tr("New user"))
        self.new_button.clicked.connect(self.clear_form)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.card_button = QPushButton(self.tr("Print badge card…"))
        self.card_button.setToolTip(self.tr("A card with the badge's barcode, for the badge typed above"))
        self.card_button.clicked.connect(lambda: self.save_card())
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setToolTip(self.tr("Lift the lock after wrong PINs now, instead of when it runs out"))
        self.unlock_button.setEnabled(False)
        self.unlock_button.clicked.connect(lambda: self.unlock())

        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Roles"), roles_row)
        form.addRow(self.tr("Badge"), self.badge)
        form.addRow("", self.remove_badge)
        form.addRow(self.tr("PIN"), self.pin)
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", self.active)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.save_button, self.card_button, self.unlock_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QGroupBox(self.tr("User"))
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(form)
        box_layout.addLayout(buttons)
        note = QLabel(self.tr("A user who is deactivated is logged out at every station at once."))
        note.setWordWrap(True)

        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 3)
        side = QVBoxLayout()
        side.addWidget(box)
        side.addWidget(note)
        side.addStretch(1)
        layout.addLayout(side, 2)
        self.users: list[staff.UserView] = []
        self.editing: str | None = None
        self.reload()

    # --- the list ------------------------------------------------------------------------------------------
    def reload(self) -> None:
        ok, rows = run_action(self.env.feedback, lambda: queries.users(self.env.ctx.sessions))
        if not ok:
            return
        self.users = rows
        languages = {"en": "English", "zh_CN": "简体中文"}
        self.table.fill((user.username, user.name, ", ".join(role_title(x) for x in user.roles),
                         languages.get(user.language, self.tr("The station's")),
                         self.tr("yes") if user.has_badge else self.tr("no"),
                         self.tr("yes") if user.active else self.tr("no"),
                         self._locked_text(user)) for user in rows)
        if self.editing:
            self.select(self.editing)
            current = next((u for u in rows if u.username == self.editing), None)
            self.unlock_button.setEnabled(current is not None and current.locked_until is not None)

    def select(self, username: str) -> None:
        self.table.choose_first(lambda r: self.users[r].username == username)

    def _selected(self) -> None:
        r = self.table.chosen_row()
        if r is None:
            return
        user = self.users[r]
        self.editing = user.username
        self.username.setText(user.username)
        self.username.setEnabled(False)
        self.name.setText(user.name)
        for role, box in self.role_boxes.items():
            box.setChecked(role in user.roles)
        self.badge.clear()
        self.remove_badge.setChecked(False)
        self.remove_badge.setEnabled(user.has_badge)
        self.pin.clear()
        self.language.setCurrentIndex(max(0, self.language.findData(user.language)))
        self.active.setChecked(user.active)
        self.unlock_button.setEnabled(user.locked_until is not None)

    def _locked_text(self, user: staff.UserView) -> str:
        if user.locked_until is None:
            return ""
        return self.tr("until %1").replace("%1", user.locked_until.astimezone().strftime("%H:%M"))

    def clear_form(self) -> None:
        self.editing = None
        self.table.clearSelection()
        for field in (self.username, self.name, self.badge, self.pin):
            field.clear()
        self.username.setEnabled(True)
        for box in self.role_boxes.values():
            box.setChecked(False)
        self.remove_badge.setChecked(False)
        self.remove_badge.setEnabled(False)
        self.language.setCurrentIndex(0)
        self.active.setChecked(True)
        self.unlock_button.setEnabled(False)
        self.username.setFocus()

    # --- changes -------------------------------------------------------------------------------------------
    def _roles(self) -> list[str]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def save(self) -> bool:
        sessions, actor = self.env.ctx.sessions, self.env.actor
        badge = self.badge.text().strip()
        pin = self.pin.text().strip()

        if self.editing is None:
            username = self.username.text().strip()

            def act():
                return staff.add_user(sessions, username, self.name.text(), self._roles(), pin, actor,
                                      badge=badge or None, language=self.language.currentData())

            ok, view = run_action(self.env.feedback, act, self.tr("User %1 added.").replace("%1", username))
        else:
            username = self.editing
            changes: dict = {"name": self.name.text(), "roles": self._roles(), "language": self.language.currentData(),
                             "active": self.active.isChecked()}
            if badge:
                changes["badge"] = badge
            elif self.remove_badge.isChecked():
                changes["badge"] = None

            def act():
                change = staff.set_user(sessions, username, actor, **changes)
                if pin:
                    staff.set_pin(sessions, username, pin, actor)
                return change.user

            ok, view = run_action(self.env.feedback, act, self.tr("User %1 saved.").replace("%1", username))
        if ok:
            self.editing = view.username
            self.reload()
            self.badge.setText(badge)  # kept for the card, until another user is chosen
        return ok

    def unlock(self) -> bool:
        """Lift the PIN lock of the user being edited."""
        username = self.editing
        if not username:
            self.env.feedback.bad(self.tr("Choose a locked user first."))
            return False
        ok, _view = run_action(self.env.feedback,
                               lambda: staff.unlock(self.env.ctx.sessions, username, self.env.actor),
                               self.tr("User %1 unlocked.").replace("%1", username))
        if ok:
            self.reload()
        return ok

    def save_card(self, path: str | None = None) -> Path | None:
        """The badge card of the user being edited, for the badge typed above, as a PDF file."""
        username = self.editing or self.username.text().strip()
        badge = self.badge.text().strip()
        if not username or not badge:
            self.env.feedback.bad(self.tr("Type or scan the user's badge first: the card prints that code."))
            return None
        ok, pdf = run_action(self.env.feedback,
                             lambda: cards.card_for(self.env.ctx.sessions, username, badge, self.env.actor))
        if not ok:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save badge card"), f"badge-{username}.pdf", "PDF (*.pdf)")
            if not path:
                return None
        target = Path(path)
        target.write_bytes(pdf)
        self.env.feedback.good(self.tr("Badge card saved to %1").replace("%1", str(target)))
        return target

    def on_change(self, topic: str, key: str) -> None:
        if topic == "user":
            self.reload()
