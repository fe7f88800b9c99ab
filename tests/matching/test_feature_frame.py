"""The Splink input frame is the same as its straightforward per-record construction (issue #13
item 5, round 10b: the fast path computes each distinct name, birth date, place and address
once per call and builds the columns whole; nothing it gives may differ)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.identity.nik import nik_digits
from waspada.matching.features import FeatureCache, features_of
from waspada.matching.records import PersonRecord
from waspada.matching.splink_features import FRAME_COLUMNS, feature_frame

from .conftest import dataset

_NAME_COLUMNS = ("name_canon", "name_sorted", "name_phon", "name_phon_sorted", "name_tokens",
                 "first_phon", "last_phon", "patronym")


def reference_frame(records: Sequence[PersonRecord], *, token_freq: dict[str, int] | None = None
                    ) -> Any:
    """The construction before round 10b, kept verbatim: one features_of per record, the
    columns appended row by row, the rarest tokens ranked per row."""
    cache = FeatureCache()
    cols: dict[str, list] = {c: [] for c in FRAME_COLUMNS}
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


def assert_identical(new: Any, old: Any) -> None:
    """Same columns in the same order, same dtypes, same index, and every cell of the same
    type and value (None is not NaN, a list is not a tuple, str is not numpy's str).
    (The rows of one name may share one token list: nothing writes to it.)"""
    assert list(new.columns) == list(old.columns)
    assert list(new.dtypes.astype(str)) == list(old.dtypes.astype(str))
    assert list(new.index) == list(old.index)
    for c in old.columns:
        got = [(type(v).__name__, repr(v)) for v in new[c]]
        want = [(type(v).__name__, repr(v)) for v in old[c]]
        assert got == want, c


def test_fixture_frame_is_identical() -> None:
    recs, _ = dataset()
    assert_identical(feature_frame(recs), reference_frame(recs))


def test_fixture_frame_with_given_token_counts_is_identical() -> None:
    recs, _ = dataset()
    freq = {"siti": 500, "muhamad": 900, "budi": 3}
    half = len(recs) // 2
    assert_identical(feature_frame(recs[:half], token_freq=freq),
                     reference_frame(recs[:half], token_freq=freq))
    assert_identical(feature_frame(recs[half:], token_freq={}),
                     reference_frame(recs[half:], token_freq={}))


def test_empty_and_single() -> None:
    assert_identical(feature_frame([]), reference_frame([]))
    one = [PersonRecord("A", "")]
    assert_identical(feature_frame(one), reference_frame(one))


_NAMES = st.sampled_from([
    "", " ", "Muhammad", "Siti Aminah binti Abdullah", "H. Abd. Rahman, S.H.", "Ig0r Sech1n",
    "Soekarno", "Nur", "Al-Fatih bin Umar", "Fatimah Az-Zahra", "Dr. Ir. Budi Santoso, M.Sc.",
    "DJOKO SOESILO", "Ni Wayan Sri", "bin Ali", "Mohd. Yusuf", "Abdurrahman Wahid",
    "Tjoet Nja' Dhien", "I Gusti Ngurah Rai", "ＳＩＴＩ  ＡＭＩＮＡＨ", "Muh Ichsan Al Farisi",
    "Ahmad bin Ahmad", "Putri Ayu Lestari", "Wati", "123", "O'Neil", "Zulkifli b. Hasan",
])
_NIKS = st.one_of(
    st.none(), st.just(""),
    st.from_regex(r"\A[1-9][0-9]{15}\Z"),
    # a NIK whose birth date and sex decode (female days + 40)
    st.builds(lambda reg, d, m, y, s: f"{reg}{d:02d}{m:02d}{y:02d}{s:04d}",
              st.sampled_from(["320101", "317301", "510101", "990199"]),
              st.integers(0, 72), st.integers(0, 13), st.integers(0, 99), st.integers(0, 9999)),
    st.sampled_from(["3201.0112-0590 0001", "3201 0152 0590 0002", "１２３４５６７８９０１２３４５６",
                     "32010112059", "3201011205900012345", "3201O11205900001", "abc", "--"]),
)
_PHONES = st.one_of(st.none(), st.sampled_from([
    "", "+62 812-3456-7890", "0812 3456 7890", "(021) 555-1234", "６２８１２３４５６７８９",
    "62812345678", "+855 12 345 678", "0812.3456.7890", "tel: 0812345"]))
_PLACES = st.one_of(st.none(), st.sampled_from(
    ["", "Kab. Bogor", "KOTA Medan", "Jakarta Selatan", " ", "Tjiandjoer", "Kota Kota Baru"]))
_ADDRESSES = st.one_of(st.none(), st.sampled_from(
    ["", "  Jl. Merdeka 1 ", "RT 01/RW 02", "JL. SUDIRMAN", "   "]))
_DATES = st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2029, 12, 31)),
                   st.sampled_from([date(1990, 1, 1), date(2000, 2, 29)]))


@st.composite
def _records(draw: st.DrawFn) -> list[PersonRecord]:
    n = draw(st.integers(0, 40))
    names = st.one_of(_NAMES, st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                      max_size=30))
    return [PersonRecord(f"R{i}", draw(names), draw(_DATES),
                         draw(st.sampled_from([None, "M", "F"])), draw(_PLACES),
                         draw(_ADDRESSES), draw(_NIKS),
                         draw(st.sampled_from([None, "", "B1234567", "b 123"])), draw(_PHONES))
            for i in range(n)]


@settings(max_examples=150, deadline=None)
@given(_records(), st.one_of(st.none(), st.dictionaries(st.sampled_from(
    ["muhamad", "siti", "amina", "budi", "x"]), st.integers(0, 50))))
def test_messy_records_give_the_identical_frame(recs: list[PersonRecord],
                                                freq: dict[str, int] | None) -> None:
    assert_identical(feature_frame(recs, token_freq=freq), reference_frame(recs, token_freq=freq))


def _nik_digits_reference(nik: object) -> str | None:
    """nik_digits before its clean-NIK shortcut."""
    if not isinstance(nik, str) or len(nik) > 200:
        return None
    clean = re.sub(r"[\s.\-/_]+", "", nik)
    return clean if len(clean) == 16 and clean.isascii() and clean.isdigit() else None


@settings(max_examples=300, deadline=None)
@given(st.one_of(_NIKS, st.text(st.sampled_from("0123456789１２٣ .-/_\tx"), max_size=20),
                 st.integers(), st.from_regex(r"\A[0-9]{16}\Z")))
def test_nik_digits_shortcut_reads_the_same(nik: object) -> None:
    assert nik_digits(nik) == _nik_digits_reference(nik)
