"""Append-only, hash-chained audit trail, anchored by a key held outside the database.

Every entry carries ``seq`` (1, 2, 3, ... with no gaps), the hash of the previous entry and its
own HMAC-SHA256 (``alg = "hmac-sha256"``) over a canonical JSON form of its fields, keyed with
the audit key (``WASPADA_AUDIT_KEY`` or ``data_dir/audit_key``; never in the database). Editing
an entry breaks its MAC; deleting one leaves a gap in ``seq`` or a broken link; and rewriting the
chain (editing one entry and recomputing every later one) needs the key. :func:`verify` walks
the chain and names the first bad entry.

Entries written before anchoring use plain SHA-256 (``alg = "sha256"``). Migration
``0003_platform`` closed them with one keyed ``audit.anchor`` entry; :func:`verify` accepts
legacy entries only before that anchor, so they cannot be rewritten (or the whole chain
downgraded to unkeyed hashes) without the key either.

Checkpoints (:func:`make_checkpoint`) are signed heads the operator keeps elsewhere; verifying
against them catches what the key cannot: removal of the newest entries, and a rewrite by
someone who holds both the database and the key. They are signed with HMAC under the
checkpoint key, or with an Ed25519 private key (``audit_signing``) so that whoever verifies
them with the public key cannot forge one.

:func:`record` appends inside the caller's transaction when given ``session=``: the business
change and its audit entry then commit (or vanish) together. The chain lock is taken inside that
transaction (a PostgreSQL advisory transaction lock; on SQLite, the database write lock) and held
until it ends, so concurrent writers cannot fork the chain or leave a gap in ``seq``.

Never put personal data in ``summary``: use object ids; details are for ids, counts and codes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ForeignKey, Integer, String, Table, Text, false, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from waspada.platform import audit_keys
from waspada.platform.db import Base, UTCDateTime, session_scope, utcnow
from waspada.platform.security.policy import Principal
from waspada.platform.settings import get_settings

if TYPE_CHECKING:  # cryptography is imported only where an Ed25519 checkpoint is handled
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

GENESIS = "0" * 64
_ADVISORY_KEY = 727_372_372  # arbitrary constant naming the audit chain lock
ALG_LEGACY = "sha256"  # before anchoring: anyone can recompute it
ALG_HMAC = "hmac-sha256"
ALG_ED25519 = "ed25519"  # checkpoints only
ANCHOR_ACTION = "audit.anchor"


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # "users" is defined in platform.security.models; every session imports the whole schema
    # first (``db._sessionmaker_for``), so the key resolves in any command
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
    alg: Mapped[str] = mapped_column(String(16), default=ALG_HMAC, server_default=ALG_LEGACY)


HASHED_FIELDS = (
    "seq", "created_at", "actor_user_id", "actor", "via", "action", "object_type",
    "object_id", "unit_id", "outcome", "ip", "detail", "prev_hash",
)


def audit_key() -> bytes:
    return audit_keys.current_key()


def checkpoint_key(key: bytes | None = None) -> bytes:
    """``WASPADA_AUDIT_CHECKPOINT_KEY``, else a key derived from the audit key (``key``: a
    retired audit key instead of the one in force)."""
    configured = get_settings().audit_checkpoint_key
    if configured:
        return configured.encode()
    return hmac.new(key or audit_key(), b"waspada audit checkpoint v1", hashlib.sha256).digest()


def hash_values(values: dict[str, Any], alg: str, key: bytes | None = None) -> str:
    """The digest of one entry given its hashed fields (datetimes already ISO strings).

    Legacy entries hash the fields alone; keyed entries also bind ``alg``, so an entry cannot be
    relabelled from one scheme to the other.
    """
    if alg == ALG_LEGACY:
        payload = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(payload.encode()).hexdigest()
    if alg != ALG_HMAC:
        raise ValueError(f"unknown audit hash algorithm {alg!r}")
    payload = json.dumps({**values, "alg": alg}, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=True)
    return hmac.new(key if key is not None else audit_key(), payload.encode(),
                    hashlib.sha256).hexdigest()


def entry_hash(entry: AuditEntry, key: bytes | None = None) -> str:
    values: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return hash_values(values, entry.alg or ALG_HMAC, key)


def _take_chain_lock(session: Session) -> None:
    """Serialise chain writers until the caller's transaction ends.

    PostgreSQL: an advisory transaction lock. SQLite: a write that matches no row makes the
    transaction take the database write lock now (waiting up to ``busy_timeout``), so the head
    read next is the newest and nobody else can append before this transaction commits.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_ADVISORY_KEY)))
    elif dialect == "sqlite":
        table = cast(Table, AuditEntry.__table__)
        session.execute(update(table).where(false()).values(seq=table.c.seq))


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
    via: str | None = None,
    session: Session | None = None,
    **detail: Any,
) -> int:
    """Append one entry; return its ``seq``. ``actor`` overrides the name (failed logins),
    ``via`` the channel (``web`` when there is no principal: a sign-in that failed says
    ``session`` like one that succeeded; a partner's message ``http`` or ``file``).

    With ``session``, the entry joins that session's transaction and the caller commits it
    together with the change it describes (record last, just before the commit: the chain lock
    is held from here until that transaction ends). Without, it commits on its own.
    """
    if session is not None:
        return _append(session, action, principal, object_type=object_type,
                       object_id=object_id, unit_id=unit_id, outcome=outcome, ip=ip,
                       actor=actor, via=via, detail=detail)
    with session_scope() as own:
        return _append(own, action, principal, object_type=object_type, object_id=object_id,
                       unit_id=unit_id, outcome=outcome, ip=ip, actor=actor, via=via,
                       detail=detail)


