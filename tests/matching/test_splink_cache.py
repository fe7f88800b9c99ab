"""Splink's per-level SQL analysis cached per (SQL, dialect) (issue #13 item 5, round 10d):
the same answers as Splink's own methods for every level of the model, errors included."""

from __future__ import annotations

import pytest

from waspada.matching import splink_cache
from waspada.matching.comparisons import OPTIONAL_COLUMNS
from waspada.matching.training import settings


def _levels(dialect: str) -> list:
    cols: dict[str, bool] = dict.fromkeys(OPTIONAL_COLUMNS, True)
    cols["use_address"] = True
    return [cl for comp in settings(cols).get_settings(dialect).comparisons
            for cl in comp.comparison_levels]


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_cached_answers_equal_splinks_for_every_level(dialect: str) -> None:
    splink_cache.install()
    splink_cache.install()  # idempotent
    exact = splink_cache._ORIGINAL["_is_exact_match"]
    validate = splink_cache._ORIGINAL["_validate_sql"]
    levels = _levels(dialect)
    assert len(levels) > 40
    found = []
    for cl in levels:
        for _ in range(2):  # computed, then from the cache
            assert cl._is_exact_match is exact.fget(cl)
            assert cl._validate_sql() == validate(cl)
        found.append(cl._is_exact_match)
    assert any(found) and not all(found)  # both answers occur


def test_the_em_blocking_analysis_is_unchanged() -> None:
    from splink.internals.settings import Settings

    splink_cache.install()
    comps = settings({**dict.fromkeys(OPTIONAL_COLUMNS, True), "use_address": False}
                     ).get_settings("duckdb").comparisons
    analyse = Settings._get_comparison_levels_corresponding_to_training_blocking_rule
    for rule in ('l."dob" = r."dob"', 'l."nik" = r."nik"', 'l."phone" = r."phone"',
                 'l."joined" = r."joined" and l."sex" = r."sex"'):
        got = [(d["comparison"].output_column_name, d["level"].sql_condition)
               for d in analyse(rule, "duckdb", comps)]
        # the same analysis with Splink's own (uncached) exact-match test
        prop = type(comps[0].comparison_levels[0])._is_exact_match
        try:
            type(comps[0].comparison_levels[0])._is_exact_match = \
                splink_cache._ORIGINAL["_is_exact_match"]
            want = [(d["comparison"].output_column_name, d["level"].sql_condition)
                    for d in analyse(rule, "duckdb", comps)]
        finally:
            type(comps[0].comparison_levels[0])._is_exact_match = prop
        assert got == want and got


def test_sql_that_does_not_parse_still_fails_every_time() -> None:
    from splink.internals.comparison_level import ComparisonLevel
    from splink.internals.dialects import SplinkDialect

    splink_cache.install()
    for _ in range(2):
        with pytest.raises(ValueError, match="Error parsing"):
            ComparisonLevel("name_l = = (", SplinkDialect.from_string("duckdb"))
