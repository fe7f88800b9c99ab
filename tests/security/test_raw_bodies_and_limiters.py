"""Routes that read their body themselves, and the rate limiters under a flood of keys
(round 17 security pass).

The Primero webhook and the exchange inbox parse raw bytes before any authentication: a body
of 50,000 ``[`` raised ``RecursionError``, an anonymous 500. The limiters' key bound kept
every key that had an event (all of them) and rebuilt the whole dict on every event once
over 50,000 keys; the webhook's key holds the destination from the URL, so one anonymous
client could push it there (4 ms per request under the lock, growing, and no memory bound).
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from waspada.platform.ratelimit import RateLimiter

DEEP = b"[" * 50_000


@pytest.mark.parametrize("path", ["/api/v1/exchange/primero/webhook/nobody",
                                  "/api/v1/exchange/inbox"])
def test_nested_json_is_refused_not_a_server_error(client: TestClient, path: str) -> None:
    r = client.post(path, content=DEEP, headers={"content-type": "application/json"})
    assert r.status_code in (400, 401, 422), r.text
    assert "Traceback" not in r.text and "RecursionError" not in r.text


def test_webhook_nested_json_says_not_json(client: TestClient) -> None:
    r = client.post("/api/v1/exchange/primero/webhook/nobody", content=DEEP,
                    headers={"content-type": "application/json", "x-api-key": "k"})
    assert r.status_code == 422
    assert "not JSON" in r.json()["error"]["message"]


def test_a_flood_of_distinct_keys_costs_constant_time_and_bounded_memory() -> None:
    limiter = RateLimiter(limit=600, window=60, max_keys=5_000)
    for i in range(5_000):
        limiter.hit(f"dest{i}|10.0.0.1", now=1.0)
    t0 = time.process_time()
    for i in range(5_000, 25_000):
        assert limiter.hit(f"dest{i}|10.0.0.1", now=1.0)
    spent = time.process_time() - t0
    assert len(limiter) <= 5_000
    # before: every one of these 20,000 hits rebuilt a dict of 5,000+ keys (about 8 s)
    assert spent < 1.0, f"{spent:.2f} s for 20,000 hits"


def test_pruning_keeps_the_limit_of_recent_keys() -> None:
    limiter = RateLimiter(limit=2, window=60, max_keys=100)
    assert limiter.hit("victim", now=100.0) and limiter.hit("victim", now=100.0)
    assert not limiter.hit("victim", now=100.0)
    for i in range(40):  # a few new keys: no pruning, the victim stays limited
        limiter.hit(f"k{i}", now=101.0)
    assert not limiter.hit("victim", now=101.0)
    # expired keys are dropped first
    for i in range(200):
        limiter.hit(f"late{i}", now=1_000.0)
    assert len(limiter) <= 100
    assert limiter.hit("victim", now=1_000.0)  # its window is over anyway
