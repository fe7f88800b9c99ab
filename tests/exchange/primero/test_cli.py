"""The CLI over a real HTTP port: the contract double (written only from Primero's documented
requests and responses) served by uvicorn, the connector using a plain httpx client."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import uvicorn
from typer.testing import CliRunner

from tests.cases.conftest import create_case
from tests.exchange.primero.double import PrimeroDouble
from waspada.cli import app as waspada_cli
from waspada.exchange.primero import service
from waspada.exchange.primero.cli import primero_app

runner = CliRunner()


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[PrimeroDouble, str]]:
    double = PrimeroDouble()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(double.app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield double, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


def test_destination_push_pull_log(served: tuple[PrimeroDouble, str], role_clients: dict,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    double, url = served
    name = f"ngo-{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv(service.env_name(name, "PASSWORD"), "s3cret-pass")
    added = runner.invoke(primero_app, ["destination", "add", name, "--url", url,
                                        "--user", "waspada"])
    assert added.exit_code == 0, added.output
    assert service.env_name(name, "PASSWORD") in added.output.replace("\n", "")
    reference = create_case(role_clients["protection_officer"])["reference"]
    pushed = runner.invoke(primero_app, ["push", reference, "--to", name, "--json"])
    assert pushed.exit_code == 0, pushed.output
    assert json.loads(pushed.output)["result"] == "created"
    double.seed_case(name="changed there")
    pulled = runner.invoke(primero_app, ["pull", "--from", name, "--json"])
    assert pulled.exit_code == 0, pulled.output
    assert json.loads(pulled.output)["pulled"] >= 2
    log = runner.invoke(primero_app, ["log", "--destination", name, "--json"])
    statuses = {e["status"] for e in json.loads(log.output)}
    # the pull applies what it reads (the referral import): a case without victim data is
    # skipped, our own pushed case comes back unchanged
    assert {"created", "skipped", "unchanged", "watermark"} <= statuses
    # the table: one line an entry at 80 columns, the header and its rule above
    entries = json.loads(log.output)
    table = runner.invoke(primero_app, ["log", "--destination", name], env={"COLUMNS": "80"})
    lines = table.output.splitlines()
    assert table.exit_code == 0 and lines[0].split()[:4] == ["time", "dir", "status", "http"]
    assert len(lines) == 2 + len(entries) and all(len(line) <= 80 for line in lines)


def test_errors_are_one_clear_line(served: tuple[PrimeroDouble, str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _double, url = served
    name = f"ngo-{uuid.uuid4().hex[:6]}"
    runner.invoke(primero_app, ["destination", "add", name, "--url", url, "--user", "waspada"])
    monkeypatch.setenv(service.env_name(name, "PASSWORD"), "wrong")
    result = runner.invoke(primero_app, ["pull", "--from", name])
    assert result.exit_code == 1
    assert "Invalid User name or password." in result.output
    assert "Traceback" not in result.output and "wrong" not in result.output
    bad = runner.invoke(primero_app, ["destination", "add", "x2", "--url", "http://evil.test",
                                      "--user", "u"])
    assert bad.exit_code == 1 and "https://" in bad.output
    missing = runner.invoke(primero_app, ["log", "--destination", "nobody"])
    assert missing.exit_code == 1 and "no Primero destination named nobody" in missing.output


def test_mounted_in_the_main_cli() -> None:
    result = runner.invoke(waspada_cli, ["exchange", "primero", "--help"])
    assert result.exit_code == 0 and "push" in result.output
