"""Bundles (pure): a payload sealed to one recipient and signed by its sender.

Envelope (JSON, UTF-8)::

    {"v": 1, "kind": "ping", "from": <sender fingerprint>, "to": <recipient fingerprint>,
     "nonce": <16 random bytes, base64url>, "created_at": "2026-11-30T04:22:21Z",
     "epk": <ephemeral X25519 public key>, "ciphertext": <base64url>, "sig": <base64url>}

* **Sealing**: an ephemeral X25519 key agrees a secret with the recipient's X25519 key;
  HKDF-SHA256 (salt = ephemeral key + recipient key, info = ``waspada-exchange-v1``) derives a
  ChaCha20-Poly1305 key and nonce used once. The header (every field but ``ciphertext`` and
  ``sig``, canonical JSON) is the associated data, so kind, sender, recipient, nonce and time
  cannot be changed without the decryption failing.
* **Signing** (encrypt-then-sign, recipient inside the signed part): Ed25519 over
  ``waspada-exchange-v1`` + canonical header + ciphertext. The signature names the recipient,
  so a recipient cannot forward the bundle to a third installation as if it had been sent
  there (surreptitious forwarding: the ``to`` field would not match, and re-encrypting changes
  the ciphertext the signature covers); the sender is inside the associated data, so a third
  party cannot strip the signature and re-sign the ciphertext as its own (decryption fails).

:func:`open_bundle` refuses, with distinct :class:`BundleError` codes, and stores nothing:
``oversize``, ``malformed``, ``wrong_recipient``, ``unknown_partner`` / ``partner_disabled``
(from the caller's lookup), ``bad_signature``, ``expired``, ``undecryptable``. Replayed nonces
are the caller's check (a table).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from waspada.platform.domain import DomainError
from waspada.platform.files import FileError, loads_json

from .keys import FINGERPRINT_HEX, Identity, PublicKey, b64d, b64e

VERSION = 1
CONTEXT = b"waspada-exchange-v1"
NONCE_BYTES = 16
KIND_MAX = 32
#: a bundle dated this far in the future is refused (clocks of two servers differ a little)
CLOCK_SKEW = timedelta(minutes=10)
HEADER_FIELDS = ("v", "kind", "from", "to", "nonce", "created_at", "epk")
FIELDS = frozenset((*HEADER_FIELDS, "ciphertext", "sig"))
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class BundleError(DomainError):
    """A refused bundle (English message, stable code)."""


ERRORS: dict[str, tuple[int, str]] = {
    "oversize": (413, "The bundle is larger than {limit} bytes."),
    "malformed": (400, "The bundle is not a valid Waspada bundle: {detail}."),
    "wrong_recipient": (400, "The bundle is addressed to another installation "
                             "(fingerprint {to}), not to this one."),
    "unknown_partner": (403, "The bundle's sender (fingerprint {sender}) is not a partner of "
                             "this installation."),
    "partner_disabled": (403, "The bundle's sender, partner {name}, is disabled here."),
    "bad_signature": (403, "The bundle's signature does not match its content and sender: it "
                           "was altered or not signed by that partner."),
    "expired": (400, "The bundle was created at {created_at}, outside the accepted window "
                     "({days} days back, {skew} minutes ahead)."),
    "undecryptable": (400, "The bundle cannot be decrypted with this installation's key."),
    "replayed": (409, "This bundle (nonce {nonce}) was already received from {name}; it is "
                      "not applied again."),
}


def refuse(code: str, **params: Any) -> BundleError:
    status, message = ERRORS[code]
    return BundleError(code, message, status=status, **params)


@dataclass(frozen=True)
class Opened:
    kind: str
    sender: str      # fingerprint
    nonce: str
    created_at: datetime
    payload: dict[str, Any]


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _header(env: dict[str, Any]) -> dict[str, Any]:
    return {k: env[k] for k in HEADER_FIELDS}


def _signed_bytes(header: dict[str, Any], ciphertext: bytes) -> bytes:
    return CONTEXT + b"\n" + canonical(header) + b"\n" + ciphertext


def _key_and_nonce(shared: bytes, epk: bytes, recipient: bytes) -> tuple[bytes, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=44, salt=epk + recipient,
               info=CONTEXT).derive(shared)
    return okm[:32], okm[32:]


def seal(identity: Identity, recipient: PublicKey, kind: str, payload: dict[str, Any],
         *, now: datetime | None = None, nonce: bytes | None = None) -> bytes:
    """The bundle bytes carrying ``payload`` from ``identity`` to ``recipient``."""
    if not kind or len(kind) > KIND_MAX:
        raise refuse("malformed", detail="kind")
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(serialization.Encoding.Raw,
                                              serialization.PublicFormat.Raw)
    created = (now or datetime.now(UTC)).astimezone(UTC)
    header = {"v": VERSION, "kind": kind, "from": identity.public.fingerprint,
              "to": recipient.fingerprint,
              "nonce": b64e(nonce or secrets.token_bytes(NONCE_BYTES)),
              "created_at": created.strftime(TIME_FORMAT), "epk": b64e(epk)}
    key, aead_nonce = _key_and_nonce(ephemeral.exchange(recipient.encryption_key), epk,
                                     recipient.enc)
    ciphertext = ChaCha20Poly1305(key).encrypt(aead_nonce, canonical(payload),
                                               canonical(header))
    sig = identity.signer.sign(_signed_bytes(header, ciphertext))
    return canonical({**header, "ciphertext": b64e(ciphertext), "sig": b64e(sig)})


def _parse(raw: bytes, limit: int) -> tuple[dict[str, Any], bytes, bytes, datetime, bytes]:
    if len(raw) > limit:
        raise refuse("oversize", limit=limit)
    try:  # bounded depth: nested brackets raised RecursionError (a 500, also anonymous)
        env = loads_json(raw)
    except FileError:
        raise refuse("malformed", detail="not JSON") from None
    if not isinstance(env, dict) or set(env) != FIELDS:
        raise refuse("malformed", detail="unexpected fields")
    if env["v"] != VERSION or type(env["v"]) is not int:
        raise refuse("malformed", detail="unsupported format version")
    for name in ("kind", "from", "to", "nonce", "created_at", "epk", "ciphertext", "sig"):
        if not isinstance(env[name], str):
            raise refuse("malformed", detail=f"{name} is not text")
    if not 0 < len(env["kind"]) <= KIND_MAX or not env["kind"].isascii():
        raise refuse("malformed", detail="kind")
    for name in ("from", "to"):
        fp = env[name]
        if len(fp) != FINGERPRINT_HEX or any(c not in "0123456789abcdef" for c in fp):
            raise refuse("malformed", detail=f"{name} is not a fingerprint")
    try:
        nonce, epk = b64d(env["nonce"]), b64d(env["epk"])
        ciphertext, sig = b64d(env["ciphertext"]), b64d(env["sig"])
        created = datetime.strptime(env["created_at"], TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise refuse("malformed", detail="a field is not well formed") from None
    if created.strftime(TIME_FORMAT) != env["created_at"]:
        raise refuse("malformed", detail="created_at")
    if len(nonce) != NONCE_BYTES or len(epk) != 32 or len(sig) != 64:
        raise refuse("malformed", detail="a field has the wrong length")
    return env, ciphertext, sig, created, epk


def peek_sender(raw: bytes, limit: int) -> str:
    """The claimed sender's fingerprint of a well-formed bundle (for rate limiting only:
    nothing is trusted before :func:`open_bundle`)."""
    return str(_parse(raw, limit)[0]["from"])


def open_bundle(raw: bytes, identity: Identity, sender_key: Callable[[str], PublicKey], *,
                limit: int, max_age: timedelta, now: datetime | None = None) -> Opened:
    """Check and decrypt a bundle; ``sender_key(fingerprint)`` answers the partner's public key
    or raises (unknown, disabled). Raises :class:`BundleError`; returns the payload."""
    env, ciphertext, sig, created, epk = _parse(raw, limit)
    me = identity.public
    if env["to"] != me.fingerprint:
        raise refuse("wrong_recipient", to=env["to"])
    partner = sender_key(env["from"])
    header = _header(env)
    try:
        partner.verifier.verify(sig, _signed_bytes(header, ciphertext))
    except InvalidSignature:
        raise refuse("bad_signature") from None
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if created < now - max_age or created > now + CLOCK_SKEW:
        raise refuse("expired", created_at=env["created_at"], days=max_age.days,
                     skew=int(CLOCK_SKEW.total_seconds() // 60))
    try:
        shared = identity.decrypter.exchange(X25519PublicKey.from_public_bytes(epk))
        key, aead_nonce = _key_and_nonce(shared, epk, me.enc)
        plain = ChaCha20Poly1305(key).decrypt(aead_nonce, ciphertext, canonical(header))
    except (InvalidTag, ValueError):
        raise refuse("undecryptable") from None
    try:
        payload = loads_json(plain)
    except FileError:
        raise refuse("malformed", detail="the payload is not JSON") from None
    if not isinstance(payload, dict):
        raise refuse("malformed", detail="the payload is not a JSON object")
    return Opened(env["kind"], env["from"], env["nonce"], created, payload)
