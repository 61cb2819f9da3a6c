"""The README's "Set up your warehouse" guide, run as it is written: the shell block after ``<!-- go-live -->``
goes to bash line for line (``scripts/station`` and all), on an empty database of each backend, from a folder of
its own that sees the checkout's ``scripts`` and ``resources``. Only the database's address and the config file's
place are changed. Afterwards the database is read: the first real order is shipped on the carrier's manifest,
its units are off the shelf with a ``ship`` line on the stock ledger, and the label at the printer decodes to its
tracking number and an SSCC with the warehouse's own GS1 prefix.

If a command in the guide is renamed or its output changes shape, this test fails before a newcomer does."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from db.models import Order, Stock
from db.models.core import Product
from db.models.shipping import Parcel
from db.models.stock import StockLedgerEntry

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow]


def guide_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- go-live -->\s*```sh\n(.*?)\n```", text, re.S)
    assert found, "README.md has no go-live block (<!-- go-live --> then a ```sh block)"
    return found.group(1)


def test_the_guide_is_a_block_of_commands():
    block = guide_block()
    assert block.count("scripts/station ") >= 15
    assert "export STATION_DB_URL=" in block and "export STATION_CONFIG=" in block


@pytest.fixture
def shop():
    """The guide's shop: a stand-in for Shopify's Admin API on loopback, holding the customer's order."""
    from tests.helpers.shops import StandInShop

    s = StandInShop("shopify").start()
    s.add_order_with_lines(1001, [("MUG-350-WHT", 2), ("TEA-GRN-100", 1)], prices=["12.50", "8.90"])
    s.add_order_with_lines(1002, [("LAMP-DESK", 1)], prices=["39.00"])
    for sku in ("MUG-350-WHT", "TEA-GRN-100", "LAMP-DESK"):
        s.add_product(sku)
    yield s
    s.stop()


@pytest.mark.timeout(600)
def test_from_an_empty_database_to_the_first_order_shipped(db_url, tmp_path, shop):
    from tests.helpers.shops import SHOPIFY_TOKEN

    block = guide_block()
    # the test's database instead of the guide's; the config file in the test's folder; the stand-in shop
    block = re.sub(r"^export STATION_DB_URL=.*$", f"export STATION_DB_URL='{db_url}'", block, count=1, flags=re.M)
    block = block.replace("$HOME/station.json", str(tmp_path / "station.json"))
    block = block.replace("https://koeln-tee.myshopify.com", shop.url)
    block = block.replace("shpat_your_admin_api_token", SHOPIFY_TOKEN)
    for name in ("scripts", "resources"):
        (tmp_path / name).symlink_to(ROOT / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "home" / "config")
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=540)
    assert done.returncode == 0, f"the guide stopped (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    out = done.stdout
    assert "user jonas added" in out and "6 created" in out and "7 created" in out
    assert "RK-PAKET" in out  # the quote
    assert "1 parcels shipped" in out or "1 parcel shipped" in out
    assert (tmp_path / "jonas-badge.pdf").read_bytes().startswith(b"%PDF")
    assert "koeln-tee: 2 new" in out
    # The shop was told: one fulfilment of the two mugs and the tea, with the parcel's tracking number.
    [told] = shop.fulfilments["1001"]
    assert sorted(item["quantity"] for item in told["items"]) == [1, 2]
    assert shop.stock["MUG-350-WHT"] == 46  # and it sells what the shelf holds

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            order = conn.execute(select(Order.id, Order.status, Order.tracking_number)
                                 .where(Order.number == "WS00000001")).one()
            assert order.status == "shipped"
            parcel = conn.execute(select(Parcel.sscc, Parcel.manifest_id).where(Parcel.order_id == order.id)).one()
            assert parcel.manifest_id is not None
            assert told["tracking"]["number"] == order.tracking_number
            assert parcel.sscc[1:8] == "4012345"  # the warehouse's own GS1 company prefix, from the config file
            mug = conn.execute(select(Product.id).where(Product.sku == "MUG-350-WHT")).scalar_one()
            assert conn.execute(select(Stock.on_hand, Stock.reserved).where(Stock.product_id == mug)).one() == (46, 0)
            shipped = conn.execute(select(StockLedgerEntry.delta).where(StockLedgerEntry.reason == "ship",
                                                                         StockLedgerEntry.product_id == mug)).all()
            assert [row.delta for row in shipped] == [-2]
    finally:
        engine.dispose()
    assert "46 on hand" in out

    labels = sorted((tmp_path / "printed").glob("*label*.pdf"))
    assert labels, sorted(p.name for p in (tmp_path / "printed").iterdir())
    if shutil.which("pdftoppm") and shutil.which("zbarimg"):
        subprocess.run(["pdftoppm", "-r", "200", "-png", str(labels[0]), str(tmp_path / "label")], check=True)
        decoded = subprocess.run(["zbarimg", "-q", *map(str, sorted(tmp_path.glob("label*.png")))],
                                 capture_output=True, text=True).stdout
        assert f"CODE-128:{order.tracking_number}" in decoded
        assert "QR-Code:https://track.example.com/t/" in decoded
        assert f"CODE-128:00{parcel.sscc}" in decoded
