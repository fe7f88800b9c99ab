"""Bundles (pure): sealed to one recipient, signed by the sender; every kind of damage or
misuse is refused with its own error code."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waspada.exchange import bundle, keys
from waspada.exchange.bundle import BundleError, open_bundle, seal
from waspada.exchange.keys import ExchangeKeyError, Identity

A = Identity.generate("KBRI Phnom Penh")
B = Identity.generate("Ditjen Imigrasi")
C = Identity.generate("Polri")
NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
LIMIT = 1 << 20
PAYLOAD = {"message": "halo", "nested": {"n": [1, 2, 3]}, "nik": "3174..."}


def _known(*who: Identity):  # type: ignore[no-untyped-def]
    table = {i.public.fingerprint: i.public for i in who}

    def lookup(fingerprint: str) -> keys.PublicKey:
        if fingerprint not in table:
            raise bundle.refuse("unknown_partner", sender=fingerprint)
        return table[fingerprint]
    return lookup


def _open(raw: bytes, me: Identity = B, *senders: Identity, now: datetime = NOW,
          limit: int = LIMIT) -> bundle.Opened:
    return open_bundle(raw, me, _known(*(senders or (A,))), limit=limit,
                       max_age=timedelta(days=30), now=now)


def _code(raw: bytes, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(BundleError) as refused:
        _open(raw, *args, **kwargs)
    return refused.value.code


def test_round_trip_carries_the_payload_and_hides_it() -> None:
    raw = seal(A, B.public, "ping", PAYLOAD, now=NOW)
    opened = _open(raw)
    assert opened.payload == PAYLOAD and opened.kind == "ping"
    assert opened.sender == A.public.fingerprint and opened.created_at == NOW
    assert b"halo" not in raw and b"3174" not in raw  # encrypted, not just signed
    env = json.loads(raw)
    assert env["to"] == B.public.fingerprint and len(keys.b64d(env["nonce"])) == 16


def test_two_bundles_of_the_same_payload_differ() -> None:
    one, two = seal(A, B.public, "ping", PAYLOAD), seal(A, B.public, "ping", PAYLOAD)
    assert json.loads(one)["nonce"] != json.loads(two)["nonce"]
    assert json.loads(one)["ciphertext"] != json.loads(two)["ciphertext"]


def test_public_and_private_keys_round_trip_and_bad_keys_are_refused() -> None:
    text = A.public.text
    assert text.startswith("wsp1.") and keys.parse_public(text) == A.public
    again = Identity.from_private_text(A.private_text)
    assert again.name == A.name and again.public == A.public
    assert len(keys.short(A.public.fingerprint)) == 19
    for bad in ("", "wsp2.abc", "wsp1.!!!", "wsp1." + keys.b64e(b"x" * 63), text[:-2]):
        with pytest.raises(ExchangeKeyError):
            keys.parse_public(bad)
    with pytest.raises(ExchangeKeyError):
        Identity.from_private_text(A.private_text[:-4])


def test_a_bundle_for_someone_else_is_refused_as_misaddressed() -> None:
    raw = seal(A, C.public, "ping", PAYLOAD, now=NOW)
    assert _code(raw) == "wrong_recipient"


def test_unknown_sender_is_refused() -> None:
    raw = seal(C, B.public, "ping", PAYLOAD, now=NOW)
    assert _code(raw) == "unknown_partner"


def test_surreptitious_forwarding_is_refused() -> None:
    """B cannot pass A's bundle to C as if A had addressed C: the recipient is signed."""
    raw = seal(A, B.public, "ping", PAYLOAD, now=NOW)
    env = json.loads(raw)
    env["to"] = C.public.fingerprint
    assert _code(bundle.canonical(env), C, A) == "bad_signature"


def test_a_third_party_cannot_re_sign_a_bundle_as_its_own() -> None:
    """C strips A's signature and signs the ciphertext itself: the sender is associated data,
    so the payload does not decrypt under C's name."""
    raw = seal(A, B.public, "ping", PAYLOAD, now=NOW)
    env = json.loads(raw)
    env["from"] = C.public.fingerprint
    header = {k: env[k] for k in bundle.HEADER_FIELDS}
    env["sig"] = keys.b64e(C.signer.sign(bundle._signed_bytes(
        header, keys.b64d(env["ciphertext"]))))
    assert _code(bundle.canonical(env), B, A, C) == "undecryptable"


def test_old_and_future_bundles_are_refused() -> None:
    raw = seal(A, B.public, "ping", PAYLOAD, now=NOW - timedelta(days=31))
    assert _code(raw) == "expired"
    raw = seal(A, B.public, "ping", PAYLOAD, now=NOW + timedelta(hours=1))
    assert _code(raw) == "expired"
    assert _open(seal(A, B.public, "ping", PAYLOAD, now=NOW - timedelta(days=29))).payload


def test_oversize_and_malformed_bundles_are_refused() -> None:
    raw = seal(A, B.public, "ping", {"blob": "x" * 5000}, now=NOW)
    assert _code(raw, limit=1000) == "oversize"
    assert _code(b"not json") == "malformed"
    assert _code(b"[]") == "malformed"
    env = json.loads(seal(A, B.public, "ping", PAYLOAD, now=NOW))
    assert _code(bundle.canonical({**env, "extra": 1})) == "malformed"
    assert _code(bundle.canonical({**env, "v": 2})) == "malformed"
    assert _code(bundle.canonical({**env, "nonce": env["nonce"] + "="})) == "malformed"


def test_a_changed_kind_or_time_breaks_the_signature() -> None:
    env = json.loads(seal(A, B.public, "ping", PAYLOAD, now=NOW))
    assert _code(bundle.canonical({**env, "kind": "referral"})) == "bad_signature"
    assert _code(bundle.canonical({**env, "created_at": "2026-11-30T04:00:01Z"})) \
        == "bad_signature"


RAW = seal(A, B.public, "referral", PAYLOAD, now=NOW)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(0, len(RAW) - 1), flip=st.integers(1, 255))
def test_flipping_any_byte_is_refused(position: int, flip: int) -> None:
    damaged = bytearray(RAW)
    damaged[position] ^= flip
    with pytest.raises(BundleError):
        _open(bytes(damaged))


def test_every_byte_position_flipped_once_is_refused() -> None:
    """Exhaustive over positions (one flip each), beside the random flips above."""
    for position in range(len(RAW)):
        damaged = bytearray(RAW)
        damaged[position] ^= 0x01
        with pytest.raises(BundleError):
            _open(bytes(damaged))
