"""The shops, both ways (issue 20): channels, channel_cursors and the channel_outbox

Revision ID: 0033_channels
Revises: 0032_pin_crypt
"""

import sqlalchemy as sa
from alembic import op

from db.base import BigId, UtcDateTime

revision = "0033_channels"
down_revision = "0032_pin_crypt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.String(300), nullable=False),
        sa.Column("domain", sa.String(300), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("pull", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("pull_every_s", sa.Integer(), nullable=False, server_default="60"),
        sa.Column("write_back", sa.String(16), nullable=False, server_default="labelled"),
        sa.Column("push_stock", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("warehouse", sa.String(40), nullable=False, server_default=""),
        sa.Column("currency", sa.String(3), nullable=False, server_default=""),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('shopify', 'woocommerce')", name=op.f("ck_channels_known_kind")),
        sa.CheckConstraint("write_back IN ('labelled', 'closeout', 'never')", name=op.f("ck_channels_known_write_back")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
        sa.UniqueConstraint("name", name=op.f("uq_channels_name")),
    )
    op.create_table(
        "channel_cursors",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("cursor", sa.String(300), nullable=False, server_default=""),
        sa.Column("page", sa.String(500), nullable=False, server_default=""),
        sa.Column("ran_at", UtcDateTime(), nullable=True),
        sa.Column("ok_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=False, server_default=""),
        sa.Column("wait_until", UtcDateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name=op.f("fk_channel_cursors_channel_id_channels"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("channel_id", "kind", name=op.f("pk_channel_cursors")),
    )
    op.create_table(
        "channel_outbox",
        sa.Column("id", BigId, nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("order_id", BigId, nullable=True),
        sa.Column("parcel_id", BigId, nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("remote_id", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name=op.f("ck_channel_outbox_known_state")),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name=op.f("fk_channel_outbox_channel_id_channels")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_channel_outbox_order_id_orders")),
        sa.ForeignKeyConstraint(["parcel_id"], ["parcels.id"], name=op.f("fk_channel_outbox_parcel_id_parcels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_channel_outbox_key")),
    )
    op.create_index("ix_channel_outbox_due", "channel_outbox", ["state", "next_attempt_at"])
    op.create_index("ix_channel_outbox_order", "channel_outbox", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_channel_outbox_order", table_name="channel_outbox")
    op.drop_index("ix_channel_outbox_due", table_name="channel_outbox")
    op.drop_table("channel_outbox")
    op.drop_table("channel_cursors")
    op.drop_table("channels")
