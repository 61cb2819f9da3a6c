"""EDIFACT ORDERS read as the buyer means them (issue 20, item 6): the buyer's and the supplier's article numbers
(LIN ...:SA, PIA ...:SA/:IN/:BP) found through the catalogue's cross-references (product_refs, set by the products
file's buyer_code and supplier_code columns), QTY+21 or QTY+1, the order date (DTM+4, else DTM+137), the wanted date
(DTM+10, 2, 63 or 64) as the promised date, the currency from CUX else the channel's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.catalogue.products import import_products
from app.config import Settings
from app.intake.formats import edifact
from app.intake.model import IncomingOrder, RecordError
from app.intake.service import import_records
from app.uow import Actor
from db.models import Order, Product, ProductRef
from tests.helpers.reference import seed_small_warehouse

BUYER = "4012345000009"
OTHER_BUYER = "4098765000003"
ADMIN = Actor(user="admin", role="admin")


def interchange(*bodies: list[str]) -> bytes:
    head = f"UNA:+.? 'UNB+UNOC:3+{BUYER}:14+6901234000004:14+261120:0915+ICR0077++ORDERS'"
    messages = []
    for number, body in enumerate(bodies, start=1):
        segments = [f"UNH+{number}+ORDERS:D:96A:UN:EAN008", *body]
        segments.append(f"UNT+{len(segments) + 1}+{number}")
        messages.append("'".join(segments) + "'")
    return (head + "".join(messages) + f"UNZ+{len(bodies)}+ICR0077'").encode("iso8859-1")


HEADER = [
    "BGM+220+PO-88001+9",
    "DTM+137:20261120091500:204",
    "DTM+4:20261119:102",
    "DTM+63:20261125:102",
    f"NAD+BY+{BUYER}::9++Müller Handels GmbH",
    "NAD+SU+6901234000004::9++Warehouse Station Demo",
    "NAD+DP+4012345000023::9++Müller Lager Hamburg+Lagerstrasse 5+Hamburg++20095+DE",
]
LINES = [
    "LIN+1++MUG-350:SA", "QTY+21:4", "PRI+AAA:15",  # the supplier's number the buyer knows for our MUG
    "LIN+2", "PIA+5+B-LAMP-01:IN", "IMD+F++:::Schreibtischlampe", "QTY+1:1", "PRI+AAA:99",  # the buyer's own number
    "LIN+3++LAMP-XL:SA", "QTY+21:2", "PRI+AAA:129",  # a supplier's number that is our SKU
    "LIN+4++4006381333931:EN", "PIA+1+B-MUG:BP", "QTY+21:1.5", "PRI+AAA:15",  # a GTIN first; a decimal quantity
]


def test_article_numbers_quantities_dates_and_currency_are_read():
    [order] = edifact.parse(interchange([*HEADER, *LINES, "UNS+S"]), "po.edi", currency="EUR")
    assert isinstance(order, IncomingOrder), order
    assert [(l.sku, l.gtin, l.quantity, l.quantity_text, l.refs) for l in order.lines] == [
        ("MUG-350", "", 4, "", (("supplier", "6901234000004", "MUG-350"),)),
        ("", "", 1, "", (("buyer", BUYER, "B-LAMP-01"),)),
        ("LAMP-XL", "", 2, "", (("supplier", "6901234000004", "LAMP-XL"),)),
        ("", "4006381333931", 2, "1.5", (("buyer", BUYER, "B-MUG"),)),
    ]
    assert order.lines[1].name == "Schreibtischlampe" and order.lines[1].label() == "B-LAMP-01"
    assert order.placed_at == datetime(2026, 11, 19, tzinfo=UTC)  # the order date, not the message's
    assert order.promised_ship_at == datetime(2026, 11, 25, tzinfo=UTC)  # the latest delivery date
    assert order.currency == "EUR"  # no CUX: the channel's
    assert order.goods_cents == 4 * 1500 + 9900 + 2 * 12900 + 2250  # 1.5 x 15.00 as written
    [with_cux] = edifact.parse(interchange([*HEADER, "CUX+2:CHF:9", *LINES, "UNS+S"]), "po.edi", currency="EUR")
    assert isinstance(with_cux, IncomingOrder) and with_cux.currency == "CHF"
    [default] = edifact.parse(interchange([*HEADER, *LINES, "UNS+S"]), "po.edi")
    assert isinstance(default, IncomingOrder) and default.currency == "CNY"


def test_the_wanted_date_best_first():
    def promised(*dates: str):
        body = ["BGM+220+PO-2+9", "DTM+137:20261120:102", *dates, "LIN+1++4006381333931:EN", "QTY+21:1", "UNS+S"]
        [order] = edifact.parse(interchange(body), "x.edi")
        assert isinstance(order, IncomingOrder), order
        return order.promised_ship_at.date().isoformat() if order.promised_ship_at else None

    assert promised("DTM+64:20261122:102", "DTM+63:20261126:102", "DTM+2:20261124:102") == "2026-11-24"
    assert promised("DTM+64:20261122:102", "DTM+63:20261126:102") == "2026-11-26"
    assert promised("DTM+64:20261122:102") == "2026-11-22"
    assert promised("DTM+10:20261121:102", "DTM+2:20261124:102") == "2026-11-21"
    assert promised() is None


def test_a_line_with_no_article_number_at_all_is_the_records_fault():
    body = ["BGM+220+PO-3+9", "DTM+137:20261120:102", "LIN+1", "QTY+21:1", "UNS+S"]
    [record] = edifact.parse(interchange(body), "x.edi")
    assert isinstance(record, RecordError)
    assert "no article number" in record.error


def products_file(tmp_path, rows: list[str]):
    path = tmp_path / "products.csv"
    path.write_text("sku,name_en,buyer_code,supplier_code\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_catalogue_finds_edi_lines_by_their_cross_references(ctx, tmp_path):
    seed_small_warehouse(ctx)
    result = import_products(ctx.sessions, products_file(tmp_path, [
        f"MUG,Mug,{BUYER}:B-MUG,MUG-350",
        f"LAMP,Lamp,{BUYER}:b-lamp-01;{OTHER_BUYER}:L-1,",
    ]), ADMIN)
    assert (result.created, result.updated, result.rejected) == (0, 2, [])
    with ctx.sessions() as s:
        refs = sorted((r.kind, r.party, r.code) for r in s.scalars(select(ProductRef)))
    assert refs == [("buyer", BUYER, "B-LAMP-01"), ("buyer", BUYER, "B-MUG"), ("buyer", OTHER_BUYER, "L-1"),
                    ("supplier", "", "MUG-350")]

    unknown = ["LIN+5", "PIA+5+B-NOPE:IN", "IMD+F++:::Unbekannter Artikel", "QTY+21:1", "PRI+AAA:5"]
    other_buyers = ["LIN+6", "PIA+5+L-1:IN", "QTY+21:1"]  # L-1 is another buyer's number: not ours to read
    second = ["BGM+220+PO-88002+9", "DTM+137:20261120:102", f"NAD+BY+{BUYER}::9", "LIN+1++MUG-350:SA", "QTY+21:2",
              "PRI+AAA:15", "UNS+S"]
    summary = import_records(ctx.sessions, Settings(), edifact.parse(
        interchange([*HEADER, *LINES, *unknown, *other_buyers, "UNS+S"], second), "po.edi", currency="EUR"))
    assert summary.rejected == [] and summary.imported == 2
    with ctx.sessions() as s:
        first = s.scalar(select(Order).where(Order.external_id == "PO-88001"))
        assert [(l.sku, l.quantity, l.product_id is not None) for l in first.lines] == [
            ("MUG", 4, True), ("LAMP", 1, True), ("LAMP-XL", 2, True), ("MUG", 2, True), ("B-NOPE", 1, False),
            ("L-1", 1, False)]
        assert first.lines[4].name == "Unbekannter Artikel"
        assert first.status == "review" and first.currency == "EUR"
        messages = {f.code: f.message for f in first.flags}
        assert messages["unknown_sku"] == "not in the catalogue: B-NOPE, L-1"
        assert messages["decimal_quantity"] == ("quantity 1.5 of MUG is not a whole number of units "
                                                "(2 kept until a person decides)")
        clean = s.scalar(select(Order).where(Order.external_id == "PO-88002"))
        assert [(l.sku, l.product_id is not None) for l in clean.lines] == [("MUG", True)]
        assert [f.code for f in clean.flags if f.code in ("unknown_sku", "decimal_quantity")] == []


def test_the_products_file_keeps_one_product_a_number(ctx, tmp_path):
    seed_small_warehouse(ctx)
    first = [f"MUG,Mug,{BUYER}:B-MUG,MUG-350", "LAMP,Lamp,B-LAMP,"]
    assert import_products(ctx.sessions, products_file(tmp_path, first), ADMIN).updated == 2
    again = import_products(ctx.sessions, products_file(tmp_path, first), ADMIN)
    assert (again.updated, again.unchanged) == (0, 2)  # the same file twice changes nothing

    clash = import_products(ctx.sessions, products_file(tmp_path, ["LAMP-XL,Lamp XL,,MUG-350"]), ADMIN)
    assert [(r.record, r.error) for r in clash.rejected] == [("row 2 (LAMP-XL)", "supplier_code: MUG-350 belongs to MUG")]
    twice = import_products(ctx.sessions, products_file(tmp_path, ["LAMP-XL,Lamp XL,B-X,", "LAMP,Lamp,B-X,"]), ADMIN)
    assert [(r.record, r.error) for r in twice.rejected] == [("row 3 (LAMP)", "buyer_code: B-X is also given to row 2 (LAMP-XL)")]

    # a number moves from one product to another in one file; a column left out keeps what a product has
    moved = import_products(ctx.sessions, products_file(tmp_path, [f"MUG,Mug,{BUYER}:B-MUG,", "LAMP-XL,Lamp XL,,MUG-350"]),
                            ADMIN)
    assert moved.rejected == [] and moved.updated == 2
    path = tmp_path / "names.csv"
    path.write_text("sku,name_en\nLAMP,Desk lamp\n", encoding="utf-8")
    assert import_products(ctx.sessions, path, ADMIN).updated == 1
    with ctx.sessions() as s:
        held = sorted((r.kind, r.party, r.code, s.get(Product, r.product_id).sku) for r in s.scalars(select(ProductRef)))
    assert held == [("buyer", "", "B-LAMP", "LAMP"), ("buyer", BUYER, "B-MUG", "MUG"), ("supplier", "", "MUG-350", "LAMP-XL")]
