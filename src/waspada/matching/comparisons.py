"""Splink comparisons, one named builder per compared field.

Every comparison level has a **stable key** (``"nik.same_regency_different"``) and, separately,
a label for charts (free text, may be reworded at will). Priors, caps and fixed m values in
:mod:`waspada.matching.priors` refer to levels by key only, never by list position or label;
:meth:`ComparisonSpec.level_keys` turns a trained model's levels back into keys.

Splink's comparison vector puts the null level first and the "else" level last; a builder lists
its levels in the order Splink evaluates them (the first level whose condition holds wins).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from waspada.matching.date_relations import UNKNOWN_DAY_DATES
from waspada.matching.level_guards import (
    TWO_TYPOS_MIN_LENGTH,
    date_one_edit_guard,
    guarded,
    one_edit_guard,
    shares_token,
    two_edit_guard,
    within_one_edit,
    within_two_edits,
)

__all__ = ["BUILDERS", "NEAR_NAME_TF_WEIGHT", "NIK_BIRTH_CODE_DIGITS", "OPTIONAL_COLUMNS",
           "RARE_SPELLING_MAX_EDITS", "TWO_TYPOS_MIN_GIVEN", "TWO_TYPOS_MIN_LENGTH",
           "UNKNOWN_DAY_DATES", "ComparisonSpec", "Level", "birth_date_comparison",
           "comparison_specs", "comparisons", "date_one_edit_guard", "given_names_differ",
           "given_names_not_a_slip", "guarded",
           "identifier_comparison", "name_comparison", "nik_comparison", "nik_one_edit_guard",
           "one_edit_guard", "phone_comparison", "place_comparison", "present_comparisons",
           "same_given_name", "same_nik_birth_code", "sex_comparison", "shares_token", "spec_for",
           "two_edit_guard", "within_one_edit", "within_two_edits"]

#: weight of the name-frequency adjustment on the near-exact name levels (reordered, phonetic,
#: similar spelling, one typo): a typo in a rare name is good evidence, but less than the
#: exact rare name
NEAR_NAME_TF_WEIGHT = 0.5
#: a name spelt nowhere else counts as a misspelling of a similar name (the strong
#: ``name.similar_rare_spelling`` level) only within this many edits of it
RARE_SPELLING_MAX_EDITS = 2
#: ... and a given name changed by a slip at all must be at least this long
TWO_TYPOS_MIN_GIVEN = 6
#: comparisons used only when the data has the column (see :func:`present_comparisons`)
OPTIONAL_COLUMNS = ("nik", "passport_no", "phone", "birth_place", "address")


@dataclass(frozen=True)
class Level:
    """One comparison level: its stable key and the Splink level (which carries the label)."""

    key: str
    creator: Any  # a splink ComparisonLevelCreator
    is_null: bool = False
    is_else: bool = False


@dataclass(frozen=True)
class ComparisonSpec:
    """A named comparison: ``name`` is Splink's ``output_column_name``."""

    name: str
    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        keys = [lv.key for lv in self.levels]
        if len(set(keys)) != len(keys):
            raise ValueError(f"comparison {self.name}: duplicate level keys")
        if any(not k.startswith(self.name + ".") for k in keys):
            raise ValueError(f"comparison {self.name}: level keys must start with '{self.name}.'")
        if not (self.levels[0].is_null and self.levels[-1].is_else
                and sum(lv.is_null for lv in self.levels) == 1
                and sum(lv.is_else for lv in self.levels) == 1):
            raise ValueError(f"comparison {self.name}: one null level first, one else level last")

    @property
    def scored_levels(self) -> tuple[Level, ...]:
        """The levels that carry m and u (every level but the null level)."""
        return tuple(lv for lv in self.levels if not lv.is_null)

    def level_keys(self, model_comparison: dict) -> tuple[str, ...]:
        """Keys of a saved model comparison's non-null levels, in the model's order; a
        model built by another version of this comparison is refused, never guessed."""
        got = [lv for lv in model_comparison.get("comparison_levels", [])
               if not lv.get("is_null_level")]
        if len(got) != len(self.scored_levels):
            raise ValueError(f"the model's {self.name} comparison has {len(got)} levels, this "
                             f"version has {len(self.scored_levels)}")
        return tuple(lv.key for lv in self.scored_levels)

    def splink(self) -> Any:
        """The Splink comparison."""
        import splink.comparison_library as cl

        return cl.CustomComparison(output_column_name=self.name,
                                   comparison_levels=[lv.creator for lv in self.levels])


