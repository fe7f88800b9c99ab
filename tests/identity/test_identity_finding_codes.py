"""Every registered finding code is reached by at least one concrete input."""

from datetime import date

import pytest

from waspada.identity import REGISTRY
from waspada.identity.consistency import check_traveller
from waspada.identity.findings import Finding, has_critical
from waspada.identity.mrz import generate_mrz, parse_mrz
from waspada.identity.nik import parse_nik
from waspada.identity.reading import name_uncertainty

REF = date(2010, 1, 1)
TODAY = date(2026, 11, 27)
L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
L2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def mut(line, pos, ch):
    return line[:pos] + ch + line[pos + 1 :]


def mrz(*lines, ocr=False, ref=REF):
    return parse_mrz(list(lines) if len(lines) > 1 else lines[0], reference_date=ref,
                     ocr_tolerant=ocr).findings


def gen(**kw):
    base = dict(surname="A", document_number="X1", birth_date="900101", expiry_date="300101")
    base.update(kw)
    return generate_mrz(base.pop("kind", "TD3"), **base)


def nik(value):
    return parse_nik(value, reference_date=TODAY).findings


def trav(**kw):
    return check_traveller(kw, reference_date=TODAY).findings


TD1_LONG_BAD = ["I<UTOD23145890<<<<<<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2",
                "STEVENSON<<PETER<JOHN<<<<<<<<<"]

# PRADO BEL-BO-03003 (a genuine Belgian card) and the French ID used in the .NET
# MRZ test suite; see tests/identity/mrz_vectors.json for citations.
BEL_ID = ["IDBEL000590240<6013<<<<<<<<<<<", "8512017F1311048BEL851201002007",
          "REINARTZ<<ULRIKE<KATIA<E<<<<<<"]
FRA_ID = ["IDFRADOUEL<<<<<<<<<<<<<<<<<<<<932013", "0506932020438CHRISTIANE<<NI2906209F3"]

