"""After the parcel leaves: ``station track``, ``station report``, ``station carrier-events import``,
``station survey import`` and ``station return open|label|receive|inspect|complete``.

All of them are thin: they open the database, call :mod:`app.aftersales` / :mod:`app.reports` in one unit of
work, and print the answer (``--json``: machine-readable on stdout, nothing else there).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC
from pathlib import Path

from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json
from app.context import Actor, open_context
from app.errors import InvalidInput


def register(subparsers) -> None:
    sub = command(subparsers, "track", track, help="the timeline of an order or parcel (order number, the shop's number, tracking number, SSCC, label QR text)")
    sub.add_argument("query", metavar="QUERY",
                     help="our order number, the shop's (#1041), a tracking number, an SSCC, a return number or the label's QR text")

    sub = command(subparsers, "report", report, help="a management report; --list names them")
    sub.add_argument("name", metavar="NAME", nargs="?", help="the report (see --list)")
    sub.add_argument("--list", action="store_true", help="name every report")
    sub.add_argument("--from", dest="date_from", metavar="DATE", help="from this day (YYYY-MM-DD, local time) or ISO time")
    sub.add_argument("--to", dest="date_to", metavar="DATE", help="to this day, included (YYYY-MM-DD, local time) or ISO time")
    sub.add_argument("--language", choices=("en", "zh_CN"),
                     help="the language of the table and the PDF (default: the station's, from its config)")
    sub.add_argument("--utc", action="store_true", help="days and hours in UTC instead of this machine's local time")
    sub.add_argument("--format", choices=("csv", "pdf"), help="export format (default: a table on the terminal)")
    sub.add_argument("-o", "--output", metavar="FILE", help="write the export to FILE")
    sub.add_argument("--rebuild", action="store_true", help="rebuild the report rollups from the whole timeline first")

    ce = subparsers.add_parser("carrier-events", help="carrier scan events (in transit, out for delivery, delivered, exception)")
    ce_sub = ce.add_subparsers(dest="carrier_events_command", metavar="ACTION", required=True)
    sub = command(ce_sub, "import", carrier_events_import, help="import a carrier events file (JSON or CSV)")
    sub.add_argument("file", metavar="FILE")
    command(ce_sub, "held", carrier_events_held, help="carrier events held for a person: dated before the label, or "
                                                      "delivered before the parcel left")
    sub = command(ce_sub, "decide", carrier_events_decide, help="apply a held carrier event, or set it aside (supervisor)")
    sub.add_argument("event", metavar="ID", type=int, help="the held event's id ('carrier-events held' lists them)")
    way = sub.add_mutually_exclusive_group(required=True)
    way.add_argument("--apply", action="store_true", help="apply it as the carrier sent it")
    way.add_argument("--set-aside", action="store_true", help="leave it unapplied")
    sub.add_argument("--note", default="", help="why")

    sv = subparsers.add_parser("survey", help="satisfaction surveys")
    sv_sub = sv.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    sub = command(sv_sub, "import", survey_import, help="import survey answers (CSV: order,product,delivery,service,comment,sku,answered_at)")
    sub.add_argument("file", metavar="FILE")
    sub = command(sv_sub, "record", survey_record, help="record one answer")
    sub.add_argument("order", metavar="ORDER")
    for name in ("product", "delivery", "service"):
        sub.add_argument(f"--{name}", required=True, help=f"{name} score 1-5")
    sub.add_argument("--comment", default="")
    sub.add_argument("--sku", default="")

    rt = subparsers.add_parser("return", help="returns and exchanges")
    rt_sub = rt.add_subparsers(dest="return_command", metavar="ACTION", required=True)
    sub = command(rt_sub, "open", return_open, help="open a return for an order (checked against the policy)")
    sub.add_argument("order", metavar="ORDER")
    sub.add_argument("--item", action="append", required=True, metavar="SKU[:QTY[:EXCHANGE_SKU]]",
                     help="an item to send back (repeat for more)")
    sub.add_argument("--kind", choices=("refund", "exchange"), default="refund")
    sub.add_argument("--reason", default="changed_mind")
    sub.add_argument("--note", default="")
    sub.add_argument("--check", action="store_true", help="only check the policy; change nothing")
    sub = command(rt_sub, "label", return_label, help="issue the return label (PDF)")
    sub.add_argument("ret", metavar="RETURN")
    sub.add_argument("-o", "--output", metavar="FILE", required=True)
    sub = command(rt_sub, "receive", return_receive, help="the return parcel arrived: scan or type its label")
    sub.add_argument("ret", metavar="RETURN")
    sub = command(rt_sub, "inspect", return_inspect, help="inspect units of a returned item")
    sub.add_argument("ret", metavar="RETURN")
    sub.add_argument("item", metavar="ITEM", help="SKU, GTIN or scanned barcode")
    sub.add_argument("--condition", choices=("resellable", "damaged", "wrong_item"), required=True)
    sub.add_argument("--quantity", type=int, default=1)
    sub.add_argument("--bin", default=None, help="the bin to put it in (default: where the product lives, or quarantine)")
    sub = command(rt_sub, "complete", return_complete, help="refund an inspected return, or send its exchange")
    sub.add_argument("ret", metavar="RETURN")
    # Who acts (contracts.md): --user proved by the PIN, else cli@HOST; the services check the role.
    for parser in (*rt_sub.choices.values(), *ce_sub.choices.values(), *sv_sub.choices.values()):
        acting(parser)


def _actor(ctx, args) -> Actor:
    return actor_of(ctx, args)


# --- track ---------------------------------------------------------------------------------------------------

def track(args: argparse.Namespace) -> int:
    from app.aftersales import tracking

    with open_context(args.db) as ctx:
        view = tracking.find(ctx.sessions, args.query)
        if args.json:
            print_json(view.as_json())
            return 0
        print(f"{view.number}  {view.status}  tracking {view.tracking_number or '-'}")
        print(f"where: {view.where}")
        eta = view.expected_delivery.isoformat() if view.expected_delivery else "unknown"
        print(f"expected delivery: {eta}" + (f"  DELAYED: {view.delay_reason}" if view.delayed else ""))
        for p in view.parcels:
            print(f"parcel {p.seq}/{p.count} {p.carrier} {p.tracking_number} SSCC {p.sscc} {p.status}")
        for r in view.returns:
            print(f"return {r.number} {r.kind} {r.status}" + (f" label {r.tracking_number}" if r.tracking_number else ""))
        for e in view.events:
            who = " ".join(x for x in (e.station, e.user) if x)
            where = f" @ {e.location}" if e.location else ""
            print(f"  {e.at:%Y-%m-%d %H:%M:%S}  {e.kind:<22} {who}{where}")
        return 0


# --- report --------------------------------------------------------------------------------------------------

def report(args: argparse.Namespace) -> int:
    from app import reports
    from app.reports import export

    if args.list:
        if args.json:
            print_json([{"name": n, "title": reports.title(n)} for n in reports.names()])
        else:
            for n in reports.names():
                print(f"{n:<18} {reports.title(n)}")
        return 0
    if not args.name:
        raise InvalidInput("name a report (station report --list names them)")
    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise InvalidInput("a PDF report needs -o FILE")

    from app.reports.texts import local_zone, present

    tz = UTC if args.utc else local_zone()
    date_from = reports.parse_day(args.date_from, tz=tz)
    date_to = reports.parse_day(args.date_to, end=True, tz=tz)
    with open_context(args.db) as ctx:
        language = args.language or ctx.settings.language
        raw = reports.produce(ctx.sessions, args.name, date_from, date_to, rebuild=args.rebuild)
    # What people read: the station's language, times in this machine's zone (CSV and JSON stay data).
    result = present(raw, language, tz)
    if args.format:
        payload = export.to_pdf(result) if args.format == "pdf" else export.to_csv(result).encode("utf-8")
        if args.output:
            Path(args.output).write_bytes(payload)
            if args.json:
                print_json({"report": result.name, "format": args.format, "file": args.output, "rows": len(result.rows)})
            else:
                print(f"{result.title}: {len(result.rows)} rows written to {args.output}")
        else:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        return 0
    if args.json:
        print_json({"report": raw.name, "title": raw.title, "from": date_from, "to": date_to,
                    "columns": [c.key for c in raw.columns], "rows": raw.rows, "notes": raw.notes})
        return 0
    print(f"{result.title} — {result.period_text()}")
    for note in result.notes:
        print(f"  {note}")
    headers = result.column_titles()
    table = [["" if v is None else str(v) for v in row] for row in result.table()]
    widths = [max([_width(h)] + [_width(r[i]) for r in table]) for i, h in enumerate(headers)]
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip())
    for row in table:
        print("  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip())
    return 0


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# --- carrier events and surveys ------------------------------------------------------------------------------

def _read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"no such file: {path}")
    return file.read_bytes()


def _print_import(args, result, what: str, counted: str) -> int:
    data = result.as_json()
    if args.json:
        print_json(data)
    else:
        print(f"{data[counted]} {what} in, {data['duplicates']} already known, {len(data['rejected'])} rejected")
        for r in data["rejected"]:
            print(f"  {r['record']}: {r['error']}")
    return 0 if not data["rejected"] else 2


@changes_data
def carrier_events_import(args: argparse.Namespace) -> int:
    from app.aftersales import carrier_events

    content = _read(args.file)
    with open_context(args.db) as ctx:
        result = carrier_events.import_file(ctx.sessions, content, Path(args.file).name, _actor(ctx, args))
    return _print_import(args, result, "carrier events", "accepted")


def carrier_events_held(args: argparse.Namespace) -> int:
    from app.aftersales import carrier_events

    with open_context(args.db) as ctx:
        held = carrier_events.list_held(ctx.sessions)
    if args.json:
        print_json([h.as_json() for h in held])
        return 0
    for h in held:
        print(f"{h.id:>8}  {h.order:<14} {h.tracking_number:<22} {h.kind:<18} {h.at}  {h.reason}")
    if not held:
        print("no carrier event is held")
    return 0


@changes_data
def carrier_events_decide(args: argparse.Namespace) -> int:
    from app.aftersales import carrier_events

    with open_context(args.db) as ctx:
        number = carrier_events.decide(ctx.sessions, args.event, _actor(ctx, args), apply=args.apply, note=args.note)
    if args.json:
        print_json({"event": args.event, "order": number, "applied": bool(args.apply)})
    else:
        print(f"held event {args.event} of order {number} {'applied' if args.apply else 'set aside'}")
    return 0


@changes_data
def survey_import(args: argparse.Namespace) -> int:
    from app.aftersales import surveys

    content = _read(args.file)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{args.file} is not UTF-8 text") from None
    with open_context(args.db) as ctx:
        result = surveys.import_file(ctx.sessions, text, f"csv:{Path(args.file).name}", _actor(ctx, args))
    return _print_import(args, result, "survey answers", "imported")


@changes_data
def survey_record(args: argparse.Namespace) -> int:
    from app.aftersales import surveys

    with open_context(args.db) as ctx:
        answer = surveys.record(ctx.sessions, args.order, args.product, args.delivery, args.service, args.comment,
                                args.sku, _actor(ctx, args), source="cli")
        out = {"order": args.order, "product": answer.product, "delivery": answer.delivery,
               "service": answer.service}
    print_json(out) if args.json else print(f"answer recorded for {args.order}")
    return 0


# --- returns -------------------------------------------------------------------------------------------------

def _items(specs: list[str]):
    from app.aftersales.returns import ReturnItem

    items = []
    for spec in specs:
        parts = spec.split(":")
        try:
            qty = int(parts[1]) if len(parts) > 1 and parts[1] else 1
        except ValueError:
            raise InvalidInput(f"--item {spec}: the quantity must be a whole number") from None
        items.append(ReturnItem(parts[0].strip(), qty, parts[2].strip() if len(parts) > 2 else ""))
    return items


@changes_data
def return_open(args: argparse.Namespace) -> int:
    from app.aftersales import returns
    from app.aftersales.policy import ReturnPolicy

    with open_context(args.db) as ctx:
        policy = ReturnPolicy.from_settings(ctx.settings)
        items = _items(args.item)
        if args.check:
            number, problems = returns.check_request(ctx.sessions, args.order, items, args.kind, args.reason, policy)
            if args.json:
                print_json({"order": number, "allowed": not problems, "problems": problems})
            else:
                print("within the policy" if not problems else "outside the policy:\n  " + "\n  ".join(problems))
            return 0 if not problems else 1
        out = returns.open_return(ctx.sessions, args.order, items, args.kind, args.reason, _actor(ctx, args), policy,
                                  note=args.note).as_json()
    print_json(out) if args.json else print(f"return {out['number']} opened ({out['kind']})")
    return 0


@changes_data
def return_label(args: argparse.Namespace) -> int:
    from app.aftersales import returns

    with open_context(args.db) as ctx:
        ret, pdf = returns.label_return(ctx.sessions, args.ret, _actor(ctx, args), ctx.settings)
    out = ret.as_json()
    Path(args.output).write_bytes(pdf)
    print_json(out) if args.json else print(f"return label {out['tracking_number']} written to {args.output}")
    return 0


@changes_data
def return_receive(args: argparse.Namespace) -> int:
    from app.aftersales import returns

    with open_context(args.db) as ctx:
        out = returns.receive_return(ctx.sessions, args.ret, _actor(ctx, args)).as_json()
    print_json(out) if args.json else print(f"return {out['number']} received")
    return 0


@changes_data
def return_inspect(args: argparse.Namespace) -> int:
    from app.aftersales import returns

    with open_context(args.db) as ctx:
        ret, result = returns.inspect_return(ctx.sessions, args.ret, args.item, args.condition, _actor(ctx, args),
                                             args.quantity, args.bin)
    out = ret.as_json()
    if args.json:
        print_json({**out, "inspection": {"sku": result.sku, "condition": result.condition, "quantity": result.quantity,
                                          "bin": result.bin_code, "quarantine": result.quarantine}})
    else:
        print(f"{result.quantity} x {result.sku} {result.condition} -> {result.bin_code or 'no bin'}")
    return 0


@changes_data
def return_complete(args: argparse.Namespace) -> int:
    from app.aftersales import returns
    from app.aftersales.policy import ReturnPolicy

    with open_context(args.db) as ctx:
        out = returns.complete_return(ctx.sessions, args.ret, _actor(ctx, args), ReturnPolicy.from_settings(ctx.settings)).as_json()
    exchange = None
    if out["kind"] == "exchange":
        with open_context(args.db) as ctx:
            exchange = returns.create_exchange_order(ctx.sessions, ctx.settings, out["number"], _actor(ctx, args))
        out["status"] = "exchanged"
    out["exchange_order"] = exchange
    if args.json:
        print_json(out)
    elif exchange:
        print(f"return {out['number']} exchanged: order {exchange}")
    else:
        print(f"return {out['number']} refunded: {out['refund_cents'] / 100:.2f} and {out['points_refunded']} points")
    return 0
