"""Each station's devices in the shared database (issue 23): a station writes the serial devices its config file
names (kind and port: scanner /dev/ttyUSB0, scale /dev/ttyS1, ...) when it starts and when they are changed on its
Devices screen, so Administration lists every station's devices, not only its own. Unknown (NULL) until the
station has started once with this version.

Revision ID: 0024_station_devices
Revises: 0023_foundation_heads
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_station_devices"
down_revision = "0023_foundation_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(sa.Column("devices", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("devices")
