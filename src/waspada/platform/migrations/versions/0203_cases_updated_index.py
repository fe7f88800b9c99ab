"""cases: index of the case list's default order, open cases first, the most recently updated
first (``ix_case_cases_work_order``: the finished flag, ``last_update_at`` DESC, ``id`` DESC)

The first key is the expression the list orders by (``cases.models.finished_key``), with the
workflow's final states of today written as literals; ``cases.models.INDEXED_FINISHED`` keeps
them and a test keeps that equal to ``workflow.yaml``.

Revision ID: 0203_cases_updated_index
Revises: 0202_cases_htcds
Create Date: 2026-12-01 23:59:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0203_cases_updated_index'
down_revision: str | None = '0202_cases_htcds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINISHED = "(CASE WHEN (status IN ('closed', 'duplicate', 'not_a_victim')) THEN 1 ELSE 0 END)"


def upgrade() -> None:
    op.create_index('ix_case_cases_work_order', 'case_cases',
                    [sa.text(FINISHED), sa.text('last_update_at DESC'), sa.text('id DESC')],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_cases_work_order', table_name='case_cases')
