"""The packing slip: an A4 or Letter PDF with the order's lines, its parcels and their tracking numbers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.config import Settings
from app.shipping import fonts
from app.shipping.labeldata import Address, order_address, warehouse_address

PAPER = {"a4": A4, "letter": LETTER}


@dataclass(frozen=True)
class SlipLine:
    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price_cents: int


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


def slip_data(session, order, parcels, settings: Settings | None = None) -> SlipData:
    settings = settings or Settings()
    lang = settings.language
    lines = tuple(SlipLine(l.line_no, l.sku, _line_name(l, lang), l.quantity, l.unit_price_cents) for l in order.lines)
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


def _clip(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


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

    page = 1
    y = header(page)
    c.setFont(font, 10)
    total_units = 0
    for line in slip.lines:
        if y < 25 * mm:
            c.showPage()
            page += 1
            y = header(page)
            c.setFont(font, 10)
        c.drawString(cols[0], y, str(line.line_no))
        c.drawString(cols[1], y, _clip(line.sku, font, 10, cols[2] - cols[1] - 2 * mm))
        c.drawString(cols[2], y, _clip(line.name, font, 10, cols[3] - cols[2] - 2 * mm))
        c.drawRightString(cols[4] - 4 * mm, y, str(line.quantity))
        c.drawRightString(right, y, _money(line.unit_price_cents, slip.currency))
        total_units += line.quantity
        y -= 6 * mm
    c.line(left, y + 3 * mm, right, y + 3 * mm)
    c.drawString(cols[2], y - 2 * mm, f"{len(slip.lines)} lines 行, {total_units} units 件")
    if slip.note:
        c.drawString(left, y - 10 * mm, _clip(f"Note: {slip.note}", font, 10, right - left))
    c.setFont(font, 8)
    c.drawString(left, 12 * mm, "Thank you for your order. 感谢您的惠顾。")
    c.showPage()
    c.save()
    return out.getvalue()
