"""The audit chain is anchored by a key outside the database; checkpoints catch the rest."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import column, delete, select, table, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from tests.platform.audit_chain import private_chain
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.audit import (
    ALG_HMAC,
    ALG_LEGACY,
    AuditEntry,
    entry_hash,
    hash_values,
    make_checkpoint,
    parse_checkpoints,
    verify,
)
from waspada.platform.db import UTCDateTime, make_engine, session_scope
from waspada.platform.migrate import alembic_config
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.settings import get_settings


@pytest.fixture()
def chain(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A private SQLite database with 120 entries, so tampering leaves the suite's chain alone."""
    with private_chain(tmp_path, 120) as factory:
        yield factory


def _rewrite_from(session: Session, seq: int, key: bytes | None, alg: str = ALG_HMAC) -> None:
    """The tester's attack: edit entry ``seq`` and recompute every later hash and link."""
    session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(action="test.nothing"))
    prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)) or audit.GENESIS
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq)
                                 .order_by(AuditEntry.seq)):
        entry.prev_hash, entry.alg = prev, alg
        values = {name: getattr(entry, name) for name in audit.HASHED_FIELDS}
        values = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
        entry.hash = hash_values(values, alg, key)
        prev = entry.hash
    session.flush()


def test_rewrite_without_the_key_is_detected(chain: sessionmaker[Session]) -> None:
    with chain.begin() as session:
        assert verify(session).ok
        _rewrite_from(session, 100, key=b"a guessed key")
        result = verify(session)
    assert not result.ok and result.first_bad_seq == 100 and "altered" in result.problem


def test_rewrite_as_unkeyed_legacy_hashes_is_detected(chain: sessionmaker[Session]) -> None:
    with chain.begin() as session:
        _rewrite_from(session, 100, key=None, alg=ALG_LEGACY)
        result = verify(session)
    assert not result.ok and result.first_bad_seq == 100 and "legacy" in result.problem


def test_whole_chain_downgraded_to_legacy_is_detected(chain: sessionmaker[Session]) -> None:
    with chain.begin() as session:
        _rewrite_from(session, 1, key=None, alg=ALG_LEGACY)
        result = verify(session)
    assert not result.ok and "not anchored" in result.problem


def test_key_holder_rewrite_is_caught_only_by_a_checkpoint(chain: sessionmaker[Session]
                                                           ) -> None:
    with chain.begin() as session:
        checkpoint = make_checkpoint(session)
        assert checkpoint is not None and checkpoint.seq == 120
        _rewrite_from(session, 100, key=audit.audit_key())
        assert verify(session).ok  # with the key the rewrite is invisible to the chain alone
        result = verify(session, checkpoints=[checkpoint])
    assert not result.ok and result.first_bad_seq == 120 and "rewritten" in result.problem


def test_truncation_after_a_checkpoint_is_detected(chain: sessionmaker[Session]) -> None:
    with chain.begin() as session:
        early = make_checkpoint(session)
        audit.record("test.more", CLI_PRINCIPAL, session=session)
        late = make_checkpoint(session)
        assert early and late and verify(session, checkpoints=[early, late]).ok
        session.execute(delete(AuditEntry).where(AuditEntry.seq > 118))
        assert verify(session).ok  # the chain alone cannot see its newest entries go
        result = verify(session, checkpoints=[early, late])
    assert not result.ok and result.first_bad_seq == 119 and "missing" in result.problem


def test_forged_checkpoint_is_refused(chain: sessionmaker[Session]) -> None:
    with chain.begin() as session:
        cp = make_checkpoint(session)
        assert cp is not None
        forged = audit.Checkpoint(cp.seq + 5, cp.hash, cp.time, cp.sig)
        result = verify(session, checkpoints=[cp, forged])
    assert not result.ok and "bad signature" in result.problem


def test_wrong_key_is_reported(chain: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
                               ) -> None:
    monkeypatch.setattr(get_settings(), "audit_key", "not-the-key")
    with chain() as session:
        result = verify(session)
    assert not result.ok and result.first_bad_seq == 1 and "audit key" in result.problem


def test_checkpoint_file_round_trip_and_errors(chain: sessionmaker[Session]) -> None:
    with chain() as session:
        cp = make_checkpoint(session)
    assert cp is not None
    assert parse_checkpoints("# kept at the head office\n\n" + cp.to_line() + "\n") == [cp]
    with pytest.raises(ValueError, match="line 2"):
        parse_checkpoints(cp.to_line() + "\n{not json")


