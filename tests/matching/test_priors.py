"""Priors, caps and fixed m values refer to comparison levels by stable key (not by position or
chart label), and every key names a level that exists."""

from __future__ import annotations

import ast
import copy
import math
from pathlib import Path

import pytest

from waspada.matching import priors
from waspada.matching.comparisons import BUILDERS, ComparisonSpec, Level, spec_for
from waspada.matching.priors import (
    BIRTH_DATE_ELSE_M,
    DEFAULT_M,
    FIXED_M,
    M_BOUNDS,
    NEUTRAL_LEVELS,
    U_CORRECTION_MIN_SHARE,
    UNSEEN_U,
    WEAK_LEVELS,
    prior_fixed_point,
    regularise_model,
)
from waspada.matching.training import settings

ALL_COLUMNS = {"nik": True, "passport_no": True, "phone": True, "birth_place": True,
               "address": True, "use_address": True}
ALL_KEYS = {lv.key for build in BUILDERS.values() for lv in build().levels}


def _model(lam: float = 1e-4, values: dict[str, tuple[float | None, float | None]] | None = None,
           link_type: str = "dedupe_only") -> dict:
    """A model with every comparison, as Splink writes it before training; ``values`` sets
    (m, u) of levels by key."""
    model = settings(ALL_COLUMNS, link_type=link_type).create_settings_dict("duckdb")  # type: ignore[arg-type]
    model["probability_two_random_records_match"] = lam
    for comp in model["comparisons"]:
        spec = spec_for(comp["output_column_name"])
        assert spec is not None
        scored = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for key, lv in zip(spec.level_keys(comp), scored, strict=True):
            lv["key_for_test"] = key
            m, u = (values or {}).get(key, (None, None))
            lv["m_probability"], lv["u_probability"] = m, u
    return model


def _levels(model: dict) -> dict[str, dict]:
    return {lv["key_for_test"]: lv for c in model["comparisons"]
            for lv in c["comparison_levels"] if "key_for_test" in lv}


def test_each_prior_list_has_one_entry_per_level_keyed_by_level() -> None:
    for name, defaults in DEFAULT_M.items():
        spec = spec_for(name)
        assert spec is not None, name
        keys = [lv.key for lv in spec.scored_levels]
        assert len(defaults) == len(keys), name
        assert list(defaults) == keys, name  # same levels (and, for reading, the same order)


def test_every_splink_comparison_has_the_levels_of_its_spec() -> None:
    model = settings(ALL_COLUMNS).create_settings_dict("duckdb")
    assert {c["output_column_name"] for c in model["comparisons"]} == set(BUILDERS)
    for comp in model["comparisons"]:
        spec = spec_for(comp["output_column_name"])
        assert spec is not None
        assert len(comp["comparison_levels"]) == len(spec.levels)
        assert comp["comparison_levels"][0].get("is_null_level")
        assert len(spec.level_keys(comp)) == len(spec.levels) - 1


def test_weak_and_fixed_levels_name_existing_levels() -> None:
    assert set(WEAK_LEVELS) <= ALL_KEYS
    assert set(FIXED_M) <= ALL_KEYS
    assert set(NEUTRAL_LEVELS) <= ALL_KEYS
    assert {k for d in DEFAULT_M.values() for k in d} <= ALL_KEYS


def test_level_keys_are_unique_and_prefixed_by_their_comparison() -> None:
    for name, build in BUILDERS.items():
        keys = [lv.key for lv in build().levels]
        assert len(set(keys)) == len(keys)
        assert all(k.startswith(name + ".") for k in keys)
    assert len(ALL_KEYS) == sum(len(b().levels) for b in BUILDERS.values())


