"""Two real Waspada installations on one machine, for the two-server tests: each a uvicorn
process with its own SQLite database, data directory and exchange key pair.

``waspada`` commands run through the product's own CLI, several per Python process (one
start-up per installation and step: on a loaded CI machine each Python start costs seconds).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

#: runs several ``waspada`` commands in ONE process and prints their outputs as JSON. A command
#: is its argument list, or ``{"args": [...], "input": "stdin text", "fails": true}``: a command
#: marked ``fails`` must exit non-zero (its output, with the error, is returned); any other
#: command failing stops the run.
RUN_COMMANDS = """
import json, sys
from typer.testing import CliRunner
from waspada.cli import app
runner, outputs = CliRunner(), []
for spec in json.loads(sys.argv[1]):
    spec = spec if isinstance(spec, dict) else {"args": spec}
    result = runner.invoke(app, spec["args"], input=spec.get("input"))
    if spec.get("fails"):
        if result.exit_code == 0:
            sys.exit(f"{spec['args']}: exit 0, expected a refusal: {result.output}")
        outputs.append(result.output)
        continue
    if result.exit_code != 0:
        sys.exit(f"{spec['args']}: exit {result.exit_code}: {result.output}")
    outputs.append(result.stdout)
print(json.dumps(outputs))
"""

Command = list[str] | dict[str, Any]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Installation:
    name: str
    root: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return dict(os.environ, WASPADA_DATA_DIR=str(self.root),
                    WASPADA_DATABASE_URL=f"sqlite:///{self.root / 'waspada.sqlite3'}",
                    WASPADA_LOG_LEVEL="WARNING", WASPADA_JOB_WORKERS="0",
                    WASPADA_EXCHANGE_DELIVERY_WORKERS="1",
                    WASPADA_EXCHANGE_DELIVERY_POLL_SECONDS="0.2",
                    WASPADA_EXCHANGE_RETRY_BASE_SECONDS="0.3",
                    WASPADA_EXCHANGE_DELIVERY_ATTEMPTS="3",
                    WASPADA_EXCHANGE_DELIVERY_TIMEOUT_SECONDS="2")

    def commands(self, *commands: Command) -> subprocess.Popen[str]:
        """Start ``waspada`` commands (one process); :func:`outputs` waits for them."""
        return subprocess.Popen([sys.executable, "-c", RUN_COMMANDS, json.dumps(commands)],
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def cli(self, *commands: Command) -> list[str]:
        return outputs(self.commands(*commands))

    def launch(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "waspada.platform.web:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if self.process is None:
            self.launch()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the installation's database (to assert; the tests never write to it)."""
        with sqlite3.connect(self.root / "waspada.sqlite3", timeout=10) as db:
            return db.execute(sql, params).fetchall()

    def push(self, raw: bytes) -> httpx.Response:
        return httpx.post(self.url + "/api/v1/exchange/inbox", content=raw, timeout=10,
                          headers={"content-type": "application/json"})


def outputs(process: subprocess.Popen[str]) -> list[str]:
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr[-3000:]
    return list(json.loads(stdout))


def wait_for(what: str, check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass(frozen=True)
class Side:
    """How one installation is set up: its name; the name, HTCDS organisation and acceptance
    under which the OTHER installation registers it; extra commands (users, data) run with
    ``db upgrade`` and ``exchange init``; and optionally an admin account, made first, through
    whose API token the other side registers this one as a partner (``POST
    /api/v1/exchange/partners``) while the servers start, instead of ``waspada exchange
    partner add`` in a second round of processes."""

    name: str
    partner_name: str
    organisation: str
    acceptance: str = "auto"
    setup: tuple[Command, ...] = ()
    admin: str | None = None

    def commands(self) -> list[Command]:
        first: list[Command] = []
        if self.admin:
            first = [{"args": ["users", "add", self.admin, "--role", "admin", "--unit",
                               f"{self.name} (admin)", "--create-unit", "--password-stdin"],
                      "input": "Admin-Pasangan-Server-2026!\n"},
                     ["users", "token", self.admin, "--scope", "full"]]
        return [["db", "upgrade"], ["exchange", "init", "--name", self.name, "--json"],
                *first, *self.setup]

    def partner(self, key: str, url: str) -> dict[str, str]:
        return {"name": self.partner_name, "public_key": key, "url": url,
                "organisation": self.organisation, "acceptance": self.acceptance}


def start_pair(a: Installation, side_a: Side, b: Installation, side_b: Side
               ) -> list[list[str]]:
    """Migrate both, create their identities, run their set-up commands, register each as the
    other's partner, start both servers. Answers the outputs of each side's ``setup``
    commands."""
    sides = ((a, side_a), (b, side_b))
    done = [outputs(process) for process in
            [inst.commands(*side.commands()) for inst, side in sides]]
    keys = []
    for (_inst, side), out in zip(sides, done, strict=True):
        made = json.loads(out[1])
        assert made["name"] == side.name and made["public_key"].startswith("wsp1.")
        keys.append(made["public_key"])
    registrations = ((a, side_b.partner(keys[1], b.url)), (b, side_a.partner(keys[0], a.url)))
    over_http = bool(side_a.admin and side_b.admin)
    if not over_http:
        adding = [inst.commands(["exchange", "partner", "add", p["name"], "--key",
                                 p["public_key"], "--url", p["url"], "--organisation",
                                 p["organisation"], "--acceptance", p["acceptance"]])
                  for inst, p in registrations]
        for process in adding:
            outputs(process)
    a.launch()
    b.launch()
    try:
        a.start()
        b.start()
        if over_http:
            for (inst, partner), out in zip(registrations, done, strict=True):
                added = httpx.post(inst.url + "/api/v1/exchange/partners", json=partner,
                                   headers={"Authorization": f"Bearer {out[3].strip()}"},
                                   timeout=20)
                assert added.status_code == 201, added.text
    except (RuntimeError, AssertionError):
        a.stop()
        b.stop()
        raise
    first = 4 if over_http else 2
    return [out[first:] for out in done]
