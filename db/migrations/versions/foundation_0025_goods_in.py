"""Goods in (issue 18): deliveries, their packages and lines, and the receiving journal

``deliveries`` (a supplier's announced delivery, or one a replenishment asked for; received at one station at a
time), ``delivery_packages`` (the SSCCs on its pallet labels), ``delivery_lines`` (what is expected, what came in
good, what was set apart) and ``receipt_entries`` (each scan that counted units, until they are put away into a bin
or set apart in quarantine). The statuses are written out as they stood when this revision was made.

Revision ID: 0025_goods_in
Revises: 0024_station_devices
"""

import sqlalchemy as sa
from alembic import op

from db.base import BigId, UtcDateTime

revision = "0025_goods_in"
down_revision = "0024_station_devices"
branch_labels = None
depends_on = None

DELIVERY_STATUSES = "status IN ('expected', 'receiving', 'closed', 'cancelled')"
RECEIPT_STATES = "state IN ('received', 'put_away', 'quarantined')"


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("supplier", sa.String(200), nullable=False, server_default=""),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("purchase_order", sa.String(64), nullable=False, server_default=""),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("receiving_station", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(100), nullable=False, server_default=""),
        sa.CheckConstraint(DELIVERY_STATUSES, name=op.f("ck_deliveries_known_status")),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.id"], name=op.f("fk_deliveries_warehouse_id_warehouses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("number", name=op.f("uq_deliveries_number")),
        sa.UniqueConstraint("supplier", "reference", name=op.f("uq_deliveries_supplier")),
    )
    op.create_index("ix_deliveries_status", "deliveries", ["status", "expected_on"])
    op.create_table(
        "delivery_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("sscc", sa.String(18), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"],
                                name=op.f("fk_delivery_packages_delivery_id_deliveries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_packages")),
        sa.UniqueConstraint("sscc", name=op.f("uq_delivery_packages_sscc")),
    )
    op.create_index(op.f("ix_delivery_packages_delivery_id"), "delivery_packages", ["delivery_id"])
    op.create_table(
        "delivery_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("damaged", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(64), nullable=False, server_default=""),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("sscc", sa.String(18), nullable=False, server_default=""),
        sa.CheckConstraint("expected >= 0", name=op.f("ck_delivery_lines_expected_not_negative")),
        sa.CheckConstraint("received >= 0 AND damaged >= 0", name=op.f("ck_delivery_lines_counts_not_negative")),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"], name=op.f("fk_delivery_lines_delivery_id_deliveries")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_delivery_lines_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_lines")),
        sa.UniqueConstraint("delivery_id", "line_no", name=op.f("uq_delivery_lines_delivery_id")),
    )
    op.create_index("ix_delivery_lines_product", "delivery_lines", ["product_id"])
    op.create_table(
        "receipt_entries",
        sa.Column("id", BigId, nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(64), nullable=False, server_default=""),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("serial", sa.String(64), nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False, server_default=""),
        sa.Column("bin_id", sa.Integer(), nullable=True),
        sa.Column("station", sa.String(64), nullable=False, server_default=""),
        sa.Column("user", sa.String(100), nullable=False, server_default=""),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("put_away_at", UtcDateTime(), nullable=True),
        sa.Column("scan_id", sa.String(64), nullable=True),
        sa.CheckConstraint(RECEIPT_STATES, name=op.f("ck_receipt_entries_known_state")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_receipt_entries_quantity_positive")),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"], name=op.f("fk_receipt_entries_delivery_id_deliveries")),
        sa.ForeignKeyConstraint(["line_id"], ["delivery_lines.id"], name=op.f("fk_receipt_entries_line_id_delivery_lines")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_receipt_entries_product_id_products")),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_receipt_entries_bin_id_bins")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_entries")),
        sa.UniqueConstraint("scan_id", name=op.f("uq_receipt_entries_scan_id")),
    )
    op.create_index("ix_receipt_entries_delivery", "receipt_entries", ["delivery_id", "id"])
    op.create_index("ix_receipt_entries_bin", "receipt_entries", ["bin_id"])
    op.create_index("ix_bins_put_away", "bins", ["warehouse_id", "level", "position", "aisle", "code"])


def downgrade() -> None:
    op.drop_index("ix_bins_put_away", table_name="bins")
    op.drop_table("receipt_entries")
    op.drop_table("delivery_lines")
    op.drop_table("delivery_packages")
    op.drop_table("deliveries")
