"""Catalogue cross-references for EDI orders (issue 20, item 6): product_refs

A buyer's or supplier's article number for a product (EDIFACT ORDERS ``PIA``/``LIN`` with ``:IN``, ``:BP`` or
``:SA``), with the party it belongs to ("" for any), one product each: the intake finds an EDI line's product
through it.

Revision ID: 0034_product_refs
Revises: 0033_channels
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_product_refs"
down_revision = "0033_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "product_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("party", sa.String(64), nullable=False, server_default=""),
        sa.Column("code", sa.String(64), nullable=False),
        sa.CheckConstraint("kind IN ('buyer', 'supplier')", name=op.f("ck_product_refs_known_kind")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_product_refs_product_id_products"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_refs")),
        sa.UniqueConstraint("kind", "party", "code", name=op.f("uq_product_refs_kind")),
    )
    op.create_index(op.f("ix_product_refs_product_id"), "product_refs", ["product_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_product_refs_product_id"), table_name="product_refs")
    op.drop_table("product_refs")
