"""exchange_primero: Primero destinations, records sent, sync log

Revision ID: 0720_exchange_primero
Revises: 0001_platform
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = '0720_exchange_primero'
down_revision: str | None = '0001_platform'
branch_labels: str | Sequence[str] | None = ('exchange_primero',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('primero_destinations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('user_name', sa.String(length=128), nullable=False),
    sa.Column('watermark', waspada.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_primero_destinations')),
    sa.UniqueConstraint('name', name=op.f('uq_primero_destinations_name'))
    )
    op.create_table('primero_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destination_id', sa.Integer(), nullable=False),
    sa.Column('case_ref', sa.String(length=64), nullable=False),
    sa.Column('primero_id', sa.String(length=36), nullable=False),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.Column('mapping_version', sa.Integer(), nullable=False),
    sa.Column('sent_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['destination_id'], ['primero_destinations.id'], name=op.f('fk_primero_records_destination_id_primero_destinations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_primero_records')),
    sa.UniqueConstraint('destination_id', 'case_ref', name='uq_primero_records_destination_case'),
    sa.UniqueConstraint('destination_id', 'primero_id', name='uq_primero_records_destination_primero')
    )
    op.create_table('primero_sync_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destination_id', sa.Integer(), nullable=False),
    sa.Column('record', sa.String(length=64), nullable=True),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['destination_id'], ['primero_destinations.id'], name=op.f('fk_primero_sync_log_destination_id_primero_destinations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_primero_sync_log'))
    )
    with op.batch_alter_table('primero_sync_log', schema=None) as batch_op:
        batch_op.create_index('ix_primero_sync_log_destination_status', ['destination_id', 'status'], unique=False)
        batch_op.create_index('ix_primero_sync_log_destination_time', ['destination_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('primero_sync_log', schema=None) as batch_op:
        batch_op.drop_index('ix_primero_sync_log_destination_time')
        batch_op.drop_index('ix_primero_sync_log_destination_status')
    op.drop_table('primero_sync_log')
    op.drop_table('primero_records')
    op.drop_table('primero_destinations')
