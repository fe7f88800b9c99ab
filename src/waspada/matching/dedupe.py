"""Batch deduplication and linkage on Splink 5 (DuckDB embedded, Spark distributed).

Records are first turned into an Indonesian feature table (:func:`feature_frame`): canonical
and phonetic name tokens from :mod:`waspada.identity.names`, the joined name key, the rarest
name token (by frequency in the data itself), birth date parts (declared, or derived from the
NIK), sex, NIK and its region, passport, phone and birth place. Splink then blocks on those keys,
compares with Indonesian comparison levels (see :func:`settings`), trains unsupervised (u by
random sampling, m by EM), predicts and clusters at a threshold.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from waspada.matching.features import features_of
from waspada.matching.records import PersonRecord

__all__ = [
    "DedupeResult", "blocking_rules", "dedupe", "feature_frame", "link", "make_db_api",
    "settings",
]

Progress = Callable[[str], None]
DEFAULT_THRESHOLD = 0.5


def _noop(_msg: str) -> None:
    return None


def feature_frame(records: Sequence[PersonRecord], *, token_freq: dict[str, int] | None = None
                  ) -> Any:
    """A pandas DataFrame of Splink input columns, one row per record."""
    import pandas as pd

    rows = []
    for r in records:
        f = features_of(r, keep_record=False)
        toks = list(dict.fromkeys(f.phon + f.patronym_phon))
        bd = f.birth_date
        rows.append({
            "unique_id": r.record_id,
            "name_canon": " ".join(f.tokens) or None,
            "name_sorted": " ".join(sorted(set(f.tokens))) or None,
            "name_phon": " ".join(f.phon) or None,
            "name_phon_sorted": " ".join(sorted(f.phon)) or None,
            "joined": f.joined or None,
            "name_tokens": toks,
            "first_phon": f.phon[0] if f.phon else None,
            "last_phon": f.phon[-1] if f.phon else None,
            "patronym": " ".join(f.patronym) or None,
            "dob": bd.isoformat() if bd else None,
            "dob_year": bd.year if bd else None,
            "dob_md": f"{bd.month:02d}-{bd.day:02d}" if bd else None,
            "dob_dm": f"{bd.day:02d}-{bd.month:02d}" if bd else None,
            "dob_digits": bd.strftime("%Y%m%d") if bd else None,
            "sex": f.sex,
            "nik": f.nik,
            "nik_region": f.nik_region,
            "passport_no": f.passport_no,
            "phone": f.phone,
            "birth_place": f.birth_place,
            "address": (r.address or "").lower().strip() or None,
        })
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    # rarest token (by frequency in this data set) for blocking
    freq: dict[str, int] = dict(token_freq or {})
    if token_freq is None:
        for toks in df["name_tokens"]:
            for t in set(toks):
                freq[t] = freq.get(t, 0) + 1
    ranked = [sorted(t, key=lambda x: (freq.get(x, 0), x)) for t in df["name_tokens"]]
    df["rare_phon"] = [r[0] if r else None for r in ranked]
    df["rare2_phon"] = [r[1] if len(r) > 1 else None for r in ranked]
    df["first3"] = [n.split()[0][:3] if isinstance(n, str) else None for n in df["name_canon"]]
    df["last3"] = [n.split()[-1][:3] if isinstance(n, str) and " " in n else None
                   for n in df["name_canon"]]
    df["dob_year"] = df["dob_year"].astype("Int64")
    return df


#: below this many records, looser blocking rules (rare token alone, sorted phonetic name,
#: birth date alone) are added: they find swapped names and pairs without birth dates, and
#: their blocks stay small
LOOSE_BLOCKING_MAX = 100_000
#: weight of the name-frequency adjustment on the near-exact name levels (reordered, phonetic,
#: similar spelling, one typo): a typo in a rare name is good evidence, but less than the
#: exact rare name
NEAR_NAME_TF_WEIGHT = 0.5


BASE_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("rare_phon", "dob_year"), ("rare_phon", "dob_md"), ("first_phon", "dob"),
    ("last_phon", "dob"), ("joined", "dob"), ("joined", "sex"), ("joined", "dob_year"),
    ("first_phon", "last_phon", "nik_region"), ("nik",), ("passport_no",), ("phone",),
)
LOOSE_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("rare_phon",), ("rare2_phon",), ("name_phon_sorted",), ("dob",), ("first3", "last3"),
    ("first3", "dob_year"), ("last3", "dob_year"),
)


def mark_rare_spellings(frames: Sequence[Any]) -> None:
    """Add ``rare_spelling``: the name has a token no other record in ``frames`` uses."""
    counts: dict[str, int] = {}
    for f in frames:
        for name in f["name_canon"]:
            if isinstance(name, str):
                for t in set(name.split()):
                    counts[t] = counts.get(t, 0) + 1
    for f in frames:
        f["rare_spelling"] = [isinstance(n, str) and any(counts[t] == 1 for t in n.split())
                              for n in f["name_canon"]]


def block_cost(frames: Sequence[Any], cols: tuple[str, ...]) -> int:
    """Pairs a blocking rule generates (dedupe: within one frame; link: across two)."""
    counts = []
    for f in frames:
        sub = f[list(cols)].dropna()
        counts.append(sub.groupby(list(cols)).size())
    if len(counts) == 1:
        c = counts[0]
        return int((c * (c - 1) // 2).sum())
    a, b = counts[0], counts[1]
    joined = a.to_frame("a").join(b.to_frame("b"), how="inner")
    return int((joined["a"] * joined["b"]).sum())


def choose_blocks(frames: Sequence[Any], progress: Progress | None = None,
                  budget: int | None = None) -> list[tuple[str, ...]]:
    """Base blocks plus, for smaller inputs, looser ones; any block whose pair count exceeds
    the budget (default max(5 M, 30 x records)) is left out and reported."""
    n = sum(len(f) for f in frames)
    budget = budget or max(5_000_000, 30 * n)
    cands = list(BASE_BLOCKS) + (list(LOOSE_BLOCKS) if n <= LOOSE_BLOCKING_MAX else [])
    out = []
    for cols in cands:
        if not all(c in f.columns for f in frames for c in cols):
            continue
        cost = block_cost(frames, cols)
        if cost > budget:
            if progress:
                progress(f"  blocking on {'+'.join(cols)} skipped: {cost:,} pairs > budget")
            continue
        out.append(cols)
    return out


def blocking_rules(blocks: Sequence[tuple[str, ...]] | None = None) -> list:
    """Indonesian blocking: rare token + birth year or day/month, first/last token + birth
    date, joined name + sex, and exact identifiers (plus looser rules for small inputs)."""
    from splink import block_on

    return [block_on(*cols) for cols in (blocks if blocks is not None else BASE_BLOCKS)]


def _comparisons(frame_cols: dict[str, bool], *, tf: bool = True) -> list:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    name_exact = cll.ExactMatchLevel("name_canon", term_frequency_adjustments=tf)
    # near-exact names are adjusted by the frequency of the more common of the two names
    name_tf: dict[str, Any] = {"tf_adjustment_column": "name_canon",
                               "tf_adjustment_weight": NEAR_NAME_TF_WEIGHT
                               } if tf and NEAR_NAME_TF_WEIGHT else {}

    def similar_names() -> Any:
        # the first and last names must each be similar too: on the whole string a shared
        # first name alone ("christopher lee" / "christopher ng") reaches 0.93
        return cll.And(cll.JaroWinklerLevel("name_phon", 0.92),
                       cll.JaroWinklerLevel("first_phon", 0.88),
                       cll.JaroWinklerLevel("last_phon", 0.88))

    comps = [
        cl.CustomComparison(
            output_column_name="name",
            comparison_levels=[
                cll.NullLevel("joined"),
                name_exact.configure(label_for_charts="exact canonical name"),
                cll.Or(cll.ExactMatchLevel("joined"), cll.ExactMatchLevel("name_sorted"))
                .configure(label_for_charts="merged or reordered tokens", **name_tf),
                cll.ExactMatchLevel("name_phon_sorted").configure(
                    label_for_charts="phonetic (old spelling, variants)", **name_tf),
                # a misspelling is usually a spelling no other record uses ("rakhael widdip"),
                # while two different real names ("jayde" / "jayden") are both in use
                cll.And(similar_names(), cll.Or(cll.CustomLevel("rare_spelling_l"),
                                                cll.CustomLevel("rare_spelling_r"))).configure(
                    label_for_charts="phonetic jaro-winkler >= 0.92, a spelling seen once",
                    **name_tf),
                similar_names().configure(label_for_charts="phonetic jaro-winkler >= 0.92",
                                          **name_tf),
                cll.DamerauLevenshteinLevel("name_phon", 1).configure(
                    label_for_charts="one typo in the name", **name_tf),
                cll.And(cll.ArraySubsetLevel("name_tokens"),
                        cll.ArrayIntersectLevel("name_tokens", 2)).configure(
                    label_for_charts="extra/missing names, two or more shared"),
                cll.ArraySubsetLevel("name_tokens").configure(
                    label_for_charts="extra/missing names, one shared"),
                cll.ArrayIntersectLevel("name_tokens", 2).configure(
                    label_for_charts="two tokens shared, others conflict"),
                cll.ArrayIntersectLevel("name_tokens", 1).configure(
                    label_for_charts="one token shared, given names conflict"),
                cll.Or(cll.JaroWinklerLevel("first_phon", 0.9),
                       cll.JaroWinklerLevel("last_phon", 0.9)).configure(
                    label_for_charts="one name similar (typo), others conflict"),
                cll.JaroWinklerLevel("name_phon", 0.85).configure(
                    label_for_charts="no token shared, similar spelling (typos)"),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="birth_date",
            comparison_levels=[
                cll.NullLevel("dob"),
                cll.ExactMatchLevel("dob").configure(label_for_charts="exact"),
                cll.CustomLevel("dob_year_l = dob_year_r AND dob_md_l = dob_dm_r",
                                "day/month swap"),
                cll.CustomLevel("dob_md_l = dob_md_r AND "
                                "abs(dob_year_l - dob_year_r) = 1", "one-year shift"),
                cll.CustomLevel("dob_year_l = dob_year_r AND "
                                "(dob_md_l = '01-01' OR dob_md_r = '01-01')",
                                "1 January default"),
                # on the digits, so that a swap across a separator ("1938-11-31" / "1938-11-13",
                # "1930-43-02" / "1934-03-02") is one typo
                cll.DamerauLevenshteinLevel("dob_digits", 1).configure(
                    label_for_charts="one typo"),
                cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 2", "within 2 years"),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"),
                               cll.ElseLevel()],
        ),
    ]
    if frame_cols.get("nik"):
        comps.append(cl.CustomComparison(
            output_column_name="nik",
            comparison_levels=[
                cll.NullLevel("nik"), cll.ExactMatchLevel("nik"),
                cll.ExactMatchLevel("nik_region").configure(
                    label_for_charts="different NIK, same regency"),
                cll.ElseLevel()]))
    for col in ("passport_no", "phone"):
        if frame_cols.get(col):
            comps.append(cl.CustomComparison(
                output_column_name=col,
                comparison_levels=[cll.NullLevel(col), cll.ExactMatchLevel(col),
                                   cll.ElseLevel()]))
    for col in ("birth_place", "address"):
        if frame_cols.get(col) and frame_cols.get("use_address"):
            comps.append(cl.CustomComparison(
                output_column_name=col,
                comparison_levels=[cll.NullLevel(col), cll.ExactMatchLevel(col),
                                   cll.JaroWinklerLevel(col, 0.9), cll.ElseLevel()]))
    return comps


def settings(frame_cols: dict[str, bool], link_type: str = "dedupe_only",
             blocks: Sequence[tuple[str, ...]] | None = None) -> Any:
    """The Splink ``SettingsCreator`` for the columns present in the data."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=_comparisons(frame_cols),
        blocking_rules_to_generate_predictions=blocking_rules(blocks),
        max_iterations=EM_MAX_ITERATIONS,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _present(frames: Sequence[Any], use_address: bool = False) -> dict[str, bool]:
    """Which optional comparisons to use (columns filled in more than 5% of records).

    Birth place and address are off by default: relatives share them, and Splink's
    independence assumption would count them on top of the NIK region.
    """
    cols = ("nik", "passport_no", "phone", "birth_place", "address")
    out = {c: any(c in f.columns and f[c].notna().mean() > 0.05 for f in frames) for c in cols}
    out["use_address"] = use_address
    return out


