"""Every barcode on the PDF label, rendered at 203 dpi with pdftoppm, decodes with zbarimg to exactly the
data it should carry; the ZPL label carries the same data for 203 and 300 dpi printers."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from biip import parse as gs1_parse

from app.shipping import label_pdf, label_zpl, sscc
from app.shipping.labeldata import Address, LabelData

needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler-utils and zbar-tools are needed"
)


def make_label(tracking_number, token="q3JXzV1u5yNw0bKc9aT_mR2fLh7sPdE-", to=None, seq=1, count=1):
    return LabelData(
        tracking_number=tracking_number, sscc=sscc.make("0614141", 987654), qr_url=f"http://127.0.0.1:8470/t/{token}",
        carrier_code="SF", carrier_name="SF Express 顺丰速运", service_name="Standard 顺丰标快", service_kind="standard",
        ship_from=Address("Shanghai DC 上海仓", ("201100 Shanghai", "CN")),
        ship_to=to or Address("王小明", ("广东省深圳市南山区科技园南区 深南大道9988号 A座 1203室", "518057 深圳 广东", "CN"), "13912345678"),
        weight_g=2345, seq=seq, count=count, order_number="WS-000777", ship_date=date(2026, 11, 25),
        expected_delivery=date(2026, 11, 27), dimensions_mm=(300, 200, 150), carton="M",
    )


def decode(pdf: bytes, tmp_path) -> list[str]:
    source = tmp_path / "label.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(source), str(tmp_path / "label")], check=True)
    done = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "label.png")], capture_output=True)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.decode("utf-8").split("\n") if line]


@needs_tools
@pytest.mark.parametrize("tracking_number", ["600000001237", "EA123456785CN", "1Z8V2A410100000019", "5000000014"])
def test_pdf_label_barcodes_decode_at_203_dpi(tmp_path, tracking_number):
    label = make_label(tracking_number)
    decoded = decode(label_pdf.render(label), tmp_path)
    assert sorted(decoded) == sorted([label.qr_url, tracking_number, "00" + label.sscc])
    # The GS1-128 symbol parses as AI (00) with the right SSCC.
    gs1 = next(d for d in decoded if d.startswith("00") and len(d) == 20)
    assert gs1_parse(gs1).sscc.value == label.sscc


def test_pdf_label_embeds_the_cjk_font():
    pdf = label_pdf.render(make_label("EA123456785CN"))
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # an embedded TrueType font, not a reference to one the reader may lack
    assert b"WQYMicroHei" in pdf or b"WenQuanYi" in pdf


@needs_tools
def test_pdf_label_text_shows_chinese_and_parcel_n_of_m(tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext missing")
    source = tmp_path / "l.pdf"
    source.write_bytes(label_pdf.render(make_label("EA123456785CN", seq=2, count=3)))
    text = subprocess.run(["pdftotext", str(source), "-"], capture_output=True, check=True).stdout.decode()
    assert "王小明" in text and "深圳" in text
    assert "2/3" in text.replace(" ", "") and "2.35 kg" in text and "顺丰标快" in text


@pytest.mark.parametrize("dpi, width", [(203, 812), (300, 1200)])
def test_zpl_label_carries_the_same_data(dpi, width):
    label = make_label("1Z8V2A410100000019")
    zpl = label_zpl.render(label, dpi).decode("utf-8")
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert f"^PW{width}" in zpl and "^CI28" in zpl
    assert re.search(r"\^BCN,\d+,N,N,N,A\^FD1Z8V2A410100000019\^FS", zpl)
    assert f"^FD>;>800{label.sscc}^FS" in zpl  # start C, FNC1, AI 00
    assert "^BQN,2," in zpl and f"^FDMA,{label.qr_url}^FS" in zpl
    assert "王小明" in zpl and "^AJN" in zpl
    for x, y in re.findall(r"\^FO(\d+),(\d+)", zpl):
        assert 0 <= int(x) < width and 0 <= int(y) < round(1218 * dpi / 203)


def test_zpl_escapes_control_characters():
    to = Address("A^B~C_D", ("line",))
    zpl = label_zpl.render(make_label("5000000014", to=to)).decode()
    assert "^FH_^FDA_5EB_7EC_5FD^FS" in zpl


def test_long_addresses_shrink_and_never_lose_text():
    from app.shipping.label_pdf import AddressTooLong, address_layout

    long_street = "广东省深圳市南山区粤海街道科技园社区科苑路15号 科兴科学园 B栋4单元 1501室 （前台代收，工作日 9:00-18:00）"
    size, lines = address_layout([long_street, "518057 深圳 广东", "CN", "Tel 13912345678"], 764)
    assert size < 36
    assert "".join(lines).replace(" ", "") == (long_street + "518057 深圳 广东CNTel 13912345678").replace(" ", "")
    label = make_label("EA123456785CN", to=Address("王小明", (long_street, "518057 深圳 广东", "CN"), "13912345678"))
    assert label_pdf.render(label).startswith(b"%PDF")
    assert "科兴科学园" in label_zpl.render(label).decode()
    with pytest.raises(AddressTooLong, match="too long"):
        address_layout([long_street * 8], 764)


def test_long_names_shrink_then_are_refused():
    from app.shipping.label_pdf import AddressTooLong, name_size

    assert name_size("王小明", 764) == 44
    assert name_size("Wolfeschlegelsteinhausenbergerdorff Hubert Blaine", 764) < 44
    with pytest.raises(AddressTooLong, match="name is too long"):
        name_size("名" * 60, 764)


def test_zpl_graphic_mode_draws_chinese_as_bitmaps():
    label = make_label("EA123456785CN")
    zpl = label_zpl.render(label, 300, cjk_mode="graphic").decode("ascii")  # nothing left that needs a CJK font
    assert "^AJN" not in zpl and "王小明" not in zpl
    fields = re.findall(r"\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)\^FS", zpl)
    assert fields
    for total, _, per_row, data in fields:
        assert len(data) == 2 * int(total) and int(total) % int(per_row) == 0
        assert set(data) != {"0"}  # ink on every bitmap
    assert "^FD1Z" not in zpl and "^FDEA123456785CN^FS" in zpl  # barcodes and Latin text stay printer-native
