"""Administration › Carriers: every carrier account with its connector, mode and the size of its rate card;
register a carrier; import its CSV rate card; the chosen carrier's services (names, limits, on or off), weight
breaks (price edited in place), zones and surcharges; and what a sample parcel would cost, through the same
rating the pack bench uses. Everything goes through :mod:`app.shipping.ratecard_service` (admin role)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.error_texts import operator_text
from app.shipping import ratecard, ratecard_queries, ratecard_service
from app.ui.admin.table import RecordTable
from app.ui.common import compact_combo, run_action
from app.ui.texts import ui_language

MODE_TITLES = {
    "test": QT_TRANSLATE_NOOP("CarriersSection", "test"),
    "production": QT_TRANSLATE_NOOP("CarriersSection", "production"),
}
CONNECTOR_TITLES = {"table": QT_TRANSLATE_NOOP("CarriersSection", "rate card")}
KIND_TITLES = {
    "standard": QT_TRANSLATE_NOOP("CarriersSection", "standard"),
    "next_day": QT_TRANSLATE_NOOP("CarriersSection", "next day"),
    "scheduled": QT_TRANSLATE_NOOP("CarriersSection", "scheduled"),
}
SURCHARGE_TITLES = {
    "fuel": QT_TRANSLATE_NOOP("CarriersSection", "fuel"),
    "remote": QT_TRANSLATE_NOOP("CarriersSection", "remote area"),
    "oversize": QT_TRANSLATE_NOOP("CarriersSection", "oversize"),
}


def _t(text: object) -> str:
    return QCoreApplication.translate("CarriersSection", str(text))


def _money(cents: int) -> str:
    return f"{cents / 100:.2f}"


class CarriersSection(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.table = RecordTable([self.tr("Carrier"), self.tr("Name"), self.tr("Connector"), self.tr("Mode"),
                                  self.tr("Areas"), self.tr("Rates"), self.tr("Surcharges"), self.tr("Services")],
                                 stretch=7)
        self.table.itemSelectionChanged.connect(self._selected)
        self.import_button = QPushButton(self.tr("Import rate card…"))
        self.import_button.clicked.connect(self._ask_card)
        self.import_button.setEnabled(False)

        # Register a carrier.
        self.new_code = QLineEdit()
        self.new_code.setPlaceholderText("RHEIN")
        self.new_name = QLineEdit()
        self.new_name_zh = QLineEdit()
        self.new_connector = QComboBox()
        for code in ratecard_service.CONNECTORS:
            self.new_connector.addItem(_t(CONNECTOR_TITLES.get(code, code)), code)
        self.new_mode = QComboBox()
        for mode in ratecard_service.MODES:
            self.new_mode.addItem(_t(MODE_TITLES[mode]), mode)
        self.new_mode.setCurrentIndex(self.new_mode.findData("production"))
        self.new_tracking = compact_combo(QComboBox(), 8)
        for fmt in ratecard_service.TRACKING_FORMATS:
            self.new_tracking.addItem(fmt, fmt)
        self.new_prefix = QLineEdit()
        self.new_origin = QLineEdit("CN")
        self.new_origin.setMaxLength(2)
        self.new_origin.setMaximumWidth(48)
        self.new_cutoff = QSpinBox()
        self.new_cutoff.setRange(0, 24)
        self.new_cutoff.setValue(16)
        self.new_cutoff.setSuffix(" UTC")
        self.new_button = QPushButton(self.tr("New carrier…"))
        self.new_button.clicked.connect(self._ask_new)
        self.new_dialog = self._new_carrier_dialog()

        self.detail = QTabWidget()
        self.detail.addTab(self._services_tab(), self.tr("Services"))
        self.detail.addTab(self._rates_tab(), self.tr("Weight breaks"))
        self.zones = RecordTable([self.tr("Service"), self.tr("Country"), self.tr("Area"), self.tr("Zone"),
                                  self.tr("Days")], stretch=2)
        self.detail.addTab(self.zones, self.tr("Zones"))
        self.surcharges = RecordTable([self.tr("Service"), self.tr("Kind"), self.tr("Where"), self.tr("Amount")],
                                      stretch=2)
        self.detail.addTab(self.surcharges, self.tr("Surcharges"))
        self.detail.addTab(self._quote_tab(), self.tr("Try a parcel"))
        self.detail.setEnabled(False)

        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.detail, 1)

        self.rows: list[ratecard_queries.CarrierSummary] = []
        self.rate_rows: list[tuple[str, ratecard_queries.RateRow]] = []
        self.chosen: str | None = None
        self.shown: ratecard_queries.CarrierDetail | None = None
        self.reload()

    def _new_carrier_dialog(self) -> QDialog:
        """The new carrier's fields, asked in a dialog: the list keeps the screen's width."""
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("New carrier"))
        form = QFormLayout(dialog)
        form.addRow(self.tr("Code"), self.new_code)
        form.addRow(self.tr("Name"), self.new_name)
        form.addRow(self.tr("Chinese name"), self.new_name_zh)
        form.addRow(self.tr("Connector"), self.new_connector)
        form.addRow(self.tr("Mode"), self.new_mode)
        tracking = QHBoxLayout()
        tracking.addWidget(self.new_tracking)
        tracking.addWidget(QLabel(self.tr("prefix")))
        tracking.addWidget(self.new_prefix, 1)
        form.addRow(self.tr("Tracking numbers"), tracking)
        origin = QHBoxLayout()
        origin.addWidget(self.new_origin)
        origin.addWidget(QLabel(self.tr("cut-off hour")))
        origin.addWidget(self.new_cutoff)
        origin.addStretch(1)
        form.addRow(self.tr("Ships from"), origin)
        self.new_problem = QLabel()
        self.new_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.new_problem.setWordWrap(True)
        self.new_problem.setObjectName("problem")
        form.addRow(self.new_problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.addButton(self.tr("Add carrier"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._add_from_dialog)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        return dialog

    def _ask_new(self) -> None:
        self.new_problem.clear()
        self.new_code.setFocus()
        self.new_dialog.open()

    def _add_from_dialog(self) -> None:
        if self.add_carrier():
            self.new_dialog.accept()
        elif self.env.feedback.history:
            self.new_problem.setText(self.env.feedback.history[-1][1])

    # --- the chosen carrier's tabs ---------------------------------------------------------------------------
    def _services_tab(self) -> QWidget:
        tab = QWidget()
        self.services = RecordTable([self.tr("Service"), self.tr("Name"), self.tr("Kind"), self.tr("Up to (g)"),
                                     self.tr("Longest side (mm)"), self.tr("In use")], stretch=1)
        self.services.itemSelectionChanged.connect(self._service_selected)
        self.service_box = QGroupBox(self.tr("Service"))
        self.service_name = QLineEdit()
        self.service_name_zh = QLineEdit()
        self.service_weight = QSpinBox()
        self.service_weight.setRange(1, 10_000_000)
        self.service_weight.setSuffix(" g")
        self.service_length = QSpinBox()
        self.service_length.setRange(1, 100_000)
        self.service_length.setSuffix(" mm")
        self.service_active = QCheckBox(self.tr("Rate shopping may choose it"))
        self.save_service_button = QPushButton(self.tr("Save service"))
        self.save_service_button.clicked.connect(self.save_service)
        grid = QGridLayout(self.service_box)
        grid.addWidget(QLabel(self.tr("Name")), 0, 0)
        grid.addWidget(self.service_name, 0, 1)
        grid.addWidget(QLabel(self.tr("Chinese name")), 0, 2)
        grid.addWidget(self.service_name_zh, 0, 3)
        grid.addWidget(QLabel(self.tr("Heaviest parcel")), 1, 0)
        grid.addWidget(self.service_weight, 1, 1)
        grid.addWidget(QLabel(self.tr("Longest side")), 1, 2)
        grid.addWidget(self.service_length, 1, 3)
        grid.addWidget(self.service_active, 2, 0, 1, 2)
        grid.addWidget(self.save_service_button, 2, 2, 1, 2)
        grid.setRowStretch(3, 1)
        self.service_box.setEnabled(False)
        row = QHBoxLayout(tab)
        row.addWidget(self.services, 3)
        row.addWidget(self.service_box, 2)
        return tab

    def _rates_tab(self) -> QWidget:
        tab = QWidget()
        self.rates = RecordTable([self.tr("Service"), self.tr("Zone"), self.tr("Up to (g)"), self.tr("Price")],
                                 stretch=0)
        self.rates.itemSelectionChanged.connect(self._rate_selected)
        box = QGroupBox(self.tr("Weight break"))
        form = QFormLayout(box)
        self.rate_label = QLabel()
        self.rate_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rate_price = QDoubleSpinBox()
        self.rate_price.setRange(0, 1_000_000)
        self.rate_price.setDecimals(2)
        self.save_rate_button = QPushButton(self.tr("Save price"))
        self.save_rate_button.clicked.connect(self.save_rate)
        form.addRow(self.rate_label)
        price = QHBoxLayout()
        price.addWidget(self.rate_price, 1)
        price.addWidget(self.save_rate_button)
        form.addRow(self.tr("Price"), price)
        note = QLabel(self.tr("A new rate card imported for this carrier replaces these prices."))
        note.setWordWrap(True)
        form.addRow(note)
        box.setEnabled(False)
        self.rate_box = box
        row = QHBoxLayout(tab)
        row.addWidget(self.rates, 3)
        row.addWidget(box, 2)
        return tab

    def _quote_tab(self) -> QWidget:
        tab = QWidget()
        self.quote_country = QLineEdit()
        self.quote_country.setMaxLength(2)
        self.quote_country.setPlaceholderText("DE")
        self.quote_postcode = QLineEdit()
        self.quote_region = QLineEdit()
        self.quote_weight = QSpinBox()
        self.quote_weight.setRange(1, 10_000_000)
        self.quote_weight.setValue(1000)
        self.quote_weight.setSuffix(" g")
        self.quote_size = [QSpinBox() for _ in range(3)]
        for box, value in zip(self.quote_size, (300, 200, 150)):
            box.setRange(1, 100_000)
            box.setValue(value)
        self.quote_button = QPushButton(self.tr("Quote"))
        self.quote_button.clicked.connect(self.quote)
        form = QGridLayout()
        form.addWidget(QLabel(self.tr("Country")), 0, 0)
        form.addWidget(self.quote_country, 0, 1)
        form.addWidget(QLabel(self.tr("Postcode")), 0, 2)
        form.addWidget(self.quote_postcode, 0, 3)
        form.addWidget(QLabel(self.tr("Region")), 1, 0)
        form.addWidget(self.quote_region, 1, 1)
        form.addWidget(QLabel(self.tr("Weight")), 1, 2)
        form.addWidget(self.quote_weight, 1, 3)
        form.addWidget(QLabel(self.tr("Size (mm)")), 2, 0)
        size = QHBoxLayout()
        for box in self.quote_size:
            size.addWidget(box)
        form.addLayout(size, 2, 1, 1, 3)
        form.addWidget(self.quote_button, 3, 0, 1, 4)
        form.setRowStretch(4, 1)
        self.quotes = RecordTable([self.tr("Service"), self.tr("Price"), self.tr("Zone"), self.tr("Days"),
                                   self.tr("Billed weight (g)"), self.tr("Why not")], stretch=5)
        row = QHBoxLayout(tab)
        row.addLayout(form, 2)
        row.addWidget(self.quotes, 3)
        return tab

    # --- the list ------------------------------------------------------------------------------------------
    def _name_of(self, name: str, name_zh: str) -> str:
        return name_zh if ui_language().startswith("zh") and name_zh else name

    def reload(self) -> None:
        ok, rows = run_action(self.env.feedback, lambda: ratecard_queries.list_carriers(self.env.ctx.sessions))
        if not ok:
            return
        self.rows = rows
        self.table.clearSelection()  # choosing the carrier again below refills its tabs
        self.table.fill(self._cells(row) for row in rows)
        if self.chosen:
            self.choose(self.chosen)

    def _cells(self, c: ratecard_queries.CarrierSummary) -> tuple[str, ...]:
        name = self._name_of(c.name, c.name_zh)
        if not c.active:
            name += " " + self.tr("(inactive)")
        return (c.code, name, _t(CONNECTOR_TITLES.get(c.connector, c.connector)), _t(MODE_TITLES.get(c.mode, c.mode)),
                str(c.coverage), str(c.rates), str(c.surcharges), ", ".join(c.services) or "-")

    def choose(self, code: str) -> None:
        self.table.choose_first(lambda r: self.rows[r].code == code)

    def _selected(self) -> None:
        r = self.table.chosen_row()
        if r is None:
            return
        carrier = self.rows[r]
        self.chosen = carrier.code
        self.import_button.setEnabled(carrier.connector == "table")
        ok, detail = run_action(self.env.feedback,
                                lambda: ratecard_queries.carrier_detail(self.env.ctx.sessions, carrier.code))
        if not ok or detail is None:
            return
        self.shown = detail
        self.detail.setEnabled(True)
        self.services.fill((s.code, self._name_of(s.name, s.name_zh), _t(KIND_TITLES.get(s.kind, s.kind)),
                            str(s.max_weight_g), str(s.max_length_mm), self.tr("yes") if s.active else self.tr("no"))
                           for s in detail.services)
        self.rate_rows = [(s.code, r) for s in detail.services for r in s.rates]
        self.rates.fill((code, str(r.zone), str(r.up_to_g), _money(r.price_cents)) for code, r in self.rate_rows)
        self.zones.fill((s.code, z.country, z.area or self.tr("whole country"), str(z.zone), str(z.transit_days))
                        for s in detail.services for z in s.zones)
        self.surcharges.fill((x.service if x.service != ratecard.ALL_SERVICES else self.tr("all"),
                              _t(SURCHARGE_TITLES.get(x.kind, x.kind)), x.where,
                              f"{x.percent_bp / 100:g} %" if x.kind == "fuel" else _money(x.cents))
                             for x in detail.surcharges)
        self.service_box.setEnabled(False)
        self.rate_box.setEnabled(False)

    def _service_selected(self) -> None:
        r = self.services.chosen_row()
        if r is None or self.shown is None:
            return
        svc = self.shown.services[r]
        self.service_box.setTitle(self.tr("Service %1").replace("%1", svc.code))
        self.service_name.setText(svc.name)
        self.service_name_zh.setText(svc.name_zh)
        self.service_weight.setValue(svc.max_weight_g)
        self.service_length.setValue(svc.max_length_mm)
        self.service_active.setChecked(svc.active)
        self.service_box.setEnabled(True)

    def _rate_selected(self) -> None:
        r = self.rates.chosen_row()
        if r is None:
            return
        code, rate = self.rate_rows[r]
        self.rate_label.setText(self.tr("%1, zone %2, up to %3 g").replace("%1", code).replace("%2", str(rate.zone))
                                .replace("%3", str(rate.up_to_g)))
        self.rate_price.setValue(rate.price_cents / 100)
        self.rate_box.setEnabled(True)

    # --- changes -------------------------------------------------------------------------------------------
    def add_carrier(self) -> bool:
        code = self.new_code.text().strip().upper()
        ok, added = run_action(self.env.feedback, lambda: ratecard_service.add_carrier(
            self.env.ctx.sessions, self.env.actor, code, connector=self.new_connector.currentData(),
            name=self.new_name.text(), name_zh=self.new_name_zh.text(), mode=self.new_mode.currentData(),
            tracking_format=self.new_tracking.currentData(), tracking_prefix=self.new_prefix.text(),
            origin_country=self.new_origin.text(), cutoff_hour_utc=self.new_cutoff.value()),
            self.tr("Carrier %1 added: import its rate card next.").replace("%1", code))
        if ok:
            for field in (self.new_code, self.new_name, self.new_name_zh, self.new_prefix):
                field.clear()
            self.chosen = added.code
            self.reload()
        return ok

    def _ask_card(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Rate card"), "", self.tr("Rate cards (*.csv)"))
        if path:
            self.import_card(path)

    def import_card(self, path: str | Path) -> ratecard_service.ImportResult | None:
        carrier = self.chosen
        if carrier is None:
            self.env.feedback.bad(self.tr("Choose a carrier first."))
            return None
        ok, result = run_action(self.env.feedback, lambda: ratecard_service.import_rate_card(
            self.env.ctx.sessions, self.env.actor, carrier, Path(path)))
        if not ok:
            return None
        if result.rejected:
            first = result.rejected[0].text()
            more = len(result.rejected) - 1
            text = self.tr("Nothing imported: %1").replace("%1", first)
            if more:
                text += " " + self.tr("(and %n more bad lines)", "", more)
            self.env.feedback.bad(text)
            return result
        self.env.feedback.good(self.tr("%1: %2 created, %3 changed, %4 unchanged, %5 removed.")
                               .replace("%1", result.carrier).replace("%2", str(result.created))
                               .replace("%3", str(result.updated)).replace("%4", str(result.unchanged))
                               .replace("%5", str(result.removed)))
        self.reload()
        return result

    def save_service(self) -> bool:
        r = self.services.chosen_row()
        if r is None or self.shown is None:
            self.env.feedback.bad(self.tr("Choose a service first."))
            return False
        code = self.shown.services[r].code
        ok, _ = run_action(self.env.feedback, lambda: ratecard_service.set_service(
            self.env.ctx.sessions, self.env.actor, code, name=self.service_name.text(),
            name_zh=self.service_name_zh.text(), max_weight_g=self.service_weight.value(),
            max_length_mm=self.service_length.value(), active=self.service_active.isChecked()),
            self.tr("Service %1 saved.").replace("%1", code))
        if ok:
            self.reload()
        return ok

    def save_rate(self) -> bool:
        r = self.rates.chosen_row()
        if r is None:
            self.env.feedback.bad(self.tr("Choose a weight break first."))
            return False
        rate = self.rate_rows[r][1]
        cents = round(self.rate_price.value() * 100)
        ok, _ = run_action(self.env.feedback, lambda: ratecard_service.set_rate(
            self.env.ctx.sessions, self.env.actor, rate.id, cents), self.tr("Price saved."))
        if ok:
            self.reload()
            self.rates.choose_first(lambda i: self.rate_rows[i][1].id == rate.id)
        return ok

    def quote(self) -> list[ratecard_service.PreviewLine]:
        length, width, height = (box.value() for box in self.quote_size)
        ok, lines = run_action(self.env.feedback, lambda: ratecard_service.preview_quote(
            self.env.ctx.sessions, country=self.quote_country.text(), postcode=self.quote_postcode.text(),
            region=self.quote_region.text(), weight_g=self.quote_weight.value(), length_mm=length, width_mm=width,
            height_mm=height, carrier_code=self.chosen))
        if not ok:
            return []
        self.quotes.fill((line.service, _money(line.price_cents) if line.price_cents is not None else "-",
                          str(line.zone) if line.zone is not None else "",
                          str(line.transit_days) if line.transit_days is not None else "",
                          str(line.chargeable_g) if line.chargeable_g is not None else "",
                          operator_text(line.why_not, ui_language()))
                         for line in lines)
        return lines

    def on_change(self, topic: str, key: str) -> None:
        if topic == "carriers":
            self.reload()