def test_a_spec_refuses_duplicate_keys_and_a_model_that_does_not_fit() -> None:
    spec = spec_for("sex")
    assert spec is not None
    with pytest.raises(ValueError, match="duplicate"):
        ComparisonSpec("sex", (*spec.levels[:2], Level("sex.same", None), spec.levels[-1]))
    model = _model()
    sex = next(c for c in model["comparisons"] if c["output_column_name"] == "sex")
    sex["comparison_levels"].insert(1, dict(sex["comparison_levels"][1]))
    with pytest.raises(ValueError, match="sex comparison has 3 levels"):
        regularise_model(model)


def test_renaming_chart_labels_does_not_change_priors_or_caps() -> None:
    values = {"nik.same_regency_different": (0.4, 0.01),  # capped to 1.0 * u
              "name.one_shared_given_conflict": (0.3, 0.002),  # capped to 0.5 * u
              "name.two_shared_others_conflict": (0.2, 0.001),
              "name.one_similar_others_conflict": (0.2, 0.004),
              "birth_date.else": (0.2, 0.9)}
    plain = _model(values=values)
    renamed = copy.deepcopy(plain)
    for comp in renamed["comparisons"]:
        for i, lv in enumerate(comp["comparison_levels"]):
            lv["label_for_charts"] = f"reworded label {i}"
    a, b = _levels(regularise_model(plain)), _levels(regularise_model(renamed))
    assert {k: (v["m_probability"], v["u_probability"]) for k, v in a.items()} == {
        k: (v["m_probability"], v["u_probability"]) for k, v in b.items()}
    for key, factor in WEAK_LEVELS.items():
        assert b[key]["m_probability"] == pytest.approx(factor * b[key]["u_probability"])
    assert b["birth_date.else"]["m_probability"] == BIRTH_DATE_ELSE_M


