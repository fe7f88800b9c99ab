"""Worst-case time of every public text endpoint at 20,000 characters, against the real server.

Starts ``waspada`` (uvicorn subprocess on 127.0.0.1, a private SQLite database with the demo),
then sends the adversarial battery of ``tests/security/adversarial.py`` (long letter runs,
``x-x-x-…``, ``http://x-x-x-…``, ``+62`` + digits, spaced letters, elongations, emoji, mixed
scripts, …; 20,000 characters each) to each endpoint anyone can reach without an account, plus
the officers' offer-check API, and prints per endpoint the worst and median wall time, the
status codes seen, and the largest ``/healthz`` latency measured by a second client while the
battery runs (what every other user waits). Baseline in the same process: the same endpoints
with a 200-character ordinary offer text.

    .venv/bin/python bench/security.py [--chars 20000]

Loopback only; bounded in requests (one pass of the battery per endpoint).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security.adversarial import battery  # noqa: E402

ORDINARY = ("Dibutuhkan admin customer service untuk kantor di Jakarta, gaji UMR, pengalaman "
            "minimal 1 tahun, lamaran dikirim ke email HRD perusahaan. ") * 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_counter = iter(range(1, 10**9))


def _new_address(request: httpx.Request) -> None:
    n = next(_counter)
    request.headers["X-Forwarded-For"] = f"198.51.{n // 250 % 250}.{n % 250 + 1}"


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    return match.group(1) if match else client.cookies.get("waspada_csrf", "")


def _endpoints(base: str, token: str) -> dict[str, Callable[[httpx.Client, str], httpx.Response]]:
    def cek(client: httpx.Client, text: str) -> httpx.Response:
        return client.post("/cek-lowongan", data={"text": text,
                                                  "csrf_token": _csrf(client, "/cek-lowongan")})

    def laporkan(client: httpx.Client, text: str) -> httpx.Response:
        return client.post("/cek-lowongan/laporkan", data={
            "text": text, "where_seen": text, "contact": text, "consent": "",
            "csrf_token": _csrf(client, "/cek-lowongan")})

    def lapor(client: httpx.Client, text: str) -> httpx.Response:
        return client.post("/lapor", data={
            "reporter_name": text, "reporter_phone": text, "relationship": "parent",
            "victim_name": text, "destination_country": "KH", "description": text,
            "csrf_token": _csrf(client, "/lapor")})

    def lapor_status(client: httpx.Client, text: str) -> httpx.Response:
        return client.post("/lapor/status", data={"code": text,
                                                  "csrf_token": _csrf(client, "/lapor/status")})

    def login(client: httpx.Client, text: str) -> httpx.Response:
        return client.post("/login", data={"username": text, "password": text,
                                           "csrf_token": _csrf(client, "/login")})

    def api_check(client: httpx.Client, text: str) -> httpx.Response:
        return client.post("/api/v1/offers/check", json={"text": text},
                           headers={"Authorization": f"Bearer {token}"})

    return {"POST /cek-lowongan": cek, "POST /cek-lowongan/laporkan": laporkan,
            "POST /lapor": lapor, "POST /lapor/status": lapor_status, "POST /login": login,
            "POST /api/v1/offers/check (analyst token)": api_check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=20_000)
    args = parser.parse_args()
    inputs = battery(args.chars)
    data = Path(tempfile.mkdtemp(prefix="waspada-bench-security-"))
    env = dict(os.environ, WASPADA_DATABASE_URL=f"sqlite:///{data / 'db.sqlite3'}",
               WASPADA_DATA_DIR=str(data), WASPADA_LOG_LEVEL="WARNING",
               WASPADA_LOGIN_IP_ATTEMPTS_PER_5MIN="100000",
               # the per-address limits would refuse most of the battery before it is analysed:
               # each request names its own (documentation-range) client address through the
               # trusted-proxy header, so every input reaches the engine
               WASPADA_FORWARDED_ALLOW_IPS="127.0.0.1")
    cli = [sys.executable, "-c", "from waspada.cli import main; main()"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "load"], env=env, check=True, capture_output=True)
    token = subprocess.run([*cli, "users", "token", "analis"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        print(f"{len(inputs)} adversarial inputs of {args.chars:,} characters per endpoint; "
              f"baseline: a {len(ORDINARY)}-character ordinary offer")
        print(f"{'endpoint':<44} {'worst s':>8} {'median s':>9} {'baseline s':>10} "
              f"{'ratio':>6} {'healthz max s':>13}  statuses")
        for name, call in _endpoints(base, token).items():
            with httpx.Client(base_url=base, timeout=120,
                              event_hooks={"request": [_new_address]}) as client:
                started = time.perf_counter()
                call(client, ORDINARY)
                baseline = time.perf_counter() - started
                health: list[float] = []
                stop = threading.Event()

                def probe(health: list[float] = health, stop: threading.Event = stop) -> None:
                    with httpx.Client(base_url=base, timeout=120) as other:
                        while not stop.is_set():
                            t0 = time.perf_counter()
                            other.get("/healthz")
                            health.append(time.perf_counter() - t0)
                            time.sleep(0.05)

                prober = threading.Thread(target=probe, daemon=True)
                prober.start()
                times, statuses = [], set()
                for text in inputs.values():
                    t0 = time.perf_counter()
                    response = call(client, text)
                    times.append(time.perf_counter() - t0)
                    statuses.add(response.status_code)
                    if response.status_code >= 500 or "Traceback" in response.text:
                        print(f"  !! {name}: {response.status_code}")
                stop.set()
                prober.join()
            worst = max(times)
            print(f"{name:<44} {worst:>8.3f} {statistics.median(times):>9.3f} "
                  f"{baseline:>10.3f} {worst / baseline:>6.1f} {max(health or [0]):>13.3f}  "
                  f"{sorted(statuses)}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
