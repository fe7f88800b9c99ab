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


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_a_columns_cached_builder_equals_splinks(dialect: str) -> None:
    """Round 24: every ``InputColumn`` Splink makes parses its name with sqlglot (1,124 parses
    in a 20,000-record dedupe); the builder is a frozen dataclass of the name and dialect, so
    the cache hands out the same value. Every column of the model, names that need quoting,
    keywords, brackets, and a name that does not parse at all."""
    from dataclasses import replace

    from splink.internals.input_column import InputColumn, SqlglotColumnTreeBuilder

    splink_cache.install()
    original = splink_cache._ORIGINAL["from_raw_column_name_or_column_reference"]
    names = sorted({c.input_name for comp in settings(
        {**dict.fromkeys(OPTIONAL_COLUMNS, True), "use_address": True}).get_settings(
            dialect).comparisons for c in comp._input_columns_used_by_case_statement})
    names += ["first name", "group", "coordinates['lat']", '"sur NAME"[1]', "first[name",
              "lat long[-1]", "tf_name_canon"]
    assert len(names) > 15
    for name in names:
        want = original(SqlglotColumnTreeBuilder, name, dialect)
        for _ in range(2):  # computed, then from the cache
            got = SqlglotColumnTreeBuilder.from_raw_column_name_or_column_reference(
                name, sqlglot_dialect=dialect)
            assert got == want and got.sql == want.sql
        assert got is SqlglotColumnTreeBuilder.from_raw_column_name_or_column_reference(
            name, dialect)  # parsed once: the cached value itself
        col = InputColumn(name, sqlglot_dialect_str=dialect)
        assert col.name_l == replace(want, column_name=want.column_name + "_l").sql


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


def _with_splinks_exact_match(run):  # type: ignore[no-untyped-def]
    """``run()`` with Splink's own (uncached) exact-match property on every level."""
    from splink.internals.comparison_level import ComparisonLevel

    cached = ComparisonLevel._is_exact_match
    ComparisonLevel._is_exact_match = splink_cache._ORIGINAL["_is_exact_match"]
    try:
        return run()
    finally:
        ComparisonLevel._is_exact_match = cached


def _extra_comparisons(dialect: str) -> list:
    """Levels made to trip a shortcut: an exact match hidden behind absorption, a column
    whose name is shorter than Splink's two-character suffix cut, upper case, a custom AND."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink.internals.dialects import SplinkDialect

    levels = [cll.NullLevel("dob"),
              cll.CustomLevel('"dob_l" = "dob_r" AND ("dob_l" = "dob_r" OR '
                              'jaro_winkler_similarity("joined_l", "joined_r") > 0.9)'),
              cll.CustomLevel("x.nik = y.nik"),
              cll.CustomLevel('"SEX_l" = "SEX_r" AND "nik_l" = "nik_r"'),
              cll.CustomLevel('"ab_l" = "ab_r"'),
              cll.ElseLevel()]
    comp = cl.CustomComparison(comparison_levels=levels, output_column_name="extra")
    return [comp.get_comparison(SplinkDialect.from_string(dialect).sql_dialect_str)]


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_the_training_rule_analysis_chooses_splinks_levels(dialect: str) -> None:
    """Round 10h: the levels a training rule fixes, asked only of the levels that could be
    chosen, are Splink's own choice (the same objects, in the same order) for every rule of
    the pipeline and rules made to trip the shortcut."""
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    splink_cache.install()
    ours = splink_cache.levels_for_training_rule
    splinks = splink_cache._ORIGINAL["levels_for_rule"]
    cols = {**dict.fromkeys(OPTIONAL_COLUMNS, True), "use_address": True}
    comps = settings(cols).get_settings(dialect).comparisons + _extra_comparisons(dialect)
    rules = [block_on(*c) for c in (("dob",), ("nik",), ("passport_no",), ("phone",),
                                     ("joined", "sex"), ("joined",), ("joined", "dob"),
                                     ("name_canon",), ("sex", "nik"), ("ab",), ("n",),
                                     ("dob_year",), ("first_phon", "last_phon"))]
    rules += [CustomRule('l."SEX" = r."SEX" and l.nik = r.nik'), CustomRule("l.x = r.x")]
    chosen_any = 0
    for rule in rules:
        sql = rule.get_blocking_rule(dialect).blocking_rule_sql
        sqlglot_dialect = comps[0].comparison_levels[0].sqlglot_dialect
        got = ours(sql, sqlglot_dialect, comps)
        want = _with_splinks_exact_match(lambda s=sql: splinks(s, sqlglot_dialect, comps))
        assert [(id(d["comparison"]), id(d["level"])) for d in got] == \
            [(id(d["comparison"]), id(d["level"])) for d in want], sql
        chosen_any += bool(want)
    assert chosen_any >= 8


def test_the_shortcut_text_test_never_skips_a_stem() -> None:
    """``_may_name`` says no only where no identifier stem of the level is the column."""
    cols = {**dict.fromkeys(OPTIONAL_COLUMNS, True), "use_address": True}
    levels = [cl for comp in settings(cols).get_settings("duckdb").comparisons
              + _extra_comparisons("duckdb") for cl in comp.comparison_levels
              if not cl._is_else_level]
    names = {stem for cl in levels
             for stem in splink_cache._identifier_stems(cl.sql_condition, "duckdb")}
    names |= {"dob", "nik", "x", "n", "ab", "sex", "SEX", "zzz", "name", "dob_"}
    for cl in levels:
        stems = splink_cache._identifier_stems(cl.sql_condition, cl.sqlglot_dialect)
        for c in names:
            if c in stems:
                assert splink_cache._may_name(cl.sql_condition, cl.sqlglot_dialect, {c})
