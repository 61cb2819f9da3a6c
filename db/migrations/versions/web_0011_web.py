"""web: service cases, customer messages, the e-mail outbox, the notifier's cursor, order page tokens

Revision ID: 0011_web
Revises: 0001_foundation
Create Date: 2026-11-25 08:45:00

The customer's side (issue 11): messages from the tracking page become service cases on the order; notices
by e-mail wait in a durable outbox; the notifier keeps its place in order_events in notify_cursor.
"""

from alembic import op
import sqlalchemy as sa
import db.base


revision = '0011_web'
down_revision = '0001_foundation'
branch_labels = ('web',)
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('web_order_access',
    sa.Column('id', BigId, nullable=False),
    sa.Column('order_id', BigId, nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_web_order_access_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_order_access')),
    sa.UniqueConstraint('order_id', name=op.f('uq_web_order_access_order_id')),
    sa.UniqueConstraint('token', name=op.f('uq_web_order_access_token'))
    )
    op.create_table('service_cases',
    sa.Column('id', BigId, nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('order_id', BigId, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_service_cases_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_service_cases_number'))
    )
    op.create_index(op.f('ix_service_cases_order_id'), 'service_cases', ['order_id'], unique=False)
    op.create_index('ix_service_cases_status_updated', 'service_cases', ['status', 'updated_at'], unique=False)
    op.create_table('customer_messages',
    sa.Column('id', BigId, nullable=False),
    sa.Column('case_id', BigId, nullable=False),
    sa.Column('author', sa.String(length=16), nullable=False),
    sa.Column('user', sa.String(length=64), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['service_cases.id'], name=op.f('fk_customer_messages_case_id_service_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_messages'))
    )
    op.create_index(op.f('ix_customer_messages_case_id'), 'customer_messages', ['case_id'], unique=False)
    op.create_table('notify_outbox',
    sa.Column('id', BigId, nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('order_id', BigId, nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('next_attempt_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('event_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_notify_outbox_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_notify_outbox_idempotency_key'))
    )
    op.create_index(op.f('ix_notify_outbox_order_id'), 'notify_outbox', ['order_id'], unique=False)
    op.create_index('ix_notify_outbox_state_due', 'notify_outbox', ['state', 'next_attempt_at'], unique=False)
    op.create_table('notify_cursor',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_event_id', BigId, nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_notify_cursor'))
    )


def downgrade() -> None:
    op.drop_table('notify_cursor')
    op.drop_index('ix_notify_outbox_state_due', table_name='notify_outbox')
    op.drop_index(op.f('ix_notify_outbox_order_id'), table_name='notify_outbox')
    op.drop_table('notify_outbox')
    op.drop_index(op.f('ix_customer_messages_case_id'), table_name='customer_messages')
    op.drop_table('customer_messages')
    op.drop_index('ix_service_cases_status_updated', table_name='service_cases')
    op.drop_index(op.f('ix_service_cases_order_id'), table_name='service_cases')
    op.drop_table('service_cases')
    op.drop_table('web_order_access')
