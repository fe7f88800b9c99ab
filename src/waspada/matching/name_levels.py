"""The name comparison computed once per pair of distinct names (issue #13 item 5, round 7b).

The name comparison (13 levels of Jaro-Winkler, edit distances and token arrays) is the most
expensive part of scoring the blocked pairs: 1.5–2.3 s CPU per million pairs. Its level
depends only on the two records' name columns, and the blocked pairs of a 20,000-record
dedupe hold about half as many distinct (name, name) pairs as pairs. So a prediction on
DuckDB computes the level once per distinct ordered pair of names (:data:`NAME_ID` numbers
the distinct name-column tuples of the records) and joins it back to the pairs; everything
else (the other comparisons, term frequencies, the match weight) is Splink's own SQL. The
same CASE on the same values, so every pair gets exactly the level Splink would compute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["CHAR_MASK", "NAME_COLUMNS", "NAME_ID", "SHARED_ANY", "SHARED_N", "TOKEN_MASK",
           "add_name_ids", "char_mask_guards", "with_char_masks_sql",
           "disjoint_masks_case", "join_order_as_written", "mask_shared_token_guard", "maskable",
           "predict",
           "shared_token_columns", "with_token_mask_sql"]

#: the record columns the name comparison may read (a name's features within one frame)
NAME_COLUMNS = ("joined", "name_canon", "name_sorted", "name_phon", "name_phon_sorted",
                "name_tokens", "first_phon", "last_phon", "patronym", "rare_spelling")
#: the column numbering the distinct tuples of :data:`NAME_COLUMNS`
NAME_ID = "name_id"
_GAMMA = "__waspada_gamma_name"
#: a name's 64-bit token mask (bit ``hash(token) % 64`` set for each token): two names whose
#: masks share no bit share no token
TOKEN_MASK = "__waspada_token_mask"  # noqa: S105 - a column name
#: the shared-token guard of the name's array levels
#: (:func:`~waspada.matching.comparisons.shares_token`)
_SHARES = "list_has_any(name_tokens_l, name_tokens_r)"
#: the masked guard and the number of shared tokens as columns of the pair, computed once
#: (round 22): the name's CASE asks the guard four times and the intersection five
SHARED_ANY = "__waspada_shared_any"
SHARED_N = "__waspada_shared_n"
#: the intersection's length as the name comparison writes it (``ARRAY_INTERSECT`` is
#: DuckDB's alias of ``list_intersect``, and function names are not case-sensitive)
_INTERSECTIONS = ('ARRAY_LENGTH(ARRAY_INTERSECT("name_tokens_l", "name_tokens_r"))',
                  'array_length(list_intersect("name_tokens_l", "name_tokens_r"))')


def with_token_mask_sql(names: str, name_id: str = NAME_ID) -> str:
    """SQL of the table ``names`` (one row per ``name_id``, with ``name_tokens``) with
    :data:`TOKEN_MASK` added: NULL for a missing or empty token list (no shortcut then)."""
    n, i, t = _quote(names), _quote(name_id), _quote("name_tokens")
    m = _quote(TOKEN_MASK)
    return (f"select {n}.*, __waspada_masks.{m} from {n} left join (select {i}, "  # noqa: S608
            f"bit_or(1::UBIGINT << (hash(tok) % 64)::INTEGER) as {m} from "
            f"(select {i}, unnest({t}) as tok from {n}) group by {i}) __waspada_masks using ({i})")


def mask_shared_token_guard(case_sql: str) -> str:
    """The name comparison's CASE with its shared-token guard (``list_has_any`` of the token
    lists, evaluated once per array level) answered false without the lists where the two
    :data:`TOKEN_MASK` columns (``..._l``, ``..._r``) share no bit. Equal tokens have equal
    hashes, so a pair whose masks share no bit shares no token: the guard's value is the
    same for every pair (NULL masks fall through to ``list_has_any``). Random pairs of names
    seldom share a token, and ``list_has_any`` was a quarter of the name's u (issue #13)."""
    return case_sql.replace(_SHARES, _masked_guard())


def _masked_guard() -> str:
    left, right = _quote(TOKEN_MASK + "_l"), _quote(TOKEN_MASK + "_r")
    return f"(CASE WHEN ({left} & {right}) = 0 THEN false ELSE {_SHARES} END)"


