"""Property-based API test with schemathesis against the served OpenAPI schema.

For every operation of ``/api/openapi.json`` schemathesis generates requests (valid and
invalid); each is sent with a personal API token of every role. Checks: no 5xx, the response
conforms to the schema, and no body contains a Python traceback.

The API writes (cases, merges, watchlist...), so it never runs against the suite's database: by
default it serves the app in a subprocess on its own SQLite database with the demo loaded. CI
also points it at the fresh-install server (SQLite and PostgreSQL) with
``WASPADA_FUZZ_BASE_URL`` and ``WASPADA_FUZZ_TOKENS`` (JSON ``{role: token}``).
``WASPADA_FUZZ_EXAMPLES`` bounds the examples per operation (default 8).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from waspada.demo.synthetic import DEMO_ACCOUNTS  # noqa: E402

EXAMPLES = int(os.environ.get("WASPADA_FUZZ_EXAMPLES", "8"))
CLI = [sys.executable, "-c", "from waspada.cli import main; main()"]


@dataclass(frozen=True)
class Served:
    base_url: str
    tokens: dict[str, str]


def no_traceback(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """No response body may leak a Python traceback or exception repr."""
    text = (response.content or b"").decode("utf-8", errors="replace")
    for marker in ("Traceback (most recent call last)", 'File "/'):
        if marker in text:
            raise AssertionError(f"response body contains {marker!r}")


CHECKS = [not_a_server_error, response_schema_conformance, no_traceback]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    if os.environ.get("WASPADA_FUZZ_BASE_URL"):
        yield Served(os.environ["WASPADA_FUZZ_BASE_URL"].rstrip("/"),
                     json.loads(os.environ["WASPADA_FUZZ_TOKENS"]))
        return
    data_dir = Path(tempfile.mkdtemp(prefix="waspada-fuzz-"))
    env = {k: v for k, v in os.environ.items() if k != "WASPADA_DATABASE_URL"}
    # no job workers: the fuzzer's requests start real jobs (an HTCDS export of every demo
    # case per example) that would run beside it; the API answers the same, the jobs wait
    env.update(WASPADA_DATA_DIR=str(data_dir), WASPADA_LOG_LEVEL="WARNING",
               WASPADA_JOB_WORKERS="0")
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "demo", "load"], env=env, check=True, capture_output=True)
    # one process creates all six tokens (each `waspada users token` start-up costs seconds)
    script = ("import json\n"
              "from waspada.demo.synthetic import DEMO_ACCOUNTS\n"
              "from waspada.platform.db import session_scope\n"
              "from waspada.platform.security import auth\n"
              "from waspada.platform.security.users import find_user\n"
              "with session_scope() as s:\n"
              "    print(json.dumps({role: auth.create_api_token(s, find_user(s, user),"
              " 'schemathesis', scope='full')[1] for user, role, _u, _n in DEMO_ACCOUNTS}))\n")
    tokens = json.loads(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                       capture_output=True, text=True).stdout)
    port = _free_port()
    server = subprocess.Popen([*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(base_url, server)
        yield Served(base_url, tokens)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def api_schema(served: Served) -> schemathesis.BaseSchema:
    token = next(iter(served.tokens.values()))
    schema = schemathesis.openapi.from_url(served.base_url + "/api/openapi.json",
                                           headers={"Authorization": f"Bearer {token}"})
    schema.config.update(base_url=served.base_url)
    return schema


def test_every_role_has_a_token(served: Served) -> None:
    assert set(served.tokens) == {role for _u, role, _unit, _n in DEMO_ACCOUNTS}
    assert all(token.startswith("wsp_") for token in served.tokens.values())


def test_no_traceback_check_catches_a_leak() -> None:
    class Fake:
        content = b'Traceback (most recent call last):\n  File "/x.py", line 1'

    with pytest.raises(AssertionError):
        no_traceback(None, Fake(), None)  # type: ignore[arg-type]


def test_api_conforms_for_every_role(api_schema: schemathesis.BaseSchema, served: Served) -> None:
    """Every operation, every role; all failures are collected and reported together."""
    stats = {"requests": 0, "5xx": 0}
    failures: list[str] = []

    def fuzz(operation: object) -> None:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
        @given(case=operation.as_strategy())  # type: ignore[attr-defined]
        def run(case: schemathesis.Case) -> None:
            for token in served.tokens.values():
                response = case.call(headers={"Authorization": f"Bearer {token}"}, timeout=60)
                stats["requests"] += 1
                stats["5xx"] += response.status_code >= 500
                case.validate_response(response, checks=CHECKS)

        run()

    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        try:
            fuzz(operation)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 (hypothesis raises a group; reported below)
            failures.append(f"{operation.label}: {str(exc).strip()[:1500]}")
    print(f"schemathesis: {len(operations)} operations, {stats['requests']} requests, "
          f"{stats['5xx']} with 5xx, "
          f"{len(failures)} failing operations")
    assert not failures, "\n\n".join(failures)
