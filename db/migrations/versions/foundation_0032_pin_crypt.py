"""A PIN the database itself can check (issue 19, item 2): users.pin_crypt

Under ``station db roles`` no station login reads a PIN's hash; a log-in's PIN is checked inside PostgreSQL by a
function the owner owns (pgcrypto's bcrypt). ``pin_crypt`` holds that bcrypt hash, set with the Argon2id one
whenever a PIN is set; neither is readable by a station login.

Revision ID: 0032_pin_crypt
Revises: 0031_login_security
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_pin_crypt"
down_revision = "0031_login_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("pin_crypt", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("pin_crypt")
