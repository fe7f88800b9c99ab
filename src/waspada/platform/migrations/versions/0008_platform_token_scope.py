"""platform: an API token's scope (read / full) and its last audited refusal

A token's scope is chosen when it is made (``read`` by default from now on); every token made
before this revision was made with its owner's whole role, so it keeps that power: ``full``
(the column's server default fills them). ``last_refused_at`` limits the ``token.refused``
audit entries to one an hour per token (docs/administration.md, "API tokens").

Revision ID: 0008_platform_token_scope
Revises: 0007_platform_token_expiry
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waspada.platform.db

revision: str = "0008_platform_token_scope"
down_revision: str | None = "0007_platform_token_expiry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=8), nullable=False,
                                      server_default="full"))
        batch_op.add_column(sa.Column("last_refused_at", waspada.platform.db.UTCDateTime(),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_refused_at")
        batch_op.drop_column("scope")
