"""The cheap guards in front of expensive comparison functions keep the same pairs
(issue #13 item 5: speed without changing a single comparison level)."""

from __future__ import annotations

from datetime import date

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.matching.comparisons import birth_date_comparison, name_comparison, one_edit_guard

_text = st.text(alphabet="abcdeikmnrstu", min_size=0, max_size=12)


def _edited(draw: st.DrawFn) -> tuple[str, str]:
    """A string and a copy with at most one edit (or an unrelated string)."""
    a = draw(_text)
    kind = draw(st.sampled_from(["same", "sub", "ins", "del", "swap", "other"]))
    i = draw(st.integers(0, max(len(a), 1)))
    c = draw(st.sampled_from("abcdeikmnrstu"))
    if kind == "sub" and a:
        i = min(i, len(a) - 1)
        return a, a[:i] + c + a[i + 1:]
    if kind == "ins":
        return a, a[:i] + c + a[i:]
    if kind == "del" and a:
        i = min(i, len(a) - 1)
        return a, a[:i] + a[i + 1:]
    if kind == "swap" and len(a) >= 2:
        i = min(i, len(a) - 2)
        return a, a[:i] + a[i + 1] + a[i] + a[i + 2:]
    if kind == "other":
        return a, draw(_text)
    return a, a


@settings(max_examples=60, deadline=None)
@given(st.lists(st.composite(_edited)(), min_size=1, max_size=200))
def test_the_one_edit_guard_never_drops_a_pair_within_one_edit(pairs: list[tuple[str, str]]
                                                              ) -> None:
    con = duckdb.connect()
    con.execute("create table p (x_l varchar, x_r varchar)")
    con.executemany("insert into p values (?, ?)", pairs)
    rows = con.execute(f"select damerau_levenshtein(x_l, x_r), ({one_edit_guard('x')}) "
                       "from p").fetchall()
    for (dist, guard), pair in zip(rows, pairs, strict=True):
        if dist <= 1:
            assert guard, pair


def test_the_typo_levels_compute_the_distance_behind_the_guard() -> None:
    for spec, key, col in ((name_comparison(), "name.one_typo", "name_phon"),
                           (birth_date_comparison(), "birth_date.one_typo", "dob_digits")):
        level = next(lv for lv in spec.levels if lv.key == key)
        sql = level.creator.get_comparison_level("duckdb").sql_condition
        assert sql.index(f"length({col}_l)") < sql.index("damerau_levenshtein")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from("abcdefgh"), max_size=4, unique=True),
                          st.lists(st.sampled_from("abcdefgh"), max_size=4, unique=True)),
                min_size=1, max_size=100))
def test_the_shared_token_guard_keeps_every_array_level(pairs: list[tuple[list[str], list[str]]]
                                                        ) -> None:
    """Every array level of the name comparison holds only where the guard does, so the
    guard changes no pair's level."""
    import splink.comparison_level_library as cll

    from waspada.matching.comparisons import shares_token

    con = duckdb.connect()
    con.execute("create table p (name_tokens_l varchar[], name_tokens_r varchar[])")
    con.executemany("insert into p values (?, ?)", pairs)
    guard = shares_token("name_tokens").get_comparison_level("duckdb").sql_condition
    for level in (cll.ArraySubsetLevel("name_tokens"), cll.ArrayIntersectLevel("name_tokens", 1),
                  cll.ArrayIntersectLevel("name_tokens", 2)):
        sql = level.get_comparison_level("duckdb").sql_condition
        bad = con.execute(f"select count(*) from p where coalesce({sql}, false) "
                          f"and not coalesce({guard}, false)").fetchone()
        assert bad == (0,)
    # and the guard is the overlap itself
    rows = con.execute(f"select name_tokens_l, name_tokens_r, {guard} from p").fetchall()
    for left, right, g in rows:
        assert bool(g) == bool(set(left) & set(right))


# --- round 7: guards as CASE branches (issue #13 item 5) ---------------------------------

_tri = st.sampled_from([True, False, None])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_tri, _tri, _tri), min_size=1, max_size=40))
def test_guarded_is_the_and_of_its_parts_with_nulls_also_under_not(
        rows: list[tuple[bool | None, bool | None, bool | None]]) -> None:
    """``guarded(g, a, b)`` is ``g AND a AND b`` in SQL's three-valued logic (NULL included,
    so ``NOT`` of it is too): only where each part is evaluated changes."""
    import splink.comparison_level_library as cll

    from waspada.matching.comparisons import guarded

    con = duckdb.connect()
    con.execute("create table p (g boolean, a boolean, b boolean)")
    con.executemany("insert into p values (?, ?, ?)", rows)
    got = guarded(cll.CustomLevel("g"), cll.CustomLevel("a"), cll.CustomLevel("b")
                  ).get_comparison_level("duckdb").sql_condition
    assert "CASE" in got
    out = con.execute(f"select ({got}) is not distinct from (g AND a AND b), "
                      f"(NOT ({got})) is not distinct from (NOT (g AND a AND b)) from p"
                      ).fetchall()
    assert all(x and y for x, y in out)


