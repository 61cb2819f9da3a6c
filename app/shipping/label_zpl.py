"""The same 4 x 6 inch label as ZPL II for Zebra printers, at 203 or 300 dpi.

Text is UTF-8 (``^CI28``). Chinese needs a scalable CJK font on the printer; ``^CW`` maps font ``J`` to it
(default ``E:ANMDS.TTF``, Zebra's Andale Mono Simplified Chinese; pass ``cjk_font`` for another one). Text
with only ASCII uses the resident font ``0``. Barcodes: ``^BC`` Code 128 (automatic mode) for the tracking
number, ``^BC`` with ``>;>8`` (start C, FNC1) for the GS1-128 SSCC, ``^BQ`` model 2 level M for the QR code.

The header is fitted as on the PDF, measured in the printer's fonts (an upper bound of their widths), and each of its
lines goes in a field block (``^FB``) no wider than its box, so the carrier's name cannot reach the parcel box.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.shipping.label_pdf import (
    ADDRESS_TOP,
    CARRIER_BOX,
    PARCEL_BOX,
    PARCEL_TEXT_BOX,
    SERVICE_BOX,
    Box,
    Fitted,
    address_layout,
    header_layout,
    name_size,
)
from app.shipping.labeldata import LabelData

SUPPORTED_DPI = (203, 300)
DEFAULT_CJK_FONT = "E:ANMDS.TTF"


@lru_cache(maxsize=4096)
def _code128_modules(value: str) -> int:
    return int(Code128(value, barWidth=1, humanReadable=False, quiet=False).width)


def _fd(value: str) -> str:
    """Field data; ``^``, ``~`` and ``_`` go hex-escaped through ``^FH``."""
    if any(ch in value for ch in "^~_"):
        escaped = value.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")
        return f"^FH_^FD{escaped}^FS"
    return f"^FD{value}^FS"


CJK_MODES = ("font", "graphic")


@lru_cache(maxsize=8192)
def printer_char_width(ascii_text: bool, ch: str) -> float:
    """An upper bound of ``ch``'s advance at size 1 (``^A`` height = width) in the font the printer draws it with:
    for ASCII text the resident font ``0`` (CG Triumvirate Bold Condensed, narrower than Helvetica Bold, whose widths
    stand for it); otherwise font ``J`` (Andale Mono: a full em for each wide or ambiguous character, 0.6 em for the
    rest), never less than WenQuanYi, which draws the bitmaps of ``cjk_mode="graphic"``."""
    helvetica = stringWidth(ch, "Helvetica-Bold", 1.0) if ord(ch) < 256 else 1.0
    if ascii_text:
        return helvetica
    from app.shipping import fonts

    wqy = stringWidth(ch, fonts.register(), 1.0)
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return max(1.0, wqy)
    return max(0.6, helvetica, wqy)


def _printer_width(text: str, ch: str) -> float:
    return printer_char_width(text.isascii(), ch)


@lru_cache(maxsize=16)
def _pil_font(size_px: int):
    from PIL import ImageFont

    from app.shipping import fonts

    # Basic layout: Chinese needs no complex shaping, and it is twice as fast as Raqm.
    return ImageFont.truetype(str(fonts.find_font()), size_px, index=0, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=1024)
def graphic_field(text: str, size_px: int, max_width_px: int) -> str:
    """``^GFA`` of ``text`` drawn in WenQuanYi (1 bit a dot): Chinese on printers that have no CJK font."""
    from PIL import Image, ImageDraw

    font = _pil_font(size_px)
    width = max(8, min(max_width_px, int(font.getlength(text)) + 2))
    width = (width + 7) // 8 * 8
    height = int(size_px * 1.2)
    image = Image.new("1", (width, height), 0)
    ImageDraw.Draw(image).text((0, 0), text, font=font, fill=1)  # ZPL: a set bit prints black
    data = image.tobytes()
    return f"^GFA,{len(data)},{len(data)},{width // 8},{data.hex().upper()}^FS"


class _Zpl:
    def __init__(self, dpi: int, cjk_mode: str = "font") -> None:
        self.k = dpi / 203.0
        self.width = round(812 * self.k)
        self.parts: list[str] = []
        self.cjk_mode = cjk_mode

    def d(self, dots203: float) -> int:
        return round(dots203 * self.k)

    def text(self, x: float, y: float, value: str, size: float, width: float | None = None, lines: int = 1, right: bool = False) -> None:
        font = "0" if value.isascii() else "J"
        h = self.d(size)
        if font == "J" and self.cjk_mode == "graphic":
            from app.shipping import fonts

            block = width if width is not None else 812 - 24 - x
            for i, part in enumerate(fonts.wrap(value, fonts.register(), size, block)[:lines]):
                self.parts.append(f"^FO{self.d(x)},{self.d(y + i * size * 1.17)}" + graphic_field(part, h, self.d(block)))
            return
        if width is not None or right:
            block_w = self.d(width) if width is not None else self.d(812 - 2 * 24)
            align = "R" if right else "L"
            self.parts.append(
                f"^FO{self.d(x) if not right else self.d(24)},{self.d(y)}^A{font}N,{h},{h}^FB{block_w},{lines},0,{align},0{_fd(value)}"
            )
        else:
            self.parts.append(f"^FO{self.d(x)},{self.d(y)}^A{font}N,{h},{h}{_fd(value)}")

    def fitted(self, box: Box, fitted: Fitted, align: str = "L") -> None:
        """Fitted lines, each in a one-line field block as wide as ``box``: the printer itself keeps the text inside."""
        width = self.d(box.w)
        for top, line in zip(fitted.tops, fitted.lines):
            h = self.d(fitted.size)
            if not line.isascii() and self.cjk_mode == "graphic":
                self.parts.append(f"^FO{self.d(box.x)},{self.d(top)}" + graphic_field(line, h, width // 8 * 8))
                continue
            font = "0" if line.isascii() else "J"
            self.parts.append(f"^FO{self.d(box.x)},{self.d(top)}^A{font}N,{h},{h}^FB{width},1,0,{align},0{_fd(line)}")

    def rule(self, y: float, thickness: int = 3) -> None:
        self.parts.append(f"^FO{self.d(24)},{self.d(y)}^GB{self.d(812 - 48)},{max(1, self.d(thickness))},{max(1, self.d(thickness))}^FS")

    def box(self, x: float, y: float, w: float, h: float, t: int = 3) -> None:
        self.parts.append(f"^FO{self.d(x)},{self.d(y)}^GB{self.d(w)},{self.d(h)},{max(1, self.d(t))}^FS")

    def code128(self, value: str, y: float, height: float, modules: int, mode: str) -> None:
        max_w = self.width - 2 * self.d(24)
        module = max(1, min(10, max_w // (modules + 20)))
        x = max(0, (self.width - modules * module) // 2)
        self.parts.append(f"^FO{x},{self.d(y)}^BY{module},3^BCN,{self.d(height)},N,N,N,{mode}^FD{value}^FS")


def render(label: LabelData, dpi: int = 203, cjk_font: str = DEFAULT_CJK_FONT, cjk_mode: str = "font") -> bytes:
    """One label as ZPL II (UTF-8 bytes). ``cjk_mode="graphic"`` sends Chinese text as bitmaps (``^GFA``) for
    printers without a CJK font (slower: a few ms a line)."""
    if dpi not in SUPPORTED_DPI:
        raise ValueError(f"ZPL labels are made for 203 or 300 dpi printers, not {dpi}")
    if cjk_mode not in CJK_MODES:
        raise ValueError(f"cjk_mode must be one of {CJK_MODES}")
    z = _Zpl(dpi, cjk_mode)
    z.parts.append(f"^XA^CI28^CWJ,{cjk_font}^PW{z.width}^LL{round(1218 * z.k)}^LH0,0")

    # The header, laid out as on the PDF but measured in the printer's fonts.
    carrier, service, parcel = header_layout(label, _printer_width, ellipsis="...")
    z.fitted(CARRIER_BOX, carrier)
    z.fitted(SERVICE_BOX, service)
    z.box(PARCEL_BOX.x, PARCEL_BOX.top, PARCEL_BOX.w, PARCEL_BOX.h)
    z.fitted(PARCEL_TEXT_BOX, parcel, align="C")
    z.rule(122)

    z.text(24, 132, "FROM 寄件人", 20)
    z.text(24, 156, ", ".join(label.ship_from.text_lines), 24, width=812 - 48, lines=2)
    z.rule(222)

    z.text(24, 232, "TO 收件人", 22)
    z.text(24, 260, label.ship_to.name, name_size(label.ship_to.name, (812 - 48) * 0.9))
    # The printer's font is wider than the PDF's for Latin text: lay out in 90 % of the width.
    size, wrapped = address_layout(label.address_lines, (812 - 48) * 0.9)
    for i, part in enumerate(wrapped):
        z.text(24, ADDRESS_TOP + i * round(size * 1.17), part, size)
    z.rule(540)

    z.text(24, 552, label.weight_text, 40)
    z.text(274, 552, label.ship_date.isoformat(), 30)
    z.text(274, 588, f"Order {label.order_number}", 24)
    z.text(0, 552, f"Z{label.zone}", 50, right=True)
    z.rule(622)

    z.text(24, 632, "TRACKING 运单号", 20)
    z.code128(label.tracking_number, 660, 150, _code128_modules(label.tracking_number), "A")
    z.parts.append(f"^FO0,{z.d(814)}^A0N,{z.d(34)},{z.d(34)}^FB{z.width},1,0,C,0{_fd(label.tracking_number)}")
    z.rule(858)

    mag = max(1, min(10, z.d(4)))
    z.parts.append(f"^FO{z.d(24)},{z.d(866)}^BQN,2,{mag}^FDMA,{label.qr_url}^FS")
    z.text(230, 880, "Scan to track 扫码查询", 24)
    z.text(230, 912, label.qr_url, 18, width=812 - 24 - 230, lines=3)
    if label.dimensions_mm:
        l, w, h = label.dimensions_mm
        z.text(230, 990, f"{l}x{w}x{h} mm {label.carton}".strip(), 22)
    if label.expected_delivery:
        z.text(230, 1018, f"ETA {label.expected_delivery.isoformat()}", 22)
    z.rule(1062)

    sscc_modules = _code128_modules("\xf1" + label.sscc_gs1)
    z.code128(f">;>8{label.sscc_gs1}", 1070, 100, sscc_modules, "N")
    z.parts.append(f"^FO0,{z.d(1176)}^A0N,{z.d(26)},{z.d(26)}^FB{z.width},1,0,C,0^FD{label.sscc_hri}^FS")
    z.parts.append("^PQ1^XZ")
    return "\n".join(z.parts).encode("utf-8")
