"""Expected deliveries read from a supplier's files (issue 18, item 1): CSV, EDIFACT DESADV (D.96A, D.01B) and
ORDRSP (D.96A), from real files under tests/data/goodsin; every refusal a Problem naming record and field.
No database."""

from __future__ import annotations

import ast
import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from random import Random

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given, settings
from hypothesis import strategies as st

from app.goodsin import formats
from app.goodsin.formats import CSV_COLUMNS, ExpectedDelivery, ExpectedLine, Problem, parse, template

DATA = Path(__file__).resolve().parents[1] / "data" / "goodsin"
HEADER = ",".join(CSV_COLUMNS) + "\n"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_csv_two_deliveries() -> None:
    deliveries, problems = parse(read("deliveries.csv"))
    assert problems == []
    assert deliveries == [
        ExpectedDelivery(
            reference="DN-1001", supplier="Acme Supplies Ltd", expected_on=date(2026, 3, 2), purchase_order="PO-4711",
            ssccs=("376130321109103420",),
            lines=(
                ExpectedLine(line=2, sku="", gtin="04006381333931", quantity=24, lot="L2603A",
                             expiry=date(2027, 2, 28), sscc="376130321109103420"),
                ExpectedLine(line=3, sku="SKU-00042", gtin="", quantity=6),
                ExpectedLine(line=6, sku="SKU-00044", gtin="04012345000023", quantity=12, lot="L2603B",
                             expiry=date(2026, 12, 31), sscc="376130321109103420"),
            ),
        ),
        ExpectedDelivery(
            reference="DN-1002", supplier="Müller, Söhne & Co", expected_on=date(2026, 3, 5), purchase_order="",
            ssccs=("376130321109103437",),
            lines=(
                ExpectedLine(line=4, sku="SKU-00043", gtin="04012345000016", quantity=10, sscc="376130321109103437"),
                # what a supplier wrote stays plain text
                ExpectedLine(line=7, sku="SKU-00045", gtin="", quantity=3, lot='<b>lot "7"</b>'),
            ),
        ),
    ]
    assert parse(read("deliveries.csv"), "csv") == (deliveries, [])


def test_desadv_d96a_two_pallets_with_lots_and_best_before() -> None:
    data = read("desadv_d96a.edi")
    assert data.startswith(b"UNA:+.? '") and b"O?'Brien ?+ S\xf6hne" in data  # Latin-1 (UNOC), release characters
    deliveries, problems = parse(data)
    assert problems == []
    assert deliveries == [
        ExpectedDelivery(
            reference="DN-260227-01", supplier="O'Brien + Söhne GmbH", expected_on=date(2026, 3, 2),
            purchase_order="PO-2026-0042", ssccs=("340123450000000017", "340123450000000024"),
            lines=(
                ExpectedLine(line=1, sku="SKU-00001", gtin="04012345000016", quantity=48, lot="L2602A",
                             expiry=date(2027, 1, 31), sscc="340123450000000017"),
                ExpectedLine(line=2, sku="ART-200", gtin="04012345000023", quantity=24, lot="L2602B",
                             expiry=date(2026, 11, 30), sscc="340123450000000017"),
                ExpectedLine(line=3, sku="SKU-00001", gtin="04012345000016", quantity=12, lot="L2602C",
                             expiry=date(2027, 2, 28), sscc="340123450000000024"),
            ),
        )
    ]
    assert parse(data, "desadv") == (deliveries, [])


def test_desadv_d01b_two_messages_are_two_deliveries() -> None:
    deliveries, problems = parse(read("desadv_d01b.edi"))
    assert problems == []
    assert deliveries == [
        ExpectedDelivery(
            # NAD+SU without a name: the GLN; a GIN range of three pallets: all announced, the line's pallet unknown
            reference="ASN-9001", supplier="5790000000005", expected_on=date(2026, 3, 4), purchase_order="PO-2026-0050",
            ssccs=("357900000000001010", "357900000000001027", "357900000000001034"),
            lines=(ExpectedLine(line=10, sku="", gtin="05712345000014", quantity=300, lot="B-77/2026",
                                expiry=date(2026, 12, 31), sscc=""),),
        ),
        ExpectedDelivery(
            reference="ASN-9002", supplier="Nordic Foods A/S", expected_on=date(2026, 3, 5), purchase_order="",
            ssccs=("357900000000002017",),
            lines=(
                ExpectedLine(line=1, sku="SKU-00077", gtin="", quantity=5, sscc="357900000000002017"),
                ExpectedLine(line=2, sku="", gtin="05712345000021", quantity=7, lot="N-1", sscc="357900000000002017"),
            ),
        ),
    ]


