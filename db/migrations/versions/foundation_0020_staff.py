"""Staff (issue 23): one or more roles a user, badges kept only as a keyed hash, warehouses without coordinates

users.role holds one or more roles joined by "," in a fixed order ("packer", "shipping,service"); the CHECK lists
every such value. users.badge_code (the badge in clear) becomes users.badge_hash: the hex HMAC-SHA256 of the code
under the station's badge key (app.config.badge_key: the setting or environment, else a key file made once in the
data folder; never in the database). Existing badges are converted here with that key. warehouses.latitude and
longitude may be unknown (a warehouse entered without them: allocation goes by load and stock).

The roles are written out as they stood when this revision was made: a migration must not change with the code.

Revision ID: 0020_staff
Revises: 0018_order_references
"""

import hashlib
import hmac
from itertools import combinations

import sqlalchemy as sa
from alembic import op

revision = "0020_staff"
down_revision = "0018_order_references"
branch_labels = None
depends_on = None

ROLES = ("packer", "supervisor", "shipping", "service", "admin")
ROLE_SETS = [",".join(c) for n in range(1, len(ROLES) + 1) for c in combinations(ROLES, n)]
KNOWN_ROLES = "role IN (" + ", ".join(f"'{r}'" for r in ROLE_SETS) + ")"
ONE_ROLE = "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")"


def _key() -> bytes:
    from app.config import badge_key

    return badge_key()


def upgrade() -> None:
    bind = op.get_bind()
    badges = bind.execute(sa.text("SELECT id, badge_code FROM users WHERE badge_code IS NOT NULL")).all()
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_known_role"), type_="check")
        batch.alter_column("role", existing_type=sa.String(16), type_=sa.String(64), existing_nullable=False)
        batch.add_column(sa.Column("badge_hash", sa.String(64), nullable=True))
        batch.create_check_constraint("known_roles", KNOWN_ROLES)
    if badges:
        key = _key()
        users = sa.table("users", sa.column("id", sa.Integer), sa.column("badge_hash", sa.String))
        for user_id, code in badges:
            digest = hmac.new(key, code.strip().encode("utf-8"), hashlib.sha256).hexdigest()
            bind.execute(users.update().where(users.c.id == user_id).values(badge_hash=digest))
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_badge_code"), type_="unique")
        batch.drop_column("badge_code")
        batch.create_unique_constraint(op.f("uq_users_badge_hash"), ["badge_hash"])
    with op.batch_alter_table("warehouses") as batch:
        batch.alter_column("latitude", existing_type=sa.Float(), nullable=True)
        batch.alter_column("longitude", existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    # Badge codes cannot be had back from their hashes: users keep no badge after a downgrade.
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE users SET role = substr(role, 1, instr(role || ',', ',') - 1)")
                 if bind.dialect.name == "sqlite" else sa.text("UPDATE users SET role = split_part(role, ',', 1)"))
    bind.execute(sa.text("UPDATE warehouses SET latitude = 0 WHERE latitude IS NULL"))
    bind.execute(sa.text("UPDATE warehouses SET longitude = 0 WHERE longitude IS NULL"))
    with op.batch_alter_table("warehouses") as batch:
        batch.alter_column("latitude", existing_type=sa.Float(), nullable=False)
        batch.alter_column("longitude", existing_type=sa.Float(), nullable=False)
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_badge_hash"), type_="unique")
        batch.drop_column("badge_hash")
        batch.add_column(sa.Column("badge_code", sa.String(64), nullable=True))
        batch.create_unique_constraint(op.f("uq_users_badge_code"), ["badge_code"])
        batch.drop_constraint(op.f("ck_users_known_roles"), type_="check")
        batch.alter_column("role", existing_type=sa.String(64), type_=sa.String(16), existing_nullable=False)
        batch.create_check_constraint("known_role", ONE_ROLE)
