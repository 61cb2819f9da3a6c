"""Stock by lot and expiry, and the stock ledger (issue 23, opening stock)

``stock`` gets ``lot`` ('' for none) and ``expiry``; its unique key becomes product + bin + lot.
``stock_ledger`` holds every change of on-hand stock: who, when, why, the product, bin and lot,
the quantity before and after and the difference, and a reference (a file, an order, a return).

Revision ID: 0021_stock_ledger
Revises: 0018_order_references
"""

import sqlalchemy as sa
from alembic import op

from db.base import BigId, UtcDateTime

revision = "0021_stock_ledger"
down_revision = "0018_order_references"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stock") as batch:
        batch.add_column(sa.Column("lot", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("expiry", sa.Date(), nullable=True))
        batch.drop_constraint("uq_stock_product_id", type_="unique")
        batch.create_unique_constraint("uq_stock_product_id", ["product_id", "bin_id", "lot"])
    op.create_table(
        "stock_ledger",
        sa.Column("id", BigId, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("user", sa.String(100), nullable=False, server_default=""),
        sa.Column("station", sa.String(64), nullable=False, server_default=""),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False, server_default=""),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("bin_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(64), nullable=False, server_default=""),
        sa.Column("before", sa.Integer(), nullable=False),
        sa.Column("after", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_stock_ledger_product_id_products")),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_stock_ledger_bin_id_bins")),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.id"], name=op.f("fk_stock_ledger_warehouse_id_warehouses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_ledger")),
    )
    with op.batch_alter_table("stock_ledger") as batch:
        batch.create_index("ix_stock_ledger_product", ["product_id", "id"], unique=False)
        batch.create_index("ix_stock_ledger_at", ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("stock_ledger")
    with op.batch_alter_table("stock") as batch:
        batch.drop_constraint("uq_stock_product_id", type_="unique")
        batch.create_unique_constraint("uq_stock_product_id", ["product_id", "bin_id"])
        batch.drop_column("expiry")
        batch.drop_column("lot")