#: m values used where EM has no data for a level, and bounds on every m value
DEFAULT_M = {
    "name": [0.6, 0.1, 0.05, 0.05, 0.03, 0.03, 0.05, 0.03, 0.01, 0.005, 0.005, 0.02, 0.002],
    "birth_date": [0.85, 0.02, 0.03, 0.02, 0.02, 0.02, 0.005],
    "sex": [0.98, 0.02],
}
#: Splink's default; 100 iterations overfit at scale (1 M synthetic records: pairwise
#: precision 0.69 instead of 0.88 at p >= 0.5)
EM_MAX_ITERATIONS = 25
U_SAMPLE_MIN_PAIRS = 1e6  # random pairs for u (at least)
UNSEEN_U = 1e-5  # u of an agreement level never seen among random pairs
M_BOUNDS = (0.002, 0.998)
#: share of true duplicates whose birth dates are unrelated (a different date was declared),
#: held fixed: EM blocked on the name sees almost nothing but the birth date and puts every
#: birth-date disagreement in the non-match class, yet such duplicates exist (FEBRL: 3.5 % of
#: its true pairs; a double identity may change the age). Namesakes born years apart are kept
#: apart by the name frequency, not by this value.
BIRTH_DATE_ELSE_M = 0.03
#: u by random sampling counts the true matches among the sampled pairs (a share lambda of
#: them); for strong levels (exact name, exact date) in a linkage with one match per record
#: that is most of u. u is corrected to (u - lambda * m) / (1 - lambda), keeping at least
#: this share of the sampled value.
U_CORRECTION_MIN_SHARE = 0.1
#: levels whose Bayes factor m/u is capped: relatives and namesakes share a region, so a
#: different NIK from the same regency is neutral; shared family tokens with conflicting given
#: names (twins, siblings) are evidence *against*, whatever EM learns from typos
WEAK_LEVELS = {"different NIK, same regency": 1.0,
               "one token shared, given names conflict": 0.5,
               "one name similar (typo), others conflict": 0.5,
               "two tokens shared, others conflict": 0.5}


