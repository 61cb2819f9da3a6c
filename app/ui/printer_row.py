"""One printer's settings in one row, as every screen that sets printers shows it: the address, the page
format, the resolution, how Chinese reaches a ZPL printer, and a test print. The shipping screen (this
station's printers) and Administration (any station's) both build their rows from it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

ADDRESS_EXAMPLES = "tcp://192.168.1.50:9100 · serial:///dev/ttyUSB0 · cups://Zebra · qt://Printer · file:///folder"


class PrinterRow(QWidget):
    """A printer's row. ``test_requested`` fires when its Test print button is pressed."""

    test_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.uri = QLineEdit()
        self.uri.setPlaceholderText(ADDRESS_EXAMPLES)
        self.fmt = QComboBox()
        self.fmt.addItem("PDF", "pdf")
        self.fmt.addItem("ZPL", "zpl")
        self.dpi = QComboBox()
        self.dpi.addItem("203 dpi", 203)
        self.dpi.addItem("300 dpi", 300)
        self.cjk = QComboBox()
        self.cjk.addItem(self.tr("Chinese: printer font"), "font")
        self.cjk.addItem(self.tr("Chinese: as bitmaps"), "graphic")
        self.cjk.setToolTip(self.tr("ZPL printers without a Chinese font need the text sent as bitmaps"))
        self.test_button = QPushButton(self.tr("Test print"))
        self.test_button.clicked.connect(self.test_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.uri, 1)
        for widget in (self.fmt, self.dpi, self.cjk, self.test_button):
            row.addWidget(widget)

    def show_saved(self, uri: str = "", fmt: str = "pdf", dpi: int = 203, cjk: str = "font") -> None:
        """Fill the row with a saved printer (or the defaults when there is none)."""
        self.uri.setText(uri)
        for combo, value in ((self.fmt, fmt), (self.dpi, dpi), (self.cjk, cjk)):
            combo.setCurrentIndex(max(0, combo.findData(value)))

    def wanted(self) -> tuple[str, str, int, str]:
        """What the row asks for: ``(address, format, dpi, cjk mode)``; an empty address means no printer."""
        return self.uri.text().strip(), self.fmt.currentData(), self.dpi.currentData(), self.cjk.currentData()
