"""station ui: indexes for the order queue's sort orders over every order

Revision ID: 0013_station_ui
Revises: 0001_foundation

The queue screen sorts a million orders by urgency (priority descending, promised ship time,
id) with or without a status filter, and pages through them; these indexes let both databases
walk the rows in that order instead of sorting them all. Also the timeline's per-station counts
for the supervisor board.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_station_ui"
down_revision = "0001_foundation"
branch_labels = ("station_ui",)
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_urgency", "orders", [sa.text("priority DESC"), "promised_ship_at", "id"])
    op.create_index("ix_orders_status_urgency", "orders", ["status", sa.text("priority DESC"), "promised_ship_at", "id"])
    op.create_index("ix_order_events_station_kind_at", "order_events", ["station", "kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_order_events_station_kind_at", table_name="order_events")
    op.drop_index("ix_orders_status_urgency", table_name="orders")
    op.drop_index("ix_orders_urgency", table_name="orders")
