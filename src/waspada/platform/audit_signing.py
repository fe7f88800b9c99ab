"""Ed25519 keys for audit checkpoints that anyone can verify with a public key.

An HMAC checkpoint (the default) is verified with the secret that signs it, so whoever checks a
checkpoint file could also forge one. An Ed25519 checkpoint is signed with a private key kept
only where ``waspada audit checkpoint --signing-key`` runs (the checkpoint job's host, offline
media) and verified with its public key, which auditors may hold without being able to sign.
Keys are PEM files (PKCS #8 private, SubjectPublicKeyInfo public), so ``openssl pkey`` reads
them too; a public key is named by its fingerprint, 16 hex characters of the SHA-256 of its
32 raw bytes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from waspada.platform.audit import FINGERPRINT_HEX

#: a key file larger than this is not a key (read no further)
KEY_FILE_MAX = 16_384


class CheckpointKeyError(ValueError):
    """A key file that cannot be used: missing, unreadable, not an Ed25519 key, or in the way."""


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:FINGERPRINT_HEX]


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def generate(path: Path) -> Ed25519PrivateKey:
    """Make a key and write its private half to ``path`` (mode 0600); an existing file is
    never overwritten."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CheckpointKeyError(f"{path} already exists: not overwriting a key") from None
    except OSError as exc:
        raise CheckpointKeyError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(KEY_FILE_MAX + 1)
    except OSError as exc:
        raise CheckpointKeyError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > KEY_FILE_MAX:
        raise CheckpointKeyError(f"{path} is not a key file (over {KEY_FILE_MAX} bytes)")
    return data


def load_private(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in PEM file ``path`` (unencrypted PKCS #8)."""
    data = _read(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise CheckpointKeyError(f"{path} holds no unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointKeyError(f"{path} holds a private key that is not Ed25519")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in PEM file ``path``."""
    data = _read(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise CheckpointKeyError(f"{path} holds no PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointKeyError(f"{path} holds a public key that is not Ed25519")
    return key
