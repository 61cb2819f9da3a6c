"""``station products`` (the catalogue with stock on hand) and ``station products import FILE`` (contracts.md)."""

from __future__ import annotations

import argparse
import sys

from app.catalogue import queries
from app.catalogue.formats import CSV_COLUMNS, FORMATS, template
from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json, print_rows
from app.context import open_context
from app.errors import InvalidInput


def register(subparsers) -> None:
    products = command(subparsers, "products", list_products, help="list products with stock on hand; 'products import FILE' loads a catalogue")
    actions = products.add_subparsers(dest="products_command", metavar="ACTION")
    imp = command(actions, "import", import_products, help="load a catalogue file: CSV, JSON, Shopify or WooCommerce products")
    imp.add_argument("file", nargs="?", metavar="FILE")
    imp.add_argument("--format", default="auto", choices=FORMATS)
    imp.add_argument("--template", action="store_true", help="print the CSV columns with an example row, and what each holds")
    acting(imp)
    gaps = command(actions, "gaps", list_gaps, help="active products without a weight or dimensions")
    gaps.add_argument("--limit", type=int, default=200)
    find = command(actions, "find", find_products, help="products by SKU prefix, GTIN or a part of the name")
    find.add_argument("text")
    find.add_argument("--limit", type=int, default=50)


def list_products(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = queries.all_products(ctx.sessions)
    if args.json:
        print_json([{"sku": r.sku, "gtins": r.gtins, "name": r.name_en, "name_zh": r.name_zh, "on_hand": r.on_hand}
                    for r in rows])
    else:
        for r in rows:
            print(f"{r.sku:<12} {','.join(r.gtins):<32} {r.on_hand:>9,}  {r.name_en}  {r.name_zh}")
    return 0


@changes_data
def import_products(args: argparse.Namespace) -> int:
    if args.template:
        if args.json:
            print_json({"columns": [{"name": n, "holds": h} for n, h in CSV_COLUMNS], "example": template()})
        else:
            sys.stdout.write(template())
            for name, holds in CSV_COLUMNS:
                print(f"# {name}: {holds}", file=sys.stderr)
        return 0
    if not args.file:
        raise InvalidInput("products import: name the FILE to import (or --template for the CSV columns)")
    from app.catalogue.products import import_products as run

    with open_context(args.db) as ctx:
        result = run(ctx.sessions, args.file, actor_of(ctx, args), args.format)
    return _report(args, result)


def _report(args: argparse.Namespace, result) -> int:
    if args.json:
        print_json(result.as_json())
    else:
        print(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
              f"{len(result.rejected)} rejected")
        for r in result.rejected:
            print(f"rejected {r.record}: {r.error}", file=sys.stderr)
    return 0


def list_gaps(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        count, rows = queries.product_gaps(ctx.sessions, max(1, args.limit))
    if args.json:
        print_json({"count": count, "products": [{"sku": r.sku, "name": r.name_en, "gaps": r.gaps} for r in rows]})
    else:
        print(f"{count} active products lack a weight or dimensions")
        for r in rows:
            print(f"{r.sku:<16} {', '.join(r.gaps):<20} {r.name_en}")
    return 0


def find_products(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = queries.search_products(ctx.sessions, args.text, max(1, args.limit))
    return print_rows(args, rows, lambda r: f"{r.sku:<16} {','.join(r.gtins):<32} {r.on_hand:>9,}  {r.name_en}"
                                            + ("" if r.active else "  (inactive)"))
