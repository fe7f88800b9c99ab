"""The NIK's slips and second serials (issue #13, round 9).

A NIK with one digit mistyped, dropped, added or two neighbours swapped, or with the same
first 12 digits (district, birth date, sex) under another serial, was in the level of a
neighbour's NIK from the same regency, capped at neutral. Twins of one sex share the first 12
digits, often all but one digit with sequential serials: with different given names they get
their own level, capped at neutral like the household phone."""

from __future__ import annotations

import pytest

from tests.matching_levels import level_of
from waspada.matching.comparisons import nik_comparison
from waspada.matching.priors import NEUTRAL_LEVELS, U_INCLUDES, WEAK_LEVELS, regularise_model

NIK = "3174015205900012"  # DKI district 317401, born 12-05-1990, a woman (52), serial 0012


def _nik_level(nik_a: str | None, nik_b: str | None, a: str = "Siti Rahayu",
               b: str = "Siti Rahayu") -> str:
    """The key of the NIK level two records with these NIKs and names fall in."""
    return level_of(nik_comparison(), a, b, {
        "nik": (nik_a, nik_b), "nik_region": (nik_a and nik_a[:4], nik_b and nik_b[:4])})


def _swap(nik: str, i: int) -> str:
    return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2:]


def _sub(nik: str, i: int, digit: str) -> str:
    return nik[:i] + digit + nik[i + 1:]


@pytest.mark.parametrize("i", range(16))
def test_one_mistyped_digit_anywhere_is_a_slip(i: int) -> None:
    other = _sub(NIK, i, "9" if NIK[i] != "9" else "8")
    assert _nik_level(NIK, other) == "nik.one_slip"


@pytest.mark.parametrize("i", [i for i in range(15) if NIK[i] != NIK[i + 1]])
def test_two_neighbours_swapped_anywhere_is_a_slip(i: int) -> None:
    assert _nik_level(NIK, _swap(NIK, i)) == "nik.one_slip"


@pytest.mark.parametrize("i", [0, 5, 8, 15])
def test_a_dropped_digit_is_a_slip(i: int) -> None:
    assert _nik_level(NIK[:i] + NIK[i + 1:], NIK) == "nik.one_slip"


@pytest.mark.parametrize("serial", ["4711", "0031", "9999"])
def test_the_same_first_12_digits_under_another_serial(serial: str) -> None:
    assert _nik_level(NIK, NIK[:12] + serial) == "nik.same_birth_code"


@pytest.mark.parametrize(("a", "b"), [("Siti Rahayu", "Dewi Rahayu"),
                                      ("Usman Zulkarnain", "Umar Zulkarnain"),
                                      ("Sri Juliana", "Siti Juliana"),
                                      # long and similar, yet two names (synth1's twins)
                                      ("Nurjannah Yusuf", "Nurhayati Yusuf")])
@pytest.mark.parametrize("serial", ["0013", "0021", "4711"])  # the next serial, or another
def test_twins_with_different_given_names_get_their_own_level(a: str, b: str,
                                                              serial: str) -> None:
    assert _nik_level(NIK, NIK[:12] + serial, a, b) == "nik.same_birth_code_given_names_differ"


@pytest.mark.parametrize(("a", "b"), [("Siti Rahayu", "Siti Rahayu"),
                                      ("Ibrahirn Saputra", "Ibrahim Saputra"),  # a name slip
                                      ("Siti", "Siti Rahayu")])  # a dropped name
def test_the_same_given_name_keeps_the_slip(a: str, b: str) -> None:
    assert _nik_level(NIK, NIK[:12] + "0013", a, b) == "nik.one_slip"


def test_a_slip_outside_the_first_12_digits_of_different_given_names_is_still_a_slip() -> None:
    # one digit of the birth date differs: not the twins' level (another birth code)
    assert _nik_level(NIK, _sub(NIK, 7, "6"), "Siti Rahayu", "Dewi Rahayu") == "nik.one_slip"


@pytest.mark.parametrize(("other", "want"), [
    (NIK, "nik.same"),
    ("3174016108850003", "nik.same_regency_different"),  # a neighbour, same regency
    ("3174015205910013", "nik.same_regency_different"),  # two digits of the date and serial
    (_sub(_swap(NIK, 0), 15, "7"), "nik.different_regency"),  # two slips
    ("5171010101800001", "nik.different_regency"),
])
def test_other_numbers_keep_their_levels(other: str, want: str) -> None:
    assert _nik_level(NIK, other) == want


