"""A warehouse's own data (issue 23), on SQLite and PostgreSQL:

- ``station products import``'s code path on a CSV of 100,000 products with 150,000 GTINs (goal: 5,000
  products/s on SQLite, 2,500 on PostgreSQL), and the same file again (all unchanged);
- ``station stock import``'s code path on 200,000 stock rows over those products (goal: 10,000 rows/s);
- the Administration screen's product search on the 100,000 products (goal: 100 ms; the worst of the
  searches a person types: a SKU prefix, a GTIN, a word of a name, a text nothing has).

Usage: ``python scripts/bench/bench_setup.py [--quick] [--json] [--backend sqlite|postgresql|both]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from biip.checksums import gs1_standard_check_digit  # noqa: E402

from app.catalogue import queries  # noqa: E402
from app.catalogue.products import import_products  # noqa: E402
from app.catalogue.stock import import_stock  # noqa: E402
from app.context import open_context  # noqa: E402
from app.uow import Actor  # noqa: E402
from db.bulk import insert_rows  # noqa: E402
from db.models import Bin, Warehouse  # noqa: E402

PG_ADMIN = os.environ.get("STATION_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ACTOR = Actor(station="BENCH", user="bench", role="admin")
WORDS = ("mug", "cable", "lamp", "shirt", "book", "kettle", "towel", "glove", "socket", "pillow", "spoon", "jar")


def gtin13(n: int) -> str:
    body = f"690{n:09d}"
    return body + str(gs1_standard_check_digit(body))


def case14(n: int) -> str:
    body = f"1690{n:09d}"
    return body + str(gs1_standard_check_digit(body))


def write_catalogue(path: Path, count: int) -> None:
    """``count`` products; every other one has a case GTIN too: 1.5 GTINs a product."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["sku", "name_en", "name_zh", "category", "price", "weight_g", "length_mm", "width_mm", "height_mm",
                    "fragile", "liquid", "gtins", "case_gtins"])
        for n in range(count):
            word = WORDS[n % len(WORDS)]
            w.writerow([f"SKU-{n:06d}", f"{word.title()} model {n}", f"商品 {n}", word, f"{(n % 5000) / 100 + 1:.2f}",
                        (n % 900) + 50 if n % 10 else "", 100 + n % 200 if n % 7 else "", 80, 40,
                        "yes" if n % 13 == 0 else "no", "no", gtin13(n), f"{case14(n)}:12" if n % 2 == 0 else ""])


def write_stock(path: Path, products: int, rows: int, bins: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["sku", "bin", "on_hand", "lot", "expiry"])
        for n in range(rows):
            lot = f"L{n // products}" if n >= products else ""
            w.writerow([f"SKU-{n % products:06d}", f"B{n % bins:05d}", 1 + n % 500, lot, "2027-06-30" if lot else ""])


def make_bins(ctx, count: int) -> None:
    with ctx.sessions() as s:
        w = Warehouse(code="BENCH", name="Bench DC", country="DE", latitude=50.0, longitude=8.0)
        s.add(w)
        s.flush()
        insert_rows(s, Bin.__table__, [{"warehouse_id": w.id, "code": f"B{n:05d}", "zone": "A", "aisle": 1 + n // 500,
                                         "position": float(n % 500) / 10, "side": "L", "level": 1, "quarantine": False}
                                        for n in range(count)])
        s.commit()


def fresh_postgres() -> str | None:
    try:
        import psycopg

        name = f"station_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    except Exception as exc:  # noqa: BLE001 - the benchmark reports and goes on without PostgreSQL
        print(f"bench: PostgreSQL unavailable ({exc}); its figures are skipped", file=sys.stderr)
        return None


def drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def search_ms(ctx, products: int) -> tuple[float, float]:
    """The worst and the median of 10 rounds of typical searches, each in milliseconds."""
    texts = ["SKU-0421", f"SKU-{products // 2:06d}", gtin13(products // 3), "kettle", "model 9999", "商品 77",
             "nothing-like-this"]
    samples = []
    for text in texts:  # warm once
        queries.search_products(ctx.sessions, text, 50)
    for _ in range(10):
        for text in texts:
            start = time.perf_counter()
            queries.search_products(ctx.sessions, text, 50)
            samples.append((time.perf_counter() - start) * 1000)
    return max(samples), statistics.median(samples)


def measure(url: str, backend: str, catalogue: Path, stock: Path, products: int, stock_rows: int, bins: int) -> list[dict]:
    ctx = open_context(url, migrate_schema=True)
    figures = []
    try:
        make_bins(ctx, bins)
        start = time.perf_counter()
        result = import_products(ctx.sessions, catalogue, ACTOR, "csv")
        seconds = time.perf_counter() - start
        assert result.created == products and not result.rejected, result.as_json()
        goal = ">= 5000" if backend == "sqlite" else ">= 2500"
        figures.append(_fig(f"products import ({products:,} products, {products * 3 // 2:,} GTINs, CSV)",
                            round(products / seconds), "products/s", backend, goal))
        start = time.perf_counter()
        again = import_products(ctx.sessions, catalogue, ACTOR, "csv")
        seconds = time.perf_counter() - start
        assert again.unchanged == products and again.created == again.updated == 0, again.as_json()
        figures.append(_fig(f"products import, the same file again ({products:,} unchanged)",
                            round(products / seconds), "products/s", backend, None))
        start = time.perf_counter()
        result = import_stock(ctx.sessions, stock, ACTOR)
        seconds = time.perf_counter() - start
        assert result.created == stock_rows and not result.rejected, result.as_json()
        figures.append(_fig(f"stock import ({stock_rows:,} rows, each on the stock ledger)",
                            round(stock_rows / seconds), "rows/s", backend, ">= 10000"))
        worst, median = search_ms(ctx, products)
        figures.append(_fig(f"product search on {products:,} products, worst", round(worst, 1), "ms", backend, "<= 100"))
        figures.append(_fig(f"product search on {products:,} products, median", round(median, 1), "ms", backend, None))
    finally:
        ctx.dispose()
    return figures


def _fig(name, value, unit, backend, goal) -> dict:
    return {"name": name, "value": value, "unit": unit, "backend": backend, "goal": goal}


def run(quick: bool = False, backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    products = 10_000 if quick else 100_000
    stock_rows = 20_000 if quick else 200_000
    bins = 2_000 if quick else 20_000
    figures: list[dict] = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        catalogue, stock = tmpdir / "products.csv", tmpdir / "stock.csv"
        write_catalogue(catalogue, products)
        write_stock(stock, products, stock_rows, bins)
        if "sqlite" in backends:
            figures += measure(f"sqlite:///{tmpdir / 'setup.db'}", "sqlite", catalogue, stock, products, stock_rows, bins)
        if "postgresql" in backends:
            pg = fresh_postgres()
            if pg:
                try:
                    figures += measure(pg, "postgresql", catalogue, stock, products, stock_rows, bins)
                finally:
                    drop_postgres(pg)
    print(f"bench_setup: load average {load[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end", file=sys.stderr)
    return figures


def command_line(doc: str | None, run) -> None:
    """A setup-style benchmark run as a script: ``--quick``, ``--json``, ``--backend``; ``run(quick, backends)``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    figures = run(args.quick, backends)
    if args.json:
        print(json.dumps({"figures": figures}, ensure_ascii=False))
    else:
        for f in figures:
            print(f"{f['name']:<70} {f['backend'] or '':<10} {f['value']:>10} {f['unit']:<11} goal {f['goal'] or '-'}")


def main() -> None:
    command_line(__doc__, run)


if __name__ == "__main__":
    main()
