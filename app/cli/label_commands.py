"""``station label`` (contracts.md) and ``station shipping ...``: carriers, labelling, reprint, void,
close-out, printers and the print queue."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json
from app.context import Actor, Context, open_context
from app.errors import InvalidInput
from app.shipping import desk, printqueue
from app.shipping.rates import ParcelSpec


def register(subparsers) -> None:
    label = command(subparsers, "label", label_cmd, help="the shipping label of a labelled order")
    label.add_argument("number", help="order number, tracking number or SSCC")
    label.add_argument("--format", choices=("pdf", "zpl"), default="pdf")
    label.add_argument("--dpi", type=int, choices=(203, 300), default=203, help="ZPL printer resolution")
    label.add_argument("--cjk", choices=("font", "graphic"), default="font",
                       help="ZPL: Chinese with the printer's CJK font, or as bitmaps for printers without one")
    label.add_argument("-o", "--output", metavar="FILE", help="where to write it ('-' for stdout); default label-NUMBER.EXT")

    ship = subparsers.add_parser("shipping", help="carriers, labels, reprint, void, close-out, printers")
    sub = ship.add_subparsers(dest="shipping_command", metavar="ACTION", required=True)
    command(sub, "carriers", carriers_cmd, help="carrier services with coverage and rates")
    command(sub, "seed-carriers", seed_cmd, help="create the demo carriers (idempotent)")

    quote = command(sub, "quote", quote_cmd, help="what each carrier service would charge for an order")
    _parcel_options(quote)

    make = command(sub, "ship", ship_cmd, help="label a packed order (rate shopping unless --service)")
    _parcel_options(make)
    make.add_argument("--service", metavar="CODE", help="override the carrier service (e.g. SF-NEXT)")
    make.add_argument("--print", action="store_true", help="queue the labels and packing slip for this station")
    _who(make)

    reprint = command(sub, "reprint", reprint_cmd, help="print a parcel's label again (with a reason)")
    reprint.add_argument("tracking", help="tracking number or SSCC")
    reprint.add_argument("--reason", required=True)
    _who(reprint)

    void = command(sub, "void", void_cmd, help="void an order's labels; the order goes back to packed")
    void.add_argument("number", help="order number, tracking number or SSCC")
    void.add_argument("--reason", required=True)
    _who(void)

    close = command(sub, "closeout", closeout_cmd, help="end-of-day close-out: manifest (PDF, CSV), parcels shipped")
    close.add_argument("carrier", help="carrier code (SF, EMS, UPS, ...)")
    close.add_argument("-o", "--output-dir", default=".", metavar="DIR")
    _who(close)

    batch = command(sub, "batch", batch_cmd, help="every open label of a carrier in one file, with a progress bar")
    batch.add_argument("--carrier", metavar="CODE")
    batch.add_argument("--format", choices=("pdf", "zpl"), default="zpl")
    batch.add_argument("--dpi", type=int, choices=(203, 300), default=203)
    batch.add_argument("-o", "--output", required=True, metavar="FILE")

    prn = command(sub, "printers", printers_cmd, help="the station's printers; --set KIND URI to change one")
    prn.add_argument("--set", nargs=2, metavar=("KIND", "URI"), help="KIND: label, packing_slip or manifest")
    prn.add_argument("--format", choices=("pdf", "zpl"), default="pdf")
    prn.add_argument("--dpi", type=int, choices=(203, 300), default=203)
    prn.add_argument("--cjk", choices=("font", "graphic"), default="font", help="ZPL: how Chinese is printed")
    prn.add_argument("--station")

    test = command(sub, "test-print", test_print_cmd, help="queue a test page and send it")
    test.add_argument("kind", choices=("label", "packing_slip", "manifest"))
    test.add_argument("--station")

    queue = command(sub, "queue", queue_cmd, help="the print queue; --run sends what is due")
    queue.add_argument("--run", action="store_true")
    queue.add_argument("--all", action="store_true", help="include printed jobs")
    queue.add_argument("--resend", type=int, metavar="JOB", help="send a failed or uncertain job again")
    queue.add_argument("--station")


def _who(parser: argparse.ArgumentParser) -> None:
    acting(parser)  # --user proved by the PIN, else cli@HOST (contracts.md "Who acts")
    parser.add_argument("--station", help="the station (default: the configured one)")


def _parcel_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", help="order number")
    parser.add_argument(
        "--parcel", action="append", default=[], metavar="WEIGHT_G:LxWxH[:CARTON]",
        help="one parcel (repeat for more), e.g. 1200:300x200x150:M; default: from the catalogue",
    )


def _specs(values: list[str]) -> list[ParcelSpec] | None:
    specs = []
    for value in values:
        m = re.fullmatch(r"(\d+)(?::(\d+)x(\d+)x(\d+))?(?::(\w+))?", value.strip())
        if not m:
            raise InvalidInput(f"parcel {value!r} not understood: write WEIGHT_G:LxWxH, e.g. 1200:300x200x150")
        w, l, wd, h, carton = m.groups()
        specs.append(ParcelSpec(int(w), int(l) if l else None, int(wd) if wd else None, int(h) if h else None, carton or ""))
    return specs or None


def _actor(ctx: Context, args: argparse.Namespace) -> Actor:
    return actor_of(ctx, args, station=getattr(args, "station", None))


def _write(data: bytes, output: str) -> str:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return "-"
    path = Path(output)
    path.write_bytes(data)
    return str(path)


def label_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        labels = desk.order_labels(ctx.sessions, args.number, args.format, args.dpi, ctx.settings, cjk_mode=args.cjk)
    output = args.output or f"label-{labels.number}.{args.format}"
    where = _write(labels.data, output)
    if args.json and where != "-":
        print_json({
            "number": labels.number, "format": args.format, "file": where, "bytes": len(labels.data),
            "parcels": labels.parcels,
        })
    elif where != "-":
        print(f"{where}: {len(labels.parcels)} label(s) for order {labels.number} ({args.format})")
    return 0


def carriers_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = desk.service_options(ctx.sessions)
        if args.json:
            print_json(rows)
        elif not rows:
            print("no carriers yet: run 'station shipping seed-carriers'")
        for r in rows if not args.json else ():
            print(f"{r['service']:<10} {r['kind']:<9} {r['max_weight_g'] / 1000:>5.1f} kg  {r['name']}  ({len(r['coverage'])} areas)")
    return 0


def seed_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        codes = desk.seed_carriers(ctx.sessions)
        print_json({"carriers": codes}) if args.json else print(f"carriers ready: {', '.join(codes)}")
    return 0


def quote_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        found = desk.quote(ctx.sessions, args.number, _specs(args.parcel))
    quotes = found["quotes"]
    if args.json:
        print_json(found)
    else:
        for i, q in enumerate(quotes):
            mark = "*" if i == 0 else " "
            print(f"{mark} {q['service']:<10} {q['price_cents'] / 100:>8.2f}  zone {q['zone']}  {q['expected_delivery']}  {q['name']}")
        for code, why in sorted(found["rejected"].items()):
            print(f"  {code:<10} -- {why}")
    return 0 if quotes else 1


@changes_data
def ship_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        if args.print:  # label, then print at once: the same use case as the pack bench's
            from app.shipping.handoff import label_and_print, send_now

            done = label_and_print(ctx.sessions, ctx.settings, actor.station, actor, number=args.number,
                                   specs=_specs(args.parcel), service_code=args.service, dispatch=send_now(ctx.sessions))
            out = {"number": done.number, "status": done.status, "tracking_number": done.tracking_numbers[0],
                   "parcels": desk.parcels_json(ctx.sessions, done.parcels), "print_jobs": done.label_jobs + done.slip_jobs,
                   "printed": [{"job": p.job_id, "document": p.document, "state": p.state} for p in done.printed]}
        else:
            out = desk.ship(ctx.sessions, args.number, actor, _specs(args.parcel), args.service, ctx.settings)
        if args.json:
            print_json(out)
        else:
            for p in out["parcels"]:
                print(f"{out['number']} {p['parcel']}: {p['tracking_number']} {p['service']} SSCC {p['sscc']} ({p['rate_cents'] / 100:.2f})")
    return 0


@changes_data
def reprint_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        job_id, reprints = desk.reprint(ctx.sessions, args.tracking, actor, args.reason, ctx.settings)
        outcomes = printqueue.run_once(ctx.sessions, actor.station)
        state = next((o for o in outcomes if o.job_id == job_id), None)
        message = state.message if state else "queued"
        if args.json:
            print_json({"tracking_number": args.tracking, "reprint": reprints, "job": job_id, "message": message})
        else:
            print(f"reprint {reprints} of {args.tracking}: {message}")
    return 0


@changes_data
def void_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        out = desk.void(ctx.sessions, args.number, actor, args.reason)
        print_json(out) if args.json else print(f"{out['number']} is {out['status']}; voided {', '.join(out['voided'])}")
    return 0


@changes_data
def closeout_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        folder = Path(args.output_dir)
        if not folder.is_dir():
            raise InvalidInput(f"{folder} is not a folder")
        manifest = desk.close_out(ctx.sessions, args.carrier, actor)
        pdf, csv_path = folder / f"{manifest.number}.pdf", folder / f"{manifest.number}.csv"
        pdf.write_bytes(manifest.pdf)
        csv_path.write_text(manifest.csv, encoding="utf-8")
        out = {"manifest": manifest.number, "carrier": manifest.carrier, "parcels": manifest.parcels,
               "weight_g": manifest.weight_g, "pdf": str(pdf), "csv": str(csv_path)}
        if args.json:
            print_json(out)
        else:
            print(f"{out['manifest']}: {out['parcels']} parcels shipped ({out['weight_g'] / 1000:.2f} kg); {pdf}, {csv_path}")
    return 0


def batch_cmd(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    bars: list = []

    def progress(n: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit="label", file=sys.stderr, disable=args.json))
        bars[0].update(n)

    with open_context(args.db) as ctx:
        try:
            count, payload = desk.open_labels(ctx.sessions, ctx.settings, args.format, args.dpi, args.carrier, progress)
        finally:
            for bar in bars:
                bar.close()
    where = _write(payload, args.output)
    print_json({"labels": count, "file": where}) if args.json else print(f"{where}: {count} labels")
    return 0


def printers_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        if args.set:
            desk.set_printers(ctx.sessions, station, [(args.set[0], args.set[1], args.format, args.dpi, args.cjk)])
        rows = desk.printers(ctx.sessions, station)
        if args.json:
            print_json({"station": station, "printers": rows})
        else:
            if not rows:
                print(f"station {station} has no printers yet: station shipping printers --set label tcp://HOST:9100 --format zpl")
            for r in rows:
                print(f"{station} {r['kind']:<13} {r['uri']} ({r['format']}, {r['dpi']} dpi)")
    return 0


def test_print_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        job_id = desk.queue_test_print(ctx.sessions, station, args.kind, ctx.settings)
        outcome = next((o for o in printqueue.run_once(ctx.sessions, station) if o.job_id == job_id), None)
        message = outcome.message if outcome else "queued behind other jobs"
        state = outcome.state if outcome else "queued"
        print_json({"job": job_id, "state": state, "message": message}) if args.json else print(f"test print: {message}")
        return 0 if state == "done" else 1


def queue_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        if args.resend is not None:
            desk.resend(ctx.sessions, args.resend)
        outcomes = []
        if args.run or args.resend is not None:
            printqueue.recover_stale(ctx.sessions, station)
            outcomes = printqueue.run_once(ctx.sessions, station)
        jobs = desk.print_jobs(ctx.sessions, station, include_done=args.all)
        if args.json:
            print_json({"station": station, "sent": [o.__dict__ for o in outcomes], "jobs": jobs})
        else:
            for o in outcomes:
                print(f"job {o.job_id}: {o.state}: {o.message}")
            for j in jobs:
                print(f"#{j['id']:<5} {j['state']:<9} {j['kind']:<12} {j['description']}  {j['last_error']}")
            if not jobs:
                print("the print queue is empty")
    return 0
