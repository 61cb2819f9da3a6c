"""Carriers' rate cards (issue 23 item 5): a carrier account's connector and mode, zones by postcode prefix,
surcharges (fuel percent, remote area, oversize)

``carriers.connector`` is how the account rates and labels: ``table`` (the built-in rate card) for every carrier
so far; ``karrio:<carrier>`` accounts come with issue 21. ``mode`` is ``test`` or ``production``.
``carrier_postcode_zones`` puts postcodes starting with a prefix into a zone (the longest prefix wins over a
region, a region over the whole country). ``carrier_surcharges`` are added to a parcel's price: ``remote`` (a
flat amount to a country, region or postcode prefix), ``oversize`` (a flat amount when the longest side is over
``over_mm``), ``fuel`` (a percentage, in hundredths of a percent, of the price with the other surcharges). A row
without a service applies to every service of its carrier. Both new tables bump the carrier tables' version as
the others do (migration 0016), so no station quotes from a stale copy.

Revision ID: 0022_rate_cards
Revises: 0016_carrier_table_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_rate_cards"
down_revision = "0016_carrier_table_version"
branch_labels = None
depends_on = None

NEW_TABLES = ("carrier_postcode_zones", "carrier_surcharges")
_SQLITE_STEP = "1 + abs(random() % 1000000000)"


def upgrade() -> None:
    with op.batch_alter_table("carriers") as batch:
        batch.add_column(sa.Column("connector", sa.String(40), nullable=False, server_default="table"))
        batch.add_column(sa.Column("mode", sa.String(16), nullable=False, server_default="production"))
    op.create_table(
        "carrier_postcode_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("postcode_prefix", sa.String(16), nullable=False),
        sa.Column("zone", sa.Integer(), nullable=False),
        sa.Column("transit_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["carrier_services.id"],
                                name=op.f("fk_carrier_postcode_zones_service_id_carrier_services")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_postcode_zones")),
        sa.UniqueConstraint("service_id", "country", "postcode_prefix", name=op.f("uq_carrier_postcode_zones_service_id")),
    )
    with op.batch_alter_table("carrier_postcode_zones") as batch:
        batch.create_index(batch.f("ix_carrier_postcode_zones_service_id"), ["service_id"], unique=False)
    op.create_table(
        "carrier_surcharges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("percent_bp", sa.Integer(), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("region", sa.String(100), nullable=False),
        sa.Column("postcode_prefix", sa.String(16), nullable=False),
        sa.Column("over_mm", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('fuel', 'remote', 'oversize')", name=op.f("ck_carrier_surcharges_known_kind")),
        sa.CheckConstraint("cents >= 0 AND percent_bp >= 0", name=op.f("ck_carrier_surcharges_not_negative")),
        sa.ForeignKeyConstraint(["carrier_id"], ["carriers.id"], name=op.f("fk_carrier_surcharges_carrier_id_carriers")),
        sa.ForeignKeyConstraint(["service_id"], ["carrier_services.id"],
                                name=op.f("fk_carrier_surcharges_service_id_carrier_services")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_surcharges")),
    )
    with op.batch_alter_table("carrier_surcharges") as batch:
        batch.create_index(batch.f("ix_carrier_surcharges_carrier_id"), ["carrier_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table in NEW_TABLES:
            op.execute(f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION bump_carriers_version()")
    else:
        for table in NEW_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table} BEGIN "
                           f"UPDATE shipping_counters SET value = value + {_SQLITE_STEP} WHERE name = 'carriers:version'; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NEW_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
    else:
        for table in NEW_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}")
    with op.batch_alter_table("carrier_surcharges") as batch:
        batch.drop_index(batch.f("ix_carrier_surcharges_carrier_id"))
    op.drop_table("carrier_surcharges")
    with op.batch_alter_table("carrier_postcode_zones") as batch:
        batch.drop_index(batch.f("ix_carrier_postcode_zones_service_id"))
    op.drop_table("carrier_postcode_zones")
    with op.batch_alter_table("carriers") as batch:
        batch.drop_column("mode")
        batch.drop_column("connector")
