"""Benchmark of the case list and case page with 100,000 cases, on SQLite and PostgreSQL.

For each backend: a private database (a SQLite file in a temporary data dir; a private
PostgreSQL database, recreated), migrations, the demo accounts, 100,000 synthetic cases bulk
inserted (a victim, a reporter and a history step each; 90% owned by KBRI Phnom Penh, the rest
spread over other units), then the real server (uvicorn subprocess on 127.0.0.1) and 20
concurrent clients signed in as the KBRI protection officer, who sees 90,000 of them. Each
client alternates between the case list page (``/cases``, newest first, 50 rows, sometimes
filtered) and a random case page (``/cases/{id}``); every view is audited as in production.
Two phases per backend: closed loop (each client sends its next request as soon as the last
answer arrives: the worst case, throughput-bound) and officers' pace (a random pause, mean
``--think-ms``, between a client's requests). Prints p50/p95/max per page, phase and backend.
Loopback only; bounded in requests and time.

    .venv/bin/python bench/cases.py [--cases 100000] [--clients 20] [--requests 30]
                                    [--pg-url postgresql+psycopg://waspada:waspada@127.0.0.1:5432/cases_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PG_DEFAULT = "postgresql+psycopg://waspada:waspada@127.0.0.1:5432/cases_bench"
STATES = ["reported", "verified", "located", "exited", "in_shelter", "citizenship_verified",
          "splp_issued", "repatriated", "handed_over", "reintegration", "closed",
          "not_a_victim", "lost_contact"]
DESTS = ["KH", "KH", "KH", "KH", "MM", "LA", "TH", "PH", "MY"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-c", "from waspada.cli import main; main()", *args],
                   env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


def seed(url: str, count: int) -> tuple[float, int]:
    """Bulk insert ``count`` synthetic cases; return (seconds taken, first case id)."""
    from sqlalchemy import func, insert, select

    from waspada.cases.models import Case, CaseTransition, CaseUnitAccess, Person
    from waspada.demo.synthetic import generate_people
    from waspada.platform.db import make_engine
    from waspada.platform.security.models import Unit
    from waspada.platform.security.users import unit_code

    started = time.perf_counter()
    engine = make_engine(url)
    rng = random.Random(2026)
    people = generate_people(2000, seed=5)
    with engine.begin() as conn:
        units = dict(conn.execute(select(Unit.code, Unit.id)).all())
        first = (conn.scalar(select(func.max(Case.id))) or 0) + 1
    kbri = units[unit_code("KBRI Phnom Penh")]
    others = [u for code, u in units.items() if u != kbri]
    base = datetime(2024, 1, 1, tzinfo=UTC)
    batch = 5000
    for start in range(first, first + count, batch):
        cases, access, persons, steps = [], [], [], []
        for i in range(start, min(start + batch, first + count)):
            reported = base + timedelta(minutes=i * 9)
            status = rng.choice(STATES)
            unit = kbri if rng.random() < 0.9 else rng.choice(others)
            last = reported + timedelta(days=rng.randint(0, 30))
            terminal = status in ("closed", "not_a_victim")
            cases.append({
                "id": i, "reference": f"WSP-B-{i:07d}", "status": status,
                "owner_unit_id": unit, "source": rng.choice(["officer", "public", "ngo"]),
                "destination_country": rng.choice(DESTS), "destination_city": "Sihanoukville",
                "exploitation_type": rng.choice(["ForcedCriminality", "ForcedCriminality",
                                                 "ForcedLabour"]),
                "compound_type": "OnlineScam", "summary": "Sintetis (benchmark).",
                "reported_at": reported, "state_entered_at": last, "last_update_at": last,
                "due_at": None if terminal else last + timedelta(days=7),
                "closed_at": last if terminal else None, "is_synthetic": True,
                "trafficking_status": "PossibleVictimOfTrafficking"})
            access.append({"unit_id": unit, "case_id": i, "kind": "owner"})
            person = people[i % len(people)]
            persons.append({"case_id": i, "role": "victim", "full_name": person.full_name,
                            "birth_date": person.birth_date, "citizenship": "ID",
                            "identity_number": person.nik, "mobile_phone": person.phone,
                            "gender": "Feminine" if person.sex == "F" else "Masculine",
                            "anonymised": False, "created_at": reported})
            persons.append({"case_id": i, "role": "reporter", "full_name": "Keluarga " + str(i),
                            "birth_date": None, "citizenship": None, "identity_number": None,
                            "mobile_phone": "+628120000000", "gender": None,
                            "anonymised": False, "created_at": reported})
            steps.append({"case_id": i, "transition": "create", "from_status": None,
                          "to_status": "reported", "actor": "bench", "values_json": "{}",
                          "at": reported})
        with engine.begin() as conn:
            conn.execute(insert(Case), cases)
            conn.execute(insert(CaseUnitAccess), access)
            conn.execute(insert(Person), persons)
            conn.execute(insert(CaseTransition), steps)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            from sqlalchemy import text

            conn.execute(text("SELECT setval(pg_get_serial_sequence('case_cases', 'id'), "
                              "(SELECT max(id) FROM case_cases))"))
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            from sqlalchemy import text

            conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started, first


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "waspada.platform.web:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("server did not start: " + process.stderr.read().decode()[-2000:])


def run_load(base: str, cookies: dict[str, str], first: int, count: int, clients: int,
             requests: int, budget: float, think_ms: float = 0.0) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"list": [], "page": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + budget

    def worker(seed_: int) -> None:
        rng = random.Random(seed_)
        if think_ms:  # officers do not all click at the same instant
            time.sleep(rng.uniform(0, think_ms) / 1000)
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
            for n in range(requests):
                if time.monotonic() > stop_at:
                    return
                if n % 2 == 0:
                    kind = "list"
                    params = rng.choice([{}, {}, {"status": "reported"}, {"destination": "MM"},
                                         {"page": str(rng.randint(2, 20))}, {"overdue": "1"}])
                    url = "/cases"
                else:
                    kind, params = "page", {}
                    url = f"/cases/{rng.randint(first, first + count - 1)}"
                t0 = time.perf_counter()
                try:
                    response = client.get(url, params=params)
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{url} {type(exc).__name__}")
                    continue
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    if response.status_code in (200, 404):
                        times[kind].append(elapsed)
                    else:
                        errors.append(f"{url} {response.status_code}")
                if think_ms:
                    time.sleep(rng.expovariate(1 / think_ms) / 1000)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}")
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_backend(name: str, url: str | None, args: argparse.Namespace) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"waspada-bench-cases-{name}-"))
    env = dict(os.environ, WASPADA_DATA_DIR=str(data_dir), WASPADA_LOG_LEVEL="WARNING",
               WASPADA_ARGON2_TIME_COST="1", WASPADA_ARGON2_MEMORY_KIB="8192")
    if url:
        env["WASPADA_DATABASE_URL"] = url
    else:
        env.pop("WASPADA_DATABASE_URL", None)
        url = f"sqlite:///{(data_dir / 'waspada.sqlite3').resolve()}"
    _cli(env, "db", "upgrade")
    _cli(env, "demo", "load")
    seconds, first = seed(url, args.cases)
    print(f"[{name}] seeded {args.cases} cases in {seconds:.1f} s")
    port = _free_port()
    process = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        from waspada.demo.synthetic import demo_password

        login = httpx.post(base + "/api/v1/auth/login", json={
            "username": "pelindungan", "password": demo_password("pelindungan")}, timeout=30)
        login.raise_for_status()
        cookies = dict(login.cookies)
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as warm:
            for i in range(10):
                warm.get("/cases")
                warm.get(f"/cases/{first + i}")
        result: dict[str, object] = {"backend": name, "cases": args.cases,
                                     "clients": args.clients}
        for mode, think in (("closed-loop", 0.0), (f"think-{args.think_ms:g}ms", args.think_ms)):
            if mode != "closed-loop" and not think:
                continue
            started = time.perf_counter()
            times = run_load(base, cookies, first, args.cases, args.clients, args.requests,
                             args.budget, think)
            wall = time.perf_counter() - started
            result[mode] = _summary(name, mode, times, wall)
    finally:
        process.terminate()
        process.wait(timeout=15)
    return result


def _summary(name: str, mode: str, times: dict[str, list[float]], wall: float
             ) -> dict[str, object]:
    out: dict[str, object] = {"wall_s": round(wall, 1)}
    for kind, label in (("list", "case list"), ("page", "case page")):
        values = times[kind]
        if not values:
            continue
        out[kind] = {"n": len(values), "p50_ms": round(statistics.median(values), 1),
                     "p95_ms": round(pct(values, 0.95), 1), "max_ms": round(max(values), 1)}
        print(f"[{name} {mode}] {label:9s} n={len(values):4d}  p50 "
              f"{statistics.median(values):7.1f} ms  p95 {pct(values, 0.95):7.1f} ms  max "
              f"{max(values):7.1f} ms")
    total = sum(len(v) for v in times.values())
    print(f"[{name} {mode}] {total} requests in {wall:.1f} s ({total / wall:.0f} req/s)")
    return out


def _recreate_pg(url: str) -> bool:
    name = url.rsplit("/", 1)[-1]
    try:
        subprocess.run(["su", "postgres", "-c", f"dropdb --if-exists {name} && "
                        f"createdb -O waspada {name}"], check=True, capture_output=True)
        return True
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"[postgresql] cannot recreate database {name}: {exc}; skipped")
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="per client")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per backend")
    parser.add_argument("--think-ms", type=float, default=1000.0,
                        help="second phase: mean pause between a client's requests (0: skip)")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    results = []
    if not args.skip_sqlite:
        results.append(bench_backend("sqlite", None, args))
    if not args.skip_pg and _recreate_pg(args.pg_url):
        results.append(bench_backend("postgresql", args.pg_url, args))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