def _append(session: Session, action: str, principal: Principal | None, *,
            object_type: str | None, object_id: str | int | None, unit_id: int | None,
            outcome: str, ip: str | None, actor: str | None, via: str | None,
            detail: dict[str, Any]) -> int:
    session.flush()  # the caller's pending changes first (on SQLite they take the write lock)
    _take_chain_lock(session)
    key = audit_key()
    _check_key_in_force(session, key)
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry = AuditEntry(
        seq=seq,
        created_at=utcnow(),
        actor_user_id=principal.user_id if principal else None,
        actor=(actor or (principal.username if principal else "anonymous"))[:64],
        via=(via or (principal.via if principal else "web"))[:16],
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        unit_id=unit_id,
        outcome=outcome,
        ip=ip,
        detail=json.dumps(detail, sort_keys=True, default=str),
        prev_hash=prev,
        alg=ALG_HMAC,
    )
    entry.hash = entry_hash(entry, key)
    session.add(entry)
    session.flush()
    return seq


def _check_key_in_force(session: Session, key: bytes) -> None:
    """Refuse to append with a key the chain was rotated away from (``audit_keys``)."""
    rotation = session.execute(
        select(AuditEntry.detail).where(AuditEntry.action == audit_keys.ROTATE_ACTION)
        .order_by(AuditEntry.seq.desc()).limit(1)).scalar()
    if rotation is not None and audit_keys.rotated_to(rotation) != audit_keys.key_id(key):
        raise audit_keys.StaleAuditKey(
            "the audit trail was moved to another audit key (`waspada audit rotate-key`); "
            "this process still holds the old one: restart it with the key in force")


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


