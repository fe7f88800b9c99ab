"""A registry's unknown-day birth dates (issue #13, round 24): what they cost and what the
birth date's own level for them gives back.

Indonesian registries write 31 December (before SIAK, 2004), 1 July (since; Permendagri
19/2010) or, by custom, 1 January when the day of birth is not known; in 2019 the population
database held 10.3 M people born on 1 July, 5.8 M on 31 December and 2.6 M on 1 January
(Ditjen Dukcapil, Tribunnews 2019-04-03), about a tenth of the voters. None of the three
generators writes them at that rate. This bench gives a ``--share`` of synth2's *people* such
a date (the convention drawn with the weights 10.3 / 5.8 / 2.6; each of their records keeps
its own date with probability 0.3, another document's, and takes another convention with
probability 0.2 × 0.7) and runs the pipeline at its defaults twice in this process:

* ``with``: the model as it is (``birth_date.exact_unknown_day``: the same such date is its
  own level, its u the chance of two records sharing one);
* ``without``: that level taken out of the birth-date comparison (and the exact date's
  default m back at 0.84), as before round 24: the same such date counts as ``exact``.

It prints pairwise P / R / F1 of the clusters, the model's own estimates, and the false pairs
that share an unknown-day date. Development seed (synth2 dev 101) by default; the decision was
taken on it, ``--gen synth2-heldout`` only reports.

    python bench/matching_unknown_day.py [--sizes 20000,200000] [--share 0.1]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_calibration import cluster_pairs, prf  # noqa: E402
from matching_synth2 import DEV_SEEDS, HELDOUT_SEED, generate, true_pairs  # noqa: E402

from waspada.matching import comparisons as C  # noqa: E402
from waspada.matching import pipeline as D  # noqa: E402
from waspada.matching import priors  # noqa: E402
from waspada.matching.records import PersonRecord  # noqa: E402

#: the conventions and their weights (millions of holders in 2019, Ditjen Dukcapil)
CONVENTIONS = (("07-01", 10.3), ("12-31", 5.8), ("01-01", 2.6))
KEEP = 0.3  # a record of such a person that keeps its own date (another document's)
OTHER = 0.2  # ... or that takes another convention (another registry)
LEVEL = "birth_date.exact_unknown_day"


def with_unknown_days(records: list[PersonRecord], person_of: dict[str, str], share: float,
                      seed: int = 7) -> tuple[list[PersonRecord], int]:
    """``records`` with a ``share`` of the people given unknown-day dates; how many changed."""
    rng = random.Random(seed)
    days = [d for d, _ in CONVENTIONS]
    weights = [w for _, w in CONVENTIONS]
    chosen = {pid: rng.choices(days, weights)[0]
              for pid in sorted(set(person_of.values())) if rng.random() < share}
    out, changed = [], 0
    for r in records:
        day = chosen.get(person_of[r.record_id])
        if day and r.birth_date is not None and rng.random() >= KEEP:
            if rng.random() < OTHER:
                day = rng.choices(days, weights)[0]
            month, dom = map(int, day.split("-"))
            r = replace(r, birth_date=date(r.birth_date.year, month, dom))
            changed += 1
        out.append(r)
    return out, changed


@contextlib.contextmanager
def without_the_level() -> Iterator[None]:
    """The birth-date comparison without :data:`LEVEL`, as before round 24."""
    builder, before = C.birth_date_comparison, dict(priors.DEFAULT_M["birth_date"])

    def old() -> C.ComparisonSpec:
        spec = builder()
        return C.ComparisonSpec(spec.name, tuple(lv for lv in spec.levels if lv.key != LEVEL))

    C.birth_date_comparison = old  # type: ignore[assignment]
    C.BUILDERS["birth_date"] = old
    priors.DEFAULT_M["birth_date"] = {k: (0.84 if k == "birth_date.exact" else v)
                                      for k, v in before.items() if k != LEVEL}
    try:
        yield
    finally:
        C.birth_date_comparison = builder  # type: ignore[assignment]
        C.BUILDERS["birth_date"] = builder
        priors.DEFAULT_M["birth_date"] = before


def run(records: list[PersonRecord], truth: set) -> dict:
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        res = D.dedupe(records)
    pred = cluster_pairs(res.clusters)[0]
    p, r, f = prf(pred, truth)
    by_id = {x.record_id: x for x in records}
    days = {d for d, _ in CONVENTIONS}
    shared = 0
    for a, b in pred - truth:
        da, db = by_id[a].birth_date, by_id[b].birth_date
        shared += bool(da and da == db and da.strftime("%m-%d") in days)
    return {"P": p, "R": r, "F1": f, "false": len(pred - truth), "shared": shared,
            "est": (res.choice.precision, res.choice.recall), "secs": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--share", type=float, default=0.1,
                    help="share of the people given an unknown-day date (default 0.1)")
    ap.add_argument("--gen", choices=("synth2-dev", "synth2-heldout"), default="synth2-dev")
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    seed = HELDOUT_SEED if args.gen == "synth2-heldout" else DEV_SEEDS[0]
    print(f"## Unknown-day birth dates: {args.gen}, the pipeline at its defaults, with and "
          "without the birth date's level for them")
    print(f"{'records':>9} {'share':>5} {'changed':>8} {'model':8} {'P':>7} {'R':>7} {'F1':>7} "
          f"{'est P':>7} {'est R':>7} {'false':>6} {'on such a date':>14} {'secs':>6}")
    for n in (int(x) for x in args.sizes.split(",")):
        s = generate(n, seed)
        truth = true_pairs(s.person_of)
        for share in (0.0, args.share):
            records, changed = with_unknown_days(s.records, s.person_of, share)
            for model in ("without", "with"):
                with without_the_level() if model == "without" else contextlib.nullcontext():
                    o = run(records, truth)
                print(f"{n:9,} {share:5.2f} {changed:8,} {model:8} {o['P']:7.4f} {o['R']:7.4f} "
                      f"{o['F1']:7.4f} {o['est'][0]:7.4f} {o['est'][1]:7.4f} {o['false']:6,} "
                      f"{o['shared']:14,} {o['secs']:6.1f}", flush=True)


if __name__ == "__main__":
    main()