def regularise_model(model: dict, *, correct_u: bool = True) -> dict:
    """Bound EM's m values so no single level is decisive on its own.

    EM can drive a level's m to ~0 (e.g. "different NIK": -100 bits) from a few thousand
    training pairs; bounds keep the evidence additive. Levels EM could not estimate get the
    domain defaults in :data:`DEFAULT_M` (or a neutral 1/levels).
    """
    lam = model.get("probability_two_random_records_match") or 1e-4
    lam = min(max(lam, 1e-8), 0.5)
    model["probability_two_random_records_match"] = lam
    for comp in model.get("comparisons", []):
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        defaults = DEFAULT_M.get(comp.get("output_column_name", ""))
        for i, lv in enumerate(levels):
            m = lv.get("m_probability")
            if m is None:
                if defaults and i < len(defaults):
                    m = defaults[i]
                else:
                    m = 0.9 if i == 0 else (0.01 if i == len(levels) - 1 else 0.05)
            m = min(max(m, M_BOUNDS[0]), M_BOUNDS[1])
            u = lv.get("u_probability") or UNSEEN_U
            label = lv.get("label_for_charts", "")
            if comp.get("output_column_name") == "birth_date" and i == len(levels) - 1:
                m = BIRTH_DATE_ELSE_M
            if correct_u and lv.get("u_probability") and i < len(levels) - 1:
                u_raw = lv["u_probability"]
                lv["u_probability"] = max(u_raw - lam * m, U_CORRECTION_MIN_SHARE * u_raw
                                          ) / (1 - lam)
                u = lv["u_probability"]
            if u and label in WEAK_LEVELS:
                m = min(m, WEAK_LEVELS[label] * u)
            lv["m_probability"] = m
            if lv.get("u_probability") is None:
                lv["u_probability"] = 0.99 if i == len(levels) - 1 else UNSEEN_U
    return model


