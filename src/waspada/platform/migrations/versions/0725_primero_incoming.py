"""primero_incoming: pulled Primero cases on their way through the referral import; the
destination's acceptance (auto | manual)

Revision ID: 0725_primero_incoming
Revises: 0720_exchange_primero
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = '0725_primero_incoming'
down_revision: str | None = '0720_exchange_primero'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('primero_destinations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acceptance', sa.String(length=16), nullable=False,
                                      server_default='auto'))
    op.create_table('primero_incoming',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destination_id', sa.Integer(), nullable=False),
    sa.Column('primero_id', sa.String(length=36), nullable=False),
    sa.Column('global_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('received_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['destination_id'], ['primero_destinations.id'], name=op.f('fk_primero_incoming_destination_id_primero_destinations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_primero_incoming')),
    sa.UniqueConstraint('destination_id', 'primero_id', name='uq_primero_incoming_destination_record')
    )
    with op.batch_alter_table('primero_incoming', schema=None) as batch_op:
        batch_op.create_index('ix_primero_incoming_case_id', ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('primero_incoming', schema=None) as batch_op:
        batch_op.drop_index('ix_primero_incoming_case_id')
    op.drop_table('primero_incoming')
    with op.batch_alter_table('primero_destinations', schema=None) as batch_op:
        batch_op.drop_column('acceptance')
