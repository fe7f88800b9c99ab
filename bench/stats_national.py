"""Statistics dashboards at national scale: load synthetic sources with COPY, build the
pre-aggregated tables, time every dashboard query (p50/p95) and the incremental refresh.

    python bench/stats_national.py --database-url postgresql+psycopg://USER@HOST:PORT/DB \
        [--scale 1.0] [--runs 20]

Scale 1.0 = 10 M screenings, 100 k cases (one victim and up to three stage transitions
each), 1 M offer reports, over 36 months and 125 units (referrals are not loaded). The
database must be empty (it is migrated here). Run by ``bench/stats.py --national URL``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

DESTS = np.array(["MYS", "SGP", "SAU", "KHM", "THA", "JPN", "KOR", "MMR", "LAO", "PHL"])
CASE_DESTS = np.array(["KH", "MM", "LA", "PH", "TH", "VN", "MY"])
MONTHS = 36
UNITS = 125


def _copy(conn: Any, table: str, columns: list[str], lines: list[str]) -> None:
    buf = "\n".join(lines) + "\n"
    with conn.cursor() as cur, cur.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buf)


def _times(rng: np.random.Generator, n: int, now: datetime) -> np.ndarray:
    span = MONTHS * 30 * 86400
    return np.sort(rng.integers(0, span, n)) - span  # seconds before now, ascending


def _ts(now: datetime, secs: np.ndarray) -> list[str]:
    base = now.timestamp()
    return [datetime.fromtimestamp(base + int(s), UTC).isoformat() for s in secs]


@contextmanager
def _bare(conn: Any, table: str) -> Iterator[None]:
    """Load ``table`` without its secondary indexes, unique and foreign-key constraints;
    they are created again (in one pass each) after the load."""
    with conn.cursor() as cur:
        indexes = cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND "
            "NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            (table,)).fetchall()
        constraints = cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')", (table,)).fetchall()
        for name, _ in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
    conn.commit()
    yield
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        for _, ddl in indexes:
            cur.execute(ddl)
        for name, ddl in constraints:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}')
        cur.execute(f"ANALYZE {table}")
    conn.commit()
    print(f"  {table}: {len(indexes)} indexes and {len(constraints)} constraints built in "
          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)


SCREENING_SQL = """
INSERT INTO screenings (record_no, kind, unit_id, person_id, status, created_at, updated_at,
    full_name, nik, mrz, destination_country, facts_json, answers_json, offer_text, offer_json,
    documents_json, watchlist_json, prior_json, assessment_json, level, recommended_action,
    final_action, notes, is_synthetic)
SELECT 'B' || lpad(g::text, 9, '0'), 'departure', u, %(person)s, 'decided', ts, ts, 'bench',
       p || '99' || lpad((floor(random() * 1e10))::bigint::text, 10, '0'), '', d, '{}', '{}',
       '', 'null', '[]', '[]', CASE WHEN random() < 0.05 THEN '[{}]' ELSE '[]' END, '{}', lv,
       fa, fa, '', true
FROM (SELECT g, ts, u, p, d, lv,
             CASE WHEN lv = 'low' THEN 'allow'
                  WHEN random() < 0.67 THEN 'postpone' ELSE 'refer_kp2mi' END AS fa
      FROM (SELECT g,
                   %(start)s::timestamptz + make_interval(secs => g * %(step)s::float8) AS ts,
                   (%(units)s::int[])[1 + floor(random() * %(n_units)s)::int] AS u,
                   (%(prefixes)s::text[])[1 + floor(random() * %(n_prefixes)s)::int] AS p,
                   (%(dests)s::text[])[1 + floor(random() * %(n_dests)s)::int] AS d,
                   CASE WHEN r < 0.8 THEN 'low' WHEN r < 0.94 THEN 'medium' ELSE 'high' END
                       AS lv
            FROM (SELECT g, random() AS r FROM generate_series(%(lo)s, %(hi)s) AS g) AS x
           ) AS y) AS z
