"""``station channels add|set|list|pull|push|outbox|retry`` (contracts.md): the shops, both ways, through
:mod:`app.channels.service`. Credentials are never arguments: the config file's ``channels.<NAME>`` or the
environment's ``STATION_CHANNEL_<NAME>_TOKEN`` (Shopify) / ``_KEY`` and ``_SECRET`` (WooCommerce)."""

from __future__ import annotations

import argparse
import sys
import time

from app.channels import service
from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json, safe_text
from app.context import open_context
from app.errors import NotFound, StationError


def register(subparsers) -> None:
    channels = subparsers.add_parser(
        "channels", help="the shops: orders pulled in; fulfilments, tracking and stock sent back",
        description="The shops the warehouse serves. A channel's credentials come from the config file "
                    "(channels.NAME.token / key, secret) or the environment (STATION_CHANNEL_NAME_TOKEN, "
                    "_KEY, _SECRET, _WEBHOOK_SECRET), never from the command line or the database.")
    sub = channels.add_subparsers(dest="channels_command", metavar="ACTION", required=True)

    add = command(sub, "add", add_cmd, help="a shop: its kind and address")
    add.add_argument("name", metavar="NAME", help="the channel's name (orders carry it): letters, digits, - _ .")
    add.add_argument("--kind", required=True, choices=("shopify", "woocommerce"))
    add.add_argument("--url", required=True, help="the shop's address (https://acme.myshopify.com, https://shop.example)")
    _options(add)
    acting(add)

    change = command(sub, "set", set_cmd, help="change a channel")
    change.add_argument("name", metavar="NAME")
    change.add_argument("--url", default=None)
    change.add_argument("--active", choices=("yes", "no"), default=None)
    _options(change, defaults=False)
    acting(change)

    command(sub, "list", list_cmd, help="each channel, its credentials, last pull and push, its outbox")

    pull = command(sub, "pull", pull_cmd, help="orders changed at the shop since the last pull, into the intake")
    pull.add_argument("name", metavar="NAME", nargs="?", help="one channel (default: every pulled channel)")
    pull.add_argument("--pages", type=int, default=None, metavar="N", help="at most N pages now (the rest next time)")
    pull.add_argument("--force", action="store_true", help="even if the shop asked us to wait")
    acting(pull)

    push = command(sub, "push", push_cmd, help="fulfilments due from the outbox, then stock levels")
    push.add_argument("--once", action="store_true", help="one round, then stop (default: keep going every --every s)")
    push.add_argument("--every", type=float, default=5.0, metavar="SECONDS")
    acting(push)

    box = command(sub, "outbox", outbox_cmd, help="what waits to be told to the shops, what failed and why")
    box.add_argument("--all", action="store_true", help="the sent ones too")
    box.add_argument("--limit", type=int, default=200)

    again = command(sub, "retry", retry_cmd, help="send failed messages again (after mending what the shop said)")
    again.add_argument("refs", nargs="+", metavar="REF", help="an order number, a message key, or a channel (all its failed)")
    acting(again)


def _options(parser: argparse.ArgumentParser, defaults: bool = True) -> None:
    d = (lambda value: value) if defaults else (lambda value: None)
    parser.add_argument("--pull", choices=("yes", "no"), default=d("yes"),
                        help="poll the shop for orders (no: the shop sends webhooks to station serve)")
    parser.add_argument("--pull-every", type=int, default=None, metavar="SECONDS", help="how often (default 60)")
    parser.add_argument("--write-back", choices=("labelled", "closeout", "never"), default=d("labelled"),
                        help="when the shop is told an order shipped: at its label, or at the carrier's close-out")
    parser.add_argument("--stock", choices=("yes", "no"), default=d("yes"), help="send stock levels to the shop")
    parser.add_argument("--warehouse", default=d(""), metavar="CODE", help="the warehouse whose stock the shop sells")
    parser.add_argument("--currency", default=d(""), metavar="ISO", help="for orders that name none")
    parser.add_argument("--domain", default=d(""), help="the shop's host as its webhooks name it (default: the URL's)")
    parser.add_argument("--location", default=None, help="Shopify: the location stock is set at (default: the first)")
    parser.add_argument("--api-version", default=None, help="Shopify: the Admin API version (default 2025-01)")