def test_ordrsp_lines_to_be_delivered() -> None:
    deliveries, problems = parse(read("ordrsp_d96a.edi"))
    assert problems == []
    # line 2: 24 of the 30 ordered (QTY+113); line 3 not accepted and line 4 none to deliver: not expected
    assert deliveries == [
        ExpectedDelivery(
            reference="ORSP-12856", supplier="O'Brien + Söhne GmbH", expected_on=date(2026, 3, 3),
            purchase_order="PO-2026-0042", ssccs=(),
            lines=(
                ExpectedLine(line=1, sku="ART-100", gtin="04012345000016", quantity=48),
                ExpectedLine(line=2, sku="ART-200", gtin="04012345000023", quantity=24),
            ),
        )
    ]
    assert parse(read("ordrsp_d96a.edi"), "ordrsp") == (deliveries, [])


def _truncated(cut_after: str) -> bytes:
    """The D96A file cut at a segment boundary, or in the middle of the segment ``cut_after`` names."""
    text = read("desadv_d96a.edi")
    return text[: text.index(cut_after.encode("iso8859-1")) + len(cut_after)]


D96A_CUT_AFTER_LIN3 = _truncated("LIN+3++4012345000016:EN'\n")

BAD = [
    pytest.param(HEADER.replace(",quantity", "").encode() + b"DN-1,Acme,,,SKU-1,,,,\n", "auto",
                 [Problem("line 1", "quantity", "the column is missing")], id="missing-column"),
    pytest.param(b"reference;sku;quantity\nDN-1;SKU-1;5\n", "csv",
                 [Problem("line 1", "reference;sku;quantity",
                          f"unknown column (the columns are: {', '.join(CSV_COLUMNS)})"),
                  Problem("line 1", "reference", "the column is missing (the file seems separated by ';': separate "
                                                 "columns with commas)"),
                  Problem("line 1", "quantity", "the column is missing (the file seems separated by ';': separate "
                                                "columns with commas)"),
                  Problem("line 1", "sku", "the columns sku and gtin are both missing: one of them is needed")],
                 id="semicolons"),
    pytest.param((HEADER + "DN-1,Acme,,,SKU-1,,0,,,\n").encode(), "csv",
                 [Problem("line 2", "quantity", "0 is not a quantity: it must be more than 0")], id="quantity-0"),
    pytest.param((HEADER + "DN-1,Acme,,,SKU-1,,-2,,,\nDN-1,Acme,,,SKU-1,,2.5,,,\n").encode(), "csv",
                 [Problem("line 2", "quantity", "-2 is negative: a quantity is a whole number more than 0"),
                  Problem("line 3", "quantity", "'2.5' is not a whole number more than 0")], id="quantity-negative"),
    pytest.param((HEADER + "DN-1,Acme,,,,4006381333932,5,,,\n").encode(), "csv",
                 [Problem("line 2", "gtin", "4006381333932 has a wrong check digit (it should end in 1)")],
                 id="gtin-check-digit"),
    pytest.param((HEADER + "DN-1,Acme,,,,,5,,,\n").encode(), "csv",
                 [Problem("line 2", "sku", "neither a sku nor a gtin: one of them is needed")], id="no-sku-no-gtin"),
    pytest.param((HEADER + "DN-1,Acme,,,SKU-1,,5,,,37613032110910342\n").encode(), "csv",
                 [Problem("line 2", "sscc", "37613032110910342 is not an SSCC: it has 17 digits, an SSCC has 18")],
                 id="sscc-17-digits"),
    pytest.param((HEADER + "DN-1,Acme,,,SKU-1,,5,,,376130321109103421\n").encode(), "csv",
                 [Problem("line 2", "sscc", "376130321109103421 has a wrong check digit (it should end in 0)")],
                 id="sscc-check-digit"),
    pytest.param((HEADER + "DN-1,Acme,,,SKU-1,,5,L1,31.12.2026,\n").encode(), "csv",
                 [Problem("line 2", "expiry", "'31.12.2026' is not a date written YYYY-MM-DD")], id="expiry-not-iso"),
    pytest.param((HEADER + "DN-1,Acme,,,SKU-1,,5,,,\nDN-2,Other,,,SKU-1,,1,,,\nDN-1,Acme Ltd,,,SKU-2,,5,,,\n").encode(),
                 "csv", [Problem("line 4", "supplier", "delivery DN-1 has supplier 'Acme' on line 2 and 'Acme Ltd' "
                                                       "here: one delivery, one supplier")], id="two-suppliers"),
    pytest.param((HEADER + "DN-1,Acme,,,SKU-1,,5,,,\nDN-1,M").encode() + "üller,,,SKU-2,,5,,,\n".encode("latin-1"),
                 "auto", [Problem("line 3", "encoding", "byte 0xfc is not UTF-8: save the file as UTF-8 (CSV UTF-8)")],
                 id="not-utf8"),
    pytest.param(D96A_CUT_AFTER_LIN3, "auto",
                 [Problem("segment 37 (LIN)", "UNZ", "the interchange ends without its UNZ trailer: the file is "
                                                     "truncated"),
                  Problem("segment 3 (UNH)", "UNT", "the message has no UNT trailer: the file is truncated")],
                 id="edifact-no-unt-unz"),
    pytest.param(_truncated("LIN+3++40123"), "desadv",
                 [Problem("segment 37", "syntax", "not readable as EDIFACT, after segment 36 (GIN): the file ends in "
                                                  "the middle of a segment (truncated?)")], id="edifact-cut-mid-segment"),
    pytest.param(read("ordrsp_d96a.edi"), "desadv",
                 [Problem("segment 3 (UNH)", "UNH", "the message is ORDRSP, not DESADV")], id="edifact-wrong-type"),
    pytest.param(read("deliveries.csv"), "xml",
                 [Problem("file", "format", "'xml' is not a format: auto, csv, desadv or ordrsp")], id="unknown-fmt"),
    pytest.param(b"", "auto", [Problem("file", "data", "the file is empty")], id="empty"),
]