"""


def load(url: str, scale: float, seed: int) -> dict[str, float]:
    """Synthetic sources. Screenings and offer reports are generated on the server
    (``INSERT ... SELECT generate_series``, 1 M rows a statement) into tables stripped of
    their secondary indexes and constraints, which are built once after the load; cases and
    their persons and transitions are sent with ``COPY``."""
    import psycopg

    from waspada.identity.nik import province_codes, region_names
    from waspada.platform.db import session_scope
    from waspada.platform.security.models import Unit
    from waspada.screening.store import ScreeningPerson

    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    with session_scope() as db:
        for i in range(UNITS):
            db.add(Unit(code=f"BENCH-{i:03d}", name=f"Unit bench {i}",
                        kind="checkpoint" if i % 5 else "immigration_office",
                        is_synthetic=True))
        db.add(ScreeningPerson(full_name="bench", is_synthetic=True))
        db.commit()
        unit_ids = [int(u.id) for u in db.query(Unit).filter(Unit.code.like("BENCH-%"))]
        person = db.query(ScreeningPerson.id).filter_by(full_name="bench").scalar()
    prefixes = np.array([f"{p}{i:02d}" for p in province_codes() for i in range(1, 80)
                         if region_names(f"{p}{i:02d}")[1]])
    weights = rng.pareto(1.2, len(prefixes)) + 0.05
    weights /= weights.sum()
    pool = [str(x) for x in rng.choice(prefixes, 10_000, p=weights)]  # weighted draw table
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    timings: dict[str, float] = {}
    n_s = int(10_000_000 * scale)
    chunk = 1_000_000
    span = MONTHS * 30 * 86400
    start = time.perf_counter()
    with psycopg.connect(raw, autocommit=False) as conn:
        with _bare(conn, "screenings"):
            for lo in range(0, n_s, chunk):
                hi = min(n_s, lo + chunk) - 1
                with conn.cursor() as cur:
                    cur.execute("SET LOCAL synchronous_commit = off")
                    cur.execute(SCREENING_SQL, {
                        "person": person, "start": now - timedelta(seconds=span),
                        "step": span / max(1, n_s), "units": unit_ids, "n_units": len(unit_ids),
                        "prefixes": pool, "n_prefixes": len(pool), "dests": list(DESTS),
                        "n_dests": len(DESTS), "lo": lo, "hi": hi})
                conn.commit()
                print(f"  screenings {hi + 1:,}/{n_s:,} ({time.perf_counter() - start:.0f} s)",
                      file=sys.stderr)
        timings["load screenings s"] = time.perf_counter() - start
        unit_arr = np.array(unit_ids)

        start = time.perf_counter()
        n_c = int(100_000 * scale)
        secs = _times(rng, n_c, now)
        ts = _ts(now, secs)
        unit = rng.choice(unit_arr, n_c)
        dest = rng.choice(CASE_DESTS, n_c)
        scam = rng.random(n_c) < 0.7
        _copy(conn, "case_cases", ["reference", "status", "owner_unit_id", "source",
                                   "destination_country", "exploitation_type", "summary",
                                   "reported_at", "state_entered_at", "last_update_at",
                                   "is_synthetic"],
              ["\t".join((f"BENCH-C{i:07d}", "closed", str(unit[i]), "officer", dest[i],
                          "ForcedCriminality" if scam[i] else "ForcedLabour", "", ts[i], ts[i],
                          ts[i], "t")) for i in range(n_c)])
        conn.commit()
        with conn.cursor() as cur:
            first = cur.execute("SELECT min(id) FROM case_cases WHERE reference LIKE "
                                "'BENCH-C%'").fetchone()[0]  # type: ignore[index]
        pref = rng.choice(prefixes, n_c, p=weights)
        serial = rng.integers(0, 10**10, n_c)
        nowiso = now.isoformat()
        _copy(conn, "case_persons", ["case_id", "role", "identity_number", "anonymised",
                                     "created_at"],
              [f"{first + i}\tvictim\t{pref[i]}99{serial[i]:010d}\tf\t{nowiso}"
               for i in range(n_c)])
        trans = []
        for i in range(n_c):
            at = secs[i]
            for status, (a, b) in (("located", (2, 30)), ("splp_issued", (3, 25)),
                                   ("repatriated", (5, 40))):
                at = at + int(rng.integers(a, b)) * 86400
                if at > 0 or serial[i] % 10 == 0:
                    break
                trans.append(f"{first + i}\tbench\t{status}\tbench\t{{}}\t"
                             f"{datetime.fromtimestamp(now.timestamp() + at, UTC).isoformat()}")
        _copy(conn, "case_transitions", ["case_id", "transition", "to_status", "actor",
                                         "values_json", "at"], trans)
        conn.commit()
        timings["load cases s"] = time.perf_counter() - start

        start = time.perf_counter()
        n_o = int(1_000_000 * scale)
        with _bare(conn, "offer_reports"), conn.cursor() as cur:
            cur.execute(
                "INSERT INTO offer_reports (created_at, text, where_seen, reporter_contact, "
                "score, level, status) SELECT %(start)s::timestamptz + "
                "make_interval(secs => g * %(step)s::float8), 'bench', '', '', 0, "
                "CASE WHEN r < 0.6 THEN 'low' WHEN r < 0.85 THEN 'medium' ELSE 'high' END, "
                "'new' FROM (SELECT g, random() AS r FROM generate_series(0, %(n)s) AS g) AS x",
                {"start": now - timedelta(seconds=span), "step": span / max(1, n_o),
                 "n": n_o - 1})
            conn.commit()
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
        conn.commit()
        timings["load offers s"] = time.perf_counter() - start
    return timings


def _measure(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    out.sort()
    return statistics.median(out), out[min(len(out) - 1, int(round(0.95 * (len(out) - 1))))]


def measure(runs: int) -> None:
    from sqlalchemy import select

    from waspada.platform.db import session_scope
    from waspada.platform.security.models import Unit
    from waspada.platform.security.policy import Principal
    from waspada.platform.security.roles import Role
    from waspada.statistics import refresh as refresher
    from waspada.statistics import service

    with session_scope() as db:
        t = time.perf_counter()
        result = refresher.refresh(db)
        db.commit()
        print(f"refresh (first build of the aggregates unless already built): "
              f"{time.perf_counter() - t:.1f} s ({result.periods})")
        t = time.perf_counter()
        service._precompute(db)
        print(f"alerts over all units and public tables computed and stored: "
              f"{time.perf_counter() - t:.1f} s")
        from sqlalchemy import func

        from waspada.statistics.store import StatCount, StatRegencyCount
        n_counts = db.scalar(select(func.count()).select_from(StatCount))
        n_regency = db.scalar(select(func.count()).select_from(StatRegencyCount))
        print(f"aggregate rows: stats_counts {n_counts:,}, stats_regency_counts {n_regency:,}")
        unit_id = db.scalar(select(Unit.id).where(Unit.code == "BENCH-001"))
    analyst = Principal(user_id=None, username="bench", role=Role.ANALYST, unit_id=None,
                        via="session")
    officer = Principal(user_id=None, username="bench", role=Role.CHECKPOINT_OFFICER,
                        unit_id=unit_id, via="session")
    service.REFRESH_EVERY_SECONDS = 3600.0  # the refresh is timed on its own below

    def cold(fn: Callable[[], object]) -> Callable[[], object]:
        """Without the in-process caches: the stored results are read."""
        def run() -> object:
            service._ALERT_CACHE.clear()
            service._PUBLIC_CACHE.clear()
            return fn()
        return run

    cases: list[tuple[str, Callable[[], object]]] = []
    with session_scope() as db:
        service.alerts(db, analyst)
        service.alerts(db, officer)
        cases = [
            ("officer page, analyst, month (alerts cached)",
             lambda: service.officer_view(db, analyst, "screenings", "month")),
            ("officer page, analyst, quarter",
             lambda: service.officer_view(db, analyst, "screenings_postponed", "quarter")),
            ("officer page, analyst, week",
             lambda: service.officer_view(db, analyst, "screenings", "week")),
            ("officer page, unit officer, month",
             lambda: service.officer_view(db, officer, "screenings", "month")),
            ("officer page, analyst, cases",
             lambda: service.officer_view(db, analyst, "cases_reported", "month")),
            ("alerts, in-process cache (API, home page)",
             lambda: service.alerts(db, analyst)),
            ("alerts, stored result (no in-process cache)",
             cold(lambda: service.alerts(db, analyst))),
            ("alerts, unit officer, stored result", cold(lambda: service.alerts(db, officer))),
            ("detector run, all units (at refresh, not cached)",
             lambda: service._scope_alerts(db, None, "month", 3, stored=False)),
            ("detector run, one unit (first read after a change)",
             lambda: service._scope_alerts(db, unit_id, "month", 3, stored=False)),
            ("public /statistik view, in-process cache",
             lambda: service.public_view(db, "screenings")),
            ("public /statistik view, stored result",
             cold(lambda: service.public_view(db, "screenings"))),
            ("public tables computed (at refresh, not cached)",
             lambda: service._public(db, "screenings", 11, stored=False)),
            ("series by province (month)",
             lambda: service.series(db, analyst, "screenings", "month", "province")),
        ]
        print(f"\ndashboard queries, {runs} runs each (ms):")
        print(f"  {'query':52} {'p50':>8} {'p95':>8}")
        for name, fn in cases:
            p50, p95 = _measure(fn, runs if "not cached" not in name and "first read"
                                not in name else max(3, runs // 4))
            print(f"  {name:52} {p50:8.1f} {p95:8.1f}")

    # incremental refresh after a burst of new screenings and decisions today
    from waspada.screening.store import Screening, ScreeningDecision

    with session_scope() as db:
        now = datetime.now(UTC)
        person = db.scalar(select(Screening.person_id).limit(1))
        for i in range(1000):
            db.add(Screening(record_no=f"BNEW{now:%H%M%S}{i:06d}", kind="departure",
                             unit_id=unit_id, person_id=person, status="decided", created_at=now,
                             updated_at=now, full_name="bench", nik="3501991234567890",
                             destination_country="MYS", level="high",
                             final_action="postpone", is_synthetic=True))
        db.flush()
        old = db.scalars(select(Screening.id).where(
            Screening.created_at < now - timedelta(days=20)).order_by(
            Screening.id.desc()).limit(200)).all()
        for sid in old:
            db.add(ScreeningDecision(screening_id=sid, action="postpone",
                                     recommended_action="postpone", verification_code="B"))
        db.commit()
        t = time.perf_counter()
        result = refresher.refresh(db)
        db.commit()
        print(f"\nincremental refresh after 1,000 new screenings and 200 decisions on older "
              f"ones: {time.perf_counter() - t:.2f} s ({result.periods})")
        t = time.perf_counter()
        service._precompute(db)
        print(f"then alerts and public tables stored: {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        result = refresher.refresh(db)
        db.commit()
        print(f"refresh with nothing new: {(time.perf_counter() - t) * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--skip-load", action="store_true", help="measure an already loaded "
                    "database")
    ap.add_argument("--load-only", action="store_true", help="load, do not measure")
    args = ap.parse_args(argv)
    os.environ["WASPADA_DATABASE_URL"] = args.database_url
    os.environ.setdefault("WASPADA_DATA_DIR", "/tmp/waspada-bench-stats")
    from waspada.platform.migrate import upgrade

    upgrade()
    if not args.skip_load:
        for name, secs in load(args.database_url, args.scale, args.seed).items():
            print(f"{name}: {secs:.0f}")
    if not args.load_only:
        measure(args.runs)


if __name__ == "__main__":
    main()
