"""Splink's SQL analysis of a comparison level, done once per level per process (issue #13
item 5, round 10d).

A dedupe builds five Splink linkers and runs two EM sessions on one set of comparisons, and
Splink parses every level's SQL with sqlglot each time: a linker checks that each level's SQL
parses (``ComparisonLevel._validate_sql``, also with ``validate_settings=False``), and each EM
session asks every level whether it is an exact match (``ComparisonLevel._is_exact_match``,
a parse, a normal form and sqlglot's simplifier per level: about 0.3 s CPU per session for the
66 levels). Both answers depend only on the level's SQL text and dialect, so :func:`install`
wraps the two with a cache keyed on exactly those (Splink itself caches the columns a level
reads the same way, ``_input_columns_used_by_sql_condition_cached``). The answers are the
same, errors included: a level whose SQL does not parse raises each time, as before (failures
are not cached).

The first EM session still paid the exact-match analysis once (about 0.3 s CPU of a 5 s
dedupe at 20,000 records, round 10h): sqlglot's normal form and simplifier on the name
comparison's long levels, only to find which levels the training rule fixes. A level is
*chosen* for a rule only if it is an exact match on columns that are all among the rule's
columns (``Settings._get_comparison_levels_corresponding_to_training_blocking_rule``), and
those columns are identifiers of the level's SQL (the simplifier only rearranges what it
parsed); so a level none of whose identifiers, less Splink's ``_l``/``_r`` suffix, is a column
of the rule cannot be chosen, and asking whether it is an exact match changes nothing.
:func:`install` replaces that function with the same steps, asking only the other levels
(a parse per level, cached, instead of the normal form and simplifier).

Round 24: every ``InputColumn`` Splink makes (each linker builds its comparisons' levels
anew) parses its column name with sqlglot: 1,124 parses in a 20,000-record dedupe, 0.085 s
(0.001 s from the cache). The parse's result (``SqlglotColumnTreeBuilder``) is a frozen
dataclass of the name and dialect, which Splink only ever copies with
``dataclasses.replace``, so :func:`install` caches it by (name, dialect) too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["install", "levels_for_training_rule"]

_ORIGINAL: dict[str, Any] = {}
#: distinct (SQL, dialect) keys remembered; a dedupe uses about 70
_CACHE_SIZE = 4096
_PLAIN = re.compile(r"[a-z0-9_]+")


def install() -> None:
    """Wrap ``ComparisonLevel._validate_sql`` and ``ComparisonLevel._is_exact_match`` with a
    cache keyed on (SQL condition, sqlglot dialect, else level): all the two read of a level;
    and a column name's parse (``SqlglotColumnTreeBuilder``) by (name, dialect).
    Idempotent; for the whole process (a plain Splink run in the same process gains too)."""
    if _ORIGINAL:
        return
    from splink.internals.comparison_level import ComparisonLevel

    level: Any = ComparisonLevel  # patched in place: typed loosely
    validate = level._validate_sql
    exact = level._is_exact_match  # a property
    _ORIGINAL["_validate_sql"] = validate
    _ORIGINAL["_is_exact_match"] = exact

    @lru_cache(maxsize=_CACHE_SIZE)
    def validated(sql: str, dialect: str, is_else: bool) -> bool:
        return bool(validate(_Proxy(sql, dialect, is_else)))

    @lru_cache(maxsize=_CACHE_SIZE)
    def exact_match(sql: str, dialect: str, is_else: bool) -> bool:
        return bool(exact.fget(_Proxy(sql, dialect, is_else)))

    def _validate_sql(self: Any) -> bool:
        return validated(self.sql_condition, self.sqlglot_dialect, bool(self._is_else_level))

    def _is_exact_match(self: Any) -> bool:
        return exact_match(self.sql_condition, self.sqlglot_dialect,
                           bool(self._is_else_level))

    level._validate_sql = _validate_sql
    level._is_exact_match = property(_is_exact_match)

    from splink.internals.input_column import SqlglotColumnTreeBuilder

    builder: Any = SqlglotColumnTreeBuilder  # patched in place: typed loosely
    parse_column = builder.from_raw_column_name_or_column_reference.__func__
    _ORIGINAL["from_raw_column_name_or_column_reference"] = parse_column

    @lru_cache(maxsize=_CACHE_SIZE)
    def column(cls: Any, input_str: str, sqlglot_dialect: str | None) -> Any:
        return parse_column(cls, input_str, sqlglot_dialect)

    def from_raw(cls: Any, input_str: str, sqlglot_dialect: str | None = None) -> Any:
        return column(cls, input_str, sqlglot_dialect)

    builder.from_raw_column_name_or_column_reference = classmethod(from_raw)

    from splink.internals.settings import Settings

    settings: Any = Settings  # patched in place: typed loosely
    _ORIGINAL["levels_for_rule"] = \
        settings._get_comparison_levels_corresponding_to_training_blocking_rule
    settings._get_comparison_levels_corresponding_to_training_blocking_rule = staticmethod(
        levels_for_training_rule)


@lru_cache(maxsize=_CACHE_SIZE)
def _identifier_stems(sql: str, dialect: str) -> frozenset[str]:
    """Every identifier of the level's SQL as Splink's exact-match analysis reads it (the
    lowercased SQL, quotes off), less its last two characters (``_l``/``_r``): a superset of
    the columns :attr:`ComparisonLevel._exact_match_colnames` can return."""
    import sqlglot
    from sqlglot import exp

    out: set[str] = set()
    for ident in sqlglot.parse_one(sql.lower(), read=dialect).find_all(exp.Identifier):
        bare = ident.copy()
        bare.args["quoted"] = False
        out.update((bare.sql()[:-2], str(ident.this)[:-2]))
    return frozenset(out)


def _may_name(sql: str, dialect: str, cols: set[str]) -> bool:
    """Whether one of ``cols`` is among :func:`_identifier_stems` of the level's SQL. A
    column of plain characters (lowercase letters, digits, ``_``) that is not even a substring
    of the lowercased SQL is not a stem (an identifier's name is its text, less quotes and
    their doubling), so the parse is skipped then."""
    low = sql.lower()
    if all(_PLAIN.fullmatch(c) and c not in low for c in cols):
        return False
    return bool(cols & _identifier_stems(sql, dialect))


def levels_for_training_rule(blocking_rule_sql: str, sqlglot_dialect: str,
                             comparisons: list[Any]) -> list[dict[str, Any]]:
    """Splink's ``Settings._get_comparison_levels_corresponding_to_training_blocking_rule``
    (splink 5: the same steps, in the same order), asking ``_is_exact_match`` only of the
    levels that could be chosen (see the module): the same levels in the same order."""
    from splink.internals.parse_sql import get_columns_used_from_sql

    blocking_cols = set(get_columns_used_from_sql(blocking_rule_sql,
                                                  sqlglot_dialect=sqlglot_dialect))
    exact_levels = []
    for cc in comparisons:
        for cl in cc.comparison_levels:
            if cl._is_else_level or not _may_name(cl.sql_condition, cl.sqlglot_dialect,
                                                  blocking_cols):
                continue  # never chosen: its exact-match answer cannot matter
            if cl._is_exact_match:
                exact_levels.append({"level": cl, "comparison": cc})
    exact_levels.sort(key=lambda x: -len(x["level"]._exact_match_colnames))
    chosen = []
    for info in exact_levels:
        cols = set(info["level"]._exact_match_colnames)
        if cols.issubset(blocking_cols):
            blocking_cols = blocking_cols - cols
            chosen.append(info)
    return chosen


class _Proxy:
    """What Splink's two methods read of a level: its SQL, dialect and whether it is the
    else level."""

    def __init__(self, sql: str, dialect: str, is_else: bool) -> None:
        self.sql_condition = sql
        self.sqlglot_dialect = dialect
        self._is_else_level = is_else
