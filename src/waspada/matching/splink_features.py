"""The Splink input table: one row of Indonesian name, birth-date and identifier features per
record, the rare-spelling flag and the name frequencies used by the exact-name level.

Everything here is computed from the records themselves (pure pandas, no Splink, no database).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from waspada.matching.features import identity_fields, name_features, place_key
from waspada.matching.records import PersonRecord

__all__ = ["RARE_TOKENS_IN_NAME_FREQUENCY", "TF_MIN", "feature_frame", "mark_rare_spellings",
           "name_term_frequencies"]

#: floor of a name's frequency (a name never seen elsewhere is not infinitely rare)
TF_MIN = 1e-7
#: how many of a name's rarest phonetic tokens make up its chance frequency
RARE_TOKENS_IN_NAME_FREQUENCY = 2
#: name columns, computed once per distinct parsed name
_NAME_COLUMNS = ("name_canon", "name_sorted", "name_phon", "name_phon_sorted", "name_tokens",
                 "first_phon", "last_phon", "patronym")
#: the columns of :func:`feature_frame` before the rarest-token columns, in order
FRAME_COLUMNS = ("unique_id", "name_canon", "name_sorted", "name_phon", "name_phon_sorted",
                 "joined", "name_tokens", "first_phon", "last_phon", "patronym", "dob",
                 "dob_year", "dob_md", "dob_dm", "dob_digits", "sex", "nik", "nik_region",
                 "passport_no", "phone", "birth_place", "address")


def feature_frame(records: Sequence[PersonRecord], *, token_freq: dict[str, int] | None = None
                  ) -> Any:
    """A pandas DataFrame of Splink input columns, one row per record.

    ``token_freq``: phonetic token counts to rank the rarest token by (default: counted on
    ``records``; a link passes the counts over both sources).

    Each distinct name, birth date, birth place and address is worked out once per call (the
    lookups live only while the call runs) and each column is built whole (issue #13 round
    10b: the same frame as one :func:`features_of` per record, in about half the time).
    """
    import numpy as np
    import pandas as pd

    if not records:
        return pd.DataFrame()
    n = len(records)
    name_codes, names = _codes([r.full_name for r in records])
    name_rows = [_name_row(nm) for nm in names]
    # rarest tokens (by frequency in this data set) for blocking: ranked once per name
    freq: dict[str, int] = dict(token_freq or {})
    if token_freq is None:
        for row, c in zip(name_rows, np.bincount(name_codes).tolist(), strict=True):
            for t in set(row[4]):
                freq[t] = freq.get(t, 0) + c
    name_rows = [row + _rare_row(row, freq) for row in name_rows]
    ids = [identity_fields(r, check_nik=False) for r in records]
    date_codes, dates = _codes([i[0] for i in ids])
    date_rows = [_date_row(bd) for bd in dates]
    place_codes, places = _codes([r.birth_place for r in records])
    address_codes, addresses = _codes([r.address for r in records])

    def per_record(values: Any) -> Any:
        return np.fromiter(values, dtype=object, count=n)

    def per_value(codes: Any, rows: list, k: int) -> Any:
        return np.fromiter((row[k] for row in rows), dtype=object, count=len(rows))[codes]

    cols: dict[str, Any] = {"unique_id": per_record(r.record_id for r in records)}
    for k, c in enumerate((*_NAME_COLUMNS, "joined")):
        cols[c] = per_value(name_codes, name_rows, k)
    for k, c in enumerate(_DATE_COLUMNS):
        cols[c] = per_value(date_codes, date_rows, k)
    for c, k in (("sex", 2), ("nik", 3), ("nik_region", 5)):
        cols[c] = per_record(i[k] for i in ids)
    cols["passport_no"] = per_record(r.passport_no for r in records)
    cols["phone"] = per_record(r.phone for r in records)
    cols["birth_place"] = per_value(place_codes, [(place_key(p) if p else None,)
                                                  for p in places], 0)
    cols["address"] = per_value(address_codes, [((a or "").lower().strip() or None,)
                                                for a in addresses], 0)
    for k, c in enumerate(_RARE_COLUMNS, start=len(_NAME_COLUMNS) + 1):
        cols[c] = per_value(name_codes, name_rows, k)
    # one block of object columns (no per-cell type discovery), then the nullable integer year
    # in its place
    order = [c for c in (*FRAME_COLUMNS, *_RARE_COLUMNS) if c != "dob_year"]
    block = np.empty((len(order), n), dtype=object)
    for i, c in enumerate(order):
        block[i] = cols[c]
    df = pd.DataFrame(block.T, columns=order, copy=False)
    df.insert(FRAME_COLUMNS.index("dob_year"), "dob_year",
              pd.array(cols["dob_year"].tolist(), dtype="Int64"))
    return df


def _codes(values: list) -> tuple[Any, list]:
    """(per-value index into the distinct values, the distinct values in first-seen order)."""
    import numpy as np

    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.intp,
                        count=len(values))
    return codes, list(index)


#: the date columns, in :data:`FRAME_COLUMNS` order
_DATE_COLUMNS = ("dob", "dob_year", "dob_md", "dob_dm", "dob_digits")
#: the columns after :data:`FRAME_COLUMNS`
_RARE_COLUMNS = ("rare_phon", "rare2_phon", "first3", "last3")


def _name_row(full_name: str) -> tuple:
    """The name columns of :data:`_NAME_COLUMNS` and ``joined`` for one name."""
    toks, phon, pat, pat_phon, joined = name_features(full_name)
    return (" ".join(toks) or None,
            " ".join(sorted(set(toks))) or None,
            " ".join(phon) or None,
            " ".join(sorted(phon)) or None,
            list(dict.fromkeys(phon + pat_phon)),
            phon[0] if phon else None,
            phon[-1] if phon else None,
            " ".join(pat) or None,
            joined or None)


def _rare_row(row: tuple, freq: dict[str, int]) -> tuple:
    """rare_phon, rare2_phon, first3, last3 of a name's :func:`_name_row`."""
    ranked = sorted(row[4], key=lambda x: (freq.get(x, 0), x))
    canon = row[0]
    return (ranked[0] if ranked else None,
            ranked[1] if len(ranked) > 1 else None,
            canon.split()[0][:3] if isinstance(canon, str) else None,
            canon.split()[-1][:3] if isinstance(canon, str) and " " in canon else None)


