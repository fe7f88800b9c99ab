"""Spike detector benchmark on synthetic series: catch rate, false alarms, throughput.

    python bench/stats.py [--series N] [--seed S]
    python bench/stats.py --national postgresql+psycopg://USER@HOST/DB [--scale 1.0]

``--national`` runs bench/stats_national.py instead: 10 M screenings, 100 k cases and 1 M
offer reports loaded with COPY, the pre-aggregated tables built, every dashboard query timed
(p50/p95) and the incremental refresh timed.

* Catch rate: quarterly series steady at a level, then one quarter at +174 % (x 2.74, the
  rise in WNI cases in Cambodia the seed paper cites); a catch is an alert in that quarter.
  Also monthly series with a one-month x 2.74 jump.
* False alarms per 100 series-years on steady series (Poisson, over-dispersed negative
  binomial with variance 1.5 x mean, a +15 %/year trend, and +/-40 % seasonality), monthly,
  quarterly and weekly.
* Throughput: tested periods per second (one core).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from waspada.statistics.alerts import evaluate
from waspada.statistics.periods import parse_period

START = {"quarter": "2019-Q1", "month": "2019-01", "week": "2019-W01"}


def _series(values: np.ndarray, kind: str) -> dict:
    p = parse_period(START[kind])
    return {p.shift(i): int(v) for i, v in enumerate(values)}


def _draw(rng: np.random.Generator, mean: np.ndarray, dispersion: float) -> np.ndarray:
    if dispersion <= 1.0:
        return rng.poisson(mean)
    size = mean / (dispersion - 1.0)
    return rng.negative_binomial(size, size / (size + mean))


def catch_rate(rng: np.random.Generator, kind: str, level: float, n: int, history: int,
               rise: float = 2.74, dispersion: float = 1.0) -> float:
    hits = 0
    for _ in range(n):
        mean = np.full(history + 1, level, dtype=float)
        mean[-1] *= rise
        ev = evaluate("x", _series(_draw(rng, mean, dispersion), kind))
        hits += ev[-1].alarm
    return hits / n


def false_alarms(rng: np.random.Generator, kind: str, level: float, n: int, length: int,
                 dispersion: float = 1.0, trend: float = 0.0, season: float = 0.0
                 ) -> tuple[float, int, float]:
    """(alarms per 100 series-years, periods tested, seconds)."""
    per_year = parse_period(START[kind]).per_year
    t = np.arange(length)
    mean = level * (1 + trend) ** (t / per_year) * (1 + season * np.sin(2 * math.pi * t / per_year))
    alarms = tested = 0
    start = time.perf_counter()
    for _ in range(n):
        ev = evaluate("x", _series(_draw(rng, mean, dispersion), kind))
        tested += len(ev)
        alarms += sum(e.alarm for e in ev)
    seconds = time.perf_counter() - start
    return alarms / (tested / per_year) * 100, tested, seconds


def main() -> None:
    import sys

    if "--national" in sys.argv:
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).parent))
        import stats_national

        i = sys.argv.index("--national")
        stats_national.main(["--database-url", sys.argv[i + 1], *sys.argv[1:i],
                             *sys.argv[i + 2:]])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=400, help="series per scenario")
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.series
    print(f"catch rate of a x2.74 (+174 %) jump, {n} series each")
    print("  kind     history  level  dispersion  caught")
    for kind, history in (("quarter", 12), ("quarter", 6), ("month", 36)):
        for level in (5, 10, 20, 50, 200):
            for disp in (1.0, 1.5):
                r = catch_rate(rng, kind, level, n, history, dispersion=disp)
                print(f"  {kind:8} {history:7} {level:6} {disp:11.1f} {r:8.1%}")
    print(f"\nfalse alarms per 100 series-years on steady series, {n} series each")
    print("  kind     level  dispersion  trend/yr  season  per100y  tested  periods/s")
    total_t = total_s = 0.0
    for kind, length in (("quarter", 40), ("month", 96), ("week", 260)):
        for level in (5, 20, 100):
            for disp, trend, season in ((1.0, 0.0, 0.0), (1.5, 0.0, 0.0), (1.0, 0.15, 0.0),
                                        (1.0, 0.0, 0.4)):
                if kind == "week" and (disp, trend, season) != (1.0, 0.0, 0.0) and level != 20:
                    continue
                m = n if kind != "week" else max(20, n // 5)
                rate, tested, secs = false_alarms(rng, kind, level, m, length, disp, trend,
                                                  season)
                total_t += tested
                total_s += secs
                print(f"  {kind:8} {level:5} {disp:11.1f} {trend:9.0%} {season:7.0%} "
                      f"{rate:8.2f} {tested:7} {tested / secs:10.0f}")
    print(f"\nthroughput: {total_t / total_s:,.0f} tested periods/s "
          f"({total_t:,.0f} periods in {total_s:.1f} s, one core)")


if __name__ == "__main__":
    main()
