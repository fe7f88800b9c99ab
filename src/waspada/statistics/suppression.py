"""Small-cell suppression for published two-way tables (pure; scipy for the audit).

A table is ``rows x columns`` of counts plus its row totals, column totals and grand total,
all published. Rules (the Counter-Trafficking Data Collaborative's threshold, k = 11):

1. **Primary**: every cell *or total* with ``0 < count < k`` is suppressed. Zeros are
   published (an empty cell identifies no one).
2. **Complementary**: in the table extended by its totals, a row or column with exactly one
   suppressed entry would give that entry away by subtraction, so another entry of that
   line is suppressed too (the smallest non-zero one, preferring entries whose other line is
   already suppressed, so the pattern stays small). Repeated until no line has exactly one.
3. **Audit**: for every suppressed entry, linear programming finds the least and greatest
   value it can take given everything published (the table's constraint matrix is totally
   unimodular, so the bounds are whole numbers). An entry whose bounds coincide is exactly
   recoverable (a "bridge" in the suppression pattern); another entry is then suppressed in
   its row and the audit re-runs.

:func:`suppress_linked` does the same for several tables that share their row totals (for
example province x month and province x destination): a row total suppressed in one table
is suppressed in all of them, so one table cannot give away what another hides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

__all__ = ["DEFAULT_K", "SuppressedTable", "bounds", "suppress", "suppress_linked"]

DEFAULT_K = 11

Pos = tuple[int, int]


@dataclass
class SuppressedTable:
    """A table extended by its totals: entry ``(i, C)`` is row ``i``'s total, ``(R, j)``
    column ``j``'s total and ``(R, C)`` the grand total. ``suppressed`` holds every hidden
    entry; ``primary`` the ones hidden for being small."""

    rows: list[str]
    columns: list[str]
    values: list[list[int]]
    suppressed: set[Pos] = field(default_factory=set)
    primary: set[Pos] = field(default_factory=set)
    k: int = DEFAULT_K

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.columns)

    def published(self, i: int, j: int) -> int | None:
        """The value to publish at extended position (i, j), or None if suppressed."""
        return None if (i, j) in self.suppressed else self.values[i][j]

    def cell(self, i: int, j: int) -> int | None:
        return self.published(i, j)

    def row_total(self, i: int) -> int | None:
        return self.published(i, len(self.columns))

    def column_total(self, j: int) -> int | None:
        return self.published(len(self.rows), j)

    @property
    def total(self) -> int | None:
        return self.published(len(self.rows), len(self.columns))


def _extend(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    r = len(counts)
    c = len(counts[0]) if r else 0
    ext = [list(map(int, row)) + [sum(map(int, row))] for row in counts]
    ext.append([sum(ext[i][j] for i in range(r)) for j in range(c + 1)])
    return ext


def _lines(r: int, c: int) -> list[list[Pos]]:
    """Every additive line of the extended table: each row (cells + its total) and column."""
    rows = [[(i, j) for j in range(c + 1)] for i in range(r + 1)]
    cols = [[(i, j) for i in range(r + 1)] for j in range(c + 1)]
    return rows + cols


def bounds(values: list[list[int]], suppressed: set[Pos]) -> dict[Pos, tuple[float, float]]:
    """Least and greatest value of each suppressed entry given the published ones (LP)."""
    r = len(values) - 1
    return _bounds_linked([(values, suppressed)], r)


def _bounds_linked(tables: Sequence[tuple[list[list[int]], set[Pos]]], r: int,
                   only: set[Pos] | None = None) -> dict[Pos, tuple[float, float]]:
    """Bounds for the first table's suppressed entries, the row totals (and grand total)
    of every table being the same unknowns."""
    var: dict[tuple[int, Pos], int] = {}
    for t, (values, supp) in enumerate(tables):
        c = len(values[0]) - 1
        for pos in sorted(supp):
            i, j = pos
            key = (-1, (i, 0)) if j == c else (t, pos)
            if key not in var:
                var[key] = len(var)
    if not var:
        return {}
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []
    for t, (values, supp) in enumerate(tables):
        c = len(values[0]) - 1
        for line in _lines(r, c):
            row = np.zeros(len(var))
            rhs = 0.0
            for pos in line:
                i, j = pos
                sign = -1.0 if (pos == line[-1]) else 1.0
                if pos in supp:
                    key = (-1, (i, 0)) if j == c else (t, pos)
                    row[var[key]] += sign
                else:
                    rhs -= sign * values[i][j]
            if row.any():
                a_eq.append(row)
                b_eq.append(rhs)
    a = np.array(a_eq) if a_eq else None
    b = np.array(b_eq) if b_eq else None
    values0, supp0 = tables[0]
    c0 = len(values0[0]) - 1
    out: dict[Pos, tuple[float, float]] = {}
    for pos in sorted(supp0 if only is None else supp0 & only):
        key = (-1, (pos[0], 0)) if pos[1] == c0 else (0, pos)
        obj = np.zeros(len(var))
        obj[var[key]] = 1.0
        lo = linprog(obj, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-obj, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if lo.status != 0 or hi.status not in (0, 3):  # pragma: no cover - true values fit
            raise RuntimeError("suppression audit: the published table is inconsistent")
        top = math.inf if hi.status == 3 else round(-hi.fun, 6)  # 3: unbounded above
        out[pos] = (round(lo.fun, 6), top)
    return out


def _pick(values: list[list[int]], line: list[Pos], supp: set[Pos], r: int, c: int,
          forbid: set[Pos]) -> Pos | None:
    """The entry of ``line`` to suppress next (smallest non-zero, cheapest pattern)."""
    free = [p for p in line if p not in supp and p not in forbid]
    if not free:
        return None

    def other_line_has(pos: Pos) -> bool:
        i, j = pos
        same_row = all(q[0] == i for q in line)
        other = [(x, j) for x in range(r + 1)] if same_row else [(i, y) for y in range(c + 1)]
        return any(q in supp for q in other)

    return min(free, key=lambda p: (values[p[0]][p[1]] == 0, not other_line_has(p),
                                    values[p[0]][p[1]], p))


def _complete(values: list[list[int]], supp: set[Pos], forbid: set[Pos]) -> None:
    r, c = len(values) - 1, len(values[0]) - 1
    changed = True
    while changed:
        changed = False
        for line in _lines(r, c):
            if sum(p in supp for p in line) == 1:
                pick = _pick(values, line, supp, r, c, forbid)
                if pick is not None:
                    supp.add(pick)
                    changed = True


def _cycle_certified(values: list[list[int]], supp: set[Pos], pos: Pos, shared: set[Pos]
                     ) -> bool:
    """True if ``pos`` lies on a cycle of hidden entries, all at least 1 and none shared with
    another table: moving 1 unit around that cycle keeps every published value, so the
    entry takes at least two values (no LP needed)."""
    i0, j0 = pos
    if values[i0][j0] < 1 or pos in shared:
        return False
    usable = [p for p in supp if p != pos and p not in shared and values[p[0]][p[1]] >= 1]
    adj: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for i, j in usable:
        adj.setdefault(("r", i), []).append(("c", j))
        adj.setdefault(("c", j), []).append(("r", i))
    start, goal = ("r", i0), ("c", j0)
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in adj.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _exact(values: list[list[int]], supp: set[Pos],
           others: Sequence[tuple[list[list[int]], set[Pos]]]) -> list[Pos]:
    """Hidden entries whose value the published figures pin down (graph first, then LP)."""
    r, c = len(values) - 1, len(values[0]) - 1
    shared = {p for p in supp if p[1] == c} if others else set()
    doubtful = {p for p in supp if not _cycle_certified(values, supp, p, shared)}
    if not doubtful:
        return []
    ranges = _bounds_linked([(values, supp), *others], r, only=doubtful)
    return [p for p, (lo, hi) in sorted(ranges.items()) if hi - lo < 1]


def _protect(values: list[list[int]], supp: set[Pos], forbid: set[Pos],
             others: Sequence[tuple[list[list[int]], set[Pos]]] = ()) -> None:
    r, c = len(values) - 1, len(values[0]) - 1
    for _ in range(4 * (r + 1) * (c + 1)):
        _complete(values, supp, forbid)
        exact = _exact(values, supp, others)
        if not exact:
            return
        i, j = exact[0]
        pick = (_pick(values, [(i, y) for y in range(c + 1)], supp, r, c, forbid)
                or _pick(values, [(x, j) for x in range(r + 1)], supp, r, c, forbid))
        if pick is None:  # pragma: no cover - some entry is always left to hide
            break
        supp.add(pick)
    raise RuntimeError("suppression did not converge")  # pragma: no cover


def suppress(rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]],
             k: int = DEFAULT_K, *, hide_row_totals: set[int] | None = None) -> SuppressedTable:
    """Suppress a ``rows x columns`` table of counts (cells and totals) for publication."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if len(counts) != len(rows) or any(len(x) != len(columns) for x in counts):
        raise ValueError("counts must have one row per row label and one value per column")
    if any(v < 0 for row in counts for v in row):
        raise ValueError("counts must not be negative")
    values = _extend(counts)
    r, c = len(rows), len(columns)
    primary = {(i, j) for i in range(r + 1) for j in range(c + 1) if 0 < values[i][j] < k}
    supp = set(primary) | {(i, c) for i in (hide_row_totals or set())}
    if r and c:
        _protect(values, supp, set())
    return SuppressedTable(list(rows), list(columns), values, supp, primary, k)


def suppress_linked(rows: Sequence[str], tables: Sequence[tuple[Sequence[str],
                    Sequence[Sequence[int]]]], k: int = DEFAULT_K) -> list[SuppressedTable]:
    """Suppress several tables sharing ``rows`` (and so their row totals) consistently.

    A row total hidden in one table is hidden in all; then each table is audited together
    with the others (the shared totals being the same unknowns), so intersecting what the
    tables reveal cannot pin a hidden entry down either.
    """
    hidden: set[int] = set()
    for _ in range(len(rows) + 2):
        out = [suppress(rows, cols, counts, k, hide_row_totals=hidden) for cols, counts in tables]
        now = {i for t in out for (i, j) in t.suppressed if j == len(t.columns)}
        if not now <= hidden:
            hidden |= now
            continue
        for t in out:
            others = [(o.values, o.suppressed) for o in out if o is not t]
            if t.rows and t.columns:
                _protect(t.values, t.suppressed, set(), others)
        now = {i for t in out for (i, j) in t.suppressed if j == len(t.columns)}
        if now <= hidden and all({i for (i, j) in t.suppressed if j == len(t.columns)} == now
                                 for t in out):
            return out
        hidden |= now
    raise RuntimeError("linked suppression did not converge")  # pragma: no cover