def _cll() -> Any:
    import splink.comparison_level_library as cll

    return cll


def _level(key: str, creator: Any, label: str | None = None, **config: Any) -> Level:
    if label is not None:
        config["label_for_charts"] = label
    return Level(key, creator.configure(**config) if config else creator)


def _null(name: str, col: str) -> Level:
    return Level(f"{name}.null", _cll().NullLevel(col), is_null=True)


def _else(key: str) -> Level:
    return Level(key, _cll().ElseLevel(), is_else=True)


def same_given_name(*, one_slip: bool = False) -> Any:
    """A level true when the first names are the same (phonetically), or both long
    (:data:`TWO_TYPOS_MIN_GIVEN`) and similar (Jaro-Winkler >= 0.85): a slip in a long given
    name, never another short given name (twins "Dian" / "Rina", "Sri" / "Siti").
    ``one_slip``: one edit in a short given name counts as the same name too ("Jon" / "John",
    "Halimah" / "Hoiimah"; FEBRL's given names carry such typos)."""
    cll = _cll()
    levels = [cll.ExactMatchLevel("first_phon"),
              cll.And(cll.CustomLevel(f"least(length(first_phon_l), length(first_phon_r))"
                                      f" >= {TWO_TYPOS_MIN_GIVEN}"),
                      cll.JaroWinklerLevel("first_phon", 0.85))]
    if one_slip:
        levels.append(within_one_edit("first_phon"))
    return cll.Or(*levels)


def name_comparison(*, tf: bool = True) -> ComparisonSpec:
    """Full name: exact (frequency-adjusted), near-exact spellings, shared tokens, else."""
    cll = _cll()
    # near-exact names are adjusted by the frequency of the more common of the two names
    near: dict[str, Any] = {"tf_adjustment_column": "name_canon",
                            "tf_adjustment_weight": NEAR_NAME_TF_WEIGHT
                            } if tf and NEAR_NAME_TF_WEIGHT else {}

    def similar_names() -> Any:
        # the first and last names must each be similar too: on the whole string a shared
        # first name alone ("christopher lee" / "christopher ng") reaches 0.93
        return cll.And(cll.JaroWinklerLevel("name_phon", 0.92),
                       cll.JaroWinklerLevel("first_phon", 0.88),
                       cll.JaroWinklerLevel("last_phon", 0.88))

    return ComparisonSpec("name", (
        _null("name", "joined"),
        _level("name.exact", cll.ExactMatchLevel("name_canon", term_frequency_adjustments=tf),
               "exact canonical name"),
        _level("name.reordered",
               cll.Or(cll.ExactMatchLevel("joined"), cll.ExactMatchLevel("name_sorted")),
               "merged or reordered tokens", **near),
        _level("name.phonetic", cll.ExactMatchLevel("name_phon_sorted"),
               "phonetic (old spelling, variants)", **near),
        # a misspelling is usually a spelling no other record uses ("rakhael widdip"),
        # while two different real names ("jayde" / "jayden") are both in use
        # ... and a slip is one or two edits of the spelling (not of the phonetic code, which
        # folds "haliah" / "khadijah" to "halia" / "hadia"): another name, even when one of the
        # two is spelt nowhere else (issue #13, round 6)
        _level("name.similar_rare_spelling",
               guarded(cll.Or(cll.CustomLevel("rare_spelling_l"),
                              cll.CustomLevel("rare_spelling_r")), similar_names(),
                       cll.DamerauLevenshteinLevel("name_canon", RARE_SPELLING_MAX_EDITS)),
               "phonetic jaro-winkler >= 0.92, a spelling seen once, at most two edits",
               **near),
        _level("name.similar", similar_names(), "phonetic jaro-winkler >= 0.92", **near),
        _level("name.one_typo", within_one_edit("name_phon"), "one typo in the name", **near),
        # two slips of the spelling ("ibrahirn" / "ibrahim", "utoo" / "utomo" with a phonetic
        # code that moved more): without this level they fell to the given-name conflict
        # levels, capped as evidence against, with twins and siblings (issue #13, round 6)
        # ... but never in a short given name: "dian" / "rina", "sri" / "siti" are twins
        _level("name.two_typos", cll.And(within_two_edits("name_canon"), same_given_name()),
               "two typos in the name, the given name the same or long and similar", **near),
        _level("name.extra_missing_two_shared",
               cll.And(shares_token("name_tokens"), cll.ArraySubsetLevel("name_tokens"),
                       cll.ArrayIntersectLevel("name_tokens", 2)),
               "extra/missing names, two or more shared"),
        _level("name.extra_missing_one_shared",
               cll.And(shares_token("name_tokens"), cll.ArraySubsetLevel("name_tokens")),
               "extra/missing names, one shared"),
        _level("name.two_shared_others_conflict",
               cll.And(shares_token("name_tokens"), cll.ArrayIntersectLevel("name_tokens", 2)),
               "two tokens shared, others conflict"),
        _level("name.one_shared_given_conflict",
               cll.And(shares_token("name_tokens"), cll.ArrayIntersectLevel("name_tokens", 1)),
               "one token shared, given names conflict"),
        _level("name.one_similar_others_conflict",
               cll.Or(cll.JaroWinklerLevel("first_phon", 0.9),
                      cll.JaroWinklerLevel("last_phon", 0.9)),
               "one name similar (typo), others conflict"),
        _level("name.similar_spelling_no_shared", cll.JaroWinklerLevel("name_phon", 0.85),
               "no token shared, similar spelling (typos)"),
        _else("name.else"),
    ))