def shared_token_columns(masked_case: str) -> tuple[str, str]:
    """(``masked_case`` — a CASE from :func:`mask_shared_token_guard` — reading the masked
    guard and the length of the token lists' intersection from the columns :data:`SHARED_ANY`
    and :data:`SHARED_N`, the select list that computes those two columns from a pair's
    ``name_tokens_l``/``_r`` and :data:`TOKEN_MASK` ``_l``/``_r``).

    The same expressions, computed once per pair instead of once per level that reads them
    (the guard four times, the intersection up to five: 0.1 s of the 0.5 s name table of a
    20,000-record prediction, issue #13 round 22), so every pair gets the same level. Where
    the masks share no bit the lists share no element, so their intersection is empty and
    its length 0 without computing it (a NULL or empty list has a NULL mask and is
    computed)."""
    left, right = _quote(TOKEN_MASK + "_l"), _quote(TOKEN_MASK + "_r")
    guard = _masked_guard()
    case = masked_case.replace(guard, _quote(SHARED_ANY))
    for text in _INTERSECTIONS:
        case = case.replace(text, _quote(SHARED_N))
    cols = (f"{guard} as {_quote(SHARED_ANY)}, CASE WHEN ({left} & {right}) = 0 THEN 0 ELSE "
            f"{_INTERSECTIONS[1]} END as {_quote(SHARED_N)}")
    return case, cols


#: a name's number of tokens (``array_length`` of its token list; NULL for a missing list)
TOKEN_COUNT = "__waspada_token_count"  # noqa: S105 - a column name
_COUNTS = ('ARRAY_LENGTH("name_tokens_l")', 'ARRAY_LENGTH("name_tokens_r")')


def disjoint_masks_case(masked_case: str) -> str | None:
    """``masked_case`` (from :func:`mask_shared_token_guard`) for pairs whose two token masks
    are not NULL and share no bit, without the token lists: the masked guard is false and the
    intersection's length 0 for such a pair (see :func:`shared_token_columns`), and each
    side's ``ARRAY_LENGTH`` is read from its :data:`TOKEN_COUNT` column (``..._l``, ``..._r``).
    None when the CASE still reads the token lists otherwise (then the lists are needed)."""
    case, _cols = shared_token_columns(masked_case)
    case = case.replace(_quote(SHARED_ANY), "false").replace(_quote(SHARED_N), "0")
    for text, side in zip(_COUNTS, ("l", "r"), strict=True):
        case = case.replace(text, _quote(f"{TOKEN_COUNT}_{side}"))
    return None if "name_tokens" in case else case


#: a string's character mask (bit ``hash(c) % 64`` set for each of its characters, NULL for
#: a missing or empty string), column ``CHAR_MASK + "_" + column``
CHAR_MASK = "__waspada_char_mask"
#: the name's edit-distance levels as the comparison writes them, with their column and edits
_EDITS = (('damerau_levenshtein("name_phon_l", "name_phon_r") <= 1', "name_phon", 1),
          ('damerau_levenshtein("name_canon_l", "name_canon_r") <= 2', "name_canon", 2))


def with_char_masks_sql(names: str, name_id: str = NAME_ID) -> str:
    """SQL of the table ``names`` (one row per ``name_id``) with a :data:`CHAR_MASK` column
    for each column of the name's edit-distance levels (``name_phon``, ``name_canon``)."""
    n, i = _quote(names), _quote(name_id)
    joins, cols = [], []
    for k, col in enumerate(dict.fromkeys(c for _t, c, _e in _EDITS)):
        alias = f"__waspada_chars{k}"
        joins.append(f"left join (select {i}, bit_or(1::UBIGINT << (hash(ch) % 64)::INTEGER)"  # noqa: S608
                     f"::UBIGINT as m from (select {i}, unnest(string_split({_quote(col)}, '')) "
                     f"as ch from {n}) where ch <> '' group by {i}) {alias} using ({i})")
        cols.append(f"{alias}.m as {_quote(f'{CHAR_MASK}_{col}')}")
    return f"select {n}.*, {', '.join(cols)} from {n} {' '.join(joins)}"  # noqa: S608


def char_mask_guards(case_sql: str) -> tuple[str, list[str]]:
    """(``case_sql`` with each of the name's edit-distance levels, Damerau-Levenshtein <= k,
    behind an exact guard on the two strings' :data:`CHAR_MASK` columns, the mask columns it
    reads, less ``_l``/``_r``).

    An edit (a substitution, an insertion, a deletion or a transposition of neighbours)
    removes at most one character from a string's set of characters and adds at most one, so
    strings within k edits have sets differing in at most 2k characters, and their masks in
    at most 2k bits (a bit set in one mask only is a character in one string only). The
    guard ``coalesce(bit_count(xor(mask_l, mask_r)) <= 2k, true)`` is therefore true for every
    pair within k edits, and true where a mask is NULL (a missing or empty string): ``guard
    AND level`` has the level's value for every pair (issue #13, round 22). Characters are
    DuckDB's (code points, as ``damerau_levenshtein`` counts them)."""
    used = []
    for text, col, edits in _EDITS:
        if text in case_sql:
            left, right = _quote(f"{CHAR_MASK}_{col}_l"), _quote(f"{CHAR_MASK}_{col}_r")
            guard = f"coalesce(bit_count(xor({left}, {right})) <= {2 * edits}, true)"
            case_sql = case_sql.replace(text, f"({guard} AND {text})")
            used.append(f"{CHAR_MASK}_{col}")
    return case_sql, used


