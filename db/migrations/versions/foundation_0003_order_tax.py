"""orders.tax_cents: tax charged on top of the goods (Shopify without taxes included, WooCommerce)

Revision ID: 0003_order_tax
Revises: 0002_coupons
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_order_tax"
down_revision = "0002_coupons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("tax_cents", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("tax_cents")
