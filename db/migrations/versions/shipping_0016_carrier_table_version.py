"""The carrier tables carry a version: any change to carriers, services, coverage or rates bumps it

Labelling reads one row (``shipping_counters``, name ``carriers:version``) instead of the whole rate table on
every label, and loads the table again only when the version moved. Triggers keep the version, so every
writer (the app, a seed, an administrator's SQL) invalidates the stations' copies.

Revision ID: 0016_carrier_table_version
Revises: 0006_shipping
"""

from alembic import op

revision = "0016_carrier_table_version"
down_revision = "0006_shipping"
branch_labels = None
depends_on = None

VERSION_ROW = "carriers:version"
TABLES = ("carriers", "carrier_services", "carrier_coverage", "carrier_rates")
# A random step, not + 1: a change rolled back must never leave a cached copy that a later change's version
# matches (the station that read the rolled-back version inside that transaction may have cached it).
STEP = {"postgresql": "1 + floor(random() * 1000000000)::bigint", "sqlite": "1 + abs(random() % 1000000000)"}


def _bump(dialect: str) -> str:
    return f"UPDATE shipping_counters SET value = value + {STEP[dialect]} WHERE name = '{VERSION_ROW}'"


def upgrade() -> None:
    op.execute(f"INSERT INTO shipping_counters (name, value) VALUES ('{VERSION_ROW}', 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION bump_carriers_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {_bump('postgresql')};
                RETURN NULL;
            END $$
        """)
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION bump_carriers_version()")
        return
    # SQLite: no statement-level triggers, no TRUNCATE; one trigger per table and kind of change.
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table} BEGIN {_bump('sqlite')}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_carriers_version()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}")
    op.execute(f"DELETE FROM shipping_counters WHERE name = '{VERSION_ROW}'")
