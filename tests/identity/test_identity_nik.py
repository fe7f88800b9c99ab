"""NIK parsing and validation."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.identity.nik import _regions, generate_nik, parse_nik, province_codes

REF = date(2026, 11, 27)


def codes(res):
    return {f.code for f in res.findings}


def test_female_jakarta():
    res = parse_nik("3174015708900001", reference_date=REF)
    assert res.valid and res.findings == []
    assert res.to_dict() == {
        "valid": True,
        "province": "DKI Jakarta",
        "regency": "Kota Jakarta Selatan",
        "district": "Tebet",
        "birth_date": "1990-08-17",
        "sex": "F",
        "findings": [],
    }


def test_male_same_place():
    res = parse_nik("3174011708900001", reference_date=REF)
    assert res.sex == "M" and res.birth_date == "1990-08-17"


def test_all_38_provinces_including_new_ones():
    provs = province_codes()
    assert len(provs) == 38
    assert {"65", "91", "92", "93", "94", "95", "96"} <= set(provs)
    districts = _regions()[2]
    for p in ("65", "92", "93", "95", "96"):
        prefix = next(k for k in districts if k.startswith(p))
        assert parse_nik(prefix + "0101900001", reference_date=REF).valid


def test_century_inference():
    assert parse_nik("3174010101250001", reference_date=REF).birth_date == "2025-01-01"
    assert parse_nik("3174010112260001", reference_date=REF).birth_date == "1926-12-01"
    res = parse_nik("3174010101200001", reference_date=REF)
    assert "nik.birth_date.century_ambiguous" in codes(res) and res.valid


@pytest.mark.parametrize(
    ("nik", "code", "valid"),
    [
        (None, "nik.input.type", False),
        ("", "nik.input.empty", False),
        ("  ", "nik.input.empty", False),
        ("3174-0157-0890-0001", "nik.input.separators", True),
        ("31740157089O0001", "nik.non_digit", False),
        ("३१७४०१५७०८९००००१", "nik.non_digit", False),
        ("317401570890001", "nik.length", False),
        ("1" * 500, "nik.length", False),
        ("9901015708900001", "nik.province.unknown", False),
        ("3198015708900001", "nik.regency.unknown", True),
        ("3174995708900001", "nik.district.unknown", True),
        ("3174013102900001", "nik.birth_date.invalid", False),
        ("3174017202900001", "nik.birth_date.invalid", False),
        ("3174010013900001", "nik.birth_date.invalid", False),
        ("3174013500900001", "nik.birth_date.invalid", False),
        ("3174015708900000", "nik.serial.zero", False),
    ],
)
def test_findings(nik, code, valid):
    res = parse_nik(nik, reference_date=REF)
    assert code in codes(res)
    assert res.valid is valid


PREFIXES = sorted(_regions()[2])


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from(PREFIXES),
    born=st.dates(min_value=date(1927, 1, 1), max_value=REF),
    sex=st.sampled_from("MF"),
    serial=st.integers(1, 9999),
)
def test_round_trip(prefix, born, sex, serial):
    nik = generate_nik(prefix, born, sex, serial)
    res = parse_nik(nik, reference_date=REF)
    assert res.valid
    assert res.birth_date == born.isoformat()
    assert res.sex == sex
    assert res.district is not None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789 -", max_size=30), st.integers()))
def test_never_raises(value):
    res = parse_nik(value, reference_date=REF)
    assert res.valid is not any(f.severity == "critical" for f in res.findings)