def test_defaults_apply_by_key_whatever_the_order_of_the_table(
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _levels(regularise_model(_model()))
    for key, m in DEFAULT_M["name"].items():
        if key not in WEAK_LEVELS:
            assert expected[key]["m_probability"] == min(max(m, M_BOUNDS[0]), M_BOUNDS[1])
        else:  # capped: u unseen
            assert expected[key]["m_probability"] == WEAK_LEVELS[key] * UNSEEN_U
    reordered = {name: dict(reversed(list(d.items()))) for name, d in DEFAULT_M.items()}
    monkeypatch.setattr(priors, "DEFAULT_M", reordered)
    again = _levels(regularise_model(_model()))
    assert {k: v["m_probability"] for k, v in again.items()} == {
        k: v["m_probability"] for k, v in expected.items()}


def test_regularise_model_removes_true_matches_from_u_in_a_linkage() -> None:
    lam = 1e-3
    out = _levels(regularise_model(_model(lam, {"birth_date.exact": (0.9, 2e-3),
                                                "birth_date.one_typo": (0.05, 1e-5),
                                                "birth_date.else": (0.05, 0.99)},
                                          link_type="link_only")))
    exact, typo, other = (out[f"birth_date.{k}"] for k in ("exact", "one_typo", "else"))
    assert exact["u_probability"] == pytest.approx((2e-3 - lam * 0.9) / (1 - lam))
    # a sampled u smaller than the matches it should contain keeps a share of itself
    assert typo["u_probability"] == pytest.approx(U_CORRECTION_MIN_SHARE * 1e-5 / (1 - lam))
    assert other["u_probability"] == 0.99  # the else level is left as sampled


def test_regularise_model_keeps_the_sampled_u_in_a_dedupe() -> None:
    """Issue #13: in a dedupe the correction only amplified the sampling noise of rare levels
    (a tenfold Bayes factor on near-exact names); the sampled u is kept."""
    out = _levels(regularise_model(_model(1e-3, {"name.similar_rare_spelling": (0.09, 2e-6),
                                                 "birth_date.exact": (0.9, 2e-3)})))
    assert out["name.similar_rare_spelling"]["u_probability"] == 2e-6
    assert out["birth_date.exact"]["u_probability"] == 2e-3


def test_a_shared_phone_is_capped_like_a_household_phone() -> None:
    out = _levels(regularise_model(_model(1e-5, {"phone.same": (0.15, 6e-6),
                                                 "phone.different": (0.85, 1.0)})))
    assert out["phone.same"]["m_probability"] == pytest.approx(64 * 6e-6)


def test_the_prior_is_the_fixed_point_of_the_expected_matches() -> None:
    """Issue #13: lambda = sum of the pairs' match probabilities / all pairs, whatever the
    start (the rules' estimate assumed a recall and grew with namesakes at scale)."""
    sure = [40.0] * 100  # 100 certain matches
    doubtful = [20.0] * 1000  # odds 2^20 * lambda: with lambda ~1e-6 about one in two
    for start in (1e-3, 1e-6, 1e-9):
        lam = prior_fixed_point(sure + doubtful, 1e8, start)
        expected = (100 + 1000 / (1 + 2 ** -(20 + math.log2(lam / (1 - lam))))) / 1e8
        assert lam == pytest.approx(expected, rel=1e-4)
        assert 1e-6 < lam < 1.1e-5
    # at ten times the pairs (a larger input, same matches) the prior is ten times lower
    assert prior_fixed_point(sure, 1e9, 1e-3) == pytest.approx(
        prior_fixed_point(sure, 1e8, 1e-3) / 10, rel=1e-3)
    assert prior_fixed_point([], 1e8, 3e-5) == 3e-5


def test_regularise_model_holds_birth_date_else_m() -> None:
    for m in (1e-5, 0.3):
        out = _levels(regularise_model(_model(1e-6, {"birth_date.exact": (0.9, 1e-4),
                                                     "birth_date.else": (m, 0.99)})))
        assert out["birth_date.else"]["m_probability"] == BIRTH_DATE_ELSE_M


MATCHING = Path(__file__).resolve().parents[2] / "src" / "waspada" / "matching"


def test_matching_reads_no_environment_and_keeps_modules_small() -> None:
    """Configuration comes from the one settings class; no module over ~500 lines."""
    for path in MATCHING.glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert len(src.splitlines()) <= 500, path.name
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                raise AssertionError(f"{path.name} reads the environment")


def test_spark_partitions_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from waspada.platform.settings import Settings

    monkeypatch.setenv("WASPADA_SPARK_PARTITIONS", "16")
    assert Settings().spark_partitions == 16
    monkeypatch.setenv("WASPADA_SPARK_PARTITIONS", "0")
    with pytest.raises(ValidationError):
        Settings()


def test_fit_prior_sets_the_fixed_point_on_the_model(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The linker gets the prior at which the expected matches equal sum(p) (also for a loaded
    model, trained on data of another size)."""
    import pandas as pd

    from waspada.matching import training

    lam0 = 1e-3  # e.g. a model trained on a sample 1,000 times smaller
    offset = math.log2(lam0 / (1 - lam0))
    weights = [40.0] * 50 + [25.0] * 200

    class Fake:
        def __init__(self, model: dict) -> None:
            self.model = model
            self.misc = self
            self.inference = self

        def save_model_to_json(self) -> dict:
            return dict(self.model)

        def predict(self, threshold_match_probability: float) -> Fake:
            return self

        def as_pandas_dataframe(self) -> pd.DataFrame:
            return pd.DataFrame({"match_weight": [w + offset for w in weights]})

    monkeypatch.setattr(training, "linker", lambda tables, model: Fake(model))
    monkeypatch.setattr(training, "pairs_frame", lambda pred: pred.as_pandas_dataframe())
    out = training.fit_prior(None, Fake({"probability_two_random_records_match": lam0}), 1e9,
                             lambda _m: None)
    lam = out.model["probability_two_random_records_match"]
    assert lam == pytest.approx(prior_fixed_point(weights, 1e9, lam0))
    assert lam < 1e-6  # not the prior the model came with
