"""A supervised ceiling for ``identity dedupe`` on synth2 (issue #13 item 3).

The unsupervised pipeline (Splink EM + record-level priors) never sees a label. How much of
the gap to the targets (pairwise P >= 0.99 and R >= 0.97) is in the fields, and how much in
the model? This bench takes the pipeline's own blocked pairs, their comparison vectors (every
comparison's level, the name's term frequencies, which field is missing: the columns Splink's
prediction computes, kept with ``retain_intermediate_calculation_columns``) and the true label,
and trains a gradient-boosted classifier (scikit-learn ``HistGradientBoostingClassifier``)
with 5-fold cross-validation grouped by person (every true pair of a person in one fold; a
non-matching pair goes with its first record's person). Two variants:

* ``levels``: the pipeline's comparison vector only — what any model on these levels can do;
* ``raw``: the levels plus raw values the levels do not keep (Jaro-Winkler and edit distance
  of the names, token overlap, the birth dates' difference in days and which parts agree, how
  many records hold each name, NIK and phone distances): is information lost in the levels?

Reported for each: the best recall at P >= 0.99 (a threshold swept over the out-of-fold
scores), P / R at 0.5, and the same for the pipeline's probabilities (after the record-level
step) on the same pairs; recall counts every true pair, so the blocking ceiling (the share of
true pairs the blocking rules generate at all) bounds all of them.

``--gen blind`` (``--seed``, default 2) measures the same on the blind third generator
(``matching_blind.py``), its records read as ``identity dedupe`` reads their CSV.

Not a test: a measurement (runs minutes at 200,000 records; one heavy job at a time).

    nice python bench/matching_ceiling.py --gen synth2-dev --size 20000
    nice python bench/matching_ceiling.py --gen blind --seed 2 --size 20000
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_blind import generate as generate_blind  # noqa: E402
from matching_synth2 import DEV_SEEDS, HELDOUT_SEED, generate  # noqa: E402

from waspada.matching import pipeline as D  # noqa: E402
from waspada.matching.blocking import choose_blocks  # noqa: E402
from waspada.matching.comparisons import present_comparisons  # noqa: E402
from waspada.matching.engines import (  # noqa: E402
    make_db_api,
    register_frame,
    register_name_frequencies,
    table_name,
)
from waspada.matching.name_levels import add_name_ids  # noqa: E402
from waspada.matching.name_levels import predict as predict_pairs  # noqa: E402
from waspada.matching.records import (  # noqa: E402
    PersonRecord,
    Rejection,
    read_records_text,
)
from waspada.matching.splink_features import feature_frame, mark_rare_spellings  # noqa: E402
from waspada.matching.training import (  # noqa: E402
    fit_prior_and_score,
    quiet_splink,
    settings,
    train,
)

TARGET_P = 0.99
FOLDS = 5
#: non-matching pairs the pipeline scores below this are sampled for training (all are
#: evaluated), each kept one weighted by the inverse of the rate
EASY_BELOW = 1e-3


def _log(t0: float, msg: str) -> None:
    r = resource.getrusage(resource.RUSAGE_SELF)
    print(f"  {time.perf_counter() - t0:7.1f}s wall {r.ru_utime + r.ru_stime:7.1f}s CPU "
          f"{r.ru_maxrss / 1024:6.0f} MB  {msg}", file=sys.stderr, flush=True)


# -- the pipeline's pairs ------------------------------------------------------------------


def pipeline_pairs(recs: Sequence[PersonRecord], progress: Any) -> tuple[Any, Any, dict]:
    """The blocked pairs of a dedupe of ``recs`` as the pipeline computes them (the same
    steps as :func:`waspada.matching.pipeline.dedupe` up to the record-level step): a
    DataFrame with ``unique_id_l``, ``unique_id_r``, every ``gamma_*`` and ``tf_*`` column
    (:func:`comparison_vectors`) and ``pipeline_p``, the pipeline's probability after the
    record-level step. Also returns the feature frame and the trained model."""
    quiet_splink()
    frame = feature_frame(recs)
    ids = [str(i) for i in frame["unique_id"]]
    mark_rare_spellings([frame])
    frame = frame.copy()
    add_name_ids(frame)
    db_api = make_db_api("duckdb")
    sdf = register_frame(db_api, "duckdb", frame, table_name("records"))
    register_name_frequencies(db_api, "duckdb", [frame])
    blocks = choose_blocks([frame], progress)
    lk = train(sdf, settings(present_comparisons([frame]), blocks=blocks), len(ids), progress)
    lk, pdf = fit_prior_and_score(sdf, lk, len(ids) * (len(ids) - 1) / 2, progress,
                                  D.MISSINGNESS_FLOOR)
    # the same step; arrays of ids left, ids right, probabilities
    a, b, p = D._with_missingness(frame, ids, pdf, progress)  # noqa: SLF001
    del pdf
    progress("every blocked pair with its comparison vector")
    pairs = comparison_vectors(lk, sdf.physical_name)
    adjusted = {D.pair_key(x, y): q for x, y, q in zip(a.tolist(), b.tolist(), p.tolist(),
                                                          strict=True)}
    del a, b, p
    keys = [D.pair_key(a, b) for a, b in zip(pairs["unique_id_l"], pairs["unique_id_r"],
                                            strict=True)]
    # pairs under the record-level step's floor (0.001) count as 0: no threshold swept
    # here goes that low
    pairs["pipeline_p"] = np.fromiter((adjusted.get(k, 0.0) for k in keys), float, len(keys))
    return frame, pairs, lk.misc.save_model_to_json()


def comparison_vectors(lk: Any, table: str) -> Any:
    """The comparison vectors (``unique_id_l``, ``unique_id_r``, every ``gamma_*`` and
    ``tf_*`` column) of every blocked pair, computed by the pipeline's own prediction
    (:func:`waspada.matching.name_levels.predict`) with Splink's last step, turning the
    vectors into match weights, left out (patched here, for this call only)."""
    import splink.internals.predict as splink_predict

    real = splink_predict.predict_from_comparison_vectors_sqls_using_settings
    splink_predict.predict_from_comparison_vectors_sqls_using_settings = (
        lambda *_a, **_k: [])
    try:
        out = predict_pairs(lk, table, None)
    finally:
        splink_predict.predict_from_comparison_vectors_sqls_using_settings = real
    con = lk._db_api._con  # noqa: SLF001
    cols = [c for c in con.table(out.physical_name).columns
            if c in ("unique_id_l", "unique_id_r") or c.startswith(("gamma_", "tf_"))]
    if not any(c.startswith("gamma_") for c in cols):
        raise RuntimeError("no comparison vectors in the prediction's output")
    pairs = con.execute(f"select {', '.join(cols)} from {out.physical_name}").df()  # noqa: S608
    out.drop_table_from_database_and_remove_from_cache()
    pairs["unique_id_l"] = pairs["unique_id_l"].astype(str)
    pairs["unique_id_r"] = pairs["unique_id_r"].astype(str)
    return pairs


def blind_data(size: int, seed: int) -> tuple[list[PersonRecord], dict[str, str],
                                                list[Rejection]]:
    """The blind generator's records read as ``identity dedupe`` reads its CSV (the same
    reader, tolerant: a bad value or placeholder is read as missing, a record without id or
    name is skipped), each record's person (skipped records left out) and what was read as
    missing or skipped."""
    ds = generate_blind(size, seed)
    text = io.StringIO()
    w = csv.DictWriter(text, fieldnames=list(dict.fromkeys(k for r in ds.records for k in r)))
    w.writeheader()
    w.writerows(ds.records)
    rejects: list[Rejection] = []
    recs = read_records_text(text.getvalue(), rejects=rejects)
    return recs, {r.record_id: ds.labels[r.record_id] for r in recs}, rejects


# -- raw features the levels do not keep ---------------------------------------------------


def _digits(text: str | None) -> str:
    return "".join(c for c in text or "" if c.isdigit())[-9:]


def _hamming(a: str, b: str) -> int:
    """Positions that differ (strings of equal length); -1 when either is empty or the
    lengths differ."""
    if not a or not b or len(a) != len(b):
        return -1
    return sum(x != y for x, y in zip(a, b, strict=True))


def raw_features(recs: Sequence[PersonRecord], frame: Any, left: Sequence[str],
                 right: Sequence[str]) -> dict[str, np.ndarray]:
    """Raw per-pair values the comparison levels summarise: name string similarities on the
    pipeline's canonical name, the birth dates' difference in days and which parts agree,
    name frequencies (records holding the same canonical name, the rarer token), NIK and
    phone distances."""
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler, Levenshtein
    from rapidfuzz.fuzz import token_set_ratio

    by_id = {r.record_id: r for r in recs}
    canon = dict(zip(frame["unique_id"].astype(str), frame["name_canon"].fillna(""),
                     strict=True))
    count: dict[str, int] = {}
    for c in canon.values():
        count[c] = count.get(c, 0) + 1
    tokens: dict[str, int] = {}
    for c in canon.values():
        for t in set(c.split()):
            tokens[t] = tokens.get(t, 0) + 1
    rarest = {c: min((tokens[t] for t in c.split()), default=0) for c in count}
    na = [canon[i] for i in left]
    nb = [canon[i] for i in right]
    out: dict[str, np.ndarray] = {
        "name_jw": process.cpdist(na, nb, scorer=JaroWinkler.normalized_similarity, workers=1),
        "name_lev": process.cpdist(na, nb, scorer=Levenshtein.distance, workers=1
                                   ).astype(float),
        "name_tokset": process.cpdist(na, nb, scorer=token_set_ratio, workers=1),
        "name_len_diff": np.abs(np.array([len(a) - len(b) for a, b in zip(na, nb, strict=True)],
                                         float)),
    }
    ca = np.array([count[a] for a in na], float)
    cb = np.array([count[b] for b in nb], float)
    out["name_count_min"], out["name_count_max"] = np.minimum(ca, cb), np.maximum(ca, cb)
    ra = np.array([rarest[a] for a in na], float)
    rb = np.array([rarest[b] for b in nb], float)
    out["rare_token_min"], out["rare_token_max"] = np.minimum(ra, rb), np.maximum(ra, rb)
    n = len(na)
    days = np.full(n, np.nan)
    same_y, same_m, same_d, swapped = (np.zeros(n) for _ in range(4))
    nik_ham, phone_eq, dob_missing, sex_eq = (np.zeros(n) for _ in range(4))
    for k, (a, b) in enumerate(zip(left, right, strict=True)):
        x, y = by_id[a], by_id[b]
        dx, dy = x.birth_date, y.birth_date
        dob_missing[k] = (dx is None) + (dy is None)
        if dx and dy:
            days[k] = abs((dx - dy).days)
            same_y[k], same_m[k], same_d[k] = (dx.year == dy.year, dx.month == dy.month,
                                               dx.day == dy.day)
            swapped[k] = dx.month == dy.day and dx.day == dy.month and dx.month != dx.day
        nik_ham[k] = _hamming(x.nik or "", y.nik or "")
        px, py = _digits(x.phone), _digits(y.phone)
        phone_eq[k] = -1 if not px or not py else float(px == py)
        sex_eq[k] = -1 if not x.sex or not y.sex else float(x.sex == y.sex)
    out.update({"dob_days": days, "dob_same_year": same_y, "dob_same_month": same_m,
                "dob_same_day": same_d, "dob_swapped": swapped, "dob_missing": dob_missing,
                "nik_hamming": nik_ham, "phone_equal": phone_eq, "sex_equal": sex_eq})
    return out


# -- measures ----------------------------------------------------------------------------


def best_recall_at(scores: np.ndarray, labels: np.ndarray, total_true: int,
                   target: float = TARGET_P) -> tuple[float, float, float]:
    """The largest recall (of ``total_true`` true pairs, blocked or not) over thresholds
    whose precision is at least ``target``: (recall, precision, threshold); (0, 1, inf) when
    no threshold reaches it. Ties in score are taken together."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order].astype(np.int64)
    tp, fp = np.cumsum(y), np.cumsum(1 - y)
    last = np.r_[s[1:] != s[:-1], True]  # a threshold takes every pair of its score
    tp, fp, s = tp[last], fp[last], s[last]
    prec = tp / np.maximum(tp + fp, 1)
    ok = np.nonzero(prec >= target)[0]
    if not len(ok) or not total_true:
        return 0.0, 1.0, float("inf")
    k = ok[np.argmax(tp[ok])]
    return float(tp[k] / total_true), float(prec[k]), float(s[k])


