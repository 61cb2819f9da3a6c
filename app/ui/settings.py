"""Settings: the language (English / 简体中文), this station's name and warehouse. Saved in the
station's config file (platformdirs location, ``app.config.save_settings``)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select

from app.config import config_path, save_settings
from app.services.auth import has_role
from app.services.supervision import ensure_station
from app.ui.common import run_action
from app.ui.login import LANGUAGES
from db.models import Warehouse


class SettingsScreen(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        settings = env.ctx.settings
        title = QLabel(self.tr("Settings"))
        title.setObjectName("title")
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData("zh_CN" if settings.language.startswith("zh") else "en")))
        self.station = QLineEdit(env.station)
        self.warehouse = QComboBox()
        self.warehouse.addItem(self.tr("Any warehouse"), "")
        with env.ctx.sessions() as s:
            for code, name in s.execute(select(Warehouse.code, Warehouse.name).order_by(Warehouse.code)):
                self.warehouse.addItem(f"{code} — {name}", code)
        self.warehouse.setCurrentIndex(max(0, self.warehouse.findData(settings.warehouse)))
        # Station identity is the administrator's business; everyone picks their language.
        admin = has_role(env.role, "admin")
        self.station.setEnabled(admin)
        self.warehouse.setEnabled(admin)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Station name"), self.station)
        form.addRow(self.tr("Warehouse of this station"), self.warehouse)
        form.addRow(self.tr("Database"), QLabel(_safe_url(env.ctx)))
        form.addRow(self.tr("Config file"), QLabel(str(config_path())))
        note = QLabel(self.tr("A new station name takes effect at the next start."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.save_button)
        layout.addStretch()

    def save(self) -> None:
        settings = self.env.ctx.settings
        station = self.station.text().strip()
        warehouse = self.warehouse.currentData() or ""

        def apply():
            if station != self.env.station or warehouse != settings.warehouse:
                ensure_station(self.env.ctx.sessions, station, warehouse)
            settings.station = station
            settings.warehouse = warehouse
            settings.language = self.language.currentData()
            save_settings(_for_file(settings))

        ok, _ = run_action(self.env.feedback, apply, self.tr("Settings saved."))
        if ok:
            self.env.apply_settings()


def _for_file(settings):
    """What goes into the file: the database URL only if the file already named one (not --db's)."""
    import copy
    import json

    stored = copy.deepcopy(settings)
    path = config_path()
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    stored.db_url = raw.get("db_url", "")
    return stored


def _safe_url(ctx) -> str:
    return ctx.engine.url.render_as_string(hide_password=True)
