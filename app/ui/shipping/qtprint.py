"""System printers through Qt's print support: the ``qt://PRINTER NAME`` back-end of the print queue.

PDF documents are rendered page by page with QtPdf onto a ``QPrinter`` (allowed off the GUI thread: QPainter
on a QPrinter is thread-safe for one painter). ZPL is raw printer language: send it with tcp:// or cups://.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlparse

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.shipping import printers
from app.shipping.printers import PrinterOffline, PrinterSetupError, PrintUncertain

RASTER_DPI = 300  # pages are rasterised at most this fine before they go to the printer


def system_printers() -> list[str]:
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]


def pdf_pages(payload: bytes, dpi: int = 203) -> list[QImage]:
    """Render a PDF to images on white (QPdfDocument.render gives a transparent image)."""
    data = QByteArray(payload)
    buffer = QBuffer(data)
    buffer.open(QIODevice.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    pages = []
    for i in range(document.pageCount()):
        size = document.pagePointSize(i)
        px = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
        image = document.render(i, px)
        white = QImage(px, QImage.Format_RGB32)
        white.fill(QColor("white"))
        painter = QPainter(white)
        painter.drawImage(0, 0, image)
        painter.end()
        pages.append(white)
    document.close()
    buffer.close()
    return pages


def send_qt(uri: str, payload: bytes, fmt: str, title: str) -> None:
    """``qt://PRINTER NAME`` prints on a system printer; ``qt:///?file=/path/out.pdf`` runs the same Qt print
    path into a PDF file (Qt's own "print to file")."""
    parsed = urlparse(uri)
    name = unquote(parsed.netloc + parsed.path).strip("/")
    out_file = parse_qs(parsed.query).get("file", [""])[0]
    if fmt != "pdf":
        raise PrinterSetupError(f"{name or 'a Qt printer'} is a system printer: send ZPL with tcp:// or cups:// instead")
    if out_file:
        printer = QPrinter(QPrinter.HighResolution)
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(out_file)
    else:
        info = next((p for p in QPrinterInfo.availablePrinters() if p.printerName() == name), None)
        if info is None:
            raise PrinterOffline(f"system printer {name!r} is not available")
        printer = QPrinter(info, QPrinter.HighResolution)
    printer.setDocName(title or "Warehouse Station")
    pages = pdf_pages(payload, min(printer.resolution(), RASTER_DPI))
    if pages:
        size = pages[0].size()
        printer.setPageSize(QPageSize(QSizeF(size.width() * 72 / min(printer.resolution(), RASTER_DPI),
                                             size.height() * 72 / min(printer.resolution(), RASTER_DPI)),
                                      QPageSize.Point, "", QPageSize.ExactMatch))
        printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Point)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterOffline(f"system printer {name!r} refused the job")
    try:
        for i, page in enumerate(pages):
            if i:
                printer.newPage()
            fitted = page.size().scaled(painter.viewport().size(), Qt.KeepAspectRatio)
            painter.drawImage(QRect(0, 0, fitted.width(), fitted.height()), page)
    except Exception as exc:  # noqa: BLE001 - a driver failure half-way
        raise PrintUncertain(f"system printer {name!r} failed while printing ({exc})") from exc
    finally:
        painter.end()


def register() -> None:
    printers.register_backend("qt", send_qt)