def test_entry_recorded_in_a_rolled_back_transaction_leaves_no_gap(
        chain: sessionmaker[Session]) -> None:
    with chain() as session:
        audit.record("test.rolled_back", CLI_PRINCIPAL, session=session)
        session.rollback()
    with chain.begin() as session:
        seq = audit.record("test.kept", CLI_PRINCIPAL, session=session)
    with chain() as session:
        assert seq == 121 and verify(session).ok


def test_concurrent_writers_share_one_unforked_gap_free_chain() -> None:
    """Threads recording inside their own transactions (the suite's database: SQLite, or
    PostgreSQL when WASPADA_DATABASE_URL is set); some transactions roll back."""
    with session_scope() as session:
        before = verify(session)
    assert before.ok
    errors: list[BaseException] = []
    kept: list[int] = []

    def writer(n: int) -> None:
        try:
            for i in range(12):
                with session_scope() as session:
                    seq = audit.record("test.concurrent", CLI_PRINCIPAL, object_id=n * 100 + i,
                                       session=session)
                    if i % 4 == 3:
                        session.rollback()
                    else:
                        kept.append(seq)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with session_scope() as session:
        after = verify(session)
        seqs = list(session.scalars(select(AuditEntry.seq).where(AuditEntry.seq > before.head_seq)
                                    .order_by(AuditEntry.seq)))
    assert after.ok, after.problem
    assert len(kept) == 6 * 9
    assert seqs == list(range(before.head_seq + 1, after.head_seq + 1))
    assert set(kept) <= set(seqs)


def test_migration_anchors_legacy_entries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    command.upgrade(alembic_config(url), "0002_platform")
    engine = make_engine(url)
    legacy = table("audit_entries", column("created_at", UTCDateTime()),
                   column("hash"), *(column(name) for name in audit.HASHED_FIELDS
                                     if name != "created_at"))
    prev = audit.GENESIS
    with engine.begin() as conn:
        for seq in range(1, 6):
            values = {"seq": seq, "created_at": f"2026-01-0{seq}T00:00:00+00:00",
                      "actor_user_id": None, "actor": "cli", "via": "cli",
                      "action": "test.legacy", "object_type": None, "object_id": None,
                      "unit_id": None, "outcome": "ok", "ip": None, "detail": "{}",
                      "prev_hash": prev}
            digest = hash_values(values, ALG_LEGACY)
            conn.execute(legacy.insert().values(
                **{**values, "created_at": datetime.fromisoformat(values["created_at"])},
                hash=digest))
            prev = digest
    command.upgrade(alembic_config(url), "heads")
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert [e.alg for e in entries] == [ALG_LEGACY] * 5 + [ALG_HMAC]
        anchor = entries[-1]
        assert anchor.action == "audit.anchor" and anchor.prev_hash == prev
        assert json.loads(anchor.detail) == {"legacy_head_hash": prev, "legacy_head_seq": 5}
        assert verify(session, expect_head=(5, prev)).ok  # heads recorded before still match
        # a legacy entry rewritten by someone without the key breaks the anchored link
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(action="x"))
        _relink_legacy(session, 3)
        result = verify(session)
        assert not result.ok and result.first_bad_seq == 6
    engine.dispose()


def _relink_legacy(session: Session, seq: int) -> None:
    prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1))
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq,
                                                          AuditEntry.alg == ALG_LEGACY)
                                 .order_by(AuditEntry.seq)):
        entry.prev_hash = prev
        entry.hash = entry_hash(entry)
        prev = entry.hash
    session.flush()


def test_cli_checkpoint_and_verify_with_checkpoints(tmp_path: Path) -> None:
    runner = CliRunner()
    audit.record("test.cli_checkpoint", CLI_PRINCIPAL)
    printed = runner.invoke(cli_app, ["audit", "checkpoint"])
    assert printed.exit_code == 0, printed.output
    line = printed.stdout.strip()
    assert set(json.loads(line)) == {"seq", "hash", "time", "alg", "sig"}
    store = tmp_path / "checkpoints.jsonl"
    store.write_text(line + "\n")
    ok = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(store)])
    assert ok.exit_code == 0 and "1 checkpoints match" in ok.output
    data = json.loads(line)
    store.write_text(json.dumps({**data, "seq": data["seq"] + 1000}) + "\n")
    bad = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(store)])
    assert bad.exit_code == 1 and "bad signature" in bad.output
    store.write_text("garbage\n")
    garbage = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(store)])
    assert garbage.exit_code == 2 and "line 1 is not a checkpoint" in garbage.output
    assert "Traceback" not in garbage.output
    missing = runner.invoke(cli_app, ["audit", "verify", "--checkpoints",
                                      str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
