"""The Splink model: settings for the data at hand, unsupervised training (u by random
sampling, m by EM, then :func:`~waspada.matching.priors.regularise_model`), and loading a
saved model on either engine."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from waspada.matching.blocking import blocking_rules
from waspada.matching.comparisons import OPTIONAL_COLUMNS, comparisons
from waspada.matching.priors import prior_fixed_point, regularise_model

__all__ = ["EM_MAX_ITERATIONS", "PRIOR_FIT_FLOOR", "U_REST_SHARE", "U_SAMPLE_MIN_PAIRS",
           "U_SEED",
           "estimate_u", "fit_prior",
           "check_model", "fit_prior_and_score", "linker", "load_model", "model_for_engine",
           "pairs_frame", "quiet_splink", "settings", "train"]

Progress = Callable[[str], None]

#: Splink's default; 100 iterations overfit at scale (1 M synthetic records: pairwise
#: precision 0.69 instead of 0.88 at p >= 0.5)
EM_MAX_ITERATIONS = 25
U_SAMPLE_MIN_PAIRS = 1e6  # random pairs for u (at least)
#: the share of those pairs a DuckDB dedupe draws for the other comparisons' rest stratum
#: (the pairs equal on none of their keys): the rare levels are counted exactly or in their
#: keys' strata (round 10f), so the rest only holds the common ones
U_REST_SHARE = 0.1
U_SEED = 42  # the seed of u's sampling
U_CHUNKS = 1  # Splink's random sampling in one chunk (estimate_u)

LinkType = Literal["link_only", "link_and_dedupe", "dedupe_only"]


def settings(frame_cols: dict[str, bool], link_type: LinkType = "dedupe_only",
             blocks: Sequence[tuple[str, ...]] | None = None) -> Any:
    """The Splink ``SettingsCreator`` for the columns present in the data."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(frame_cols),
        blocking_rules_to_generate_predictions=blocking_rules(blocks),
        max_iterations=EM_MAX_ITERATIONS,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def linker(tables: Any, model: Any) -> Any:
    """A Splink linker on ``tables`` with ``model`` (a ``SettingsCreator`` or a model dict).

    Splink's settings validation is not run: it only *logs warnings* (missing columns in the
    comparisons' SQL), which the ERROR log level hides anyway, and it parsed every level's SQL
    with sqlglot on each of the four linkers of a dedupe (0.5 s CPU of 8 at 20,000 records,
    issue #13). A comparison on a missing column still fails when the SQL runs."""
    from splink import Linker

    from waspada.matching.splink_cache import install

    install()  # each level's SQL analysed once per process (round 10d)
    return Linker(tables, settings=model, log_level=logging.ERROR, validate_settings=False)


def quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def train(tables: Any, initial: Any, n: int, progress: Progress) -> Any:
    """Train a model on ``tables`` and return the regularised linker.

    A failed EM session (too few pairs, degenerate block) rolls back to the model as it was
    before that session; levels left untrained get domain defaults in :func:`regularise_model`.
    """
    from splink import block_on

    lk = linker(tables, initial)
    progress("estimating the match prior from deterministic rules")
    try:
        lk.training.estimate_probability_two_random_records_match(
            [block_on("nik"), block_on("joined", "dob")], recall=0.7)
    except Exception as exc:  # noqa: BLE001 - no deterministic pairs: keep the default prior
        _unless_interrupted(exc)
        progress(f"  prior kept at its default ({type(exc).__name__})")
    lk = estimate_u(tables, lk, n, progress)
    progress("estimating m by EM (blocked on birth date)")
    lk, _ok = _em(tables, lk, block_on("dob"), progress)
    # Birth-date and name levels are estimated on pairs sharing an identifier (NIK, passport or
    # phone): blocking on the name instead lets EM mistake "same common name, same region"
    # for the match class.
    # (an OR of identifiers cannot use a hash join: one identifier at a time, first that works)
    by_identifier = False
    for ident in ("nik", "passport_no", "phone"):
        progress(f"estimating m by EM (blocked on shared {ident})")
        lk, ok = _em(tables, lk, block_on(ident), progress)
        if ok:
            by_identifier = True
            break
    else:
        # no identifier: birth-date levels are estimated on pairs sharing the joined name
        # (with sex when recorded, else the name alone)
        for cols in (("joined", "sex"), ("joined",)):
            progress(f"estimating m by EM (blocked on {' + '.join(cols)})")
            lk, ok = _em(tables, lk, block_on(*cols), progress)
            if ok:
                break
    # without an identifier EM never sees a pair whose given names differ (it blocks on the
    # joined name), so the twins' level could not be learnt: it keeps its parent's weight
    return linker(tables, regularise_model(lk.misc.save_model_to_json(),
                                           split_levels_learnt=by_identifier))


