"""Calibration of ``identity dedupe`` at its defaults (issue #13 items 1 and 3).

For each generator and size: the reliability table of the scored pairs (bins of predicted
match probability -> observed share of true matches, count), the expected calibration error
(ECE, weighted by pairs, over every pair scored >= 0.001 and over the pairs scored >= 0.1), and
pairwise precision / recall of the clusters at the default threshold 0.5 and at the
threshold chosen for the precision target 0.99 (``--precision 0.99``), each with the model's
estimated precision and recall. One run: ``dedupe(precision=0.99)``, and the same scored pairs
clustered again at 0.5 as ``dedupe(threshold=0.5)`` would (the scores do not depend on the
threshold).

    python bench/matching_calibration.py --sizes 20000,200000 \
        --gens synth2-dev,synth2-heldout,synth1

Generators: ``synth2-dev`` / ``synth2-heldout`` (bench/matching_synth2.py, dev seed 101 and
the held-out seed, never tuned on) and ``synth1`` (bench/matching_synth.py, its scale seed 9;
labels are its known variant pairs; ``synth1-dev``: its dev seed 7).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_synth2 import DEV_SEEDS, HELDOUT_SEED, generate, true_pairs  # noqa: E402

from waspada.matching import pipeline as D  # noqa: E402
from waspada.matching.records import PersonRecord  # noqa: E402
from waspada.matching.threshold import estimate  # noqa: E402

#: the first generator's seed for looking at errors while changing the model (seed 9 is the
#: one reported)
SYNTH1_DEV_SEED = 7
BINS = (0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 0.999, 1.0)
Pair = tuple[str, str]


def norm(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def reliability(scored: dict[Pair, float], truth: set[Pair]
                ) -> tuple[list[tuple[float, float, int, float, float]], float, float]:
    """Rows (low, high, count, mean predicted, observed share), ECE over all the scored pairs,
    ECE over the pairs scored >= 0.1."""
    n_bins = len(BINS) - 1
    cnt, psum, tsum = [0] * n_bins, [0.0] * n_bins, [0] * n_bins
    for key, p in scored.items():
        i = n_bins - 1
        for j in range(n_bins):
            if p < BINS[j + 1]:
                i = j
                break
        if p < BINS[0]:
            continue
        cnt[i] += 1
        psum[i] += p
        tsum[i] += key in truth
    rows = [(BINS[i], BINS[i + 1], cnt[i], psum[i] / cnt[i] if cnt[i] else 0.0,
             tsum[i] / cnt[i] if cnt[i] else 0.0) for i in range(n_bins)]

    def ece(lo: float) -> float:
        sel = [r for r in rows if r[0] >= lo and r[2]]
        total = sum(r[2] for r in sel)
        return sum(r[2] * abs(r[3] - r[4]) for r in sel) / total if total else 0.0

    return rows, ece(0.0), ece(0.1)


def missing_shares(recs: list[PersonRecord], truth: set[Pair]
                   ) -> dict[str, tuple[float, float]]:
    """Share of records lacking each identifying field, among the records in a true pair and
    among the others (issue #13: on synth1 no original record lacks a NIK and a quarter of the
    duplicates do, which made the model under-confident there at 200k)."""
    inside = {x for p in truth for x in p}
    groups = ([r for r in recs if r.record_id in inside],
              [r for r in recs if r.record_id not in inside])
    fields = {"nik": lambda r: r.nik, "phone": lambda r: r.phone,
              "birth date": lambda r: r.birth_date}
    def share(g: list[PersonRecord], get: Callable[[PersonRecord], object]) -> float:
        return sum(not get(r) for r in g) / len(g) if g else 0.0

    return {k: (share(groups[0], get), share(groups[1], get)) for k, get in fields.items()}


def _digits(text: str | None) -> str:
    d = "".join(c for c in text or "" if c.isdigit())
    return d[-9:]  # the subscriber part: 0812..., +62 812-..., 62812... compare equal


def wrong_pair_kinds(recs: list[PersonRecord], scored: dict[Pair, float], truth: set[Pair],
                     lo: float, hi: float = 1.01) -> list[tuple[str, int, float]]:
    """What the wrong pairs scored in [lo, hi) have in common: the full name (same / differs),
    the birth date (same / one missing / differs), a shared phone or NIK; rows (kind, pairs,
    mean predicted), most frequent first."""
    by_id = {r.record_id: r for r in recs}
    kinds: dict[str, list[float]] = {}
    for (a, b), p in scored.items():
        if not lo <= p < hi or (a, b) in truth:
            continue
        x, y = by_id[a], by_id[b]
        name = "same name" if " ".join(x.full_name.lower().split()) == " ".join(
            y.full_name.lower().split()) else "name differs"
        if not x.birth_date or not y.birth_date:
            dob = "a birth date missing"
        elif x.birth_date == y.birth_date:
            dob = "same birth date"
        elif x.birth_date.year == y.birth_date.year:
            dob = "same birth year"
        else:
            dob = "birth date differs"
        extra = [k for k, same in (
            ("phone", x.phone and y.phone and _digits(x.phone) == _digits(y.phone)),
            ("NIK", x.nik and y.nik and x.nik == y.nik)) if same]
        kind = ", ".join([name, dob] + ([" and ".join(extra) + " shared"] if extra else []))
        kinds.setdefault(kind, []).append(p)
    return sorted(((k, len(v), sum(v) / len(v)) for k, v in kinds.items()),
                  key=lambda t: -t[1])


def cluster_pairs(clusters: list[tuple[str, str]]) -> tuple[set[Pair], int]:
    groups: dict[str, list[str]] = {}
    for rid, c in clusters:
        groups.setdefault(c, []).append(rid)
    out: set[Pair] = set()
    for g in groups.values():
        g.sort()
        out.update((a, b) for i, a in enumerate(g) for b in g[i + 1:])
    return out, max((len(g) for g in groups.values()), default=0)


def prf(pred: set[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def data(gen: str, n: int) -> tuple[list[PersonRecord], set[Pair]]:
    if gen.startswith("synth2"):
        s = generate(n, HELDOUT_SEED if gen.endswith("heldout") else DEV_SEEDS[0])
        return s.records, true_pairs(s.person_of)
    from matching_synth import build

    seed = SYNTH1_DEV_SEED if gen == "synth1-dev" else 9
    recs, pos, _ = build(int(n * 0.98), per_kind=max(1, int(n * 0.02) // 13), seed=seed)
    recs = recs[:n]
    ids = {r.record_id for r in recs}
    return recs, {norm(a, b) for ps in pos.values() for a, b in ps if a in ids and b in ids}


def run(gen: str, n: int) -> dict:
    recs, truth = data(gen, n)
    gc.collect()
    cpu0 = _cpu()
    t0 = time.perf_counter()

    def progress(msg: str) -> None:
        r = resource.getrusage(resource.RUSAGE_SELF)
        print(f"  {time.perf_counter() - t0:7.1f}s wall {r.ru_utime + r.ru_stime:7.1f}s CPU  "
              f"{msg}", file=sys.stderr, flush=True)

    seen: dict = {}
    coherent = D._coherent  # noqa: SLF001 - kept to cluster the same pairs again at 0.5

    def keep_args(*args: object) -> object:
        seen["args"] = args
        return coherent(*args)  # type: ignore[arg-type]

    D._coherent = keep_args  # type: ignore[assignment]  # noqa: SLF001
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            res = D.dedupe(recs, precision=D.DEFAULT_PRECISION, review_band=(0.001, 1.0),
                           progress=progress)
    finally:
        D._coherent = coherent  # type: ignore[assignment]  # noqa: SLF001
    secs = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    choice = res.choice  # the precision target's
    assert choice is not None
    scored = {norm(a, b): p for a, b, p in res.review}
    scored.update({norm(a, b): p for a, b, p in res.pairs})
    rows, ece_all, ece_hi = reliability(scored, truth)
    pt, rt, ft = prf(cluster_pairs(res.clusters)[0], truth)
    ppt, _, _ = prf({k for k, v in scored.items() if v >= choice.threshold}, truth)
    # the default 0.5: the same scored pairs clustered at 0.5
    threshold = D.FIXED_THRESHOLD
    lk, db_api, engine, frame, ids = seen["args"][:5]
    at_fixed = [(a, b, q) for (a, b), q in scored.items() if q >= threshold]
    cluster_of, _ = coherent(lk, db_api, engine, frame, ids, at_fixed, threshold,
                             lambda _m: None)
    pred, largest = cluster_pairs([(i, cluster_of.get(i, i)) for i in ids])
    p, r, f = prf(pred, truth)
    pp, pr, _ = prf({k for k, v in scored.items() if v >= threshold}, truth)
    est5 = estimate([q for q in scored.values() if q >= D.SCORED_FLOOR], threshold)
    ceiling = len(set(scored) & truth) / len(truth) if truth else 1.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    missing = missing_shares(recs, truth)
    print(f"\n### {gen}, {len(recs):,} records, {len(truth):,} true pairs "
          f"(dedupe {secs:.0f}s wall, {cpu:.0f}s CPU, peak RSS {peak:.0f} MB)")
    print(f"{'predicted':>15} {'pairs':>9} {'mean p':>8} {'observed':>9}")
    for lo, hi, c, mp, ob in rows:
        if c:
            print(f"[{lo:5.3f}, {hi:5.3f}) {c:9,} {mp:8.4f} {ob:9.4f}")
    print(f"ECE {ece_all:.4f} (pairs >= 0.001), {ece_hi:.4f} (pairs >= 0.1)")
    print(f"at the default threshold {threshold}: estimated P {est5.precision:.4f} R "
          f"{est5.recall:.4f}; clusters P {p:.4f} R {r:.4f} F1 {f:.4f}; pairs P {pp:.4f} R "
          f"{pr:.4f} (estimate - true pairwise P {est5.precision - pp:+.4f}); largest cluster "
          f"{largest}; recall ceiling of the scored pairs {ceiling:.4f}", flush=True)
    print(f"at the precision target {choice.target} (--precision): threshold "
          f"{choice.threshold:.4f}, estimated P {choice.precision:.4f} R {choice.recall:.4f}; "
          f"clusters P {pt:.4f} R {rt:.4f} F1 {ft:.4f} (estimate - true pairwise P "
          f"{choice.precision - ppt:+.4f})", flush=True)
    wrong = wrong_pair_kinds(recs, scored, truth, threshold)
    print(f"wrong pairs scored >= {threshold} ({sum(c for _, c, _ in wrong):,}), by what they "
          "share: " + "; ".join(f"{k} {c:,} (mean p {m:.3f})" for k, c, m in wrong[:8]))
    print("missing values, records in a true pair / others (the model takes a missing value "
          "as no evidence; where the shares differ, it is evidence): " + ", ".join(
              f"{k} {a:.3f} / {b:.3f}" for k, (a, b) in missing.items()))
    return {"gen": gen, "n": len(recs), "P": p, "R": r, "F1": f, "ece": ece_all,
            "ece_hi": ece_hi, "secs": secs, "cpu": cpu, "peak_mb": peak, "largest": largest,
            "pairs_P": pp, "pairs_R": pr, "ceiling": ceiling, "true_pairs": len(truth),
            "rows": rows, "est_P": est5.precision, "est_R": est5.recall,
            "threshold_target": choice.threshold, "est_P_target": choice.precision,
            "est_R_target": choice.recall, "P_target": pt, "R_target": rt, "F1_target": ft}


def _cpu() -> float:
    """CPU seconds of this process, all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_child(gen: str, n: int) -> dict:
    """:func:`run` in a child process of its own (so its peak RSS is its own run's, not the
    largest of the runs before it); its report is printed here, the stage marks go to
    stderr."""
    out = subprocess.run([sys.executable, __file__, "--child", "--gens", gen, "--sizes",
                          str(n)], stdout=subprocess.PIPE, text=True, check=False)
    lines = out.stdout.splitlines()
    found = [ln for ln in lines if ln.startswith("{")]
    print("\n".join(ln for ln in lines if not ln.startswith("{")), flush=True)
    if out.returncode != 0 or not found:
        raise RuntimeError(f"dedupe of {gen} at {n:,} records failed (exit code "
                           f"{out.returncode}; its messages are above, on stderr)")
    return json.loads(found[-1])


