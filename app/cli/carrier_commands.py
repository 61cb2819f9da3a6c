"""``station carriers add|list|show``, ``station carriers rates import|template`` (contracts.md): carrier accounts
and their rate cards, through :mod:`app.shipping.ratecard_service`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json
from app.context import open_context
from app.errors import InvalidInput, NotFound
from app.shipping import ratecard, ratecard_queries, ratecard_service


def register(subparsers) -> None:
    carriers = subparsers.add_parser(
        "carriers", help="carrier accounts (connector, mode) and their rate cards",
        description="Carrier accounts. A carrier with the 'table' connector rates from its rate card: "
                    "'station carriers rates template' prints the CSV columns, "
                    "'station carriers rates import NAME FILE' loads a card.")
    sub = carriers.add_subparsers(dest="carriers_command", metavar="ACTION", required=True)

    add = command(sub, "add", add_cmd, help="register a carrier account")
    add.add_argument("name", metavar="NAME", help="the carrier's code, e.g. RHEIN (letters, digits, - and _)")
    add.add_argument("--connector", required=True, help="table: the built-in rate card")
    add.add_argument("--title", default="", help="the carrier's name as people read it (default: NAME)")
    add.add_argument("--name-zh", default="", help="the carrier's name in Chinese")
    add.add_argument("--mode", choices=ratecard_service.MODES, default="production")
    add.add_argument("--tracking-format", choices=ratecard_service.TRACKING_FORMATS, default="mod7",
                     help="how the station numbers its parcels (default mod7: 10 digits, a mod-7 check digit)")
    add.add_argument("--tracking-prefix", default="", help="leading digits (mod7, sf), letters (s10), shipper (ups1z)")
    add.add_argument("--origin", default="CN", metavar="COUNTRY", help="the country parcels leave from (default CN)")
    add.add_argument("--cutoff-hour", type=int, default=16, metavar="HOUR_UTC",
                     help="a label made after this hour (UTC) ships the next day (default 16)")
    add.add_argument("--station", help="the station acting (default: the configured one)")
    acting(add)

    command(sub, "list", list_cmd, help="each carrier with its connector, services, coverage, rates, table version")

    show = command(sub, "show", show_cmd, help="one carrier's services, zones, weight breaks and surcharges")
    show.add_argument("name", metavar="NAME")

    rates = sub.add_parser("rates", help="rate cards (CSV): import one, print the columns")
    rsub = rates.add_subparsers(dest="rates_command", metavar="ACTION", required=True)
    imp = command(rsub, "import", import_cmd, help="load a carrier's rate card; the same file twice changes nothing",
                  description="Load a CSV rate card into a carrier with the 'table' connector. Every line is "
                              "checked first: one bad line (named with its field) and nothing is written.")
    imp.add_argument("name", metavar="NAME", nargs="?", help="the carrier's code")
    imp.add_argument("file", metavar="FILE", nargs="?", help="the rate card (CSV, UTF-8)")
    imp.add_argument("--template", action="store_true", help="print the CSV columns with an example line of each kind")
    imp.add_argument("--station", help="the station acting (default: the configured one)")
    acting(imp)
    command(rsub, "template", template_cmd, help="print the CSV columns with an example line of each kind")

    quote = command(sub, "quote", quote_cmd, help="what each service would charge for one parcel to an address")
    quote.add_argument("country", metavar="COUNTRY")
    quote.add_argument("--postcode", default="")
    quote.add_argument("--region", default="")
    quote.add_argument("--weight", type=int, required=True, metavar="GRAMS")
    quote.add_argument("--size", default="300x200x150", metavar="LxWxH", help="millimetres (default 300x200x150)")
    quote.add_argument("--carrier", metavar="NAME", help="only this carrier's services")


@changes_data
def add_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args, station=args.station)
        added = ratecard_service.add_carrier(
            ctx.sessions, actor, args.name, connector=args.connector, name=args.title, name_zh=args.name_zh,
            mode=args.mode, tracking_format=args.tracking_format, tracking_prefix=args.tracking_prefix,
            origin_country=args.origin, cutoff_hour_utc=args.cutoff_hour)
    if args.json:
        print_json(added.__dict__)
    else:
        print(f"carrier {added.code} added ({added.connector}, {added.mode}); "
              f"load its rates with: station carriers rates import {added.code} FILE")
    return 0


def list_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        carriers = ratecard_queries.list_carriers(ctx.sessions)
    if args.json:
        print_json([c.as_json() for c in carriers])
        return 0
    if not carriers:
        print("no carriers yet: station carriers add NAME --connector table")
        return 0
    print(f"{'carrier':<12} {'connector':<10} {'mode':<10} {'zones':>6} {'rates':>6} {'extras':>6}  services")
    for c in carriers:
        state = "" if c.active else " (inactive)"
        print(f"{c.code:<12} {c.connector:<10} {c.mode:<10} {c.coverage:>6} {c.rates:>6} {c.surcharges:>6}  "
              f"{', '.join(c.services) or '-'}{state}")
    print(f"table version {carriers[0].table_version}")
    return 0


def show_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        detail = ratecard_queries.carrier_detail(ctx.sessions, args.name)
    if detail is None:
        raise NotFound(f"no carrier {args.name!r}: 'station carriers list' names them")
    if args.json:
        print_json({"carrier": detail.summary.as_json(),
                    "services": [{**s.__dict__, "zones": [z.__dict__ for z in s.zones],
                                  "rates": [r.__dict__ for r in s.rates]} for s in detail.services],
                    "surcharges": [s.__dict__ for s in detail.surcharges]})
        return 0
    c = detail.summary
    print(f"{c.code} {c.name} ({c.connector}, {c.mode})")
    for s in detail.services:
        print(f"  {s.code} {s.name} [{s.kind}] up to {s.max_weight_g} g, {s.max_length_mm} mm"
              f"{'' if s.active else ' (inactive)'}")
        for z in s.zones:
            print(f"    zone {z.zone}: {z.country} {z.area or '(whole country)'}, {z.transit_days} d")
        for r in s.rates:
            print(f"    zone {r.zone} up to {r.up_to_g} g: {r.price_cents / 100:.2f}")
    for x in detail.surcharges:
        amount = f"{x.percent_bp / 100:g} %" if x.kind == "fuel" else f"{x.cents / 100:.2f}"
        print(f"  surcharge {x.kind} [{x.service}] {x.where + ': ' if x.where else ''}{amount}")
    return 0


def template_cmd(args: argparse.Namespace) -> int:
    if args.json:
        print_json({"columns": list(ratecard.COLUMNS), "records": list(ratecard.RECORDS)})
    else:
        sys.stdout.write(ratecard.template())
    return 0


@changes_data
def import_cmd(args: argparse.Namespace) -> int:
    if args.template:
        return template_cmd(args)
    if not args.name or not args.file:
        raise InvalidInput("say which carrier and which file: station carriers rates import NAME FILE")
    path = Path(args.file)
    if not path.is_file():
        raise NotFound(f"no such file: {path}")
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args, station=args.station)
        result = ratecard_service.import_rate_card(ctx.sessions, actor, args.name, path)
    if args.json:
        print_json(result.as_json())
    else:
        for problem in result.rejected:
            print(f"station: {path.name}: {problem.text()}", file=sys.stderr)
        if not result.rejected:
            print(f"{result.carrier}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
                  f"{result.removed} removed; table version {result.table_version}")
    if result.rejected:
        if args.json:
            print(f"station: {path.name}: {len(result.rejected)} bad line(s), nothing imported", file=sys.stderr)
        return 1
    return 0


def quote_cmd(args: argparse.Namespace) -> int:
    try:
        length, width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise InvalidInput(f"size {args.size!r}: write LxWxH in millimetres, e.g. 300x200x150") from None
    with open_context(args.db) as ctx:
        lines = ratecard_service.preview_quote(
            ctx.sessions, country=args.country, postcode=args.postcode, region=args.region, weight_g=args.weight,
            length_mm=length, width_mm=width, height_mm=height, carrier_code=args.carrier)
    if args.json:
        print_json([line.__dict__ for line in lines])
        return 0
    for line in lines:
        if line.price_cents is None:
            print(f"{line.service:<12} -        {line.why_not}")
        else:
            print(f"{line.service:<12} {line.price_cents / 100:>8.2f}  zone {line.zone}, {line.transit_days} d, "
                  f"bills {line.chargeable_g} g")
    return 0
