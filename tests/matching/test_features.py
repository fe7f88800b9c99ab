"""Name alignment, birth-date relations and the explainable scorer."""

from __future__ import annotations

from datetime import date

import pytest

from waspada.matching.features import birth_date_relation, features_of, name_similarity
from waspada.matching.records import PersonRecord as R
from waspada.matching.scorer import score_pair


def score(a: R, b: R) -> float:
    return score_pair(features_of(a), features_of(b)).score


D = date(1990, 5, 17)


@pytest.mark.parametrize(("a", "b"), [
    ("Muhammad Rizki", "Moch. Rizky"),            # Muhammad variant + spelling
    ("Muhammad Rizki", "M. Rizki"),               # initial M. = Muhammad
    ("Sukarno Putra", "Soekarno Poetra"),        # old spelling (oe -> u)
    ("Joko Santoso", "Drs. Djoko Santoso, S.H."),  # titles + dj -> j
    ("Siti Aminah binti Hasan", "Siti Aminah"),   # binti patronym optional
    ("Siti Aminah Hasan", "Siti Aminah binti Hasan"),  # patronym written without binti
    ("Nur Hidayah", "Nurhidayah"),                # token merge
    ("Abdul Rahman Wahid", "Abdurrahman Wahid"),  # assimilated article
    ("Sulistyowati", "Sulistiowati"),             # single name, spelling
])
def test_variants_score_high(a: str, b: str) -> None:
    assert score(R("a", a, D, "M"), R("b", b, D, "M")) > 0.9


def test_one_year_shift_day_month_swap_and_jan1_are_found_but_not_exact() -> None:
    a = R("a", "Hendra Wijaya", date(1988, 3, 9))
    for other, rel in ((date(1989, 3, 9), "one_year_shift"), (date(1988, 9, 3), "day_month_swap"),
                       (date(1988, 1, 1), "jan1_default")):
        r = score_pair(features_of(a), features_of(R("b", "Hendra Wijaya", other)))
        assert r.explanation["birth_date"]["relation"] == rel
        assert r.score > 0.8
        exact = score_pair(features_of(a), features_of(R("c", "Hendra Wijaya", a.birth_date)))
        assert exact.weight > r.weight


@pytest.mark.parametrize("day", [date(1975, 7, 1), date(1975, 12, 31), date(1975, 1, 1)])
def test_the_same_unknown_day_date_is_weaker_evidence_than_the_same_real_date(day: date) -> None:
    """Round 24: registries write 1 July, 31 December or 1 January for an unknown day of
    birth; two records sharing such a date are named so and weigh 10 bits, not 14, and the
    explanation says which; a real date next to them stays ``exact``."""
    name = "Siti Aminah"
    a, b = R("a", name, day, "F"), R("b", name, day, "F")
    got = score_pair(features_of(a), features_of(b))
    assert got.explanation["birth_date"]["relation"] == "exact_unknown_day"
    assert got.explanation["birth_date"]["weight"] == 10.0
    real = date(1975, 7, 2)
    exact = score_pair(features_of(R("a", name, real, "F")), features_of(R("b", name, real, "F")))
    assert exact.explanation["birth_date"]["relation"] == "exact"
    assert exact.weight - got.weight == pytest.approx(4.0)


def test_common_name_with_birth_dates_years_apart_is_not_a_match() -> None:
    for name in ("Siti Aminah", "Muhammad Agus", "Nur Hidayah", "Agus"):
        assert score(R("a", name, date(1980, 4, 2), "F"), R("b", name, date(1986, 4, 2), "F")) < 0.2


def test_father_and_son_with_bin_do_not_match() -> None:
    son = R("s", "Ahmad bin Yusuf", date(1995, 2, 1), "M")
    father = R("f", "Yusuf bin Hasan", date(1965, 2, 1), "M")
    assert score(son, father) < 0.05
    # even without birth dates: given names only meet the other's patronym
    assert score(R("s", son.full_name), R("f", "Yusuf bin Ahmad")) < 0.5


def test_twins_with_different_given_names_do_not_match() -> None:
    a = R("a", "Hasan Basri", date(2000, 6, 1), "M", nik="3507010106000001")
    b = R("b", "Husin Basri", date(2000, 6, 1), "M", nik="3507010106000002")
    assert score(a, b) < 0.5


def test_nik_and_passport_agreement_explained() -> None:
    a = R("a", "Budi Santoso", D, nik="3507014705900001", passport_no="X1234567")
    b = R("b", "Budi Santoso", None, nik="3507014705900001", passport_no="X1234567")
    r = score_pair(features_of(a), features_of(b))
    assert r.explanation["nik"]["outcome"] == "agree"
    assert r.explanation["passport"]["outcome"] == "agree"
    assert r.score > 0.99


def test_birth_date_and_sex_derived_from_nik() -> None:
    f = features_of(R("a", "Dewi", None, None, nik="3507014705900001"))
    assert f.birth_date == date(1990, 5, 7) and f.sex == "F" and f.birth_date_from_nik


def test_birth_date_relations() -> None:
    assert birth_date_relation(D, None) == "unknown"
    assert birth_date_relation(D, date(1990, 5, 18)) == "typo"
    assert birth_date_relation(D, date(1993, 5, 18)) == "far"
    assert birth_date_relation(D, date(1991, 1, 20)) == "near"


def test_name_similarity_symmetric_and_bounded() -> None:
    for a, b in (("Olaf Scholz", "Olaf Scholze"), ("Angela Merkel", "Angelo Cruz")):
        s1, s2 = name_similarity(a, b), name_similarity(b, a)
        assert 0.0 <= s1 <= 1.0 and abs(s1 - s2) < 1e-9
    assert name_similarity("Olaf Scholz", "Olaf Scholze") > 0.7
    assert name_similarity("Angela Merkel", "Angelo Cruz") < 0.5


def test_names_in_other_scripts_meet_their_latin_spelling() -> None:
    assert name_similarity("Владимир Путин", "Vladimir Putin") == 1.0
    assert name_similarity("Сергей Лавров", "Sergey Lavrov") > 0.9
    assert name_similarity("Владимир Путин", "Sergey Lavrov") < 0.3


def test_the_frame_takes_the_niks_digits_without_parsing_them_the_same_columns() -> None:
    """``check_nik=False`` (the Splink frame, issue #13 round 7b) gives every feature of the
    full NIK parse but its validity, for valid, invalid, separated, short and non-digit NIKs,
    with and without birth date and sex."""
    from dataclasses import replace
    from datetime import date as _date

    from waspada.matching.features import features_of as _features_of
    from waspada.matching.records import PersonRecord as _Rec

    niks = ["3171014501900001", "3171 0145 0190 0001", "31.71.01-450190/0001",
            "9999014501900001", "3171019901900001", "317101450190000", "31710145019000011",
            "３１７１０１４５０１９００００１", "3171O14501900001", "", None, "x" * 201,
            "3171015513990000"]
    for nik in niks:
        for bd, sex in ((_date(1990, 1, 5), "F"), (None, "F"), (_date(1990, 1, 5), None),
                        (None, None)):
            rec = _Rec(record_id="r", full_name="Siti Aminah", birth_date=bd, sex=sex, nik=nik)
            full = _features_of(rec, keep_record=False)
            fast = _features_of(rec, keep_record=False, check_nik=False)
            assert fast.nik_valid is None or fast.nik_valid == full.nik_valid
            assert replace(fast, nik_valid=None) == replace(full, nik_valid=None), nik
