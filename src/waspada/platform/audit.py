"""Append-only, hash-chained audit trail.

Every entry carries ``seq`` (1, 2, 3, ... with no gaps), the hash of the previous entry and its
own SHA-256 over a canonical JSON form of its fields. Editing an entry breaks its hash; deleting
one leaves a gap in ``seq`` or a broken link. :func:`verify` walks the chain and names the first
bad entry. Entries are written in their own short transaction under a lock (a process lock, plus
a PostgreSQL advisory lock so several server processes cannot fork the chain).

Never put personal data in ``summary``: use object ids; details are for ids, counts and codes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from waspada.platform.db import Base, UTCDateTime, session_scope, utcnow
from waspada.platform.security.policy import Principal

GENESIS = "0" * 64
_ADVISORY_KEY = 727_372_372  # arbitrary constant naming the audit chain lock
_lock = threading.Lock()


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


HASHED_FIELDS = (
    "seq", "created_at", "actor_user_id", "actor", "via", "action", "object_type",
    "object_id", "unit_id", "outcome", "ip", "detail", "prev_hash",
)


def entry_hash(entry: AuditEntry) -> str:
    values: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    payload = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _take_chain_lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_ADVISORY_KEY)))


def record(
    action: str,
    principal: Principal | None,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    unit_id: int | None = None,
    outcome: str = "ok",
    ip: str | None = None,
    actor: str | None = None,
    **detail: Any,
) -> int:
    """Append one entry; return its ``seq``. ``actor`` overrides the name (failed logins)."""
    with _lock, session_scope() as session:
        _take_chain_lock(session)
        last = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = AuditEntry(
            seq=seq,
            created_at=utcnow(),
            actor_user_id=principal.user_id if principal else None,
            actor=(actor or (principal.username if principal else "anonymous"))[:64],
            via=principal.via if principal else "web",
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            unit_id=unit_id,
            outcome=outcome,
            ip=ip,
            detail=json.dumps(detail, sort_keys=True, default=str),
            prev_hash=prev,
        )
        entry.hash = entry_hash(entry)
        session.add(entry)
        return seq


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None


def _walk(session: Session) -> Iterator[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    yield from session.scalars(stmt)


def verify(session: Session, expect_head: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the whole chain; report the first entry that was edited, removed or re-linked.

    ``expect_head`` is a ``(seq, hash)`` pair recorded earlier outside the database (e.g. in a
    daily report): it catches the removal of the newest entries, which a chain alone cannot.
    """
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    seen: dict[int, str] = {}
    for entry in _walk(session):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq - 1, prev_hash, expected_seq,
                                f"entry {expected_seq} is missing (next found: {entry.seq})")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq - 1, prev_hash, entry.seq,
                                f"entry {entry.seq} does not link to entry {entry.seq - 1}")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq - 1, prev_hash, entry.seq,
                                f"entry {entry.seq} was altered (hash mismatch)")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
        if expect_head and entry.seq == expect_head[0]:
            seen[entry.seq] = entry.hash
    head_seq = expected_seq - 1
    if expect_head:
        seq, digest = expect_head
        if seq > head_seq:
            return VerifyResult(False, checked, head_seq, prev_hash, head_seq + 1,
                                f"entries {head_seq + 1}..{seq} are missing")
        if seen.get(seq) != digest:
            return VerifyResult(False, checked, head_seq, prev_hash, seq,
                                f"entry {seq} does not match the recorded head hash")
    return VerifyResult(True, checked, head_seq, prev_hash)
