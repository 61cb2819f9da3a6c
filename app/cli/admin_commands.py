"""``station users``, ``station stations``, ``station warehouses`` (issue 23): staff, stations and warehouses.

A PIN is never an argument: ``users add`` and ``users set-pin`` read the new PIN from standard input (its first
line) or ask for it twice on a terminal. A command that changes data acts as ``--user NAME`` proved by that user's
PIN (``STATION_PIN`` or asked), else as ``cli@HOST`` (contracts.md "Who acts").
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from app.admin import cards, queries, sites, staff
from app.cli.acting import acting, actor_of, changes_data
from app.cli.main import command, print_json, print_rows
from app.context import open_context
from app.errors import InvalidInput


def register(subparsers) -> None:
    users = command(subparsers, "users", _help_of("users"), help="staff: add, list, change, set a PIN, print badges")
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION")
    add = command(users_sub, "add", users_add, help="add a user (the PIN is read from standard input or asked)")
    add.add_argument("username", metavar="USER")
    add.add_argument("--name", required=True, help="the person's name")
    add.add_argument("--role", required=True, help="one or more of packer, supervisor, shipping, service, admin "
                                                   "(comma-separated)")
    add.add_argument("--badge", metavar="CODE", help="the badge code (kept only as a keyed hash)")
    add.add_argument("--language", default="", help="en or zh_CN (default: the station's)")
    add.add_argument("--card", metavar="FILE", help="also write the badge card (PDF) to FILE")
    acting(add)
    listing = command(users_sub, "list", users_list, help="list the users (never a PIN or a badge)")
    listing.add_argument("--active", action="store_true", help="active users only")
    change = command(users_sub, "set", users_set, help="change a user's name, roles, badge, language or activity")
    change.add_argument("username", metavar="USER")
    change.add_argument("--name")
    change.add_argument("--role")
    badge = change.add_mutually_exclusive_group()
    badge.add_argument("--badge", metavar="CODE", help="a new badge code")
    badge.add_argument("--no-badge", action="store_true", help="take the badge away")
    change.add_argument("--language", help="en, zh_CN or '' (the station's)")
    active = change.add_mutually_exclusive_group()
    active.add_argument("--deactivate", action="store_true", help="deactivate: logged out everywhere at once")
    active.add_argument("--activate", action="store_true")
    change.add_argument("--card", metavar="FILE", help="with --badge: also write the badge card (PDF) to FILE")
    acting(change)
    set_pin = command(users_sub, "set-pin", users_set_pin,
                      help="a new PIN (read from standard input or asked, never an argument)")
    set_pin.add_argument("username", metavar="USER")
    acting(set_pin)
    card = command(users_sub, "card", users_card, help="a badge card (PDF) for the user's badge CODE")
    card.add_argument("username", metavar="USER")
    card.add_argument("--badge", metavar="CODE", required=True, help="the user's badge code (checked)")
    card.add_argument("-o", "--output", metavar="FILE", required=True)
    acting(card)
    unlock = command(users_sub, "unlock", users_unlock,
                     help="lift a user's lock after wrong PINs (a supervisor or an admin)")
    unlock.add_argument("username", metavar="USER")
    acting(unlock)
    trail = command(users_sub, "trail", users_trail,
                    help="the user's log-ins, failed log-ins, locks and unlocks, with station and time")
    trail.add_argument("username", metavar="USER")
    trail.add_argument("--last", type=int, default=200, metavar="N", help="the last N events (default 200)")

    stations = command(subparsers, "stations", _help_of("stations"), help="register and list the stations")
    stations_sub = stations.add_subparsers(dest="stations_command", metavar="ACTION")
    add = command(stations_sub, "add", stations_add, help="register a station")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--warehouse", metavar="CODE")
    add.add_argument("--kind", default="pack", help=f"one of {', '.join(sites.STATION_KINDS)} (default pack)")
    acting(add)
    command(stations_sub, "list", stations_list, help="the stations, their warehouse, kind, user and printers")

    warehouses = command(subparsers, "warehouses", _help_of("warehouses"), help="add and list warehouses")
    warehouses_sub = warehouses.add_subparsers(dest="warehouses_command", metavar="ACTION")
    add = command(warehouses_sub, "add", warehouses_add, help="add a warehouse")
    add.add_argument("code", metavar="CODE")
    add.add_argument("--name", required=True)
    add.add_argument("--name-zh", default="", help="its Chinese name")
    add.add_argument("--address", default="", help="street and number")
    add.add_argument("--city", default="")
    add.add_argument("--region", default="")
    add.add_argument("--postcode", default="")
    add.add_argument("--country", default="", help="two letters (CN, US...)")
    add.add_argument("--lat", type=float, help="latitude (optional; allocation weighs distance when known)")
    add.add_argument("--long", dest="lon", type=float, help="longitude")
    acting(add)
    command(warehouses_sub, "list", warehouses_list, help="the warehouses")


def _help_of(name: str):
    def show(args: argparse.Namespace) -> int:
        actions = "|set|set-pin|card|unlock|trail" if name == "users" else ""
        raise InvalidInput(f"say what to do: station {name} add|list" + actions)
    return show


def _new_pin(username: str) -> str:
    """The new PIN: the first line of standard input, or asked twice on a terminal."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"new PIN for {username}: ")
        if getpass.getpass("again: ") != first:
            raise InvalidInput(f"user {username}: pin: the two PINs differ")
        return first.strip()
    line = sys.stdin.readline()
    if not line.strip():
        raise InvalidInput(f"user {username}: pin: give the PIN on standard input (echo ... |) or on a terminal")
    return line.strip()