_SPARK = None


def spark_session(app_name: str = "waspada-matching", master: str | None = None) -> Any:
    """A local (or configured) Spark session; reused within the process."""
    global _SPARK
    if _SPARK is None:
        import tempfile

        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        builder = SparkSession.builder.appName(app_name).master(master or "local[2]")
        # Spark would otherwise create ./spark-warehouse in the caller's directory
        builder = builder.config("spark.sql.warehouse.dir",
                                 tempfile.mkdtemp(prefix="waspada-spark-warehouse-"))
        builder = builder.config("spark.sql.shuffle.partitions",
            os.environ.get("WASPADA_SPARK_PARTITIONS", "4")).config(
            "spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config(
            "spark.driver.memory", "4g").config(
            "spark.jars", similarity_jar_location())
        _SPARK = builder.getOrCreate()
        _SPARK.sparkContext.setLogLevel("ERROR")
        _SPARK.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="waspada-spark-"))
    return _SPARK


def make_db_api(engine: str = "duckdb") -> Any:
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark_session(), break_lineage_method="persist")
    raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")


def name_term_frequencies(frames: Sequence[Any]) -> Any:
    """Term frequencies of the exact canonical name, for Splink's TF adjustment.

    Splink would use the share of records holding the name, which counts the very duplicates
    being looked for: a full name held only by the two records of a true pair looks as rare as
    one held by two strangers. For names of two or more tokens the frequency used here is the
    larger of the share among the *other* records (count - 2) and the product of the
    frequencies of the name's two rarest phonetic tokens (how often the name would arise by
    chance from its parts: "siti aminah" stays common even when only two records carry it,
    "maddison weidenhofer" does not; phonetic, so an old spelling is not taken for a rare name;
    the two rarest only, because common tokens come together: "ni wayan", "muhammad").
    Single names keep their plain share. Everything is computed from the data itself.
    """
    import pandas as pd

    n = sum(len(f) for f in frames)
    tok: dict[str, int] = {}
    full: dict[str, list] = {}
    for f in frames:
        for name, toks in zip(f["name_canon"], f["name_tokens"], strict=True):
            if isinstance(name, str):
                if name in full:
                    full[name][0] += 1
                else:
                    full[name] = [1, list(toks)]
                for t in set(toks):
                    tok[t] = tok.get(t, 0) + 1
    rows = []
    for name, (c, toks) in full.items():
        if len(toks) < 2:
            rows.append((name, c / n))
            continue
        prod = 1.0
        for t in sorted(toks, key=tok.__getitem__)[:RARE_TOKENS_IN_NAME_FREQUENCY]:
            prod *= tok[t] / n
        rows.append((name, max(prod, (c - 2) / n, TF_MIN)))
    return pd.DataFrame(rows, columns=["name_canon", "tf_name_canon"]).astype(
        {"name_canon": object, "tf_name_canon": "float64"})


