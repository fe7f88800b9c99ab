"""The name comparison once per pair of distinct names (issue #13 item 5, round 7b): the same
level, match weight and u as Splink's own SQL over every pair."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.conftest import dataset
from waspada.matching.comparisons import present_comparisons
from waspada.matching.engines import make_db_api, register_frame, table_name
from waspada.matching.name_levels import (
    _EDITS,
    _INTERSECTIONS,
    _SHARES,
    NAME_ID,
    SHARED_ANY,
    SHARED_N,
    TOKEN_COUNT,
    TOKEN_MASK,
    add_name_ids,
    applies,
    char_mask_guards,
    disjoint_masks_case,
    join_order_as_written,
    mask_shared_token_guard,
    maskable,
    predict,
    shared_token_columns,
    with_char_masks_sql,
    with_token_mask_sql,
)
from waspada.matching.splink_features import feature_frame, mark_rare_spellings
from waspada.matching.training import linker
from waspada.matching.training import settings as model_settings
from waspada.matching.u_estimation import _name_pair_counts, stratified_u


def _frame(every: int = 1) -> pd.DataFrame:
    recs, _ = dataset()
    frame = feature_frame(recs[:600:every] + recs[600:])
    mark_rare_spellings([frame])
    add_name_ids(frame)
    return frame


def test_name_ids_are_equal_exactly_where_the_name_columns_are() -> None:
    frame = pd.DataFrame({
        "name_canon": ["budi", "budi", "budi", None, None, float("nan")],
        "name_tokens": [["budi"], ["budi"], ["budi"], [], [], []],
        "rare_spelling": [False, False, True, False, False, False],
        "sex": ["M", "F", "M", "M", "F", "M"]})  # not a name column: ignored
    add_name_ids(frame)
    ids = frame[NAME_ID].tolist()
    assert ids[0] == ids[1] and ids[2] != ids[0]  # rare_spelling differs
    assert ids[3] == ids[4] == ids[5] and ids[3] not in ids[:3]  # None and NaN alike
    real = _frame()
    cols = ["joined", "name_canon", "name_sorted", "name_phon", "name_phon_sorted",
            "first_phon", "last_phon", "patronym", "rare_spelling"]
    key = real[cols].astype(str).agg("|".join, axis=1) + real["name_tokens"].astype(str)
    assert key.groupby(real[NAME_ID]).nunique().max() == 1
    assert real[NAME_ID].nunique() == key.nunique() < len(real)


def test_prediction_gives_every_pair_splinks_own_name_level_and_weight() -> None:
    """Every pair of the 640-record fixture (204,480 pairs, 13 of the 14 levels): the
    name's comparison vector value, every other column and the match weight exactly
    Splink's."""
    frame = _frame()
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    model = model_settings(present_comparisons([frame])).create_settings_dict("duckdb")
    model["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": "1 = 1", "sql_dialect": "duckdb"}]
    model["retain_matching_columns"] = True
    model["retain_intermediate_calculation_columns"] = True
    # some m and u, so that the weights differ by level
    for comp in model["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for k, lv in enumerate(levels):
            lv["m_probability"] = (k + 1) / sum(range(1, len(levels) + 1))
            lv["u_probability"] = (len(levels) - k) / sum(range(1, len(levels) + 1))
    lk = linker(sdf, model)
    assert applies(lk, sdf.physical_name)
    keys = ["unique_id_l", "unique_id_r"]
    want = lk.inference.predict().as_pandas_dataframe().sort_values(keys)
    got = predict(lk, sdf.physical_name).as_pandas_dataframe().sort_values(keys)
    assert len(want) == len(frame) * (len(frame) - 1) // 2 > 30_000
    assert list(got.columns) == list(want.columns)
    assert want["gamma_name"].nunique() >= 13  # all but one of the 14 levels
    for col in want.columns:
        assert got[col].reset_index(drop=True).equals(want[col].reset_index(drop=True)), col
    # a threshold is Splink's too
    thr = float(want["match_probability"].quantile(0.9))
    cut = predict(lk, sdf.physical_name, thr).as_pandas_dataframe()
    assert len(cut) == (want["match_probability"] >= thr).sum() > 0
    assert len(cut) < len(want)


def test_a_frame_without_name_ids_keeps_splinks_prediction() -> None:
    frame = _frame().drop(columns=[NAME_ID])
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    lk = linker(sdf, model_settings(present_comparisons([frame])))
    assert not applies(lk, sdf.physical_name)
    got = predict(lk, sdf.physical_name).as_pandas_dataframe()
    assert len(got) == len(lk.inference.predict().as_pandas_dataframe()) > 0


def test_stratified_u_is_the_same_with_name_ids() -> None:
    frame = _frame()
    db = make_db_api("duckdb")
    with_ids = register_frame(db, "duckdb", frame, table_name("records"))
    without = register_frame(db, "duckdb", frame.drop(columns=[NAME_ID]), table_name("plain"))
    lk = linker(with_ids, model_settings(present_comparisons([frame])))
    comp = next(c for c in lk._settings_obj.comparisons if c.output_column_name == "name")
    got = stratified_u(db, with_ids.physical_name, comp, 7, n_key=20_000, n_rest=30_000)
    want = stratified_u(db, without.physical_name, comp, 7, n_key=20_000, n_rest=30_000)
    assert got == want and sum(v > 0 for v in got.values()) >= 8


# --- round 10e: the shared-token guard behind token masks (issue #13 item 5) --------------

_tokens = st.one_of(st.none(), st.lists(st.one_of(
    st.none(), st.sampled_from(["budi", "siti", "ahmad", "nur", "binti", "al", ""]),
    st.text(max_size=6)), max_size=5))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_tokens, _tokens), min_size=1, max_size=120))
