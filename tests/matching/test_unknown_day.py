"""A registry's unknown-day birth dates (round 24): 1 July, 31 December and 1 January stand
for "day not known" in Indonesian registries and are shared by far more people than any other
date; the same such date must count as weaker evidence than the same real date."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from tests.matching.conftest import dataset
from waspada.matching.comparisons import UNKNOWN_DAY_DATES, spec_for
from waspada.matching.pipeline import dedupe


def _bayes_factors(model: dict) -> dict[str, float]:
    comp = next(c for c in model["comparisons"] if c["output_column_name"] == "birth_date")
    levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
    spec = spec_for("birth_date")
    assert spec is not None
    return {k: lv["m_probability"] / lv["u_probability"]
            for k, lv in zip(spec.level_keys(comp), levels, strict=True)}


def test_the_same_unknown_day_date_weighs_less_than_the_same_real_date() -> None:
    """A third of the fixture's people written with 1 July of their year: the trained model
    gives the shared 1 July a far smaller Bayes factor than a shared real date, and its
    duplicates are still found."""
    recs, truth = dataset()
    moved = {r.record_id for i, r in enumerate(recs) if i % 3 == 0 and r.birth_date}
    dup_of = {b: a for a, b in truth}

    def day(r):  # type: ignore[no-untyped-def]
        src = dup_of.get(r.record_id, r.record_id)
        if src in moved and r.birth_date:
            return replace(r, birth_date=date(r.birth_date.year, 7, 1))
        return r

    records = [day(r) for r in recs]
    assert sum(r.birth_date is not None and r.birth_date.strftime("%m-%d") in UNKNOWN_DAY_DATES
               for r in records) > len(records) // 4
    res = dedupe(records, threshold=0.9)
    bf = _bayes_factors(json.loads(res.model_json) if isinstance(res.model_json, str)
                        else res.model_json)
    assert bf["birth_date.exact_unknown_day"] * 4 < bf["birth_date.exact"], bf
    cluster = dict(res.clusters)
    found = sum(cluster[a] == cluster[b] for a, b in truth)
    assert found >= 0.9 * len(truth)