def _duckdb_dedupe(tables: Any) -> bool:
    from splink import DuckDBAPI

    return not isinstance(tables, (list, tuple)) and isinstance(
        getattr(tables, "db_api", None), DuckDBAPI)


def estimate_u(tables: Any, lk: Any, n: int, progress: Progress,
               seed: int | None = None) -> Any:
    """The linker with u estimated: for a dedupe on DuckDB the name comparison's u is
    stratified (:mod:`waspada.matching.u_estimation`) and the other comparisons' u comes
    from their equality keys' strata (exact probabilities from value counts) and uniform
    random pairs for the rest, all in one pass (:func:`~waspada.matching.u_estimation.random_u`);
    otherwise Splink's random sampling for every comparison."""
    seed = U_SEED if seed is None else seed
    max_pairs = min(5e6, max(U_SAMPLE_MIN_PAIRS, n * 20.0))
    names = [c for c in lk._settings_obj.comparisons if c.output_column_name == "name"]
    if not (names and _duckdb_dedupe(tables)):
        progress("estimating u (random sampling)")
        # one chunk: our at most 5 M pairs fit in memory on either engine. Splink's chunks (a
        # probe of 1 % plus up to ten, made for samples of billions of pairs) stop early once
        # every level of a comparison has been seen 100 times, so a comparison with a rare
        # level runs all eleven; one pass per comparison counts every sampled pair in one job
        # (Spark spent most of a small file's training on those jobs)
        lk.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed,
                                                     num_chunks=U_CHUNKS)
        return lk
    from waspada.matching.u_estimation import (
        EXACT_KEYS,
        KEY_PAIRS,
        REST_PAIRS,
        random_u,
        stratified_u,
    )

    model = lk.misc.save_model_to_json()
    progress("estimating u (random pairs; the name comparison stratified)")
    others = [c for c in lk._settings_obj.comparisons if c.output_column_name != "name"]
    # all other comparisons on the same uniform random pairs, in one pass (round 7), each
    # stratified by its equality keys: the pairs equal on a key counted exactly (round 10f)
    u_other = random_u(tables.db_api, tables.physical_name, others, seed,
                       int(max_pairs * U_REST_SHARE), keys=EXACT_KEYS)
    # as many pairs as random sampling per million it would take (its 1 M at 20,000
    # records, 4 M at 200,000): half of them, each stratum's rare levels seen far more often
    scale = max_pairs / U_SAMPLE_MIN_PAIRS
    u_name = stratified_u(tables.db_api, tables.physical_name, names[0], seed,
                          n_key=int(KEY_PAIRS * scale), n_rest=int(REST_PAIRS * scale))
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        got = u_name if name == "name" else u_other[name]
        values = sorted(got, reverse=True)
        for lv, v in zip(levels, values, strict=True):
            _set_u(lv, got[v])
    return linker(tables, model)


def _set_u(level: dict, u: float | None) -> None:
    if u:
        level["u_probability"] = u
    else:  # not observed: left to the domain defaults, as Splink leaves it
        level.pop("u_probability", None)


#: pairs scored below this (at the first prior) are left out of the prior's fixed point
PRIOR_FIT_FLOOR = 1e-4


