"""matching decided score: the score the dedupe review page showed beside an analyst's decision
(``matching/verdicts.py``)

Revision ID: 0101_matching_decided_score
Revises: 0100_matching
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0101_matching_decided_score'
down_revision: str | None = '0100_matching'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('matching_dedupe_clusters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_score', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('matching_dedupe_clusters', schema=None) as batch_op:
        batch_op.drop_column('decided_score')
