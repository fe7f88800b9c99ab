"""exchange_outbox_consent: the consent an outgoing bundle was sealed under (purpose, case
person ids, organisation type), which re-sending it checks again

Revision ID: 0706_exchange_outbox_consent
Revises: 0705_exchange_partner_title
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0706_exchange_outbox_consent'
down_revision: str | None = '0705_exchange_partner_title'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('exchange_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_json', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('exchange_outbox', schema=None) as batch_op:
        batch_op.drop_column('consent_json')
