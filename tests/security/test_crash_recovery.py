"""kill -9 the real server during concurrent writes, several times: every acknowledged write
survives, the audit chain verifies, and no personal-data row is left without its audit entry.

The server runs as a subprocess on a free loopback port with its own SQLite database and data
directory (its own audit key), whatever database the rest of the suite uses.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import _free_port

pytestmark = pytest.mark.slow

WRITERS = 4
MIN_KILLS, MAX_KILLS = 4, 6
SOFT_BUDGET_S = 35.0  # no kill round starts after this once MIN_KILLS are done
CLI = [sys.executable, "-c", "from waspada.cli import main; main()"]


@dataclass
class Acked:
    """Writes the server acknowledged (2xx), by kind."""

    cases: dict[int, str] = field(default_factory=dict)  # case id -> victim name
    comments: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (case, body)
    watchlist: dict[str, str] = field(default_factory=dict)  # record id -> name
    attempts: int = 0  # requests that got an HTTP answer
    restart_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run([*CLI, *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "waspada.platform.web:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env=env, stdout=subprocess.DEVNULL, stderr=sink)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start: " + log.read_text(errors="replace")[-2000:])


def _acknowledged(acked: Acked) -> int:
    with acked.lock:
        return len(acked.cases) + len(acked.comments) + len(acked.watchlist)


def _wait_for_a_write(acked: Acked, timeout: float) -> None:
    before, deadline = _acknowledged(acked), time.monotonic() + timeout
    while _acknowledged(acked) == before and time.monotonic() < deadline:
        time.sleep(0.05)


def _writer(n: int, base: str, officer: str, analyst: str, acked: Acked, stop: threading.Event
            ) -> None:
    rng = random.Random(n)
    officer_h = {"Authorization": f"Bearer {officer}"}
    analyst_h = {"Authorization": f"Bearer {analyst}"}
    my_cases: list[int] = []
    i = 0
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set():
            i += 1
            kind = rng.choice(("case", "comment", "watchlist") if my_cases else ("case",))
            try:
                if kind == "case":
                    name = f"Korban Uji W{n} N{i}"
                    r = client.post("/api/v1/cases", headers=officer_h, json={
                        "destination_country": "KH", "summary": "crash test",
                        "persons": [{"role": "victim", "full_name": name}]})
                    if r.status_code == 201:
                        case_id = r.json()["id"]
                        my_cases.append(case_id)
                        with acked.lock:
                            acked.cases[case_id] = name
                elif kind == "comment":
                    case_id = rng.choice(my_cases)
                    body = f"catatan W{n} N{i}"
                    r = client.post(f"/api/v1/cases/{case_id}/comments", headers=officer_h,
                                    json={"body": body})
                    if r.status_code == 201:
                        with acked.lock:
                            acked.comments[r.json()["id"]] = (case_id, body)
                else:
                    record_id = f"CRASH-W{n}-{i}"
                    name = f"Perekrut Uji W{n} N{i}"
                    r = client.post("/api/v1/watchlist", headers=analyst_h, json={
                        "record_id": record_id, "full_name": name, "list_kind": "recruiter",
                        "reason": "crash test", "source": "test"})
                    if r.status_code == 201:
                        with acked.lock:
                            acked.watchlist[record_id] = name
                with acked.lock:
                    acked.attempts += 1
                if r.status_code >= 500 and r.status_code != 503:
                    raise AssertionError(f"server error {r.status_code}: {r.text[:300]}")
            except httpx.HTTPError:
                time.sleep(0.1)  # no answer: the server is being killed or restarting


def test_kill_9_during_concurrent_writes_loses_no_acknowledged_or_unaudited_write(
        tmp_path: Path) -> None:
    started = time.monotonic()
    db_file = tmp_path / "crash.sqlite3"
    env = {**os.environ, "WASPADA_DATA_DIR": str(tmp_path / "var"),
           "WASPADA_DATABASE_URL": f"sqlite:///{db_file}", "WASPADA_LOG_LEVEL": "WARNING",
           "WASPADA_ARGON2_TIME_COST": "1", "WASPADA_ARGON2_MEMORY_KIB": "8192"}
    env.pop("WASPADA_AUDIT_KEY", None)
    _cli(env, "db", "upgrade")
    _cli(env, "users", "add", "crash.officer", "--role", "checkpoint_officer",
         "--unit", "TPI Uji Crash", "--password-stdin", "--create-unit", stdin="Crash-test-pass-2026\n")
    _cli(env, "users", "add", "crash.analyst", "--role", "analyst",
         "--unit", "Intelijen Uji Crash", "--password-stdin", "--create-unit", stdin="Crash-test-pass-2026\n")
    officer = _cli(env, "users", "token", "crash.officer", "--scope", "full").strip()
    analyst = _cli(env, "users", "token", "crash.analyst", "--scope", "full").strip()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start(env, port, tmp_path / "server.log")
    acked, stop = Acked(), threading.Event()
    threads = [threading.Thread(target=_writer, args=(n, base, officer, analyst, acked, stop),
                                daemon=True) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    rng = random.Random(2026)
    kills = 0
    log = tmp_path / "server.log"
    try:
        for round_no in range(MAX_KILLS):
            if round_no >= MIN_KILLS and time.monotonic() - started > SOFT_BUDGET_S:
                break
            _wait_for_a_write(acked, timeout=15)  # kill while writes are flowing
            time.sleep(rng.uniform(0.3, 1.2))
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
            kills += 1
            down = time.monotonic()
            server = _start(env, port, log)
            acked.restart_s += time.monotonic() - down
        _wait_for_a_write(acked, timeout=15)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        server.terminate()
        server.wait(timeout=15)

    assert kills >= MIN_KILLS
    assert len(acked.cases) >= 10 and acked.comments and acked.watchlist, acked.attempts

    engine = create_engine(f"sqlite:///{db_file}")
    try:
        with engine.connect() as conn:
            def rows(sql: str) -> list[tuple]:  # type: ignore[type-arg]
                return [tuple(r) for r in conn.execute(text(sql))]

            victims = {(c, n) for c, n in rows(
                "SELECT case_id, full_name FROM case_persons WHERE role = 'victim'")}
            comments = {i: (c, b) for i, c, b in rows("SELECT id, case_id, body FROM case_comments")}
            listed = dict(rows("SELECT record_id, full_name FROM matching_watchlist_entries"))
            lost = ([c for c, n in acked.cases.items() if (c, n) not in victims]
                    + [i for i, v in acked.comments.items() if comments.get(i) != v]
                    + [r for r, n in acked.watchlist.items() if listed.get(r) != n])
            entries = rows("SELECT action, object_id, detail FROM audit_entries")
            audited_cases = {o for a, o, _ in entries if a == "case.create"}
            audited_comments = {json.loads(d).get("item_id") for a, _, d in entries
                                if a == "case.comment"}
            audited_listed = {o for a, o, _ in entries if a == "watchlist.add"}
            unaudited = (
                [c for (c,) in rows("SELECT id FROM case_cases") if str(c) not in audited_cases]
                + [i for (i,) in rows("SELECT id FROM case_comments")
                   if i not in audited_comments]
                + [i for (i,) in rows("SELECT id FROM matching_watchlist_entries")
                   if str(i) not in audited_listed])
            total_rows = (len(rows("SELECT id FROM case_cases")) + len(comments) + len(listed))
    finally:
        engine.dispose()
    verify = subprocess.run([*CLI, "audit", "verify"], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    acknowledged = len(acked.cases) + len(acked.comments) + len(acked.watchlist)
    print(f"\ncrash test: {kills} kill -9 rounds, {acked.attempts} writes answered, "
          f"{acknowledged} acknowledged, {total_rows} personal-data rows, {len(lost)} lost, "
          f"{len(unaudited)} unaudited, {time.monotonic() - started:.1f} s "
          f"({acked.restart_s:.1f} s restarting)")
    assert lost == [], f"acknowledged writes lost: {lost[:20]}"
    assert unaudited == [], f"rows without an audit entry: {unaudited[:20]}"
    assert verify.returncode == 0, verify.stdout + verify.stderr
