"""An installation's exchange identity: an Ed25519 signing key and an X25519 encryption key.

The public half travels as ONE copy-pastable string, ``wsp1.<base64url(ed25519 32 bytes +
x25519 32 bytes)>``; people compare its short fingerprint (``ab12-cd34-...``). The private
half is ``wsk1.<base64url(name length, name, ed25519 seed, x25519 key)>``: kept (mode 0600) in
``<data_dir>/exchange_identity`` like the generated secret key, or given as
``WASPADA_EXCHANGE_KEY`` in production (then the file is not read).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from waspada.platform.domain import DomainError

PUBLIC_PREFIX = "wsp1."
PRIVATE_PREFIX = "wsk1."
FILE_NAME = "exchange_identity"
NAME_MAX = 64
PUBLIC_KEY_MAX = 128
FINGERPRINT_HEX = 32  # 128 bits of SHA-256 over both public keys

_RAW = serialization.Encoding.Raw
_PUB = serialization.PublicFormat.Raw
_PRIV = serialization.PrivateFormat.Raw
_NOENC = serialization.NoEncryption()


class ExchangeKeyError(DomainError):
    """A refused key: malformed, missing, or already there."""


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    """Strict base64url without padding; ValueError on anything else."""
    if not isinstance(text, str) or not text.isascii() or "=" in text:
        raise ValueError("not base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
    if b64e(raw) != text:  # one spelling per value: no trailing bits, no other alphabet
        raise ValueError("not canonical base64url")
    return raw


@dataclass(frozen=True)
class PublicKey:
    """A partner's (or our own) two public keys."""

    sign: bytes  # Ed25519, 32 bytes
    enc: bytes   # X25519, 32 bytes

    @property
    def text(self) -> str:
        return PUBLIC_PREFIX + b64e(self.sign + self.enc)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.sign + self.enc).hexdigest()[:FINGERPRINT_HEX]

    @property
    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.sign)

    @property
    def encryption_key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.enc)


def short(fingerprint: str) -> str:
    """What people compare on the telephone: the first 16 hex digits in groups of four."""
    return "-".join(fingerprint[i:i + 4] for i in range(0, 16, 4))


def parse_public(text: str) -> PublicKey:
    """``wsp1.<base64url>`` -> the keys; a clear error for anything else."""
    text = (text or "").strip()
    if not text.startswith(PUBLIC_PREFIX):
        raise ExchangeKeyError("bad_key", "A public key starts with 'wsp1.' (print it with "
                        "`waspada exchange init` at the partner).")
    try:
        raw = b64d(text[len(PUBLIC_PREFIX):])
    except ValueError:
        raise ExchangeKeyError("bad_key", "The public key is not valid base64url.") from None
    if len(raw) != 64:
        raise ExchangeKeyError("bad_key", "The public key has the wrong length (copy it whole).")
    try:  # both halves must be valid points for their curves
        Ed25519PublicKey.from_public_bytes(raw[:32])
        X25519PublicKey.from_public_bytes(raw[32:])
    except ValueError:
        raise ExchangeKeyError("bad_key", "The public key is not a valid key pair.") from None
    return PublicKey(raw[:32], raw[32:])


@dataclass(frozen=True)
class Identity:
    """This installation: its name and its two private keys."""

    name: str
    signer: Ed25519PrivateKey
    decrypter: X25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Identity:
        return cls(check_name(name), Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.signer.public_key().public_bytes(_RAW, _PUB),
                         self.decrypter.public_key().public_bytes(_RAW, _PUB))

    @property
    def private_text(self) -> str:
        name = self.name.encode("utf-8")
        return PRIVATE_PREFIX + b64e(bytes([len(name)]) + name
                                     + self.signer.private_bytes(_RAW, _PRIV, _NOENC)
                                     + self.decrypter.private_bytes(_RAW, _PRIV, _NOENC))

    @classmethod
    def from_private_text(cls, text: str) -> Identity:
        text = text.strip()
        try:
            if not text.startswith(PRIVATE_PREFIX):
                raise ValueError("prefix")
            raw = b64d(text[len(PRIVATE_PREFIX):])
            size = raw[0]
            if len(raw) != 1 + size + 64:
                raise ValueError("length")
            name = raw[1:1 + size].decode("utf-8")
            keys = raw[1 + size:]
            return cls(check_name(name), Ed25519PrivateKey.from_private_bytes(keys[:32]),
                       X25519PrivateKey.from_private_bytes(keys[32:]))
        except (ValueError, IndexError, UnicodeDecodeError, ExchangeKeyError):
            raise ExchangeKeyError("bad_identity", "The exchange identity (WASPADA_EXCHANGE_KEY or "
                            "the exchange_identity file) is damaged.") from None


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or any(not c.isprintable() for c in name):
        raise ExchangeKeyError("bad_name", "An installation or partner name has 1 to 64 printable "
                        "characters.")
    return name


def identity_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def load(data_dir: Path, env_key: str | None) -> Identity | None:
    """The configured identity (environment first, then the file); None when there is none."""
    if env_key:
        return Identity.from_private_text(env_key)
    path = identity_path(data_dir)
    if not path.exists():
        return None
    return Identity.from_private_text(path.read_text(encoding="ascii", errors="replace"))


def save(data_dir: Path, identity: Identity, *, force: bool) -> Path:
    """Write the identity to its file, 0600, whole or not at all; refuse to replace one
    unless ``force``."""
    path = identity_path(data_dir)
    if path.exists() and not force:
        raise ExchangeKeyError("identity_exists", "This installation already has an exchange "
                        "identity; partners know its key. Use --force to replace it.",
                        status=409)
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(identity.private_text + "\n")
    os.replace(tmp, path)
    return path