def fit_prior(tables: Any, lk: Any, total_pairs: float, progress: Progress) -> Any:
    """The linker with its prior re-estimated on the data at hand
    (:func:`~waspada.matching.priors.prior_fixed_point`): one prediction pass over the blocked
    pairs. Also for a loaded model: a prior learnt on a sample of n records is about n/N too
    high for N records, so a model trained on a sample would be over-confident at scale."""
    return fit_prior_and_score(tables, lk, total_pairs, progress)[0]


def fit_prior_and_score(tables: Any, lk: Any, total_pairs: float, progress: Progress,
                        floor: float | None = None) -> tuple[Any, Any]:
    """:func:`fit_prior`, and the pairs scored at the new prior with probability >= ``floor``
    (a DataFrame of ``unique_id_l``, ``unique_id_r``, ``match_probability``), taken from the
    same prediction pass: a new prior only shifts every pair's match weight by the change of
    the prior's log-odds, so no second pass over the blocked pairs is needed (issue #13: it
    cost 8 s of 130 at 200,000 records). A second pass runs only when pairs left below
    :data:`PRIOR_FIT_FLOOR` at the old prior could reach ``floor`` at the new one. The frame
    is ``None`` when ``floor`` is None."""
    import math

    import numpy as np

    model = lk.misc.save_model_to_json()
    lam = model["probability_two_random_records_match"]
    pdf = pairs_frame(_predict(tables, lk, PRIOR_FIT_FLOOR))
    new = lam
    if not pdf.empty:
        offset = math.log2(lam / (1 - lam))
        weights = pdf["match_weight"].to_numpy(dtype=float) - offset
        new = prior_fixed_point(weights, total_pairs, lam)
        progress(f"prior of a match re-estimated on the blocked pairs: {lam:.3g} -> {new:.3g}")
        model["probability_two_random_records_match"] = new
        lk = linker(tables, model)
    if floor is None:
        return lk, None
    odds = (new / (1 - new)) / (lam / (1 - lam))  # how much every pair's odds move
    if odds * PRIOR_FIT_FLOOR / (1 - PRIOR_FIT_FLOOR) > floor / (1 - floor):
        progress("predicting pairs")
        return lk, pairs_frame(_predict(tables, lk, floor))
    if pdf.empty:
        return lk, pdf
    x = np.clip(weights + math.log2(new / (1 - new)), -1000.0, 1000.0)
    out = pdf[["unique_id_l", "unique_id_r"]].copy()
    out["match_probability"] = 1.0 / (1.0 + np.exp2(-x))
    return lk, out[out["match_probability"].to_numpy() >= floor].reset_index(drop=True)


#: what the pipeline reads of a prediction: the pair, its weight and probability, and for a
#: linkage which source each side came from
PAIR_COLUMNS = ("unique_id_l", "unique_id_r", "match_weight", "match_probability",
                "source_dataset_l", "source_dataset_r")


def pairs_frame(pred: Any) -> Any:
    """A Splink prediction as pandas, only :data:`PAIR_COLUMNS` (those it has). The whole
    prediction also carries every comparison's inputs, levels, term frequencies and Bayes
    factors for each pair, which the pipeline never reads (the same results; at 1,000,000
    records the peak memory is DuckDB's prediction, not this frame: docs/matching.md,
    "Memory")."""
    present = {c.unquote().name for c in pred.columns}
    cols = ", ".join(c for c in PAIR_COLUMNS if c in present)
    result = pred.db_api._execute_sql_against_backend(
        f"select {cols} from {pred.physical_name}")  # noqa: S608 - Splink's own names
    return result.toPandas() if hasattr(result, "toPandas") else result.to_df()


def _predict(tables: Any, lk: Any, threshold: float) -> Any:
    """Splink's prediction; for a DuckDB dedupe with name ids the name comparison is computed
    once per distinct pair of names (:mod:`waspada.matching.name_levels`), the same levels."""
    if _duckdb_dedupe(tables):
        from waspada.matching.name_levels import predict

        return predict(lk, tables.physical_name, threshold)
    return lk.inference.predict(threshold_match_probability=threshold)


