"""The station command as an integrator runs it: a real process, real databases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

STATION = [sys.executable, "-m", "app.cli.main"]
ROOT = Path(__file__).resolve().parents[2]


def station(db_url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*STATION, "--db", db_url, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"station {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded(request, database_factory):
    """One demo database per backend for the read-only tests of this module."""
    from tests.conftest import require_backend

    require_backend(request.param)
    url = database_factory.create(request.param)
    station(url, "demo", "seed", "--orders", "300", "--seed", "3")
    yield url
    database_factory.drop(url)


def test_demo_seed_spreads_orders_over_every_status(seeded):
    orders = json.loads(station(seeded, "orders", "--limit", "1000", "--json").stdout)
    statuses = {o["status"] for o in orders}
    for status in ("review", "backordered", "allocated", "picking", "picked", "packing", "labelled", "shipped", "delivered", "returned"):
        assert status in statuses, status
    labelled = [o for o in orders if o["status"] in ("labelled", "shipped", "delivered")]
    assert labelled and all(o["tracking_number"] for o in labelled)


def test_demo_seed_is_deterministic(db_url, database_factory):
    other = database_factory.create("sqlite")
    try:
        for url in (db_url, other):
            station(url, "demo", "seed", "--orders", "60", "--seed", "9")
        def summary(url):
            return [(o["number"], o["status"], o["goods_cents"]) for o in json.loads(station(url, "orders", "--limit", "500", "--json").stdout)]
        assert summary(db_url) == summary(other)
    finally:
        database_factory.drop(other)


def test_order_json_has_the_contract_fields(seeded):
    review = json.loads(station(seeded, "orders", "--status", "review", "--limit", "1", "--json").stdout)[0]
    detail = json.loads(station(seeded, "order", review["number"], "--json").stdout)
    for key in ("number", "status", "channel", "lines", "review_flags", "tracking_number", "events", "station"):
        assert key in detail
    assert detail["review_flags"], "an order in review names its flags"
    assert {"sku", "quantity"} <= set(detail["lines"][0])
    assert {"at", "kind", "station", "user"} <= set(detail["events"][0])


def test_products_json(seeded):
    products = json.loads(station(seeded, "products", "--json").stdout)
    assert products and {"sku", "gtins", "name", "on_hand"} <= set(products[0])
    assert all(len(g) == 14 for p in products for g in p["gtins"])


def test_unknown_order_is_one_clear_line(seeded):
    result = station(seeded, "order", "WS99999999", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "station: no order 'WS99999999'"
    assert "Traceback" not in result.stderr


def test_import_twice_then_contract_json(db_url, tmp_path):
    station(db_url, "demo", "seed", "--orders", "0")
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": [
        {"channel": "web", "external_id": "A1", "placed_at": "2026-11-20T10:00:00+08:00",
         "customer": {"email": "a1@example.com", "name": "李雷"},
         "ship_to": {"name": "李雷", "address1": "世纪大道100号", "city": "上海市", "region": "上海市", "postcode": "200120", "country": "CN"},
         "lines": [{"sku": "SKU-00001", "quantity": 1, "price": "299.00"}],
         "shipping": "0", "payment": {"status": "paid", "amount": "299.00", "reference": "P1"}},
        {"channel": "web", "external_id": "A2", "placed_at": "2026-11-20T10:00:00+08:00",
         "ship_to": {"name": "X", "address1": "Y", "city": "上海市", "region": "上海市", "postcode": "200120", "country": "CN"},
         "lines": [{"sku": "NOT-A-SKU", "quantity": 1, "price": "10"}], "payment": {"status": "paid", "amount": "10"}},
        {"channel": "web", "external_id": "A3", "placed_at": "not a date", "lines": [{"sku": "SKU-00001", "quantity": 1}]},
    ]}), encoding="utf-8")
    first = json.loads(station(db_url, "import", str(path), "--json").stdout)
    assert first["imported"] == 2 and first["duplicates"] == 0
    assert len(first["rejected"]) == 1 and first["rejected"][0]["record"] == "order A3"
    assert "placed_at" in first["rejected"][0]["error"]
    second = json.loads(station(db_url, "import", str(path), "--json").stdout)
    assert second["imported"] == 0 and second["duplicates"] == 2
    unknown = json.loads(station(db_url, "orders", "--status", "review", "--json").stdout)
    flagged = [json.loads(station(db_url, "order", o["number"], "--json").stdout) for o in unknown]
    assert any("unknown_sku" in o["review_flags"] for o in flagged)


def test_malformed_file_is_one_clear_line(db_url, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"orders": [ {"external_id": ', encoding="utf-8")
    result = station(db_url, "import", str(path), check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "broken.json" in result.stderr
