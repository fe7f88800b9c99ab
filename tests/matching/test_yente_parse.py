"""The yente query parser and its search under hostile input (round 21 pass; no database).

``parse_example`` must never raise for any property values the API admits, bound its work
(names, dates, identifiers, variants) and name whatever it leaves out; the variants of one
query share their name comparisons without changing any score.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.demo.synthetic import generate_people
from waspada.matching import scorer, yente
from waspada.matching.features import features_of
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord as R


def _watchlist() -> WatchlistIndex:
    people = [R(p.record_id, p.full_name, p.birth_date, p.sex, nik=p.nik)
              for p in generate_people(2000, seed=21)]
    people.append(R("W-1", "Muhammad Rizki bin Ahmad", date(1990, 5, 17), "M"))
    return WatchlistIndex.build(people)


IDX = _watchlist()

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60)
_VALUE = st.one_of(_TEXT, st.integers(-(10**20), 10**20), st.floats(allow_nan=False,
                                                                     allow_infinity=False),
                   st.booleans(), st.none(),
                   st.sampled_from(["1975", "1975-13", "0000-00-00", "9999-99-99", "1975-04",
                                    "2020-02-30", "1990-05-17T10:00", "bin", "binti", "Hj.",
                                    "3201234567890123", "male", "female", "other"]))
_KEYS = st.sampled_from(["name", "alias", "previousName", "firstName", "middleName", "lastName",
                         "fatherName", "birthDate", "idNumber", "nationalId",
                         "passportNumber", "phone", "gender", "birthPlace", "nationality",
                         "country", "address", "weird"])
_PROPS = st.dictionaries(_KEYS, st.one_of(_VALUE, st.lists(_VALUE, max_size=8)), max_size=10)


@settings(max_examples=300, deadline=None)
@given(_PROPS, st.sampled_from(["Person", "LegalEntity", "Company"]))
def test_parse_example_never_raises_and_stays_bounded(props: dict[str, Any],
                                                      schema: str) -> None:
    parsed = yente.parse_example("q", schema, props)
    assert len(parsed.records) <= yente.MAX_VARIANTS
    assert len({r.full_name for r in parsed.records}) <= yente.MAX_NAMES
    # whatever is echoed was understood; the rest is named in the warnings
    for key, echoed in parsed.echo.items():
        assert echoed and all(isinstance(v, str) for v in echoed), key
    assert all(isinstance(w, str) for w in parsed.warnings)
    if parsed.searchable:
        yente.search_variants(IDX, parsed, floor=0.5, top=10)


def test_every_name_is_searched_and_the_cut_is_named() -> None:
    props = {"name": [f"Nama{i} Lubis" for i in range(5)],
             "birthDate": ["1980-01-01", "1981-01-01", "1982-01-01"],
             "idNumber": ["3201234567890121", "3201234567890122", "3201234567890123"],
             "passportNumber": ["X1", "X2", "X3"]}
    parsed = yente.parse_example("q", "Person", props)
    assert len(parsed.records) == yente.MAX_VARIANTS
    used = {(r.full_name, r.birth_date, r.nik, r.passport_no) for r in parsed.records}
    for name in props["name"]:
        assert any(u[0] == name for u in used), name
    for k, field in ((1, "birthDate"), (2, "idNumber"), (3, "passportNumber")):
        for v in props[field]:
            assert any(str(u[k]) == v for u in used), v
    assert any("135 combinations" in w for w in parsed.warnings)


def test_the_same_variants_as_before_when_they_fit() -> None:
    # product in order whenever names x dates x identifiers <= 20: no result changes
    props = {"name": ["Siti Rahayu", "Siti Rahayu Lubis"], "birthDate": ["1980-01-01",
                                                                         "1981-01-01"],
             "idNumber": ["3201234567890121", "3201234567890122"]}
    parsed = yente.parse_example("q", "Person", props)
    got = [(r.full_name, r.birth_date and r.birth_date.isoformat(), r.nik)
           for r in parsed.records]
    assert got == [(n, d, k) for n in props["name"] for d in props["birthDate"]
                   for k in props["idNumber"]]
    assert not parsed.warnings


def test_variants_share_name_comparisons_without_changing_scores(monkeypatch: Any) -> None:
    # 20 variants of one name: each candidate's name was compared up to 20 times
    props = {"name": "Muhammad Rizki bin Ahmad Siti Nur Dewi",
             "birthDate": ["1990-05-17", "1991-05-17", "1989-05-17"],
             "idNumber": ["3201234567890121", "3201234567890122", "3201234567890123"],
             "passportNumber": ["X1", "X2", "X3"]}
    parsed = yente.parse_example("q", "Person", props)
    assert len(parsed.records) == 20
    expected = {}
    for rec in parsed.records:  # every variant on its own, no memo: the reference scores
        for m in IDX.search(rec, top=300, threshold=1e-6, explain=False):
            expected[m.record_id] = max(expected.get(m.record_id, 0.0), m.score)
    calls = 0
    real = scorer.compare_names

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(scorer, "compare_names", counting)
    got = yente.search_variants(IDX, parsed, floor=1e-6, top=300)
    assert {k: v[0] for k, v in got.items()} == expected
    candidates = {pos for rec in parsed.records
                  for pos in IDX.candidates(features_of(rec, keep_record=False))}
    assert calls <= len(candidates), (calls, len(candidates))


def test_worst_query_costs_a_bounded_time() -> None:
    # five 16-word names, each with two dates and two NIKs (20 variants), threshold 0
    words = ["Siti", "Muhammad", "Nur", "Ahmad", "Dewi", "Sri", "Budi", "Rahayu", "Wati",
             "Hadi", "Abdul", "Santoso", "Saputra", "Hidayat", "Lubis", "Putri"]
    props = {"name": [" ".join(words[i:] + words[:i]) for i in range(5)],
             "birthDate": ["1980-01-01", "1990-06-15"],
             "idNumber": ["3201234567890123", "3201234567890124"]}
    parsed = yente.parse_example("q", "Person", props)
    best = min(_cpu(lambda: yente.search_variants(IDX, parsed, floor=1e-6, top=300))
               for _ in range(3))
    assert best < 1.0, best  # about 0.1 s on the 2-core build machine


def _cpu(fn: Any) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def test_a_name_without_letters_is_named_in_the_warnings() -> None:
    # punctuation, combining or format marks only: searched without a word, never matched by
    # name (an emoji is spelled out as its name, "grinning", and compared)
    for name in ("!!!...,,,", "\u0301\u0301", "\u200b", "\u202e\u202d", "- . -"):
        parsed = yente.parse_example("q", "Person", {"name": name})
        assert any("no letters" in w for w in parsed.warnings), name
    assert not yente.parse_example("q", "Person", {"name": "Siti"}).warnings
