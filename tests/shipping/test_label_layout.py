"""The label's header, measured: the carrier's name and the service never reach into the parcel box ("1 / 1"), on
every carrier (the demo set, long Latin names, Chinese names, a name too long for any label), on the PDF rasterised
at 203 and 300 dpi and on the ZPL for 203 and 300 dpi printers (CJK as printer font or as bitmaps)."""

import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from html import unescape

import numpy as np
import pytest
from PIL import Image
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.shipping import label_pdf, label_zpl, service
from app.shipping.carriers import DEMO_CARRIERS
from app.shipping.rates import ParcelSpec
from app.uow import UnitOfWork
from tests.shipping.factories import packed_order
from tests.shipping.test_barcodes import make_label

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("zbarimg")),
    reason="poppler-utils and zbar-tools are needed",
)

RETURN_SERVICE = "RETURN 退货 · Worldwide Express 全球特快"
TOO_LONG = ("Wolfeschlegelsteinhausenbergerdorff International Freight Forwarding and Parcel Logistics Company Limited "
            "沃尔夫施莱格尔国际货运代理及包裹物流有限公司")

# (carrier name, service name) as service.label_data writes them: English name, then the Chinese one.
HEADERS = [(f"{name} {name_zh}", f"{svc[0][1]} {svc[0][2]}") for _, name, name_zh, _, _, svc in DEMO_CARRIERS] + [
    (f"{name} {name_zh}", f"{svc[1][1]} {svc[1][2]}") for _, name, name_zh, _, _, svc in DEMO_CARRIERS
] + [
    ("TEST PRINT 测试打印", "Printer check 打印机检查"),
    ("顺丰速运", "顺丰标快"),
    ("中通快递", RETURN_SERVICE),
    ("Deutsche Post DHL Paket International", RETURN_SERVICE),
    ("Deutsche Post DHL Paket International 德国邮政敦豪集团 国际包裹", "Warenpost International Premium 国际小包优先"),
    ("中国邮政速递物流股份有限公司国际及港澳台特快专递业务部", "国际及港澳台特快专递 标准型 经济型 次日达"),
    (TOO_LONG, TOO_LONG),
]
PARCELS = [(1, 1), (2, 3), (12, 15), (120, 150)]


def _label(carrier: str, service_name: str, seq: int = 2, count: int = 3):
    return replace(make_label("EA123456785CN", seq=seq, count=count), carrier_name=carrier, service_name=service_name)


def _squash(text: str) -> str:
    return "".join(text.split())


# --- PDF ---------------------------------------------------------------------------------------------

def _raster(pdf: bytes, dpi: int, tmp_path, name: str) -> np.ndarray:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(source), str(tmp_path / name)],
                   check=True)
    return np.asarray(Image.open(tmp_path / f"{name}.png").convert("L"))


def _words(pdf: bytes, tmp_path) -> list[tuple[float, float, float, float, str]]:
    """Every word pdftotext finds, with its box in points from the top-left corner."""
    source = tmp_path / "words.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(source), "-"], capture_output=True, check=True).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(float(a), float(b), float(c), float(d), unescape(w)) for a, b, c, d, w in re.findall(pattern, html)]


def _box_points(box, grow_dots: float = 0.0) -> tuple[float, float, float, float]:
    d = label_pdf.DOT
    return ((box.x - grow_dots) * d, (box.top - grow_dots) * d, (box.right + grow_dots) * d, (box.bottom + grow_dots) * d)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, b) -> bool:
    return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


@needs_poppler
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("carrier, service_name", HEADERS)
def test_pdf_carrier_name_never_overprints_the_parcel_box(tmp_path, carrier, service_name, dpi):
    label = _label(carrier, service_name)
    pdf = label_pdf.render(label)

    # The ink: the label with and without the carrier's and the service's names differ nowhere inside the parcel box
    # (its stroke included, a pixel of anti-aliasing around it), and they do differ where the names are.
    full = _raster(pdf, dpi, tmp_path, "full")
    bare = _raster(label_pdf.render(replace(label, carrier_name="", service_name="")), dpi, tmp_path, "bare")
    scale = dpi / label_pdf.DPI
    box = label_pdf.PARCEL_BOX
    x0, y0 = int((box.x - 3) * scale) - 1, int((box.top - 3) * scale) - 1
    x1, y1 = int((box.right + 3) * scale) + 2, int((box.bottom + 3) * scale) + 2
    assert np.array_equal(full[y0:y1, x0:x1], bare[y0:y1, x0:x1])
    header = slice(0, int(122 * scale))
    names_ink = np.argwhere(full[header] != bare[header])
    assert len(names_ink) > 100
    assert names_ink[:, 1].max() < (box.x - label_pdf.HEADER_GAP / 2) * scale  # left of the box, with white between
    assert (full[y0:y1, x0:x1] < 128).sum() > 0  # the box and its count are there

    # The text: the parcel count inside the box, every other word outside it, the names whole.
    words = _words(pdf, tmp_path)
    box_pt = _box_points(box, 1.5)
    count_words = [w for w in words if _overlap(w[:4], box_pt)]
    assert _squash("".join(w[4] for w in count_words)) == "2/3"
    assert all(_inside(w[:4], box_pt) for w in count_words)
    header_text = _squash("".join(w[4] for w in words if w[3] <= 122 * label_pdf.DOT and w not in count_words))
    if carrier == TOO_LONG:
        # Too long for any label: cut with an ellipsis at the end of the lines that fit, never drawn over the box.
        carrier_text, service_text = header_text.split("…")[:2]
        assert header_text.count("…") == 2 and _squash(carrier).startswith(carrier_text) and len(carrier_text) > 30
        assert _squash(service_name).startswith(service_text)
    else:
        assert header_text == _squash(carrier + service_name)

    if dpi == 203:  # the barcodes still scan
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "full.png")], capture_output=True)
        assert decoded.returncode == 0, decoded.stderr
        found = sorted(line for line in decoded.stdout.decode().split("\n") if line)
        assert found == sorted([label.qr_url, label.tracking_number, "00" + label.sscc])


