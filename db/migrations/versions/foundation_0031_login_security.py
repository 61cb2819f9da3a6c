"""Log-in security (issue 19, item 3): login_locks and the append-only user_events

Five wrong PINs in a run lock a name for 15 minutes (app.admin.auth); the count lives in login_locks, one row a
name as typed, updated in one statement so two stations failing at once both count. Every log-in, failed log-in,
refusal while locked, lock and unlock is a row of user_events, which the database refuses to change or delete.

Revision ID: 0031_login_security
Revises: 0030_receipt_tags
"""

import sqlalchemy as sa
from alembic import op

from db.base import BigId, UtcDateTime

revision = "0031_login_security"
down_revision = "0030_receipt_tags"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "user_events is append-only"


def upgrade() -> None:
    op.create_table(
        "login_locks",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", UtcDateTime(), nullable=True),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_login_locks")),
    )
    op.create_table(
        "user_events",
        sa.Column("id", BigId, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("station", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_events")),
    )
    op.create_index("ix_user_events_username", "user_events", ["username", "id"])
    op.create_index("ix_user_events_at", "user_events", ["at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION user_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER user_events_no_change BEFORE UPDATE OR DELETE ON user_events "
            "FOR EACH ROW EXECUTE FUNCTION user_events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER user_events_no_{action.lower()} BEFORE {action} ON user_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS user_events_no_change ON user_events")
        op.execute("DROP FUNCTION IF EXISTS user_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS user_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS user_events_no_delete")
    op.drop_index("ix_user_events_at", table_name="user_events")
    op.drop_index("ix_user_events_username", table_name="user_events")
    op.drop_table("user_events")
    op.drop_table("login_locks")