def verify(session: Session, expect_head: tuple[int, str] | None = None,
           checkpoints: Iterable[Checkpoint] = (),
           public_keys: Iterable[Ed25519PublicKey] = ()) -> VerifyResult:
    """Walk the whole chain; report the first entry that was edited, removed or re-linked.

    ``expect_head`` is a ``(seq, hash)`` pair and ``checkpoints`` are signed heads recorded
    earlier outside the database: they catch the removal of the newest entries, which a chain
    alone cannot, and a rewrite by someone holding the audit key. Keyed entries are checked
    with the key of their stretch of the chain: the first keyed entry names it (any key of
    ``audit_keys.key_ring``), each ``audit.key_rotated`` entry the next, and the newest stretch
    must be keyed with the key in force. Ed25519 checkpoints are checked with ``public_keys``
    (the one whose fingerprint the checkpoint names).
    """
    ring = audit_keys.key_ring()
    publics = {_fingerprint(k): k for k in public_keys}
    current_id = audit_keys.key_id(audit_key())
    wanted: dict[int, list[str]] = {}
    signers: list[tuple[int, Checkpoint, str]] = []
    for number, cp in enumerate(checkpoints, 1):
        if cp.alg == ALG_ED25519 and cp.key not in publics:
            return VerifyResult(False, 0, 0, GENESIS, cp.seq,
                                f"checkpoint {number} (entry {cp.seq}) is signed with Ed25519 "
                                f"key {cp.key}: give its public key (--public-key)")
        signer = cp.signer(ring, publics)
        if signer is None:
            return VerifyResult(False, 0, 0, GENESIS, cp.seq,
                                f"checkpoint {number} (entry {cp.seq}) has a bad signature: "
                                "it was altered or signed with another key")
        signers.append((number, cp, signer))
        wanted.setdefault(cp.seq, []).append(cp.hash)
    if expect_head:
        wanted.setdefault(expect_head[0], []).append(expect_head[1])
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    prev_alg: str | None = None
    stretch: str | None = None  # id of the key of the current stretch of keyed entries
    last_keyed: dict[str, int] = {}  # key id -> the last entry keyed with it
    seen: dict[int, str] = {}
    for entry in _walk(session):
        seq = entry.seq
        if seq != expected_seq:
            return VerifyResult(False, checked, expected_seq - 1, prev_hash, expected_seq,
                                f"entry {expected_seq} is missing (next found: {seq})")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, seq - 1, prev_hash, seq,
                                f"entry {seq} does not link to entry {seq - 1}")
        problem = _alg_problem(entry, prev_alg)
        if problem:
            return VerifyResult(False, checked, seq - 1, prev_hash, seq, problem)
        if entry.alg == ALG_HMAC and stretch is None:
            stretch = next((i for i, k in ring.items() if entry_hash(entry, k) == entry.hash),
                           None)
        key = ring[stretch] if stretch is not None else None
        if (key is None and entry.alg == ALG_HMAC) or entry_hash(entry, key) != entry.hash:
            hint = (" or the audit key differs from the one it was written with"
                    if entry.alg == ALG_HMAC else "")
            return VerifyResult(False, checked, seq - 1, prev_hash, seq,
                                f"entry {seq} was altered (hash mismatch{hint})")
        if stretch is not None:
            last_keyed[stretch] = seq
            if entry.action == audit_keys.ROTATE_ACTION:
                stretch = audit_keys.rotated_to(entry.detail)
                if stretch not in ring:
                    return VerifyResult(
                        False, checked, seq - 1, prev_hash, seq,
                        f"entry {seq} moved the chain to audit key {stretch}, which is neither "
                        "the key in force nor a retired key (WASPADA_AUDIT_RETIRED_KEYS)")
        prev_hash, prev_alg = entry.hash, entry.alg
        expected_seq, checked = expected_seq + 1, checked + 1
        if seq in wanted:
            seen[seq] = entry.hash
    head_seq = expected_seq - 1
    if prev_alg == ALG_LEGACY:
        return VerifyResult(False, checked, head_seq, prev_hash, head_seq,
                            f"entries up to {head_seq} are not anchored by the audit key "
                            "(no keyed entry follows them; run `waspada db upgrade`)")
    if stretch is not None and stretch != current_id:
        return VerifyResult(False, checked, head_seq, prev_hash, head_seq,
                            f"the newest entries are keyed with retired audit key {stretch}, "
                            "not the key in force: the key was changed without `waspada audit "
                            "rotate-key`, or the chain was cut back to before a rotation")
    for number, cp, signer in signers:
        if cp.alg == ALG_HMAC and signer != current_id and cp.seq > last_keyed.get(signer, 0):
            return VerifyResult(False, checked, head_seq, prev_hash, cp.seq,
                                f"checkpoint {number} (entry {cp.seq}) is signed with retired "
                                f"audit key {signer}, which keyed no entry that late")
    for seq in sorted(wanted):
        if seq > head_seq:
            return VerifyResult(False, checked, head_seq, prev_hash, head_seq + 1,
                                f"entries {head_seq + 1}..{seq} are missing (a recorded head "
                                f"or checkpoint names entry {seq})")
        if any(digest != seen.get(seq) for digest in wanted[seq]):
            return VerifyResult(False, checked, head_seq, prev_hash, seq,
                                f"entry {seq} does not match the recorded head hash: the chain "
                                "was rewritten since that head or checkpoint")
    return VerifyResult(True, checked, head_seq, prev_hash)


def _alg_problem(entry: AuditEntry, prev_alg: str | None) -> str | None:
    """Legacy (unkeyed) entries are valid only before the keyed ``audit.anchor`` entry."""
    if entry.alg == ALG_LEGACY:
        if prev_alg == ALG_HMAC:
            return (f"entry {entry.seq} uses the unkeyed legacy hash after the chain was "
                    "anchored (rewritten without the key)")
        return None
    if entry.alg != ALG_HMAC:
        return f"entry {entry.seq} names an unknown hash algorithm"
    if prev_alg == ALG_LEGACY and entry.action != ANCHOR_ACTION:
        return f"entry {entry.seq} follows legacy entries but is not the anchor entry"
    return None


# -- checkpoints -----------------------------------------------------------------------------

FINGERPRINT_HEX = 16  # an Ed25519 public key's name: hex of the SHA-256 of its raw bytes


