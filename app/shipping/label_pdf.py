"""The 4 x 6 inch shipping label as PDF (reportlab).

Everything is laid out on the 203 dpi dot grid of a thermal printer, bars and QR modules included, so that
a 203 dpi rendering (pdftoppm) or print keeps every bar a whole number of dots and the barcodes scan:
the tracking number as Code 128, the SSCC as GS1-128 (FNC1 + AI 00), a QR code holding the parcel's
tracking page address. Addresses use the embedded WenQuanYi font, so Chinese prints on any reader.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import segno
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from app.shipping import fonts
from app.shipping.fonts import wrap
from app.shipping.labeldata import LabelData
from app.shipping.rates import ShippingError

DPI = 203
WIDTH_DOTS = 812  # 4 in
HEIGHT_DOTS = 1218  # 6 in
DOT = 72.0 / DPI  # points per dot
PAGE = (WIDTH_DOTS * DOT, HEIGHT_DOTS * DOT)
MARGIN = 24
FNC1 = "\xf1"


ADDRESS_TOP = 312  # dots: below the recipient's name
ADDRESS_BOTTOM = 532  # dots: above the rule under the address
ADDRESS_SIZES = (36, 32, 28, 24, 21)


class AddressTooLong(ShippingError):
    pass


def address_layout(lines: list[str], width_dots: float, font: str | None = None) -> tuple[int, list[str]]:
    """The largest text size at which the whole address fits its box, and its wrapped lines. Nothing is
    ever cut off: an address too long even at the smallest size raises :class:`AddressTooLong`."""
    font = font or fonts.register()
    for size in ADDRESS_SIZES:
        wrapped = [part for line in lines if line for part in wrap(line, font, size, width_dots)]
        if len(wrapped) * round(size * 1.17) <= ADDRESS_BOTTOM - ADDRESS_TOP:
            return size, wrapped
    raise AddressTooLong(
        "the address is too long for a 4x6 label: shorten the street lines (abbreviate, drop repeats) and label again"
    )


NAME_SIZES = (44, 38, 32, 28, 24)


def name_size(name: str, width_dots: float, font: str | None = None) -> int:
    """The largest size at which the recipient's name fits one line."""
    font = font or fonts.register()
    for size in NAME_SIZES:
        if sum(fonts.char_width(ch, font) for ch in name) * size <= width_dots:
            return size
    raise AddressTooLong("the recipient's name is too long for the label: shorten it and label again")


# --- the header: carrier and service on the left, the parcel box ("1 / 3") on the right -----------------

LINE_PITCH = 1.17  # a line's advance, as a multiple of the text size


@dataclass(frozen=True)
class Box:
    """A rectangle in dots, measured from the label's top-left corner."""

    x: float
    top: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.top + self.h


PARCEL_BOX = Box(WIDTH_DOTS - MARGIN - 190, 18, 190, 92)
PARCEL_TEXT_BOX = Box(PARCEL_BOX.x + 12, PARCEL_BOX.top + 8, PARCEL_BOX.w - 24, PARCEL_BOX.h - 16)
HEADER_GAP = 16  # dots of white between the header's text and the parcel box
CARRIER_BOX = Box(MARGIN, 20, PARCEL_BOX.x - HEADER_GAP - MARGIN, 58)
SERVICE_BOX = Box(MARGIN, 80, CARRIER_BOX.w, 38)
CARRIER_SIZES = (52, 46, 40, 36, 32, 28, 26, 24, 22)
SERVICE_SIZES = (30, 26, 22, 20, 18, 16)
PARCEL_SIZES = (48, 42, 36, 30, 26, 22)


def block_height(size: float, lines: int) -> float:
    """The height of ``lines`` lines of text at ``size``, from the first line's top to the last one's foot."""
    return size + (lines - 1) * round(size * LINE_PITCH) if lines else 0.0


@dataclass(frozen=True)
class Fitted:
    """Text laid out in its box: one size, its lines, and where each line's top goes."""

    size: int
    lines: tuple[str, ...]
    tops: tuple[float, ...]


