"""Benchmark of the network capability: build from 1M synthetic links, lookups, updates.

A private SQLite database (a temporary data dir; or ``--pg-url``), migrated, then:

1. **build**: ``--links`` links (default 1,000,000) written through the production path
   (``network.graph.replace_links`` with an ``EntityCache``: normalisation, entity upsert,
   bulk link insert), four links per synthetic offer report: a WhatsApp number, a second
   number or a Telegram handle, a domain and an agency, each drawn from a Zipf-like pool so
   that some values are shared by thousands of posts (hubs) and most by a few. Time, rate and
   the process's peak resident memory.
2. **lookup**: ``--lookups`` lookups at depth 2 of random values seen in the data, as an
   analyst (visibility filter, merge groups, bounded expansion, communities and brokers) through
   ``network.service.subgraph``; p50 / p95 / max in milliseconds (target p95 <= 50 ms).
3. **incremental update**: ``--updates`` new offer reports stored and linked through
   ``network.service.source_changed`` (the hook the offers service calls): the offer text goes
   through the same extraction as production; ms per record (the text analysis the offer
   service itself does is not counted).

    .venv/bin/python bench/network.py [--links 1000000] [--lookups 300] [--updates 200]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINKS_PER_RECORD = 4


def _zipf_index(rng: random.Random, size: int, skew: float = 2.0) -> int:
    """An index in [0, size) with a heavy head: a few values very common, most rare."""
    u = rng.random()
    return min(size - 1, int(size * u ** skew))


def _phone(i: int) -> str:
    return f"0813{10_000_000 + i * 37 % 89_999_999:08d}"


def _records(n: int, seed: int, start: int, total: int) -> list[dict]:  # type: ignore[type-arg]  # bench only: plain dicts
    """``n`` records of the ``total``; value pools scale with ``total``."""
    rng = random.Random(seed)
    phones, handles, domains, agencies = max(50, total * 3 // 5), max(20, total // 4), \
        max(10, total // 10), max(10, total // 25)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for k in range(n):
        fields = [{"kind": "phone", "value": _phone(_zipf_index(rng, phones)), "role": "offer"}]
        if rng.random() < 0.5:
            fields.append({"kind": "phone", "value": _phone(phones + _zipf_index(rng, phones)),
                           "role": "offer"})
        else:
            fields.append({"kind": "text", "value": f"t.me/rekrut{_zipf_index(rng, handles)}",
                           "role": "offer"})
        fields.append({"kind": "email", "value": f"hr@kerja{_zipf_index(rng, domains)}.com",
                       "role": "offer"})
        fields.append({"kind": "agency", "value": f"PT Agen Maju {_zipf_index(rng, agencies)}",
                       "role": "offer"})
        out.append({"source_id": start + k, "unit_id": None,
                    "seen_at": base + timedelta(minutes=k), "fields": fields})
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--db", type=Path, default=None,
                        help="SQLite file to keep and reuse: the build is skipped when it "
                             "already holds the links")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="waspada-network-bench-"))
    os.environ["WASPADA_DATA_DIR"] = str(tmp)
    if args.pg_url:
        os.environ["WASPADA_DATABASE_URL"] = args.pg_url
    elif args.db:
        os.environ["WASPADA_DATABASE_URL"] = f"sqlite:///{args.db.resolve()}"
    else:
        os.environ.pop("WASPADA_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))

    from sqlalchemy import func, select

    from waspada.network.store import Link
    from waspada.platform.db import session_scope
    from waspada.platform.migrate import upgrade

    upgrade()
    records = args.links // LINKS_PER_RECORD
    rss_before = _peak_mb()
    started = time.perf_counter()
    with session_scope() as db:
        existing = db.scalar(select(func.count(Link.id))) or 0
    if existing:
        print(f"build: skipped, the database already holds {existing:,} links")
    else:
        _build(args, records, rss_before, started)
    if not args.build_only:
        _measure(args)


def _build(args: argparse.Namespace, records: int, rss_before: float, started: float) -> None:
    from sqlalchemy import func, select

    from waspada.network import graph
    from waspada.network.store import Entity, Link
    from waspada.platform.db import session_scope

    with session_scope() as db:
        cache = graph.EntityCache(db)
        for first in range(0, records, args.batch):
            batch = _records(min(args.batch, records - first), seed=first, start=first + 1,
                             total=records)
            graph.replace_links(db, "offer_report", batch, cache, fresh=True)
        db.commit()
        built = time.perf_counter() - started
        links = db.scalar(select(func.count(Link.id))) or 0
        entities = db.scalar(select(func.count(Entity.id))) or 0
        biggest = db.execute(select(Link.entity_id, func.count()).group_by(Link.entity_id)
                             .order_by(func.count().desc()).limit(1)).one()
    print(f"build: {links:,} links, {entities:,} entities from {records:,} records in "
          f"{built:.1f} s ({links / built:,.0f} links/s); peak RSS {_peak_mb():.0f} MB "
          f"(before build {rss_before:.0f} MB); largest entity has {biggest[1]:,} links")


def _measure(args: argparse.Namespace) -> None:
    from sqlalchemy import select

    from waspada.network import graph, service
    from waspada.network.store import Entity
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import Principal
    from waspada.platform.security.roles import Role

    analyst = Principal(user_id=None, username="bench", role=Role.ANALYST, unit_id=None)
    rng = random.Random(7)
    with session_scope() as db:
        values = [f"#{i}" for (i,) in db.execute(select(Entity.id).where(
            Entity.kind.in_(("phone", "telegram", "agency"))).order_by(Entity.id))]
        picked = [rng.choice(values) for _ in range(args.lookups)]
        api = graph.DEFAULT_BOUNDS
        cases = (
            (f"API defaults ({api.nodes} entities / {api.links} links), service.lookup with "
             "its audit entry", api, False, True),
            ("API defaults with communities and brokers", api, True, True),
            (f"page bounds ({graph.MAX_NODES} entities / {graph.MAX_LINKS} links)",
             graph.MAX_BOUNDS, False, False),
            ("page bounds with communities and brokers", graph.MAX_BOUNDS, True, False),
        )
        for what, bounds, communities, audited in cases:
            timings = []
            cpu = []
            sizes = []
            cut = 0
            for value in picked:
                t, c = time.perf_counter(), time.process_time()
                if audited:
                    found = service.lookup(db, analyst, value, 2, communities=communities,
                                           bounds=bounds)
                else:
                    found = service.subgraph(db, analyst, value, 2, communities=communities,
                                             bounds=bounds)
                timings.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                sizes.append(len(found["neighbours"]))
                cut += found["truncated"]
            p95 = _p95(timings)
            print(f"lookup depth 2, {what} ({args.lookups} random values, analyst): p50 "
                  f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max "
                  f"{max(timings):.1f} ms (this process's CPU: p50 "
                  f"{statistics.median(cpu):.1f} ms, p95 {_p95(cpu):.1f} ms); neighbours "
                  f"median {statistics.median(sizes):.0f}, max {max(sizes)}, cut at the bounds "
                  f"{cut}/{len(picked)} ({'meets' if p95 <= 50 else 'MISSES'} the 50 ms "
                  f"target; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")

    from waspada.offers.store import OfferReport

    texts = [f"Loker admin Kamboja gaji 12 juta, WA {_phone(rng.randrange(10_000))} atau "
             f"t.me/rekrut{rng.randrange(5_000)}, daftar di kerja{rng.randrange(1_000)}.com"
             for _ in range(args.updates)]
    with session_scope() as db:
        t, c = time.perf_counter(), time.process_time()
        for text in texts:
            report = OfferReport(text=text, level="high")
            db.add(report)
            db.flush()
            service.source_changed(db, "offer_report", report.id)
        db.commit()
        per = (time.perf_counter() - t) * 1000 / max(1, args.updates)
        per_cpu = (time.process_time() - c) * 1000 / max(1, args.updates)
    print(f"incremental update: {per:.1f} ms per new offer report, this process's CPU "
          f"{per_cpu:.1f} ms (store + extract + link, {args.updates} reports; load average "
          f"{os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
