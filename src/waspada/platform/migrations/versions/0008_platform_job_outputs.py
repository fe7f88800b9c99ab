"""platform: a job's kept result file (job_outputs), e.g. the HTCDS case export's JSON or zip

Revision ID: 0008_platform_job_outputs
Revises: 0005_platform_jobs
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = "0008_platform_job_outputs"
down_revision: str | None = "0005_platform_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_outputs',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', waspada.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_outputs_job_id_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'name', name=op.f('pk_job_outputs'))
    )


def downgrade() -> None:
    op.drop_table('job_outputs')