def _iso_digits(d: date) -> tuple[str, int, str, str]:
    iso = d.isoformat()
    return f"{iso[:4]}{iso[5:7]}{iso[8:]}", d.year, iso[5:], iso


_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def _date_and_slip(draw: st.DrawFn) -> tuple[str, str]:
    """A date's digits and a copy with one substitution or one swap of neighbours."""
    digits = _iso_digits(draw(_dates))[0]
    i = draw(st.integers(0, 7))
    if draw(st.booleans()) and i < 7:
        return digits, digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
    return digits, digits[:i] + draw(st.sampled_from("0123456789")) + digits[i + 1:]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_date_and_slip(), st.tuples(_dates, _dates).map(
    lambda t: (_iso_digits(t[0])[0], _iso_digits(t[1])[0]))), min_size=1, max_size=200))
def test_the_date_guard_never_drops_a_pair_within_one_edit(pairs: list[tuple[str, str]]
                                                          ) -> None:
    """The birth date's one-typo level computes Damerau-Levenshtein only behind
    ``date_one_edit_guard``, which holds for every pair of dates within one edit (the year,
    month-day and digit columns as ``feature_frame`` builds them, also for a slip that is no
    valid date)."""
    from waspada.matching.comparisons import date_one_edit_guard

    con = duckdb.connect()
    con.execute("create table p (dob_digits_l varchar, dob_digits_r varchar)")
    con.executemany("insert into p values (?, ?)", pairs)
    cols = ", ".join(f"cast(substr(dob_digits_{s}, 1, 4) as integer) as dob_year_{s}, "
                     f"substr(dob_digits_{s}, 5, 2) || '-' || substr(dob_digits_{s}, 7, 2) "
                     f"as dob_md_{s}, dob_digits_{s}" for s in "lr")
    rows = con.execute(f"with q as (select {cols} from p) select "
                       f"damerau_levenshtein(dob_digits_l, dob_digits_r), "
                       f"{date_one_edit_guard()} from q").fetchall()
    for (dist, guard), pair in zip(rows, pairs, strict=True):
        if dist <= 1:
            assert guard, pair
    level = next(lv for lv in birth_date_comparison().levels if lv.key == "birth_date.one_typo")
    sql = level.creator.get_comparison_level("duckdb").sql_condition
    assert sql.startswith("CASE") and sql.index("dob_md_l") < sql.index("damerau_levenshtein")


def test_every_comparison_gives_the_levels_of_the_plain_and() -> None:
    """The comparisons with their guards as CASE branches put every pair of the fixture
    (records with and without birth date, phone, NIK) at the level the same comparisons
    with a plain AND do."""
    import splink.comparison_level_library as cll

    import waspada.matching.comparisons as C
    from tests.matching.conftest import dataset
    from waspada.matching.splink_features import feature_frame, mark_rare_spellings

    recs, _ = dataset()
    frame = feature_frame(recs[::3] + recs[600:])
    mark_rare_spellings([frame])
    cols = {c: True for c in C.OPTIONAL_COLUMNS}

    def cases() -> list[str]:
        out = []
        for comp in C.comparisons(cols):
            levels = comp.get_comparison("duckdb").comparison_levels
            whens = []
            for k, lv in enumerate(levels):
                value = -1 if lv.is_null_level else len(levels) - 1 - k
                whens.append(f"ELSE {value}" if lv.sql_condition == "ELSE"
                             else f"WHEN {lv.sql_condition} THEN {value}")
            out.append("CASE " + " ".join(whens) + " END")
        return out

    new = cases()
    orig = C.guarded
    C.guarded = lambda g, *levels: cll.And(g, *levels)
    try:
        plain = cases()
    finally:
        C.guarded = orig
    assert new != plain
    con = duckdb.connect()
    con.register("f", frame)
    names = [c for c in frame.columns if c != "unique_id"]
    sel = ", ".join([f'l."{c}" as "{c}_l"' for c in names] + [f'r."{c}" as "{c}_r"' for c in names])
    q = f"select {sel} from f l join f r on l.unique_id < r.unique_id"
    got = con.execute(f"with p as ({q}) select {', '.join(new)} from p").fetchall()
    want = con.execute(f"with p as ({q}) select {', '.join(plain)} from p").fetchall()
    assert len(got) > 30_000 and got == want
