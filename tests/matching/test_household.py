"""Evidence that relatives share, counted once (issue #13, round 6: the middle bins).

Twins, siblings, a parent and a child share a family name, often a birth date and region, and
a household phone; Splink multiplies the Bayes factors of those fields as if independent."""

from __future__ import annotations

import duckdb
import pytest

from tests.matching_levels import level_of
from waspada.matching.comparisons import phone_comparison
from waspada.matching.features import name_features
from waspada.matching.priors import WEAK_LEVELS, regularise_model


def _phone_level(a: str, b: str, phone_a: str | None = "0812", phone_b: str | None = "0812"
                 ) -> str:
    """The key of the phone level two records with names ``a``, ``b`` fall in."""
    return level_of(phone_comparison(), a, b, {"phone": (phone_a, phone_b)})


@pytest.mark.parametrize(("a", "b"), [("Siti Hana", "Tari Hana"),
                                      ("Rian Gunawan", "Vincent Gunawan"),
                                      ("Wulan Sumarni", "Dewi Sumarni"),
                                      ("Usman Zulkarnain", "Umar Zulkarnain"),
                                      # the cost: a slip in a short given name is taken for
                                      # another name
                                      ("Halimah Safitri", "Hoiimah Safitri")])
def test_a_phone_shared_by_different_given_names_is_household_evidence(a: str, b: str) -> None:
    assert _phone_level(a, b) == "phone.same_given_names_differ"


@pytest.mark.parametrize(("a", "b"), [("Ibrahirn Saputra", "Ibrahim Saputra"),  # slip
                                      ("Andreas Tenjaya", "Andreas Tanaya"),
                                      ("Slamet", "Slamet Riyadi"),  # a dropped name
                                      ("Muhammad Rizki", "Rizki"),
                                      ("Budi Santoso", "Budi Santoso")])
def test_a_phone_shared_by_the_same_given_name_counts_in_full(a: str, b: str) -> None:
    assert _phone_level(a, b) == "phone.same"


def test_missing_or_different_phones_are_not_household_evidence() -> None:
    assert _phone_level("Siti Hana", "Tari Hana", None, "0812") == "phone.null"
    assert _phone_level("Siti Hana", "Tari Hana", "0813", "0812") == "phone.different"


def test_the_household_phone_is_capped_at_neutral() -> None:
    assert WEAK_LEVELS["phone.same_given_names_differ"] == 1.0
    levels = [{"is_null_level": True},
              {"m_probability": 0.05, "u_probability": 1e-6},
              {"m_probability": 0.15, "u_probability": 6e-6},
              {"m_probability": 0.8, "u_probability": 1.0}]
    model = {"probability_two_random_records_match": 1e-5, "link_type": "dedupe_only",
             "comparisons": [{"output_column_name": "phone", "comparison_levels": levels}]}
    out = regularise_model(model)["comparisons"][0]["comparison_levels"]
    assert out[1]["m_probability"] == pytest.approx(1e-6)  # Bayes factor 1
    # the cap of a shared phone is on the chance of sharing a phone whatever the names
    assert out[2]["m_probability"] == pytest.approx(64 * (6e-6 + 1e-6))


def _name_level_holds(key: str, a: str, b: str) -> bool:
    """Whether the name level ``key`` holds for two names, the first spelt nowhere else."""
    from waspada.matching.comparisons import name_comparison

    def cols(name: str) -> list:
        toks, phon, _pat, _pp, _joined = name_features(name)
        return [" ".join(toks), " ".join(phon), phon[0], phon[-1]]

    con = duckdb.connect()
    con.execute("create table p (name_canon_l varchar, name_phon_l varchar, first_phon_l varchar,"
                " last_phon_l varchar, name_canon_r varchar, name_phon_r varchar, "
                "first_phon_r varchar, last_phon_r varchar, rare_spelling_l boolean, "
                "rare_spelling_r boolean)")
    con.execute("insert into p values (?, ?, ?, ?, ?, ?, ?, ?, true, false)", cols(a) + cols(b))
    level = next(lv for lv in name_comparison().levels if lv.key == key)
    sql = level.creator.get_comparison_level("duckdb").sql_condition
    return con.execute(f"select coalesce({sql}, false) from p").fetchone() == (True,)


@pytest.mark.parametrize(("a", "b", "slip"), [
    ("Siti Haliah Nurdjanah", "Siti Halimah Nurjanah", True),  # a letter dropped
    ("Jimrny Tanjaya", "Jimmy Tanjaya", True),  # OCR rn / m
    ("Siti Haliah Nurdjanah", "Siti Khadijah Nurjanah", False),  # another given name
    ("Siti Joewita Aminah", "Siti Gita Aminah", False),
])
def test_a_rare_spelling_is_a_slip_only_within_two_edits(a: str, b: str, slip: bool) -> None:
    assert _name_level_holds("name.similar_rare_spelling", a, b) is slip
    assert _name_level_holds("name.similar", a, b)  # still similar names


@pytest.mark.parametrize(("a", "b", "slips"), [
    ("Ibrahirn Saputra", "Ibrahim Saputra", True),  # OCR rn / m: two edits
    ("Ilham Utoo", "Ilham Utomo", True),
    ("Binsar Karokaro", "Birisar Karokaro", True),
    ("Dian Anggraini", "Rina Anggraini", False),  # twins: short given names
    ("Sri Hidayah", "Siti Hidayah", False),
    ("Yuni Setiawati", "Ani Setiawati", False),
    ("Budi Santoso", "Budi Susanto", False),  # more than two edits
])
def test_two_slips_in_a_name_are_a_level_of_their_own(a: str, b: str, slips: bool) -> None:
    assert _name_level_holds("name.two_typos", a, b) is slips