def _write_card(path: str, pdf: bytes) -> None:
    Path(path).write_bytes(pdf)


@changes_data
def users_add(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args)
        pin = _new_pin(args.username)
        view = staff.add_user(ctx.sessions, args.username, args.name, args.role, pin, actor, badge=args.badge,
                              language=args.language)
        if args.card and args.badge:
            _write_card(args.card, cards.card_for(ctx.sessions, view.username, args.badge, actor))
    if args.json:
        print_json(view.as_json())
    else:
        print(f"user {view.username} added ({view.role})")
    return 0


def users_list(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = queries.users(ctx.sessions, include_inactive=not args.active)
    return print_rows(args, rows, lambda r: f"{r.username:<16} {r.role:<28} {'active' if r.active else 'inactive':<9} "
                                            f"{r.language or '-':<6} {'badge' if r.has_badge else '-':<6} {r.name}"
                                            + (f"  (locked until {r.locked_until.astimezone():%H:%M})"
                                               if r.locked_until else ""))


@changes_data
def users_set(args: argparse.Namespace) -> int:
    changes: dict = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.role is not None:
        changes["roles"] = args.role
    if args.badge is not None:
        changes["badge"] = args.badge
    elif args.no_badge:
        changes["badge"] = None
    if args.language is not None:
        changes["language"] = args.language
    if args.deactivate or args.activate:
        changes["active"] = bool(args.activate)
    if not changes:
        raise InvalidInput(f"user {args.username}: nothing to change (--name, --role, --badge, --language, "
                           "--deactivate, ...)")
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args)
        change = staff.set_user(ctx.sessions, args.username, actor, **changes)
        if args.card and args.badge:
            _write_card(args.card, cards.card_for(ctx.sessions, change.user.username, args.badge, actor))
    if args.json:
        print_json({**change.user.as_json(), "signed_out_at": list(change.signed_out_at)})
    else:
        print(f"user {change.user.username} changed" + (
            f"; logged out at {', '.join(change.signed_out_at)}" if change.signed_out_at else ""))
    return 0


@changes_data
def users_set_pin(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args)
        view = staff.set_pin(ctx.sessions, args.username, _new_pin(args.username), actor)
    if args.json:
        print_json({"username": view.username, "pin": "set"})
    else:
        print(f"PIN of {view.username} set")
    return 0


@changes_data
def users_card(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        actor = actor_of(ctx, args)
        _write_card(args.output, cards.card_for(ctx.sessions, args.username, args.badge, actor))
    if args.json:
        print_json({"username": args.username, "file": args.output})
    else:
        print(f"badge card written to {args.output}")
    return 0


@changes_data
def users_unlock(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        view = staff.unlock(ctx.sessions, args.username, actor_of(ctx, args))
    if args.json:
        print_json(view.as_json())
    else:
        print(f"user {view.username} unlocked")
    return 0


def users_trail(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = queries.user_trail(ctx.sessions, args.username, limit=max(1, args.last))

    def line(r: queries.TrailRow) -> str:
        details = " ".join(f"{k}={v}" for k, v in r.data.items())
        return (f"{r.at.astimezone().strftime('%Y-%m-%d %H:%M:%S')}  {r.kind:<13} {r.station or '-':<14} "
                + (f"by {r.actor} " if r.actor else "") + details)
    return print_rows(args, rows, line)


@changes_data
def stations_add(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        added = sites.add_station(ctx.sessions, args.name, actor_of(ctx, args), warehouse=args.warehouse, kind=args.kind)
    if args.json:
        print_json({"name": added.name, "warehouse": added.warehouse, "kind": added.kind, "user": None})
    else:
        print(f"station {added.name} registered ({added.kind}{', ' + added.warehouse if added.warehouse else ''})")
    return 0


def stations_list(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = queries.stations(ctx.sessions)
    return print_rows(args, rows, lambda r: f"{r.name:<16} {r.warehouse or '-':<8} {r.kind:<8} {r.user or '-':<14} "
                                            + (", ".join(f"{p.kind}={p.uri}" for p in r.printers) or "no printers"))


@changes_data
def warehouses_add(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        added = sites.add_warehouse(ctx.sessions, args.code, args.name, actor_of(ctx, args), country=args.country,
                                    address=args.address, city=args.city, region=args.region,
                                    postcode=args.postcode, name_zh=args.name_zh, latitude=args.lat,
                                    longitude=args.lon)
    if args.json:
        print_json({"code": added.code, "name": added.name, "country": added.country, "address": added.address,
                    "latitude": added.latitude, "longitude": added.longitude})
    else:
        print(f"warehouse {added.code} added")
    return 0


def warehouses_list(args: argparse.Namespace) -> int:
    with open_context(args.db) as ctx:
        rows = queries.warehouses(ctx.sessions)
    return print_rows(args, rows, lambda r: f"{r.code:<8} {r.country or '-':<3} {r.name}  {r.city}")
