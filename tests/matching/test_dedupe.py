"""End-to-end dedupe and link on a small fixture (DuckDB), model save/load, Spark path."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.matching.conftest import dataset
from waspada.matching.pipeline import dedupe, link
from waspada.matching.records import read_records
from waspada.matching.training import model_for_engine


def _pair_scores(clusters: list[tuple[str, str]], truth: list[tuple[str, str]]
                 ) -> tuple[float, float]:
    cl = dict(clusters)
    found = {tuple(sorted(p)) for p in truth if cl[p[0]] == cl[p[1]]}
    groups: dict[str, list[str]] = {}
    for rid, c in clusters:
        groups.setdefault(c, []).append(rid)
    predicted = {tuple(sorted((a, b))) for g in groups.values() for i, a in enumerate(g)
                 for b in g[i + 1:]}
    recall = len(found) / len(truth)
    precision = len(found) / len(predicted) if predicted else 1.0
    return precision, recall


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    recs, truth = dataset()
    model = tmp_path_factory.mktemp("model") / "model.json"
    res = dedupe(recs, threshold=0.9, save_model=model)
    return recs, truth, res, model


def test_dedupe_finds_duplicate_identities(trained) -> None:  # type: ignore[no-untyped-def]
    recs, truth, res, _ = trained
    assert len(res.clusters) == len(recs)
    assert {r for r, _ in res.clusters} == {r.record_id for r in recs}
    precision, recall = _pair_scores(res.clusters, truth)
    assert recall >= 0.85 and precision >= 0.9, (precision, recall)


def test_model_round_trip_gives_same_clusters(trained) -> None:  # type: ignore[no-untyped-def]
    recs, _, res, model = trained
    saved = json.loads(Path(model).read_text())
    assert saved["comparisons"] and saved["probability_two_random_records_match"] > 0
    again = dedupe(recs, threshold=0.9, model=model)
    assert sorted(again.clusters) == sorted(res.clusters)


def _two_sources(trained):  # type: ignore[no-untyped-def]
    """(base records, their duplicates, true pairs) from the trained fixture."""
    recs, truth, _, _ = trained
    dup_ids = {b for _, b in truth}
    return ([r for r in recs if r.record_id not in dup_ids],
            [r for r in recs if r.record_id in dup_ids], truth)


def test_link_two_sources(trained) -> None:  # type: ignore[no-untyped-def]
    left, right, truth = _two_sources(trained)
    pairs = link(left, right, threshold=0.9)
    got = {(a, b) for a, b, _ in pairs}
    assert len(got & set(truth)) >= 0.85 * len(truth)
    assert all(0.9 <= p <= 1.0 for _, _, p in pairs)


def test_model_translates_to_spark_dialect(trained) -> None:  # type: ignore[no-untyped-def]
    _, _, _, model = trained
    m = model_for_engine(json.loads(Path(model).read_text()), "spark")
    conds = [lv["sql_condition"] for c in m["comparisons"] for lv in c["comparison_levels"]]
    assert any("`name_canon_l`" in c for c in conds)


def _spark_available() -> bool:
    """The Spark tests take about a minute on a 2-core machine (JVM start, small jobs), so they
    run when WASPADA_TEST_SPARK=1 (CI sets it once, not on both database runs)."""
    if os.environ.get("WASPADA_TEST_SPARK") != "1":
        return False
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


@pytest.mark.skipif(not _spark_available(),
                    reason="set WASPADA_TEST_SPARK=1 (needs pyspark and Java)")
def test_spark_engine_on_a_small_sample(trained, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    recs, truth, res, model = trained
    sample_ids = {r for p in truth[:10] for r in p}
    sample = [r for r in recs if r.record_id in sample_ids] + recs[:60]
    sample = list({r.record_id: r for r in sample}.values())
    spark = dedupe(sample, threshold=0.9, engine="spark", model=model)
    duck = dedupe(sample, threshold=0.9, engine="duckdb", model=model)
    cl_s, cl_d = dict(spark.clusters), dict(duck.clusters)
    same = lambda cl, a, b: cl[a] == cl[b]  # noqa: E731
    for a, b in truth[:10]:
        assert same(cl_s, a, b) == same(cl_d, a, b)
    assert len(set(cl_s.values())) == len(set(cl_d.values()))


@pytest.mark.skipif(not _spark_available(),
                    reason="set WASPADA_TEST_SPARK=1 (needs pyspark and Java)")
def test_spark_engine_trains_its_own_model(trained) -> None:  # type: ignore[no-untyped-def]
    """Training (u sampling, EM, the name-frequency table) on Spark, not only prediction."""
    recs, truth, _, _ = trained
    res = dedupe(recs, threshold=0.9, engine="spark")
    precision, recall = _pair_scores(res.clusters, truth)
    assert recall >= 0.85 and precision >= 0.9, (precision, recall)


def test_read_fixture_file(person_file) -> None:  # type: ignore[no-untyped-def]
    path, _ = person_file
    assert len(read_records(path)) == 640


def test_name_jaro_winkler_level_needs_both_names_similar() -> None:
    """A shared first name alone ("christopher lee" / "christopher ng") is not a typo."""
    import duckdb

    from waspada.matching.comparisons import name_comparison
    from waspada.matching.training import settings

    s = settings({}).create_settings_dict("duckdb")
    name = next(c for c in s["comparisons"] if c["output_column_name"] == "name")
    scored = [lv for lv in name["comparison_levels"] if not lv.get("is_null_level")]
    by_key = dict(zip(name_comparison().level_keys(name), scored, strict=True))
    cond = by_key["name.similar"]["sql_condition"]

    def level(a: str, b: str) -> bool:
        cols = {"name_phon": (a, b), "first_phon": (a.split()[0], b.split()[0]),
                "last_phon": (a.split()[-1], b.split()[-1])}
        sel = ", ".join(f"'{v[0]}' AS \"{c}_l\", '{v[1]}' AS \"{c}_r\"" for c, v in cols.items())
        row = duckdb.connect().execute(f"SELECT {cond} FROM (SELECT {sel})").fetchone()
        return bool(row and row[0])

    assert level("jacinta frencham", "jacina frencham")
    assert not level("christopher lee", "christopher ng")  # whole-string JW 0.93


def test_one_to_one_keeps_each_record_once_best_pair_first() -> None:
    from waspada.matching.pipeline import assign_one_to_one

    pairs = [("a1", "b1", 0.9), ("a1", "b2", 0.8), ("a2", "b1", 0.85), ("a2", "b2", 0.4),
             ("a3", "b3", 0.6), ("a3", "b3x", 0.6)]
    got = assign_one_to_one(pairs)
    assert got == [("a1", "b1", 0.9), ("a3", "b3", 0.6), ("a2", "b2", 0.4)]
    assert len({a for a, _, _ in got}) == len(got) == len({b for _, b, _ in got})


def test_link_one_to_one_is_a_subset_with_each_record_once(trained) -> None:  # type: ignore[no-untyped-def]
    left, right, truth = _two_sources(trained)
    every = link(left, right, threshold=0.2)
    once = link(left, right, threshold=0.2, one_to_one=True)
    assert {(a, b) for a, b, _ in once} <= {(a, b) for a, b, _ in every}
    assert len({a for a, _, _ in once}) == len(once) == len({b for _, b, _ in once})
    assert len({(a, b) for a, b, _ in once} & set(truth)) >= 0.85 * len(truth)


def test_name_frequency_counts_the_parts_not_the_pair() -> None:
    """A full name held by two records only is as common as its tokens make it: "siti aminah"
    stays common, a rare surname makes a rare name; a name held by many is as common as seen."""
    import pandas as pd

    from waspada.matching.splink_features import name_term_frequencies

    names = (["siti aminah"] * 2 + ["siti rahma"] * 40 + ["dewi aminah"] * 40
             + ["budi weidenhofer"] * 2 + ["agus salim"] * 20 + ["eko"] * 6
             + ["ni wayan suardana"] * 2 + ["ni wayan sari"] * 10 + ["ni made suardana"] * 5)
    toks = [n.split() for n in names]
    frame = pd.DataFrame({"name_canon": names, "name_tokens": toks})
    table = name_term_frequencies([frame])
    tf = dict(zip(table["name_canon"], table["tf_name_canon"], strict=True))
    n = len(names)
    assert tf["siti aminah"] == pytest.approx((42 / n) * (42 / n))
    assert tf["budi weidenhofer"] < tf["siti aminah"] / 50
    assert tf["agus salim"] == pytest.approx(18 / n)  # count - 2 of the other records
    assert tf["eko"] == pytest.approx(6 / n)  # single names keep their share


def test_rare_spelling_marks_tokens_seen_once() -> None:
    import pandas as pd

    from waspada.matching.splink_features import mark_rare_spellings

    left = pd.DataFrame({"name_canon": ["rakhael widdup", "jayde glass", None]})
    right = pd.DataFrame({"name_canon": ["rakhael widdip", "jayden glass", "jayde glass",
                                         "jayden ross", "rakhael ross", "widdup x"]})
    mark_rare_spellings([left, right])
    assert list(left["rare_spelling"]) == [False, False, False]
    assert list(right["rare_spelling"]) == [True, False, False, False, False, True]


def test_prior_fit_pass_gives_the_pairs_a_second_prediction_would(trained) -> None:  # type: ignore[no-untyped-def]
    """The pairs scored at the re-estimated prior come from the prior fit's own prediction
    pass (issue #13: one pass over the blocked pairs fewer); they are the pairs, with the
    probabilities, of a fresh prediction with the new prior."""
    import pytest as _pytest

    from waspada.matching.engines import make_db_api, register_frame, table_name
    from waspada.matching.splink_features import feature_frame, mark_rare_spellings
    from waspada.matching.training import fit_prior_and_score, linker

    recs, _, _, model = trained
    frame = feature_frame(recs)
    mark_rare_spellings([frame])
    api = make_db_api("duckdb")
    sdf = register_frame(api, "duckdb", frame, table_name("records"))
    saved = json.loads(Path(model).read_text())
    saved["probability_two_random_records_match"] *= 50  # a prior far from the fixed point
    n = len(recs)
    lk, pdf = fit_prior_and_score(sdf, linker(sdf, saved), n * (n - 1) / 2, lambda _m: None,
                                  floor=0.01)
    fresh = lk.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    got = {(a, b): p for a, b, p in zip(pdf["unique_id_l"], pdf["unique_id_r"],
                                        pdf["match_probability"], strict=True)}
    want = {(a, b): p for a, b, p in zip(fresh["unique_id_l"], fresh["unique_id_r"],
                                         fresh["match_probability"], strict=True)}
    assert got.keys() == want.keys() and len(got) > 10
    for k, p in want.items():
        assert got[k] == _pytest.approx(p, rel=1e-9, abs=1e-12)


def test_link_at_a_precision_target_reports_its_threshold_and_estimates(trained) -> None:  # type: ignore[no-untyped-def]
    from waspada.matching.pipeline import link_review

    left, right, truth = _two_sources(trained)
    res = link_review(left, right, precision=0.99, review_band=(0.001, 1.0))
    c = res.choice
    assert c is not None and c.target == 0.99 and c.threshold >= 0.5
    assert all(p >= c.threshold for _, _, p in res.pairs) and c.pairs == len(res.pairs)
    assert c.precision == pytest.approx(sum(p for *_, p in res.pairs) / len(res.pairs))
    assert c.precision >= 0.99 and 0.0 < c.recall <= 1.0
    assert len({(a, b) for a, b, _ in res.pairs} & set(truth)) >= 0.85 * len(truth)
    fixed = link_review(left, right)  # no option: the fixed 0.5, no target
    assert fixed.choice is not None and fixed.choice.threshold == 0.5
    assert fixed.choice.target is None
    with pytest.raises(ValueError, match="not both"):
        link_review(left, right, threshold=0.9, precision=0.99)