TF_MIN = 1e-7
RARE_TOKENS_IN_NAME_FREQUENCY = 2


def _register_tf(db_api: Any, engine: str, frames: Sequence[Any]) -> None:
    tf = name_term_frequencies(frames)
    sdf = _register(db_api, engine, tf, _table_name("tf_name"))
    db_api._intermediate_table_cache["__splink__df_tf_name_canon"] = (
        db_api.table_to_splink_dataframe("__splink__df_tf_name_canon", sdf.physical_name))


def _table_name(prefix: str) -> str:
    import uuid

    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def _register(db_api: Any, engine: str, frame: Any, name: str) -> Any:
    if engine == "spark":
        import pyspark.sql.types as T

        spark = spark_session()

        def spark_type(col: str) -> Any:
            if col == "name_tokens":
                return T.ArrayType(T.StringType())
            kind = frame[col].dtype.kind
            if col == "dob_year" or kind in "iu":
                return T.LongType()
            return {"b": T.BooleanType(), "f": T.DoubleType()}.get(kind, T.StringType())

        schema = T.StructType([T.StructField(c, spark_type(c), True) for c in frame.columns])
        pdf = frame.astype(object).where(frame.notna(), None)
        rows = [tuple(r) for r in pdf.itertuples(index=False, name=None)]
        sdf = spark.createDataFrame(rows, schema=schema)
        return db_api.register(sdf, table_name=name)
    return db_api.register(frame, table_name=name)


