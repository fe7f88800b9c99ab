"""Two real Waspada installations on one machine (two uvicorn processes, two SQLite databases,
two data directories, two key pairs) exchange bundles over HTTP, end to end:

* ``exchange init`` on both, partners added both ways with each other's public key and address;
* a ping queued in A's outbox is pushed by A's delivery thread, applied by B, and B's pong
  flows back to A's inbox;
* the same bundle delivered three times is applied once (then ``replayed``);
* a tampered, a replayed and a misaddressed bundle are each refused with their error;
* with B down, A retries with backoff and dead-letters the bundle; after B is up again, a
  re-send delivers it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.exchange.servers import Installation, Side, start_pair
from tests.exchange.servers import wait_for as _wait
from waspada.exchange import bundle


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Installation, ...]]:
    a = Installation("KBRI Phnom Penh", tmp_path_factory.mktemp("kbri"))
    b = Installation("Ditjen Imigrasi", tmp_path_factory.mktemp("imigrasi"))
    start_pair(a, Side(a.name, "kbri", "ForeignAffairs"),
               b, Side(b.name, "imigrasi", "ImmigrationService"))
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


def _inbox(inst: Installation, kind: str) -> list[tuple[Any, ...]]:
    return inst.rows("SELECT id, status, nonce FROM exchange_inbox WHERE kind = ?", kind)


def test_ping_is_pushed_and_the_pong_flows_back(pair: tuple[Installation, ...]) -> None:
    a, b = pair
    a.cli(["exchange", "send-ping", "--to", "imigrasi"])
    _wait("B's ping", lambda: len(_inbox(b, "ping")) == 1)
    assert _inbox(b, "ping")[0][1] == "accepted"
    _wait("A's pong", lambda: len(_inbox(a, "pong")) == 1)
    pong = json.loads(a.rows("SELECT payload_json FROM exchange_inbox WHERE kind = 'pong'")[0][0])
    assert pong["name"] == "Ditjen Imigrasi" and pong["message"] == "ping from KBRI Phnom Penh"
    _wait("A's outbox delivered", lambda: a.rows(
        "SELECT status FROM exchange_outbox WHERE kind = 'ping'") == [("delivered",)])
    assert a.rows("SELECT count(*) FROM exchange_attempts WHERE ok") == [(1,)]


def test_the_same_bundle_three_times_is_applied_once_and_damage_is_refused(
        pair: tuple[Installation, ...], tmp_path: Path) -> None:
    a, b = pair
    file, fresh = tmp_path / "ping.json", tmp_path / "fresh.json"
    a.cli(["exchange", "send-ping", "--to", "imigrasi", "--output", str(file)],
          ["exchange", "send-ping", "--to", "imigrasi", "--output", str(fresh)])
    raw = file.read_bytes()
    before = len(_inbox(b, "ping"))
    answers = [b.push(raw) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 409, 409]
    assert {r.json()["error"]["code"] for r in answers[1:]} == {"replayed"}
    assert len(_inbox(b, "ping")) == before + 1
    # tampered: one byte of the ciphertext changed (a fresh bundle, so not a replay)
    env = json.loads(fresh.read_bytes())
    ct = bytearray(bundle.b64d(env["ciphertext"]))
    ct[0] ^= 0x01
    tampered = b.push(bundle.canonical({**env, "ciphertext": bundle.b64e(bytes(ct))}))
    assert tampered.status_code == 403 and tampered.json()["error"]["code"] == "bad_signature"
    # misaddressed: A's bundle for B pushed to A itself
    misaddressed = a.push(fresh.read_bytes())
    assert misaddressed.json()["error"]["code"] == "wrong_recipient"
    assert len(_inbox(b, "ping")) == before + 1 and len(_inbox(a, "ping")) == 0
    # the untouched fresh bundle is still good: nothing about it was stored by the refusals
    assert b.push(fresh.read_bytes()).status_code == 200


def test_partner_down_retries_then_dead_letter_then_resend(
        pair: tuple[Installation, ...]) -> None:
    a, b = pair
    b.stop()
    try:
        a.cli(["exchange", "send-ping", "--to", "imigrasi"])
        outbox_id = a.rows("SELECT max(id) FROM exchange_outbox")[0][0]

        def state() -> tuple[Any, ...]:
            return a.rows("SELECT status, attempts FROM exchange_outbox WHERE id = ?",
                          outbox_id)[0]
        _wait("the dead letter", lambda: state()[0] == "dead", seconds=15)
        assert state() == ("dead", 3)
        reasons = a.rows("SELECT reason FROM exchange_attempts WHERE outbox_id = ?", outbox_id)
        assert len(reasons) == 3 and all("no answer" in r for (r,) in reasons)
        b.launch()  # starting while A's sync health is read
        health = {p["name"]: p for p in json.loads(a.cli(["exchange", "partner", "list",
                                                          "--json"])[0])}
        assert health["imigrasi"]["dead"] == 1 and health["imigrasi"]["last_error"]
    finally:
        b.start()
    a.cli(["exchange", "resend", str(outbox_id)])
    _wait("the re-sent bundle", lambda: state()[0] == "delivered")
    nonce = a.rows("SELECT nonce FROM exchange_outbox WHERE id = ?", outbox_id)[0][0]
    ping = json.loads(b.rows("SELECT payload_json FROM exchange_inbox WHERE nonce = ?",
                             nonce)[0][0])

    def pong_back() -> bool:
        return any(json.loads(p)["in_reply_to"] == ping["id"] for (p,) in a.rows(
            "SELECT payload_json FROM exchange_inbox WHERE kind = 'pong'"))
    _wait("its pong", pong_back)
