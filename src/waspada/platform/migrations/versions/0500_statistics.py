"""statistics tables: pre-aggregated counts and durations, refresh watermarks, case origin
regions, alert acknowledgements

Revision ID: 0500_statistics
Revises: 0001_platform
Create Date: 2026-11-30 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = '0500_statistics'
down_revision: str | None = '0001_platform'
branch_labels: str | Sequence[str] | None = ('statistics',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stats_counts',
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('grain', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('destination', sa.String(length=8), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('indicator', 'grain', 'period', 'province', 'destination',
                            'unit_id', name=op.f('pk_stats_counts'))
    )
    op.create_table('stats_regency_counts',
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('regency', sa.String(length=4), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('indicator', 'period', 'regency', 'unit_id',
                            name=op.f('pk_stats_regency_counts'))
    )
    op.create_table('stats_durations',
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('measure', 'period', 'unit_id', 'days',
                            name=op.f('pk_stats_durations'))
    )
    op.create_table('stats_case_regions',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('regency', sa.String(length=4), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_stats_case_regions'))
    )
    op.create_table('stats_watermarks',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('changed_until', waspada.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refreshed_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', name=op.f('pk_stats_watermarks'))
    )
    op.create_table('stats_alert_acks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('area', sa.String(length=2), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_stats_alert_acks_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_alert_acks'))
    )
    op.create_index('ix_stats_alert_acks_alert', 'stats_alert_acks',
                    ['indicator', 'kind', 'area', 'period'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_stats_alert_acks_alert', table_name='stats_alert_acks')
    op.drop_table('stats_alert_acks')
    op.drop_table('stats_watermarks')
    op.drop_table('stats_case_regions')
    op.drop_table('stats_durations')
    op.drop_table('stats_regency_counts')
    op.drop_table('stats_counts')
