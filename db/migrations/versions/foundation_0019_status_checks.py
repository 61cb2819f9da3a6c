"""Statuses defined once (issue 17, item 8): the database refuses a replenishment status app.domain.lifecycle does not know

Orders, parcels, returns and print jobs already had their CHECK (0001, 0006, 0007), now built by the models from
app.domain.lifecycle; replenishments had none. The list is written out here, as it stood when this revision was
made: a migration must not change when the code does (tests/db/test_status_checks.py compares it with lifecycle).

Revision ID: 0019_status_checks
Revises: 0018_order_references
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_status_checks"
down_revision = "0018_order_references"
branch_labels = None
depends_on = None

REPLENISHMENT_STATUSES = ("requested", "ordered", "received")
KNOWN_STATUS = "status IN (" + ", ".join(f"'{s}'" for s in REPLENISHMENT_STATUSES) + ")"


def upgrade() -> None:
    bad = op.get_bind().execute(
        sa.text("SELECT DISTINCT status FROM replenishments WHERE NOT (" + KNOWN_STATUS + ")")
    ).scalars().all()
    if bad:
        raise RuntimeError(
            "replenishments.status holds " + ", ".join(repr(s) for s in bad)
            + ": not one of " + ", ".join(REPLENISHMENT_STATUSES) + "; correct those rows, then upgrade again"
        )
    with op.batch_alter_table("replenishments") as batch:
        batch.create_check_constraint(op.f("ck_replenishments_known_status"), KNOWN_STATUS)


def downgrade() -> None:
    with op.batch_alter_table("replenishments") as batch:
        batch.drop_constraint(op.f("ck_replenishments_known_status"), type_="check")
