"""Settings: the language (English / 简体中文), this station's name and warehouse. Saved in the
station's config file (platformdirs location, ``app.config.save_settings``); a new warehouse is also the
station's in the database at once, so its pick screen and "Next order" work there without a restart."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.admin.auth import has_role
from app.config import config_path, save_settings
from app.orders import queries
from app.orders.supervision import set_station_warehouse
from app.ui.common import run_action
from app.ui.login import LANGUAGES
from app.ui.plain import plain_label
from app.ui.texts import ui_language


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
        for warehouse in queries.warehouses(env.ctx.sessions):
            self.warehouse.addItem(f"{warehouse.code} — {warehouse.display_name(ui_language())}", warehouse.code)
        # The warehouse the station works in is the database's (what picking and "Next order" go by).
        known = queries.station_warehouse(env.ctx.sessions, env.station)
        self.station_warehouse = known if known is not None else settings.warehouse
        self.warehouse.setCurrentIndex(max(0, self.warehouse.findData(self.station_warehouse)))
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
        form.addRow(self.tr("Database"), plain_label(_safe_url(env.ctx)))
        form.addRow(self.tr("Config file"), plain_label(str(config_path())))
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
            sessions, actor = self.env.ctx.sessions, self.env.actor
            if warehouse != self.station_warehouse:  # this station works there from now on, not at the next start
                set_station_warehouse(sessions, self.env.station, warehouse, actor)
            if station != self.env.station:
                set_station_warehouse(sessions, station, warehouse, actor)
            self.station_warehouse = warehouse
            settings.station = station
            settings.warehouse = warehouse
            settings.language = self.language.currentData()
            save_settings(settings_for_file(settings))

        ok, _ = run_action(self.env.feedback, apply, self.tr("Settings saved."))
        if ok:
            self.env.apply_settings()


def settings_for_file(settings):
    """What goes into the file: the database URL only if the file already named one (not --db's)."""
    import copy
    import json

    stored = copy.deepcopy(settings)
    path = config_path()
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    stored.db_url = raw.get("db_url", "")
    return stored


def _safe_url(ctx) -> str:
    return ctx.safe_url
