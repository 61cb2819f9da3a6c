"""The order queue filtered by warehouse, in urgency order, walks an index instead of sorting

Revision ID: 0014_queue_by_warehouse
Revises: 0013_station_ui
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_queue_by_warehouse"
down_revision = "0013_station_ui"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_orders_warehouse_urgency", "orders", ["warehouse_id", sa.text("priority DESC"), "promised_ship_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_orders_warehouse_urgency", table_name="orders")