def fit_text(value: str, box: Box, sizes: tuple[int, ...], char_width: Callable[[str], float], max_lines: int = 2,
             ellipsis: str = "…") -> Fitted:
    """``value`` in ``box``: the largest of ``sizes`` at which it fits whole (wrapped over up to ``max_lines``
    lines), centred on the box's height. Text that does not fit even at the smallest size is cut at the end of the
    last line that fits, with ``ellipsis``; nothing is ever drawn outside the box."""
    value = " ".join(value.split())
    chosen: tuple[int, list[str]] | None = None
    for size in sizes:
        lines = wrap(value, "", size, box.w, char_width)
        if len(lines) <= max_lines and block_height(size, len(lines)) <= box.h:
            chosen = (size, lines)
            break
    if chosen is None:
        size = sizes[-1]
        room = max(1, min(max_lines, 1 + int((box.h - size) // round(size * LINE_PITCH))))
        lines = wrap(value, "", size, box.w, char_width)[:room]
        last = lines[-1]
        while last and sum(char_width(ch) for ch in last + ellipsis) * size > box.w:
            last = last[:-1]
        lines[-1] = last.rstrip() + ellipsis
        chosen = (size, lines)
    size, lines = chosen
    first = box.top + (box.h - block_height(size, len(lines))) / 2
    return Fitted(size, tuple(lines), tuple(first + i * round(size * LINE_PITCH) for i in range(len(lines))))


def header_layout(label: LabelData, char_width: Callable[[str, str], float],
                  ellipsis: str = "…") -> tuple[Fitted, Fitted, Fitted]:
    """The carrier's name, the service and the parcel count ("2 / 3"), each fitted in its own box, so the names never
    run into the parcel box whatever their length or script. ``char_width(text, ch)`` measures ``ch`` of ``text`` at
    size 1 in the font that will draw ``text``."""
    def fit(value: str, box: Box, sizes: tuple[int, ...], max_lines: int) -> Fitted:
        return fit_text(value, box, sizes, lambda ch: char_width(value, ch), max_lines, ellipsis)

    return (fit(label.carrier_name, CARRIER_BOX, CARRIER_SIZES, 2),
            fit(label.service_name, SERVICE_BOX, SERVICE_SIZES, 2),
            fit(label.parcel_text, PARCEL_TEXT_BOX, PARCEL_SIZES, 1))


def _pdf_char_width(text: str, ch: str) -> float:
    return fonts.char_width(ch, fonts.register())


class _Page:
    """Draw in dots measured from the top-left corner."""

    def __init__(self, canvas: Canvas, font: str) -> None:
        self.c = canvas
        self.font = font

    def y(self, top_dots: float) -> float:
        return (HEIGHT_DOTS - top_dots) * DOT

    def text(self, x: float, top: float, value: str, size_dots: float, right: bool = False, centre: bool = False) -> None:
        self.c.setFont(self.font, size_dots * DOT)
        baseline = self.y(top + size_dots * 0.85)
        if right:
            self.c.drawRightString(x * DOT, baseline, value)
        elif centre:
            self.c.drawCentredString(x * DOT, baseline, value)
        else:
            self.c.drawString(x * DOT, baseline, value)

    def fit(self, value: str, size_dots: float, width_dots: float) -> list[str]:
        return wrap(value, self.font, size_dots, width_dots)

    def rule(self, top: float, thickness: int = 3) -> None:
        self.c.rect(MARGIN * DOT, self.y(top + thickness), (WIDTH_DOTS - 2 * MARGIN) * DOT, thickness * DOT, stroke=0, fill=1)

    def box(self, x: float, top: float, w: float, h: float, thickness: int = 3) -> None:
        self.c.setLineWidth(thickness * DOT)
        self.c.rect(x * DOT, self.y(top + h), w * DOT, h * DOT, stroke=1, fill=0)

    def code128(self, value: str, top: float, height: float, max_width: float) -> float:
        """A Code 128 symbol centred, module width the largest whole number of dots that fits (with its
        10-module quiet zones); returns its width in dots."""
        modules = Code128(value, barWidth=1, humanReadable=False, quiet=False).width
        module = max(1, min(4, int(max_width // (modules + 20))))
        symbol = Code128(value, barWidth=module * DOT, barHeight=height * DOT, humanReadable=False, quiet=False)
        x = (WIDTH_DOTS - modules * module) // 2
        symbol.drawOn(self.c, x * DOT, self.y(top + height))
        return modules * module

    def qr(self, value: str, left: float, top: float, max_size: float) -> float:
        """A QR code (level M, segno picks the mask) drawn module by module on the dot grid, with its
        4-module quiet zone; returns its size in dots."""
        matrix = segno.make_qr(value, error="m", boost_error=False).matrix
        count = len(matrix)
        module = max(2, int(max_size // (count + 8)))
        x0 = left + 4 * module
        y0 = top + 4 * module
        path = self.c.beginPath()
        for r, row in enumerate(matrix):
            c = 0
            while c < count:
                if row[c]:
                    start = c
                    while c < count and row[c]:
                        c += 1
                    path.rect((x0 + start * module) * DOT, self.y(y0 + (r + 1) * module), (c - start) * module * DOT, module * DOT)
                else:
                    c += 1
        self.c.drawPath(path, stroke=0, fill=1)
        return (count + 8) * module


def render(label: LabelData) -> bytes:
    """One label, one page, as PDF bytes."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(f"Label {label.tracking_number}")
    canvas.setAuthor("Warehouse Station")
    draw(canvas, label)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def render_many(labels: list[LabelData]) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
    for label in labels:
        draw(canvas, label)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def draw(canvas: Canvas, label: LabelData) -> None:
    p = _Page(canvas, fonts.register())
    inner = WIDTH_DOTS - 2 * MARGIN

    # Header: carrier, service, parcel n of m; each text in its own box.
    carrier, service, parcel = header_layout(label, _pdf_char_width)
    for fitted in (carrier, service):
        for top, line in zip(fitted.tops, fitted.lines):
            p.text(MARGIN, top, line, fitted.size)
    p.box(PARCEL_BOX.x, PARCEL_BOX.top, PARCEL_BOX.w, PARCEL_BOX.h)
    for top, line in zip(parcel.tops, parcel.lines):
        p.text(PARCEL_TEXT_BOX.x + PARCEL_TEXT_BOX.w / 2, top, line, parcel.size, centre=True)
    p.rule(122)

    # From.
    p.text(MARGIN, 132, "FROM 寄件人", 20)
    top = 156.0
    for line in [", ".join(label.ship_from.text_lines)][:1]:
        for part in p.fit(line, 24, inner)[:2]:
            p.text(MARGIN, top, part, 24)
            top += 28
    p.rule(222)

    # To.
    p.text(MARGIN, 232, "TO 收件人", 22)
    p.text(MARGIN, 260, label.ship_to.name, name_size(label.ship_to.name, inner, p.font))
    size, wrapped = address_layout(label.address_lines, inner, p.font)
    top = float(ADDRESS_TOP)
    for part in wrapped:
        p.text(MARGIN, top, part, size)
        top += round(size * 1.17)
    p.rule(540)

    # Facts: weight, date, order, zone.
    p.text(MARGIN, 552, f"{label.weight_text}", 40)
    p.text(MARGIN + 250, 552, f"{label.ship_date.isoformat()}", 30)
    p.text(MARGIN + 250, 588, f"Order {label.order_number}", 24)
    p.text(WIDTH_DOTS - MARGIN, 552, f"Z{label.zone}", 50, right=True)
    p.rule(622)

    # Tracking number, Code 128.
    p.text(MARGIN, 632, "TRACKING 运单号", 20)
    p.code128(label.tracking_number, 660, 150, inner)
    tn = label.tracking_number
    p.c.setFont(p.font, 34 * DOT)
    p.c.drawCentredString(WIDTH_DOTS / 2 * DOT, p.y(846), tn)
    p.rule(858)

    # QR to the tracking page, with the facts a person reads.
    size = p.qr(label.qr_url, MARGIN - 16, 862, 200)
    x = MARGIN + size
    p.text(x, 880, "Scan to track 扫码查询", 24)
    for i, part in enumerate(p.fit(label.qr_url, 18, WIDTH_DOTS - MARGIN - x)[:3]):
        p.text(x, 912 + i * 22, part, 18)
    if label.dimensions_mm:
        l, w, h = label.dimensions_mm
        p.text(x, 990, f"{l}x{w}x{h} mm {label.carton}".strip(), 22)
    if label.expected_delivery:
        p.text(x, 1018, f"ETA {label.expected_delivery.isoformat()}", 22)
    p.rule(1062)

    # SSCC, GS1-128.
    p.code128(FNC1 + label.sscc_gs1, 1070, 100, inner)
    p.c.setFont(p.font, 26 * DOT)
    p.c.drawCentredString(WIDTH_DOTS / 2 * DOT, p.y(1202), label.sscc_hri)
