"""``station label`` (contracts.md) and ``station shipping ...``: carriers, labelling, reprint, void,
close-out, printers and the print queue."""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path

from sqlalchemy import select

from app.cli.main import command, print_json
from app.context import Context, open_context
from app.errors import InvalidInput, NotFound
from app.services.uow import Actor, UnitOfWork
from app.shipping import printqueue, service
from app.shipping.carriers import load_options, seed_carriers
from app.shipping.manifest import closeout as close_carrier
from app.shipping.rates import ParcelSpec
from db.models.shipping import Parcel, PrinterAssignment


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
    parser.add_argument("--user", help="who does it (default: the login name)")
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
    user = getattr(args, "user", None) or getpass.getuser()
    return Actor(station=getattr(args, "station", None) or ctx.settings.station, user=user, role="shipping")


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
        with UnitOfWork(ctx.sessions) as uow:
            order = service.find_order(uow.session, args.number)
            parcels = service.active_parcels(uow.session, order)
            if not parcels:
                raise InvalidInput(f"order {order.number} is {order.status} and has no label: label it first")
            data = service.render_labels(uow.session, parcels, args.format, args.dpi, ctx.settings, args.cjk)
            output = args.output or f"label-{order.number}.{args.format}"
            where = _write(data, output)
            if args.json and where != "-":
                print_json({
                    "number": order.number, "format": args.format, "file": where, "bytes": len(data),
                    "parcels": [_parcel_json(p) for p in parcels],
                })
            elif where != "-":
                print(f"{where}: {len(parcels)} label(s) for order {order.number} ({args.format})")
    return 0


def _parcel_json(p: Parcel) -> dict:
    return {
        "parcel": f"{p.seq}/{p.count}", "tracking_number": p.tracking_number, "sscc": p.sscc,
        "carrier": p.carrier.code, "service": p.service.code, "weight_g": p.weight_g, "rate_cents": p.rate_cents,
        "status": p.status, "expected_delivery": p.expected_delivery,
    }


def carriers_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        with UnitOfWork(ctx.sessions) as uow:
            options = load_options(uow.session, only_active=False)
        rows = [{
            "service": o.code, "carrier": o.carrier_code, "name": o.name, "kind": o.kind,
            "max_weight_g": o.max_weight_g,
            "coverage": sorted(f"{c}{'/' + r if r else ''}:z{z}:{d}d" for (c, r), (z, d) in o.coverage.items() if z > 0),
        } for o in options]
        if args.json:
            print_json(rows)
        elif not rows:
            print("no carriers yet: run 'station shipping seed-carriers'")
        for r in rows if not args.json else ():
            print(f"{r['service']:<10} {r['kind']:<9} {r['max_weight_g'] / 1000:>5.1f} kg  {r['name']}  ({len(r['coverage'])} areas)")
    return 0


def seed_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        with UnitOfWork(ctx.sessions) as uow:
            carriers = seed_carriers(uow.session)
            uow.commit()
            codes = [c.code for c in carriers]
        print_json({"carriers": codes}) if args.json else print(f"carriers ready: {', '.join(codes)}")
    return 0


def quote_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        with UnitOfWork(ctx.sessions) as uow:
            order = service.find_order(uow.session, args.number)
            result, specs, dest = service.quote_order(uow.session, order, _specs(args.parcel))
        quotes = [{
            "service": q.service.code, "name": q.service.name, "price_cents": q.price_cents, "zone": q.zone,
            "transit_days": q.transit_days, "expected_delivery": q.expected_delivery,
        } for q in result.quotes]
        if args.json:
            print_json({"number": order.number, "quotes": quotes, "rejected": result.rejected})
        else:
            for i, q in enumerate(quotes):
                mark = "*" if i == 0 else " "
                print(f"{mark} {q['service']:<10} {q['price_cents'] / 100:>8.2f}  zone {q['zone']}  {q['expected_delivery']}  {q['name']}")
            for code, why in sorted(result.rejected.items()):
                print(f"  {code:<10} -- {why}")
    return 0 if quotes else 1


def ship_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        with UnitOfWork(ctx.sessions) as uow:
            order = service.find_order(uow.session, args.number)
            parcels = service.label_order(uow.session, order, actor, _specs(args.parcel), args.service, settings=ctx.settings)
            jobs = service.enqueue_documents(uow.session, order, actor.station, settings=ctx.settings, actor=actor) if args.print else []
            uow.commit()
            out = {"number": order.number, "status": order.status, "tracking_number": order.tracking_number,
                   "parcels": [_parcel_json(p) for p in parcels], "print_jobs": [j.id for j in jobs]}
        if args.print:
            printqueue.run_once(ctx.sessions, actor.station)
        if args.json:
            print_json(out)
        else:
            for p in out["parcels"]:
                print(f"{out['number']} {p['parcel']}: {p['tracking_number']} {p['service']} SSCC {p['sscc']} ({p['rate_cents'] / 100:.2f})")
    return 0