def bench_calibration(sizes: list[int], gens: list[str]) -> None:
    print("\n## Calibration at the defaults (identity dedupe)")
    out = [run(g, n) for n in sizes for g in gens]
    print(f"\n{'':26} {'at the default 0.5':^31} | {'at --precision 0.99':^38} |")
    print(f"{'generator':16} {'records':>9} {'est P':>7} {'P':>7} {'R':>7} {'F1':>7} | "
          f"{'t':>6} {'est P':>7} {'est R':>7} {'P':>7} {'R':>7} | {'ECE':>7} {'ECE>=.1':>8} "
          f"{'largest':>7} {'secs':>6}")
    for o in out:
        print(f"{o['gen']:16} {o['n']:9,} {o['est_P']:7.4f} {o['P']:7.4f} {o['R']:7.4f} "
              f"{o['F1']:7.4f} | {o['threshold_target']:6.4f} {o['est_P_target']:7.4f} "
              f"{o['est_R_target']:7.4f} {o['P_target']:7.4f} {o['R_target']:7.4f} | "
              f"{o['ece']:7.4f} {o['ece_hi']:8.4f} {o['largest']:7} {o['secs']:6.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000")
    ap.add_argument("--gens", default="synth2-dev,synth2-heldout,synth1")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run(args.gens.split(",")[0], int(args.sizes.split(",")[0]))))
        return
    bench_calibration([int(x) for x in args.sizes.split(",")], args.gens.split(","))


if __name__ == "__main__":
    main()
