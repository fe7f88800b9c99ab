"""The Splink input table: one row of Indonesian name, birth-date and identifier features per
record, the rare-spelling flag and the name frequencies used by the exact-name level.

Everything here is computed from the records themselves (pure pandas, no Splink, no database).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from waspada.matching.features import FeatureCache, features_of
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
    """
    import pandas as pd

    cache = FeatureCache()
    cols: dict[str, list] = {c: [] for c in FRAME_COLUMNS}
    # the same name gives the same columns: built once per distinct name
    name_cols: dict[str, tuple] = {}
    for r in records:
        f = features_of(r, keep_record=False, cache=cache, check_nik=False)
        nc = name_cols.get(r.full_name)
        if nc is None:
            nc = name_cols[r.full_name] = (
                " ".join(f.tokens) or None,
                " ".join(sorted(set(f.tokens))) or None,
                " ".join(f.phon) or None,
                " ".join(sorted(f.phon)) or None,
                list(dict.fromkeys(f.phon + f.patronym_phon)),
                f.phon[0] if f.phon else None,
                f.phon[-1] if f.phon else None,
                " ".join(f.patronym) or None)
        bd = f.birth_date
        iso = bd.isoformat() if bd else None
        cols["unique_id"].append(r.record_id)
        for c, v in zip(_NAME_COLUMNS, nc, strict=True):
            cols[c].append(list(v) if c == "name_tokens" else v)
        cols["joined"].append(f.joined or None)
        cols["dob"].append(iso)
        cols["dob_year"].append(bd.year if bd else None)
        cols["dob_md"].append(iso[5:] if iso else None)
        cols["dob_dm"].append(f"{iso[8:]}-{iso[5:7]}" if iso else None)
        cols["dob_digits"].append(f"{iso[:4]}{iso[5:7]}{iso[8:]}" if iso else None)
        cols["sex"].append(f.sex)
        cols["nik"].append(f.nik)
        cols["nik_region"].append(f.nik_region)
        cols["passport_no"].append(f.passport_no)
        cols["phone"].append(f.phone)
        cols["birth_place"].append(f.birth_place)
        cols["address"].append((r.address or "").lower().strip() or None)
    df = pd.DataFrame(cols) if records else pd.DataFrame()
    if df.empty:
        return df
    # rarest token (by frequency in this data set) for blocking
    freq: dict[str, int] = dict(token_freq or {})
    if token_freq is None:
        for toks in df["name_tokens"]:
            for t in set(toks):
                freq[t] = freq.get(t, 0) + 1
    ranked = [sorted(t, key=lambda x: (freq.get(x, 0), x)) for t in df["name_tokens"]]
    df["rare_phon"] = [r[0] if r else None for r in ranked]
    df["rare2_phon"] = [r[1] if len(r) > 1 else None for r in ranked]
    df["first3"] = [n.split()[0][:3] if isinstance(n, str) else None for n in df["name_canon"]]
    df["last3"] = [n.split()[-1][:3] if isinstance(n, str) and " " in n else None
                   for n in df["name_canon"]]
    df["dob_year"] = df["dob_year"].astype("Int64")
    return df


def mark_rare_spellings(frames: Sequence[Any]) -> None:
    """Add ``rare_spelling``: the name has a token no other record in ``frames`` uses."""
    counts: dict[str, int] = {}
    for f in frames:
        for name in f["name_canon"]:
            if isinstance(name, str):
                for t in set(name.split()):
                    counts[t] = counts.get(t, 0) + 1
    for f in frames:
        f["rare_spelling"] = [isinstance(n, str) and any(counts[t] == 1 for t in n.split())
                              for n in f["name_canon"]]


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
    import pandas as pd

    n = sum(len(f) for f in frames)
    tok: dict[str, int] = {}
    full: dict[str, list] = {}
    for f in frames:
        for name, toks in zip(f["name_canon"], f["name_tokens"], strict=True):
            if isinstance(name, str):
                if name in full:
                    full[name][0] += 1
                else:
                    full[name] = [1, list(toks)]
                for t in set(toks):
                    tok[t] = tok.get(t, 0) + 1
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
