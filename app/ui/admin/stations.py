"""Administration › Stations: every station with its warehouse, kind, who is logged in, its printers and devices;
register a station; set any station's printers (not only this one's) and queue a test page that station prints."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.admin import queries, sites
from app.shipping.service import DOCUMENT_KINDS
from app.ui.admin.table import RecordTable
from app.ui.common import compact_combo, run_action
from app.ui.printer_row import PrinterRow
from app.ui.texts import ui_language

KIND_TITLES = {
    "pack": QT_TRANSLATE_NOOP("StationsSection", "Pack bench"),
    "pick": QT_TRANSLATE_NOOP("StationsSection", "Picking"),
    "ship": QT_TRANSLATE_NOOP("StationsSection", "Shipping desk"),
    "review": QT_TRANSLATE_NOOP("StationsSection", "Review desk"),
    "service": QT_TRANSLATE_NOOP("StationsSection", "Customer service"),
}
DOCUMENT_TITLES = {
    "label": QT_TRANSLATE_NOOP("StationsSection", "Labels"),
    "packing_slip": QT_TRANSLATE_NOOP("StationsSection", "Packing slips"),
    "manifest": QT_TRANSLATE_NOOP("StationsSection", "Manifests"),
}
DEVICE_TITLES = {
    "scanner": QT_TRANSLATE_NOOP("StationsSection", "scanner"),
    "rfid": QT_TRANSLATE_NOOP("StationsSection", "RFID reader"),
    "scale": QT_TRANSLATE_NOOP("StationsSection", "scale"),
    "printer": QT_TRANSLATE_NOOP("StationsSection", "printer"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("StationsSection", text)


class StationsSection(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.table = RecordTable([self.tr("Station"), self.tr("Warehouse"), self.tr("Kind"), self.tr("Logged in"),
                                  self.tr("Printers"), self.tr("Devices")], stretch=4)
        self.table.itemSelectionChanged.connect(self._selected)

        # Register a station.
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("BENCH-7")
        self.new_warehouse = compact_combo(QComboBox())
        self.new_kind = QComboBox()
        for kind in sites.STATION_KINDS:
            self.new_kind.addItem(_t(KIND_TITLES[kind]), kind)
        self.add_button = QPushButton(self.tr("Register station"))
        self.add_button.clicked.connect(self.add_station)
        add_box = QGroupBox(self.tr("New station"))
        add_form = QFormLayout(add_box)
        add_form.addRow(self.tr("Name"), self.new_name)
        add_form.addRow(self.tr("Warehouse"), self.new_warehouse)
        add_form.addRow(self.tr("Kind"), self.new_kind)
        add_form.addRow(self.add_button)

        # The chosen station's printers.
        self.printer_box = QGroupBox(self.tr("Printers"))
        printer_form = QFormLayout(self.printer_box)
        self.printer_rows: dict[str, PrinterRow] = {}
        for kind in DOCUMENT_KINDS:
            row = PrinterRow()
            row.test_requested.connect(lambda k=kind: self.test_print(k))
            printer_form.addRow(_t(DOCUMENT_TITLES[kind]), row)
            self.printer_rows[kind] = row
        self.save_printers_button = QPushButton(self.tr("Save printers"))
        self.save_printers_button.clicked.connect(self.save_printers)
        printer_form.addRow(self.save_printers_button)
        note = QLabel(self.tr("A test page goes to that station's print queue: the station prints it while it runs."))
        note.setWordWrap(True)
        printer_form.addRow(note)
        self.printer_box.setEnabled(False)

        # The list and the new station side by side; the chosen station's printers below, the full width (an
        # address needs the room).
        top = QHBoxLayout()
        top.addWidget(self.table, 3)
        side = QVBoxLayout()
        side.addWidget(add_box)
        side.addStretch(1)
        top.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.printer_box)
        self.rows: list[queries.StationRow] = []
        self.chosen: str | None = None
        self.reload()

    # --- the list ------------------------------------------------------------------------------------------
    def _devices_of(self, row: queries.StationRow) -> str:
        if row.devices is None:
            return self.tr("not reported yet")
        if not row.devices:
            return self.tr("none")
        return ", ".join(f"{_t(DEVICE_TITLES.get(kind, kind))} {port}".strip() for kind, port in row.devices)

    def reload(self) -> None:
        sessions = self.env.ctx.sessions
        ok, found = run_action(self.env.feedback, lambda: (queries.stations(sessions), queries.warehouses(sessions)))
        if not ok:
            return
        self.rows, warehouses = found
        current = self.new_warehouse.currentData()
        self.new_warehouse.clear()
        self.new_warehouse.addItem(self.tr("Any warehouse"), "")
        chinese = ui_language().startswith("zh")
        for w in warehouses:
            self.new_warehouse.addItem(f"{w.code} — {w.name_zh if chinese and w.name_zh else w.name}", w.code)
        self.new_warehouse.setCurrentIndex(max(0, self.new_warehouse.findData(current)))
        self.table.fill(self._cells(row) for row in self.rows)
        if self.chosen:
            self.choose(self.chosen)

    def _cells(self, row: queries.StationRow) -> tuple[str, ...]:
        who = f"{row.user_name} ({row.user})" if row.user else self.tr("nobody")
        printers = ", ".join(_t(DOCUMENT_TITLES.get(p.kind, p.kind)) for p in row.printers) or self.tr("none")
        kind = _t(KIND_TITLES[row.kind]) if row.kind in KIND_TITLES else row.kind
        return row.name, row.warehouse or self.tr("any"), kind, who, printers, self._devices_of(row)

    def choose(self, name: str) -> None:
        self.table.choose_first(lambda r: self.rows[r].name == name)

    def _selected(self) -> None:
        r = self.table.chosen_row()
        if r is None:
            return
        station = self.rows[r]
        self.chosen = station.name
        self.printer_box.setTitle(self.tr("Printers of station %1").replace("%1", station.name))
        self.printer_box.setEnabled(True)
        saved = {p.kind: p for p in station.printers}
        for kind, row in self.printer_rows.items():
            p = saved.get(kind)
            row.show_saved(*((p.uri, p.format, p.dpi, p.cjk_mode) if p else ()))

    # --- changes -------------------------------------------------------------------------------------------
    def add_station(self) -> bool:
        name = self.new_name.text().strip()
        ok, _ = run_action(self.env.feedback,
                           lambda: sites.add_station(self.env.ctx.sessions, name, self.env.actor,
                                                     warehouse=self.new_warehouse.currentData() or None,
                                                     kind=self.new_kind.currentData()),
                           self.tr("Station %1 registered.").replace("%1", name))
        if ok:
            self.new_name.clear()
            self.chosen = name
            self.reload()
        return ok

    def save_printers(self) -> bool:
        station = self.chosen
        if station is None:
            self.env.feedback.bad(self.tr("Choose a station first."))
            return False

        def act():
            for kind, row in self.printer_rows.items():
                saved = next((p for p in self._row(station).printers if p.kind == kind), None)
                uri, fmt, dpi, cjk = row.wanted()
                if saved is None and not uri:
                    continue
                if saved is not None and (saved.uri, saved.format, saved.dpi, saved.cjk_mode) == (uri, fmt, dpi, cjk):
                    continue
                sites.set_station_printer(self.env.ctx.sessions, station, kind, uri, self.env.actor,
                                          fmt=fmt, dpi=dpi, cjk_mode=cjk)

        ok, _ = run_action(self.env.feedback, act, self.tr("Printers of %1 saved.").replace("%1", station))
        if ok:
            self.reload()
        return ok

    def _row(self, name: str) -> queries.StationRow:
        return next(r for r in self.rows if r.name == name)

    def test_print(self, kind: str) -> int | None:
        if not self.save_printers():
            return None
        station = self.chosen
        ok, job = run_action(self.env.feedback,
                             lambda: sites.queue_test_print(self.env.ctx.sessions, station, kind, self.env.actor,
                                                            settings=self.env.ctx.settings),
                             self.tr("Test page queued for %1.").replace("%1", station))
        return job if ok else None

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("station", "printers", "warehouse", "user"):
            self.reload()
