"""A printable sheet of the station's command barcodes (Code 128), in English and Simplified Chinese, so a
packer drives the bench with the scanner alone: pin it beside the scanner.

Also the count barcodes (1 to 10) a bulk line takes (scan an item, then the count of the rest).
"""

from __future__ import annotations

import io

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from app.devices.commands import Command, command_barcode
from app.shipping import fonts

# What each command does, as the packer reads it (English, Chinese).
COMMAND_TEXTS: dict[Command, tuple[str, str, str, str]] = {
    Command.NEXT_ORDER: ("Next order", "下一单", "Take the next order for this station.", "领取本工位的下一个订单。"),
    Command.CLOSE_BOX: ("Close box", "封箱", "Close the open box (it is weighed first).", "封上当前箱子（先称重）。"),
    Command.WEIGH: ("Weigh now", "立即称重", "The box on the scale now is the one to check.", "以秤上的箱子为准立即核重。"),
    Command.REPRINT: ("Reprint label", "重打面单", "Print the last order's label again.", "重新打印上一个订单的面单。"),
    Command.CANCEL: ("Cancel", "取消", "Cancel the step asked for (a lot, a weighing, a badge).", "取消当前步骤（批号、称重、工牌）。"),
    Command.TARE: ("Tare scale", "去皮", "What is on the scale now counts as nothing.", "将秤上现有物品的重量扣除。"),
    Command.ZERO: ("Zero scale", "置零", "Set the empty scale back to 0.", "将空秤重新归零。"),
    Command.LOG_OUT: ("Log out", "退出登录", "End your session at this station.", "退出本工位的登录。"),
}
COUNTS = tuple(range(1, 11))


def render(title_en: str = "Warehouse Station: command barcodes", title_zh: str = "仓库工位：指令条码") -> bytes:
    """The sheet as PDF bytes (A4, one page): every command with its name and what it does, both languages."""
    font = fonts.register()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setTitle(f"{title_en} / {title_zh}")
    width, height = A4
    margin = 15 * mm
    page.setFont(font, 15)
    page.drawString(margin, height - margin - 5 * mm, f"{title_en} · {title_zh}")
    top = height - margin - 16 * mm
    cell_w = (width - 2 * margin) / 2
    cell_h = 47 * mm
    for i, command in enumerate(Command):
        english, chinese, does_en, does_zh = COMMAND_TEXTS[command]
        x = margin + (i % 2) * cell_w
        y = top - (i // 2) * cell_h
        page.setFont(font, 13)
        page.drawString(x, y - 5 * mm, f"{english} · {chinese}")
        page.setFont(font, 8.5)
        page.drawString(x, y - 10 * mm, does_en)
        page.drawString(x, y - 14 * mm, does_zh)
        value = command_barcode(command)
        symbol = Code128(value, barWidth=0.33 * mm, barHeight=17 * mm, humanReadable=False)
        symbol.drawOn(page, x - 6 * mm, y - 35 * mm)
        page.setFont(font, 8)
        page.drawString(x, y - 39 * mm, value)
    # The counts, in one row at the bottom.
    y = top - 4 * cell_h - 6 * mm
    page.setFont(font, 11)
    page.drawString(margin, y, "Counts (scan an item, then the count of the rest) · 数量（先扫商品，再扫剩余数量）")
    count_w = (width - 2 * margin) / 5
    for i, count in enumerate(COUNTS):
        x = margin + (i % 5) * count_w
        row_y = y - 8 * mm - (i // 5) * 24 * mm
        symbol = Code128(str(count), barWidth=0.4 * mm, barHeight=12 * mm, humanReadable=False)
        symbol.drawOn(page, x - 6 * mm, row_y - 12 * mm)
        page.setFont(font, 10)
        page.drawString(x, row_y - 16 * mm, str(count))
    page.showPage()
    page.save()
    return out.getvalue()
