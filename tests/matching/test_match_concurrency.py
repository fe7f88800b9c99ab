"""One account may have at most ``WASPADA_MATCH_CONCURRENCY_PER_USER`` match requests running
at once (a yente batch costs up to ~4 s of server CPU; a few at once from one account filled a
2-core server): one more is answered 429 ``too_many_matches`` with ``Retry-After``, and the
slot is freed when a request ends — answered, refused, failed or abandoned by its client.

The requests really overlap: a real uvicorn server in this process, real HTTP requests from
threads, and the real search held at its start by an event until the test lets it go."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import ValidationError

from waspada.matching import service as matching_service
from waspada.platform.db import session_scope
from waspada.platform.security import service as security_service
from waspada.platform.security.policy import CLI_PRINCIPAL
from waspada.platform.security.schemas import TokenIn
from waspada.platform.settings import Settings, get_settings

PORT = 8821
URL = f"http://127.0.0.1:{PORT}"
BODY = {"queries": {"q": {"schema": "Person", "properties": {
    "name": ["Muhammad Rizki bin Ahmad Fauzan"], "birthDate": ["1990-05-17"]}}}}


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=PORT, log_level="warning",
                            lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield URL
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def tokens(server: str) -> dict[str, str]:
    """A read token of two checkpoint/passport officers (both may screen)."""
    out = {}
    with session_scope() as session:
        for username in ("petugas.tpi", "petugas.paspor"):
            out[username] = security_service.create_token_for(
                session, CLI_PRINCIPAL, username, TokenIn(name="concurrency", days=1))
    return out


class Gate:
    """Holds ``username``'s searches at their start until :meth:`open`; counts arrivals."""

    def __init__(self, username: str, fail: bool = False) -> None:
        self.username = username
        self.fail = fail
        self.arrived = threading.Semaphore(0)
        self.go = threading.Event()
        self.real = matching_service.screen

    def __call__(self, db: Any, principal: Any, *args: Any, **kwargs: Any) -> Any:
        if principal.username == self.username:
            self.arrived.release()
            assert self.go.wait(60), "the test never let the search go"
            if self.fail:
                raise RuntimeError("search failed")
        return self.real(db, principal, *args, **kwargs)

    def wait_arrivals(self, n: int) -> None:
        for _ in range(n):
            assert self.arrived.acquire(timeout=60), "a request never reached the search"

    def open(self) -> None:
        self.go.set()


def _post(token: str, path: str = "/api/v1/match", timeout: float = 120) -> httpx.Response:
    return httpx.post(URL + path, json=BODY, timeout=timeout,
                      headers={"Authorization": f"ApiKey {token}"})


def _in_threads(n: int, token: str) -> tuple[list[threading.Thread], list[httpx.Response]]:
    answers: list[httpx.Response] = []

    def run() -> None:
        answers.append(_post(token))

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    return threads, answers


def _limit(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setattr(get_settings(), "match_concurrency_per_user", n)


def test_a_third_overlapping_match_of_one_account_is_refused_with_429(
        tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _limit(monkeypatch, 2)
    gate = Gate("petugas.tpi")
    monkeypatch.setattr(matching_service, "screen", gate)
    threads, answers = _in_threads(2, tokens["petugas.tpi"])
    try:
        gate.wait_arrivals(2)  # two searches of petugas.tpi are running
        third = _post(tokens["petugas.tpi"])
        assert third.status_code == 429, third.text
        assert third.headers["Retry-After"].isdigit() and int(third.headers["Retry-After"]) > 0
        body = third.json()
        assert body["error"]["code"] == "too_many_matches"
        assert "2 match requests" in body["error"]["message"]
        assert body["detail"] == body["error"]["message"]  # yente clients read "detail"
        for dataset in ("victim", "nope"):  # the dataset route shares the limit
            assert _post(tokens["petugas.tpi"], f"/api/v1/match/{dataset}").status_code == 429
        # another account is not held back by this one
        other = _post(tokens["petugas.paspor"])
        assert other.status_code == 200, other.text
    finally:
        gate.open()
        for t in threads:
            t.join(timeout=120)
    assert [a.status_code for a in answers] == [200, 200]
    # both slots are free again: two at once pass
    threads, answers = _in_threads(2, tokens["petugas.tpi"])
    for t in threads:
        t.join(timeout=120)
    assert [a.status_code for a in answers] == [200, 200]


def test_refused_and_failed_requests_free_their_slot(
        tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _limit(monkeypatch, 1)
    token = tokens["petugas.tpi"]
    for _ in range(3):  # a refusal by the service (unknown dataset)
        assert _post(token, "/api/v1/match/nope").status_code == 404
    assert _post(token).status_code == 200
    gate = Gate("petugas.tpi", fail=True)
    gate.open()
    monkeypatch.setattr(matching_service, "screen", gate)
    for _ in range(3):  # an unexpected error in the search
        failed = _post(token)
        assert failed.status_code == 500 and "Traceback" not in failed.text
    monkeypatch.setattr(matching_service, "screen", gate.real)
    assert _post(token).status_code == 200


def test_a_client_that_gives_up_frees_the_slot_when_its_search_ends(
        tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _limit(monkeypatch, 1)
    token = tokens["petugas.tpi"]
    gate = Gate("petugas.tpi")
    monkeypatch.setattr(matching_service, "screen", gate)
    try:
        with pytest.raises(httpx.ReadTimeout):
            _post(token, timeout=3)  # the client disconnects after 3 s
        gate.wait_arrivals(1)
        # the abandoned search still runs on the server: it still holds the slot
        assert _post(token).status_code == 429
    finally:
        gate.open()
    deadline = time.monotonic() + 60
    while (status := _post(token).status_code) == 429 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 200


def test_the_setting_has_bounds() -> None:
    assert Settings().match_concurrency_per_user == 2
    assert Settings(match_concurrency_per_user=8).match_concurrency_per_user == 8
    for bad in (0, -1, 65, "many"):
        with pytest.raises(ValidationError):
            Settings(match_concurrency_per_user=bad)
