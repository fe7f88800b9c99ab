"""Batch deduplication and linkage on Splink 5 — the entry point of the batch side.

Records become an Indonesian feature table (:mod:`~waspada.matching.splink_features`); Splink
blocks on its keys (:mod:`~waspada.matching.blocking`), compares with the named Indonesian
comparisons (:mod:`~waspada.matching.comparisons`), trains unsupervised
(:mod:`~waspada.matching.training`, :mod:`~waspada.matching.priors`) on DuckDB or Spark
(:mod:`~waspada.matching.engines`), predicts and clusters at a threshold.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from waspada.matching.assignment import one_to_one_probabilities
from waspada.matching.blocking import choose_blocks
from waspada.matching.clustering import by_component, coherent_clusters, components, pair_key
from waspada.matching.comparisons import present_comparisons
from waspada.matching.engines import (
    make_db_api,
    register_frame,
    register_name_frequencies,
    table_name,
)
from waspada.matching.missingness import adjust_groups, patterns
from waspada.matching.name_levels import add_name_ids
from waspada.matching.name_levels import predict as predict_names_once
from waspada.matching.records import PersonRecord
from waspada.matching.splink_features import feature_frame, mark_rare_spellings
from waspada.matching.threshold import (
    DEFAULT_PRECISION,
    ThresholdChoice,
    check_precision,
    check_threshold,
    choose_threshold,
    estimate,
    of_linked,
)
from waspada.matching.training import (
    LinkType,
    check_model,
    fit_prior_and_score,
    linker,
    load_model,
    model_for_engine,
    pairs_frame,
    quiet_splink,
    settings,
    train,
)

__all__ = ["DEFAULT_PRECISION", "FIXED_THRESHOLD", "DedupeResult", "ThresholdChoice", "frozen_heap",
           "assign_one_to_one", "check_band", "dedupe", "in_band", "link", "link_review",
           "LinkResult", "resolve_threshold", "saved_model"]

Progress = Callable[[str], None]
#: the default threshold, used when neither a threshold nor a precision target is given (a
#: precision target as the default was measured and not adopted: docs/matching.md, "The
#: precision target")
FIXED_THRESHOLD = 0.5
#: pairs scored below this are left out of a one-to-one linkage (as candidates or competitors)
ONE_TO_ONE_FLOOR = 1e-4


def _noop(_msg: str) -> None:
    return None


@dataclass
class DedupeResult:
    clusters: list[tuple[str, str]]  # (record_id, cluster_id), every input record
    pairs: list[tuple[str, str, float]]  # scored pairs at or above the threshold
    model_json: dict | None = None
    splits: int = 0  # chained clusters split by the coherence check
    review: list[tuple[str, str, float]] = field(default_factory=list)  # pairs in the band
    #: the threshold linked at (given, or chosen for a precision target) and its estimates
    choice: ThresholdChoice | None = None


def resolve_threshold(threshold: float | None, precision: float | None
                      ) -> tuple[float | None, float | None]:
    """(threshold, precision target): the target to choose a threshold for, or (target None)
    the threshold to use. Neither given: :data:`FIXED_THRESHOLD`. Both: ``ValueError`` (a
    given threshold has no target). Out-of-range values: ``ValueError``."""
    if precision is None:
        threshold = FIXED_THRESHOLD if threshold is None else threshold
        check_threshold(threshold)
        return threshold, None
    if threshold is not None:
        raise ValueError("give a threshold or a precision target, not both")
    check_precision(precision)
    return None, precision


def _choice(p: Any, threshold: float | None, target: float | None) -> ThresholdChoice:
    """The threshold to link at, with the model's estimates over the scored pairs ``p``
    (probabilities >= :data:`SCORED_FLOOR`)."""
    if target is not None:
        return choose_threshold(p, target)
    assert threshold is not None
    return estimate(p, threshold)


def check_band(band: tuple[float, float] | None) -> None:
    """A review band is two probabilities ``0 < low < high <= 1``; ``ValueError`` otherwise."""
    if band is not None and not 0.0 < band[0] < band[1] <= 1.0:
        raise ValueError("the review band must be two probabilities with 0 < LOW < HIGH <= 1")


def in_band(p: float, band: tuple[float, float] | None) -> bool:
    """``low <= p < high`` (a pair at ``high`` is decided, not uncertain)."""
    return band is not None and band[0] <= p < band[1]


def saved_model(model: str | Path | dict | None,
                link_type: LinkType = "dedupe_only") -> dict | None:
    """The model to use as it is: given as a dict or an existing file (None: train one);
    ``ValueError`` when it is unreadable, no saved model, or trained for the other task."""
    if model is None or (isinstance(model, (str, Path)) and not Path(model).exists()):
        return None
    source = "the model" if isinstance(model, dict) else f"the model {model}"
    return check_model(load_model(model), link_type, source)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The objects alive when a run starts, the modules it imports included, kept out of the
    cyclic garbage collector's full collections while it runs (``gc.freeze``, undone at the
    end): each full collection walked every object of the process — pandas, Splink, sqlglot,
    the caller's records — and the four of a 20,000-record dedupe cost 0.3 s CPU of 4.5
    (issue #13 item 5, round 22). Nothing computed changes: the collector only frees
    unreachable cycles, and the run's own objects are collected as before. A heap the caller
    froze (a pre-fork server sharing its pages) is left as it is; runs in two threads at once
    only lose the saving when the first to end unfreezes."""
    if gc.get_freeze_count():
        yield
        return
    import pandas  # noqa: F401 - imported by the run anyway; frozen with the rest
    import splink.comparison_level_library  # noqa: F401
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: F401

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _in_frozen_heap(run: Callable[_P, _R]) -> Callable[_P, _R]:
    @functools.wraps(run)
    def frozen(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with frozen_heap():
            return run(*args, **kwargs)
    return frozen


@_in_frozen_heap
def dedupe(records: Sequence[PersonRecord], *, threshold: float | None = None,
           precision: float | None = None, engine: str = "duckdb",
           model: str | Path | dict | None = None, save_model: str | Path | None = None,
           progress: Progress = _noop, frame: Any = None, use_address: bool = False,
           review_band: tuple[float, float] | None = None) -> DedupeResult:
    """Deduplicate ``records``: train (or load ``model``), predict, cluster at the threshold
    without chaining (:func:`_coherent`).

    The threshold is ``threshold`` (default :data:`FIXED_THRESHOLD`), or, when a precision
    target ``precision`` is given (e.g. :data:`DEFAULT_PRECISION`), the smallest (>= 0.5) at
    which the mean probability of the scored pairs at or above it reaches the target
    (:mod:`~waspada.matching.threshold`). Giving both is a ``ValueError``. ``choice`` holds
    the threshold used and the estimated precision and recall of the pairs at or above it.

    ``review_band`` (low, high): the scored pairs with ``low <= p < high`` are returned in
    ``review``, for a person to decide (the clusters do not depend on it).

    Every input record appears once in ``clusters``; a cluster's id is its smallest record id
    (a singleton's is its own). ``frame`` may be a precomputed :func:`feature_frame`.
    """
    quiet_splink()
    check_band(review_band)
    threshold, target = resolve_threshold(threshold, precision)
    if frame is None:
        progress(f"computing features of {len(records):,} records")
        frame = feature_frame(records)
    ids = [str(i) for i in frame["unique_id"]] if len(frame) else []
    if len(ids) < 2:
        return DedupeResult([(i, i) for i in ids], [], choice=_choice([], threshold, target))
    mark_rare_spellings([frame])
    if engine == "duckdb":  # the name comparison once per pair of distinct names
        frame = frame.copy()
        add_name_ids(frame)
    db_api = make_db_api(engine)
    sdf = register_frame(db_api, engine, frame, table_name("records"))
    register_name_frequencies(db_api, engine, [frame])
    saved = saved_model(model)
    if saved is not None:
        progress("loading the trained model")
        lk = linker(sdf, model_for_engine(saved, engine))
    else:
        blocks = choose_blocks([frame], progress)
        lk = train(sdf, settings(present_comparisons([frame], use_address), blocks=blocks),
                   len(ids), progress)
    progress("estimating the prior on the blocked pairs")
    band_low = review_band[0] if review_band else 1.0
    lk, pdf = fit_prior_and_score(sdf, lk, len(ids) * (len(ids) - 1) / 2, progress,
                                  min(threshold or 1.0, 0.5, band_low, MISSINGNESS_FLOOR))
    if save_model is not None:
        lk.misc.save_model_to_json(str(save_model), overwrite=True)
    a, b, p = _with_missingness(frame, ids, pdf, progress)
    del pdf
    choice = _choice(p[p >= SCORED_FLOOR], threshold, target)
    scored = _pairs_at(a, b, p, min(choice.threshold, band_low))
    del a, b, p
    pairs = [t for t in scored if t[2] >= choice.threshold]
    review = [t for t in scored if in_band(t[2], review_band)]
    del scored
    progress("clustering")
    cluster_of, splits = _coherent(lk, db_api, engine, frame, ids, pairs, choice.threshold,
                                   progress)
    model_json = lk.misc.save_model_to_json() if save_model is None else None
    return DedupeResult([(i, cluster_of.get(i, i)) for i in ids], pairs, model_json, splits,
                        review, choice)


#: a record's candidates down to this probability share its missingness prior
MISSINGNESS_FLOOR = 1e-3
#: the estimated recall of a threshold counts the pairs scored at or above this probability
SCORED_FLOOR = 1e-3
#: identifiers whose absence may mark a second record of someone: one joint pattern (NIK and
#: phone often go missing together; counted once)
IDENTIFIERS = ("nik", "passport_no", "phone")
#: other fields whose absence may mark a second record (a duplicate written down without a
#: birth date): each a factor of its own, fitted together with the identifiers' pattern
#: (:func:`~waspada.matching.missingness.record_factors`); 1 where its absence says nothing
OTHER_FIELDS = ("dob", "sex")


def _with_missingness(frame: Any, ids: list[str], pdf: Any, progress: Progress
                      ) -> tuple[Any, Any, Any]:
    """The scored pairs with missing identifiers, birth date and sex as record-level evidence
    (:mod:`~waspada.matching.missingness`): a record of a pattern that has duplicates more
    often than a complete record gains, its candidates sharing the gain. Arrays (ids left, ids
    right, probabilities) of every pair, in the frame's order (:func:`_pairs_at` makes the
    tuples of those at or above a floor).

    Vectorised (round 10d): the ids are looked up with a pandas index and the tuples are made
    only for the pairs returned (at 200,000 records about 0.8 M pairs in, 0.1 M out)."""
    import numpy as np
    import pandas as pd

    a = pdf["unique_id_l"].astype(str).to_numpy(dtype=object)
    b = pdf["unique_id_r"].astype(str).to_numpy(dtype=object)
    p = pdf["match_probability"].to_numpy(dtype=float)
    groups = [[c for c in IDENTIFIERS if c in frame.columns]]
    groups += [[c] for c in OTHER_FIELDS if c in frame.columns]
    groups = [g for g in groups if g]
    if len(p) and groups:
        index = pd.Index(ids)
        if index.is_unique:
            left, right = index.get_indexer(a), index.get_indexer(b)
            if (left < 0).any() or (right < 0).any():
                raise KeyError("a scored pair names a record that is not in the frame")
        else:  # repeated ids (not from the CSV reader, which refuses them): the last wins
            at = {i: n for n, i in enumerate(ids)}
            left = np.fromiter((at[x] for x in a), np.int64, len(a))
            right = np.fromiter((at[x] for x in b), np.int64, len(b))
        codes = [patterns({c: frame[c].isna().to_numpy() for c in g}) for g in groups]
        p, found = adjust_groups(left.astype(np.int64), right.astype(np.int64), p, codes)
        shown = [f"{_pattern_name(k, code, frame, g)} {f:.3g}"
                 for g, code, factors in zip(groups, codes, found, strict=True)
                 for k, f in sorted(factors.items()) if k or len(g) > 1 or f != 1.0]
        if any(f != 1.0 for factors in found for f in factors.values()):
            progress("missing identifiers as evidence, factor per pattern: " + ", ".join(shown))
    return a, b, p


def _pairs_at(a: Any, b: Any, p: Any, floor: float | None) -> list[tuple[str, str, float]]:
    """The pairs of :func:`_with_missingness`'s arrays at or above ``floor`` (all when None)
    as (id, id, probability) tuples."""
    if floor is not None:
        keep = p >= floor
        a, b, p = a[keep], b[keep], p[keep]
    return list(zip(a.tolist(), b.tolist(), p.tolist(), strict=True))


def _pattern_name(k: int, code: Any, frame: Any, cols: list[str]) -> str:
    """The identifiers missing in pattern ``k`` (``complete`` when none)."""
    rows = (code == k).nonzero()[0]
    if not len(rows):
        return str(k)
    gone = [c for c in cols if frame[c].isna().iloc[int(rows[0])]]
    return "no " + "/".join(gone) if gone else ("complete" if len(cols) > 1 else
                                                 f"with {cols[0]}")


#: components larger than this are re-clustered on the pairs already scored (all of their
#: pairs would be too many to score)
MAX_SCORED_COMPONENT = 2_000


def _coherent(lk: Any, db_api: Any, engine: str, frame: Any, ids: list[str],
              pairs: list[tuple[str, str, float]], threshold: float, progress: Progress
              ) -> tuple[dict[str, str], int]:
    """Cluster ids without chaining (:mod:`~waspada.matching.clustering`): the connected
    components of the pairs at ``threshold``; every pair inside a component of three or more
    records is scored with the trained model, and the component is re-clustered by average
    linkage. A cluster's id is its smallest record id. Returns (cluster of each id, splits)."""
    prob = {pair_key(a, b): p for a, b, p in pairs}
    comps = components(ids, ((a, b) for a, b, _ in pairs))
    big = [c for c in comps if len(c) >= 3]
    scored = [c for c in big if len(c) <= MAX_SCORED_COMPONENT]
    if scored:
        progress(f"scoring every pair inside {len(scored):,} clusters of 3+ records")
        # pairs already scored keep their probability (it may hold the missingness prior)
        for key, p in _score_inside(lk, db_api, engine, frame, scored).items():
            prob.setdefault(key, p)
    cluster_of: dict[str, str] = {}
    splits = 0
    for comp, inside in zip(comps, by_component(comps, prob), strict=True):
        parts = coherent_clusters(comp, inside, threshold) if len(comp) >= 3 else [comp]
        splits += len(parts) - 1
        for part in parts:
            for i in part:
                cluster_of[i] = part[0]
    if splits:
        progress(f"split {splits:,} chained clusters")
    return cluster_of, splits


def _score_inside(lk: Any, db_api: Any, engine: str, frame: Any,
                  comps: list[list[str]]) -> dict[tuple[str, str], float]:
    """Match probabilities of every pair inside each component (the same trained model,
    blocking on the component)."""
    from splink import block_on

    component = {i: n for n, comp in enumerate(comps) for i in comp}
    sub = frame[frame["unique_id"].astype(str).isin(component)].copy()
    sub["component_id"] = sub["unique_id"].astype(str).map(component)
    model = dict(lk.misc.save_model_to_json())
    dialect = "spark" if engine == "spark" else "duckdb"
    model["blocking_rules_to_generate_predictions"] = [
        block_on("component_id").get_blocking_rule(dialect).as_dict()]
    table = register_frame(db_api, engine, sub, table_name("clusters"))
    inner = linker(table, model)
    if engine == "duckdb":  # the name comparison once per pair of distinct names
        pdf = pairs_frame(predict_names_once(inner, table.physical_name))
    else:
        pdf = pairs_frame(inner.inference.predict())
    return {pair_key(str(a), str(b)): float(p) for a, b, p in
            zip(pdf["unique_id_l"], pdf["unique_id_r"], pdf["match_probability"], strict=True)}


def link(left: Sequence[PersonRecord], right: Sequence[PersonRecord], *,
         threshold: float | None = None, precision: float | None = None,
         engine: str = "duckdb",
         model: str | Path | dict | None = None, progress: Progress = _noop,
         frames: tuple[Any, Any] | None = None, use_address: bool = False,
         save_model: str | Path | None = None, one_to_one: bool = False
         ) -> list[tuple[str, str, float]]:
    """Link two sources: (left_id, right_id, probability) for pairs at or above the threshold
    (``threshold``, default :data:`FIXED_THRESHOLD`, or chosen for the precision target
    ``precision`` as in :func:`dedupe`).

    ``one_to_one``: each record is linked at most once (see :func:`assign_one_to_one`), and
    the probabilities are those of the one-to-one model
    (:func:`~waspada.matching.assignment.one_to_one_probabilities`: a lone candidate gains,
    competing candidates share); right when each source holds a person at most once, wrong
    when one may hold several records of the same person.
    """
    return link_review(left, right, threshold=threshold, precision=precision, engine=engine,
                       model=model,
                       progress=progress, frames=frames, use_address=use_address,
                       save_model=save_model, one_to_one=one_to_one).pairs


@dataclass
class LinkResult:
    pairs: list[tuple[str, str, float]]  # (left_id, right_id, probability) linked
    review: list[tuple[str, str, float]] = field(default_factory=list)  # pairs in the band
    #: the threshold linked at and the estimates of the pairs linked (see :func:`dedupe`)
    choice: ThresholdChoice | None = None


def link_review(left: Sequence[PersonRecord], right: Sequence[PersonRecord], *,
                threshold: float | None = None, precision: float | None = None,
                engine: str = "duckdb",
                model: str | Path | dict | None = None, progress: Progress = _noop,
                frames: tuple[Any, Any] | None = None, use_address: bool = False,
                save_model: str | Path | None = None, one_to_one: bool = False,
                review_band: tuple[float, float] | None = None) -> LinkResult:
    """:func:`link`, plus the scored pairs with ``low <= p < high`` of ``review_band`` (all
    of them, linked or not) for a person to decide, and the threshold's estimates (with
    ``one_to_one``: the threshold is chosen on every candidate pair, the estimates are those
    of the pairs linked)."""
    quiet_splink()
    check_band(review_band)
    threshold, target = resolve_threshold(threshold, precision)
    if frames is None:
        progress(f"computing features of {len(left):,} + {len(right):,} records")
        freq: dict[str, int] = {}
        lf = feature_frame(left)
        rf = feature_frame(right)
        for f in (lf, rf):
            for toks in f["name_tokens"] if not f.empty else []:
                for t in set(toks):
                    freq[t] = freq.get(t, 0) + 1
        lf = feature_frame(left, token_freq=freq)
        rf = feature_frame(right, token_freq=freq)
    else:
        lf, rf = frames
    if lf.empty or rf.empty:
        return LinkResult([], choice=_choice([], threshold, target))
    mark_rare_spellings([lf, rf])
    db_api = make_db_api(engine)
    ls = register_frame(db_api, engine, lf, table_name("left_records"))
    rs = register_frame(db_api, engine, rf, table_name("right_records"))
    register_name_frequencies(db_api, engine, [lf, rf])
    saved = saved_model(model, "link_only")
    if saved is not None:
        lk = linker([ls, rs], model_for_engine(saved, engine))
    else:
        blocks = choose_blocks([lf, rf], progress)
        lk = train([ls, rs], settings(present_comparisons([lf, rf], use_address),
                                      link_type="link_only", blocks=blocks),
                   len(lf) + len(rf), progress)
    if save_model is not None:
        lk.misc.save_model_to_json(str(save_model), overwrite=True)
    progress("predicting pairs")
    # down to SCORED_FLOOR: the estimated recall counts every pair scored at or above it
    floor = min(threshold or 1.0, SCORED_FLOOR, review_band[0] if review_band else 1.0)
    if one_to_one:  # a pair's competitors are part of its one-to-one probability
        floor = min(floor, ONE_TO_ONE_FLOOR)
    pred = lk.inference.predict(threshold_match_probability=floor)
    pdf = pairs_frame(pred)
    out = []
    for sl, a, b, p in zip(pdf["source_dataset_l"], pdf["unique_id_l"], pdf["unique_id_r"],
                           pdf["match_probability"], strict=True):
        if "left" in str(sl):
            out.append((str(a), str(b), float(p)))
        else:
            out.append((str(b), str(a), float(p)))
    if one_to_one:
        lam = lk.misc.save_model_to_json()["probability_two_random_records_match"]
        out = one_to_one_probabilities(out, lam, len(lf), len(rf))
    out.sort(key=lambda t: (-t[2], t[0], t[1]))
    review = [t for t in out if in_band(t[2], review_band)]
    scored = [t[2] for t in out if t[2] >= SCORED_FLOOR]
    choice = _choice(scored, threshold, target)
    out = [t for t in out if t[2] >= choice.threshold]
    if one_to_one:
        out = assign_one_to_one(out)
        choice = of_linked((t[2] for t in out), scored, choice.threshold, choice.target)
    return LinkResult(out, review, choice)


def assign_one_to_one(pairs: Sequence[tuple[str, str, float]]
                      ) -> list[tuple[str, str, float]]:
    """Keep each left and each right record in at most one pair: greedily, the most probable
    pair first (ties by ids, so the result is deterministic).

    For linking two sources that are each free of duplicates (a deduplicated register against
    a deduplicated manifest): a record whose best candidate is taken by a better pair is not
    linked to its second best, and the probabilities themselves are not changed.
    """
    used_l: set[str] = set()
    used_r: set[str] = set()
    out = []
    for a, b, p in sorted(pairs, key=lambda t: (-t[2], t[0], t[1])):
        if a in used_l or b in used_r:
            continue
        used_l.add(a)
        used_r.add(b)
        out.append((a, b, p))
    return out