@pytest.mark.parametrize(("data", "fmt", "expected"), BAD)
def test_bad_input_is_a_problem_naming_record_and_field(data: bytes, fmt: str, expected: list[Problem]) -> None:
    deliveries, problems = parse(data, fmt)
    assert problems == expected
    assert all(d.reference != "DN-1" for d in deliveries)  # a delivery with a problem is not returned


def test_the_good_delivery_of_a_file_is_still_returned() -> None:
    data = (HEADER + "DN-1,Acme,,,SKU-1,,0,,,\nDN-2,Acme,,,SKU-1,,4,,,\n").encode()
    deliveries, problems = parse(data)
    assert [d.reference for d in deliveries] == ["DN-2"]
    assert [p.text() for p in problems] == ["line 2, quantity: 0 is not a quantity: it must be more than 0"]


def _desadv(*body: str) -> bytes:
    """One DESADV in an interchange: UNA is segment 1, UNB 2, UNH 3, BGM 4, NAD 5, then ``body`` from 6."""
    segments = ["UNH+1+DESADV:D:96A:UN:EAN005", "BGM+351+DN-9+9", "NAD+SU+4012345000009::9++Acme", *body]
    segments.append(f"UNT+{len(segments) + 1}+1")
    return ("UNA:+.? 'UNB+UNOC:3+4012345000009:14+4098765000003:14+260227:1630+X1'" + "".join(s + "'" for s in segments)
            + "UNZ+1+X1'").encode()


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param(("CPS+1", "LIN+1++4012345000017:EN", "QTY+12:5"),
                 [Problem("segment 7 (LIN)", "gtin", "4012345000017 has a wrong check digit (it should end in 6)")],
                 id="gtin-check-digit"),
    pytest.param(("CPS+1", "GIN+BJ+34012345000000001", "LIN+1++4012345000016:EN", "QTY+12:5"),
                 [Problem("segment 7 (GIN)", "sscc", "34012345000000001 is not an SSCC: it has 17 digits, an SSCC has 18")],
                 id="sscc-17-digits"),
    pytest.param(("CPS+1", "LIN+1++4012345000016:EN", "QTY+12:0"),
                 [Problem("segment 8 (QTY)", "quantity", "0 is not a quantity: it must be more than 0"),
                  Problem("segment 7 (LIN)", "quantity", "the line has no QTY+12 (despatch quantity)")],
                 id="quantity-0"),
    pytest.param(("CPS+1", "LIN+1++4012345000016:EN", "QTY+12:5", "DTM+361:20261331:102"),
                 [Problem("segment 9 (DTM)", "expiry", "'20261331' is not a date in format 102")], id="bad-date"),
    pytest.param(("CPS+1", "LIN+1++4012345000016:EN", "QTY+12:5", "PCI+36E", "GIN+BX+A1", "PCI+36E", "GIN+BX+A2"),
                 [Problem("segment 7 (LIN)", "lot", "one line announces 2 lots (A1, A2): the station reads one lot "
                                                    "a line, send one LIN a lot")], id="two-lots-one-line"),
    pytest.param(("CPS+1", "LIN+1++4012345000016:EN", "QTY+12:5", "CPS+2+1", "LIN+1++4012345000023:EN", "QTY+12:1"),
                 [Problem("segment 10 (LIN)", "line", "line number 1 is used twice in the message (first at segment 7 "
                                                     "(LIN))")], id="lin-number-twice"),
])
def test_desadv_problems(body: tuple[str, ...], expected: list[Problem]) -> None:
    assert parse(_desadv(*body)) == ([], expected)