def reprint_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        with UnitOfWork(ctx.sessions) as uow:
            parcel = service.find_parcel(uow.session, args.tracking)
            job = service.reprint_label(uow.session, parcel, actor, args.reason, settings=ctx.settings)
            uow.commit()
            job_id, reprints = job.id, parcel.reprints
        outcomes = printqueue.run_once(ctx.sessions, actor.station)
        state = next((o for o in outcomes if o.job_id == job_id), None)
        message = state.message if state else "queued"
        if args.json:
            print_json({"tracking_number": args.tracking, "reprint": reprints, "job": job_id, "message": message})
        else:
            print(f"reprint {reprints} of {args.tracking}: {message}")
    return 0


def void_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        with UnitOfWork(ctx.sessions) as uow:
            order = service.find_order(uow.session, args.number)
            parcels = service.void_labels(uow.session, order, actor, args.reason)
            uow.commit()
            out = {"number": order.number, "status": order.status, "voided": [p.tracking_number for p in parcels]}
        print_json(out) if args.json else print(f"{out['number']} is {out['status']}; voided {', '.join(out['voided'])}")
    return 0


def closeout_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = _actor(ctx, args)
        folder = Path(args.output_dir)
        if not folder.is_dir():
            raise InvalidInput(f"{folder} is not a folder")
        with UnitOfWork(ctx.sessions) as uow:
            manifest = close_carrier(uow.session, args.carrier, actor)
            uow.commit()
            pdf, csv_path = folder / f"{manifest.number}.pdf", folder / f"{manifest.number}.csv"
            pdf.write_bytes(manifest.pdf or b"")
            csv_path.write_text(manifest.csv, encoding="utf-8")
            out = {"manifest": manifest.number, "carrier": args.carrier.upper(), "parcels": manifest.parcel_count,
                   "weight_g": manifest.total_weight_g, "pdf": str(pdf), "csv": str(csv_path)}
        if args.json:
            print_json(out)
        else:
            print(f"{out['manifest']}: {out['parcels']} parcels shipped ({out['weight_g'] / 1000:.2f} kg); {pdf}, {csv_path}")
    return 0


def batch_cmd(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from app.shipping import label_pdf, label_zpl

    with open_context(args.db) as ctx:
        with UnitOfWork(ctx.sessions) as uow:
            stmt = select(Parcel).where(Parcel.status == "labelled", Parcel.voided.is_(False)).order_by(Parcel.id)
            if args.carrier:
                from db.models.shipping import Carrier

                stmt = stmt.join(Carrier, Carrier.id == Parcel.carrier_id).where(Carrier.code == args.carrier.upper())
            parcels = list(uow.session.scalars(stmt))
            if not parcels:
                raise NotFound("no open labels to print")
            data = []
            with tqdm(total=len(parcels), unit="label", file=sys.stderr, disable=args.json) as bar:
                labels = []
                for p in parcels:
                    label = service.label_data(uow.session, p, ctx.settings)
                    if args.format == "zpl":
                        data.append(label_zpl.render(label, args.dpi))
                    else:
                        labels.append(label)
                    bar.update(1)
            payload = b"\n".join(data) if args.format == "zpl" else label_pdf.render_many(labels)
        where = _write(payload, args.output)
        print_json({"labels": len(parcels), "file": where}) if args.json else print(f"{where}: {len(parcels)} labels")
    return 0


def printers_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        with UnitOfWork(ctx.sessions) as uow:
            if args.set:
                service.set_printer(uow.session, station, args.set[0], args.set[1], args.format, args.dpi, args.cjk)
                uow.commit()
            rows = [{"kind": r.document_kind, "uri": r.uri, "format": r.format, "dpi": r.dpi,
                     "cjk": (r.options or {}).get("cjk", "font")} for r in uow.session.scalars(
                select(PrinterAssignment).where(PrinterAssignment.station == station).order_by(PrinterAssignment.document_kind))]
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
        with UnitOfWork(ctx.sessions) as uow:
            job = service.test_print(uow.session, station, args.kind, settings=ctx.settings)
            uow.commit()
            job_id = job.id
        outcome = next((o for o in printqueue.run_once(ctx.sessions, station) if o.job_id == job_id), None)
        message = outcome.message if outcome else "queued behind other jobs"
        state = outcome.state if outcome else "queued"
        print_json({"job": job_id, "state": state, "message": message}) if args.json else print(f"test print: {message}")
        return 0 if state == "done" else 1


def queue_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        station = args.station or ctx.settings.station
        if args.resend is not None:
            with UnitOfWork(ctx.sessions) as uow:
                printqueue.resend(uow.session, args.resend)
                uow.commit()
        outcomes = []
        if args.run or args.resend is not None:
            printqueue.recover_stale(ctx.sessions, station)
            outcomes = printqueue.run_once(ctx.sessions, station)
        with UnitOfWork(ctx.sessions) as uow:
            jobs = [{
                "id": j.id, "kind": j.document_kind, "state": j.state, "attempts": j.attempts, "printer": j.printer,
                "description": j.description, "last_error": j.last_error,
            } for j in printqueue.pending(uow.session, station, include_done=args.all)]
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
