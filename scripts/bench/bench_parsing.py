"""Parse rate of every intake format, in orders per second (issue 2: parsing must be cheap; native JSON
should parse at well over 20,000 orders/s so that intake + rules + confirmation reach 3,000 orders/s).

The same deterministic orders (scripts/bench/make_orders_file.py) are written in each format: native JSON
and CSV, Shopify and WooCommerce REST JSON, EDIFACT ORDERS D.96A. Each file is parsed from bytes to
``IncomingOrder`` objects through ``app.intake.detect.parse_bytes`` with detection on, as ``station import``
does; the best of a few runs is reported. The machine is shared: figures are noisy.

Usage: ``python scripts/bench/bench_parsing.py [--quick] [--json] [--orders N]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_orders_file  # noqa: E402

from app.intake.detect import parse_bytes  # noqa: E402
from app.intake.formats.native_csv import COLUMNS  # noqa: E402
from app.intake.model import IncomingOrder  # noqa: E402

GOALS = {"json": 20_000}


def native_json(orders: list[dict]) -> bytes:
    return json.dumps({"format": "warehouse-station/orders", "version": 1, "orders": orders},
                      ensure_ascii=False).encode("utf-8")


def native_csv(orders: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for o in orders:
        ship, cust = o["ship_to"], o.get("customer", {})
        coupon, points, pay = o.get("coupon", {}), o.get("points", {}), o.get("payment", {})
        head = {
            "external_id": o["external_id"], "channel": o["channel"], "placed_at": o["placed_at"],
            "currency": o.get("currency", ""), "customer_name": cust.get("name", ""),
            "customer_email": cust.get("email", ""), "shipping": o.get("shipping", ""),
            "coupon_code": coupon.get("code", ""), "coupon_amount": coupon.get("amount", ""),
            "points_used": points.get("used", ""), "points_amount": points.get("amount", ""),
            "payment_status": pay.get("status", ""), "payment_reference": pay.get("reference", ""),
            "paid_amount": pay.get("amount", ""), "priority": o.get("priority", ""),
            "service_level": o.get("service_level", ""), "promised_ship_at": o.get("promised_ship_at", ""),
            **{f"ship_{k}": v for k, v in ship.items()},
        }
        for line in o["lines"]:
            row = dict(head, sku=line["sku"], quantity=line["quantity"], price=line["price"])
            writer.writerow([row.get(c, "") for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def _cents(text: str) -> int:
    return int(text.replace(".", ""))


def shopify(orders: list[dict]) -> bytes:
    out = []
    for n, o in enumerate(orders, start=1):
        ship = o["ship_to"]
        goods = sum(_cents(l["price"]) * l["quantity"] for l in o["lines"])
        discount = _cents(o.get("coupon", {}).get("amount", "0")) + _cents(o.get("points", {}).get("amount", "0"))
        total = goods - discount + _cents(o["shipping"])
        out.append({
            "id": 5_000_000_000_000 + n, "admin_graphql_api_id": f"gid://shopify/Order/{5_000_000_000_000 + n}",
            "name": f"#{1000 + n}", "order_number": 1000 + n, "created_at": o["placed_at"], "currency": "CNY",
            "email": o["customer"]["email"], "financial_status": o["payment"]["status"], "fulfillment_status": None,
            "cancelled_at": None, "taxes_included": True, "total_tax": "0.00",
            "total_line_items_price": make_orders_file.money(goods), "total_discounts": make_orders_file.money(discount),
            "total_price": make_orders_file.money(total), "tags": "",
            "discount_codes": [{"code": o["coupon"]["code"], "amount": o["coupon"]["amount"], "type": "fixed_amount"}]
            if "coupon" in o else [],
            "line_items": [{"id": n * 10 + i, "sku": l["sku"], "quantity": l["quantity"], "price": l["price"],
                            "name": l["sku"], "gift_card": False, "requires_shipping": True}
                           for i, l in enumerate(o["lines"])],
            "shipping_address": {"name": ship["name"], "address1": ship["address1"], "city": ship["city"],
                                 "province": ship.get("region", ""), "zip": ship["postcode"],
                                 "country_code": ship["country"], "phone": ship.get("phone")},
            "shipping_lines": [{"code": "Standard", "title": "Standard", "price": o["shipping"]}],
            "customer": {"first_name": ship["name"], "last_name": "", "email": o["customer"]["email"]},
            "payment_gateway_names": ["alipay"], "confirmation_number": f"C{n:08d}",
        })
    return json.dumps({"orders": out}, ensure_ascii=False).encode("utf-8")


def woocommerce(orders: list[dict]) -> bytes:
    out = []
    for n, o in enumerate(orders, start=1):
        ship = o["ship_to"]
        goods = sum(_cents(l["price"]) * l["quantity"] for l in o["lines"])
        coupon = _cents(o.get("coupon", {}).get("amount", "0"))
        paid = o["payment"]["status"] == "paid"
        address = {"first_name": ship["name"], "last_name": "", "address_1": ship["address1"], "address_2": "",
                   "city": ship["city"], "state": ship.get("region", ""), "postcode": ship["postcode"],
                   "country": ship["country"]}
        out.append({
            "id": 10_000 + n, "number": str(10_000 + n), "status": "processing" if paid else "pending",
            "currency": "CNY", "order_key": f"wc_order_{n:x}", "date_created_gmt": o["placed_at"][:19],
            "date_paid_gmt": o["placed_at"][:19] if paid else None, "discount_total": make_orders_file.money(coupon),
            "shipping_total": o["shipping"], "total_tax": "0.00",
            "total": make_orders_file.money(goods - coupon + _cents(o["shipping"])),
            "billing": dict(address, email=o["customer"]["email"], phone=ship.get("phone", "")), "shipping": address,
            "payment_method": "alipay", "transaction_id": o["payment"].get("reference", ""),
            "line_items": [{"id": n * 10 + i, "name": l["sku"], "sku": l["sku"], "quantity": l["quantity"],
                            "subtotal": make_orders_file.money(_cents(l["price"]) * l["quantity"]),
                            "price": float(l["price"]), "meta_data": []} for i, l in enumerate(o["lines"])],
            "coupon_lines": [{"code": o["coupon"]["code"], "discount": o["coupon"]["amount"]}] if "coupon" in o else [],
            "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate", "total": o["shipping"]}],
            "meta_data": [],
        })
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


def _edi_escape(text: str) -> str:
    return "".join("?" + ch if ch in "?:+'" else ch for ch in text)


def edifact(orders: list[dict]) -> bytes:
    segments = ["UNA:+.? '", "UNB+UNOY:3+4012345000009:14+6901234000004:14+261120:0915+BENCH1"]
    for n, o in enumerate(orders, start=1):
        ship = o["ship_to"]
        placed = o["placed_at"][:19].replace("-", "").replace("T", "").replace(":", "")
        body = [f"BGM+220+{o['external_id']}+9", f"DTM+137:{placed}:204", "CUX+2:CNY:9",
                f"NAD+DP+++{_edi_escape(ship['name'])}+{_edi_escape(ship['address1'])}+{_edi_escape(ship['city'])}"
                f"+{_edi_escape(ship.get('region', ''))}+{ship['postcode']}+{ship['country']}"]
        for i, line in enumerate(o["lines"], start=1):
            body += [f"LIN+{i}", f"PIA+5+{line['sku']}:SA", f"QTY+21:{line['quantity']}", f"PRI+AAA:{line['price']}"]
        body.append("UNS+S")
        segments.append(f"UNH+{n}+ORDERS:D:96A:UN")
        segments.extend(body)
        segments.append(f"UNT+{len(body) + 2}+{n}")
    segments.append(f"UNZ+{len(orders)}+BENCH1")
    return ("'".join(segments[1:]).join([segments[0], "'"])).encode("utf-8")


WRITERS = {"json": native_json, "csv": native_csv, "shopify": shopify, "woocommerce": woocommerce, "edifact": edifact}


def measure(fmt: str, data: bytes, expected: int, repeats: int) -> tuple[float, float]:
    """(orders per wall-clock second, orders per CPU second of this process), best of ``repeats``.
    On a machine shared with other work the CPU-time rate is the steadier of the two."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        detected, records = parse_bytes(data, f"bench.{fmt}")
        count = sum(1 for r in records if isinstance(r, IncomingOrder))
        elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu
        if detected != fmt or count != expected:
            raise SystemExit(f"bench_parsing: {fmt}: detected {detected}, {count} of {expected} orders parsed")
        best_wall, best_cpu = min(best_wall, elapsed), min(best_cpu, cpu_used)
    return expected / best_wall, expected / max(best_cpu, 1e-9)