def maskable(case_sql: str, cols: list[str]) -> bool:
    """Whether :func:`mask_shared_token_guard` has a guard to mask in ``case_sql``."""
    return "name_tokens" in cols and _SHARES in case_sql


def add_name_ids(frame: Any) -> None:
    """Add :data:`NAME_ID` to a feature frame: equal exactly where every one of
    :data:`NAME_COLUMNS` present is equal (missing values, None or NaN, equal to each other).
    Each column is numbered on its own (vectorised), then the tuples of numbers."""
    import pandas as pd

    cols = [c for c in NAME_COLUMNS if c in frame.columns]
    if not len(frame) or not cols:
        frame[NAME_ID] = pd.Series(range(len(frame)), index=frame.index, dtype="int64")
        return
    codes = {}
    for c in cols:
        values = frame[c]
        if c == "name_tokens":  # lists are not hashable: their tuples are
            values = values.map(lambda v: tuple(v) if isinstance(v, list) else v)
        codes[c] = pd.factorize(values.astype(object))[0]  # missing: -1
    ids = pd.DataFrame(codes, index=frame.index).groupby(cols, sort=False).ngroup()
    frame[NAME_ID] = ids.astype("int64")


def _name_comparison(lk: Any) -> Any:
    for c in lk._settings_obj.comparisons:
        if c.output_column_name == "name":
            return c
    return None


def applies(lk: Any, table: str) -> bool:
    """Whether :func:`predict` can compute the name level per distinct pair for ``lk``: a
    DuckDB dedupe whose records carry :data:`NAME_ID` and whose name comparison reads only
    :data:`NAME_COLUMNS`."""
    comp = _name_comparison(lk)
    if comp is None or lk._sql_dialect_str != "duckdb" or \
            lk._settings_obj._link_type != "dedupe_only":
        return False
    used = {c.unquote().name for c in comp._input_columns_used_by_case_statement}
    cols = set(lk._db_api._con.table(table).columns)
    return NAME_ID in cols and used <= set(NAME_COLUMNS) and used <= cols