def test_desadv_package_lot_and_parent_sscc_pass_to_lines() -> None:
    deliveries, problems = parse(_desadv(
        "CPS+1", "PAC+1++201", "PCI+33E", "GIN+BJ+340123450000000017", "GIN+BX+P-LOT", "DTM+36:20270101:102",
        "CPS+2+1", "PAC+4++CT", "LIN+1++4012345000016:EN", "QTY+12:5",
    ))
    assert problems == []
    assert deliveries[0].lines == (ExpectedLine(line=1, sku="", gtin="04012345000016", quantity=5, lot="P-LOT",
                                                expiry=date(2027, 1, 1), sscc="340123450000000017"),)


def test_auto_tells_edifact_from_csv() -> None:
    assert formats.looks_like_edifact(read("desadv_d96a.edi"))
    assert formats.looks_like_edifact(b"\xef\xbb\xbfUNH+1+DESADV:D:96A:UN'")
    assert not formats.looks_like_edifact(read("deliveries.csv"))
    assert not formats.looks_like_edifact(b"UNHAPPY,supplier\n")


def test_template_parses_cleanly() -> None:
    text = template()
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert len(text.splitlines()) == 3
    deliveries, problems = parse(text.encode())
    assert problems == []
    assert [len(d.lines) for d in deliveries] == [2]


def test_problem_text() -> None:
    assert Problem("line 7", "gtin", "4006381333932 has a wrong check digit (it should end in 1)").text() == (
        "line 7, gtin: 4006381333932 has a wrong check digit (it should end in 1)")


def test_the_module_imports_no_database_and_no_qt() -> None:
    tree = ast.parse(Path(formats.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"db", "sqlalchemy", "PySide6", "app"}


# --- property: any CSV built from valid rows parses back to the same values ---------------------------------------

_plain = st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))
_numbers = st.text(_plain, min_size=1, max_size=64)
_names = st.text(_plain, min_size=1, max_size=80)
_twelve = st.text("0123456789", min_size=12, max_size=12)
_gtins = _twelve.map(lambda body: body + str(gs1_standard_check_digit(body)))
_ssccs = st.text("0123456789", min_size=17, max_size=17).map(lambda body: body + str(gs1_standard_check_digit(body)))
_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def _lines(draw: st.DrawFn) -> ExpectedLine:
    """A valid line (its number comes from where it lands in the file); the GTIN as written, 13 digits."""
    gtin = draw(st.just("") | _gtins)
    sku = draw(_numbers) if not gtin else draw(st.just("") | _numbers)
    return ExpectedLine(line=0, sku=sku, gtin=gtin, quantity=draw(st.integers(1, 10**6)),
                        lot=draw(st.just("") | _numbers), expiry=draw(st.none() | _dates),
                        sscc=draw(st.just("") | _ssccs))


@st.composite
def _deliveries(draw: st.DrawFn) -> ExpectedDelivery:
    return ExpectedDelivery(reference=draw(_numbers), supplier=draw(st.just("") | _names),
                            expected_on=draw(st.none() | _dates), purchase_order=draw(st.just("") | _numbers),
                            ssccs=(), lines=tuple(draw(st.lists(_lines(), min_size=1, max_size=4))))


@settings(max_examples=150, deadline=None)
@given(st.lists(_deliveries(), min_size=1, max_size=4, unique_by=lambda d: d.reference), st.randoms())
def test_any_csv_of_valid_rows_parses_back(deliveries: list[ExpectedDelivery], random: Random) -> None:
    rows = [(d, l) for d in deliveries for l in d.lines]
    random.shuffle(rows)  # rows of one delivery need not be together
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d, l in rows:
        writer.writerow([d.reference, d.supplier, d.expected_on.isoformat() if d.expected_on else "", d.purchase_order,
                         l.sku, l.gtin, l.quantity, l.lot, l.expiry.isoformat() if l.expiry else "", l.sscc])
    parsed, problems = parse(out.getvalue().encode("utf-8"))
    assert problems == []
    expected: dict[str, ExpectedDelivery] = {}
    for number, (d, l) in enumerate(rows, start=2):
        line = replace(l, line=number, gtin=l.gtin.zfill(14) if l.gtin else "")
        lines = expected[d.reference].lines + (line,) if d.reference in expected else (line,)
        expected[d.reference] = replace(d, lines=lines, ssccs=tuple(dict.fromkeys(x.sscc for x in lines if x.sscc)))
    assert parsed == list(expected.values())
