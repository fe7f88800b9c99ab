"""exchange_partner_title: the partner organisation's name as people read it (the pages show
it; the identifier ``name`` stays for the API, the command line and bundles)

Revision ID: 0705_exchange_partner_title
Revises: 0700_exchange
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0705_exchange_partner_title'
down_revision: str | None = '0700_exchange'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('exchange_partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('exchange_partners', schema=None) as batch_op:
        batch_op.drop_column('title')
