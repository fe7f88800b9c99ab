"""Splink's blocked pairs for prediction, each rule's join without the preceding rules' test
(issue #13 item 5, round 10h).

Splink makes the pairs of blocking rule k with one join and drops those an earlier rule
already found by testing every earlier rule on each of its pairs (``AND NOT (coalesce(rule 0,
false) OR ... OR coalesce(rule k-1, false))``). With the 20 rules of a dedupe below 100,000
records the last, loosest rules' pairs each evaluate nineteen conditions, and blocking was
0.35 s CPU of a 1.5 s prediction at 20,000 records. The same table comes from every rule's
join alone, kept once per pair with the *first* rule that finds it: ``min(match key)`` over a
``union all``. The pairs, their orientation (``join_key_l < join_key_r``) and their match
keys are Splink's; only the rows' order differs (Splink's is not repeatable either: two runs of
a 20,000-record dedupe give probabilities that differ by up to 2e-16 through the prior's sums,
and so does this order; the clusters are the same).
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["MAX_RECORDS", "blocked_pairs", "blocked_pairs_sql"]

#: above this many records Splink's own blocking runs: there the loose rules are left out
#: (:data:`~waspada.matching.blocking.LOOSE_BLOCKING_MAX`), the rule chain is shorter, and at
#: 200,000 records one run each gave no CPU gain (prediction stage 17.7 s before, 19.2 s
#: after) for 130 MB more peak memory (the grouping of about 7 M rule pairs)
MAX_RECORDS = 100_000


def blocked_pairs_sql(lk: Any) -> str | None:
    """The SQL of the blocked id pairs (from ``__splink__df_concat``) for a DuckDB dedupe
    whose prediction rules are plain blocking rules; None where Splink's own blocking is to
    run (another engine or link type, an exploding rule, fewer than two rules)."""
    from splink.internals.blocking import BlockingRule, _sql_gen_where_condition

    s = lk._settings_obj
    rules = list(s._blocking_rules_to_generate_predictions)
    if (lk._sql_dialect_str != "duckdb" or s._link_type != "dedupe_only" or len(rules) < 2
            or any(type(br) is not BlockingRule for br in rules)):
        return None
    info = s.column_info_settings
    ids = [info.source_dataset_input_column, info.unique_id_input_column]
    where = _sql_gen_where_condition(
        "dedupe_only", [c for c in ids if c is not None], left_chunk=(1, 1),
        right_chunk=(1, 1), sql_dialect=rules[0].sql_dialect)
    parts = []
    for k, br in enumerate(rules):
        if br.match_key != k:
            return None
        alone = copy.copy(br)
        alone.preceding_rules = []  # the rule's own join; its match key is set below
        sql = alone.create_blocked_pairs_sql(
            source_dataset_input_column=info.source_dataset_input_column,
            unique_id_input_column=info.unique_id_input_column,
            input_tablename_l="__splink__df_concat", input_tablename_r="__splink__df_concat",
            where_condition=where)
        parts.append(f"select {k} as __waspada_rule, * from ({sql})")  # noqa: S608
    return ("select cast(min(__waspada_rule) as varchar) as match_key, "  # noqa: S608
            "join_key_l, join_key_r from (" + " union all ".join(parts) + ") "
            "group by join_key_l, join_key_r")


def blocked_pairs(lk: Any, records: int) -> tuple[Any, bool]:
    """(the blocked pairs table, whether it came from Splink's cache), as
    ``lk.inference._get_or_compute_blocked_pairs_for_predict_chunk((1, 1), (1, 1))``
    returns them; built by :func:`blocked_pairs_sql` where it applies and the input has at
    most :data:`MAX_RECORDS` ``records``."""
    from splink.internals.chunking import _blocked_pairs_cache_key
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.vertically_concatenate import enqueue_df_concat

    sql = blocked_pairs_sql(lk) if records <= MAX_RECORDS else None
    if sql is None or _blocked_pairs_cache_key((1, 1), (1, 1)) in \
            lk._intermediate_table_cache:
        return lk.inference._get_or_compute_blocked_pairs_for_predict_chunk(
            left_chunk=(1, 1), right_chunk=(1, 1))
    pipeline = CTEPipeline()
    enqueue_df_concat(lk, pipeline)
    pipeline.enqueue_sql(sql, "__splink__blocked_id_pairs")
    return lk._db_api.sql_pipeline_to_splink_dataframe(pipeline), False