def predict(lk: Any, table: str, threshold_match_probability: float | None = None) -> Any:
    """``lk.inference.predict(threshold_match_probability)`` with the name comparison's
    level computed once per distinct pair of names (see the module); Splink's own predict
    where :func:`applies` does not hold. ``table``: the records' DuckDB table."""
    if not applies(lk, table):
        return lk.inference.predict(threshold_match_probability=threshold_match_probability)
    from splink.internals.comparison_vector_values import (
        compute_comparison_vector_values_from_id_pairs_sqls,
    )
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    from waspada.matching.blocked_pairs import blocked_pairs

    comp = _name_comparison(lk)
    s = lk._settings_obj
    con = lk._db_api._con
    ((records,),) = con.sql(f"select count(*) from {_quote(table)}").fetchall()  # noqa: S608
    # Splink's pairs, cheaper below 100,000 records (round 10h)
    blocked, from_cache = blocked_pairs(lk, int(records))
    tag = f"{abs(hash((table, blocked.physical_name))) % 10**8}"
    names, levels = f"__waspada_names_{tag}", f"__waspada_name_levels_{tag}"
    used = {c.unquote().name for c in comp._input_columns_used_by_case_statement}
    cols = [c for c in con.table(table).columns if c in used]
    q = _quote
    try:
        # one row per name id (all records with an id have the same name columns)
        one = (f"select {q(NAME_ID)}, "  # noqa: S608
               f"{', '.join(f'any_value({q(c)}) as {q(c)}' for c in cols)} "
               f"from {q(table)} group by {q(NAME_ID)}")
        case = comp._case_statement.rsplit(" as ", 1)[0]
        masked = maskable(case, cols)
        w = "w"
        mask_cols = []
        if masked:
            one = f"with n0 as ({one}) {with_token_mask_sql('n0')}"
            case, shared = shared_token_columns(mask_shared_token_guard(case))
            w = f"(select *, {shared} from w) w"  # noqa: S608
            mask_cols = [TOKEN_MASK]
        case, chars = char_mask_guards(case)
        if chars:  # the edit-distance levels behind character masks (round 22)
            one = f"with n1 as ({one}) {with_char_masks_sql('n1')}"
            mask_cols += chars
        con.execute(f"create or replace temp table {names} as {one}")
        ids = f"select unique_id, {q(NAME_ID)} from {q(table)}"  # noqa: S608
        select = ", ".join([f"l.{q(c)} as {q(c + '_l')}" for c in [*cols, *mask_cols]]
                           + [f"r.{q(c)} as {q(c + '_r')}" for c in [*cols, *mask_cols]])
        con.execute(
            f"create or replace temp table {levels} as "  # noqa: S608
            f"with i as ({ids}), d as (select distinct il.{q(NAME_ID)} as a, "
            f"ir.{q(NAME_ID)} as b from {q(blocked.physical_name)} p "
            f"join i il on il.unique_id = p.join_key_l join i ir on ir.unique_id = p.join_key_r), "
            f"w as (select d.a, d.b, {select} from d join {names} l on l.{q(NAME_ID)} = d.a "
            f"join {names} r on r.{q(NAME_ID)} = d.b) "
            f"select a, b, {case} as {_GAMMA} from {w}")
        pipeline = CTEPipeline([blocked])
        enqueue_df_concat_with_tf(lk, pipeline)
        sqls = compute_comparison_vector_values_from_id_pairs_sqls(
            [*s._columns_to_select_for_blocking, f'l.{q(NAME_ID)} as "__waspada_nid_l"',
             f'r.{q(NAME_ID)} as "__waspada_nid_r"'],
            s._columns_to_select_for_comparison_vector_values,
            input_tablename_l="__splink__df_concat_with_tf",
            input_tablename_r="__splink__df_concat_with_tf",
            source_dataset_input_column=s.column_info_settings.source_dataset_input_column,
            unique_id_input_column=s.column_info_settings.unique_id_input_column,
            link_type=s._link_type, sql_dialect_str="duckdb")
        if len(sqls) != 2 or sqls[0]["output_table_name"] != "blocked_with_cols":
            raise RuntimeError("unexpected Splink comparison-vector SQL")
        case = comp._case_statement
        out = [f"g.{_GAMMA} as {q(comp._gamma_column_name)}" if c == case else c
               for c in s._columns_to_select_for_comparison_vector_values]
        if out == list(s._columns_to_select_for_comparison_vector_values):
            raise RuntimeError("the name comparison's CASE not found in Splink's SQL")
        sqls[1] = {"sql": f"select {', '.join(out)} from blocked_with_cols "  # noqa: S608
                          f"join {levels} g on g.a = blocked_with_cols.__waspada_nid_l "
                          "and g.b = blocked_with_cols.__waspada_nid_r",
                   "output_table_name": sqls[1]["output_table_name"]}
        pipeline.enqueue_list_of_sqls(sqls)
        pipeline.enqueue_list_of_sqls(predict_from_comparison_vectors_sqls_using_settings(
            s, threshold_match_probability, None))
        with join_order_as_written(con):
            return lk._db_api.sql_pipeline_to_splink_dataframe(pipeline)
    finally:
        if not from_cache:
            blocked.drop_table_from_database_and_remove_from_cache()
        con.execute(f"drop table if exists {names}")
        con.execute(f"drop table if exists {levels}")


@contextmanager
def join_order_as_written(con: Any) -> Iterator[None]:
    """DuckDB's join-order optimizer off on ``con`` for the block (restored after, also on
    error): the prediction joins the pairs to the left and right records, then the name
    levels on both name ids. Left to itself, DuckDB joined the left records to the levels
    table first, on the left name id alone (issue #13 item 5, round 23): one row per record
    and distinct partner name, every left column in it, as a hash table. A common name's
    hundreds of holders times its hundreds of partner names made that table larger than the
    pairs themselves: at 200,000 blind records the prediction peaked at 2.8 GB against 1.3 GB
    as written, at 1,000,000 it was most of the 21 GB uncapped run."""
    ((before,),) = con.execute("select current_setting('disabled_optimizers')").fetchall()
    off = [o.strip() for o in str(before or "").split(",") if o.strip()]
    con.execute("set disabled_optimizers = ?", [",".join(dict.fromkeys([*off, "join_order"]))])
    try:
        yield
    finally:
        con.execute("set disabled_optimizers = ?", [",".join(off)])


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'
