"""The shipping screen: find an order by number, tracking number or SSCC (typed or scanned); label it
(cheapest service that keeps the promise, or one chosen by hand), preview the label, reprint with a reason,
void; close out a carrier's day; set up the station's printers, test them and watch the print queue.

Thin over :mod:`app.shipping.service`, :mod:`app.shipping.manifest` and :mod:`app.shipping.printqueue`;
printing runs on the print queue's own thread (:mod:`app.ui.shipping.worker`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
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
from sqlalchemy import func, select

from app.domain import lifecycle
from app.services.uow import UnitOfWork
from app.shipping import manifest as manifests
from app.shipping import printers, printqueue, service
from app.shipping.rates import ParcelSpec
from app.ui.common import run_action, scrolling
from app.ui.shipping.preview import PdfPreview
from db.models.shipping import Carrier, Manifest, Parcel, PrinterAssignment

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
        form = QFormLayout(make)
        form.addRow(self.tr("Service"), self.service_box)
        form.addRow(self.tr("Weight per parcel"), self.weight)
        dims_row = QHBoxLayout()
        for box in self.dims:
            dims_row.addWidget(box)
        form.addRow(self.tr("Length x width x height"), dims_row)
        form.addRow(self.tr("Parcels"), self.parcel_count)
        form.addRow(self.label_button)

        # Reprint, void, print again.
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
        act = QVBoxLayout(actions)
        act.addWidget(self.reason)
        row = QHBoxLayout()
        for b in (self.reprint_button, self.void_button, self.print_button, self.slip_button):
            row.addWidget(b)
        act.addLayout(row)

        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.summary)
        left.addWidget(self.address)
        left.addWidget(self.parcels, 1)
        left.addWidget(make)
        left.addWidget(actions)
        left_widget = QWidget()
        left_widget.setLayout(left)

        self.preview = PdfPreview()
        splitter = QSplitter()
        splitter.addWidget(scrolling(left_widget))
        splitter.addWidget(self.preview)
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

    def handle_scan(self, text: str) -> bool:
        self.tabs.setCurrentIndex(0)
        self.query.setText(text.strip())
        return self.find(text)

    def find(self, query: str) -> bool:
        query = query.strip()
        if not query:
            return False

        def load():
            with UnitOfWork(self.ctx.sessions) as uow:
                order = service.find_order(uow.session, query)
                return order.number

        ok, number = run_action(self.env.feedback, load)
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
        with UnitOfWork(self.ctx.sessions) as uow:
            s = uow.session
            order = service.find_order(s, number)
            status = order.status
            self.summary.setText(self.tr("Order %1: %2").replace("%1", order.number).replace("%2", status))
            self.address.setText(" · ".join(p for p in (order.ship_name, order.ship_address1, order.ship_city,
                                                         order.ship_region, order.ship_postcode, order.ship_country) if p))
            rows = list(s.scalars(select(Parcel).where(Parcel.order_id == order.id).order_by(Parcel.id)))
            for p in rows:
                r = self.parcels.rowCount()
                self.parcels.insertRow(r)
                values = (f"{p.seq}/{p.count}", p.tracking_number, p.sscc, p.service.code, f"{p.weight_g / 1000:.2f} kg",
                          p.status, p.reprints)
                for c, v in enumerate(values):
                    self.parcels.setItem(r, c, _item(v))
                self.parcel_ids.append(p.id)
            if status == lifecycle.PACKED:
                self.service_box.addItem(self.tr("Cheapest that keeps the promise"), None)
                try:
                    result, _, _ = service.quote_order(s, order)
                    for q in result.quotes:
                        self.service_box.addItem(
                            f"{q.service.name} · {q.price_cents / 100:.2f} · {q.expected_delivery.isoformat()}", q.service.code)
                except Exception as exc:  # noqa: BLE001 - the catalogue lacks weights: the packer types them
                    self.env.feedback.info(getattr(exc, "message", str(exc)))
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
        with UnitOfWork(self.ctx.sessions) as uow:
            parcel = uow.session.get(Parcel, pid)
            self.preview.set_pdf(service.render_labels(uow.session, [parcel], "pdf", settings=self.ctx.settings))

    def show_slip(self) -> bool:
        """The packing slip of the order in the preview (paper from the station's ``slip_paper`` setting)."""
        from app.shipping import slip

        number = self.order_number

        def render():
            with UnitOfWork(self.ctx.sessions) as uow:
                order = service.find_order(uow.session, number)
                parcels = service.active_parcels(uow.session, order)
                data = slip.slip_data(uow.session, order, parcels, self.ctx.settings)
                return slip.render(data, str(self.ctx.settings.extra.get("slip_paper", "a4")))

        ok, payload = run_action(self.env.feedback, render)
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
            with UnitOfWork(self.ctx.sessions) as uow:
                order = service.find_order(uow.session, number)
                parcels = service.label_order(uow.session, order, self.env.actor, self._specs(), code,
                                              settings=self.ctx.settings)
                service.enqueue_documents(uow.session, order, self.env.station, settings=self.ctx.settings,
                                          actor=self.env.actor)
                uow.commit()
                return [p.tracking_number for p in parcels]

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
            with UnitOfWork(self.ctx.sessions) as uow:
                parcel = uow.session.get(Parcel, pid)
                service.reprint_label(uow.session, parcel, self.env.actor, reason, self.env.station, settings=self.ctx.settings)
                uow.commit()

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
            with UnitOfWork(self.ctx.sessions) as uow:
                order = service.find_order(uow.session, number)
                service.void_labels(uow.session, order, self.env.actor, reason)
                uow.commit()

        ok, _ = run_action(self.env.feedback, act, self.tr("Labels voided; the order is back to packed."))
        if ok:
            self.reason.clear()
            self.show_order(number)
            self.refresh_queue()
        return ok

    def print_documents(self) -> bool:
        number = self.order_number

        def act():
            with UnitOfWork(self.ctx.sessions) as uow:
                order = service.find_order(uow.session, number)
                jobs = service.enqueue_documents(uow.session, order, self.env.station, settings=self.ctx.settings,
                                                 actor=self.env.actor)
                uow.commit()
                return [j.state for j in jobs]

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
        with UnitOfWork(self.ctx.sessions) as uow:
            s = uow.session
            waiting = dict(
                (cid, (n, g)) for cid, n, g in s.execute(
                    select(Parcel.carrier_id, func.count(), func.coalesce(func.sum(Parcel.weight_g), 0))
                    .where(Parcel.status == "labelled", Parcel.voided.is_(False), Parcel.manifest_id.is_(None))
                    .group_by(Parcel.carrier_id)
                )
            )
            carriers = list(s.scalars(select(Carrier).order_by(Carrier.code)))
            self.carriers.setRowCount(0)
            for c in carriers:
                n, g = waiting.get(c.id, (0, 0))
                r = self.carriers.rowCount()
                self.carriers.insertRow(r)
                for col, v in enumerate((c.code, f"{c.name} {c.name_zh}", n, f"{int(g) / 1000:.2f} kg")):
                    self.carriers.setItem(r, col, _item(v))
            self.manifest_list.setRowCount(0)
            for m in s.scalars(select(Manifest).order_by(Manifest.id.desc()).limit(50)):
                r = self.manifest_list.rowCount()
                self.manifest_list.insertRow(r)
                for col, v in enumerate((m.number, m.carrier.code, m.closed_at.strftime("%Y-%m-%d %H:%M"),
                                         m.parcel_count, m.closed_by or "")):
                    self.manifest_list.setItem(r, col, _item(v))

    def close_out(self) -> bool:
        rows = self.carriers.selectionModel().selectedRows()
        if not rows:
            self.env.feedback.bad(self.tr("Choose a carrier first."))
            return False
        code = self.carriers.item(rows[0].row(), 0).text()

        def act():
            with UnitOfWork(self.ctx.sessions) as uow:
                m = manifests.closeout(uow.session, code, self.env.actor)
                uow.commit()
                return m.number, m.parcel_count

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
        with UnitOfWork(self.ctx.sessions) as uow:
            self.manifest_preview.set_pdf(manifests.find_manifest(uow.session, number).pdf)

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
        with UnitOfWork(self.ctx.sessions) as uow:
            m = manifests.find_manifest(uow.session, number)
            pdf, csv_path = folder / f"{m.number}.pdf", folder / f"{m.number}.csv"
            pdf.write_bytes(m.pdf or b"")
            csv_path.write_text(m.csv, encoding="utf-8")
        self.env.feedback.good(self.tr("Saved %1").replace("%1", str(pdf)))
        return [pdf, csv_path]

    # --- printers and queue ----------------------------------------------------------------------------------
    def _printers_tab(self) -> QWidget:
        box = QGroupBox(self.tr("Printers of station %1").replace("%1", self.env.station))
        form = QFormLayout(box)
        self.printer_rows: dict[str, tuple[QLineEdit, QComboBox, QComboBox]] = {}
        self.cjk_modes: dict[str, QComboBox] = {}
        titles = {"label": self.tr("Labels"), "packing_slip": self.tr("Packing slips"), "manifest": self.tr("Manifests")}
        for kind in KINDS:
            uri = QLineEdit()
            uri.setPlaceholderText("tcp://192.168.1.50:9100 · serial:///dev/ttyUSB0 · cups://Zebra · qt://Printer · file:///folder")
            fmt = QComboBox()
            fmt.addItem("PDF", "pdf")
            fmt.addItem("ZPL", "zpl")
            dpi = QComboBox()
            dpi.addItem("203 dpi", 203)
            dpi.addItem("300 dpi", 300)
            cjk = QComboBox()
            cjk.addItem(self.tr("Chinese: printer font"), "font")
            cjk.addItem(self.tr("Chinese: as bitmaps"), "graphic")
            cjk.setToolTip(self.tr("ZPL printers without a Chinese font need the text sent as bitmaps"))
            self.cjk_modes[kind] = cjk
            test = QPushButton(self.tr("Test print"))
            test.clicked.connect(lambda _=False, k=kind: self.test_print(k))
            row = QHBoxLayout()
            row.addWidget(uri, 1)
            row.addWidget(fmt)
            row.addWidget(dpi)
            row.addWidget(cjk)
            row.addWidget(test)
            form.addRow(titles[kind], row)
            self.printer_rows[kind] = (uri, fmt, dpi)
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
        with UnitOfWork(self.ctx.sessions) as uow:
            rows = {r.document_kind: (r.uri, r.format, r.dpi, (r.options or {}).get("cjk", "font"))
                    for r in uow.session.scalars(
                        select(PrinterAssignment).where(PrinterAssignment.station == self.env.station))}
        for kind, (uri, fmt, dpi) in self.printer_rows.items():
            saved_uri, saved_fmt, saved_dpi, saved_cjk = rows.get(kind, ("", "pdf", 203, "font"))
            self.cjk_modes[kind].setCurrentIndex(max(0, self.cjk_modes[kind].findData(saved_cjk)))
            uri.setText(saved_uri)
            fmt.setCurrentIndex(max(0, fmt.findData(saved_fmt)))
            dpi.setCurrentIndex(max(0, dpi.findData(saved_dpi)))

    def save_printers(self) -> bool:
        def act():
            with UnitOfWork(self.ctx.sessions) as uow:
                for kind, (uri, fmt, dpi) in self.printer_rows.items():
                    if uri.text().strip():
                        service.set_printer(uow.session, self.env.station, kind, uri.text().strip(), fmt.currentData(),
                                            dpi.currentData(), self.cjk_modes[kind].currentData())
                uow.commit()

        return run_action(self.env.feedback, act, self.tr("Printers saved."))[0]

    def test_print(self, kind: str) -> bool:
        if not self.save_printers():
            return False

        def act():
            with UnitOfWork(self.ctx.sessions) as uow:
                service.test_print(uow.session, self.env.station, kind, settings=self.ctx.settings, actor=self.env.actor)
                uow.commit()

        ok, _ = run_action(self.env.feedback, act, self.tr("Test page queued."))
        if ok:
            self.queue_thread.poke()
            self.refresh_queue()
        return ok

    def refresh_queue(self) -> None:
        with UnitOfWork(self.ctx.sessions) as uow:
            jobs = printqueue.pending(uow.session, self.env.station)
            self.queue.setRowCount(0)
            for j in jobs:
                r = self.queue.rowCount()
                self.queue.insertRow(r)
                for c, v in enumerate((j.id, j.description or j.document_kind, j.state, j.attempts,
                                       printers.describe(j.printer) if j.printer else "-", j.last_error)):
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
            with UnitOfWork(self.ctx.sessions) as uow:
                printqueue.resend(uow.session, job_id)
                uow.commit()

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
            with UnitOfWork(self.ctx.sessions) as uow:
                printqueue.dismiss(uow.session, job_id)
                uow.commit()

        ok, _ = run_action(self.env.feedback, act)
        self.refresh_queue()
        return ok

    # --- screen protocol ---------------------------------------------------------------------------------------
    def on_change(self, topic: str, key: str) -> None:
        if topic in ("order", "parcel"):
            self.refresh_closeout()