@needs_poppler
@pytest.mark.parametrize("seq, count", PARCELS)
def test_pdf_parcel_count_stays_in_its_box(tmp_path, seq, count):
    label = _label("Deutsche Post DHL Paket International 德国邮政敦豪集团 国际包裹", RETURN_SERVICE, seq, count)
    words = _words(label_pdf.render(label), tmp_path)
    inner = _box_points(label_pdf.PARCEL_BOX, -1.5)
    inside = [w for w in words if _overlap(w[:4], inner)]
    assert _squash("".join(w[4] for w in inside)) == f"{seq}/{count}"
    assert all(_inside(w[:4], inner) for w in inside)


# --- ZPL ---------------------------------------------------------------------------------------------

def _printer_width(text: str, size: int) -> float:
    """The most the Zebra fonts can take for ``text`` at ``^A`` height = width = ``size``: resident font 0 (CG
    Triumvirate Bold Condensed) no wider than Helvetica Bold; font J (Andale Mono) a full em for a wide or
    ambiguous character, 0.6 em (or Helvetica Bold's width if wider) for the rest."""
    if text.isascii():
        return stringWidth(text, "Helvetica-Bold", size)
    total = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F", "A") or ord(ch) > 255:
            total += size
        else:
            total += max(0.6 * size, stringWidth(ch, "Helvetica-Bold", size))
    return total


def _fields(zpl: str) -> list[dict]:
    """Each field of the label with the rectangle it can print in (x0, y0, x1, y1), in printer dots."""
    fields = []
    for raw in zpl.split("^FS"):
        at = re.search(r"\^FO(\d+),(\d+)", raw)
        if not at:
            continue
        x, y = int(at[1]), int(at[2])
        field = {"raw": raw, "x": x, "y": y}
        if m := re.search(r"\^GB(\d+),(\d+),(\d+)", raw):
            w, h, t = map(int, m.groups())
            field.update(kind="box", rect=(x, y, x + w, y + h), thickness=t)
        elif m := re.search(r"\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)", raw):
            total, per_row = int(m[1]), int(m[3])
            rows = total // per_row
            bits = np.unpackbits(np.frombuffer(bytes.fromhex(m[4]), dtype=np.uint8)).reshape(rows, per_row * 8)
            field.update(kind="bitmap", rect=(x, y, x + per_row * 8, y + rows), bits=bits)
        elif m := re.search(r"\^A([0J])N,(\d+),(\d+)", raw):
            h = int(m[2])
            text = re.search(r"\^FD(.*)$", raw, re.S)[1]
            if "^FH_" in raw:
                text = re.sub(r"_([0-9A-F]{2})", lambda g: chr(int(g[1], 16)), text)
            field.update(kind="text", font=m[1], size=h, text=text)
            if fb := re.search(r"\^FB(\d+),(\d+),(-?\d+)", raw):
                bw, lines, spacing = map(int, fb.groups())
                # A field block: the printer wraps inside its width and prints no more than its lines.
                field.update(rect=(x, y, x + bw, y + lines * h + (lines - 1) * spacing), block=(bw, lines))
            else:
                field.update(rect=(x, y, x + _printer_width(text, h), y + h))
        else:
            field.update(kind="barcode")
        fields.append(field)
    return fields


