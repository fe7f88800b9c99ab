"""Traveller cross-checks and passport rules."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.identity.consistency import TravellerFacts, check_traveller, parse_date
from waspada.identity.mrz import generate_mrz
from waspada.identity.passport import check_number, check_validity, max_validity_years

REF = date(2026, 11, 27)


def codes(res):
    return {f.code for f in res.findings}


def good(**over):
    mrz = generate_mrz("TD3", surname="Lestari", given_names="Dewi Ayu", document_number="C1234567",
                       birth_date="1990-08-17", expiry_date="2033-01-10", sex="F")
    data = {
        "nik": "3174015708900001",
        "mrz": mrz,
        "surname": "Lestari",
        "given_names": "Dewi Ayu",
        "birth_date": "1990-08-17",
        "sex": "F",
        "passport_number": "C1234567",
        "issue_date": "2023-01-10",
        "expiry_date": "2033-01-10",
        "marital_status": "kawin",
        "travel_date": "2026-12-15",
    }
    data.update(over)
    return data


def test_consistent_traveller_is_clean():
    res = check_traveller(good(), reference_date=REF)
    assert res.valid and res.findings == []
    assert res.to_dict() == {"valid": True, "findings": []}


def test_keyword_form():
    res = check_traveller(nik="3174015708900001", birth_date="1990-08-17", sex="F",
                          reference_date=REF)
    assert res.valid


@pytest.mark.parametrize(
    ("over", "code", "valid"),
    [
        ({"nik": "3174011708900001"}, "traveller.nik_sex_mismatch", False),
        ({"nik": "3174015808900001"}, "traveller.nik_birth_date_mismatch", False),
        ({"birth_date": "1990-08-18"}, "traveller.mrz_mismatch", False),
        ({"passport_number": "C1234568"}, "traveller.mrz_mismatch", False),
        ({"surname": "Lestiani"}, "traveller.mrz_name_mismatch", True),
        ({"expiry_date": "2022-01-10"}, "passport.expiry_before_issue", False),
        ({"issue_date": "2027-01-10"}, "passport.issue_date.future", False),
        ({"issue_date": "1980-01-10", "mrz": None, "expiry_date": "1985-01-10"},
         "passport.issue_before_birth", False),
        ({"issue_date": "2021-01-10", "expiry_date": "2031-01-10", "mrz": None},
         "passport.validity.too_long", False),
        ({"issue_date": "2024-01-10", "expiry_date": "2028-06-10", "mrz": None},
         "passport.validity.unusual", True),
        ({"expiry_date": "2026-12-01", "issue_date": "2021-12-01", "mrz": None},
         "passport.expired", False),
        ({"expiry_date": "2027-03-01", "issue_date": "2022-03-01", "mrz": None},
         "passport.expires_within_6_months", True),
        ({"passport_number": "12345", "mrz": None}, "passport.number.pattern", True),
        ({"foo": 1}, "traveller.input.unknown_key", True),
        ({"issue_date": "31/31/2020"}, "traveller.input.bad_date", True),
        ({"sex": "robot"}, "traveller.input.bad_value", True),
        ({"marital_status": "complicated"}, "traveller.input.bad_value", True),
        ({"mrz": 42}, "traveller.input.bad_value", True),
        ({"passport_number": ["x"]}, "traveller.input.bad_value", True),
    ],
)
def test_findings(over, code, valid):
    res = check_traveller(good(**over), reference_date=REF)
    assert code in codes(res), res.findings
    assert res.valid is valid, res.findings


def test_name_comparison_uses_titles_and_patronym_rules():
    mrz = generate_mrz("TD3", surname="Aminah", given_names="Siti binti Ahmad",
                       document_number="C1234567", birth_date="1990-08-17",
                       expiry_date="2033-01-10", sex="F")
    ok = check_traveller({"mrz": mrz, "surname": "Aminah", "given_names": "Hj. Siti binti Ahmad"},
                         reference_date=REF)
    assert "traveller.mrz_name_mismatch" not in codes(ok)
    bad = check_traveller({"mrz": mrz, "surname": "Aminah", "given_names": "Siti binti Amir"},
                          reference_date=REF)
    assert "traveller.mrz_name_mismatch" in codes(bad)
    long = "Siti Nurhaliza Rahmawati Kusumaningtyas Purnamasari"
    mrz = generate_mrz("TD3", surname="Lestari", given_names=long, document_number="C1234567",
                       birth_date="1990-08-17", expiry_date="2033-01-10", sex="F")
    res = check_traveller({"mrz": mrz, "surname": "Lestari", "given_names": long},
                          reference_date=REF)
    assert "traveller.mrz_name_mismatch" not in codes(res)  # truncated in the MRZ


def test_minor_and_five_year_rule():
    # Born 2012, unmarried, passport issued 2023 for 10 years: too long; minor at travel.
    data = {"birth_date": "2012-05-01", "issue_date": "2023-01-10", "expiry_date": "2033-01-10",
            "marital_status": "belum kawin", "travel_date": "2026-12-01"}
    res = check_traveller(data, reference_date=REF)
    assert {"passport.validity.too_long", "traveller.minor"} <= codes(res)
    # Same child, married: 10 years allowed.
    data["marital_status"] = "married"
    assert "passport.validity.too_long" not in codes(check_traveller(data, reference_date=REF))


def test_birth_in_future_and_not_indonesian():
    res = check_traveller({"birth_date": "2030-01-01"}, reference_date=REF)
    assert "traveller.birth_date.future" in codes(res)
    mrz = generate_mrz("TD3", surname="Sok", document_number="N123456", birth_date="1990-01-01",
                       expiry_date="2030-01-01", issuing_state="KHM", sex="M")
    res = check_traveller({"mrz": "\n".join(mrz)}, reference_date=REF)
    assert "traveller.not_indonesian" in codes(res)


def test_mrz_findings_are_included():
    data = good()
    data["mrz"] = [data["mrz"][0], data["mrz"][1][:-1] + "1"]
    res = check_traveller(data, reference_date=REF)
    assert "mrz.check_digit.composite" in codes(res) and not res.valid


def test_nik_findings_are_included():
    res = check_traveller({"nik": "123"}, reference_date=REF)
    assert "nik.length" in codes(res) and not res.valid


def test_not_an_object():
    res = check_traveller(["a"], reference_date=REF)  # type: ignore[arg-type]
    assert "traveller.input.not_object" in codes(res) and not res.valid
    facts = TravellerFacts.from_dict("x")
    assert facts.input_findings[0].code == "traveller.input.not_object"


def test_validity_rules():
    assert max_validity_years(date(2022, 9, 28), date(1990, 1, 1), False) == 5
    assert max_validity_years(date(2022, 9, 29), date(1990, 1, 1), False) == 10
    assert max_validity_years(date(2023, 1, 1), date(2010, 1, 1), False) == 5
    assert max_validity_years(date(2023, 1, 1), date(2010, 1, 1), True) == 10
    assert check_validity(date(2023, 1, 1), date(2028, 1, 1)) == []
    assert check_validity(date(2024, 2, 29), date(2034, 2, 28)) == []
    f = check_validity(date(2021, 1, 1), date(2031, 1, 1))[0]
    assert "2022-09-29" in f.message_en and "29-09-2022" in f.message_id


def test_number_pattern_is_configurable():
    assert check_number("C1234567") == []
    assert check_number("AB123456") == []
    assert check_number("123") != []
    assert check_number("123", pattern=r"\d+") == []
    assert check_number("anything", pattern=None) == []
    res = check_traveller(good(passport_number="X1", mrz=None), reference_date=REF,
                          passport_number_pattern=r"X\d")
    assert "passport.number.pattern" not in codes(res)


def test_parse_date_forms():
    assert parse_date("17-08-1945") == date(1945, 8, 17)
    assert parse_date("17/08/1945") == date(1945, 8, 17)
    assert parse_date("1945-08-17") == date(1945, 8, 17)
    assert parse_date(date(1945, 8, 17)) == date(1945, 8, 17)
    assert parse_date("x" * 100) is None and parse_date(5) is None


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(
    ["nik", "mrz", "birth_date", "sex", "issue_date", "expiry_date", "travel_date",
     "passport_number", "marital_status", "surname", "given_names", "junk"]),
    st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=5)))))
def test_never_raises(data):
    res = check_traveller(data, reference_date=REF)
    assert res.valid is not any(f.severity == "critical" for f in res.findings)


def test_typed_nationality_is_compared_with_the_mrz() -> None:
    mrz = generate_mrz("TD3", surname="RAHAYU", given_names="SITI", document_number="C1234567",
                       birth_date="1990-08-17", sex="F", expiry_date="2030-01-01",
                       issuing_state="IDN", nationality="IDN")
    same = check_traveller({"mrz": mrz, "nationality": "idn"}, reference_date=REF)
    assert "traveller.mrz_mismatch" not in {f.code for f in same.findings}
    other = check_traveller({"mrz": mrz, "nationality": "MYS"}, reference_date=REF)
    mismatch = [f for f in other.findings if f.code == "traveller.mrz_mismatch"]
    assert [f.field for f in mismatch] == ["nationality"] and not other.valid


@pytest.mark.parametrize("number, state, code, warned", [
    ("C1234567", "IDN", "P", False),   # ordinary series A/B/C + 7 digits
    ("A7654321", "IDN", "P", False),
    ("X1234567", "IDN", "P", True),    # letter not in the public series
    ("C12345678", "IDN", "P", True),   # 8 digits
    ("X1234567", "MYS", "P", False),   # another state's passport: not our series
])
def test_indonesian_passport_series(number, state, code, warned) -> None:
    mrz = generate_mrz("TD3", document_code=code, surname="RAHAYU", given_names="SITI",
                       document_number=number, birth_date="1990-08-17", sex="F",
                       expiry_date="2030-01-01", issuing_state=state, nationality=state)
    res = check_traveller({"mrz": mrz}, reference_date=REF)
    series = [f for f in res.findings if f.code == "passport.number.series"]
    assert bool(series) is warned
    assert all(f.severity == "warning" for f in series)  # sources disagree: never critical
    if warned:
        assert res.valid and number in series[0].message("en")
        # the series label is in the reader's language too (walk task17 saw English in it)
        assert "(A, B or C + 7 digits)" in series[0].message("en")
        assert "(A, B atau C + 7 angka)" in series[0].message("id")


def test_a_sex_mismatch_names_the_sexes_in_words() -> None:
    """walk task17: the passport officer read "Jenis kelamin di NIK (M) berbeda dengan paspor
    (F)"; the codes are words in both languages."""
    res = check_traveller({"nik": "3573011205990001", "birth_date": "1999-05-12", "sex": "F"},
                          reference_date=REF)
    found = [f for f in res.findings if f.code == "traveller.nik_sex_mismatch"]
    assert len(found) == 1
    assert found[0].message("id") == (
        "Jenis kelamin di NIK (Laki-laki) berbeda dengan paspor (Perempuan).")
    assert found[0].message("en") == "Sex in the NIK (Male) differs from the passport (Female)."
