"""platform: audit chain anchored by a key outside the database (``alg`` per entry)

Existing entries keep their plain SHA-256 hashes (``alg = 'sha256'``) and are closed by one
keyed ``audit.anchor`` entry naming the legacy head, so they cannot be rewritten without the key
either (``audit.verify`` accepts legacy entries only before that anchor). Heads recorded before
the upgrade stay valid.

Revision ID: 0003_audit
Revises: 0002_platform
Create Date: 2026-11-29 22:30:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003_audit"
down_revision: str | None = "0002_platform"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alg", sa.String(length=16), nullable=False,
                                      server_default="sha256"))
    _anchor_legacy_entries()


def _anchor_legacy_entries() -> None:
    from waspada.platform.audit import ALG_HMAC, ANCHOR_ACTION, hash_values
    from waspada.platform.db import UTCDateTime

    entries = sa.table("audit_entries", sa.column("created_at", UTCDateTime()),
                       *(sa.column(name) for name in (
        "seq", "actor_user_id", "actor", "via", "action", "object_type",
        "object_id", "unit_id", "outcome", "ip", "detail", "prev_hash", "hash", "alg")))
    bind = op.get_bind()
    last = bind.execute(sa.select(entries.c.seq, entries.c.hash)
                        .order_by(entries.c.seq.desc()).limit(1)).first()
    if last is None:
        return
    now = datetime.now(UTC)
    values = {"seq": last[0] + 1, "created_at": now.isoformat(), "actor_user_id": None,
              "actor": "migration", "via": "cli", "action": ANCHOR_ACTION,
              "object_type": "audit_entry", "object_id": str(last[0]), "unit_id": None,
              "outcome": "ok", "ip": None,
              "detail": json.dumps({"legacy_head_hash": last[1], "legacy_head_seq": last[0]},
                                   sort_keys=True),
              "prev_hash": last[1]}
    digest = hash_values(values, ALG_HMAC)
    bind.execute(entries.insert().values(**{**values, "created_at": now, "hash": digest,
                                            "alg": ALG_HMAC}))


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("alg")
