"""Reports with Qt Charts (seed 5.1): choose a report and a period, see the chart and the table, export the
same result as CSV or PDF. The report runs on a worker thread (the first run over a big database rolls the
timeline up once), and comes back as a signal; choosing another report runs it, so the chart and the table
always show the chosen one.

What is shown is the result as :func:`app.reports.texts.present` says it: in the screen's language, statuses,
stages and yes/no as words, days and hours in this station's local time (the period says which), counts on
whole-number axes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import reports
from app.errors import StationError
from app.reports import export
from app.reports.export import PALETTE, count_axis
from app.reports.model import ReportResult
from app.reports.texts import local_zone, present
from app.ui.plain import escaped, plain
from app.ui.texts import ui_language

# Report titles for the translation files (the report names come from app.reports in English).
TITLES = (
    QT_TRANSLATE_NOOP("ReportsScreen", "Orders per hour"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Backlog by status"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Time spent in each stage"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Picks and packs per person per hour"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Wrong-scan and short-pick rates"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Where the peak bottleneck is"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Satisfaction survey scores"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Product scores by SKU"),
    QT_TRANSLATE_NOOP("ReportsScreen", "Returns and exchanges by reason"),
)


# The app font's Latin families (app.ui.app.create_application); the others carry the Chinese glyphs.
LATIN_FAMILIES = ("DejaVu Sans", "Noto Sans")


def _msecs(label: str, tz=UTC) -> float:
    """Epoch milliseconds of an ``YYYY-MM-DD HH:MM`` label in ``tz``, for the time axis (which shows local time)."""
    try:
        return datetime.strptime(label, "%Y-%m-%d %H:%M").replace(tzinfo=tz).timestamp() * 1000
    except ValueError:
        return 0.0


class _Done(QObject):
    finished = Signal(object, str)  # result or None, error message


class _Job(QRunnable):
    def __init__(self, sessions, name: str, date_from, date_to, done: _Done) -> None:
        super().__init__()
        self.sessions, self.name, self.date_from, self.date_to, self.done = sessions, name, date_from, date_to, done

    def run(self) -> None:
        try:
            result = reports.produce(self.sessions, self.name, self.date_from, self.date_to)
        except StationError as exc:
            self.done.finished.emit(None, exc.message)
        except Exception as exc:  # noqa: BLE001 - shown to the operator as one line, never a traceback
            self.done.finished.emit(None, f"{type(exc).__name__}: {exc}")
        else:
            self.done.finished.emit(result, "")


class ReportsScreen(QWidget):
    report_ready = Signal(object)

    def __init__(self, env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.result: ReportResult | None = None
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._done = _Done(self)
        self._done.finished.connect(self._finished)
        self._running = 0  # reports asked for and not back yet

        self.choice = QComboBox()
        for name in reports.names():
            self.choice.addItem(self.tr(reports.title(name)), name)
        self.choice.setAccessibleName(self.tr("Report"))
        self.choice.currentIndexChanged.connect(lambda _index: self.run_report())  # the chart follows the choice
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.all_time = QCheckBox(self.tr("All time"))
        self.all_time.setChecked(True)
        self.all_time.toggled.connect(lambda on: (self.date_from.setEnabled(not on), self.date_to.setEnabled(not on)))
        self.date_from.setEnabled(False)
        self.date_to.setEnabled(False)
        self.run_button = QPushButton(self.tr("&Show"))
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self.run_report)
        self.csv_button = QPushButton(self.tr("Export &CSV…"))
        self.csv_button.clicked.connect(lambda: self.export_dialog("csv"))
        self.pdf_button = QPushButton(self.tr("Export &PDF…"))
        self.pdf_button.clicked.connect(lambda: self.export_dialog("pdf"))
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(QLabel(self.tr("From")))
        top.addWidget(self.date_from)
        top.addWidget(QLabel(self.tr("to")))
        top.addWidget(self.date_to)
        top.addWidget(self.all_time)
        top.addWidget(self.run_button)
        top.addWidget(self.csv_button)
        top.addWidget(self.pdf_button)

        self.notes = QLabel()
        self.notes.setWordWrap(True)
        plain(self.notes)
        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.Antialiasing)
        self.chart_view.setMinimumHeight(360)
        self.table = QTableWidget(0, 0)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.chart_view)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notes)
        layout.addWidget(split, 1)

    # --- running -----------------------------------------------------------------------------------------
    def period(self) -> tuple[datetime | None, datetime | None]:
        """The chosen days, whole, in this station's local time (as every time on the screen)."""
        if self.all_time.isChecked():
            return None, None
        a = self.date_from.date().toPython()
        b = self.date_to.date().toPython()
        tz = local_zone()
        return datetime.combine(a, time(0), tz), datetime.combine(b, time(0), tz) + timedelta(days=1)

    def run_report(self, name: str | None = None) -> None:
        if name:
            self.choice.blockSignals(True)  # one run for this choice, not a second from the change signal
            self.choice.setCurrentIndex(max(0, self.choice.findData(name)))
            self.choice.blockSignals(False)
        date_from, date_to = self.period()
        self._running += 1
        self.run_button.setEnabled(False)
        self.notes.setText(self.tr("Working…"))
        self.pool.start(_Job(self.env.ctx.sessions, self.choice.currentData(), date_from, date_to, self._done))

    def _finished(self, result: ReportResult | None, error: str) -> None:
        self._running -= 1
        self.run_button.setEnabled(self._running == 0)
        if result is None:
            self.notes.setText("")
            self.env.feedback.bad(error)
            return
        if result.name != self.choice.currentData():
            return  # another report was chosen meanwhile: its own run is on its way
        result = present(result, ui_language(), local_zone())
        self.show_result(result)
        self.report_ready.emit(result)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Opened for the first time: the chosen report shows at once, not an empty chart under its name."""
        super().showEvent(event)
        if self.result is None and self._running == 0:
            self.run_report()

    def shutdown(self) -> None:
        self.pool.waitForDone(30000)

    # --- showing -----------------------------------------------------------------------------------------
    def show_result(self, result: ReportResult) -> None:
        self.result = result
        self.notes.setText(f"{result.title} — {result.period_text()}\n" + "\n".join("• " + n for n in result.notes))
        self.table.setColumnCount(len(result.columns))
        self.table.setHorizontalHeaderLabels(result.column_titles())
        data = result.table()
        self.table.setRowCount(len(data))
        for r, row in enumerate(data):
            for c, value in enumerate(row):
                item = QTableWidgetItem("" if value is None else str(value))
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.chart_view.setChart(self.build_chart(result))
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(True)

    def build_chart(self, result: ReportResult) -> QChart:
        chart = QChart()
        spec = result.chart
        chart.setTitle(spec.title if spec else result.title)
        chart.setAnimationOptions(QChart.NoAnimation)
        if spec is None or not spec.rows(result.rows):
            return chart
        chart_rows = spec.rows(result.rows)
        titles = {c.key: c.title for c in result.columns}
        labels = [str(r.get(spec.x, "")) for r in chart_rows]

        def num(v) -> float:
            return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0

        top = max([num(r.get(s)) for r in chart_rows for s in spec.series] + [1.0])
        values = QValueAxis()
        if spec.whole:  # counts: whole numbers only, no "2.5 orders"
            upper, step = count_axis(top)
            values.setRange(0, upper)
            values.setTickCount(upper // step + 1)
            values.setLabelFormat("%d")
        else:
            values.setRange(0, top * 1.1)
        values.setTitleText(spec.y_title)
        small = QFont(self.font())
        small.setPointSize(9)
        values.setLabelsFont(small)
        if spec.kind == "line":
            series_list = []
            stamps = [_msecs(lbl, result.tz) for lbl in labels]
            for i, key in enumerate(spec.series):
                line = QLineSeries()
                line.setName(titles.get(key, key))
                line.setColor(QColor(PALETTE[i % len(PALETTE)]))
                for x, r in zip(stamps, chart_rows):
                    line.append(x, num(r.get(key)))
                chart.addSeries(line)
                series_list.append(line)
            hours = QDateTimeAxis()
            hours.setFormat("MM-dd HH:mm")
            hours.setLabelsFont(small)
            hours.setTickCount(7)
            hours.setTitleText(self.tr("hour (local time)"))
            chart.addAxis(hours, Qt.AlignBottom)
            chart.addAxis(values, Qt.AlignLeft)
            for line in series_list:
                line.attachAxis(hours)
                line.attachAxis(values)
        else:
            bars = QHorizontalBarSeries() if spec.kind == "hbar" else QBarSeries()
            rows = list(reversed(chart_rows)) if spec.kind == "hbar" else chart_rows  # first row on top
            for i, key in enumerate(spec.series):
                bar_set = QBarSet(titles.get(key, key))
                bar_set.setColor(QColor(PALETTE[i % len(PALETTE)]))
                for r in rows:
                    bar_set.append(num(r.get(key)))
                bars.append(bar_set)
            bars.setBarWidth(0.8)
            chart.addSeries(bars)
            categories = QBarCategoryAxis()
            # Qt Charts draws axis labels as HTML: a SKU, a product or a packer's name is escaped to show as typed.
            categories.append([escaped(str(r.get(spec.x, ""))[:28]) for r in rows])
            categories.setLabelsFont(small)
            categories.setTruncateLabels(False)
            if spec.kind == "hbar":
                chart.addAxis(categories, Qt.AlignLeft)
                chart.addAxis(values, Qt.AlignBottom)
            else:
                chart.addAxis(categories, Qt.AlignBottom)
                chart.addAxis(values, Qt.AlignLeft)
            bars.attachAxis(categories)
            bars.attachAxis(values)
        # Axis titles in a font whose first family has the Chinese glyphs: with a Latin family first, Qt Charts
        # measured a Chinese title wrongly and cut it to "…" beside small whole-number labels.
        title_font = QFont(self.font())
        if result.language.startswith("zh"):
            families = title_font.families()
            title_font.setFamilies([f for f in families if f not in LATIN_FAMILIES] + [f for f in families if f in LATIN_FAMILIES])
        for axis in chart.axes():
            axis.setTitleFont(title_font)
        chart.legend().setVisible(len(spec.series) > 1)
        chart.legend().setFont(small)
        return chart

    # --- export ------------------------------------------------------------------------------------------
    def export_to(self, path: str | Path, fmt: str) -> Path:
        if self.result is None:
            raise StationError("show a report first")
        path = Path(path)
        path.write_bytes(export.to_pdf(self.result) if fmt == "pdf" else export.to_csv(self.result).encode("utf-8"))
        self.env.feedback.good(self.tr("Report saved to %1").replace("%1", str(path)))
        return path

    def export_dialog(self, fmt: str) -> None:
        if self.result is None:
            return
        suggested = f"{self.result.name}.{fmt}"
        filters = self.tr("PDF (*.pdf)") if fmt == "pdf" else self.tr("CSV (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report"), suggested, filters)
        if path:
            try:
                self.export_to(path, fmt)
            except OSError as exc:
                self.env.feedback.bad(self.tr("Could not save: %1").replace("%1", str(exc)))
