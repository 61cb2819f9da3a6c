"""A PDF preview (QtPdf) for labels, packing slips and manifests.

Pages are rendered with ``QPdfDocument.render`` (synchronously, so what is shown is what was asked for) and
painted on white, since QtPdf hands back a transparent image; they are stacked in a scroll area and
re-rendered to the width of the view when it is resized."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget


def render_page(document: QPdfDocument, index: int, width_px: int) -> QImage:
    size = document.pagePointSize(index)
    scale = width_px / max(1.0, size.width())
    px = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
    page = document.render(index, px)
    white = QImage(px, QImage.Format_RGB32)
    white.fill(QColor("white"))
    painter = QPainter(white)
    painter.drawImage(0, 0, page)
    painter.end()
    return white


class PdfPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages)
        self.scroll.setStyleSheet("QScrollArea { background: #808080; }")
        self.empty = QLabel(self.tr("No document to show"))
        self.empty.setAlignment(Qt.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.pages_layout.addWidget(self.empty)
        self._buffer: QBuffer | None = None
        self._data: QByteArray | None = None
        self._rendered_width = 0
        self.images: list[QImage] = []
        self.setMinimumWidth(320)

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self._data is not None else 0

    def set_pdf(self, payload: bytes | None) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None
        self._data = None
        if payload:
            self._data = QByteArray(payload)
            self._buffer = QBuffer(self._data, self)
            self._buffer.open(QIODevice.ReadOnly)
            self.document.load(self._buffer)
        self._render()

    def _render(self) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            widget = item.widget()
            if widget is not None and widget is not self.empty:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.images = []
        if not self.page_count:
            self.pages_layout.addWidget(self.empty)
            self.empty.show()
            return
        self.empty.hide()
        width = max(280, self.scroll.viewport().width() - 24)
        self._rendered_width = width
        for i in range(self.page_count):
            image = render_page(self.document, i, width)
            self.images.append(image)
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            self.pages_layout.addWidget(label)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.page_count and abs(self.scroll.viewport().width() - 24 - self._rendered_width) > 40:
            self._render()

    def render_for_check(self, width_px: int, index: int = 0) -> QImage:
        """Page ``index`` at ``width_px`` (812 for a 4-inch label at 203 dpi): what a check or a test decodes."""
        return render_page(self.document, index, width_px)
