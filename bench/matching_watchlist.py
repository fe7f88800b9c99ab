"""Watchlist false alarms and recall at the API default (issue #13, item 3).

A watchlist of 20,000 people (the first, clean record of each, from the independent generator
``matching_synth2``) is screened with 2,000 queries: half are later records of listed people
(their slips: typos, old spellings, shifted dates, missing fields), half are people who are
*not* listed, drawn at random (most of them share the exact full name of a listed person: the
generator's names are as repetitive as Indonesian ones; fathers and sons, twins and namesakes
come with it). False alarms are reported for all of them and for the same-full-name ones.

* false alarm: a query of an unlisted person with any result at score >= threshold;
* R@5: a query of a listed person whose own entry is among the top 5 at score >= threshold
  (and, for information, R@5 with no threshold: is the entry found at all).

``DEV_SEEDS`` of the generator are for working on the engine, ``HELDOUT_SEED`` only reports.

    python bench/matching_watchlist.py [--entries 20000] [--queries 2000] [--threshold 0.7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_synth import build  # noqa: E402
from matching_synth2 import DEV_SEEDS, HELDOUT_SEED, generate  # noqa: E402

from waspada.matching.index import WatchlistIndex  # noqa: E402
from waspada.matching.schemas import WATCHLIST_THRESHOLD as API_DEFAULT  # noqa: E402


def _people_synth1(entries: int, seed: int) -> dict[str, list]:
    """Records by person from the first generator (``matching_synth``): its base people, their
    variants, and its hard negatives (same common name, father and son, twins) as people of
    their own."""
    recs, pos, neg = build(int(entries * 1.5), per_kind=entries // 40, seed=seed)
    person = {r.record_id: r.record_id for r in recs}
    for pairs in pos.values():
        for a, b in pairs:
            person[b] = person[a]
    by_person: dict[str, list] = {}
    for r in recs:
        by_person.setdefault(person[r.record_id], []).append(r)
    # the base record first: it is the one a list would hold
    for rs in by_person.values():
        rs.sort(key=lambda r: r.record_id != person[r.record_id])
    del neg
    return by_person


def run(seed: int, entries: int = 20_000, queries: int = 2_000,
        thresholds: tuple[float, ...] = (0.5, API_DEFAULT, 0.9), gen: str = "synth2") -> dict:
    rng = random.Random(seed)
    by_person: dict[str, list] = {}
    if gen == "synth1":
        by_person = _people_synth1(entries, seed)
    else:
        syn = generate(int(entries * 1.6), seed)
        for r in syn.records:
            by_person.setdefault(syn.person_of[r.record_id], []).append(r)
    persons = sorted(by_person)
    rng.shuffle(persons)
    # the listed record: each person's first record (clean in both generators)
    first = {p: by_person[p][0] for p in persons}
    watch = [first[p] for p in persons[:entries]]
    names = {r.full_name for r in watch}
    pos = [(p, r) for p in persons[:entries] for r in by_person[p] if r is not first[p]]
    rng.shuffle(pos)
    pos = pos[: queries // 2]
    unlisted = [first[p] for p in persons[entries:]]
    rng.shuffle(unlisted)
    neg = unlisted[: queries // 2]
    is_same = {r.record_id for r in neg if r.full_name in names}
    t0 = time.perf_counter()
    idx = WatchlistIndex.build(watch)
    t_build = time.perf_counter() - t0
    floor = min(thresholds)
    t0 = time.perf_counter()
    pos_hits = [[(m.record_id, m.score) for m in idx.search(r, top=5, threshold=0.0,
                                                            explain=False)]
                for _, r in pos]
    neg_top = [max((m.score for m in idx.search(r, top=1, threshold=floor, explain=False)),
                   default=0.0) for r in neg]
    t_q = time.perf_counter() - t0
    out = {"gen": gen, "seed": seed, "entries": len(watch), "pos": len(pos), "neg": len(neg),
           "same_name_neg": sum(r.record_id in is_same for r in neg), "build_s": t_build,
           "query_ms": 1000 * t_q / (len(pos) + len(neg)), "rows": []}
    listed_id = {p: first[p].record_id for p in persons[:entries]}
    found_any = sum(any(rid == listed_id[p] for rid, _ in h) for (p, _), h in zip(pos, pos_hits,
                                                                                 strict=True))
    out["r5_any"] = found_any / len(pos)
    for t in thresholds:
        r5 = sum(any(rid == listed_id[p] and s >= t for rid, s in h)
                 for (p, _), h in zip(pos, pos_hits, strict=True)) / len(pos)
        fa = sum(s >= t for s in neg_top) / len(neg)
        sn = [s for r, s in zip(neg, neg_top, strict=True) if r.record_id in is_same]
        fa_same = sum(s >= t for s in sn) / len(sn) if sn else float("nan")
        out["rows"].append((t, r5, fa, fa_same))
    return out


def report(res: dict, label: str) -> None:
    print(f"{label} ({res['gen']}, seed {res['seed']}): {res['entries']:,} entries, "
          f"{res['pos']:,} listed + "
          f"{res['neg']:,} unlisted queries ({res['same_name_neg']:,} share a listed full "
          f"name); build {res['build_s']:.1f}s, {res['query_ms']:.2f} ms/query; R@5 with no "
          f"threshold {res['r5_any']:.4f}")
    print(f"  {'threshold':>9} {'R@5':>7} {'false alarms':>12} {'same-name FA':>12}")
    for t, r5, fa, fs in res["rows"]:
        mark = "  <- API default" if t == API_DEFAULT else ""
        print(f"  {t:9.2f} {r5:7.4f} {fa:12.4f} {fs:12.4f}{mark}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=20_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--heldout", action="store_true", help="also the held-out seed")
    ap.add_argument("--dev", default=",".join(map(str, DEV_SEEDS)),
                    help="development seeds of matching_synth2")
    ap.add_argument("--synth1-seed", type=int, default=7, help="seed of the first generator "
                    "(an independent check; 0 to skip)")
    args = ap.parse_args()
    for seed in (int(x) for x in args.dev.split(",") if x):
        report(run(seed, args.entries, args.queries), "dev")
    if args.synth1_seed:
        report(run(args.synth1_seed, args.entries, args.queries, gen="synth1"), "check")
    if args.heldout:
        report(run(HELDOUT_SEED, args.entries, args.queries), "held-out")


if __name__ == "__main__":
    main()
