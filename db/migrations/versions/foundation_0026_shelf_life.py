"""FEFO (issue 18): a product's minimum remaining shelf life

``products.min_shelf_life_days``: how many days an item must still have before its expiry date to be reserved,
picked and sent out (0: any date not yet past). Reservation takes the first-expiring lot that qualifies.

Revision ID: 0026_shelf_life
Revises: 0025_goods_in
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_shelf_life"
down_revision = "0025_goods_in"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("min_shelf_life_days", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("min_shelf_life_days")
