"""Shared by the matching tests: the comparison level one pair of records falls in, computed
with the level's own DuckDB SQL on a one-row table."""
from __future__ import annotations

from typing import Any

import duckdb

from waspada.matching.comparisons import ComparisonSpec
from waspada.matching.features import name_features


def name_columns(name: str) -> tuple[str, list[str]]:
    """The first phonetic name and the phonetic tokens of ``name`` (the name guards' columns)."""
    _toks, phon, _pat, pat_phon, _joined = name_features(name)
    return phon[0], list(dict.fromkeys(phon + pat_phon))


def level_of(spec: ComparisonSpec, a: str, b: str, columns: dict[str, tuple[Any, Any]]) -> str:
    """The key of the first level of ``spec`` whose condition holds for two records named ``a``
    and ``b`` with the other ``columns`` (name -> (left value, right value))."""
    (fa, ta), (fb, tb) = name_columns(a), name_columns(b)
    values: dict[str, tuple[Any, Any, str]] = {
        "first_phon": (fa, fb, "varchar"), "name_tokens": (ta, tb, "varchar[]")}
    values.update({c: (left, right, "varchar") for c, (left, right) in columns.items()})
    con = duckdb.connect()
    cols = [f"{c}_{side} {t}" for c, (_l, _r, t) in values.items() for side in ("l", "r")]
    con.execute(f"create table p ({', '.join(cols)})")
    row = [v for left, right, _t in values.values() for v in (left, right)]
    con.execute(f"insert into p values ({', '.join('?' * len(row))})", row)
    for level in spec.levels:
        if level.is_else:
            return level.key
        sql = level.creator.get_comparison_level("duckdb").sql_condition
        if con.execute(f"select coalesce({sql}, false) from p").fetchone() == (True,):
            return level.key
    raise AssertionError("no level")