def run(quick: bool = False, orders: int | None = None) -> list[dict]:
    """The figures, as ``station bench --json`` lists them."""
    count = orders or (5_000 if quick else 100_000)
    repeats = 2 if quick else 3
    sample = list(make_orders_file.orders(count, seed=7))
    figures = []
    for fmt, writer in WRITERS.items():
        n = count if fmt in ("json", "csv") or quick else min(count, 20_000)  # pydifact is slow: fewer orders
        data = writer(sample[:n])
        wall, cpu = measure(fmt, data, n, repeats)
        label = f"parse {fmt} orders ({n} orders, {len(data) / 1e6:.1f} MB)"
        figures.append({"name": label, "value": round(wall), "unit": "orders/s", "backend": None,
                        "goal": GOALS.get(fmt)})
        figures.append({"name": f"{label}, per CPU second", "value": round(cpu), "unit": "orders/s",
                        "backend": None, "goal": GOALS.get(fmt)})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Parse rate of every intake format")
    parser.add_argument("--quick", action="store_true", help="5,000 orders instead of 100,000")
    parser.add_argument("--json", action="store_true", help='print {"figures": [...]}')
    parser.add_argument("--orders", type=int)
    args = parser.parse_args(argv)
    figures = run(args.quick, args.orders)
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
    else:
        for f in figures:
            goal = f" (goal {f['goal']:,})" if f["goal"] else ""
            print(f"{f['name']}: {f['value']:,} {f['unit']}{goal}")
        print("(2 shared cores: figures are noisy)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
