"""The cheap guards in front of expensive comparison functions keep the same pairs
(issue #13 item 5: speed without changing a single comparison level)."""

from __future__ import annotations

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
