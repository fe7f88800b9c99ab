"""The helpers of bench/matching_unknown_day.py (issue #13, round 24): the injection of a
registry's unknown-day dates, and the model without their level, restored after."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from types import ModuleType

import pytest

from tests.bench_module import bench_module
from waspada.matching import comparisons, priors
from waspada.matching.comparisons import UNKNOWN_DAY_DATES


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    with bench_module("matching_unknown_day") as mod:
        yield mod


def test_a_share_of_the_people_get_unknown_day_dates_of_their_own_year(bench) -> None:  # type: ignore[no-untyped-def]
    from matching_synth2 import generate

    s = generate(2000, 101)
    out, changed = bench.with_unknown_days(s.records, s.person_of, 0.2)
    assert [r.record_id for r in out] == [r.record_id for r in s.records]
    moved = [(a, b) for a, b in zip(s.records, out, strict=True) if a != b]
    assert len(moved) == changed and 0.05 * len(out) < changed < 0.25 * len(out)
    for before, after in moved:
        assert after.birth_date is not None and before.birth_date is not None
        assert after.birth_date.year == before.birth_date.year
        assert after.birth_date.strftime("%m-%d") in UNKNOWN_DAY_DATES
        assert replace(after, birth_date=before.birth_date) == before  # nothing else moved
    people = {s.person_of[a.record_id] for a, _ in moved}
    assert len(people) < changed  # most of a person's records, not single records
    again, n = bench.with_unknown_days(s.records, s.person_of, 0.2)
    assert (again, n) == (out, changed)  # seeded
    assert bench.with_unknown_days(s.records, s.person_of, 0.0) == (list(s.records), 0)


def test_the_model_without_the_level_is_restored_after_also_on_error(bench) -> None:  # type: ignore[no-untyped-def]
    keys = [lv.key for lv in comparisons.birth_date_comparison().levels]
    defaults = dict(priors.DEFAULT_M["birth_date"])
    assert bench.LEVEL in keys
    with pytest.raises(RuntimeError), bench.without_the_level():
        spec = comparisons.BUILDERS["birth_date"]()
        assert [lv.key for lv in spec.levels] == [k for k in keys if k != bench.LEVEL]
        assert priors.DEFAULT_M["birth_date"]["birth_date.exact"] == 0.84
        assert bench.LEVEL not in priors.DEFAULT_M["birth_date"]
        raise RuntimeError
    assert [lv.key for lv in comparisons.birth_date_comparison().levels] == keys
    assert [lv.key for lv in comparisons.BUILDERS["birth_date"]().levels] == keys
    assert priors.DEFAULT_M["birth_date"] == defaults
