"""cases indexes: case_cases.merged_into_id (the case page lists cases merged into it)

Revision ID: 0201_cases_indexes
Revises: 0200_cases
Create Date: 2026-11-27 19:10:38.254409
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0201_cases_indexes'
down_revision: str | None = '0200_cases'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_cases_merged_into_id'), ['merged_into_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_cases_merged_into_id'))