def _yes(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


def _extra(args: argparse.Namespace) -> dict:
    return {k: v for k, v in (("location", args.location), ("api_version", args.api_version)) if v}


@changes_data
def add_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        made = service.add_channel(ctx.sessions, actor_of(ctx, args), args.name, args.kind, args.url,
                                   pull=args.pull == "yes", write_back=args.write_back, push_stock=args.stock == "yes",
                                   warehouse=args.warehouse, currency=args.currency, domain=args.domain,
                                   options=_extra(args))
        if args.pull_every:
            service.set_channel(ctx.sessions, actor_of(ctx, args), made.name, pull_every_s=args.pull_every)
        row = next(r for r in service.channel_rows(ctx.sessions, ctx.settings) if r.name == made.name)
    if args.json:
        print_json(row.as_json())
    else:
        print(f"channel {row.name} ({row.kind}, {row.url}): credentials {row.credentials}")
    return 0


@changes_data
def set_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        service.set_channel(ctx.sessions, actor_of(ctx, args), args.name, url=args.url, active=_yes(args.active),
                            pull=_yes(args.pull), pull_every_s=args.pull_every, write_back=args.write_back,
                            push_stock=_yes(args.stock), warehouse=args.warehouse, currency=args.currency,
                            domain=args.domain, **({"options": _extra(args)} if _extra(args) else {}))
        row = next(r for r in service.channel_rows(ctx.sessions, ctx.settings) if r.name == args.name)
    if args.json:
        print_json(row.as_json())
    else:
        print(f"channel {row.name} changed")
    return 0


def list_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = service.channel_rows(ctx.sessions, ctx.settings)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    if not rows:
        print("no channels: 'station channels add NAME --kind shopify|woocommerce --url URL'")
    for r in rows:
        box = ", ".join(f"{n} {state}" for state, n in sorted(r.outbox.items())) or "empty"
        print(f"{r.name:<16} {r.kind:<12} {r.url}  {'active' if r.active else 'stopped'}")
        print(f"  credentials {r.credentials}")
        print(f"  pull {'on' if r.pull else 'off (webhooks)'}; last {r.pulled_at or 'never'}"
              f"{'  ERROR ' + safe_text(r.pull_error) if r.pull_error else ''}")
        print(f"  write-back at {r.write_back}; stock {'on' if r.push_stock else 'off'}, last {r.stock_pushed_at or 'never'}"
              f"{'  ERROR ' + safe_text(r.stock_error) if r.stock_error else ''}; outbox {box}")
    return 0


@changes_data
def pull_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args)
        names = [args.name] if args.name else [r.name for r in service.channel_rows(ctx.sessions, ctx.settings)
                                               if r.active and r.pull]
        if not names:
            raise NotFound("no channel to pull: 'station channels list'")
        results = [service.pull(ctx.sessions, ctx.settings, name, actor, max_pages=args.pages, force=args.force)
                   for name in names]
    failed = False
    for r in results:
        failed = failed or bool(r.error)
        if args.json:
            print_json(r.as_json())
        else:
            print(f"{r.channel}: {r.imported} new, {r.duplicates} known, "
                  f"{len(r.rejected)} rejected in {r.pages} page(s){'' if r.done or r.error else ' (more next time)'}"
                  f"{'; ' + safe_text(r.error) if r.error else ''}")
            for rejected in r.rejected:
                print(f"  rejected {safe_text(rejected['record'])}: {safe_text(rejected['error'])}")
    return 1 if failed else 0


@changes_data
def push_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args)
        while True:
            try:
                result = service.push(ctx.sessions, ctx.settings, actor)
            except StationError:
                raise
            except Exception as exc:  # noqa: BLE001 - a database away for a moment: said, and tried again
                if args.once:
                    raise
                print(f"station channels push: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}; "
                      "trying again", file=sys.stderr)
                time.sleep(max(0.5, args.every))
                continue
            if args.json:
                print_json(result.as_json())
            else:
                found = f" ({result.already} found already at the shop)" if result.already else ""
                print(f"sent {result.sent} fulfilment(s){found}, {result.retrying} to try again, {len(result.failed)} failed; "
                      f"stock of {result.stock_sent} product(s) sent")
                for f in result.failed:
                    print(f"  failed {f['key']}: {safe_text(f['error'])}")
                for e in result.errors:
                    print(f"  {safe_text(e)}")
                if result.stock_unknown:
                    print(f"  the shop does not sell: {', '.join(result.stock_unknown[:20])}"
                          f"{' ...' if len(result.stock_unknown) > 20 else ''}")
            if args.once:
                return 1 if result.failed or result.errors else 0
            time.sleep(max(0.5, args.every))


def outbox_cmd(args: argparse.Namespace) -> int:
    states = ("pending", "sending", "sent", "failed") if args.all else ("pending", "sending", "failed")
    with open_context(args.db) as ctx:
        rows = service.outbox_rows(ctx.sessions, states, args.limit)
    if args.json:
        print_json([r.__dict__ for r in rows])
        return 0
    if not rows:
        print("nothing waits for the shops")
    for r in rows:
        status = f" HTTP {r.http_status}" if r.http_status else ""
        print(f"{r.channel:<14} {r.order:<14} {r.state:<8} tries {r.attempts}{status}  {safe_text(r.last_error)}")
    return 0


@changes_data
def retry_cmd(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        n = service.retry_failed(ctx.sessions, actor_of(ctx, args), args.refs)
    if args.json:
        print_json({"retrying": n})
    else:
        print(f"{n} message(s) will be sent again")
    return 0