def test_the_masked_guard_is_list_has_any_for_every_pair(
        pairs: list[tuple[list[str | None] | None, list[str | None] | None]]) -> None:
    """The guard with token masks has ``list_has_any``'s value (true, false or NULL) on token
    lists that are missing, empty, hold NULLs, repeats or any text."""
    con = duckdb.connect()
    con.execute("create table t (name_id integer, name_tokens varchar[])")
    con.executemany("insert into t values (?, ?)",
                    [(k, v) for k, pair in enumerate(pairs) for v in [pair[0]]]
                    + [(len(pairs) + k, pair[1]) for k, pair in enumerate(pairs)])
    con.execute(f"create table m as {with_token_mask_sql('t')}")
    masked = mask_shared_token_guard(_SHARES)
    assert masked != _SHARES and TOKEN_MASK in masked
    rows = con.execute(
        f"select {_SHARES} as want, {masked} as got from ("  # noqa: S608
        f"select l.name_tokens as name_tokens_l, r.name_tokens as name_tokens_r, "
        f"l.{TOKEN_MASK} as {TOKEN_MASK}_l, r.{TOKEN_MASK} as {TOKEN_MASK}_r "
        f"from m l join m r on r.name_id = l.name_id + {len(pairs)})").fetchall()
    assert len(rows) == len(pairs)
    for (want, got), pair in zip(rows, pairs, strict=True):
        assert got is want, pair


def test_the_name_comparison_has_its_guard_masked() -> None:
    """The text the mask replaces is the name comparison's own guard (four array levels):
    if Splink or the comparison writes it otherwise, nothing is masked and this fails."""
    frame = _frame()
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    lk = linker(sdf, model_settings(present_comparisons([frame])))
    comp = next(c for c in lk._settings_obj.comparisons if c.output_column_name == "name")
    assert maskable(comp._case_statement, list(frame.columns))
    assert mask_shared_token_guard(comp._case_statement).count(f"{TOKEN_MASK}_l") == 4


# --- round 22: the shared-token guard and intersection once per pair ------------------------

@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_tokens, _tokens), min_size=1, max_size=120))
def test_the_shared_token_columns_are_the_expressions_they_replace(
        pairs: list[tuple[list[str | None] | None, list[str | None] | None]]) -> None:
    """:data:`SHARED_ANY` is the masked guard and :data:`SHARED_N` each of the comparison's
    two spellings of the intersection's length (true / false / NULL, a number or NULL), on
    token lists that are missing, empty, hold NULLs, repeats or any text: the mask's
    shortcut to 0 included."""
    con = duckdb.connect()
    con.execute("create table t (name_id integer, name_tokens varchar[])")
    con.executemany("insert into t values (?, ?)",
                    [(k, pair[0]) for k, pair in enumerate(pairs)]
                    + [(len(pairs) + k, pair[1]) for k, pair in enumerate(pairs)])
    con.execute(f"create table m as {with_token_mask_sql('t')}")
    masked = mask_shared_token_guard(_SHARES)
    _case, cols = shared_token_columns(masked)
    rows = con.execute(
        f"select {masked}, {_INTERSECTIONS[0]}, {_INTERSECTIONS[1]}, "  # noqa: S608
        f"{SHARED_ANY}, {SHARED_N} from (select *, {cols} from ("
        f"select l.name_tokens as name_tokens_l, r.name_tokens as name_tokens_r, "
        f"l.{TOKEN_MASK} as {TOKEN_MASK}_l, r.{TOKEN_MASK} as {TOKEN_MASK}_r "
        f"from m l join m r on r.name_id = l.name_id + {len(pairs)}))").fetchall()
    assert len(rows) == len(pairs)
    for (guard, n0, n1, got_any, got_n), pair in zip(rows, pairs, strict=True):
        assert got_any is guard, pair
        assert n0 == n1 and (got_n == n0 if n0 is not None else got_n is None), pair


