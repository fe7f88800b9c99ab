"""The steps after feature_frame give what their straightforward constructions gave (issue #13
item 5, round 10c: blocking costs from columns numbered once per call, rare spellings and name
frequencies once per distinct name; nothing they give may differ)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings

from waspada.matching import blocking
from waspada.matching.blocking import ONE_DOB_MISSING, choose_blocks
from waspada.matching.records import PersonRecord
from waspada.matching.splink_features import (
    RARE_TOKENS_IN_NAME_FREQUENCY,
    TF_MIN,
    feature_frame,
    mark_rare_spellings,
    name_term_frequencies,
)

from .conftest import dataset
from .test_feature_frame import _records

_ALL_BLOCKS = list(dict.fromkeys(blocking.BASE_BLOCKS + blocking.LOOSE_BLOCKS
                                 + blocking.SCALE_BLOCKS))


# --- the constructions before round 10c, kept verbatim -------------------------------------

def reference_block_cost(frames: Sequence[Any], cols: tuple[str, ...]) -> int:
    if ONE_DOB_MISSING in cols:
        return _reference_one_missing_cost(frames, [c for c in cols if c != ONE_DOB_MISSING])
    counts = []
    for f in frames:
        sub = f[list(cols)].dropna()
        counts.append(sub.groupby(list(cols)).size())
    if len(counts) == 1:
        c = counts[0]
        return int((c * (c - 1) // 2).sum())
    a, b = counts[0], counts[1]
    joined = a.to_frame("a").join(b.to_frame("b"), how="inner")
    return int((joined["a"] * joined["b"]).sum())


def _reference_one_missing_cost(frames: Sequence[Any], keys: list[str]) -> int:
    counts = []
    for f in frames:
        sub = f[keys].assign(_missing=f["dob"].isna()).dropna(subset=keys)
        g = sub.groupby(keys)["_missing"]
        counts.append(pd.DataFrame({"all": g.size(), "miss": g.sum()}))
    if len(counts) == 1:
        c = counts[0]
        m, n = c["miss"], c["all"]
        return int((m * (m - 1) // 2 + m * (n - m)).sum())
    j = counts[0].join(counts[1], how="inner", lsuffix="_a", rsuffix="_b")
    return int((j["all_a"] * j["all_b"] - (j["all_a"] - j["miss_a"]) * (j["all_b"] - j["miss_b"])
                ).sum())


def reference_choose_blocks(frames: Sequence[Any], budget: int | None = None
                            ) -> tuple[list[tuple[str, ...]], list[str]]:
    n = sum(len(f) for f in frames)
    budget = budget or max(5_000_000, 30 * n)
    cands = list(blocking.BASE_BLOCKS) + list(
        blocking.LOOSE_BLOCKS if n <= blocking.LOOSE_BLOCKING_MAX else blocking.SCALE_BLOCKS)
    out, said = [], []
    for cols in cands:
        keys = [c for c in cols if c != ONE_DOB_MISSING]
        if not all(c in f.columns for f in frames for c in keys + ["dob"] * (
                ONE_DOB_MISSING in cols)):
            continue
        cost = reference_block_cost(frames, cols)
        if cost > budget:
            said.append(f"  blocking on {'+'.join(cols)} skipped: {cost:,} pairs > budget")
            continue
        out.append(cols)
    return out, said


def reference_mark_rare_spellings(frames: Sequence[Any]) -> None:
    counts: dict[str, int] = {}
    for f in frames:
        for name in f["name_canon"]:
            if isinstance(name, str):
                for t in set(name.split()):
                    counts[t] = counts.get(t, 0) + 1
    for f in frames:
        f["rare_spelling"] = [isinstance(n, str) and any(counts[t] == 1 for t in n.split())
                              for n in f["name_canon"]]


def reference_name_term_frequencies(frames: Sequence[Any]) -> Any:
    n = sum(len(f) for f in frames)
    tok: dict[str, int] = {}
    full: dict[str, list] = {}
    for f in frames:
        for name, toks in zip(f["name_canon"], f["name_tokens"], strict=True):
            if isinstance(name, str):
                if name in full:
                    full[name][0] += 1
                else:
                    full[name] = [1, list(toks)]
                for t in set(toks):
                    tok[t] = tok.get(t, 0) + 1
    rows = []
    for name, (c, toks) in full.items():
        if len(toks) < 2:
            rows.append((name, c / n))
            continue
        prod = 1.0
        for t in sorted(toks, key=tok.__getitem__)[:RARE_TOKENS_IN_NAME_FREQUENCY]:
            prod *= tok[t] / n
        rows.append((name, max(prod, (c - 2) / n, TF_MIN)))
    return pd.DataFrame(rows, columns=["name_canon", "tf_name_canon"]).astype(
        {"name_canon": object, "tf_name_canon": "float64"})


# --- the checks ---------------------------------------------------------------------------

def _same_frame(new: Any, old: Any) -> None:
    """Same columns, dtypes, index, and every cell of the same type and repr (float
    frequencies to the last bit)."""
    assert list(new.columns) == list(old.columns)
    assert list(new.dtypes.astype(str)) == list(old.dtypes.astype(str))
    assert list(new.index) == list(old.index)
    for c in old.columns:
        assert [(type(v).__name__, repr(v)) for v in new[c]] == \
            [(type(v).__name__, repr(v)) for v in old[c]], c


def _check_all(frames: list[Any], budget: int | None = None) -> None:
    """Every step on ``frames`` (one: dedupe; two: link) against its reference."""
    old = [f.copy() for f in frames]
    new = [f.copy() for f in frames]
    reference_mark_rare_spellings(old)
    mark_rare_spellings(new)
    for a, b in zip(new, old, strict=True):
        _same_frame(a, b)
    if not all(len(f) for f in frames):
        return
    _same_frame(name_term_frequencies(new), reference_name_term_frequencies(old))
    for cols in _ALL_BLOCKS:
        if not all(c in new[0].columns for c in cols if c != ONE_DOB_MISSING):
            continue
        assert blocking.block_cost(new, cols) == reference_block_cost(old, cols), cols
    said: list[str] = []
    want, want_said = reference_choose_blocks(old, budget)
    assert choose_blocks(new, said.append, budget=budget) == want
    assert said == want_said


def _halves(frame: Any) -> list[Any]:
    half = len(frame) // 2
    return [frame.iloc[:half].reset_index(drop=True), frame.iloc[half:].reset_index(drop=True)]


def test_fixture_steps_are_identical() -> None:
    recs, _ = dataset()
    frame = feature_frame(recs)
    _check_all([frame])
    _check_all(_halves(frame))
    _check_all([frame], budget=40)  # rules left out and reported the same way
    _check_all(_halves(frame), budget=40)


def test_frames_not_built_by_feature_frame() -> None:
    """Token lists not shared between the rows of a name, a name held with two different
    token lists, NaN and None names, a non-string name, numpy strings, integer-like years."""
    frame = pd.DataFrame({
        "unique_id": [f"R{i}" for i in range(9)],
        "name_canon": ["siti aminah", "siti aminah", None, float("nan"), "budi", 7,
                       np.str_("siti aminah"), "ahmad", "ahmad"],
        "name_tokens": [["sd", "amn"], ["sd", "amn"], [], [], ["bd"], ["x"], ["sd", "amn"],
                        ["ahmd"], ["ahmd", "al"]],
        "rare_phon": ["amn", "amn", None, float("nan"), "bd", "x", "amn", "ahmd", "al"],
        "dob": ["1990-01-01", None, "1990-01-01", None, float("nan"), "1990-01-01",
                "1990-01-01", None, None],
        "dob_year": pd.array([1990, None, 1990, None, None, 1990, 1990, None, None],
                             dtype="Int64"),
        "sex": ["F", "F", None, "M", "M", "F", "F", "M", "M"],
    })
    _check_all([frame])
    _check_all([frame.iloc[:4].reset_index(drop=True), frame.iloc[4:].reset_index(drop=True)])


def test_empty_frames() -> None:
    empty = feature_frame([PersonRecord("A", "Siti")]).iloc[:0]
    _check_all([empty])
    one = feature_frame([PersonRecord("A", "Siti"), PersonRecord("B", "")])
    _check_all([one])


@settings(max_examples=100, deadline=None)
@given(_records(), _records())
def test_messy_records_give_identical_steps(left: list[PersonRecord],
                                            right: list[PersonRecord]) -> None:
    frames = [feature_frame(left + right)]
    if len(frames[0]):
        _check_all(frames)
        _check_all(frames, budget=1)
    if left and right:
        _check_all([feature_frame(left), feature_frame(right)])
