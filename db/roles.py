"""Least privilege on PostgreSQL (issue 19, item 2): who may do what, down to the database.

``station db roles`` (run once by a superuser, again after each ``station db upgrade``) makes:

* an owner role (``station_owner``) that owns the schema's tables, sequences and functions: the migrations run as
  it (``station db upgrade`` with the owner's login); nobody else owns a table, so no station login can ALTER one,
  disable a trigger (the timeline's append-only one) or TRUNCATE;
* one group role a station role (``station_packer``, ``station_shipping``, ``station_supervisor``,
  ``station_service``, ``station_admin``) and one for ``station serve`` (``station_web``), granted exactly:
  SELECT on every table but the secret columns of ``users`` (the badge's keyed hash and the PIN's hash: no station
  login reads them); INSERT, UPDATE, DELETE on the operational tables; INSERT only on the append-only ones (the
  timeline, the stock ledger, the users' trail, the stock changes); the reference data (users, warehouses, bins,
  products, carriers, rate cards, coupons, cartons) written by ``station_admin`` alone, a station's own presence
  columns by every station; never TRUNCATE, never a reference to another role's grants;
* logins: ``--login NAME:ROLE`` makes a login role in a group (its password from the environment variable
  ``STATION_PASSWORD_<NAME>``, never on the command line or in the database in clear).

Log-in goes through SECURITY DEFINER functions owned by the owner, so the checks work without the secrets being
readable: ``station_login_badge`` (the user a badge's keyed hash names) and ``station_login_pin_ok`` (whether a PIN
is the user's: pgcrypto's bcrypt against ``users.pin_crypt``, set with the Argon2id hash whenever a PIN is set; a
user whose PIN was set before has none, and ``station db roles`` says whose PINs to set again).

Everything is idempotent: roles that exist are kept, grants are set again from scratch on each run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, inspect, text

STATION_ROLES = ("packer", "shipping", "supervisor", "service", "admin")
WEB = "web"
# Written only with INSERT: the timeline (its trigger refuses UPDATE and DELETE too), the stock ledger, the
# users' trail, the stock changes the triggers write.
APPEND_ONLY = frozenset({"order_events", "stock_ledger", "user_events", "stock_changes"})
# Reference data: read by everyone, written by an administrator (the CLI's set-up commands and the Administration
# screen). shipping_counters is not here: tracking-number serials are drawn by every labelling station.
ADMIN_TABLES = frozenset({
    "users", "warehouses", "bins", "products", "product_gtins", "product_substitutes", "carriers", "carrier_services",
    "carrier_rates", "carrier_coverage", "carrier_postcode_zones", "carrier_surcharges", "coupons", "pack_cartons",
    "pack_materials", "stations", "channels", "product_refs",
})
# What no station login may read.
SECRET_COLUMNS = {"users": frozenset({"badge_hash", "pin_hash", "pin_crypt"})}
# ...but an administrator sees whether a user has a badge and that a new one is not another's (not the code).
ADMIN_READS = {"users": frozenset({"badge_hash"})}
# A station's own presence: who is logged in where, its devices; every station writes these of its own row.
STATION_PRESENCE = ("user_id", "logged_in_at", "last_seen_at", "devices")
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,47}$")


@dataclass
class RolePlan:
    prefix: str = "station_"
    logins: list[tuple[str, str, str | None]] = field(default_factory=list)  # (name, role, password)

    @property
    def owner(self) -> str:
        return f"{self.prefix}owner"

    def group(self, role: str) -> str:
        return f"{self.prefix}{role}"

    @property
    def groups(self) -> list[str]:
        return [self.group(r) for r in (*STATION_ROLES, WEB)]


def _q(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"{name!r} is not a role name this tool makes (lower case letters, digits and _)")
    return f'"{name}"'


def _exists(conn: Connection, role: str) -> bool:
    return bool(conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar())


def apply(engine: Engine, plan: RolePlan) -> dict[str, list[str]]:
    """Create the roles and set every grant; run by a superuser (or the database's owner with CREATEROLE). Returns
    what was made: ``{"created": [...], "logins": [...], "tables": [...]}``."""
    if engine.dialect.name != "postgresql":
        raise ValueError("roles are PostgreSQL's: an SQLite database is one station's file")
    created: list[str] = []
    with engine.begin() as conn:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        for role in (plan.owner, *plan.groups):
            if not _exists(conn, role):
                conn.execute(text(f"CREATE ROLE {_q(role)} NOLOGIN"))
                created.append(role)
        tables = sorted(inspect(conn).get_table_names(schema="public"))
        owner, groups = _q(plan.owner), ", ".join(_q(g) for g in plan.groups)
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {groups}, {owner}'))
        conn.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {groups}"))
        conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        # The owner owns everything in the schema: tables (with their triggers), sequences, functions.
        for table in tables:
            conn.execute(text(f'ALTER TABLE public."{table}" OWNER TO {owner}'))
        for (sequence,) in conn.execute(text(
                "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")):
            conn.execute(text(f'ALTER SEQUENCE public."{sequence}" OWNER TO {owner}'))
        for (signature,) in conn.execute(text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public' AND p.prokind = 'f'")):
            conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {owner}"))
        # From scratch: nothing for PUBLIC or the groups, then exactly what each needs.
        for table in tables:
            conn.execute(text(f'REVOKE ALL ON public."{table}" FROM PUBLIC, {groups}'))
        conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {groups}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}"))
        for table in tables:
            _grant_table(conn, table, plan)
        _login_functions(conn, plan)
        logins = []
        for name, role, password in plan.logins:
            if role not in (*STATION_ROLES, WEB, "owner"):
                raise ValueError(f"--login {name}:{role}: the roles are {', '.join((*STATION_ROLES, WEB, 'owner'))}")
            group = plan.owner if role == "owner" else plan.group(role)
            if name in (plan.owner, *plan.groups):
                raise ValueError(f"--login {name}: that is the name of a group role; give the login a name of its own")
            if not _exists(conn, name):
                conn.execute(text(f"CREATE ROLE {_q(name)} LOGIN"))
            if password:
                # A literal in the statement (ALTER ROLE takes no parameter), quoted by the server's own rules.
                quoted = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
                conn.execute(text(f"ALTER ROLE {_q(name)} LOGIN PASSWORD {quoted}"))
            conn.execute(text(f"GRANT {_q(group)} TO {_q(name)}"))
            logins.append(f"{name}:{role}")
    return {"created": created, "logins": logins, "tables": tables}


def _grant_table(conn: Connection, table: str, plan: RolePlan) -> None:
    name = f'public."{table}"'
    station_groups = [plan.group(r) for r in STATION_ROLES] + [plan.group(WEB)]
    everyone = ", ".join(_q(g) for g in station_groups)
    admin = _q(plan.group("admin"))
    secrets = SECRET_COLUMNS.get(table)
    if secrets:
        columns = [c["name"] for c in inspect(conn).get_columns(table, schema="public")]
        readable = ", ".join(f'"{c}"' for c in columns if c not in secrets)
        conn.execute(text(f"GRANT SELECT ({readable}) ON {name} TO {everyone}"))
        extra = ", ".join(f'"{c}"' for c in sorted(ADMIN_READS.get(table, ())))
        if extra:
            conn.execute(text(f"GRANT SELECT ({extra}) ON {name} TO {admin}"))
    else:
        conn.execute(text(f"GRANT SELECT ON {name} TO {everyone}"))
    if table in APPEND_ONLY:
        conn.execute(text(f"GRANT INSERT ON {name} TO {everyone}"))
    elif table == "stations":
        presence = ", ".join(f'"{c}"' for c in STATION_PRESENCE)
        conn.execute(text(f"GRANT UPDATE ({presence}) ON {name} TO {everyone}"))
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {admin}"))
    elif table in ADMIN_TABLES:
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {admin}"))
    elif table == "alembic_version":
        pass  # the migrations' own: read to check the schema is current, written by the owner alone
    else:
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {everyone}"))


# The log-in checks a station makes before anyone is logged in, without reading the secrets: SECURITY DEFINER
# functions owned by the owner, with a fixed search_path.
LOGIN_FUNCTIONS = """
CREATE OR REPLACE FUNCTION public.station_login_pin_ok(p_username text, p_pin text)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    stored text;
BEGIN
    SELECT u.pin_crypt INTO stored FROM users u WHERE u.username = p_username AND u.active;
    IF stored IS NULL OR left(stored, 2) <> '$2' THEN
        -- The same work for a name no user has, or a PIN set before the database could check it.
        PERFORM crypt(p_pin, '$2a$10$0123456789abcdefghijkl');
        RETURN false;
    END IF;
    RETURN crypt(p_pin, stored) = stored;
END $$;
CREATE OR REPLACE FUNCTION public.station_login_badge(p_hash text)
RETURNS TABLE (id integer, username text, display_name text, role text, language text, active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.id, u.username::text, u.display_name::text, u.role::text, u.language::text, u.active
    FROM users u WHERE u.badge_hash = p_hash AND u.active
$$;
"""


def _login_functions(conn: Connection, plan: RolePlan) -> None:
    conn.execute(text("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public"))
    conn.exec_driver_sql(LOGIN_FUNCTIONS)
    groups = ", ".join(_q(g) for g in plan.groups)
    for signature in ("station_login_badge(text)", "station_login_pin_ok(text, text)"):
        conn.execute(text(f"ALTER FUNCTION public.{signature} OWNER TO {_q(plan.owner)}"))
        conn.execute(text(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC"))
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION public.{signature} TO {groups}"))


def pins_to_set_again(engine: Engine) -> list[str]:
    """The active users whose PIN the database cannot check (set before ``users.pin_crypt``): set them again."""
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT username FROM users WHERE active AND pin_crypt IS NULL "
                                      "ORDER BY username")).scalars())
