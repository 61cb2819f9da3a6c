"""The packing slip lists what was captured at packing (lot, expiry, serial numbers) under each line, and never cuts
a product's name: long Latin and Chinese names wrap inside the item column. Read back with pdftotext."""

import re
import shutil
import subprocess
from datetime import date, timedelta
from html import unescape

import pytest
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from sqlalchemy import select, update

from app.config import Settings
from app.packing.service import COMPLETE, OK, PackService
from app.shipping import service, slip
from app.shipping.labeldata import Address
from app.uow import Actor
from db.models import Order, Product
from tests.packing.factories import gs1, make_bench, make_order

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils needed")

LONG_EN = ("Hydrating Night Repair Face Cream with Hyaluronic Acid, Ceramides and Niacinamide, Fragrance-Free, "
           "Dermatologist-Tested, 50 ml Refillable Glass Jar")
LONG_ZH = "玻尿酸神经酰胺烟酰胺保湿修护晚霜无香型皮肤科医生测试五十毫升可替换芯玻璃罐装限量礼盒版含替换内胆两个"
WATCH_EN = "Smart Watch Pro (2nd generation), Midnight Black, Extra-Large Sports Band with Wireless Charging Dock"
WATCH_ZH = "智能手表专业版第二代午夜黑色加大运动表带附无线充电底座与两条替换表带"
PAPERS = {"a4": A4, "letter": LETTER}


def _squash(text: str) -> str:
    return "".join(text.split())


def _words(pdf: bytes, tmp_path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) for every word, in points from each page's top-left corner."""
    source = tmp_path / "slip.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(source), "-"], capture_output=True, check=True).stdout.decode()
    words = []
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for a, b, c, d, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body):
            words.append((page, float(a), float(b), float(c), float(d), unescape(w)))
    return words


def _columns(paper: str) -> tuple[float, float, float]:
    """The item column's left and right edges and where the quantity column starts, as slip.render lays them out."""
    width = PAPERS[paper][0]
    left, right = 18 * mm, width - 18 * mm
    return left + 52 * mm, right - 50 * mm - 2 * mm, right - 50 * mm


def _table(words):
    """The words under the table's heading ("Item 商品") of each page."""
    heading = {w[0]: w[4] for w in words if w[5] == "Item"}
    return [w for w in words if w[0] in heading and w[2] >= heading[w[0]]]


def _item_column_text(words, paper: str) -> str:
    """Everything printed in the item column, in reading order (page, then line, then left to right)."""
    start, _, qty = _columns(paper)
    inside = [w for w in _table(words) if w[1] >= start - 0.5 and w[1] < qty]
    inside.sort(key=lambda w: (w[0], round(w[2], 1), w[1]))
    return _squash("".join(w[5] for w in inside))


def _check_column(words, paper: str) -> None:
    """No word that starts in the item column runs past its right edge into the quantities."""
    start, end, qty = _columns(paper)
    for page, x0, _, x1, _, word in _table(words):
        if start - 0.5 <= x0 < qty:
            assert x1 <= end + 0.5, (page, word, x1, end)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_slip_wraps_long_names_and_lists_lots_serials_expiry(tmp_path, paper):
    serials = tuple(f"SN-{n:09d}" for n in range(1, 13))
    lines = (
        slip.SlipLine(1, "SKU-CREAM-50ML-REFILLABLE", f"{LONG_EN} · {LONG_ZH}", 3, 12900,
                      (slip.SlipLot("L2026-11A", date(2027, 5, 31), 2), slip.SlipLot("L2026-12B", date(2027, 8, 15), 1))),
        slip.SlipLine(2, "P-WATCH", f"{WATCH_ZH} · {WATCH_EN}", 12, 159900, (), serials),
        slip.SlipLine(3, "P-VITC", "Vitamin C 维生素C", 2, 2500, (slip.SlipLot("", date(2027, 1, 1), 2),)),
        slip.SlipLine(4, "P-MUG", "Ceramic Mug 陶瓷杯", 1, 3500),
    )
    data = slip.SlipData("WS-000777", date(2026, 11, 24), Address("Shanghai DC 上海仓", ("201100 Shanghai", "CN")),
                         Address("王小明", ("广东省深圳市南山区科技园南区", "518057 深圳 广东", "CN")), lines,
                         (("1/1", "600000001237", 2345),), "SF Express Standard", "CNY")
    words = _words(slip.render(data, paper), tmp_path)
    column = _item_column_text(words, paper)
    # Both names whole, in order, in the item column (over several lines: the column is far narrower than they are).
    for name in (LONG_EN, LONG_ZH, WATCH_ZH, WATCH_EN, "Vitamin C 维生素C", "Ceramic Mug 陶瓷杯"):
        assert _squash(name) in column
    assert "…" not in column
    _check_column(words, paper)
    # What was captured, under its line, in English and Chinese.
    assert _squash("Lot 批号 L2026-11A · Expiry 有效期 2027-05-31 × 2") in column
    assert _squash("Lot 批号 L2026-12B · Expiry 有效期 2027-08-15 × 1") in column
    assert _squash("Serial 序列号 " + ", ".join(serials)) in column
    assert _squash("Expiry 有效期 2027-01-01") in column
    cream, watch = column.index(_squash(LONG_ZH)), column.index(_squash(WATCH_ZH))
    assert cream < column.index("L2026-11A") < watch < column.index("SN-000000001") < column.index("Vitamin")
    # The SKU is not cut either.
    assert "SKU-CREAM-50ML-REFILLABLE" in _squash("".join(w[5] for w in words if w[1] < _columns(paper)[0] - 1))


