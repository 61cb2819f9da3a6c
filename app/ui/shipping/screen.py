"""The shipping screen: find an order by number, tracking number or SSCC (typed or scanned); label it
(cheapest service that keeps the promise, or one chosen by hand), preview the label, reprint with a reason,
void; close out a carrier's day; set up the station's printers, test them and watch the print queue.

Thin over the shipping desk's use cases (:mod:`app.shipping.desk`);
printing runs on the print queue's own thread (:mod:`app.ui.shipping.worker`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import lifecycle
from app.shipping.handoff import label_and_print
from app.shipping import desk, printers
from app.shipping.rates import ParcelSpec
from app.ui.aftersales.texts import parcel_status_name
from app.ui.printer_row import PrinterRow
from app.ui.common import run_action, scrolling
from app.ui.plain import plain
from app.ui.shipping.preview import PdfPreview
from app.ui.texts import status_name
from app.devices.scanner import scan_text

KINDS = ("label", "packing_slip", "manifest")


def _item(text: object) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
    return item


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ShippingScreen(QWidget):
    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.ctx = env.ctx
        self.order_number: str | None = None
        self.parcel_ids: list[int] = []
        self.manifest_folder: Path | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._labels_tab(), self.tr("Labels"))
        self.tabs.addTab(self._closeout_tab(), self.tr("Close-out"))
        self.tabs.addTab(self._printers_tab(), self.tr("Printers"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        self.queue_thread = env.print_queue()
        self.queue_thread.reported.connect(self.refresh_queue)  # the operator is told by the queue's own report
        self.refresh_closeout()
        self.load_printers()
        self.refresh_queue()

    # --- labels ------------------------------------------------------------------------------------------
    def _labels_tab(self) -> QWidget:
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Order number, tracking number or SSCC (type or scan)"))
        self.query.returnPressed.connect(lambda: self.find(self.query.text()))
        find = QPushButton(self.tr("Find"))
        find.clicked.connect(lambda: self.find(self.query.text()))
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(find)

        self.summary = QLabel(self.tr("Scan or type an order to start."))
        self.summary.setObjectName("title")
        self.summary.setWordWrap(True)
        self.address = QLabel()
        self.address.setWordWrap(True)
        plain(self.summary, self.address)  # the shop's order number, the customer's name and address
        self.parcels = _table([self.tr("Parcel"), self.tr("Tracking number"), self.tr("SSCC"), self.tr("Service"),
                               self.tr("Weight"), self.tr("Status"), self.tr("Reprints")])
        self.parcels.itemSelectionChanged.connect(self.show_selected_label)

        # Labelling a packed order.
        self.service_box = QComboBox()
        self.weight = QSpinBox()
        self.weight.setRange(0, 200000)
        self.weight.setSuffix(" g")
        self.weight.setSpecialValueText(self.tr("from catalogue"))
        self.dims = [QSpinBox() for _ in range(3)]
        for box in self.dims:
            box.setRange(0, 3000)
            box.setSuffix(" mm")
        self.parcel_count = QSpinBox()
        self.parcel_count.setRange(1, 20)
        self.label_button = QPushButton(self.tr("Label and print"))
        self.label_button.clicked.connect(self.label_order)
        make = QGroupBox(self.tr("Label a packed order"))
        # Two fields a row: the form, the parcels and the order fit a 768-pixel-high bench monitor unscrolled.
        form = QGridLayout(make)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        form.addWidget(QLabel(self.tr("Service")), 0, 0)
        form.addWidget(self.service_box, 0, 1, 1, 3)
        form.addWidget(QLabel(self.tr("Weight per parcel")), 1, 0)
        form.addWidget(self.weight, 1, 1)
        form.addWidget(QLabel(self.tr("Parcels")), 1, 2)
        form.addWidget(self.parcel_count, 1, 3)
        dims_row = QHBoxLayout()
        for box in self.dims:
            dims_row.addWidget(box)
        form.addWidget(QLabel(self.tr("Length x width x height")), 2, 0)
        form.addLayout(dims_row, 2, 1, 1, 3)
        form.addWidget(self.label_button, 3, 0, 1, 4)

        # Reprint, void, print again: under the label they act on, two buttons a row.
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason (needed to reprint or void)"))
        self.reprint_button = QPushButton(self.tr("Reprint label"))
        self.reprint_button.clicked.connect(self.reprint)
        self.void_button = QPushButton(self.tr("Void labels"))
        self.void_button.clicked.connect(self.void)
        self.print_button = QPushButton(self.tr("Print label and slip"))
        self.print_button.clicked.connect(self.print_documents)
        self.slip_button = QPushButton(self.tr("Show packing slip"))
        self.slip_button.clicked.connect(self.show_slip)
        actions = QGroupBox(self.tr("Labelled order"))
        act = QGridLayout(actions)
        act.addWidget(self.reason, 0, 0, 1, 2)
        for i, b in enumerate((self.reprint_button, self.void_button, self.print_button, self.slip_button)):
            act.addWidget(b, 1 + i // 2, i % 2)

        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.summary)
        left.addWidget(self.address)
        left.addWidget(self.parcels, 1)
        left.addWidget(make)
        left_widget = QWidget()
        left_widget.setLayout(left)

        self.preview = PdfPreview()
        right_widget = QWidget()
        right = QVBoxLayout(right_widget)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.preview, 1)
        right.addWidget(actions)
        splitter = QSplitter()
        splitter.addWidget(scrolling(left_widget))
        splitter.addWidget(right_widget)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self._set_mode(None)
        return splitter

    def _set_mode(self, status: str | None) -> None:
        packed = status == lifecycle.PACKED
        labelled = status in (lifecycle.LABELLED, lifecycle.SHIPPED, lifecycle.DELIVERED)
        for w in (self.service_box, self.weight, self.parcel_count, self.label_button, *self.dims):
            w.setEnabled(packed)
        self.reprint_button.setEnabled(labelled and status != lifecycle.DELIVERED)
        self.print_button.setEnabled(status == lifecycle.LABELLED)
        self.void_button.setEnabled(status == lifecycle.LABELLED)
        self.slip_button.setEnabled(labelled)

    def take_scan(self, event) -> bool:
        """A scan, parsed by its reader: what a person would type to find it (an order, a parcel, a return)."""
        return self.handle_scan(scan_text(event))

    def handle_scan(self, text: str) -> bool:
        self.tabs.setCurrentIndex(0)
        self.query.setText(text.strip())
        return self.find(text)

    def find(self, query: str) -> bool:
        query = query.strip()
        if not query:
            return False

        ok, number = run_action(self.env.feedback, lambda: desk.order_number(self.ctx.sessions, query))
        if ok:
            self.show_order(number)
        return ok

    def show_order(self, number: str | None) -> None:
        self.order_number = number
        self.parcel_ids = []
        self.parcels.setRowCount(0)
        self.service_box.clear()
        if number is None:
            self.summary.setText(self.tr("Scan or type an order to start."))
            self.address.clear()
            self.preview.set_pdf(None)
            self._set_mode(None)
            return
        order = desk.desk_order(self.ctx.sessions, number)
        status = order.status
        self.summary.setText(self.tr("Order %1: %2").replace("%1", order.number).replace("%2", status_name(status)))
        self.address.setText(order.address)
        for p in order.parcels:
            r = self.parcels.rowCount()
            self.parcels.insertRow(r)
            values = (f"{p.seq}/{p.count}", p.tracking_number, p.sscc, p.service, f"{p.weight_g / 1000:.2f} kg",
                      parcel_status_name(p.status), p.reprints)
            for c, v in enumerate(values):
                self.parcels.setItem(r, c, _item(v))
            self.parcel_ids.append(p.id)
        if order.quotes is not None:
            self.service_box.addItem(self.tr("Cheapest that keeps the promise"), None)
            for q in order.quotes:
                self.service_box.addItem(f"{q.name} · {q.price_cents / 100:.2f} · {q.expected_delivery.isoformat()}", q.service)
            if order.quote_problem:
                self.env.feedback.info(order.quote_problem)
        self._set_mode(status)
        active = [i for i, pid in enumerate(self.parcel_ids) if self.parcels.item(i, 5).text() != "voided"]
        if active:
            self.parcels.selectRow(active[0])
        else:
            self.preview.set_pdf(None)

    def selected_parcel_id(self) -> int | None:
        rows = self.parcels.selectionModel().selectedRows() if self.parcels.selectionModel() else []
        if not rows:
            return None
        return self.parcel_ids[rows[0].row()]

    def show_selected_label(self) -> None:
        pid = self.selected_parcel_id()
        if pid is None:
            self.preview.set_pdf(None)
            return
        self.preview.set_pdf(desk.parcel_label(self.ctx.sessions, pid, self.ctx.settings))

    def show_slip(self) -> bool:
        """The packing slip of the order in the preview (paper from the station's ``slip_paper`` setting)."""
        number = self.order_number
        ok, payload = run_action(self.env.feedback, lambda: desk.packing_slip(self.ctx.sessions, number, self.ctx.settings))
        if ok:
            self.parcels.clearSelection()
            self.preview.set_pdf(payload)
        return ok

    def _specs(self) -> list[ParcelSpec] | None:
        if not self.weight.value() and not any(b.value() for b in self.dims):
            return None
        l, w, h = (b.value() or None for b in self.dims)
        return [ParcelSpec(self.weight.value() or None, l, w, h) for _ in range(self.parcel_count.value())]

    def label_order(self) -> bool:
        if not self.order_number:
            return False
        number, code = self.order_number, self.service_box.currentData()

        def act():
            # The use case the pack bench and the command line share; the station's queue worker prints.
            return label_and_print(self.ctx.sessions, self.ctx.settings, self.env.station, self.env.actor,
                                   number=number, specs=self._specs(), service_code=code).tracking_numbers

        ok, numbers = run_action(self.env.feedback, act)
        if ok:
            self.env.feedback.good(self.tr("Labelled: %1").replace("%1", ", ".join(numbers)))
            self.queue_thread.poke()
            self.show_order(number)
            self.refresh_queue()
        return ok

    def reprint(self) -> bool:
        pid = self.selected_parcel_id()
        if pid is None:
            self.env.feedback.bad(self.tr("Choose the parcel whose label to print again."))
            return False
        reason = self.reason.text()

        def act():
            desk.reprint_parcel(self.ctx.sessions, pid, self.env.actor, reason, self.env.station, self.ctx.settings)

        ok, _ = run_action(self.env.feedback, act, self.tr("Reprint queued."))
        if ok:
            self.reason.clear()
            self.queue_thread.poke()
            self.show_order(self.order_number)
            self.refresh_queue()
        return ok

    def void(self) -> bool:
        number, reason = self.order_number, self.reason.text()
        if not number:
            return False

        def act():
            desk.void(self.ctx.sessions, number, self.env.actor, reason)

        ok, _ = run_action(self.env.feedback, act, self.tr("Labels voided; the order is back to packed."))
        if ok:
            self.reason.clear()
            self.show_order(number)
            self.refresh_queue()
        return ok

    def print_documents(self) -> bool:
        number = self.order_number

        def act():
            return desk.print_documents(self.ctx.sessions, number, self.env.station, self.ctx.settings, self.env.actor)

        ok, states = run_action(self.env.feedback, act)
        if ok:
            if all(s == "done" for s in states):
                self.env.feedback.info(self.tr("Already printed; use Reprint (with a reason) to print again."))
            else:
                self.queue_thread.poke()
            self.refresh_queue()
        return ok

    # --- close-out -----------------------------------------------------------------------------------------
    def _closeout_tab(self) -> QWidget:
        self.carriers = _table([self.tr("Carrier"), self.tr("Name"), self.tr("Parcels waiting"), self.tr("Weight")])
        self.closeout_button = QPushButton(self.tr("Close out the selected carrier"))
        self.closeout_button.clicked.connect(self.close_out)
        self.manifest_list = _table([self.tr("Manifest"), self.tr("Carrier"), self.tr("Closed"), self.tr("Parcels"),
                                     self.tr("By")])
        self.manifest_list.itemSelectionChanged.connect(self.show_selected_manifest)
        self.save_manifest_button = QPushButton(self.tr("Save manifest PDF and CSV…"))
        self.save_manifest_button.clicked.connect(self.save_manifest)
        self.manifest_preview = PdfPreview()
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Parcels labelled and not yet handed over")))
        left.addWidget(self.carriers, 1)
        left.addWidget(self.closeout_button)
        left.addWidget(QLabel(self.tr("Manifests")))
        left.addWidget(self.manifest_list, 1)
        left.addWidget(self.save_manifest_button)
        w = QWidget()
        w.setLayout(left)
        splitter = QSplitter()
        splitter.addWidget(w)
        splitter.addWidget(self.manifest_preview)
        return splitter

    def refresh_closeout(self) -> None:
        carriers, manifest_rows = desk.closeout_board(self.ctx.sessions)
        self.carriers.setRowCount(0)
        for c in carriers:
            r = self.carriers.rowCount()
            self.carriers.insertRow(r)
            for col, v in enumerate((c.code, f"{c.name} {c.name_zh}", c.parcels, f"{c.weight_g / 1000:.2f} kg")):
                self.carriers.setItem(r, col, _item(v))
        self.manifest_list.setRowCount(0)
        for m in manifest_rows:
            r = self.manifest_list.rowCount()
            self.manifest_list.insertRow(r)
            for col, v in enumerate((m.number, m.carrier, m.closed_at.strftime("%Y-%m-%d %H:%M"), m.parcels,
                                     m.closed_by or "")):
                self.manifest_list.setItem(r, col, _item(v))

    def close_out(self) -> bool:
        rows = self.carriers.selectionModel().selectedRows()
        if not rows:
            self.env.feedback.bad(self.tr("Choose a carrier first."))
            return False
        code = self.carriers.item(rows[0].row(), 0).text()

        def act():
            m = desk.close_out(self.ctx.sessions, code, self.env.actor)
            return m.number, m.parcels

        ok, result = run_action(self.env.feedback, act)
        if ok:
            self.env.feedback.good(self.tr("%1: %2 parcels shipped").replace("%1", result[0]).replace("%2", str(result[1])))
            self.refresh_closeout()
            self.manifest_list.selectRow(0)
        return ok

    def _selected_manifest(self) -> str | None:
        rows = self.manifest_list.selectionModel().selectedRows()
        return self.manifest_list.item(rows[0].row(), 0).text() if rows else None

    def show_selected_manifest(self) -> None:
        number = self._selected_manifest()
        if number is None:
            self.manifest_preview.set_pdf(None)
            return
        self.manifest_preview.set_pdf(desk.manifest_files(self.ctx.sessions, number)[0] or None)

    def save_manifest(self) -> list[Path]:
        number = self._selected_manifest()
        if number is None:
            self.env.feedback.bad(self.tr("Choose a manifest first."))
            return []
        folder = self.manifest_folder
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Save the manifest in"))
            if not chosen:
                return []
            folder = Path(chosen)
        pdf_bytes, csv_text = desk.manifest_files(self.ctx.sessions, number)
        pdf, csv_path = folder / f"{number}.pdf", folder / f"{number}.csv"
        pdf.write_bytes(pdf_bytes)
        csv_path.write_text(csv_text, encoding="utf-8")
        self.env.feedback.good(self.tr("Saved %1").replace("%1", str(pdf)))
        return [pdf, csv_path]

    # --- printers and queue ----------------------------------------------------------------------------------
    def _printers_tab(self) -> QWidget:
        box = QGroupBox(self.tr("Printers of station %1").replace("%1", self.env.station))
        form = QFormLayout(box)
        self.printer_rows: dict[str, PrinterRow] = {}
        titles = {"label": self.tr("Labels"), "packing_slip": self.tr("Packing slips"), "manifest": self.tr("Manifests")}
        for kind in KINDS:
            row = PrinterRow()
            row.test_requested.connect(lambda k=kind: self.test_print(k))
            form.addRow(titles[kind], row)
            self.printer_rows[kind] = row
        self.save_printers_button = QPushButton(self.tr("Save printers"))
        self.save_printers_button.clicked.connect(self.save_printers)
        form.addRow(self.save_printers_button)
        from app.ui.shipping.qtprint import system_printers

        found = system_printers()
        cups = printers.cups_available()
        self.system_note = QLabel(
            self.tr("System printers: %1. CUPS: %2.")
            .replace("%1", ", ".join(found) if found else self.tr("none found"))
            .replace("%2", self.tr("available") if cups else self.tr("not installed (no 'lp' command)"))
        )
        self.system_note.setWordWrap(True)
        form.addRow(self.system_note)

        self.queue = _table([self.tr("Job"), self.tr("Document"), self.tr("State"), self.tr("Tries"), self.tr("Printer"),
                             self.tr("Message")])
        self.resend_button = QPushButton(self.tr("Send again"))
        self.resend_button.clicked.connect(self.resend)
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.clicked.connect(self.dismiss)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh_queue)
        buttons = QHBoxLayout()
        for b in (self.resend_button, self.dismiss_button, refresh):
            buttons.addWidget(b)
        buttons.addStretch(1)
        queue_box = QGroupBox(self.tr("Print queue (jobs waiting or needing a decision)"))
        ql = QVBoxLayout(queue_box)
        ql.addWidget(self.queue, 1)
        ql.addLayout(buttons)
        w = QWidget()
        layout = QVBoxLayout(w)
        layout.addWidget(box)
        layout.addWidget(queue_box, 1)
        return w

    def load_printers(self) -> None:
        rows = {r["kind"]: (r["uri"], r["format"], r["dpi"], r["cjk"]) for r in desk.printers(self.ctx.sessions, self.env.station)}
        for kind, row in self.printer_rows.items():
            row.show_saved(*rows.get(kind, ()))

    def save_printers(self) -> bool:
        def act():
            desk.set_printers(self.ctx.sessions, self.env.station, [
                (kind, *row.wanted()) for kind, row in self.printer_rows.items() if row.wanted()[0]])

        return run_action(self.env.feedback, act, self.tr("Printers saved."))[0]

    def test_print(self, kind: str) -> bool:
        if not self.save_printers():
            return False

        def act():
            desk.queue_test_print(self.ctx.sessions, self.env.station, kind, self.ctx.settings, actor=self.env.actor)

        ok, _ = run_action(self.env.feedback, act, self.tr("Test page queued."))
        if ok:
            self.queue_thread.poke()
            self.refresh_queue()
        return ok

    def refresh_queue(self) -> None:
        jobs = desk.print_jobs(self.ctx.sessions, self.env.station)
        self.queue.setRowCount(0)
        for j in jobs:
            r = self.queue.rowCount()
            self.queue.insertRow(r)
            for c, v in enumerate((j["id"], j["description"] or j["kind"], j["state"], j["attempts"],
                                   printers.describe(j["printer"]) if j["printer"] else "-", j["last_error"])):
                self.queue.setItem(r, c, _item(v))

    def _selected_job(self) -> int | None:
        rows = self.queue.selectionModel().selectedRows()
        return int(self.queue.item(rows[0].row(), 0).text()) if rows else None

    def resend(self) -> bool:
        job_id = self._selected_job()
        if job_id is None:
            self.env.feedback.bad(self.tr("Choose a job first."))
            return False

        def act():
            desk.resend(self.ctx.sessions, job_id)

        ok, _ = run_action(self.env.feedback, act, self.tr("The job goes to the printer again."))
        if ok:
            self.queue_thread.poke()
            self.refresh_queue()
        return ok

    def dismiss(self) -> bool:
        job_id = self._selected_job()
        if job_id is None:
            return False

        def act():
            desk.dismiss(self.ctx.sessions, job_id)

        ok, _ = run_action(self.env.feedback, act)
        self.refresh_queue()
        return ok

    # --- screen protocol ---------------------------------------------------------------------------------------
    def on_change(self, topic: str, key: str) -> None:
        if topic in ("order", "parcel"):
            self.refresh_closeout()
