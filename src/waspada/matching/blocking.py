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
    return _Codes(frames).cost(cols)


class _Codes:
    """The frames' columns numbered once per call (issue #13 item 5, round 10c): each column
    is factorised once over all frames (equal values, the same number in every frame; None
    and NaN -1, as ``dropna`` and ``groupby`` treat them), and a rule's groups are the tuples
    of its columns' numbers. Lives only while :func:`choose_blocks` runs: no cache of
    personal data."""

    def __init__(self, frames: Sequence[Any]) -> None:
        self.frames = list(frames)
        self.sizes = [len(f) for f in self.frames]
        self._codes: dict[str, Any] = {}

    def codes(self, col: str) -> Any:
        """Numbers of ``col``'s values over all frames, concatenated (missing: -1)."""
        import numpy as np
        import pandas as pd

        if col not in self._codes:
            values = [f[col].to_numpy(dtype=object) for f in self.frames]
            self._codes[col] = pd.factorize(np.concatenate(values) if len(values) > 1
                                            else values[0])[0].astype(np.int64)
        return self._codes[col]

    def groups(self, keys: list[str]) -> tuple[Any, Any]:
        """Per record, the number of its group on ``keys`` (-1 where any key is missing), and
        the number of groups."""
        import numpy as np

        key = None
        top = 1
        for c in keys:
            code = self.codes(c)
            width = int(code.max()) + 1 if len(code) else 1
            if key is None:
                key, top = code.copy(), width
                continue
            missing = (key < 0) | (code < 0)
            if top * width >= 2 ** 62:  # renumber the tuples so far before widening
                key[~missing] = np.unique(key[~missing], return_inverse=True)[1]
                top = int(key.max()) + 1
            key = key * width + code
            key[missing] = -1
            top *= width
        return key, max(top, 1)

    def cost(self, cols: tuple[str, ...]) -> int:
        """:func:`block_cost` from the numbered columns."""
        import numpy as np

        keys = _keys(cols)
        key, _ = self.groups(keys)
        one_missing = ONE_DOB_MISSING in cols
        if one_missing:
            miss = (self.codes("dob") < 0).astype(np.int64)
        per_frame: list[tuple[Any, Any, Any]] = []
        at = 0
        for size in self.sizes:
            k = key[at:at + size]
            keep = k >= 0
            uniq, inv = np.unique(k[keep], return_inverse=True)
            n = np.bincount(inv, minlength=len(uniq)).astype(np.int64)
            m = np.bincount(inv, weights=miss[at:at + size][keep], minlength=len(uniq)
                            ).astype(np.int64) if one_missing else None
            per_frame.append((uniq, n, m))
            at += size
        if len(per_frame) == 1:
            _, n, m = per_frame[0]
            if one_missing:
                return int((m * (m - 1) // 2 + m * (n - m)).sum())
            return int((n * (n - 1) // 2).sum())
        (ua, na, ma), (ub, nb, mb) = per_frame[0], per_frame[1]
        _, ia, ib = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
        if one_missing:
            return int((na[ia] * nb[ib] - (na[ia] - ma[ia]) * (nb[ib] - mb[ib])).sum())
        return int((na[ia] * nb[ib]).sum())


def choose_blocks(frames: Sequence[Any], progress: Progress | None = None,
                  budget: int | None = None) -> list[tuple[str, ...]]:
    """Base blocks plus, for smaller inputs, looser ones (for larger ones, their tighter
    :data:`SCALE_BLOCKS`); any block whose pair count exceeds the budget (default max(5 M,
    30 x records)) is left out and reported."""
    n = sum(len(f) for f in frames)
    budget = budget or max(5_000_000, 30 * n)
    cands = list(BASE_BLOCKS) + list(LOOSE_BLOCKS if n <= LOOSE_BLOCKING_MAX else SCALE_BLOCKS)
    coded = _Codes(frames)
    out = []
    for cols in cands:
        if not all(c in f.columns for f in frames for c in _keys(cols) + ["dob"] * (
                ONE_DOB_MISSING in cols)):
            continue
        cost = coded.cost(cols)
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
