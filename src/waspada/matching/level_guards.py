"""SQL guards of the comparison levels (issue #13, rounds 7 and 22): cheap conditions in front
of the expensive ones (edit distances, token-array intersections), true for every pair the
expensive level can hold for and false for most others, so the expensive part is computed
only where it may matter. Used by :mod:`waspada.matching.comparisons`, which re-exports them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TWO_TYPOS_MIN_LENGTH", "date_one_edit_guard", "guarded", "one_edit_guard",
           "shares_token", "two_edit_guard", "within_one_edit", "within_two_edits"]

#: names shorter than this are never "two typos" apart: two edits of a short name make
#: another name ("rina" / "dian")
TWO_TYPOS_MIN_LENGTH = 8


def _cll() -> Any:
    import splink.comparison_level_library as cll

    return cll


def guarded(guard: Any, *levels: Any) -> Any:
    """A level equal to ``guard AND levels...`` in SQL's three-valued logic (NULL included,
    so also under ``NOT``), each part computed only where the parts before it are not false:
    ``CASE WHEN NOT (guard) THEN false WHEN NOT (level1) THEN false ... ELSE (guard) AND
    (level1) AND ... END``.

    DuckDB evaluates both sides of an ``AND`` inside a ``CASE WHEN`` for most rows, so a
    cheap guard written as ``guard AND expensive`` saved little; a ``CASE`` branch is
    computed only for its own rows (the birth date's one-typo level: 0.75 s -> 0.25 s CPU on
    a million random pairs, issue #13 round 7). Used where it measured faster; on the name's
    typo and token levels the plain ``AND`` was as fast or faster."""
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    parts = [guard, *levels]

    class Guarded(ComparisonLevelCreator):
        def create_sql(self, sql_dialect: Any) -> str:
            sql = [f"({lv.create_sql(sql_dialect)})" for lv in parts]
            # false as soon as one part is false, each part computed only where the ones
            # before it are not; where none is false, the AND itself (NULL where SQL has it)
            tests = " ".join(f"WHEN NOT {x} THEN false" for x in sql[:-1])
            return f"CASE {tests} ELSE {' AND '.join(sql)} END"

        def create_label_for_charts(self) -> str:
            return " AND ".join(f"({lv.create_label_for_charts()})" for lv in parts)

    return Guarded()


def one_edit_guard(col: str) -> str:
    """SQL true for every pair whose ``col`` values may be within one edit (Damerau-Levenshtein
    <= 1), false for most that are not; cheap (lengths and substrings).

    One insertion, deletion, substitution or adjacent transposition leaves the lengths within
    one of each other and, when both strings are longer than six characters, leaves the first
    three or the last three characters unchanged (an edit at positions i, i+1 spoils the
    prefix only if i < 3 and the suffix only if i + 1 >= n - 3, both only if n <= 6).
    """
    left, right = f"{col}_l", f"{col}_r"
    return (f"abs(length({left}) - length({right})) <= 1 AND "
            f"(substr({left}, 1, 3) = substr({right}, 1, 3) OR "
            f"substr({left}, -3, 3) = substr({right}, -3, 3) OR "
            f"least(length({left}), length({right})) <= 6)")


def within_one_edit(col: str) -> Any:
    """Damerau-Levenshtein <= 1 on ``col``, computed only where :func:`one_edit_guard` holds:
    the same pairs, but the distance (60 % of the time of estimating u at 200,000 records,
    issue #13) is skipped for the ~95 % of random pairs the guard rules out."""
    cll = _cll()
    if col == "dob_digits":  # measured: the CASE form pays off here, not on the names
        return guarded(cll.CustomLevel(f"{date_one_edit_guard()} AND {one_edit_guard(col)}"),
                       cll.DamerauLevenshteinLevel(col, 1))
    return cll.And(cll.CustomLevel(one_edit_guard(col)), cll.DamerauLevenshteinLevel(col, 1))


def date_one_edit_guard() -> str:
    """SQL true for every pair of birth dates whose digits (``dob_digits``, YYYYMMDD) may be
    within one edit: the year or the month and day the same, or the first three digits of
    the year and the day the same. Eight digits each, so one edit is a substitution or a
    swap of neighbours, at positions i, i+1: inside the year (month and day unchanged),
    inside month and day (year unchanged), or the year's last digit with the month's first
    (the rest unchanged). Random pairs of dates pass it about 2 % of the time, against a
    sixth for :func:`one_edit_guard` (decades share their first three digits)."""
    return ("(dob_year_l = dob_year_r OR dob_md_l = dob_md_r OR "
            "(substr(dob_digits_l, 1, 3) = substr(dob_digits_r, 1, 3) AND "
            "substr(dob_digits_l, 7, 2) = substr(dob_digits_r, 7, 2)))")


def two_edit_guard(col: str) -> str:
    """SQL true for pairs of ``col`` values that may be within two edits and long enough for
    two edits to be slips rather than another name (:data:`TWO_TYPOS_MIN_LENGTH`): lengths
    within two of each other, and the first two or the last two characters unchanged (cheap;
    a pair with a slip at both ends is not guarded in and falls to the next level)."""
    left, right = f"{col}_l", f"{col}_r"
    return (f"abs(length({left}) - length({right})) <= 2 AND "
            f"least(length({left}), length({right})) >= {TWO_TYPOS_MIN_LENGTH} AND "
            f"(substr({left}, 1, 2) = substr({right}, 1, 2) OR "
            f"substr({left}, -2, 2) = substr({right}, -2, 2))")


def within_two_edits(col: str) -> Any:
    """Damerau-Levenshtein <= 2 on ``col`` behind :func:`two_edit_guard`."""
    cll = _cll()
    return cll.And(cll.CustomLevel(two_edit_guard(col)), cll.DamerauLevenshteinLevel(col, 2))


def shares_token(col: str) -> Any:
    """A level true when the token arrays ``col`` share at least one token (DuckDB's
    ``list_has_any``, Spark's ``arrays_overlap``): a guard in front of the array levels, which
    all need a shared token, so their intersections are computed only for the ~2 % of random
    pairs that share one (issue #13)."""
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class SharesToken(ComparisonLevelCreator):
        def create_sql(self, sql_dialect: Any) -> str:
            fn = "arrays_overlap" if sql_dialect.sql_dialect_str == "spark" else "list_has_any"
            return f"{fn}({col}_l, {col}_r)"

        def create_label_for_charts(self) -> str:
            return f"{col} share a token"

    return SharesToken()