def test_the_name_comparison_reads_the_shared_token_columns() -> None:
    """Every guard (four) and every intersection (five) of the name comparison is read from
    the columns: if Splink or the comparison writes them otherwise, this fails (and the
    prediction test above checks the levels against Splink's own SQL)."""
    frame = _frame()
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    lk = linker(sdf, model_settings(present_comparisons([frame])))
    comp = next(c for c in lk._settings_obj.comparisons if c.output_column_name == "name")
    case, _cols = shared_token_columns(mask_shared_token_guard(comp._case_statement))
    assert case.count(f'"{SHARED_ANY}"') == 4 and case.count(f'"{SHARED_N}"') == 5
    low = case.lower()
    assert "list_has_any" not in low and "intersect" not in low


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-3, 40), min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 2)),
                max_size=200))
def test_name_pair_counts_are_the_grouped_join(ids: list[int],
                                               pairs: list[tuple[int, int, int]]) -> None:
    """The sampled pairs counted by (stratum, name id, name id) in numpy: the counts of a
    ``group by`` over the pairs joined with their rows' name ids (the SQL it replaces)."""
    import numpy as np

    name_ids = np.array(ids, dtype=np.int64)
    li = np.array([a % len(ids) for a, _b, _s in pairs], dtype=np.int64)
    ri = np.array([b % len(ids) for _a, b, _s in pairs], dtype=np.int64)
    stratum = np.array([s for _a, _b, s in pairs], dtype=np.int64)
    got = _name_pair_counts(name_ids, li, ri, stratum)
    want: dict[tuple[int, int, int], int] = {}
    for i, j, s in zip(li.tolist(), ri.tolist(), stratum.tolist(), strict=True):
        key = (s, ids[i], ids[j])
        want[key] = want.get(key, 0) + 1
    rows = {(int(s), int(a), int(b)): int(n) for s, a, b, n in
            zip(got["stratum"], got["a"], got["b"], got["n"], strict=True)}
    assert rows == want and len(got) == len(want)


def test_the_case_without_token_lists_gives_pairs_with_disjoint_masks_their_level() -> None:
    """Every ordered pair of the fixture's distinct names whose token masks share no bit:
    the name's level without the token lists (:func:`disjoint_masks_case`) is the masked
    CASE's; a CASE that still reads the lists otherwise gets None."""
    frame = _frame()
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    lk = linker(sdf, model_settings(present_comparisons([frame])))
    comp = next(c for c in lk._settings_obj.comparisons if c.output_column_name == "name")
    masked = mask_shared_token_guard(comp._case_statement).rsplit(" as ", 1)[0]
    fast = disjoint_masks_case(masked)
    assert fast is not None and "name_tokens" not in fast
    assert disjoint_masks_case(masked + " + list_position(name_tokens_l, 'x')") is None
    used = [c.unquote().name for c in comp._input_columns_used_by_case_statement]
    con = db._con
    anys = ", ".join(f"any_value({c}) as {c}" for c in used)
    con.execute(f"create table n0 as select {NAME_ID}, {anys} from {sdf.physical_name} "  # noqa: S608
                f"group by {NAME_ID}")
    con.execute(f"create table nm as select *, array_length(name_tokens) as {TOKEN_COUNT} "  # noqa: S608
                f"from ({with_token_mask_sql('n0')})")
    cols = [*used, TOKEN_MASK, TOKEN_COUNT]
    sel = ", ".join([f"l.{c} as {c}_l" for c in cols] + [f"r.{c} as {c}_r" for c in cols])
    rows = con.execute(
        f"select count(*), count(*) filter (where want is distinct from got), "  # noqa: S608
        f"count(distinct want) from (select {masked} as want, {fast} as got from (select {sel} "
        f"from nm l join nm r on l.{NAME_ID} <> r.{NAME_ID} "
        f"where (l.{TOKEN_MASK} & r.{TOKEN_MASK}) = 0))").fetchall()
    ((pairs, differ, levels),) = rows
    assert pairs > 100_000 and differ == 0 and levels >= 4


#: any character DuckDB can store (UTF-8: no lone surrogates)
_char = st.characters(blacklist_categories=("Cs",))
_edits = st.lists(st.tuples(st.sampled_from(["sub", "ins", "del", "swap"]),
                            st.integers(0, 40), _char), max_size=3)


def _edited(text: str, edits: list[tuple[str, int, str]]) -> str:
    for op, at, ch in edits:
        k = at % (len(text) + 1)
        if op == "sub" and k < len(text):
            text = text[:k] + ch + text[k + 1:]
        elif op == "ins":
            text = text[:k] + ch + text[k:]
        elif op == "del" and k < len(text):
            text = text[:k] + text[k + 1:]
        elif op == "swap" and k + 1 < len(text):
            text = text[:k] + text[k + 1] + text[k] + text[k + 2:]
    return text


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.text(_char, max_size=12),
                                    st.sampled_from(["ahmad", "siti nurhaliza", "budi", ""])),
                          _edits, st.one_of(st.none(), st.text(_char, max_size=8))),
                min_size=1, max_size=60))
