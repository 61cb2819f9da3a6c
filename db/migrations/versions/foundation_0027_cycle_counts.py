"""Cycle counts (issue 18): stock_counts, stock_count_scans, stock_count_lines

A count of one bin is opened at a station (at most one open count a bin: a partial unique index), every scan that
counted units is kept (with its id, so a replayed scan counts once), and closing it writes what it found against
the books; a variance above the threshold waits for a supervisor, then the count is posted to the stock ledger.
The statuses are written out as they stood when this revision was made.

Revision ID: 0027_cycle_counts
Revises: 0026_shelf_life
"""

import sqlalchemy as sa
from alembic import op

from db.base import BigId, UtcDateTime

revision = "0027_cycle_counts"
down_revision = "0026_shelf_life"
branch_labels = None
depends_on = None

OPEN = "status IN ('counting', 'review')"


def upgrade() -> None:
    op.create_table(
        "stock_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), sa.ForeignKey("warehouses.id"), nullable=False),
        sa.Column("bin_id", sa.Integer(), sa.ForeignKey("bins.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("station", sa.String(64), nullable=False, server_default=""),
        sa.Column("counted_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.CheckConstraint("status IN ('counting', 'review', 'posted', 'cancelled')", name="known_status"),
    )
    op.create_index("ux_stock_counts_open_bin", "stock_counts", ["bin_id"], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    op.create_index("ix_stock_counts_bin", "stock_counts", ["bin_id", "status", "closed_at"])
    op.create_index("ix_stock_counts_status", "stock_counts", ["status"])
    op.create_table(
        "stock_count_scans",
        sa.Column("id", BigId, nullable=False),
        sa.Column("count_id", sa.Integer(), sa.ForeignKey("stock_counts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("lot", sa.String(64), nullable=False, server_default=""),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.String(64), nullable=True),
        sa.Column("user", sa.String(100), nullable=False, server_default=""),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("count_id", "scan_id"),
    )
    op.create_index("ix_stock_count_scans_count", "stock_count_scans", ["count_id", "product_id", "lot"])
    op.create_table(
        "stock_count_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), sa.ForeignKey("stock_counts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("lot", sa.String(64), nullable=False, server_default=""),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("count_id", "product_id", "lot"),
    )


def downgrade() -> None:
    op.drop_table("stock_count_lines")
    op.drop_index("ix_stock_count_scans_count", table_name="stock_count_scans")
    op.drop_table("stock_count_scans")
    op.drop_index("ix_stock_counts_status", table_name="stock_counts")
    op.drop_index("ix_stock_counts_bin", table_name="stock_counts")
    op.drop_index("ux_stock_counts_open_bin", table_name="stock_counts")
    op.drop_table("stock_counts")
