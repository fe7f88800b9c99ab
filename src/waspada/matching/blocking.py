"""Blocking: which record pairs Splink compares at all.

Rules are column tuples (``("rare_phon", "dob_year")`` = same rarest token and birth year).
The base rules always apply; looser rules are added for small inputs. Every rule's pair count is
computed on the input first, and a rule over the budget is left out and reported, so a very
common name cannot blow up a national run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["BASE_BLOCKS", "LOOSE_BLOCKING_MAX", "LOOSE_BLOCKS", "ONE_DOB_MISSING",
           "SCALE_BLOCKS", "block_cost", "blocking_rules", "choose_blocks"]

Progress = Callable[[str], None]

#: below this many records, looser blocking rules (rare token where a birth date is missing,
#: sorted phonetic name, birth date alone) are added: they find swapped names and pairs
#: without birth dates, and their blocks stay small
LOOSE_BLOCKING_MAX = 100_000

#: a marker in a rule's columns: the rule pairs only records one of which has no birth date
#: (a filtered rule: the other columns are equal and ``dob`` is missing on at least one side)
ONE_DOB_MISSING = "!one_dob_missing"

BASE_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("rare_phon", "dob_year"), ("rare_phon", "dob_md"), ("first_phon", "dob"),
    ("last_phon", "dob"), ("joined", "dob"), ("joined", "sex"), ("joined", "dob_year"),
    ("first_phon", "last_phon", "nik_region"), ("nik",), ("passport_no",), ("phone",),
)
#: the second-rarest token is taken with the birth day or year, not alone: alone it gave 1.65 M
#: of the 2.46 M blocked pairs at 20,000 records (in a two-token name it is the common one,
#: "siti", "muhammad") and two thirds of the CPU, for 8 true pairs of 4,388 no other rule
#: blocked; with the day or year the same recall and precision (issue #13)
#: The rarest token alone paired 453,000 of the ~0.85 M blocked pairs at 20,000 records (a
#: third of the CPU of the dedupe); with birth dates on both sides the rarest token + year or
#: day/month rules already pair what the model can match, so alone it now pairs only where a
#: birth date is missing (round 6 of issue #13: the same P, R and ECE on both synth2 seeds)
LOOSE_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("rare_phon", ONE_DOB_MISSING), ("rare2_phon", "dob_md"), ("rare2_phon", "dob_year"),
    ("name_phon_sorted",),
    ("dob",), ("first3", "last3"), ("first3", "dob_year"), ("last3", "dob_year"),
)
#: above :data:`LOOSE_BLOCKING_MAX` records, in place of the loose rules: their tighter
#: versions, which keep most of what they found at a small share of the pairs (issue #13: at
#: 200,000 records 2.9 % of the true pairs (1,241 of 42,687, synth2 held-out) were blocked by
#: no rule, many of them a typo in a mononym or a name ("Sukrman" / "SUKIRMAN", "Paijo" /
#: "Paljo") with the same birth date; these three rules add 0.34 M pairs to 5.3 M and block
#: 334 of them. Most of the rest have one birth date missing and a name typo.)
SCALE_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("dob", "first3"), ("dob", "last3"), ("dob_year", "first3", "last3"),
    # every base rule but the name + sex and identifier ones needs a birth date, so a record
    # without one and with a name typo was blocked with nothing at scale (issue #13): the
    # same first and last three letters, or the same rarest token, where a birth date is
    # missing - a few pairs per record without a birth date
    ("first3", "last3", ONE_DOB_MISSING), ("rare_phon", ONE_DOB_MISSING),
)


def _keys(cols: tuple[str, ...]) -> list[str]:
    return [c for c in cols if c != ONE_DOB_MISSING]


def block_cost(frames: Sequence[Any], cols: tuple[str, ...]) -> int:
    """Pairs a blocking rule generates (dedupe: within one frame; link: across two)."""
    if ONE_DOB_MISSING in cols:
        return _one_missing_cost(frames, _keys(cols))
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


def _one_missing_cost(frames: Sequence[Any], keys: list[str]) -> int:
    """Pairs equal on ``keys`` with a birth date missing on one side at least."""
    import pandas as pd

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


def choose_blocks(frames: Sequence[Any], progress: Progress | None = None,
                  budget: int | None = None) -> list[tuple[str, ...]]:
    """Base blocks plus, for smaller inputs, looser ones (for larger ones, their tighter
    :data:`SCALE_BLOCKS`); any block whose pair count exceeds the budget (default max(5 M,
    30 x records)) is left out and reported."""
    n = sum(len(f) for f in frames)
    budget = budget or max(5_000_000, 30 * n)
    cands = list(BASE_BLOCKS) + list(LOOSE_BLOCKS if n <= LOOSE_BLOCKING_MAX else SCALE_BLOCKS)
    out = []
    for cols in cands:
        if not all(c in f.columns for f in frames for c in _keys(cols) + ["dob"] * (
                ONE_DOB_MISSING in cols)):
            continue
        cost = block_cost(frames, cols)
        if cost > budget:
            if progress:
                progress(f"  blocking on {'+'.join(cols)} skipped: {cost:,} pairs > budget")
            continue
        out.append(cols)
    return out


def blocking_rules(blocks: Sequence[tuple[str, ...]] | None = None) -> list:
    """Indonesian blocking: rare token + birth year or day/month, first/last token + birth
    date, joined name + sex, and exact identifiers (plus looser rules for small inputs)."""
    return [rule for cols in (blocks if blocks is not None else BASE_BLOCKS)
            for rule in _rules(cols)]


def _rules(cols: tuple[str, ...]) -> list[Any]:
    """The Splink rules of a column tuple: one, or for :data:`ONE_DOB_MISSING` two, each
    filtered on one side (``l.dob IS NULL``, then ``r.dob IS NULL``), so the engine filters
    that side before the join; ``(l.dob IS NULL OR r.dob IS NULL)`` joined every record
    sharing the keys first (at 200,000 records 8 s more CPU for 0.2 M pairs)."""
    from splink import block_on

    if ONE_DOB_MISSING not in cols:
        return [block_on(*cols)]
    from splink.blocking_rule_library import CustomRule

    keys = " AND ".join(f"l.{c} = r.{c}" for c in _keys(cols))
    return [CustomRule(f"{keys} AND {side}.dob IS NULL") for side in ("l", "r")]
