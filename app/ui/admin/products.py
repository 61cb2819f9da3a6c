"""Administration › Products: find a product (SKU prefix, GTIN or a part of its name, at most 50 shown, on
indexed queries), edit its names, weight, size and handling flags, deactivate it; the catalogue's gaps (active
products without a weight or a size) listed below, with what the pack bench uses instead."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.catalogue import queries
from app.catalogue.products import ProductChange, edit_product, set_active
from app.ui.admin.table import RecordTable
from app.ui.common import run_action

FLAG_NAMES = ("fragile", "high_value", "hazmat", "liquid", "restricted")
SEARCH_LIMIT = 50
GAPS_LIMIT = 200


class ProductsSection(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("SKU, GTIN or part of the name"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.find)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.search.returnPressed.connect(self.find)
        self.table = RecordTable([self.tr("SKU"), self.tr("Name"), self.tr("GTINs"), self.tr("Weight (g)"),
                                  self.tr("Size (mm)"), self.tr("On hand")], stretch=1)
        self.table.itemSelectionChanged.connect(self._selected)

        # The chosen product.
        self.editor = QGroupBox(self.tr("Product"))
        form = QFormLayout(self.editor)
        self.sku_label = QLabel()
        self.sku_label.setTextFormat(Qt.PlainText)
        self.name_en = QLineEdit()
        self.name_zh = QLineEdit()
        self.weight = QSpinBox()
        self.weight.setRange(0, 1_000_000)
        self.weight.setSuffix(" g")
        self.weight.setSpecialValueText(self.tr("unknown"))
        self.shelf_life = QSpinBox()  # FEFO: what an item must still have before its expiry to be sent out
        self.shelf_life.setRange(0, 3650)
        self.shelf_life.setSuffix(self.tr(" days"))
        self.shelf_life.setSpecialValueText(self.tr("any date not yet past"))
        self.dims = [QSpinBox() for _ in range(3)]
        dims_row = QHBoxLayout()
        for box in self.dims:
            box.setRange(0, 10_000)
            box.setSpecialValueText(self.tr("unknown"))
            dims_row.addWidget(box)
        self.flags = {
            "fragile": QCheckBox(self.tr("Fragile")),
            "high_value": QCheckBox(self.tr("High value")),
            "hazmat": QCheckBox(self.tr("Hazardous")),
            "liquid": QCheckBox(self.tr("Liquid")),
            "restricted": QCheckBox(self.tr("Restricted")),
        }
        flags_row = QGridLayout()  # three a row: the editor stays narrow enough to leave the list its room
        for n, box in enumerate(self.flags.values()):
            flags_row.addWidget(box, n // 3, n % 3)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.active_button = QPushButton(self.tr("Deactivate"))
        self.active_button.clicked.connect(self.toggle_active)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.active_button)
        form.addRow(self.tr("SKU"), self.sku_label)
        form.addRow(self.tr("English name"), self.name_en)
        form.addRow(self.tr("Chinese name"), self.name_zh)
        form.addRow(self.tr("Weight"), self.weight)
        form.addRow(self.tr("Length × width × height (mm)"), dims_row)
        form.addRow(self.tr("Handling"), flags_row)
        form.addRow(self.tr("Minimum shelf life"), self.shelf_life)
        form.addRow(buttons)
        self.editor.setEnabled(False)

        # The catalogue's gaps.
        self.gaps_title = QLabel()
        self.gaps_title.setWordWrap(True)
        self.gaps = RecordTable([self.tr("SKU"), self.tr("Name"), self.tr("Missing")], stretch=1)
        self.gaps.cellDoubleClicked.connect(lambda row, _col: self._open_gap(row))
        gaps_note = QLabel(self.tr("These still pack and ship: the parcel takes the carton's size and the scale's "
                                   "weight, and the pack screen says so when the order opens."))
        gaps_note.setWordWrap(True)

        # The list the whole height on the left; the chosen product and the catalogue's gaps on the right.
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        side = QVBoxLayout()
        side.addWidget(self.editor)
        side.addWidget(self.gaps_title)
        side.addWidget(self.gaps, 1)
        side.addWidget(gaps_note)
        layout.addLayout(side, 2)
        self.rows: list[queries.ProductRow] = []
        self.chosen: queries.ProductRow | None = None
        self.find()
        self.reload_gaps()

    # --- finding -------------------------------------------------------------------------------------------
    def find(self) -> list[queries.ProductRow]:
        text = self.search.text()
        ok, rows = run_action(self.env.feedback, lambda: queries.search_products(self.env.ctx.sessions, text, SEARCH_LIMIT))
        if not ok:
            return self.rows
        self.rows = rows
        self.table.fill(self._cells(row) for row in rows)
        return rows

    def _cells(self, row: queries.ProductRow) -> tuple[str, ...]:
        name = row.name_en if not row.name_zh else f"{row.name_en} / {row.name_zh}"
        if not row.active:
            name = self.tr("%1 (inactive)").replace("%1", name)
        size = "×".join(str(d) for d in (row.length_mm, row.width_mm, row.height_mm)) if "dimensions" not in row.gaps \
            else self.tr("unknown")
        return (row.sku, name, ", ".join(row.gtins), str(row.weight_g) if row.weight_g else self.tr("unknown"),
                size, f"{row.on_hand:,}")

    def reload_gaps(self) -> None:
        ok, found = run_action(self.env.feedback, lambda: queries.product_gaps(self.env.ctx.sessions, GAPS_LIMIT))
        if not ok:
            return
        count, rows = found
        self.gaps_title.setText(self.tr("Catalogue gaps: %n active product(s) without a weight or a size.", "", count))
        missing = {"weight": self.tr("weight"), "dimensions": self.tr("size")}
        self.gaps.fill((row.sku, row.name_en, ", ".join(missing[g] for g in row.gaps)) for row in rows)
        self._gap_rows = rows

    def _open_gap(self, row: int) -> None:
        if 0 <= row < len(getattr(self, "_gap_rows", [])):
            self.search.setText(self._gap_rows[row].sku)
            self._debounce.stop()
            self.find()
            if self.rows:
                self.table.selectRow(0)

    # --- editing -------------------------------------------------------------------------------------------
    def _selected(self) -> None:
        r = self.table.chosen_row()
        if r is None or r >= len(self.rows):
            self.chosen = None
            self.editor.setEnabled(False)
            return
        p = self.rows[r]
        self.chosen = p
        self.sku_label.setText(p.sku)
        self.name_en.setText(p.name_en)
        self.name_zh.setText(p.name_zh)
        self.weight.setValue(p.weight_g or 0)
        for box, value in zip(self.dims, (p.length_mm, p.width_mm, p.height_mm)):
            box.setValue(value or 0)
        for name, box in self.flags.items():
            box.setChecked(name in p.flags)
        self.shelf_life.setValue(p.min_shelf_life_days)
        self.active_button.setText(self.tr("Deactivate") if p.active else self.tr("Activate"))
        self.editor.setEnabled(True)

    def save(self) -> bool:
        if self.chosen is None:
            return False
        sku = self.chosen.sku
        change = ProductChange(name_en=self.name_en.text(), name_zh=self.name_zh.text(), weight_g=self.weight.value(),
                               length_mm=self.dims[0].value(), width_mm=self.dims[1].value(),
                               height_mm=self.dims[2].value(), min_shelf_life_days=self.shelf_life.value(),
                               **{name: box.isChecked() for name, box in self.flags.items()})
        ok, _ = run_action(self.env.feedback, lambda: edit_product(self.env.ctx.sessions, sku, change, self.env.actor),
                           self.tr("Product %1 saved.").replace("%1", sku))
        if ok:
            self._refresh(sku)
        return ok

    def toggle_active(self) -> bool:
        if self.chosen is None:
            return False
        sku, active = self.chosen.sku, not self.chosen.active
        said = self.tr("Product %1 is active again.") if active else self.tr("Product %1 is deactivated.")
        ok, _ = run_action(self.env.feedback, lambda: set_active(self.env.ctx.sessions, sku, active, self.env.actor),
                           said.replace("%1", sku))
        if ok:
            self._refresh(sku)
        return ok

    def _refresh(self, sku: str) -> None:
        self.find()
        self.reload_gaps()
        row = next((i for i, r in enumerate(self.rows) if r.sku == sku), None)
        self.table.clearSelection()
        if row is not None:
            self.table.selectRow(row)

    def on_change(self, topic: str, key: str) -> None:
        if topic in ("stock", "*") and key in ("catalogue", "", "*"):
            self.reload_gaps()
