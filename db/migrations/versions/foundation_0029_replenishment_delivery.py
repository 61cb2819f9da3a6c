"""Replenishment requests become expected deliveries (issue 18, item 1): replenishments.delivery_id

A supervisor orders the requests waiting for a warehouse from a supplier: they become one expected delivery (goods
in receives it like any other) and each request names it; closing the delivery marks them received.

Revision ID: 0029_replenishment_delivery
Revises: 0028_stock_changes
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_replenishment_delivery"
down_revision = "0028_stock_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("replenishments") as batch:
        batch.add_column(sa.Column("delivery_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_replenishments_delivery_id_deliveries", "deliveries", ["delivery_id"], ["id"])
        batch.create_index("ix_replenishments_delivery_id", ["delivery_id"])


def downgrade() -> None:
    with op.batch_alter_table("replenishments") as batch:
        batch.drop_index("ix_replenishments_delivery_id")
        batch.drop_constraint("fk_replenishments_delivery_id_deliveries", type_="foreignkey")
        batch.drop_column("delivery_id")
