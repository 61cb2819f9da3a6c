"""Stock to the shop (issue 18, item 7): stock_changes, written by triggers

Every change of a product's sellable stock (on hand - reserved, outside quarantine bins) writes a row naming the
product, in the changing transaction, whatever changed it: a reservation, a release, a count, a receipt, an import,
a bin put in or out of quarantine. A change that moves on hand and reserved together (a parcel shipped) leaves the
sellable stock as it was and writes nothing. The shops' sender reads the rows after its cursor.

Revision ID: 0028_stock_changes
Revises: 0027_cycle_counts
"""

import sqlalchemy as sa
from alembic import op

from db.base import BigId, UtcDateTime

revision = "0028_stock_changes"
down_revision = "0027_cycle_counts"
branch_labels = None
depends_on = None

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"  # as SQLAlchemy writes a DateTime: microseconds
SQLITE_TRIGGERS = {
    "stock_changes_insert": f"""CREATE TRIGGER stock_changes_insert AFTER INSERT ON stock
        WHEN NEW.on_hand != NEW.reserved
        BEGIN INSERT INTO stock_changes (product_id, at) VALUES (NEW.product_id, {SQLITE_NOW}); END""",
    "stock_changes_update": f"""CREATE TRIGGER stock_changes_update AFTER UPDATE OF on_hand, reserved, product_id,
        bin_id ON stock
        WHEN NEW.on_hand - NEW.reserved != OLD.on_hand - OLD.reserved OR NEW.product_id != OLD.product_id
          OR NEW.bin_id != OLD.bin_id
        BEGIN INSERT INTO stock_changes (product_id, at) VALUES (NEW.product_id, {SQLITE_NOW}); END""",
    "stock_changes_delete": f"""CREATE TRIGGER stock_changes_delete AFTER DELETE ON stock
        WHEN OLD.on_hand != OLD.reserved
        BEGIN INSERT INTO stock_changes (product_id, at) VALUES (OLD.product_id, {SQLITE_NOW}); END""",
    "stock_changes_quarantine": f"""CREATE TRIGGER stock_changes_quarantine AFTER UPDATE OF quarantine ON bins
        WHEN NEW.quarantine != OLD.quarantine
        BEGIN INSERT INTO stock_changes (product_id, at)
              SELECT product_id, {SQLITE_NOW} FROM stock WHERE bin_id = NEW.id AND on_hand != reserved; END""",
}
POSTGRES = """
CREATE FUNCTION stock_changes_from_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.on_hand != OLD.reserved THEN
            INSERT INTO stock_changes (product_id, at) VALUES (OLD.product_id, now());
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.on_hand != NEW.reserved THEN
            INSERT INTO stock_changes (product_id, at) VALUES (NEW.product_id, now());
        END IF;
        RETURN NULL;
    END IF;
    IF NEW.on_hand - NEW.reserved != OLD.on_hand - OLD.reserved OR NEW.product_id != OLD.product_id
       OR NEW.bin_id != OLD.bin_id THEN
        INSERT INTO stock_changes (product_id, at) VALUES (NEW.product_id, now());
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stock_changes AFTER INSERT OR UPDATE OR DELETE ON stock
    FOR EACH ROW EXECUTE FUNCTION stock_changes_from_stock();
CREATE FUNCTION stock_changes_from_bins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.quarantine IS DISTINCT FROM OLD.quarantine THEN
        INSERT INTO stock_changes (product_id, at)
            SELECT product_id, now() FROM stock WHERE bin_id = NEW.id AND on_hand != reserved;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stock_changes_quarantine AFTER UPDATE OF quarantine ON bins
    FOR EACH ROW EXECUTE FUNCTION stock_changes_from_bins();
"""


def upgrade() -> None:
    op.create_table(
        "stock_changes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES)
    else:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS stock_changes ON stock")
        op.execute("DROP TRIGGER IF EXISTS stock_changes_quarantine ON bins")
        op.execute("DROP FUNCTION IF EXISTS stock_changes_from_stock()")
        op.execute("DROP FUNCTION IF EXISTS stock_changes_from_bins()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("stock_changes")