def _date_level(a: str, b: str) -> str:
    """The birth-date level of two records born the same day, named ``a`` and ``b``."""
    from waspada.matching.comparisons import birth_date_comparison

    return level_of(birth_date_comparison(), a, b, {"dob": ("1990-05-01", "1990-05-01"),
                                                    "dob_md": ("05-01", "05-01")})


@pytest.mark.parametrize(("a", "b", "key"), [
    ("Usman Zulkarnain", "Umar Zulkarnain", "birth_date.exact_given_names_differ"),  # twins
    ("Sri Juliana", "Siti Juliana", "birth_date.exact_given_names_differ"),
    ("Budi Santoso", "Budi Santoso", "birth_date.exact"),
    ("Ibrahirn Saputra", "Ibrahim Saputra", "birth_date.exact"),  # a slip
    ("Rizki", "Muhammad Rizki", "birth_date.exact"),  # a dropped name
])
def test_the_same_date_with_different_given_names_is_a_level_of_its_own(a: str, b: str,
                                                                        key: str) -> None:
    assert _date_level(a, b) == key


@pytest.mark.parametrize(("a", "b"), [("Budi Santoso", "Budi Santoso"),
                                      ("Usman Zulkarnain", "Umar Zulkarnain")])
@pytest.mark.parametrize("day", ["1970-07-01", "1970-12-31", "1970-01-01"])
def test_the_same_unknown_day_date_is_a_level_of_its_own_whatever_the_names(
        a: str, b: str, day: str) -> None:
    """Round 24: registries write 1 July, 31 December or 1 January for an unknown day of
    birth (tenths of a population share them); the same such date is its own level, before
    the twins' level, whatever the given names. A real date next to it, or two such dates of
    different years, are not."""
    from waspada.matching.comparisons import ComparisonSpec, birth_date_comparison

    def level(left: str, right: str) -> str:
        return level_of(birth_date_comparison(), a, b, {"dob": (left, right),
                                                        "dob_md": (left[5:], right[5:])})

    assert level(day, day) == "birth_date.exact_unknown_day"
    assert level("1970-07-02", "1970-07-02") in ("birth_date.exact",
                                                 "birth_date.exact_given_names_differ")
    unknown_day = next(lv for lv in birth_date_comparison().levels
                       if lv.key == "birth_date.exact_unknown_day")
    levels = birth_date_comparison().levels
    only = ComparisonSpec("birth_date", (levels[0], unknown_day, levels[-1]))
    assert level_of(only, a, b, {"dob": (day, "1971" + day[4:]),
                                 "dob_md": (day[5:], day[5:])}) == "birth_date.else"


def test_the_same_date_keeps_the_chance_of_sharing_a_date_whatever_the_names() -> None:
    """Splitting twins off the exact date must not make the exact date count the name's
    agreement a second time: its u stays the chance of two people sharing a birth date."""
    from waspada.matching.comparisons import birth_date_comparison

    keys = [lv.key for lv in birth_date_comparison().scored_levels]
    u = {"birth_date.exact_given_names_differ": 5.4e-5, "birth_date.exact": 1e-6}
    levels = [{"is_null_level": True}] + [
        {"m_probability": 0.1, "u_probability": u.get(k, 0.05)} for k in keys]
    model = {"probability_two_random_records_match": 1e-5, "link_type": "dedupe_only",
             "comparisons": [{"output_column_name": "birth_date", "comparison_levels": levels}]}
    out = regularise_model(model)["comparisons"][0]["comparison_levels"][1:]
    got = {k: lv["u_probability"] for k, lv in zip(keys, out, strict=True)}
    assert got["birth_date.exact"] == pytest.approx(5.5e-5)
    assert got["birth_date.exact_given_names_differ"] == pytest.approx(5.4e-5)
    assert got["birth_date.one_year_shift"] == pytest.approx(0.05)


@pytest.mark.parametrize(("a", "b"), [("Emily Brown", "Emly Brown"), ("Rina Sari", "Rini Sari")])
def test_one_slip_in_a_short_given_name_keeps_the_exact_date(a: str, b: str) -> None:
    """One edit in a given name is a slip (FEBRL's given names carry them): the date agrees
    in full; two edits in a short given name are another name (above)."""
    assert _date_level(a, b) == "birth_date.exact"


def test_without_an_identifier_the_twin_level_keeps_the_exact_dates_weight() -> None:
    """EM blocked on the joined name never sees different given names: the level it could not
    learn falls back to the exact date's Bayes factor (FEBRL names + birth date)."""
    from waspada.matching.comparisons import birth_date_comparison

    keys = [lv.key for lv in birth_date_comparison().scored_levels]
    u = {"birth_date.exact_given_names_differ": 5e-5, "birth_date.exact": 5e-6}
    m = {"birth_date.exact_given_names_differ": 0.01, "birth_date.exact": 0.8}

    def run(learnt: bool) -> dict[str, dict]:
        levels = [{"is_null_level": True}] + [
            {"m_probability": m.get(k, 0.05), "u_probability": u.get(k, 0.05)} for k in keys]
        model = {"probability_two_random_records_match": 1e-5, "link_type": "dedupe_only",
                 "comparisons": [{"output_column_name": "birth_date",
                                  "comparison_levels": levels}]}
        out = regularise_model(model, split_levels_learnt=learnt)["comparisons"][0]
        return dict(zip(keys, out["comparison_levels"][1:], strict=True))

    def bf(lv: dict) -> float:
        return lv["m_probability"] / lv["u_probability"]

    learnt, unlearnt = run(True), run(False)
    assert learnt["birth_date.exact_given_names_differ"]["m_probability"] == 0.01
    assert bf(unlearnt["birth_date.exact_given_names_differ"]) == pytest.approx(
        bf(unlearnt["birth_date.exact"]))
