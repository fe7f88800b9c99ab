"""platform: each unit's time zone and city; officers' NIP and rank

Existing units get a zone guessed from their name (WIB when nothing matches), so a KBRI in
Phnom Penh shows Phnom Penh time and TPI Ngurah Rai WITA from the first start after upgrading.

Revision ID: 0004_platform_local_time
Revises: 0003_audit
Create Date: 2026-11-29 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from waspada.platform.timezones import DEFAULT_ZONE, zone_for_unit_name

revision: str = "0004_platform_local_time"
down_revision: str | None = "0003_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=False,
                                      server_default=DEFAULT_ZONE))
        batch_op.add_column(sa.Column("city", sa.String(length=100), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nip", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("rank", sa.String(length=100), nullable=True))
    units = sa.table("units", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("time_zone", sa.String))
    bind = op.get_bind()
    for unit_id, name in bind.execute(sa.select(units.c.id, units.c.name)).all():
        zone = zone_for_unit_name(name or "")
        if zone != DEFAULT_ZONE:
            bind.execute(units.update().where(units.c.id == unit_id).values(time_zone=zone))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("rank")
        batch_op.drop_column("nip")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("city")
        batch_op.drop_column("time_zone")
