"""Screening assessment latency against a large watchlist and a large screening history.

Fills a private SQLite database with N watchlist entries and N earlier screenings (synthetic
people from waspada.demo.synthetic), then times the whole assessment path an officer triggers
(`screening.evidence.build_screening`, which `service.start` runs before its audit entry and
commit: document checks, watchlist search, earlier-screening search and lookup, offer analysis,
assessment, insert) for Q new travellers, a share of whom are variants of
people already screened. Prints index build times, memory, and p50/p95/p99 latency.

    .venv/bin/python bench/screening.py [--n 1000000] [--queries 300]
Target (issue): p95 <= 50 ms with N = 1,000,000.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORKDIR = Path(tempfile.mkdtemp(prefix="waspada-bench-screening-"))
os.environ["WASPADA_DATA_DIR"] = str(WORKDIR)
os.environ.setdefault("WASPADA_LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, select  # noqa: E402

from waspada.demo import loader as demo_loader  # noqa: E402
from waspada.demo.synthetic import make_person  # noqa: E402
from waspada.matching import store as matching_store  # noqa: E402
from waspada.platform.db import session_scope  # noqa: E402
from waspada.platform.migrate import upgrade  # noqa: E402
from waspada.platform.security.auth import principal_for  # noqa: E402
from waspada.platform.security.models import User  # noqa: E402
from waspada.screening import evidence, persons  # noqa: E402
from waspada.screening.schemas import ScreeningIn  # noqa: E402
from waspada.screening.store import Screening, ScreeningPerson  # noqa: E402

CHUNK = 20_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(n: int, seed: int) -> list:
    rng = random.Random(seed)
    people = []
    with session_scope() as session:
        officer = session.scalar(select(User).where(User.username == "petugas.tpi"))
        unit_id, officer_id = officer.unit_id, officer.id
    started = time.perf_counter()
    base_time = datetime.now(UTC) - timedelta(days=400)
    for start in range(0, n, CHUNK):
        batch = [make_person(rng, start + i + 1) for i in range(min(CHUNK, n - start))]
        people.extend(batch[:50])
        watch = [{"record_id": f"W{p.record_id}", "full_name": p.full_name,
                  "birth_date": p.birth_date, "sex": p.sex, "nik": p.nik,
                  "passport_no": p.passport_no, "list_kind": rng.choice(
                      ("pencegahan", "recruiter", "victim", "postponed", "other")),
                  "reason": "synthetic", "source": "bench", "active": True,
                  "created_by": "bench", "created_at": base_time, "changed_at": base_time}
                 for p in batch]
        persons = [{"id": start + i + 1, "full_name": p.full_name, "birth_date": p.birth_date,
                    "sex": p.sex, "nik": p.nik, "passport_no": p.passport_no,
                    "created_at": base_time, "is_synthetic": True}
                   for i, p in enumerate(batch)]
        screenings = [{"record_no": f"BENCH/{start + i + 1:08d}", "kind": "departure",
                       "unit_id": unit_id, "officer_id": officer_id, "person_id": start + i + 1,
                       "status": "decided", "created_at": base_time + timedelta(seconds=i),
                       "updated_at": base_time, "full_name": p.full_name,
                       "birth_date": p.birth_date, "sex": p.sex, "nik": p.nik,
                       "passport_no": p.passport_no, "destination_country": "MYS",
                       "level": "low", "recommended_action": "allow", "final_action": "allow",
                       "mrz": "", "facts_json": "{}", "answers_json": "{}", "offer_text": "",
                       "offer_json": "null", "documents_json": "[]", "watchlist_json": "[]",
                       "prior_json": "[]", "assessment_json": "{}", "notes": "",
                       "is_synthetic": True}
                      for i, p in enumerate(batch)]
        with session_scope() as session:
            session.execute(insert(matching_store.WatchlistEntry), watch)
            session.execute(insert(ScreeningPerson), persons)
            session.execute(insert(Screening), screenings)
        print(f"  inserted {start + len(batch):,} / {n:,} "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return people


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    upgrade()
    demo_loader.demo_loaders = lambda: []  # units and accounts only, no capability demo data
    demo_loader.load_demo()
    print(f"screening bench: N = {args.n:,} watchlist entries and earlier screenings; "
          f"database {WORKDIR}")
    t0 = time.perf_counter()
    seen = fill(args.n, args.seed)
    print(f"fill: {time.perf_counter() - t0:.1f} s")
    with session_scope() as session:
        t0 = time.perf_counter()
        matching_store.watchlist_index(session)
        print(f"watchlist index build: {time.perf_counter() - t0:.1f} s, "
              f"peak RSS {rss_mb():,.0f} MB")
        t0 = time.perf_counter()
        persons.PERSONS.sync(session)
        print(f"earlier-screening index build: {time.perf_counter() - t0:.1f} s, "
              f"peak RSS {rss_mb():,.0f} MB")
        principal = principal_for(session.scalar(select(User).where(
            User.username == "petugas.tpi")))
    rng = random.Random(args.seed + 1)
    latencies = []
    repeat_found = repeats = 0
    for q in range(args.queries):
        if q % 3 == 0:  # a person screened before comes back, name typed differently
            p = rng.choice(seen)
            name = p.full_name.replace("u", "oe", 1) if "u" in p.full_name else p.full_name
            data = ScreeningIn(full_name=name, birth_date=p.birth_date, sex=p.sex,
                               destination_country="KHM", ticket="one_way")
            repeats += 1
        else:
            p = make_person(rng, 10_000_000 + q)
            data = ScreeningIn(full_name=p.full_name, nik=p.nik, passport_no=p.passport_no,
                               birth_date=p.birth_date, sex=p.sex, destination_country="THA",
                               ticket="return", answers={"purpose": "tourism"})
        with session_scope() as session:
            started = time.perf_counter()
            screening = evidence.build_screening(session, principal, data)
            latencies.append((time.perf_counter() - started) * 1000)
            if q % 3 == 0 and screening.load("prior"):
                repeat_found += 1
            session.rollback()
    latencies.sort()
    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]
    print(f"assessment latency over {args.queries} screenings: p50 {pct(0.5):.1f} ms, "
          f"p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms, mean "
          f"{statistics.mean(latencies):.1f} ms (target p95 <= 50 ms)")
    print(f"returning travellers whose earlier screening was found: {repeat_found}/{repeats}")
    print(f"peak RSS {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