def birth_date_comparison() -> ComparisonSpec:
    """Birth date: exact (a registry's unknown-day date apart), the usual clerical slips,
    within two years, else."""
    cll = _cll()
    days = ", ".join(f"'{d}'" for d in UNKNOWN_DAY_DATES)
    return ComparisonSpec("birth_date", (
        _null("birth_date", "dob"),
        # the same unknown-day date (1970-07-01 on both) is shared by some twenty times more
        # people than any other date of that year: its own level, whose u is the chance of
        # two records sharing such a date (round 24: as "exact" it counted as strongly as a
        # real date, and namesakes born the same year matched on it). Before the twins' level,
        # so that its u does not depend on the given names
        _level("birth_date.exact_unknown_day",
               cll.CustomLevel(f"dob_l = dob_r AND dob_md_l IN ({days})"),
               "exact, an unknown-day date (1 Jan, 1 Jul, 31 Dec)"),
        # the same date with different given names is what twins share: its own m (EM learns
        # how rarely one person's records differ in the given name but not the date) instead
        # of the exact date's Bayes factor multiplied by the name's (issue #13, round 6)
        _level("birth_date.exact_given_names_differ",
               guarded(cll.ExactMatchLevel("dob"), given_names_differ()),
               "exact, different given names (twins)"),
        _level("birth_date.exact", cll.ExactMatchLevel("dob"), "exact"),
        _level("birth_date.day_month_swap",
               cll.CustomLevel("dob_year_l = dob_year_r AND dob_md_l = dob_dm_r"),
               "day/month swap"),
        _level("birth_date.one_year_shift",
               cll.CustomLevel("dob_md_l = dob_md_r AND abs(dob_year_l - dob_year_r) = 1"),
               "one-year shift"),
        _level("birth_date.jan1_default",
               cll.CustomLevel("dob_year_l = dob_year_r AND "
                               "(dob_md_l = '01-01' OR dob_md_r = '01-01')"),
               "1 January default"),
        # on the digits, so that a swap across a separator ("1938-11-31" / "1938-11-13",
        # "1930-43-02" / "1934-03-02") is one typo
        _level("birth_date.one_typo", within_one_edit("dob_digits"), "one typo"),
        _level("birth_date.within_2_years",
               cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 2"), "within 2 years"),
        _else("birth_date.else"),
    ))


def sex_comparison() -> ComparisonSpec:
    return ComparisonSpec("sex", (
        _null("sex", "sex"), _level("sex.same", _cll().ExactMatchLevel("sex")),
        _else("sex.different")))


#: the NIK's first digits that say who the holder is: the district (6), the birth date with
#: 40 added to a woman's day (6); the last four are a serial within them
NIK_BIRTH_CODE_DIGITS = 12


def same_nik_birth_code() -> Any:
    """A level true when the NIKs' first :data:`NIK_BIRTH_CODE_DIGITS` digits agree (district,
    birth date, sex): one person registered twice under two serials, or twins of one sex."""
    n = NIK_BIRTH_CODE_DIGITS
    return _cll().CustomLevel(f"substr(nik_l, 1, {n}) = substr(nik_r, 1, {n})")


def nik_one_edit_guard() -> str:
    """SQL true for every pair of NIKs that may be within one edit, false for nearly all
    others: lengths within one, and the first seven or the last seven characters the same. Of
    16 digits, a substitution or a swap of neighbours at positions i, i+1 (1-based) leaves
    the last seven unchanged when i <= 8 and the first seven when i >= 8; a dropped or added
    digit at i leaves the first i - 1 and the last 16 - i. Random pairs from one regency
    share their first four digits, rarely seven."""
    return ("abs(length(nik_l) - length(nik_r)) <= 1 AND "
            "(substr(nik_l, 1, 7) = substr(nik_r, 1, 7) OR "
            "substr(nik_l, -7, 7) = substr(nik_r, -7, 7))")


def nik_comparison() -> ComparisonSpec:
    """NIK: the same number; twins' numbers (the same district, birth date and sex, different
    given names); one slip (a mistyped, dropped or added digit, two neighbours swapped); the
    same district, birth date and sex under another serial; a different number from the same
    regency; else.

    A slip and a second serial were in "same regency" with a neighbour's NIK, capped at
    neutral: the supervised ceiling found the NIK's Hamming distance second in importance
    (issue #13, round 9). Twins of one sex share the first 12 digits, and sequential serials
    make theirs one digit apart, so pairs with the same first 12 digits and different given
    names (:func:`given_names_not_a_slip`) get their own level first, capped at neutral in
    :data:`~waspada.matching.priors.WEAK_LEVELS` like the household phone."""
    cll = _cll()
    return ComparisonSpec("nik", (
        _null("nik", "nik"), _level("nik.same", cll.ExactMatchLevel("nik")),
        _level("nik.same_birth_code_given_names_differ",
               guarded(same_nik_birth_code(), given_names_not_a_slip()),
               "same first 12 digits, different given names (twins)"),
        _level("nik.one_slip",
               guarded(cll.CustomLevel(nik_one_edit_guard()),
                       cll.DamerauLevenshteinLevel("nik", 1)),
               "one digit mistyped, dropped, added or swapped"),
        _level("nik.same_birth_code", same_nik_birth_code(),
               "same first 12 digits (district, birth date, sex), another serial"),
        _level("nik.same_regency_different", cll.ExactMatchLevel("nik_region"),
               "different NIK, same regency"),
        _else("nik.different_regency")))


def identifier_comparison(col: str) -> ComparisonSpec:
    """An exact identifier (passport number, phone): same or different."""
    return ComparisonSpec(col, (
        _null(col, col), _level(f"{col}.same", _cll().ExactMatchLevel(col)),
        _else(f"{col}.different")))


def given_names_differ() -> Any:
    """A level true when the two names have different given names, not a slip (one edit, or a
    slip in a long given name: :func:`same_given_name` false), and neither name's tokens are a
    subset of the other's (a dropped or added name). Twins, siblings, a parent and a child:
    "Usman" / "Umar", "Sri" / "Siti" are two edits apart but two names (issue #13, round 6)."""
    cll = _cll()
    return cll.And(cll.Not(same_given_name(one_slip=True)),
                   cll.Not(cll.ArraySubsetLevel("name_tokens")))


def given_names_not_a_slip() -> Any:
    """A level true when the given names differ by more than a slip: neither the same
    (phonetically) nor one edit apart (two when both are at least :data:`TWO_TYPOS_MIN_GIVEN`
    long: "Ibrahirn" / "Ibrahim"), and neither name's tokens a subset of the other's.
    Stricter than :func:`given_names_differ`, which takes two long similar given names for one
    ("Nurjannah" / "Nurhayati", twins of the first generator): where the other fields say
    "twins" (the NIK's first 12 digits), only a slip is the same given name (issue #13,
    round 9)."""
    cll = _cll()
    two_slips = cll.And(cll.CustomLevel(f"least(length(first_phon_l), length(first_phon_r))"
                                        f" >= {TWO_TYPOS_MIN_GIVEN}"),
                        cll.DamerauLevenshteinLevel("first_phon", 2))
    return cll.And(cll.Not(cll.Or(cll.ExactMatchLevel("first_phon"),
                                  within_one_edit("first_phon"), two_slips)),
                   cll.Not(cll.ArraySubsetLevel("name_tokens")))


def phone_comparison() -> ComparisonSpec:
    """Phone: the same number with different given names (a household's phone: parents
    register their children's, twins and siblings share one), the same number, different.

    The household level has its own m and u and is capped at neutral in
    :data:`~waspada.matching.priors.WEAK_LEVELS`: Splink would otherwise multiply the phone's
    Bayes factor with the shared family name, birth date and region of twins as if independent
    (issue #13, round 6: twins with a shared phone were scored 0.94, none the same person)."""
    cll = _cll()
    return ComparisonSpec("phone", (
        _null("phone", "phone"),
        _level("phone.same_given_names_differ",
               guarded(cll.ExactMatchLevel("phone"), given_names_differ()),
               "same phone, different given names (household)"),
        _level("phone.same", cll.ExactMatchLevel("phone")),
        _else("phone.different")))


def place_comparison(col: str) -> ComparisonSpec:
    """Free text (birth place, address): same, similar (Jaro-Winkler >= 0.9), different."""
    cll = _cll()
    return ComparisonSpec(col, (
        _null(col, col), _level(f"{col}.same", cll.ExactMatchLevel(col)),
        _level(f"{col}.similar", cll.JaroWinklerLevel(col, 0.9)), _else(f"{col}.different")))


#: every comparison by its output column name
BUILDERS: dict[str, Callable[[], ComparisonSpec]] = {
    "name": name_comparison,
    "birth_date": birth_date_comparison,
    "sex": sex_comparison,
    "nik": nik_comparison,
    "passport_no": partial(identifier_comparison, "passport_no"),
    "phone": phone_comparison,
    "birth_place": partial(place_comparison, "birth_place"),
    "address": partial(place_comparison, "address"),
}


def spec_for(name: str) -> ComparisonSpec | None:
    """The comparison whose output column is ``name`` (None for one this version lacks)."""
    build = BUILDERS.get(name)
    return build() if build else None


def comparison_specs(frame_cols: dict[str, bool], *, tf: bool = True) -> list[ComparisonSpec]:
    """Name, birth date and sex always; NIK, passport and phone when present; birth place and
    address only when present and ``frame_cols["use_address"]``."""
    specs = [name_comparison(tf=tf), birth_date_comparison(), sex_comparison()]
    if frame_cols.get("nik"):
        specs.append(nik_comparison())
    if frame_cols.get("passport_no"):
        specs.append(identifier_comparison("passport_no"))
    if frame_cols.get("phone"):
        specs.append(phone_comparison())
    specs += [place_comparison(c) for c in ("birth_place", "address")
              if frame_cols.get(c) and frame_cols.get("use_address")]
    return specs


def comparisons(frame_cols: dict[str, bool], *, tf: bool = True) -> list:
    """The Splink comparisons for the columns present (see :func:`comparison_specs`)."""
    return [s.splink() for s in comparison_specs(frame_cols, tf=tf)]


def present_comparisons(frames: Sequence[Any], use_address: bool = False) -> dict[str, bool]:
    """Which optional comparisons to use (columns filled in more than 5% of records).

    Birth place and address are off by default: relatives share them, and Splink's
    independence assumption would count them on top of the NIK region.
    """
    out = {c: any(c in f.columns and f[c].notna().mean() > 0.05 for f in frames)
           for c in OPTIONAL_COLUMNS}
    out["use_address"] = use_address
    return out
