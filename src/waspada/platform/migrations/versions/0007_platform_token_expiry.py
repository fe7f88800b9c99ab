"""platform: every personal API token expires

Tokens made before this revision never expired; each gets ``WASPADA_TOKEN_DAYS`` (default 90)
days from the moment of the migration, so scripts keep working for that long and then need a
new token (docs/administration.md, "API tokens").

Revision ID: 0007_platform_token_expiry
Revises: 0006_platform_accounts
Create Date: 2026-12-01 18:30:00
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import waspada.platform.db
from waspada.platform.settings import get_settings

revision: str = "0007_platform_token_expiry"
down_revision: str | None = "0006_platform_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", waspada.platform.db.UTCDateTime(),
                                      nullable=True))
    tokens = sa.table("api_tokens",
                      sa.column("expires_at", waspada.platform.db.UTCDateTime()))
    expires = waspada.platform.db.utcnow() + timedelta(days=get_settings().token_days)
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None))
               .values(expires_at=expires))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=waspada.platform.db.UTCDateTime(),
                              nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
