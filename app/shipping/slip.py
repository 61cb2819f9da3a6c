"""The packing slip: an A4 or Letter PDF with the order's lines, its parcels and their tracking numbers.

Each line shows the lot, expiry and serial numbers captured for it at packing. Product names and SKUs are never
cut: they wrap inside their column (at spaces, or between any two characters of Chinese). Its words are printed in
English and Chinese side by side ("Lot 批号"), as everywhere on the slip."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from app.config import Settings
from app.shipping import fonts
from app.shipping.labeldata import Address, order_address, warehouse_address
from db.models.packing import PackBoxItem

PAPER = {"a4": A4, "letter": LETTER}


@dataclass(frozen=True)
class SlipLot:
    """Units of a line from one lot (or of one expiry), as captured at packing."""

    lot: str
    expiry: date | None
    quantity: int


@dataclass(frozen=True)
class SlipLine:
    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price_cents: int
    lots: tuple[SlipLot, ...] = ()
    serials: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlipData:
    order_number: str
    placed_on: date
    ship_from: Address
    ship_to: Address
    lines: tuple[SlipLine, ...]
    parcels: tuple[tuple[str, str, int], ...]  # (n/m, tracking number, weight g)
    carrier: str
    currency: str
    note: str = ""


def slip_data(session, order, parcels, settings: Settings) -> SlipData:
    lang = settings.language
    lots, serials = _captured(session, order)
    lines = tuple(
        SlipLine(l.line_no, l.sku, _line_name(l, lang), l.quantity, l.unit_price_cents, lots.get(l.id, ()),
                 serials.get(l.id, ()))
        for l in order.lines
    )
    carrier = ""
    if parcels:
        carrier = f"{parcels[0].carrier.name} {parcels[0].service.name}"
    return SlipData(
        order_number=order.number, placed_on=order.placed_at.date(),
        ship_from=warehouse_address(order.warehouse, settings.warehouse or "Warehouse Station"),
        ship_to=order_address(order), lines=lines,
        parcels=tuple((f"{p.seq}/{p.count}", p.tracking_number, p.weight_g) for p in parcels),
        carrier=carrier, currency=order.currency, note=order.note or "",
    )


def _captured(session, order) -> tuple[dict[int, tuple[SlipLot, ...]], dict[int, tuple[str, ...]]]:
    """The lots (with their expiry) and the serial numbers captured at packing, by order line, in packing order."""
    lots: dict[int, dict[tuple[str, date | None], int]] = {}
    serials: dict[int, list[str]] = {}
    rows = session.execute(
        select(PackBoxItem.line_id, PackBoxItem.quantity, PackBoxItem.lot, PackBoxItem.serial, PackBoxItem.expiry)
        .where(PackBoxItem.order_id == order.id).order_by(PackBoxItem.id)
    )
    for line_id, quantity, lot, serial, expiry in rows:
        if lot or expiry:
            by_lot = lots.setdefault(line_id, {})
            by_lot[(lot or "", expiry)] = by_lot.get((lot or "", expiry), 0) + quantity
        if serial:
            serials.setdefault(line_id, []).append(serial)
    return ({line_id: tuple(SlipLot(lot, expiry, n) for (lot, expiry), n in by_lot.items())
             for line_id, by_lot in lots.items()},
            {line_id: tuple(found) for line_id, found in serials.items()})


def _line_name(line, language: str) -> str:
    """The product's name in the station's language, the other language after it when it differs."""
    product = line.product
    if product is None:
        return line.name
    first = product.name(language)
    other = product.name_en if first == product.name_zh else product.name_zh
    return f"{first} · {other}" if other and other != first else first or line.name


def _money(cents: int, currency: str) -> str:
    return f"{currency} {cents / 100:,.2f}"


def _traces(line: SlipLine) -> list[str]:
    """What was captured for the line at packing, as printed under its name."""
    out = []
    for lot in line.lots:
        parts = ([f"Lot 批号 {lot.lot}"] if lot.lot else []) + ([f"Expiry 有效期 {lot.expiry.isoformat()}"] if lot.expiry else [])
        out.append(" · ".join(parts) + (f"  × {lot.quantity}" if len(line.lots) > 1 else ""))
    if line.serials:
        out.append("Serial 序列号 " + ", ".join(line.serials))
    return out


def _clip(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


NAME_SIZE, TRACE_SIZE = 10, 8  # points: the line's SKU and name, what was captured under the name
NAME_PITCH, TRACE_PITCH, ROW_GAP = 4.4 * mm, 3.6 * mm, 1.6 * mm
BOTTOM = 25 * mm  # no line's baseline below this


def _rows(line: SlipLine, font: str, cols: tuple[float, ...], right: float, sku_width: float, name_width: float,
          currency: str) -> list[tuple[float, float, list[tuple[float, str, str]]]]:
    """The printed rows of one line, each (size, advance to the next, cells (x, text, alignment)): the SKU and the
    name wrapped in their columns, then what was captured at packing."""
    skus = fonts.wrap(line.sku, font, NAME_SIZE, sku_width)
    names = fonts.wrap(line.name, font, NAME_SIZE, name_width) or [""]
    rows: list[tuple[float, float, list[tuple[float, str, str]]]] = []
    for i in range(max(len(skus), len(names))):
        cells = [(cols[1], skus[i], "left")] if i < len(skus) else []
        if i < len(names):
            cells.append((cols[2], names[i], "left"))
        if i == 0:
            cells += [(cols[0], str(line.line_no), "left"), (cols[4] - 4 * mm, str(line.quantity), "right"),
                      (right, _money(line.unit_price_cents, currency), "right")]
        rows.append((NAME_SIZE, NAME_PITCH, cells))
    for trace in _traces(line):
        for part in fonts.wrap(trace, font, TRACE_SIZE, name_width):
            rows.append((TRACE_SIZE, TRACE_PITCH, [(cols[2], part, "left")]))
    return rows


def render(slip: SlipData, paper: str = "a4") -> bytes:
    if paper.lower() not in PAPER:
        raise ValueError(f"paper must be a4 or letter, not {paper!r}")
    font = fonts.register()
    width, height = PAPER[paper.lower()]
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Packing slip {slip.order_number}")
    left, right = 18 * mm, width - 18 * mm
    cols = (left, left + 12 * mm, left + 52 * mm, right - 50 * mm, right - 30 * mm)  # no, sku, name, qty, price

    def header(page: int) -> float:
        c.setFont(font, 18)
        c.drawString(left, height - 22 * mm, "Packing slip 装箱单")
        c.setFont(font, 10)
        c.drawRightString(right, height - 16 * mm, f"Order {slip.order_number}  ·  {slip.placed_on.isoformat()}  ·  p. {page}")
        code = Code128(slip.order_number, barWidth=0.9, barHeight=10 * mm, humanReadable=False)
        code.drawOn(c, right - code.width, height - 30 * mm)
        y = height - 40 * mm
        if page == 1:
            c.setFont(font, 9)
            c.drawString(left, y, "Ship to 收件人")
            c.drawString(width / 2, y, "From 寄件人")
            c.setFont(font, 11)
            for i, text in enumerate(slip.ship_to.text_lines[:6]):
                c.drawString(left, y - (i + 1) * 5 * mm, _clip(text, font, 11, width / 2 - left - 4 * mm))
            for i, text in enumerate(slip.ship_from.text_lines[:4]):
                c.drawString(width / 2, y - (i + 1) * 5 * mm, _clip(text, font, 11, right - width / 2))
            y -= 38 * mm
            c.setFont(font, 10)
            c.drawString(left, y, f"Carrier 承运商: {slip.carrier}")
            for i, (nm, tn, grams) in enumerate(slip.parcels[:6]):
                c.drawString(left + (i % 2) * 85 * mm, y - (i // 2 + 1) * 5 * mm, f"Parcel {nm}: {tn} ({grams / 1000:.2f} kg)")
            y -= (min(len(slip.parcels), 6) + 1) // 2 * 5 * mm + 10 * mm
        c.setFont(font, 9)
        for x, title in zip(cols, ("#", "SKU", "Item 商品", "Qty 数量", "Price 单价")):
            c.drawString(x, y, title)
        c.line(left, y - 2 * mm, right, y - 2 * mm)
        return y - 7 * mm

    sku_width, name_width = cols[2] - cols[1] - 2 * mm, cols[3] - cols[2] - 2 * mm
    page = 1
    y = header(page)
    capacity = height - 47 * mm - BOTTOM  # from the first baseline of a later page to the last

    def new_page() -> float:
        nonlocal page
        c.showPage()
        page += 1
        return header(page)

    total_units = 0
    for line in slip.lines:
        rows = _rows(line, font, cols, right, sku_width, name_width, slip.currency)
        drop = sum(pitch for _, pitch, _ in rows[:-1])  # from the first baseline to the last
        if y - drop < BOTTOM and drop <= capacity:
            y = new_page()  # a line that fits a page is kept together
        for size, pitch, cells in rows:
            if y < BOTTOM:
                y = new_page()  # a line longer than a page goes on over the next
            c.setFont(font, size)
            c.setFillGray(0 if size == NAME_SIZE else 0.25)
            for x, text, align in cells:
                (c.drawRightString if align == "right" else c.drawString)(x, y, text)
            y -= pitch
        c.setFillGray(0)
        y -= ROW_GAP
        total_units += line.quantity
    if y - 12 * mm < 18 * mm:
        y = new_page()
    c.setFont(font, 10)
    c.line(left, y + 3 * mm, right, y + 3 * mm)
    c.drawString(cols[2], y - 2 * mm, f"{len(slip.lines)} lines 行, {total_units} units 件")
    if slip.note:
        c.drawString(left, y - 10 * mm, _clip(f"Note: {slip.note}", font, 10, right - left))
    c.setFont(font, 8)
    c.drawString(left, 12 * mm, "Thank you for your order. 感谢您的惠顾。")
    c.showPage()
    c.save()
    return out.getvalue()
