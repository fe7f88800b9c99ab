"""statistics: spike alerts and public tables stored when the aggregates change, so pages
read them instead of running the detector or the suppression audit; indexes for the reads of
one unit scope; rollups over all units (the watermarks are cleared: the next refresh rebuilds)

Revision ID: 0501_statistics_results
Revises: 0500_statistics
Create Date: 2026-11-30 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = '0501_statistics_results'
down_revision: str | None = '0500_statistics'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stats_results',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('computed_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_stats_results'))
    )
    # the dashboards read one unit scope (a unit, or -1: all units) over a period range
    op.create_index('ix_stats_counts_read', 'stats_counts',
                    ['indicator', 'grain', 'unit_id', 'period'], unique=False)
    op.create_index('ix_stats_regency_counts_read', 'stats_regency_counts',
                    ['indicator', 'unit_id', 'period'], unique=False)
    op.create_index('ix_stats_durations_read', 'stats_durations',
                    ['measure', 'unit_id', 'period'], unique=False)
    # regency counts and durations gain rollups over all units (unit_id -1): rebuild
    op.execute("DELETE FROM stats_watermarks")


def downgrade() -> None:
    op.drop_index('ix_stats_durations_read', table_name='stats_durations')
    op.drop_index('ix_stats_regency_counts_read', table_name='stats_regency_counts')
    op.drop_index('ix_stats_counts_read', table_name='stats_counts')
    op.drop_table('stats_results')
    op.execute("DELETE FROM stats_watermarks")