def _date_row(bd: date | None) -> tuple:
    """The columns of :data:`_DATE_COLUMNS` for one birth date."""
    if not bd:
        return None, None, None, None, None
    iso = bd.isoformat()
    return iso, bd.year, iso[5:], f"{iso[8:]}-{iso[5:7]}", f"{iso[:4]}{iso[5:7]}{iso[8:]}"


def _distinct(values: Any) -> tuple[Any, Any, Any]:
    """Per record, the number of its value in the array ``values`` (pandas' equality; None
    and NaN -1), and per number the value's first record and how many records hold it."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values)
    present = codes >= 0
    first = np.full(len(uniques), -1, dtype=np.int64)
    at = np.flatnonzero(present)
    first[codes[at][::-1]] = at[::-1]  # the last write wins: the first record
    counts = np.bincount(codes[present], minlength=len(uniques))
    return codes, first, counts


def mark_rare_spellings(frames: Sequence[Any]) -> None:
    """Add ``rare_spelling``: the name has a token no other record in ``frames`` uses.

    Each distinct name is split once per call (round 10c of issue #13 item 5); the counts
    live only while the call runs."""
    import numpy as np

    counts: dict[str, int] = {}
    per_frame = []
    for f in frames:
        canon = f["name_canon"].to_numpy(dtype=object)
        codes, first, held = _distinct(canon)
        names = [canon[i] for i in first]
        for name, k in zip(names, held.tolist(), strict=True):
            if isinstance(name, str):
                for t in set(name.split()):
                    counts[t] = counts.get(t, 0) + k
        per_frame.append((codes, names))
    for f, (codes, names) in zip(frames, per_frame, strict=True):
        rare = np.array([isinstance(n, str) and any(counts[t] == 1 for t in n.split())
                         for n in names] + [False], dtype=bool)
        # -1 (missing): the last, False; an empty frame gets the empty list it always got
        f["rare_spelling"] = rare[codes] if len(codes) else []


def name_term_frequencies(frames: Sequence[Any]) -> Any:
    """Term frequencies of the exact canonical name, for Splink's TF adjustment.

    Splink would use the share of records holding the name, which counts the very duplicates
    being looked for: a full name held only by the two records of a true pair looks as rare as
    one held by two strangers. For names of two or more tokens the frequency used here is the
    larger of the share among the *other* records (count - 2) and the product of the
    frequencies of the name's two rarest phonetic tokens (how often the name would arise by
    chance from its parts: "siti aminah" stays common even when only two records carry it,
    "maddison weidenhofer" does not; phonetic, so an old spelling is not taken for a rare name;
    the two rarest only, because common tokens come together: "ni wayan", "muhammad").
    Single names keep their plain share. Everything is computed from the data itself.
    """
    import numpy as np
    import pandas as pd

    n = sum(len(f) for f in frames)
    tok: dict[str, int] = {}
    full: dict[str, list] = {}
    for f in frames:
        # once per distinct (name, token list): the rows of one name share their list
        # (round 10c of issue #13 item 5); the object ids are taken while the frame holds them
        canon = f["name_canon"].to_numpy(dtype=object)
        toks_of = f["name_tokens"].to_numpy(dtype=object)
        names, _, _ = _distinct(canon)
        lists, _, _ = _distinct(np.fromiter(map(id, toks_of), dtype=np.int64, count=len(f)))
        pair = names.astype(np.int64) * (int(lists.max()) + 1 if len(lists) else 1) + lists
        _, first, held = _distinct(pair)
        for i, k in zip(first.tolist(), held.tolist(), strict=True):
            name = canon[i]
            if isinstance(name, str):
                toks = toks_of[i]
                if name in full:
                    full[name][0] += k
                else:
                    full[name] = [k, list(toks)]
                for t in set(toks):
                    tok[t] = tok.get(t, 0) + k
    rows = []
    for name, (c, toks) in full.items():
        if len(toks) < 2:
            rows.append((name, c / n))
            continue
        prod = 1.0
        for t in sorted(toks, key=tok.__getitem__)[:RARE_TOKENS_IN_NAME_FREQUENCY]:
            prod *= tok[t] / n
        rows.append((name, max(prod, (c - 2) / n, TF_MIN)))
    return pd.DataFrame(rows, columns=["name_canon", "tf_name_canon"]).astype(
        {"name_canon": object, "tf_name_canon": "float64"})