def _train(tables: Any, initial: Any, n: int, progress: Progress) -> Any:
    """Train a model on ``tables`` and return the regularised linker.

    A failed EM session (too few pairs, degenerate block) rolls back to the model as it was
    before that session; levels left untrained get domain defaults in :func:`regularise_model`.
    """
    from splink import block_on

    linker = _linker(tables, initial)
    progress("estimating the match prior from deterministic rules")
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("nik"), block_on("joined", "dob")], recall=0.7)
    except Exception as exc:  # noqa: BLE001 - no deterministic pairs: keep the default prior
        progress(f"  prior kept at its default ({type(exc).__name__})")
    progress("estimating u (random sampling)")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(5e6, max(U_SAMPLE_MIN_PAIRS, n * 20.0)), seed=42)
    progress("estimating m by EM (blocked on birth date)")
    linker, _ok = _em(tables, linker, block_on("dob"), progress)
    # Birth-date and name levels are estimated on pairs sharing an identifier (NIK, passport or
    # phone): blocking on the name instead lets EM mistake "same common name, same region"
    # for the match class.
    # (an OR of identifiers cannot use a hash join: one identifier at a time, first that works)
    for ident in ("nik", "passport_no", "phone"):
        progress(f"estimating m by EM (blocked on shared {ident})")
        linker, ok = _em(tables, linker, block_on(ident), progress)
        if ok:
            break
    else:
        # no identifier: birth-date levels are estimated on pairs sharing the joined name
        # (with sex when recorded, else the name alone)
        for cols in (("joined", "sex"), ("joined",)):
            progress(f"estimating m by EM (blocked on {' + '.join(cols)})")
            linker, ok = _em(tables, linker, block_on(*cols), progress)
            if ok:
                break
    return _linker(tables, regularise_model(linker.misc.save_model_to_json()))


def _em(tables: Any, linker: Any, rule: Any, progress: Progress) -> tuple[Any, bool]:
    """One EM session; on failure (block too small, EM degenerate) the model is restored."""
    snapshot = linker.misc.save_model_to_json()
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=2e6, estimate_without_term_frequencies=True)
        return linker, True
    except Exception as exc:  # noqa: BLE001 - splink raises several types here
        progress(f"  EM session skipped ({type(exc).__name__}); domain defaults are kept")
        return _linker(tables, snapshot), False


@dataclass
class DedupeResult:
    clusters: list[tuple[str, str]]  # (record_id, cluster_id), every input record
    pairs: list[tuple[str, str, float]]  # scored pairs at or above the threshold
    model_json: dict | None = None


