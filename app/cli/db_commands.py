"""``station db upgrade`` and ``station db roles`` (PostgreSQL: the owner, one role a station role, logins)."""

from __future__ import annotations

import argparse

from app.cli.main import command, print_json
from app.context import upgrade_schema


def register(subparsers) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    command(db_sub, "upgrade", upgrade, help="create or migrate the schema")
    roles = command(db_sub, "roles", roles_cmd, help="PostgreSQL: the owner role, one role a station role and one for "
                                                      "'station serve', with exactly their grants; run as a superuser")
    roles.add_argument("--prefix", default="station_", help="the roles' names start with this (default station_)")
    roles.add_argument("--login", action="append", default=[], metavar="NAME:ROLE",
                       help="also a login role NAME in ROLE (packer, shipping, supervisor, service, admin, web, owner); "
                            "its password from STATION_PASSWORD_<NAME> if set (repeatable)")


def roles_cmd(args: argparse.Namespace) -> int:
    from app.config import login_password
    from app.context import set_up_roles
    from app.errors import InvalidInput

    logins = []
    for spec in args.login:
        name, sep, role = spec.partition(":")
        if not sep or not name or not role:
            raise InvalidInput(f"--login {spec}: write NAME:ROLE, e.g. bench1:packer")
        logins.append((name, role, login_password(name)))
    done = set_up_roles(args.db, args.prefix, logins)
    if args.json:
        print_json(done)
    else:
        print(f"owner {done['owner']}; roles {', '.join(done['roles'])}; {len(done['tables'])} tables granted"
              + (f"; logins {', '.join(done['logins'])}" if done["logins"] else ""))
        if done["pins_to_set_again"]:
            print(f"set the PINs of {', '.join(done['pins_to_set_again'])} again ('station users set-pin'): they were "
                  "set before the database could check them, and a station login cannot log them in by PIN")
    return 0


def upgrade(args: argparse.Namespace) -> int:
    url = upgrade_schema(args.db)
    if args.json:
        print_json({"upgraded": True, "url": url})
    else:
        print(f"schema up to date: {url}")
    return 0
