"""RFID cartons at goods in (issue 18, item 2): receipt_tags

A carton read by RFID counts each SGTIN tag once on its delivery: the tag's EPC is kept with the receipt entry it
counted on, and a carton read again counts only the tags not read before.

Revision ID: 0030_receipt_tags
Revises: 0029_replenishment_delivery
"""

import sqlalchemy as sa
from alembic import op

from db.base import BigId

revision = "0030_receipt_tags"
down_revision = "0029_replenishment_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_tags",
        sa.Column("id", BigId, nullable=False),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("deliveries.id"), nullable=False),
        sa.Column("entry_id", BigId, sa.ForeignKey("receipt_entries.id"), nullable=False),
        sa.Column("epc", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("delivery_id", "epc"),
    )
    op.create_index("ix_receipt_tags_entry_id", "receipt_tags", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_receipt_tags_entry_id", table_name="receipt_tags")
    op.drop_table("receipt_tags")
