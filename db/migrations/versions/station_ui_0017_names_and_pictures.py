"""A warehouse's name in Chinese, a product's picture (for the pack screen)

Revision ID: 0017_names_and_pictures
Revises: 0014_queue_by_warehouse
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_names_and_pictures"
down_revision = "0014_queue_by_warehouse"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("warehouses") as batch:
        batch.add_column(sa.Column("name_zh", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("products") as batch:
        # A local file (path or file:// URL) the pack screen shows beside the item's name.
        batch.add_column(sa.Column("picture", sa.String(500), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("picture")
    with op.batch_alter_table("warehouses") as batch:
        batch.drop_column("name_zh")
