"""The demo's virtual label printer: documents "printed" go to a folder; this dialog shows the newest one as
the label that came out (rendered with QtPdf, painted on white), with its file to open or print for real."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QScrollArea, QVBoxLayout


def newest_document(folder: Path, suffix: str = ".pdf", prefix: str = "label") -> Path | None:
    """The newest document of ``folder`` (labels first: a packing slip is printed after its label)."""
    if not folder.is_dir():
        return None
    documents = sorted((p for p in folder.iterdir() if p.suffix == suffix), key=lambda p: p.stat().st_mtime)
    labels = [p for p in documents if prefix in p.name]
    return (labels or documents)[-1] if (labels or documents) else None


def render_page(path: Path, width: int = 420) -> QPixmap | None:
    """The first page of a PDF at ``width`` pixels, on white (QPdfDocument renders a transparent image)."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_ or document.pageCount() < 1:
        return None
    size = document.pagePointSize(0)
    height = int(width * size.height() / max(size.width(), 1))
    image = document.render(0, QSize(width, height))
    page = QImage(image.size(), QImage.Format.Format_RGB32)
    page.fill(QColor("white"))
    painter = QPainter(page)
    painter.drawImage(0, 0, image)
    painter.end()
    return QPixmap.fromImage(page)


class VirtualPrinterDialog(QDialog):
    def __init__(self, folder: Path, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Virtual label printer"))
        layout = QVBoxLayout(self)
        self.path = newest_document(folder)
        caption = QLabel()
        caption.setTextFormat(Qt.TextFormat.PlainText)
        caption.setWordWrap(True)
        layout.addWidget(caption)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        area = QScrollArea()
        area.setWidget(self.picture)
        area.setWidgetResizable(True)
        area.setMinimumSize(460, 520)
        layout.addWidget(area, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        if self.path is None:
            caption.setText(self.tr("Nothing printed yet: pack an order, and its label comes out here (%1).")
                            .replace("%1", str(folder)))
        else:
            caption.setText(self.tr("The last label printed: %1").replace("%1", str(self.path)))
            pixmap = render_page(self.path)
            if pixmap is not None:
                self.picture.setPixmap(pixmap)
            open_button = QPushButton(self.tr("Open the file"))
            open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path))))
            buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
