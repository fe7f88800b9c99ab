"""Ed25519 checkpoints: signed with a private key kept by the checkpoint job, verified with the
public key alone, so whoever verifies a checkpoint file cannot forge one (HMAC checkpoints are
verified with the secret that signs them)."""

from __future__ import annotations

import dataclasses
import json
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from tests.platform.audit_chain import private_chain
from waspada.cli import app as cli_app
from waspada.platform import audit
from waspada.platform.audit import (
    ALG_ED25519,
    ALG_HMAC,
    AuditEntry,
    make_checkpoint,
    parse_checkpoints,
    verify,
)
from waspada.platform.audit_signing import (
    CheckpointKeyError,
    fingerprint,
    generate,
    load_private,
    load_public,
    public_pem,
)
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.settings import get_settings

runner = CliRunner()


@pytest.fixture()
def chain(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A private SQLite database with 30 entries, so tampering leaves the suite's chain alone."""
    with private_chain(tmp_path, 30) as factory:
        yield factory


def test_signed_head_verifies_with_the_public_key_and_catches_truncation(
        chain: sessionmaker[Session]) -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    with chain.begin() as session:
        cp = make_checkpoint(session, key)
        assert cp is not None and (cp.seq, cp.alg, cp.key) == (30, ALG_ED25519,
                                                              fingerprint(public))
        assert verify(session, checkpoints=[cp], public_keys=[public]).ok
        # no public key given, or another one: refused, naming the key it needs
        for publics in ([], [Ed25519PrivateKey.generate().public_key()]):
            result = verify(session, checkpoints=[cp], public_keys=publics)
            assert not result.ok and f"Ed25519 key {cp.key}" in (result.problem or "")
        session.execute(delete(AuditEntry).where(AuditEntry.seq > 28))
        assert verify(session).ok  # the chain alone cannot see its newest entries go
        result = verify(session, checkpoints=[cp], public_keys=[public])
    assert not result.ok and result.first_bad_seq == 29 and "missing" in (result.problem or "")


def test_a_key_holder_rewrite_is_caught_and_the_audit_key_does_not_sign_it(
        chain: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> None:
    key = Ed25519PrivateKey.generate()
    with chain.begin() as session:
        cp = make_checkpoint(session, key)
        assert cp is not None
        entry = session.get(AuditEntry, 25)
        assert entry is not None
        entry.action = "test.nothing"
        prev = session.get(AuditEntry, 24)
        assert prev is not None
        for later in range(25, 31):  # recompute every later hash with the audit key
            row = session.get(AuditEntry, later)
            assert row is not None
            row.prev_hash = prev.hash
            row.hash = audit.entry_hash(row, audit.audit_key())
            prev = row
        session.flush()
        assert verify(session).ok
        result = verify(session, checkpoints=[cp], public_keys=[key.public_key()])
        assert not result.ok and "rewritten" in (result.problem or "")
        # an Ed25519 checkpoint does not depend on the audit or HMAC checkpoint key
        monkeypatch.setattr(get_settings(), "audit_checkpoint_key", "another-checkpoint-key")
        assert cp.signer({}, {cp.key: key.public_key()}) == f"ed25519:{cp.key}"


def test_altered_or_relabelled_checkpoints_are_refused(chain: sessionmaker[Session]) -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    with chain() as session:
        cp = make_checkpoint(session, key)
        hmac_cp = make_checkpoint(session)
        assert cp is not None and hmac_cp is not None and hmac_cp.alg == ALG_HMAC
        forged = [
            dataclasses.replace(cp, seq=cp.seq - 1),
            dataclasses.replace(cp, time="2030-01-01T00:00:00"),
            dataclasses.replace(cp, sig="00" * 64),
            dataclasses.replace(cp, sig="not hex"),
            dataclasses.replace(cp, alg=ALG_HMAC),  # an Ed25519 signature as an HMAC
            dataclasses.replace(hmac_cp, alg=ALG_ED25519, key=cp.key),  # and the reverse
        ]
        for bad in forged:
            result = verify(session, checkpoints=[bad], public_keys=[public])
            assert not result.ok and "bad signature" in (result.problem or ""), bad
        assert verify(session, checkpoints=[cp, hmac_cp], public_keys=[public]).ok


def test_checkpoint_lines_round_trip_and_bad_lines_are_named(
        chain: sessionmaker[Session]) -> None:
    key = Ed25519PrivateKey.generate()
    with chain() as session:
        cp = make_checkpoint(session, key)
    assert cp is not None
    line = cp.to_line()
    assert list(json.loads(line)) == ["seq", "hash", "time", "alg", "key", "sig"]
    assert parse_checkpoints(line) == [cp]
    data = json.loads(line)
    with pytest.raises(ValueError, match="line 1 is signed with an unknown algorithm"):
        parse_checkpoints(json.dumps({**data, "alg": "rsa"}))
    with pytest.raises(ValueError, match="line 1 does not name its Ed25519 key"):
        parse_checkpoints(json.dumps({k: v for k, v in data.items() if k != "key"}))
    with pytest.raises(ValueError, match="line 1 is not a checkpoint"):
        parse_checkpoints("[1, 2]")


def test_key_files(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.pem"
    key = generate(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert fingerprint(load_private(path).public_key()) == fingerprint(key.public_key())
    with pytest.raises(CheckpointKeyError, match="already exists"):
        generate(path)
    public = tmp_path / "checkpoint.pub.pem"
    public.write_text(public_pem(key.public_key()))
    assert fingerprint(load_public(public)) == fingerprint(key.public_key())
    with pytest.raises(CheckpointKeyError, match="no PEM public key"):
        load_public(path)  # the private key is not a public key file
    with pytest.raises(CheckpointKeyError, match="no unencrypted PEM private key"):
        load_private(public)
    big = tmp_path / "big.pem"
    big.write_bytes(b"A" * 20_000)
    with pytest.raises(CheckpointKeyError, match="not a key file"):
        load_public(big)
    with pytest.raises(CheckpointKeyError, match="cannot read"):
        load_private(tmp_path / "missing.pem")


def test_cli_key_checkpoint_and_verify(tmp_path: Path) -> None:
    audit.record("test.cli_ed25519_checkpoint", CLI_PRINCIPAL)
    private, public = tmp_path / "cp.pem", tmp_path / "cp.pub.pem"
    made = runner.invoke(cli_app, ["audit", "checkpoint-key", str(private)])
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert "fingerprint" in made.stderr and "PRIVATE" not in made.stdout
    public.write_text(made.stdout)
    again = runner.invoke(cli_app, ["audit", "checkpoint-key", str(private)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    printed = runner.invoke(cli_app, ["audit", "checkpoint", "--signing-key", str(private)])
    assert printed.exit_code == 0, printed.output
    store = tmp_path / "checkpoints.jsonl"
    store.write_text(printed.stdout)
    assert json.loads(printed.stdout)["alg"] == "ed25519"
    ok = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(store),
                                 "--public-key", str(public)])
    assert ok.exit_code == 0 and "1 checkpoints match" in ok.output, ok.output
    without = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(store)])
    assert without.exit_code == 1 and "--public-key" in without.stderr
    wrong = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(store),
                                    "--public-key", str(private)])
    assert wrong.exit_code == 2 and "no PEM public key" in wrong.stderr
    bad_key = runner.invoke(cli_app, ["audit", "checkpoint", "--signing-key", str(public)])
    assert bad_key.exit_code == 2 and "no unencrypted PEM private key" in bad_key.stderr
    assert all("Traceback" not in r.output for r in (without, wrong, bad_key))


def test_openssl_verifies_a_checkpoint_with_the_public_key_alone(
        chain: sessionmaker[Session], tmp_path: Path) -> None:
    """An auditor without Waspada: the signed message is documented, the key is standard PEM."""
    openssl = subprocess.run(["openssl", "version"], capture_output=True, check=False)
    if openssl.returncode != 0:
        pytest.skip("openssl is not installed")
    key = Ed25519PrivateKey.generate()
    with chain() as session:
        cp = make_checkpoint(session, key)
    assert cp is not None
    (tmp_path / "pub.pem").write_text(public_pem(key.public_key()))
    (tmp_path / "msg").write_bytes(
        f"waspada-audit-checkpoint:ed25519:v1:{cp.seq}:{cp.hash}:{cp.time}".encode())
    (tmp_path / "sig").write_bytes(bytes.fromhex(cp.sig))
    checked = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
         "-in", "msg", "-sigfile", "sig"], cwd=tmp_path, capture_output=True, text=True,
        check=False)
    assert checked.returncode == 0 and "Signature Verified Successfully" in checked.stdout
