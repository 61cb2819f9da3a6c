"""The benchmark's generator and converters make valid files (no timing is asserted here)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from app.intake.detect import parse_file
from app.intake.model import IncomingOrder

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench"
sys.path.insert(0, str(BENCH))

import bench_parsing  # noqa: E402
import make_orders_file  # noqa: E402


def test_generated_file_is_deterministic_and_valid(tmp_path):
    a = make_orders_file.write(tmp_path / "a.json", 300, seed=3, skus=make_orders_file.sku_list(50))
    b = make_orders_file.write(tmp_path / "b.json", 300, seed=3, skus=make_orders_file.sku_list(50))
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    fmt, records = parse_file(a)
    orders = list(records)
    assert fmt == "json" and len(orders) == 300 and all(isinstance(o, IncomingOrder) for o in orders)
    assert {l.sku for o in orders for l in o.lines} <= set(make_orders_file.sku_list(50))
    assert all(1 <= len(o.lines) <= 5 for o in orders)
    assert len({o.external_id for o in orders}) == 300
    paid = [o for o in orders if o.payment_status == "paid"]
    assert paid and all(o.paid_cents == o.goods_cents - o.coupon_cents - o.points_cents + o.shipping_cents for o in paid)
    assert any(o.ship_to.country == "CN" for o in orders) and any(o.priority == 2 for o in orders)


def test_cli_writes_the_file(tmp_path, capsys):
    assert make_orders_file.main(["-o", str(tmp_path / "o.json"), "--orders", "20", "--skus", "5"]) == 0
    assert "20 orders" in capsys.readouterr().out


def test_bench_run_gives_figures_for_every_format():
    figures = bench_parsing.run(quick=True, orders=40)
    names = [f["name"] for f in figures]
    for fmt in ("json", "csv", "shopify", "woocommerce", "edifact"):
        assert any(n.startswith(f"parse {fmt} orders") for n in names)
    for figure in figures:
        assert set(figure) == {"name", "value", "unit", "backend", "goal"}
        assert figure["unit"] == "orders/s" and figure["value"] > 0