def pr_at(scores: np.ndarray, labels: np.ndarray, total_true: int, threshold: float
          ) -> tuple[float, float]:
    """Pairwise precision and recall (of ``total_true``) of the pairs scored >= threshold."""
    sel = scores >= threshold
    tp = int(labels[sel].sum())
    return (tp / int(sel.sum()) if sel.any() else 1.0,
            tp / total_true if total_true else 1.0)


def person_folds(person: Sequence[str], folds: int = FOLDS, seed: int = 0) -> dict[str, int]:
    """A fold for every person (shuffled, balanced by count of persons)."""
    uniq = sorted(set(person))
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(uniq))
    return {uniq[i]: int(k % folds) for k, i in enumerate(perm)}


def cross_validated(x: np.ndarray, y: np.ndarray, fold: np.ndarray, weight: np.ndarray,
                    train_mask: np.ndarray, categorical: np.ndarray, log: Any,
                    max_iter: int = 300) -> tuple[np.ndarray, list[Any]]:
    """Out-of-fold probabilities of a HistGradientBoostingClassifier, trained on the rows of
    ``train_mask`` (weighted) outside each fold and applied to every row of the fold.

    Early stopping (on a tenth of the training rows) can be fooled by a dip at the first
    tree: with heavily weighted easy non-matches (2 % sampled, weight 50) a first Newton step
    can lower the loss more than the next twenty, which overshoot and climb back, and the
    model kept is the twenty-first, worse than the first (seen on the blind generator at
    200,000 records: some folds stopped at 21 trees, no threshold reaching P 0.99). A fold
    whose best validation loss is at the first tree is fitted again with all ``max_iter``
    trees; the evaluation fold plays no part in that choice."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    def fit(k: int, tr: np.ndarray, early: bool) -> Any:
        clf = HistGradientBoostingClassifier(
            max_iter=max_iter, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=40,
            l2_regularization=1.0, categorical_features=categorical, early_stopping=early,
            validation_fraction=0.1, n_iter_no_change=20, random_state=k)
        return clf.fit(x[tr], y[tr], sample_weight=weight[tr])

    out = np.zeros(len(y))
    models = []
    for k in range(FOLDS):
        tr = (fold != k) & train_mask
        clf = fit(k, tr, True)
        note = ""
        if clf.n_iter_ < max_iter and int(np.argmax(clf.validation_score_)) <= 1:
            note = (f" (best validation loss at the first tree: fitted again with "
                    f"{max_iter} trees)")
            clf = fit(k, tr, False)
        te = fold == k
        out[te] = clf.predict_proba(x[te])[:, 1]
        models.append(clf)
        log(f"fold {k + 1}/{FOLDS}: {int(tr.sum()):,} training rows, "
            f"{clf.n_iter_} iterations{note}")
    return out, models


def level_labels(model: dict, comparison: str, gamma: np.ndarray) -> np.ndarray:
    """Splink's level labels for the ``gamma`` values of ``comparison`` (-1: the null level;
    otherwise the non-null levels numbered from the last, 0, to the first)."""
    comp = next(c for c in model["comparisons"] if c["output_column_name"] == comparison)
    levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
    names = {-1: "missing"}
    names.update({len(levels) - 1 - k: lv.get("label_for_charts", str(k))
                  for k, lv in enumerate(levels)})
    return np.array([names.get(int(g), str(g)) for g in gamma], dtype=object)


def subgroups(labels: np.ndarray, same_name: np.ndarray, dob_level: np.ndarray,
              scores: dict[str, tuple[np.ndarray, float]]) -> list[str]:
    """Errors at each scorer's operating threshold by (same canonical name?, birth-date
    level): rows 'group: pairs / true | per scorer: false pos, false neg'."""
    rows = []
    for same in (True, False):
        for lv in sorted(set(dob_level.tolist())):
            g = (same_name == same) & (dob_level == lv)
            if not g.any():
                continue
            parts = []
            for name, (s, t) in scores.items():
                sel = s[g] >= t
                fp = int((sel & ~labels[g]).sum())
                fn = int((~sel & labels[g]).sum())
                parts.append(f"{name} FP {fp:,} FN {fn:,}")
            if any(not p.endswith("FP 0 FN 0") for p in parts):
                rows.append(f"{'same name' if same else 'name differs'}, dob {lv}: "
                            f"{int(g.sum()):,} pairs, {int(labels[g].sum()):,} true | "
                            + "; ".join(parts))
    return rows


# -- one run -------------------------------------------------------------------------------


def run(gen: str, n: int, sample: float, importance: bool, raw_too: bool = True,
        seed: int = 2) -> None:
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        _log(t0, msg)

    if gen == "blind":
        recs, person_of, rejects = blind_data(n, seed)
        gen = f"blind seed {seed}"
        log(f"{len(recs):,} records read; {sum(r.skipped for r in rejects):,} skipped, "
            f"{sum(not r.skipped for r in rejects):,} values read as missing")
    else:
        s = generate(n, HELDOUT_SEED if gen.endswith("heldout") else DEV_SEEDS[0])
        recs, person_of = s.records, s.person_of
    sizes: dict[str, int] = {}
    for p in person_of.values():
        sizes[p] = sizes.get(p, 0) + 1
    total_true = sum(k * (k - 1) // 2 for k in sizes.values())
    with contextlib.redirect_stdout(io.StringIO()):
        frame, pairs, model = pipeline_pairs(recs, log)
    left = pairs["unique_id_l"].tolist()
    right = pairs["unique_id_r"].tolist()
    pl = [person_of[a] for a in left]
    y = np.array([a == b for a, b in zip(pl, (person_of[b] for b in right), strict=False)])
    blocked_true = int(y.sum())
    log(f"{len(pairs):,} blocked pairs, {blocked_true:,} of {total_true:,} true pairs blocked")
    folds = person_folds(list(person_of.values()))
    fold = np.array([folds[p] for p in pl])
    gammas = [c for c in pairs.columns if c.startswith("gamma_")]
    tfs = [c for c in pairs.columns if c.startswith("tf_")]
    level_cols = gammas + tfs
    x_lv = np.column_stack([pairs[c].to_numpy(dtype=float) + (1 if c in gammas else 0)
                            for c in level_cols])
    x_lv = np.nan_to_num(x_lv, nan=-1.0)
    cat_lv = np.array([c in gammas for c in level_cols])
    pipe = pairs["pipeline_p"].to_numpy(dtype=float)
    rng = np.random.default_rng(1)
    easy = (~y) & (pipe < EASY_BELOW)
    keep = ~easy | (rng.random(len(y)) < sample)
    weight = np.where(easy, 1.0 / sample, 1.0)
    log(f"training rows: {int(keep.sum()):,} (non-matches scored < {EASY_BELOW} sampled at "
        f"{sample:g}, weighted)")
    res: dict[str, np.ndarray] = {"pipeline": pipe}
    res["levels"], m_lv = cross_validated(x_lv, y, fold, weight, keep, cat_lv, log)
    raw_cols: list[str] = []
    m_raw, x_raw = m_lv, x_lv
    if raw_too:
        log("raw features")
        raw = raw_features(recs, frame, left, right)
        raw_cols = list(raw)
        x_raw = np.column_stack([x_lv] + [np.nan_to_num(raw[c], nan=-1.0) for c in raw_cols])
        cat_raw = np.r_[cat_lv, np.zeros(len(raw_cols), bool)]
        res["levels+raw"], m_raw = cross_validated(x_raw, y, fold, weight, keep, cat_raw, log)
    print(f"\n### {gen}, {len(recs):,} records: {len(pairs):,} blocked pairs; "
          f"{total_true:,} true pairs, blocking ceiling {blocked_true / total_true:.4f} "
          f"({total_true - blocked_true:,} never blocked)")
    print(f"features: levels = {', '.join(level_cols)}; raw = {', '.join(raw_cols)}")
    print(f"{'scorer':12} {'best R @P>=.99':>15} {'(P, thr)':>16} {'P @0.5':>8} {'R @0.5':>8}")
    ops: dict[str, tuple[np.ndarray, float]] = {}
    for name, sc in res.items():
        r, p, t = best_recall_at(sc, y, total_true)
        p5, r5 = pr_at(sc, y, total_true, 0.5)
        ops[name] = (sc, t)
        print(f"{name:12} {r:15.4f} ({p:.4f}, {t:.3g}) {p5:8.4f} {r5:8.4f}", flush=True)
    canon = dict(zip(frame["unique_id"].astype(str), frame["name_canon"].fillna(""),
                     strict=True))
    same_name = np.array([canon[a] == canon[b] and canon[a] != ""
                          for a, b in zip(left, right, strict=True)])
    dob_level = level_labels(model, "birth_date", pairs["gamma_birth_date"].to_numpy())
    print("errors at each scorer's P >= 0.99 threshold, by (same name?, birth-date level):")
    for row in subgroups(y, same_name, dob_level, ops):
        print("  " + row)
    if importance:
        _importance(m_raw[0], x_raw[fold == 0], y[fold == 0], level_cols + raw_cols, log)
    log("done")


def _importance(model: Any, x: np.ndarray, y: np.ndarray, names: list[str], log: Any) -> None:
    """Permutation importance (drop of average precision) on fold 1's pairs: the true pairs
    and the non-matches the model finds hard (a random sample of the rest)."""
    from sklearn.inspection import permutation_importance

    p = model.predict_proba(x)[:, 1]
    rng = np.random.default_rng(2)
    sel = y | (p >= 1e-3) | (rng.random(len(y)) < 0.02)
    log(f"permutation importance on {int(sel.sum()):,} pairs of fold 1")
    imp = permutation_importance(model, x[sel], y[sel], scoring="average_precision",
                                 n_repeats=2, random_state=0)
    order = np.argsort(-imp.importances_mean)
    print("permutation importance (drop of average precision, fold 1, hard pairs): " + ", ".join(
        f"{names[i]} {imp.importances_mean[i]:.4f}" for i in order[:12]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gen", default="synth2-dev",
                    choices=("synth2-dev", "synth2-heldout", "blind"))
    ap.add_argument("--seed", type=int, default=None,
                    help="the blind generator's seed (default 2; synth2's seeds are fixed)")
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--sample", type=float, default=0.2,
                    help="share of the easy non-matching pairs kept for training")
    ap.add_argument("--importance", action="store_true")
    ap.add_argument("--levels-only", action="store_true",
                    help="skip the raw-features variant (faster)")
    args = ap.parse_args()
    if args.seed is not None and args.gen != "blind":
        ap.error("--seed is for --gen blind")
    run(args.gen, args.size, args.sample, args.importance, not args.levels_only,
        2 if args.seed is None else args.seed)


if __name__ == "__main__":
    main()
