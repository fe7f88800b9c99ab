"""Blocked pairs from each rule's own join, kept once with the first rule that finds them
(issue #13 item 5, round 10h): Splink's pairs, orientation and match keys."""

from __future__ import annotations

import logging

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.conftest import dataset
from waspada.matching.blocked_pairs import blocked_pairs, blocked_pairs_sql
from waspada.matching.blocking import ONE_DOB_MISSING, blocking_rules, choose_blocks
from waspada.matching.comparisons import present_comparisons
from waspada.matching.engines import make_db_api, register_frame, table_name
from waspada.matching.name_levels import add_name_ids, predict
from waspada.matching.splink_features import feature_frame, mark_rare_spellings
from waspada.matching.training import linker
from waspada.matching.training import settings as model_settings


def _rows(table: object) -> list[tuple[str, str, str]]:
    df = table.as_pandas_dataframe()  # type: ignore[attr-defined]
    assert list(df.columns) == ["match_key", "join_key_l", "join_key_r"]
    return sorted(zip(df["match_key"].astype(str), df["join_key_l"].astype(str),
                      df["join_key_r"].astype(str), strict=True))


def _splinks(lk: object) -> list[tuple[str, str, str]]:
    table, _ = lk.inference._get_or_compute_blocked_pairs_for_predict_chunk(  # type: ignore[attr-defined]
        left_chunk=(1, 1), right_chunk=(1, 1))
    try:
        return _rows(table)
    finally:
        table.drop_table_from_database_and_remove_from_cache()


def _ours(lk: object) -> list[tuple[str, str, str]]:
    table, from_cache = blocked_pairs(lk, 1_000)
    assert not from_cache
    try:
        return _rows(table)
    finally:
        table.drop_table_from_database_and_remove_from_cache()


def _fixture_linker() -> tuple[object, object, pd.DataFrame]:
    recs, _ = dataset()
    frame = feature_frame(recs)
    mark_rare_spellings([frame])
    add_name_ids(frame)
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    blocks = choose_blocks([frame])
    lk = linker(sdf, model_settings(present_comparisons([frame]), blocks=blocks))
    return lk, sdf, frame


def test_the_pipelines_rules_give_splinks_blocked_pairs() -> None:
    lk, _, _ = _fixture_linker()
    assert blocked_pairs_sql(lk) is not None
    want = _splinks(lk)
    got = _ours(lk)
    assert got == want
    assert len({k for k, _, _ in got}) >= 8  # pairs found first by many rules
    assert len({(a, b) for _, a, b in got}) == len(got)  # each pair once
    assert all(a < b for _, a, b in got)


def test_prediction_with_the_pipelines_rules_is_splinks() -> None:
    """The whole prediction (the name once per name pair, these blocked pairs) against
    Splink's own: the same pairs, match keys and probabilities."""
    lk, sdf, _ = _fixture_linker()
    keys = ["unique_id_l", "unique_id_r"]
    want = lk.inference.predict().as_pandas_dataframe()  # type: ignore[attr-defined]
    got = predict(lk, sdf.physical_name).as_pandas_dataframe()  # type: ignore[attr-defined]
    want = want.sort_values(keys).reset_index(drop=True)
    got = got.sort_values(keys).reset_index(drop=True)
    assert len(got) == len(want) > 300
    assert list(got.columns) == list(want.columns)
    for col in want.columns:
        if col in ("match_weight", "match_probability"):
            assert (got[col] - want[col]).abs().max() < 1e-9, col
        else:
            assert got[col].equals(want[col]), col


def test_one_rule_or_a_link_keeps_splinks_blocking() -> None:
    lk, sdf, frame = _fixture_linker()
    one = model_settings(present_comparisons([frame]), blocks=[("nik",)])
    assert blocked_pairs_sql(linker(sdf, one)) is None
    db = make_db_api("duckdb")
    left = register_frame(db, "duckdb", frame.iloc[:300], table_name("left"))
    right = register_frame(db, "duckdb", frame.iloc[300:], table_name("right"))
    link = linker([left, right], model_settings(present_comparisons([frame]),
                                                link_type="link_only",
                                                blocks=[("nik",), ("dob",)]))
    assert blocked_pairs_sql(link) is None


_value = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
_rule = st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=2, unique=True)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(_value, _value, _value, _value), min_size=2, max_size=14),
       rules=st.lists(st.tuples(_rule, st.booleans()), min_size=2, max_size=5))
def test_random_rules_give_splinks_blocked_pairs(rows: list, rules: list) -> None:
    """Any rules (repeated, nested, filtered on a missing birth date) over columns with
    missing values: the same pairs with the same match keys as Splink's blocking."""
    import splink.comparison_library as cl
    from splink import SettingsCreator

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame = pd.DataFrame(rows, columns=["x", "y", "z", "dob"])
    frame.insert(0, "unique_id", [f"r{i:02d}" for i in range(len(frame))])
    blocks = [(*cols, ONE_DOB_MISSING) if filtered else tuple(cols)
              for cols, filtered in rules]
    db = make_db_api("duckdb")
    sdf = register_frame(db, "duckdb", frame, table_name("records"))
    model = SettingsCreator(link_type="dedupe_only", unique_id_column_name="unique_id",
                            comparisons=[cl.ExactMatch("x")],
                            blocking_rules_to_generate_predictions=blocking_rules(blocks))
    lk = linker(sdf, model)
    assert _ours(lk) == _splinks(lk)


def test_above_the_size_limit_splinks_blocking_runs() -> None:
    from splink.internals.chunking import _blocked_pairs_cache_key

    from waspada.matching.blocked_pairs import MAX_RECORDS

    lk, _, _ = _fixture_linker()
    table, from_cache = blocked_pairs(lk, MAX_RECORDS + 1)
    # Splink's own statement ran: its blocked pairs are in its cache, under its key
    assert not from_cache
    assert _blocked_pairs_cache_key((1, 1), (1, 1)) in lk._intermediate_table_cache  # type: ignore[attr-defined]
    got = _rows(table)
    table.drop_table_from_database_and_remove_from_cache()
    assert got == _splinks(lk) == _ours(lk)
