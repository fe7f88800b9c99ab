"""statistics: spike alerts and public tables stored when the aggregates change, so pages
read them instead of running the detector or the suppression audit

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


def downgrade() -> None:
    op.drop_table('stats_results')
