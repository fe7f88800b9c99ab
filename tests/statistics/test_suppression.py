"""Small-cell suppression: no published count under k, and an attacker who knows every
published cell and total (and the other published tables) cannot recover any hidden one.

The attacker here is written independently of the module: one unknown per cell of every
table, the shared row totals tying the tables together, published cells fixed, and
``linprog`` minimising and maximising each hidden cell."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_array

from waspada.statistics.suppression import SuppressedTable, suppress, suppress_linked

K = 11


def attacker_ranges(tables: list[SuppressedTable]) -> list[dict[tuple[int, int], tuple]]:
    """For each table, {hidden extended position: (min, max)} given all published values.

    The unknowns are the interior cells the tables do not publish; a published cell is its
    value (substituted into every equation, which is the same linear programme as keeping
    it as an unknown fixed by an equation, only smaller)."""
    r = len(tables[0].rows)
    index: dict[tuple[int, int, int], int] = {}  # the hidden interior cells
    for t, tab in enumerate(tables):
        for i in range(r):
            for j in range(len(tab.columns)):
                if tab.cell(i, j) is None:
                    index[(t, i, j)] = len(index)
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []

    def add(cells: dict[tuple[int, int, int], int], rhs: float) -> None:
        """sum(coef * cell) = rhs over interior cells, the published ones moved right."""
        row = np.zeros(len(index))
        for cell, coef in cells.items():
            if cell in index:
                row[index[cell]] += coef
            else:
                rhs -= coef * tables[cell[0]].cell(cell[1], cell[2])
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
        else:  # nothing hidden: the published figures must agree
            assert abs(rhs) < 1e-9, (cells, rhs)

    for t, tab in enumerate(tables):
        c = len(tab.columns)
        for i in range(r):
            if tab.row_total(i) is not None:
                add({(t, i, j): 1 for j in range(c)}, tab.row_total(i))
        for j in range(c):
            if tab.column_total(j) is not None:
                add({(t, i, j): 1 for i in range(r)}, tab.column_total(j))
        if tab.total is not None:
            add({(t, i, j): 1 for i in range(r) for j in range(c)}, tab.total)
        if t > 0:  # same rows: the row totals of every table are equal
            for i in range(r):
                coefs = {(0, i, j): 1 for j in range(len(tables[0].columns))}
                for j in range(c):
                    coefs[(t, i, j)] = coefs.get((t, i, j), 0) - 1
                add(coefs, 0)
    a_matrix = csr_array(np.array(a_eq)) if a_eq else None
    out = []
    for t, tab in enumerate(tables):
        c = len(tab.columns)
        ranges = {}
        for (i, j) in tab.suppressed:
            if i < r and j < c:
                members = [(i, j)]
            elif i < r:
                members = [(i, y) for y in range(c)]
            elif j < c:
                members = [(x, j) for x in range(r)]
            else:
                members = [(x, y) for x in range(r) for y in range(c)]
            obj = np.zeros(len(index))
            known = 0.0  # the published members' sum
            for (x, y) in members:
                if (t, x, y) in index:
                    obj[index[(t, x, y)]] = 1
                else:
                    known += tab.cell(x, y)
            if not obj.any():  # every member published: the attacker reads the sum
                ranges[(i, j)] = (known, known)
                continue
            lo = linprog(obj, A_eq=a_matrix, b_eq=b_eq or None, bounds=(0, None),
                         method="highs")
            hi = linprog(-obj, A_eq=a_matrix, b_eq=b_eq or None, bounds=(0, None),
                         method="highs")
            assert lo.status == 0 and hi.status in (0, 3)  # 3: unbounded above
            ranges[(i, j)] = (known + lo.fun,
                              float("inf") if hi.status == 3 else known - hi.fun)
        out.append(ranges)
    return out


def published_values(tab: SuppressedTable) -> list[int]:
    r, c = tab.shape
    return [v for i in range(r + 1) for j in range(c + 1)
            if (v := tab.published(i, j)) is not None]


def check(tables: list[SuppressedTable]) -> None:
    for tab in tables:
        assert all(v == 0 or v >= K for v in published_values(tab))
        assert tab.primary <= tab.suppressed
    for tab, ranges in zip(tables, attacker_ranges(tables), strict=True):
        for pos, (lo, hi) in ranges.items():
            true = tab.values[pos[0]][pos[1]]
            assert lo - 1e-6 <= true <= hi + 1e-6
            assert hi - lo >= 1 - 1e-6, (pos, true, lo, hi)


def test_worked_example() -> None:
    tab = suppress(["a", "b", "c"], ["x", "y", "z"], [[3, 20, 30], [15, 40, 12], [25, 2, 50]])
    assert tab.primary == {(0, 0), (2, 1)}
    assert tab.cell(0, 0) is None and tab.cell(2, 1) is None
    assert tab.total == 197 and tab.row_total(1) == 67
    check([tab])


def test_single_small_row_hides_its_total_and_a_partner() -> None:
    tab = suppress(["a", "b", "c"], ["x", "y"], [[2, 3], [30, 40], [50, 60]])
    assert tab.row_total(0) is None
    assert tab.row_total(1) is None or tab.row_total(2) is None
    check([tab])


@pytest.mark.parametrize("seed", range(25))
def test_random_tables_cannot_be_recovered(seed: int) -> None:
    rng = np.random.default_rng(seed)
    r, c = int(rng.integers(2, 9)), int(rng.integers(2, 7))
    counts = rng.negative_binomial(1, 0.08, size=(r, c)).tolist()
    tab = suppress([f"r{i}" for i in range(r)], [f"c{j}" for j in range(c)], counts)
    check([tab])


@pytest.mark.parametrize("seed", range(10))
def test_linked_tables_cannot_be_recovered_together(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    r = int(rng.integers(3, 10))
    rows = [f"p{i}" for i in range(r)]
    a = rng.negative_binomial(1, 0.07, size=(r, 4))
    # the second table splits the same row totals another way
    b = np.zeros((r, 3), dtype=int)
    for i in range(r):
        for _ in range(int(a[i].sum())):
            b[i, rng.integers(0, 3)] += 1
    tabs = suppress_linked(rows, [(["m1", "m2", "m3", "m4"], a.tolist()),
                                  (["d1", "d2", "d3"], b.tolist())])
    hidden = [{i for (i, j) in t.suppressed if j == len(t.columns) and i < r} for t in tabs]
    assert hidden[0] == hidden[1]
    check(tabs)


def test_without_complementary_suppression_the_attack_recovers_the_cell() -> None:
    """The attacker is real: primary suppression alone gives the small cell away."""
    tab = suppress(["a", "b"], ["x", "y"], [[3, 20], [15, 40]])
    naive = SuppressedTable(tab.rows, tab.columns, tab.values, set(tab.primary), tab.primary)
    (ranges,) = attacker_ranges([naive])
    assert ranges[(0, 0)] == pytest.approx((3, 3))


def test_everything_small_is_hidden_and_unbounded() -> None:
    tab = suppress(["a", "b"], ["x", "y"], [[1, 2], [3, 0]])
    assert tab.total is None and tab.cell(1, 1) == 0
    check([tab])


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        suppress(["a"], ["x"], [[-1]])
    with pytest.raises(ValueError):
        suppress(["a"], ["x", "y"], [[1]])
