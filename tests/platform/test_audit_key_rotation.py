"""Audit key rotation (``waspada audit rotate-key``): the chain moves to a new key, entries
before the rotation stay verifiable with the retired key, and the retired key can rewrite
nothing after it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from waspada.cli import app as cli_app
from waspada.platform import audit, audit_keys
from waspada.platform.audit import AuditEntry, Checkpoint, make_checkpoint, verify
from waspada.platform.db import make_engine, utcnow
from waspada.platform.migrate import alembic_config
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.settings import get_settings


@dataclass
class Chain:
    factory: sessionmaker[Session]
    data_dir: Path

    def add(self, n: int, action: str = "test.rotation") -> None:
        for i in range(n):
            with self.factory.begin() as session:
                audit.record(action, CLI_PRINCIPAL, object_type="test", object_id=i,
                             session=session)

    def rotate(self, new_key_file: Path | None = None) -> audit_keys.Rotation:
        with self.factory() as session:
            return audit_keys.rotate(session, new_key_file)

    def verify(self, checkpoints: list[Checkpoint] | None = None) -> audit.VerifyResult:
        with self.factory() as session:
            return verify(session, checkpoints=checkpoints or [])


@pytest.fixture()
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Chain]:
    """A private database and data directory whose generated file key is the audit key."""
    settings = get_settings()
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    monkeypatch.setattr(settings, "audit_key", None)
    monkeypatch.setattr(settings, "audit_retired_keys", None)
    monkeypatch.setattr(settings, "audit_checkpoint_key", None)
    url = f"sqlite:///{tmp_path / 'chain.sqlite3'}"
    command.upgrade(alembic_config(url), "0003_audit")
    engine: Engine = make_engine(url)
    made = Chain(sessionmaker(bind=engine, expire_on_commit=False), tmp_path)
    made.add(20)
    yield made
    engine.dispose()


def _entries(chain: Chain) -> list[AuditEntry]:
    with chain.factory() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _rehash_from(session: Session, seq: int, key: bytes) -> None:
    """A holder of ``key`` edits entry ``seq`` and recomputes every later hash and link."""
    session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(action="test.edited"))
    prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1))
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq)
                                 .order_by(AuditEntry.seq)):
        entry.prev_hash = prev
        entry.hash = audit.entry_hash(entry, key)
        prev = entry.hash
    session.flush()


def test_rotation_moves_the_chain_to_a_new_file_key(chain: Chain) -> None:
    old = (chain.data_dir / "audit_key").read_text().strip()
    done = chain.rotate()
    new = (chain.data_dir / "audit_key").read_text().strip()
    assert new != old and len(new) >= audit_keys.MIN_KEY_CHARS
    assert (chain.data_dir / "audit_key.retired").read_text().splitlines() == [old]
    assert (chain.data_dir / "audit_key").stat().st_mode & 0o777 == 0o600
    assert (chain.data_dir / "audit_key.retired").stat().st_mode & 0o777 == 0o600
    assert done.old_key_id == audit_keys.key_id(old.encode())
    assert done.new_key_id == audit_keys.key_id(new.encode()) and done.kept_in == "file"
    chain.add(5)
    entries = _entries(chain)
    rotation = entries[done.seq - 1]
    assert rotation.action == audit_keys.ROTATE_ACTION
    assert json.loads(rotation.detail) == {"old_key_id": done.old_key_id,
                                           "new_key_id": done.new_key_id}
    # the rotation entry is the old key's last; every later entry is the new key's
    assert audit.entry_hash(rotation, old.encode()) == rotation.hash
    assert all(audit.entry_hash(e, new.encode()) == e.hash for e in entries[done.seq:])
    result = chain.verify()
    assert result.ok and result.checked == len(entries) == 26


def test_without_the_retired_key_the_old_entries_cannot_be_verified(chain: Chain) -> None:
    chain.rotate()
    (chain.data_dir / "audit_key.retired").unlink()
    result = chain.verify()
    assert not result.ok and result.first_bad_seq == 1 and "audit key" in (result.problem or "")


def test_a_rotation_to_an_unknown_key_is_named(chain: Chain) -> None:
    done = chain.rotate()
    # the new key lost: the key in force is the old one again
    old = (chain.data_dir / "audit_key.retired").read_text().strip()
    (chain.data_dir / "audit_key").write_text(old)
    result = chain.verify()
    assert not result.ok and result.first_bad_seq == done.seq
    assert done.new_key_id in (result.problem or "")


def test_the_retired_key_rewrites_nothing_after_the_rotation(chain: Chain) -> None:
    old = (chain.data_dir / "audit_key").read_text().strip().encode()
    done = chain.rotate()
    chain.add(5)
    with chain.factory.begin() as session:
        _rehash_from(session, done.seq + 2, old)
        result = verify(session)
        session.rollback()
    assert not result.ok and result.first_bad_seq == done.seq + 2


def test_cutting_back_to_before_the_rotation_is_detected(chain: Chain) -> None:
    """With the leaked old key, delete the rotation and everything after, then append."""
    old = (chain.data_dir / "audit_key").read_text().strip().encode()
    done = chain.rotate()
    chain.add(3)
    with chain.factory.begin() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq >= done.seq))
        head = session.scalar(select(AuditEntry).where(AuditEntry.seq == done.seq - 1))
        assert head is not None
        forged = AuditEntry(seq=done.seq, created_at=utcnow(), actor="x", via="cli",
                            action="test.forged", detail="{}", prev_hash=head.hash,
                            alg=audit.ALG_HMAC, outcome="ok")
        forged.hash = audit.entry_hash(forged, old)
        session.add(forged)
        session.flush()
        result = verify(session)
        session.rollback()
    assert not result.ok and "retired audit key" in (result.problem or "")


def test_a_process_holding_the_old_key_refuses_to_append(chain: Chain,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    old = (chain.data_dir / "audit_key").read_text().strip()
    chain.rotate()
    monkeypatch.setattr(get_settings(), "audit_key", old)  # e.g. an environment not updated
    before = len(_entries(chain))
    with pytest.raises(audit_keys.StaleAuditKey, match="restart"):
        chain.add(1)
    assert len(_entries(chain)) == before
    monkeypatch.setattr(get_settings(), "audit_key", None)  # the file's new key
    chain.add(1)
    assert chain.verify().ok


def test_rotation_of_an_environment_key(chain: Chain, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    old = "an-environment-key-of-enough-length-0001"
    monkeypatch.setattr(settings, "audit_key", old)
    # the file key keyed the first 20 entries: retire it first, as an operator moving the
    # key into the environment would have rotated to it
    file_key = (chain.data_dir / "audit_key").read_text().strip()
    key_file = tmp_path / "env.key"
    key_file.write_text(old + "\n")
    monkeypatch.setattr(settings, "audit_key", None)
    chain.rotate(key_file)  # file key -> the environment's key, kept in the file for now
    monkeypatch.setattr(settings, "audit_key", old)
    chain.add(2)
    assert chain.verify().ok
    with chain.factory() as session, pytest.raises(audit_keys.AuditKeyError,
                                                   match="--new-key-file"):
        audit_keys.rotate(session)
    new = "the-next-environment-key-0123456789abcdef"
    key_file.write_text(new)
    done = chain.rotate(key_file)
    assert done.kept_in == "environment"
    assert (chain.data_dir / "audit_key").read_text().strip() == old  # files untouched
    with pytest.raises(audit_keys.StaleAuditKey):
        chain.add(1)
    monkeypatch.setattr(settings, "audit_key", new)
    monkeypatch.setattr(settings, "audit_retired_keys", f"{old}")
    (chain.data_dir / "audit_key.retired").write_text(file_key + "\n")
    chain.add(2)
    assert chain.verify().ok


@pytest.mark.parametrize("text", ["short", "two words that are long enough to pass the length",
                                  "comma,separated,key,of,enough,length,12345"])
def test_a_bad_new_key_is_refused_before_anything_changes(chain: Chain, tmp_path: Path,
                                                          text: str) -> None:
    key_file = tmp_path / "new.key"
    key_file.write_text(text)
    before = (chain.data_dir / "audit_key").read_text()
    with pytest.raises(audit_keys.AuditKeyError, match="at least"):
        chain.rotate(key_file)
    assert (chain.data_dir / "audit_key").read_text() == before
    assert len(_entries(chain)) == 20


def test_the_key_in_force_or_a_retired_one_is_not_a_new_key(chain: Chain,
                                                              tmp_path: Path) -> None:
    key_file = tmp_path / "same.key"
    key_file.write_text((chain.data_dir / "audit_key").read_text())
    with pytest.raises(audit_keys.AuditKeyError, match="new one"):
        chain.rotate(key_file)
    chain.rotate()
    key_file.write_text((chain.data_dir / "audit_key.retired").read_text())
    with pytest.raises(audit_keys.AuditKeyError, match="new one"):
        chain.rotate(key_file)


def test_a_failed_commit_leaves_the_old_key_in_force(chain: Chain,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    old = (chain.data_dir / "audit_key").read_text()

    def broken_commit(self: Session) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Session, "commit", broken_commit)
    with pytest.raises(RuntimeError, match="disk full"):
        chain.rotate()
    monkeypatch.undo()
    assert (chain.data_dir / "audit_key").read_text() == old
    assert len(_entries(chain)) == 20


def test_checkpoints_across_a_rotation(chain: Chain) -> None:
    old = (chain.data_dir / "audit_key").read_text().strip().encode()
    with chain.factory() as session:
        before = make_checkpoint(session)
    assert before is not None
    done = chain.rotate()
    chain.add(3)
    with chain.factory() as session:
        after = make_checkpoint(session)
    assert after is not None
    result = chain.verify([before, after])
    assert result.ok, result.problem
    # the old key's checkpoint key signing a head written after it was retired
    late = _entries(chain)[-1]
    old_cp_key = hmac.new(old, b"waspada audit checkpoint v1", hashlib.sha256).digest()
    sig = hmac.new(old_cp_key, Checkpoint.message(late.seq, late.hash, "2026-12-02T00:00:00"),
                   hashlib.sha256).hexdigest()
    forged = Checkpoint(late.seq, late.hash, "2026-12-02T00:00:00", sig)
    result = chain.verify([forged])
    assert not result.ok and "retired" in (result.problem or "")
    assert late.seq > done.seq


def test_cli_rotate_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    monkeypatch.setattr(settings, "audit_key", None)
    monkeypatch.setattr(settings, "audit_retired_keys", None)
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setattr(settings, "database_url", url)
    command.upgrade(alembic_config(url), "heads")
    audit.record("test.cli_rotation", CLI_PRINCIPAL)
    runner = CliRunner()
    done = runner.invoke(cli_app, ["audit", "rotate-key"])
    assert done.exit_code == 0, done.output
    assert "Audit key rotated at entry" in done.output and "audit_key.retired" in done.output
    assert runner.invoke(cli_app, ["audit", "verify"]).exit_code == 0
    bad = tmp_path / "bad.key"
    bad.write_text("short")
    refused = runner.invoke(cli_app, ["audit", "rotate-key", "--new-key-file", str(bad)])
    assert refused.exit_code == 2 and "at least 32 characters" in refused.output
    monkeypatch.setattr(settings, "audit_key", "x" * 40)  # WASPADA_AUDIT_KEY, but the wrong one
    broken = runner.invoke(cli_app, ["audit", "rotate-key"])
    assert broken.exit_code == 1 and "Not rotating" in broken.output
    assert "Traceback" not in refused.output + broken.output