def _unless_interrupted(exc: Exception) -> None:
    """Re-raise ``exc`` when it is a stopped run (Ctrl+C, SIGTERM: DuckDB's "Query
    interrupted"), which a step that tolerates failures must not take for one and go on."""
    from waspada.matching.engines import interrupted

    if interrupted(exc):
        raise exc


def _em(tables: Any, lk: Any, rule: Any, progress: Progress) -> tuple[Any, bool]:
    """One EM session; on failure (block too small, EM degenerate) the model is restored."""
    snapshot = lk.misc.save_model_to_json()
    try:
        lk.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=2e6, estimate_without_term_frequencies=True)
        return lk, True
    except Exception as exc:  # noqa: BLE001 - splink raises several types here
        _unless_interrupted(exc)
        progress(f"  EM session skipped ({type(exc).__name__}); domain defaults are kept")
        return linker(tables, snapshot), False


def load_model(model: str | Path | dict) -> dict:
    """A saved model (Splink's JSON) from a dict or a file; ``ValueError`` when unreadable."""
    if isinstance(model, dict):
        return model
    try:
        return json.loads(Path(model).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the model {model}: {exc}") from None


_TRAINED_BY = {"dedupe_only": "identity dedupe", "link_only": "identity link"}


def check_model(model: Any, link_type: LinkType, source: str = "the model") -> dict:
    """``model`` if it is a saved model of ``link_type``; ``ValueError`` naming what is wrong
    otherwise (before: a JSON file that was no model failed the run with "KeyError:
    'comparisons'", and a dedupe model given to a linkage with Splink's "If link_type = "dedupe
    only" then input tables must contain only a single input table")."""
    comparisons = model.get("comparisons") if isinstance(model, dict) else None
    if (not isinstance(comparisons, list) or not comparisons
            or not all(isinstance(c, dict) and isinstance(c.get("comparison_levels"), list)
                       and c.get("output_column_name") for c in comparisons)):
        raise ValueError(f"{source} is not a model saved by waspada identity dedupe or link "
                         "(no comparisons)")
    trained = model.get("link_type")
    if trained != link_type:
        by = _TRAINED_BY.get(str(trained))
        raise ValueError(f"{source} was trained by {by}; {_TRAINED_BY[link_type]} needs a model "
                         f"trained by {_TRAINED_BY[link_type]}" if by else
                         f"{source} has link_type {str(trained)[:40]!r}, not {link_type!r}")
    return model


def model_for_engine(model: dict, engine: str) -> dict:
    """Re-express a saved model in ``engine``'s SQL dialect (m, u, prior and the comparisons
    kept), so a model trained on DuckDB runs on Spark and the other way round."""
    dialect = "spark" if engine == "spark" else "duckdb"
    if model.get("sql_dialect") == dialect:
        return model
    names = {c.get("output_column_name") for c in model.get("comparisons", [])}
    cols = {c: c in names for c in OPTIONAL_COLUMNS}
    cols["use_address"] = "birth_place" in names or "address" in names
    fresh = settings(cols, link_type=model.get("link_type", "dedupe_only")
                     ).create_settings_dict(dialect)
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    for comp in fresh["comparisons"]:
        old = by_name.get(comp["output_column_name"])
        if old is None or len(old["comparison_levels"]) != len(comp["comparison_levels"]):
            raise ValueError(f"the model does not fit this version ({comp['output_column_name']})")
        for new_lv, old_lv in zip(comp["comparison_levels"], old["comparison_levels"],
                                  strict=True):
            for k in ("m_probability", "u_probability"):
                if old_lv.get(k) is not None:
                    new_lv[k] = old_lv[k]
    fresh["probability_two_random_records_match"] = model.get(
        "probability_two_random_records_match", 1e-4)
    return fresh