CASES: dict[str, object] = {
    "mrz.input.empty": lambda: mrz(""),
    "mrz.input.extracted": lambda: mrz("REPUBLIK INDONESIA\n" + L1 + "\n" + L2),
    "mrz.specimen": lambda: mrz(L1, L2),
    "mrz.document_number.issuer_variant": lambda: mrz(*BEL_ID),
    "mrz.format.not_icao": lambda: mrz(*FRA_ID),
    "mrz.input.type": lambda: mrz(None),
    "mrz.input.too_long": lambda: mrz("<" * 3000),
    "mrz.input.whitespace": lambda: mrz(" " + L1, L2),
    "mrz.input.lowercase": lambda: mrz(L1.lower(), L2),
    "mrz.input.invalid_characters": lambda: mrz(L1.replace("A", "Ä"), L2),
    "mrz.format.unknown": lambda: mrz("P<UTO"),
    "mrz.format.line_padded": lambda: mrz(L1.rstrip("<"), L2),
    "mrz.format.line_order": lambda: mrz(L2, L1),
    "mrz.document_code.unexpected": lambda: mrz(mut(L1, 0, "X"), L2),
    "mrz.document_code.invalid": lambda: mrz(mut(L1, 0, "1"), L2),
    "mrz.issuing_state.unknown": lambda: mrz(mut(L1, 2, "Q"), L2),
    "mrz.nationality.unknown": lambda: mrz(L1, mut(L2, 10, "Q")),
    "mrz.name.no_separator": lambda: mrz("P<UTOERIKSSON<ANNA".ljust(44, "<"), L2),
    "mrz.name.truncated": lambda: mrz("P<UTO" + "A" * 39, L2),
    "mrz.name.invalid_characters": lambda: mrz(mut(L1, 7, "7"), L2),
    "mrz.name.empty": lambda: mrz("P<UTO".ljust(44, "<"), L2),
    "mrz.document_number.empty": lambda: mrz(*gen(document_number="")),
    "mrz.document_number.internal_filler": lambda: mrz(L1, mut(L2, 4, "<")),
    "mrz.document_number.long": lambda: mrz(*gen(kind="TD1", document_number="A" * 12)),
    "mrz.document_number.long_malformed": lambda: mrz(*TD1_LONG_BAD),
    "mrz.sex.invalid": lambda: mrz(L1, mut(L2, 20, "Z")),
    "mrz.sex.unspecified": lambda: mrz(*gen(sex="<")),
    "mrz.dates.birth_after_expiry": lambda: mrz(*gen(birth_date="091231",
                                                     expiry_date="050101")),
    "mrz.expiry_date.expired": lambda: mrz(L1, L2, ref=date(2020, 1, 1)),
    "mrz.ocr_corrected": lambda: mrz(L1, L2.replace("7408122", "74O8122"), ocr=True),
    "ocr.name.low_confidence": lambda: [name_uncertainty(
        "TD3", [[1.0] * 12 + [0.4] + [1.0] * 31, [1.0] * 44], [L1, L2])],
    "mrz.date.birth_date.invalid": lambda: mrz(L1, mut(L2, 15, "1")),
    "mrz.date.expiry_date.invalid": lambda: mrz(L1, mut(L2, 23, "9")),
    "mrz.date.birth_date.unknown": lambda: mrz(*gen(birth_date="90<<<<")),
    "mrz.check_digit.document_number": lambda: mrz(L1, mut(L2, 9, "5")),
    "mrz.check_digit.birth_date": lambda: mrz(L1, mut(L2, 19, "3")),
    "mrz.check_digit.expiry_date": lambda: mrz(L1, mut(L2, 27, "1")),
    "mrz.check_digit.optional_data": lambda: mrz(L1, mut(L2, 42, "2")),
    "mrz.check_digit.composite": lambda: mrz(L1, mut(L2, 43, "1")),
    "nik.input.type": lambda: nik(None),
    "nik.input.empty": lambda: nik(""),
    "nik.input.separators": lambda: nik("3174 0157 0890 0001"),
    "nik.non_digit": lambda: nik("31740157089000x1"),
    "nik.length": lambda: nik("317401"),
    "nik.province.unknown": lambda: nik("9901015708900001"),
    "nik.regency.unknown": lambda: nik("3198015708900001"),
    "nik.district.unknown": lambda: nik("3174995708900001"),
    "nik.birth_date.invalid": lambda: nik("3174013102900001"),
    "nik.birth_date.century_ambiguous": lambda: nik("3174010101200001"),
    "nik.serial.zero": lambda: nik("3174015708900000"),
    "passport.expiry_before_issue": lambda: trav(issue_date="2024-01-01",
                                                 expiry_date="2023-01-01"),
    "passport.issue_date.future": lambda: trav(issue_date="2027-01-01"),
    "passport.issue_before_birth": lambda: trav(issue_date="1980-01-01",
                                                birth_date="1990-01-01"),
    "passport.validity.too_long": lambda: trav(issue_date="2020-01-01",
                                               expiry_date="2030-01-01"),
    "passport.validity.unusual": lambda: trav(issue_date="2024-01-01",
                                              expiry_date="2031-01-01"),
    "passport.expired": lambda: trav(expiry_date="2026-01-01"),
    "passport.expires_within_6_months": lambda: trav(expiry_date="2027-01-01"),
    "passport.number.pattern": lambda: trav(passport_number="123"),
    "passport.number.series": lambda: trav(mrz=gen(issuing_state="IDN", nationality="IDN",
                                                    document_number="X1234567")),
    "traveller.input.unknown_key": lambda: trav(colour="blue"),
    "traveller.input.bad_date": lambda: trav(birth_date="yesterday"),
    "traveller.input.bad_value": lambda: trav(sex="?"),
    "traveller.input.not_object": lambda: check_traveller([1], reference_date=TODAY).findings,
    "traveller.nik_birth_date_mismatch": lambda: trav(nik="3174015708900001",
                                                      birth_date="1990-08-18"),
    "traveller.nik_sex_mismatch": lambda: trav(nik="3174015708900001", sex="M"),
    "traveller.mrz_mismatch": lambda: trav(mrz=[L1, L2], sex="M"),
    "traveller.mrz_name_mismatch": lambda: trav(mrz=[L1, L2], surname="Andersson"),
    "traveller.birth_date.future": lambda: trav(birth_date="2030-01-01"),
    "traveller.minor": lambda: trav(birth_date="2015-01-01"),
    "traveller.not_indonesian": lambda: trav(mrz=[L1, L2]),
}


def test_every_registered_code_has_a_case():
    assert set(CASES) == set(REGISTRY)


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_reached(code):
    findings = CASES[code]()
    assert all(isinstance(f, Finding) for f in findings)
    hit = [f for f in findings if f.code == code]
    assert hit, findings
    spec = REGISTRY[code]
    assert hit[0].severity == spec.severity
    assert hit[0].message_id and hit[0].message_en
    assert "{" not in hit[0].message_en and "{" not in hit[0].message_id
    d = hit[0].to_dict("id")
    assert d["message"] == hit[0].message_id and d["code"] == code


def test_finding_helpers():
    f = REGISTRY["nik.length"](field="nik", length=3)
    assert f.to_dict() == {"code": "nik.length", "severity": "critical",
                           "message": "NIK must have 16 digits (found 3).", "field": "nik"}
    assert has_critical([f]) and not has_critical([])
    long = REGISTRY["passport.number.pattern"](value="x" * 500)
    assert len(long.message_en) < 200


def test_docs_list_every_code():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "identity.md").read_text("utf-8")
    missing = [code for code in REGISTRY if f"`{code}`" not in doc]
    assert not missing
