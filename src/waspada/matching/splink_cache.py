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
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["install"]

_ORIGINAL: dict[str, Any] = {}
#: distinct (SQL, dialect) keys remembered; a dedupe uses about 70
_CACHE_SIZE = 4096


def install() -> None:
    """Wrap ``ComparisonLevel._validate_sql`` and ``ComparisonLevel._is_exact_match`` with a
    cache keyed on (SQL condition, sqlglot dialect, else level): all the two read of a level.
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


class _Proxy:
    """What Splink's two methods read of a level: its SQL, dialect and whether it is the
    else level."""

    def __init__(self, sql: str, dialect: str, is_else: bool) -> None:
        self.sql_condition = sql
        self.sqlglot_dialect = dialect
        self._is_else_level = is_else
