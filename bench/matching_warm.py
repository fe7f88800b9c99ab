"""Warm start of the matching indexes (watchlist, earlier screenings) at national scale.

Fills a private SQLite database with N synthetic watchlist entries and N earlier screenings
(the filler of bench/screening.py), then runs each phase in a fresh process, as a restarted
server would:

* ``cold``: no snapshot: build both indexes from the database (what every restart cost before
  snapshots), write their snapshots, answer the first screening, and keep the results of a
  fixed set of queries;
* ``warm``: a restart with the snapshots: load both, answer the first screening (the whole
  assessment path an officer triggers), and check the same queries give identical results;
* ``stale``: ``--changes`` new watchlist entries and screened travellers are added after the
  snapshots were written, then a restart loads the snapshots and catches up from their
  watermarks.

Each phase prints its times and the process's peak RSS. The machine may be shared: the figures
are upper bounds.

    .venv/bin/python bench/matching_warm.py [--n 1000000] [--changes 2000]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = 200


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup(workdir: Path) -> None:
    os.environ["WASPADA_DATA_DIR"] = str(workdir)
    os.environ.setdefault("WASPADA_LOG_LEVEL", "WARNING")
    logging.basicConfig(level=logging.INFO, format="  %(name)s: %(message)s")


def _queries(n: int) -> list:
    from waspada.demo.synthetic import make_person
    from waspada.matching.records import PersonRecord

    rng = random.Random(11)
    out = []
    for q in range(QUERIES):
        p = make_person(random.Random(5 * 1_000_003 + rng.randrange(n)), q)
        name = p.full_name.replace("u", "oe", 1) if q % 2 else p.full_name
        out.append(PersonRecord(record_id="q", full_name=name, birth_date=p.birth_date,
                                sex=p.sex))
    return out


def _results(index, queries) -> list:  # type: ignore[no-untyped-def]
    return [[[m.record_id, round(m.score, 12), m.explanation] for m in index.search(q, top=5)]
            for q in queries]


def _first_screening() -> float:
    """Milliseconds of one whole assessment (watchlist + earlier screenings + the rest)."""
    from sqlalchemy import select

    from waspada.demo.synthetic import make_person
    from waspada.platform.db import session_scope
    from waspada.platform.security.auth import principal_for
    from waspada.platform.security.models import User
    from waspada.screening import evidence
    from waspada.screening.schemas import ScreeningIn

    p = make_person(random.Random(99), 12_345_678)
    with session_scope() as session:
        principal = principal_for(session.scalar(select(User).where(
            User.username == "petugas.tpi")))
        data = ScreeningIn(full_name=p.full_name, birth_date=p.birth_date, sex=p.sex,
                           destination_country="KHM", ticket="one_way")
        started = time.perf_counter()
        evidence.build_screening(session, principal, data)
        elapsed = (time.perf_counter() - started) * 1000
        session.rollback()
    return elapsed


def phase(name: str, workdir: Path, n: int, changes: int) -> dict:
    _setup(workdir)
    from waspada.matching import store, warmstart
    from waspada.platform.db import session_scope
    from waspada.screening import persons

    out: dict = {"phase": name}
    if name == "cold":
        for snap in ("watchlist", "persons"):
            warmstart.path_of(snap).unlink(missing_ok=True)
    if name == "stale":
        out["added"] = _add_changes(n, changes)
    restart = time.perf_counter()
    with session_scope() as db:
        t0 = time.perf_counter()
        index = store.watchlist_index(db)
        out["watchlist_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        persons.PERSONS.sync(db)
        out["persons_s"] = time.perf_counter() - t0
    out["first_screening_ms"] = _first_screening()
    out["restart_to_first_answer_s"] = time.perf_counter() - restart
    out["entries"] = [len(index), len(persons.PERSONS.index or ())]
    if name == "cold":
        t0 = time.perf_counter()
        warmstart.wait()
        out["snapshot_write_wait_s"] = time.perf_counter() - t0
        out["snapshot_mb"] = [warmstart.path_of(s).stat().st_size / 1e6
                              for s in ("watchlist", "persons")]
    if name in ("cold", "warm"):
        t0 = time.perf_counter()
        results = _results(index, _queries(n))
        out["queries_s"] = time.perf_counter() - t0
        ref = workdir / "cold-results.json"
        if name == "cold":
            ref.write_text(json.dumps(results))
        else:
            out["identical_to_cold"] = json.loads(ref.read_text()) == results
    out["peak_rss_mb"] = rss_mb()
    return out


def _add_changes(n: int, k: int) -> int:
    """``k`` new watchlist entries and screened travellers, after the snapshots."""
    from sqlalchemy import insert

    from waspada.demo.synthetic import make_person
    from waspada.matching.store import WatchlistEntry
    from waspada.platform.db import session_scope
    from waspada.screening.store import ScreeningPerson

    rng = random.Random(77)
    now = datetime.now(UTC)
    batch = [make_person(rng, 20_000_000 + i) for i in range(k)]
    with session_scope() as db:
        db.execute(insert(WatchlistEntry), [
            {"record_id": f"WNEW{i}", "full_name": p.full_name, "birth_date": p.birth_date,
             "sex": p.sex, "nik": p.nik, "passport_no": p.passport_no, "list_kind": "recruiter",
             "reason": "synthetic", "source": "bench", "active": True, "created_by": "bench",
             "created_at": now, "changed_at": now} for i, p in enumerate(batch)])
        db.execute(insert(ScreeningPerson), [
            {"id": n + 1 + i, "full_name": p.full_name, "birth_date": p.birth_date,
             "sex": p.sex, "nik": p.nik, "passport_no": p.passport_no, "created_at": now,
             "is_synthetic": True} for i, p in enumerate(batch)])
    return k


def fill(workdir: Path, n: int) -> None:
    _setup(workdir)
    sys.path.insert(0, str(HERE))
    import screening as screening_bench  # bench/screening.py (sets its own data dir)
    from waspada.demo import loader as demo_loader
    from waspada.platform.migrate import upgrade
    from waspada.platform.settings import get_settings

    os.rmdir(screening_bench.WORKDIR)
    _setup(workdir)
    get_settings.cache_clear()
    upgrade()
    demo_loader.demo_loaders = lambda: []
    demo_loader.load_demo()
    screening_bench.fill(n, 5)


def _run(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True,
                          check=False)
    if proc.returncode:
        raise SystemExit(f"phase {args} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=2_000)
    parser.add_argument("--phase", choices=("fill", "cold", "warm", "stale"))
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "fill":
            fill(args.workdir, args.n)
            print(json.dumps({"phase": "fill"}))
        else:
            print(json.dumps(phase(args.phase, args.workdir, args.n, args.changes)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="waspada-bench-warm-"))
    common = ["--n", str(args.n), "--changes", str(args.changes), "--workdir", str(workdir)]
    print(f"warm-start bench: N = {args.n:,} watchlist entries and earlier screenings; "
          f"data {workdir}", flush=True)
    t0 = time.perf_counter()
    _run(["--phase", "fill", *common])
    print(f"fill: {time.perf_counter() - t0:.0f} s", flush=True)
    for name in ("cold", "warm", "stale"):
        r = _run(["--phase", name, *common])
        print(json.dumps(r), flush=True)
        line = (f"{name:5}: watchlist index {r['watchlist_s']:.1f} s, earlier-screening index "
                f"{r['persons_s']:.1f} s, first screening {r['first_screening_ms']:.0f} ms, "
                f"restart to first answer {r['restart_to_first_answer_s']:.1f} s, "
                f"peak RSS {r['peak_rss_mb']:,.0f} MB")
        if name == "cold":
            line += (f"; snapshots {r['snapshot_mb'][0]:.0f} + {r['snapshot_mb'][1]:.0f} MB, "
                     f"write finished {r['snapshot_write_wait_s']:.1f} s after")
        if name == "warm":
            line += f"; {QUERIES} queries identical to the cold index: {r['identical_to_cold']}"
        if name == "stale":
            line += f" (with {r['added']:,} new entries and travellers caught up)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