def _fingerprint(public: Ed25519PublicKey) -> str:
    from waspada.platform.audit_signing import fingerprint

    return fingerprint(public)


@dataclass(frozen=True)
class Checkpoint:
    """A signed head: ``seq`` and ``hash`` of the newest entry at ``time`` (ISO 8601, UTC),
    signed with ``alg``: HMAC-SHA256 under the checkpoint key, or Ed25519 by the key whose
    public key has fingerprint ``key``."""

    seq: int
    hash: str
    time: str
    sig: str
    alg: str = ALG_HMAC
    key: str = ""

    @staticmethod
    def message(seq: int, digest: str, time: str, alg: str = ALG_HMAC) -> bytes:
        if alg == ALG_ED25519:  # the algorithm is part of what is signed
            return f"waspada-audit-checkpoint:ed25519:v1:{seq}:{digest}:{time}".encode()
        return f"waspada-audit-checkpoint:v1:{seq}:{digest}:{time}".encode()

    def signature_ok(self, key: bytes | None = None) -> bool:
        if self.alg != ALG_HMAC:
            return False
        expected = hmac.new(key or checkpoint_key(), self.message(self.seq, self.hash, self.time),
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.sig)

    def ed25519_ok(self, public: Ed25519PublicKey) -> bool:
        from cryptography.exceptions import InvalidSignature

        if self.alg != ALG_ED25519 or self.key != _fingerprint(public):
            return False
        try:
            public.verify(bytes.fromhex(self.sig),
                          self.message(self.seq, self.hash, self.time, ALG_ED25519))
        except (InvalidSignature, ValueError):
            return False
        return True

    def signer(self, ring: dict[str, bytes],
               publics: Mapping[str, Ed25519PublicKey] | None = None) -> str | None:
        """The id of the audit key whose checkpoint key signed this head (the key in force
        when ``WASPADA_AUDIT_CHECKPOINT_KEY`` is set), ``ed25519:FINGERPRINT`` for an Ed25519
        checkpoint whose public key is in ``publics``, or None."""
        if self.alg == ALG_ED25519:
            public = (publics or {}).get(self.key)
            return f"ed25519:{self.key}" if public and self.ed25519_ok(public) else None
        if get_settings().audit_checkpoint_key:
            return audit_keys.key_id(audit_key()) if self.signature_ok() else None
        return next((kid for kid, key in ring.items()
                     if self.signature_ok(checkpoint_key(key))), None)

    def to_line(self) -> str:
        line: dict[str, object] = {"seq": self.seq, "hash": self.hash, "time": self.time,
                                   "alg": self.alg}
        if self.alg == ALG_ED25519:
            line["key"] = self.key
        line["sig"] = self.sig
        return json.dumps(line, separators=(",", ":"))


def make_checkpoint(session: Session,
                    signing_key: Ed25519PrivateKey | None = None) -> Checkpoint | None:
    """Sign the current head (``None`` when the chain is empty) with the checkpoint key, or
    with ``signing_key`` (Ed25519). Verify the chain first."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    if last is None:
        return None
    time = utcnow().isoformat(timespec="seconds")
    if signing_key is not None:
        sig = signing_key.sign(Checkpoint.message(last[0], last[1], time, ALG_ED25519)).hex()
        return Checkpoint(last[0], last[1], time, sig, ALG_ED25519,
                          _fingerprint(signing_key.public_key()))
    sig = hmac.new(checkpoint_key(), Checkpoint.message(last[0], last[1], time),
                   hashlib.sha256).hexdigest()
    return Checkpoint(last[0], last[1], time, sig)


def parse_checkpoints(text: str) -> list[Checkpoint]:
    """One JSON checkpoint per line (blank lines and ``#`` comments skipped).

    Raises ``ValueError`` naming the first malformed line.
    """
    found: list[Checkpoint] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            data = json.loads(line)
            cp = Checkpoint(int(data["seq"]), str(data["hash"]), str(data["time"]),
                            str(data["sig"]), str(data.get("alg", ALG_HMAC)),
                            str(data.get("key", "")))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"line {number} is not a checkpoint") from exc
        if cp.seq < 1 or len(cp.hash) != 64:
            raise ValueError(f"line {number} is not a checkpoint")
        if cp.alg not in (ALG_HMAC, ALG_ED25519):
            raise ValueError(f"line {number} is signed with an unknown algorithm")
        if cp.alg == ALG_ED25519 and len(cp.key) != FINGERPRINT_HEX:
            raise ValueError(f"line {number} does not name its Ed25519 key")
        found.append(cp)
    return found
