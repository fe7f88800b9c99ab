"""Audit keys: the key in force, the retired ones, and moving the chain to a new key.

The chain is keyed with one audit key at a time (``platform.audit``). :func:`rotate` appends an
``audit.key_rotated`` entry keyed with the key in force, naming the new key by its **id** (an
HMAC of a constant under the key: it tells keys apart without revealing them), and then makes
the new key the one in force; the entries after it are keyed with the new key. Verifying needs
every key the chain was keyed with: the one in force (``WASPADA_AUDIT_KEY`` or
``data_dir/audit_key``) and the retired ones (``WASPADA_AUDIT_RETIRED_KEYS``, comma-separated,
and ``data_dir/audit_key.retired``, one per line, which a rotation of the file key appends to).

A process that still holds the old key after a rotation refuses to append
(:class:`StaleAuditKey`) instead of writing entries nobody can verify: with the key in
``data_dir/audit_key`` every process reads the new key at its next entry; with the key in the
environment the operator restarts them with the new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from waspada.platform.settings import get_settings

ROTATE_ACTION = "audit.key_rotated"
RETIRED_FILE = "audit_key.retired"
#: the shortest new key taken from a file (the generated ones have 64 characters)
MIN_KEY_CHARS = 32


class AuditKeyError(ValueError):
    """A rotation that cannot be done (English, for the CLI)."""


class StaleAuditKey(RuntimeError):
    """This process's audit key is not the one the chain was last rotated to."""


def key_id(key: bytes) -> str:
    """A public name for a key: 16 hex characters of an HMAC of a constant under it."""
    return hmac.new(key, b"waspada audit key id v1", hashlib.sha256).hexdigest()[:16]


def current_key() -> bytes:
    return get_settings().effective_audit_key.encode()


def retired_keys() -> list[bytes]:
    """The retired keys: from the environment, then from ``data_dir/audit_key.retired``."""
    settings = get_settings()
    found = [k.strip() for k in (settings.audit_retired_keys or "").split(",")]
    path = settings.data_dir / RETIRED_FILE
    if path.exists():
        found += [line.strip() for line in path.read_text().splitlines()]
    return [k.encode() for k in found if k]


def key_ring() -> dict[str, bytes]:
    """Every key that may have keyed entries, by id; the key in force first."""
    ring = {key_id(current_key()): current_key()}
    for key in retired_keys():
        ring.setdefault(key_id(key), key)
    return ring


def rotated_to(detail: str) -> str | None:
    """The new key's id named by an ``audit.key_rotated`` entry's detail (None if malformed)."""
    try:
        value = json.loads(detail).get("new_key_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Rotation:
    seq: int
    old_key_id: str
    new_key_id: str
    #: where the new key is now in force: "file" (data_dir/audit_key) or "environment"
    kept_in: str


def _read_new_key(path: Path) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"cannot read the new key from {path}") from exc
    if len(key) < MIN_KEY_CHARS or any(c.isspace() or c == "," for c in key):
        raise AuditKeyError(f"the new key in {path} must be one line of at least "
                            f"{MIN_KEY_CHARS} characters without spaces or commas")
    return key


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole (mode 0600), replacing it atomically."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _append_retired(path: Path, key: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(key + "\n")


def rotate(session: Session, new_key_file: Path | None = None) -> Rotation:
    """Move the chain to a new key; the caller has verified the chain and commits nothing.

    With the key in ``data_dir/audit_key`` (no ``WASPADA_AUDIT_KEY``) a new key is generated
    (or read from ``new_key_file``), the old one is appended to ``audit_key.retired`` and the new
    one replaces ``audit_key`` before this transaction commits; the chain lock, taken by the
    rotation entry, keeps every other writer out until then. With the key in the environment
    ``new_key_file`` is required and the operator restarts the processes with the new key.
    Commits itself; on failure the old key stays in force.
    """
    from waspada.platform import audit

    settings = get_settings()
    from_env = bool(settings.audit_key)
    if from_env and new_key_file is None:
        raise AuditKeyError("WASPADA_AUDIT_KEY is set: give the new key with --new-key-file "
                            "(the environment of the running processes cannot be changed "
                            "from here)")
    old = settings.effective_audit_key
    new = _read_new_key(new_key_file) if new_key_file else secrets.token_urlsafe(48)
    if key_id(new.encode()) in key_ring():
        raise AuditKeyError("the new key is the key in force or a retired key: use a new one")
    old_id, new_id = key_id(old.encode()), key_id(new.encode())
    seq = audit.record(ROTATE_ACTION, None, actor="cli", via="cli", session=session,
                       old_key_id=old_id, new_key_id=new_id)
    key_path = settings.data_dir / "audit_key"
    if not from_env:
        _append_retired(settings.data_dir / RETIRED_FILE, old)
        _write_private(key_path, new)
    try:
        session.commit()
    except Exception:
        session.rollback()
        if not from_env:
            _write_private(key_path, old)
        raise
    return Rotation(seq, old_id, new_id, "environment" if from_env else "file")
