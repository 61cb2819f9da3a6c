"""Foundation: one head again. 0019 (status checks), 0020 (staff) and 0021 (stock ledger) were each written
on top of 0018 side by side; this revision joins them so the foundation branch has a single head and the next
foundation migration has one revision to build on. It changes no table.

Revision ID: 0023_foundation_heads
Revises: 0019_status_checks, 0020_staff, 0021_stock_ledger
"""

from __future__ import annotations

revision = "0023_foundation_heads"
down_revision = ("0019_status_checks", "0020_staff", "0021_stock_ledger")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
