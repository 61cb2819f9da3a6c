"""Catalogue and opening stock imports on SQLite and PostgreSQL: our CSV and JSON, Shopify's and WooCommerce's
products JSON (recorded samples in tests/data/catalogue shaped as the shops' API docs show), idempotence, and
bad records named with their field, changing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.catalogue import queries
from app.catalogue.formats import template
from app.catalogue.products import import_products
from app.catalogue.stock import adjust, import_stock
from app.errors import InvalidInput, PermissionDenied
from app.uow import Actor
from db.models import Bin, Product, Warehouse, product_substitutes
from db.models.stock import StockLedgerEntry

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogue"
ADMIN = Actor(station="ADMIN-1", user="admin", role="admin")


def _write(tmp_path, name, text) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _product(ctx, sku):
    with ctx.sessions() as s:
        p = s.scalar(select(Product).where(Product.sku == sku))
        if p is None:
            return None, []
        gtins = sorted((g.gtin, g.units) for g in p.gtins)
        s.expunge_all()
        return p, gtins


CSV = """sku,name_en,name_zh,weight_g,length_mm,width_mm,height_mm,fragile,tracks_lot,gtins,case_gtins,substitutes,picture
MUG-1,Enamel mug,搪瓷杯,320,120,90,95,yes,no,4006381333931,14006381333938:12,MUG-2,/pictures/mug.png
MUG-2,Mug &amp; saucer,杯碟,,,,,no,yes,,,,
BAD-1,Bad digit,,,,,,no,no,4006381333932,,,
DUP-1,Same GTIN,,,,,,no,no,4006381333931,,,
SUB-1,Unknown substitute,,,,,,no,no,,,NOPE,
NEG-1,Negative,,-5,,,,no,no,,,,
"""


def test_csv_import_names_bad_records_and_is_idempotent(ctx, tmp_path):
    path = _write(tmp_path, "products.csv", CSV)
    first = import_products(ctx.sessions, path, ADMIN)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    errors = {r.record: r.error for r in first.rejected}
    assert errors == {
        "row 4 (BAD-1)": "gtins: 4006381333932 has a wrong check digit (it should end in 1)",
        "row 5 (DUP-1)": "gtins: 04006381333931 is also given to row 2 (MUG-1)",
        "row 6 (SUB-1)": "substitutes: no product NOPE in the catalogue or the file",
        "row 7 (NEG-1)": "weight_g: '-5' must be 0 or more",
    }
    mug, gtins = _product(ctx, "MUG-1")
    assert (mug.name_zh, mug.weight_g, mug.length_mm, mug.fragile, mug.picture) == ("搪瓷杯", 320, 120, True, "/pictures/mug.png")
    assert gtins == [("04006381333931", 1), ("14006381333938", 12)]
    saucer, _ = _product(ctx, "MUG-2")
    assert saucer.name_en == "Mug & saucer" and saucer.tracks_lot and saucer.weight_g == 0 and saucer.length_mm is None
    for bad in ("BAD-1", "DUP-1", "SUB-1", "NEG-1"):
        assert _product(ctx, bad)[0] is None
    with ctx.sessions() as s:
        assert s.execute(select(func.count()).select_from(product_substitutes)).scalar() == 1

    again = import_products(ctx.sessions, path, ADMIN)
    assert (again.created, again.updated, again.unchanged, len(again.rejected)) == (0, 0, 2, 4)

    changed = _write(tmp_path, "changed.csv", "sku,name_en,weight_g,gtins\nMUG-1,Enamel mug,330,4006381333931\n")
    third = import_products(ctx.sessions, changed, ADMIN)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 0)
    mug, gtins = _product(ctx, "MUG-1")
    assert mug.weight_g == 330 and mug.name_zh == "搪瓷杯" and mug.fragile  # columns left out keep their values
    assert gtins == [("04006381333931", 1)]


def test_a_gtin_of_another_product_in_the_catalogue_is_refused(ctx, tmp_path):
    import_products(ctx.sessions, _write(tmp_path, "a.csv", "sku,name_en,gtins\nA-1,First,4006381333931\n"), ADMIN)
    result = import_products(ctx.sessions, _write(tmp_path, "b.csv", "sku,name_en,gtins\nB-1,Second,04006381333931\n"), ADMIN)
    assert result.created == 0
    assert [(r.record, r.error) for r in result.rejected] == [("row 2 (B-1)", "gtins: 04006381333931 belongs to A-1")]


def test_a_csv_without_a_required_column_changes_nothing(ctx, tmp_path):
    with pytest.raises(InvalidInput, match="lacks the column name_en"):
        import_products(ctx.sessions, _write(tmp_path, "p.csv", "sku,weight_g\nX,1\n"), ADMIN)
    with pytest.raises(InvalidInput, match="columns the catalogue does not know: colour"):
        import_products(ctx.sessions, _write(tmp_path, "p.csv", "sku,name_en,colour\nX,Y,red\n"), ADMIN)
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 0


def test_the_template_is_a_file_the_import_takes(ctx, tmp_path):
    result = import_products(ctx.sessions, _write(tmp_path, "t.csv", template()), ADMIN)
    assert (result.created, result.rejected) == (1, [])


def test_only_an_admin_imports(ctx, tmp_path):
    with pytest.raises(PermissionDenied):
        import_products(ctx.sessions, _write(tmp_path, "t.csv", template()), Actor(user="p", role="packer"))


def test_shopify_products_variants_become_skus(ctx):
    result = import_products(ctx.sessions, DATA / "shopify_products.json", ADMIN)  # told by its content
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert [(r.record, r.error) for r in result.rejected] == [
        ("variant 457924702 (IPOD2008BLACK)", "gtins: 1234567890129 has a wrong check digit (it should end in 8)")]
    pink, gtins = _product(ctx, "IPOD2008PINK")
    assert pink.name_en == "IPod Nano - 8GB - Pink" and pink.weight_g == 567 and pink.price_cents == 19900
    assert gtins == [("01234567890128", 1)] and pink.fragile and pink.high_value and not pink.hazmat
    assert pink.picture.endswith("ipod-nano-2.png?v=1704205723")  # the variant's own image
    assert pink.length_mm is None  # Shopify carries no dimensions
    red, _ = _product(ctx, "IPOD2008RED")
    assert red.weight_g == 0 and red.picture.endswith("ipod-nano.png?v=1704205723")
    touch, gtins = _product(ctx, "IPOD2009BLACK")
    assert touch.name_en == "IPod Touch 8GB" and gtins == []
    count, gaps = queries.product_gaps(ctx.sessions)
    assert count == 3 and {g.sku: g.gaps for g in gaps}["IPOD2008RED"] == ["weight", "dimensions"]
    again = import_products(ctx.sessions, DATA / "shopify_products.json", ADMIN, "shopify")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_woocommerce_products_and_variations(ctx):
    result = import_products(ctx.sessions, DATA / "woocommerce_products.json", ADMIN)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert [(r.record, r.error) for r in result.rejected] == [
        ("variation 801 (HOODIE-GREEN)", "gtins: 4006381333949 has a wrong check digit (it should end in 8)")]
    premium, gtins = _product(ctx, "WOO-PREMIUM")
    assert premium.name_en == "Premium Quality & Care"  # HTML entities decoded
    assert (premium.weight_g, premium.length_mm, premium.width_mm, premium.height_mm) == (350, 200, 155, 30)
    assert premium.category == "Clothing" and premium.fragile and gtins == [("05901234123457", 1)]
    black, gtins = _product(ctx, "HOODIE-BLACK")
    assert black.name_en == "Ship Your Idea – Hoodie - Black"
    assert (black.weight_g, black.length_mm) == (600, 300)  # the parent's weight and size where the variation has none
    assert gtins == [("04006381333948", 1)] and black.picture.endswith("T_4_front-11.jpg")
    again = import_products(ctx.sessions, DATA / "woocommerce_products.json", ADMIN, "woocommerce")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_native_json(ctx, tmp_path):
    doc = {"products": [{"sku": "J-1", "name_en": "Tea", "name_zh": "茶", "weight_g": 100,
                         "dimensions": {"length_mm": 100, "width_mm": 50, "height_mm": 50}, "flags": ["liquid"],
                         "gtins": ["4006381333931"], "case_gtins": [{"gtin": "14006381333938", "units": 6}],
                         "tracks_expiry": True},
                        {"sku": "J-2", "name_en": "Bad flag", "flags": ["sharp"]}]}
    result = import_products(ctx.sessions, _write(tmp_path, "p.json", json.dumps(doc)), ADMIN)
    assert result.created == 1
    assert [(r.record, r.error) for r in result.rejected] == [
        ("product 2 (J-2)", "flags: 'sharp' is not one of fragile, high_value, hazmat, liquid, restricted")]
    tea, gtins = _product(ctx, "J-1")
    assert tea.liquid and tea.tracks_expiry and tea.height_mm == 50 and gtins == [("04006381333931", 1), ("14006381333938", 6)]


def _warehouses(ctx):
    with ctx.sessions() as s:
        for code in ("WH1", "WH2"):
            w = Warehouse(code=code, name=code, country="DE", latitude=50.0, longitude=8.0)
            s.add(w)
            s.flush()
            s.add_all([Bin(warehouse_id=w.id, code="A01-01-1", aisle=1, position=1.0),
                       Bin(warehouse_id=w.id, code=f"{code}-ONLY", aisle=1, position=2.0)])
        s.commit()


STOCK = """sku,bin,on_hand,lot,expiry
MUG-1,WH1:A01-01-1,10,,
MUG-2,WH2-ONLY,5,L1,2027-01-31
MUG-1,A01-01-1,3,,
MUG-1,WH1-ONLY,-3,,
NOPE,WH1-ONLY,3,,
MUG-1,WH1:A01-01-1,11,,
MUG-1,ZZZ,1,,
MUG-2,WH1-ONLY,2,,
MUG-1,WH1-ONLY,2,,2027-13-01
"""


def test_opening_stock_lands_on_the_ledger_once(ctx, tmp_path):
    import_products(ctx.sessions, _write(tmp_path, "products.csv", CSV), ADMIN)
    _warehouses(ctx)
    path = _write(tmp_path, "stock.csv", STOCK)
    result = import_stock(ctx.sessions, path, ADMIN)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert [(r.record, r.error) for r in result.rejected] == [
        ("row 4 (MUG-1)", "bin: A01-01-1 is in warehouses WH1 and WH2: write WAREHOUSE:A01-01-1 or add a warehouse column"),
        ("row 5 (MUG-1)", "on_hand: '-3' must be 0 or more"),
        ("row 6 (NOPE)", "sku: no product NOPE in the catalogue"),
        ("row 7 (MUG-1)", "bin: MUG-1 in A01-01-1 is already in the file as row 2 (MUG-1)"),
        ("row 8 (MUG-1)", "bin: no bin ZZZ"),
        ("row 9 (MUG-2)", "lot: MUG-2 is tracked by lot; give the lot"),
        ("row 10 (MUG-1)", "expiry: '2027-13-01' is not a date (YYYY-MM-DD)"),
    ]
    places = queries.stock_of(ctx.sessions, "MUG-2")
    assert [(p.warehouse, p.bin, p.lot, str(p.expiry), p.on_hand) for p in places] == [("WH2", "WH2-ONLY", "L1", "2027-01-31", 5)]
    again = import_stock(ctx.sessions, path, ADMIN)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(StockLedgerEntry)) == 2

    recount = _write(tmp_path, "recount.csv", "sku,bin,on_hand\nMUG-1,WH1:A01-01-1,7\n")
    third = import_stock(ctx.sessions, recount, ADMIN)
    assert (third.created, third.updated) == (0, 1)
    done = adjust(ctx.sessions, "MUG-1", "A01-01-1", -2, "damaged", Actor(station="S", user="boss", role="supervisor"),
                  warehouse="WH1", note="found broken")
    assert (done.before, done.after) == (7, 5)
    lines = queries.ledger(ctx.sessions, "MUG-1")
    assert [(l.before, l.after, l.delta, l.reason, l.user) for l in lines] == [
        (7, 5, -2, "adjust", "boss"), (10, 7, -3, "opening", "admin"), (0, 10, 10, "opening", "admin")]
    assert lines[0].reference == "damaged: found broken" and lines[1].reference == "import recount.csv"
    with pytest.raises(InvalidInput, match="cannot take 9"):
        adjust(ctx.sessions, "MUG-1", "A01-01-1", -9, "miscount", ADMIN, warehouse="WH1")
    with pytest.raises(InvalidInput, match="not a reason code"):
        adjust(ctx.sessions, "MUG-1", "A01-01-1", -1, "typo", ADMIN, warehouse="WH1")
    with pytest.raises(InvalidInput, match="note: say why"):
        adjust(ctx.sessions, "MUG-1", "A01-01-1", -1, "other", ADMIN, warehouse="WH1")
    with pytest.raises(InvalidInput, match="takes stock away: the change must be less than 0"):
        adjust(ctx.sessions, "MUG-1", "A01-01-1", 1, "damaged", ADMIN, warehouse="WH1")
    assert queries.stock_of(ctx.sessions, "MUG-1")[0].on_hand == 5


def test_search_finds_by_sku_prefix_gtin_and_name(ctx, tmp_path):
    import_products(ctx.sessions, _write(tmp_path, "products.csv", CSV), ADMIN)
    assert [r.sku for r in queries.search_products(ctx.sessions, "MUG")] == ["MUG-1", "MUG-2"]
    assert [r.sku for r in queries.search_products(ctx.sessions, "mug-2")] == ["MUG-2"]
    assert [r.sku for r in queries.search_products(ctx.sessions, "4006381333931")] == ["MUG-1"]
    assert [r.sku for r in queries.search_products(ctx.sessions, "saucer")] == ["MUG-2"]
    assert [r.sku for r in queries.search_products(ctx.sessions, "杯碟")] == ["MUG-2"]
    assert queries.search_products(ctx.sessions, "100%_\\") == []


def test_the_shipped_examples_import(ctx):
    examples = Path(__file__).resolve().parents[2] / "resources" / "examples"
    for name in ("products.csv", "products.json"):
        result = import_products(ctx.sessions, examples / name, ADMIN)
        assert result.rejected == [] and result.created > 0, (name, result.as_json())
    with ctx.sessions() as s:
        w = Warehouse(code="MAIN", name="Main", country="DE", latitude=50.0, longitude=8.0)
        s.add(w)
        s.flush()
        for code in ("A01-01-1", "A01-01-2", "A01-02-1", "A02-01-1", "A02-02-1", "A02-03-1"):
            s.add(Bin(warehouse_id=w.id, code=code, aisle=int(code[1:3]), position=1.0))
        s.commit()
    result = import_stock(ctx.sessions, examples / "stock.csv", ADMIN)
    assert result.rejected == [] and result.created == 7
    count, gaps = queries.product_gaps(ctx.sessions)
    assert [g.sku for g in gaps] == ["CARD-GIFT"]