def _load(model: str | Path | dict) -> dict:
    import json

    if isinstance(model, dict):
        return model
    try:
        return json.loads(Path(model).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the model {model}: {exc}") from None


def model_for_engine(model: dict, engine: str) -> dict:
    """Re-express a saved model in ``engine``'s SQL dialect (m, u, prior and the comparisons
    kept), so a model trained on DuckDB runs on Spark and the other way round."""
    dialect = "spark" if engine == "spark" else "duckdb"
    if model.get("sql_dialect") == dialect:
        return model
    names = {c.get("output_column_name") for c in model.get("comparisons", [])}
    cols = {c: c in names for c in ("nik", "passport_no", "phone", "birth_place", "address")}
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


def _linker(tables: Any, model: Any) -> Any:
    from splink import Linker

    return Linker(tables, settings=model, log_level=logging.ERROR)


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def dedupe(records: Sequence[PersonRecord], *, threshold: float = DEFAULT_THRESHOLD,
           engine: str = "duckdb", model: str | Path | dict | None = None,
           save_model: str | Path | None = None, progress: Progress = _noop,
           frame: Any = None, use_address: bool = False) -> DedupeResult:
    """Deduplicate ``records``: train (or load ``model``), predict, cluster at ``threshold``.

    Every input record appears once in ``clusters``; singletons form their own cluster (whose
    id is the record id). ``frame`` may be a precomputed :func:`feature_frame`.
    """
    _quiet_splink()
    if frame is None:
        progress(f"computing features of {len(records):,} records")
        frame = feature_frame(records)
    ids = list(frame["unique_id"]) if len(frame) else []
    if len(ids) < 2:
        return DedupeResult([(i, i) for i in ids], [])
    mark_rare_spellings([frame])
    db_api = make_db_api(engine)
    sdf = _register(db_api, engine, frame, _table_name("records"))
    _register_tf(db_api, engine, [frame])
    if model is not None and not (isinstance(model, (str, Path)) and not Path(model).exists()):
        progress("loading the trained model")
        linker = _linker(sdf, model_for_engine(_load(model), engine))
    else:
        blocks = choose_blocks([frame], progress)
        linker = _train(sdf, settings(_present([frame], use_address), blocks=blocks),
                        len(ids), progress)
    if save_model is not None:
        linker.misc.save_model_to_json(str(save_model), overwrite=True)
    progress("predicting pairs")
    pred = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    progress("clustering")
    clus = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=threshold)
    cdf = clus.as_pandas_dataframe()
    cluster_of = dict(zip(cdf["unique_id"].astype(str), cdf["cluster_id"].astype(str),
                          strict=True))
    pdf = pred.as_pandas_dataframe()
    pairs = [(str(a), str(b), float(p)) for a, b, p in
             zip(pdf["unique_id_l"], pdf["unique_id_r"], pdf["match_probability"], strict=True)
             if p >= threshold]
    model_json = linker.misc.save_model_to_json() if save_model is None else None
    return DedupeResult([(i, cluster_of.get(i, i)) for i in ids], pairs, model_json)


def link(left: Sequence[PersonRecord], right: Sequence[PersonRecord], *,
         threshold: float = DEFAULT_THRESHOLD, engine: str = "duckdb",
         model: str | Path | dict | None = None, progress: Progress = _noop,
         frames: tuple[Any, Any] | None = None, use_address: bool = False,
         save_model: str | Path | None = None, one_to_one: bool = False
         ) -> list[tuple[str, str, float]]:
    """Link two sources: (left_id, right_id, probability) for pairs at or above ``threshold``.

    ``one_to_one``: each record is linked at most once (see :func:`assign_one_to_one`); right
    when each source holds a person at most once, wrong when one may hold several records
    of the same person.
    """
    _quiet_splink()
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
        return []
    mark_rare_spellings([lf, rf])
    db_api = make_db_api(engine)
    ls = _register(db_api, engine, lf, _table_name("left_records"))
    rs = _register(db_api, engine, rf, _table_name("right_records"))
    _register_tf(db_api, engine, [lf, rf])
    if model is not None and not (isinstance(model, (str, Path)) and not Path(model).exists()):
        linker = _linker([ls, rs], model_for_engine(_load(model), engine))
    else:
        blocks = choose_blocks([lf, rf], progress)
        linker = _train([ls, rs], settings(_present([lf, rf], use_address),
                                           link_type="link_only", blocks=blocks),
                        len(lf) + len(rf), progress)
    if save_model is not None:
        linker.misc.save_model_to_json(str(save_model), overwrite=True)
    progress("predicting pairs")
    pred = linker.inference.predict(threshold_match_probability=threshold)
    pdf = pred.as_pandas_dataframe()
    out = []
    for sl, a, b, p in zip(pdf["source_dataset_l"], pdf["unique_id_l"], pdf["unique_id_r"],
                           pdf["match_probability"], strict=True):
        if "left" in str(sl):
            out.append((str(a), str(b), float(p)))
        else:
            out.append((str(b), str(a), float(p)))
    out.sort(key=lambda t: (-t[2], t[0], t[1]))
    return assign_one_to_one(out) if one_to_one else out


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
