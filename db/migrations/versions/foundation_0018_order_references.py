"""orders.shop_number: the shop's own number as the order look-up compares it (issue 17, one lookup by reference)

Shopify's "#1041", a WooCommerce number, an EDI order reference: upper case, without blanks or a leading "#"
(app.orders.references.shop_number_key), indexed for the look-up. Orders already in the database get their
external id as that key (the intake kept no other shop number for them).

Revision ID: 0018_order_references
Revises: 0003_order_tax
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_order_references"
down_revision = "0003_order_tax"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("shop_number", sa.String(100), nullable=False, server_default=""))
    op.execute("UPDATE orders SET shop_number = upper(ltrim(replace(external_id, ' ', ''), '#'))")
    with op.batch_alter_table("orders") as batch:
        batch.create_index("ix_orders_shop_number", ["shop_number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_shop_number")
        batch.drop_column("shop_number")