def test_the_character_mask_guard_keeps_every_edit_distance_level(
        items: list[tuple[str | None, list[tuple[str, int, str]], str | None]]) -> None:
    """``guard AND level`` has the level's value (true, false, NULL) for strings up to three
    edits apart (substitutions, insertions, deletions, swaps of neighbours, any character),
    for unrelated strings, empty and missing ones: the guard is never false for a pair within
    the level's edits."""
    pairs = [(a, _edited(a, e) if a is not None and other is None else other)
             for a, e, other in items]
    con = duckdb.connect()
    con.execute("create table t (name_id integer, name_phon varchar, name_canon varchar)")
    con.executemany("insert into t values (?, ?, ?)",
                    [(k, a, a) for k, (a, _b) in enumerate(pairs)]
                    + [(len(pairs) + k, b, b) for k, (_a, b) in enumerate(pairs)])
    con.execute(f"create table m as {with_char_masks_sql('t')}")
    levels = [text for text, _col, _e in _EDITS]
    guarded, used = char_mask_guards(" , ".join(levels))
    assert len(used) == 2 and guarded.count("bit_count") == 2
    cols = ["name_phon", "name_canon", *used]
    sel = ", ".join([f"l.{c} as {c}_l" for c in cols] + [f"r.{c} as {c}_r" for c in cols])
    rows = con.execute(f"select {', '.join(levels)}, {guarded} from (select {sel} "  # noqa: S608
                       f"from m l join m r on r.name_id = l.name_id + {len(pairs)})").fetchall()
    assert len(rows) == len(pairs)
    for row, pair in zip(rows, pairs, strict=True):
        assert row[2] is row[0] and row[3] is row[1], pair


def _tables(node: dict) -> list[str]:
    here = [node.get("extra_info", {}).get("Table", "")] if "SCAN" in node["name"] else []
    return here + [t for c in node.get("children", []) for t in _tables(c)]


def _levels_joins(node: dict) -> list[tuple[Any, list[str]]]:
    """(conditions, tables of the other side) of every join with the name levels on one side."""
    found = []
    if "JOIN" in node["name"]:
        for side, child in enumerate(node["children"]):
            if any("__waspada_name_levels" in t for t in _tables(child)):
                found.append((node["extra_info"].get("Conditions"),
                              _tables(node["children"][1 - side])))
    return found + [j for c in node.get("children", []) for j in _levels_joins(c)]


def test_the_prediction_joins_the_name_levels_to_the_pairs_on_both_ids() -> None:
    """Round 23: DuckDB's own join order joined the left records to the levels table on the
    left name id alone (a row per record and partner name, wider and at 1,000,000 blind
    records larger than the pairs); the plan as written joins the levels to the pairs on both
    name ids. The optimizer setting of the connection is restored afterwards."""
    frame = _frame()
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    lk = linker(sdf, model_settings(present_comparisons([frame])))
    con = lk._db_api._con
    con.execute("set disabled_optimizers = 'filter_pushdown'")  # someone else's setting
    run = lk._db_api.sql_pipeline_to_splink_dataframe
    plans = []

    def explained(pipeline: Any) -> Any:
        sql = pipeline.generate_cte_pipeline_sql()
        con.execute("pragma explain_output = 'physical_only'")
        plans.append(json.loads(con.sql("explain (format json) " + sql).fetchall()[0][1]))
        return run(pipeline)

    lk._db_api.sql_pipeline_to_splink_dataframe = explained
    assert len(predict(lk, sdf.physical_name).as_pandas_dataframe()) > 0
    joins = [j for plan in plans for root in plan for j in _levels_joins(root)]
    assert len(joins) == 1, joins
    conditions, other_side = joins[0]
    assert sorted(conditions) == ["__waspada_nid_l = a", "__waspada_nid_r = b"]
    assert any("__splink__blocked_id_pairs" in t for t in other_side)
    setting = con.execute("select current_setting('disabled_optimizers')").fetchall()
    assert setting == [("filter_pushdown",)]


def test_the_join_order_setting_is_restored_after_an_error() -> None:
    con = duckdb.connect()
    try:
        with join_order_as_written(con):
            assert con.execute("select current_setting('disabled_optimizers')"
                               ).fetchall() == [("join_order",)]
            con.execute("select * from no_such_table")
    except duckdb.CatalogException:
        pass
    assert con.execute("select current_setting('disabled_optimizers')").fetchall() == [("",)]