def _check_header(zpl: str, dpi: int, label) -> list[dict]:
    k = dpi / 203
    fields = _fields(zpl)
    box_field = next(f for f in fields if f["kind"] == "box" and f["rect"][3] - f["rect"][1] > 3 * f["thickness"]
                     and f["y"] < round(122 * k))
    box = box_field["rect"]
    bx = label_pdf.PARCEL_BOX
    assert box == (round(bx.x * k), round(bx.top * k), round(bx.x * k) + round(bx.w * k), round(bx.top * k) + round(bx.h * k))
    count = [f for f in fields if f["kind"] == "text" and f["text"] == label.parcel_text]
    assert len(count) == 1 and _inside(count[0]["rect"], box)
    assert _printer_width(label.parcel_text, count[0]["size"]) <= count[0]["block"][0]  # one line, not wrapped
    header = [f for f in fields if f is not box_field and f not in count and f["kind"] in ("text", "bitmap")
              and f["y"] < round(122 * k)]
    assert header
    for f in header:
        assert not _overlap(f["rect"], box), f["raw"]
        assert f["rect"][2] <= box[0] - round(label_pdf.HEADER_GAP * k) + 1, f["raw"]
        if f["kind"] == "text":
            assert f["block"][1] == 1 and _printer_width(f["text"], f["size"]) <= f["block"][0], f["raw"]
        else:  # a bitmap holds its whole line: its last columns are blank
            assert not f["bits"][:, -2:].any(), f["raw"]
    if all(f["kind"] == "text" for f in header):  # and no two lines of the header overprint each other
        for i, a in enumerate(header):
            for b in header[i + 1:]:
                assert not _overlap(a["rect"], b["rect"]), (a["raw"], b["raw"])
    for f in fields:  # nothing else of the label comes up into the header's box either
        if f not in header and f is not box_field and f not in count and f["kind"] != "box":
            assert f["y"] > box[3]
    return header


@pytest.mark.parametrize("cjk_mode", label_zpl.CJK_MODES)
@pytest.mark.parametrize("dpi", label_zpl.SUPPORTED_DPI)
@pytest.mark.parametrize("carrier, service_name", HEADERS)
def test_zpl_carrier_name_never_overprints_the_parcel_box(carrier, service_name, dpi, cjk_mode):
    label = _label(carrier, service_name)
    zpl = label_zpl.render(label, dpi, cjk_mode=cjk_mode).decode("utf-8")
    header = _check_header(zpl, dpi, label)
    if cjk_mode == "font":
        text = _squash("".join(f["text"] for f in header))
        if carrier == TOO_LONG:
            carrier_text, service_text = text.split("...")[:2]
            assert text.count("...") == 2 and _squash(carrier).startswith(carrier_text) and len(carrier_text) > 20
            assert _squash(service_name).startswith(service_text)
        else:
            assert text == _squash(carrier + service_name)


@pytest.mark.parametrize("dpi", label_zpl.SUPPORTED_DPI)
@pytest.mark.parametrize("seq, count", PARCELS)
def test_zpl_parcel_count_stays_in_its_box(seq, count, dpi):
    label = _label("Deutsche Post DHL Paket International", RETURN_SERVICE, seq, count)
    _check_header(label_zpl.render(label, dpi).decode("utf-8"), dpi, label)


# --- the carriers in the database, through the labelling service --------------------------------------

@needs_poppler
@pytest.mark.parametrize("code, country, region, city", [
    ("SF-STD", "CN", "Shanghai", "上海"), ("EMS-STD", "CN", "Shanghai", "上海"), ("YRD-SCHED", "CN", "Shanghai", "上海"),
    ("UPS-EXP", "US", "CA", "San Jose"), ("EMS-INTL", "US", "CA", "San Jose"),
])
def test_labels_of_every_demo_carrier_keep_the_box_clear(shipping_ctx, actor, tmp_path, code, country, region, city):
    with UnitOfWork(shipping_ctx.sessions) as uow:
        s = uow.session
        order = packed_order(s, country=country, region=region, city=city)
        parcels = service.label_order(s, order, actor, [ParcelSpec(900, 200, 150, 100)] * 2, code,
                                      settings=shipping_ctx.settings)
        data = service.label_data(s, parcels[1], shipping_ctx.settings)
        pdf = service.render_labels(s, [parcels[1]], "pdf", settings=shipping_ctx.settings)
        zpls = {dpi: service.render_labels(s, [parcels[1]], "zpl", dpi, settings=shipping_ctx.settings) for dpi in (203, 300)}
    assert data.parcel_text == "2 / 2"
    for dpi, zpl in zpls.items():
        header = _check_header(zpl.decode("utf-8"), dpi, data)
        assert _squash("".join(f["text"] for f in header)) == _squash(data.carrier_name + data.service_name)
    words = _words(pdf, tmp_path)
    box_pt = _box_points(label_pdf.PARCEL_BOX, 1.5)
    inside = [w for w in words if _overlap(w[:4], box_pt)]
    assert _squash("".join(w[4] for w in inside)) == "2/2" and all(_inside(w[:4], box_pt) for w in inside)
    header_text = _squash("".join(w[4] for w in words if w[3] <= 122 * label_pdf.DOT and w not in inside))
    assert header_text == _squash(data.carrier_name + data.service_name)