def test_a_line_longer_than_a_page_goes_on_over_the_next_and_keeps_every_serial(tmp_path):
    serials = tuple(f"SN-{n:09d}" for n in range(1, 501))
    lines = (slip.SlipLine(1, "P-WATCH", f"{WATCH_EN} · {WATCH_ZH}", 500, 159900, (), serials),
             slip.SlipLine(2, "P-MUG", "Ceramic Mug 陶瓷杯", 1, 3500))
    data = slip.SlipData("WS-000778", date(2026, 11, 24), Address("DC", ()), Address("王小明", ("CN",)), lines, (),
                         "", "CNY")
    words = _words(slip.render(data), tmp_path)
    assert max(w[0] for w in words) >= 2
    column = _item_column_text(words, "a4")
    assert _squash("Serial 序列号 " + ", ".join(serials)) in column
    assert _squash("Ceramic Mug 陶瓷杯") in column
    assert "2 lines 行, 501 units 件" in " ".join(w[5] for w in words)
    _check_column(words, "a4")
    height = A4[1]
    for page, _, y0, _, y1, word in words:  # nothing runs into the footer's margin or off the page
        if word not in ("Thank", "you", "for", "your", "order.", "感谢您的惠顾。"):
            assert y1 <= height - 20 * mm, (page, word)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_slip_of_a_packed_order_shows_what_the_packer_captured(ctx, tmp_path, language):
    """Lots, expiry dates and serials scanned at the pack bench (GS1 barcodes and typed captures) reach the slip."""
    with ctx.sessions() as s:
        bench = make_bench(s)
        s.execute(update(Product).where(Product.sku == "P-CREAM").values(name_en=LONG_EN, name_zh=LONG_ZH))
        s.execute(update(Product).where(Product.sku == "P-WATCH").values(name_en=WATCH_EN, name_zh=WATCH_ZH))
        number = make_order(s, [("P-CREAM", 3), ("P-WATCH", 2), ("P-BOOK", 1)]).number
        s.commit()
    printed: list[list[int]] = []
    packer = PackService(ctx.sessions, ctx.settings, bench.station, Actor(station=bench.station, user=bench.packer,
                         role="packer"), print_dispatch=printed.append, label=False)
    packer.open(number)
    soon, later = date.today() + timedelta(days=200), date.today() + timedelta(days=400)
    cream, watch = bench.gtins["P-CREAM"], bench.gtins["P-WATCH"]
    assert packer.scan(gs1(cream, lot="L100", expiry=soon.strftime("%y%m%d"))).verdict == OK
    assert packer.scan(gs1(cream, lot="L100", expiry=soon.strftime("%y%m%d"))).verdict == OK
    assert packer.scan(cream).next_step == "capture_lot"  # a plain GTIN: lot and expiry typed in
    assert packer.scan("L200").next_step == "capture_expiry"
    assert packer.scan(later.isoformat()).verdict == OK
    assert packer.scan(gs1(watch, serial="SW-0000017")).verdict == OK
    assert packer.scan(watch).next_step == "capture_serial"
    assert packer.scan("SW-0000018").verdict == OK
    assert packer.scan(bench.gtins["P-BOOK"]).verdict == COMPLETE

    settings = Settings(language=language)
    with ctx.sessions() as s:
        order = s.scalar(select(Order).where(Order.number == number))
        parcels = service.label_order(s, order, Actor(station="SHIP-1", user="alice", role="shipping"), settings=settings)
        data = slip.slip_data(s, order, parcels, settings)
        s.commit()
    by_sku = {line.sku: line for line in data.lines}
    assert by_sku["P-CREAM"].lots == (slip.SlipLot("L100", soon, 2), slip.SlipLot("L200", later, 1))
    assert by_sku["P-WATCH"].serials == ("SW-0000017", "SW-0000018") and by_sku["P-WATCH"].lots == ()
    assert by_sku["P-BOOK"].lots == () and by_sku["P-BOOK"].serials == ()

    words = _words(slip.render(data), tmp_path)
    column = _item_column_text(words, "a4")
    first, second = (LONG_ZH, LONG_EN) if language.startswith("zh") else (LONG_EN, LONG_ZH)
    assert _squash(f"{first} · {second}") in column  # both names, whole, the reader's language first
    assert _squash(WATCH_EN) in column and _squash(WATCH_ZH) in column
    assert _squash(f"Lot 批号 L100 · Expiry 有效期 {soon.isoformat()} × 2") in column
    assert _squash(f"Lot 批号 L200 · Expiry 有效期 {later.isoformat()} × 1") in column
    assert _squash("Serial 序列号 SW-0000017, SW-0000018") in column
    assert parcels[0].tracking_number in " ".join(w[5] for w in words)
    _check_column(words, "a4")