def test_a_missing_nik_is_null() -> None:
    assert _nik_level(None, NIK) == "nik.null"


def test_the_twins_level_is_capped_at_neutral_and_its_u_restored() -> None:
    assert WEAK_LEVELS["nik.same_birth_code_given_names_differ"] == 1.0
    assert U_INCLUDES["nik.same_birth_code"] == ("nik.same_birth_code_given_names_differ",)
    levels = [{"is_null_level": True}]
    mu = [(0.7, 1e-5), (0.05, 4e-6), (0.03, 1e-6), (0.02, 2e-6), (0.1, 0.01), (0.1, 0.99)]
    levels += [{"m_probability": m, "u_probability": u} for m, u in mu]
    model = {"probability_two_random_records_match": 1e-4, "link_type": "dedupe_only",
             "comparisons": [{"output_column_name": "nik", "comparison_levels": levels}]}
    out = regularise_model(model)["comparisons"][0]["comparison_levels"][1:]
    twins, slip, serial = out[1], out[2], out[3]
    assert twins["m_probability"] == pytest.approx(twins["u_probability"])  # neutral
    assert serial["u_probability"] == pytest.approx(6e-6)  # its own and the twins'
    assert slip["m_probability"] / slip["u_probability"] == pytest.approx(3e4)  # learnt


@pytest.mark.parametrize("m", [0.002, 0.5])  # EM's m below u (evidence against) or above
def test_a_different_nik_from_the_same_regency_is_held_at_neutral(m: float) -> None:
    # EM blocked on the birth date never sees a duplicate whose NIK differs in the date
    # digits, so with the second serial split off it put this level's m at its lower bound
    assert "nik.same_regency_different" in NEUTRAL_LEVELS
    levels = [{"is_null_level": True}]
    mu = [(0.4, 1e-5), (1e-5, 1e-5), (0.002, 1e-5), (0.35, 1e-5), (m, 0.007), (0.002, 0.99)]
    levels += [{"m_probability": a, "u_probability": b} for a, b in mu]
    model = {"probability_two_random_records_match": 1e-4, "link_type": "dedupe_only",
             "comparisons": [{"output_column_name": "nik", "comparison_levels": levels}]}
    region = regularise_model(model)["comparisons"][0]["comparison_levels"][5]
    assert region["m_probability"] == pytest.approx(region["u_probability"])


# -- the real-time scorer (screening) ---------------------------------------------------------

def _scored(nik_a: str, nik_b: str, a: str = "Siti Rahayu", b: str = "Siti Rahayu"
            ) -> tuple[str, float]:
    from datetime import date

    from waspada.matching.features import features_of
    from waspada.matching.records import PersonRecord
    from waspada.matching.scorer import score_pair

    born = date(1990, 5, 12)
    r = score_pair(features_of(PersonRecord("a", a, born, "F", nik=nik_a)),
                   features_of(PersonRecord("b", b, born, "F", nik=nik_b)))
    return r.explanation["nik"]["outcome"], r.explanation["nik"]["weight"]


@pytest.mark.parametrize(("other", "want"), [
    (_sub(NIK, 3, "9"), "slip"), (_swap(NIK, 6), "slip"), (NIK[:12] + "0013", "slip"),
    (NIK[:12] + "4711", "same_birth_code"), (NIK, "agree"),
    ("3174016108850003", "disagree_same_region"), ("5171010101800001", "disagree")])
def test_the_screening_scorer_reads_slips_and_second_serials(other: str, want: str) -> None:
    outcome, weight = _scored(NIK, other)
    assert outcome == want
    assert (weight > 0) == (want in ("agree", "slip", "same_birth_code"))


@pytest.mark.parametrize("serial", ["0013", "4711"])
@pytest.mark.parametrize(("a", "b"), [("Siti Rahayu", "Dewi Rahayu"),
                                      ("Nurjannah Yusuf", "Nurhayati Yusuf")])
def test_the_screening_scorer_does_not_count_twins_nik_for_them(serial: str, a: str,
                                                                 b: str) -> None:
    outcome, weight = _scored(NIK, NIK[:12] + serial, a, b)
    assert outcome == "disagree_same_region"
    assert weight < 0
