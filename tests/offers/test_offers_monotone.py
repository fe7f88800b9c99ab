"""Scoring is monotone: adding a red flag never lowers the score, and the text model can add
evidence but never cancel the rules (issue #15)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.offers_vocab import CAT, CODES, CONTEXTS, RANK
from waspada.offers import analyse
from waspada.offers.score import (
    DECISIVE_FLOOR,
    Fired,
    combine,
    fuse,
    level_for,
    model_evidence,
)


def _fired(codes: set[str], absent: set[str]) -> dict[str, Fired]:
    """Fired indicators; those in ``absent`` fired from absence (no evidence span)."""
    return {c: Fired(c, [] if c in absent else [(0, 1)]) for c in codes}


SUBSETS = st.tuples(st.sets(st.sampled_from(CODES)), st.sets(st.sampled_from(CODES)),
                    st.sets(st.sampled_from(CODES)))
CTX = st.fixed_dictionaries({n: st.integers(0, 6) for n in CONTEXTS})
PROB = st.one_of(st.none(), st.floats(0.0, 1.0))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SUBSETS, CTX, st.booleans(), st.integers(0, 2), PROB)
def test_adding_indicators_never_lowers_the_score(subsets, contexts, contact, registered,
                                                  p) -> None:  # type: ignore[no-untyped-def]
    small, extra, absent = subsets
    big = small | extra
    # an indicator with evidence in the small set keeps it in the big set
    absent_small = absent & small
    absent_big = (absent & big) - (small - absent_small)
    a = combine(CAT, _fired(small, absent_small), contexts, has_contact=contact,
                registered=registered)
    b = combine(CAT, _fired(big, absent_big), contexts, has_contact=contact,
                registered=registered)
    assert b.z_rule >= a.z_rule - 1e-12
    assert fuse(b, p) >= fuse(a, p) - 1e-12
    assert RANK[level_for(fuse(b, p))] >= RANK[level_for(fuse(a, p))]


@settings(max_examples=300, deadline=None)
@given(st.sets(st.sampled_from(CODES)), CTX, st.booleans(), st.floats(0.0, 1.0))
def test_the_model_never_cancels_the_rules(codes, contexts, contact, p) -> None:  # type: ignore[no-untyped-def]
    r = combine(CAT, _fired(codes, set()), contexts, has_contact=contact)
    assert fuse(r, p) >= fuse(r, None) - 1e-12
    assert model_evidence(p) >= 0.0


def test_model_evidence_is_bounded() -> None:
    assert model_evidence(0.0) == 0.0
    assert model_evidence(0.5) == 0.0
    assert 0 < model_evidence(0.9) <= model_evidence(1.0) <= 1.5 + 1e-9


def test_decisive_coaching_alone_is_high_unless_a_warning() -> None:
    r = combine(CAT, _fired({"CONTROL_DECEPTION_COACHING"}, set()), {}, has_contact=False)
    assert fuse(r, 0.01) >= DECISIVE_FLOOR
    # round 4: reporting words alone (an officer telling one traveller's case) do not damp it
    told = combine(CAT, _fired({"CONTROL_DECEPTION_COACHING"}, set()),
                   {"news_warning": 4}, has_contact=False)
    assert fuse(told, 0.01) >= DECISIVE_FLOOR
    # a warning about the pattern does
    for ctx in ({"generic_statement": 2}, {"warning_advice": 2}):
        warning = combine(CAT, _fired({"CONTROL_DECEPTION_COACHING"}, set()), ctx,
                          has_contact=False)
        assert level_for(fuse(warning, 0.99)) != "high"


# Real regressions named in the issue: a text with 4-5 independent indicators was pulled to
# low by the n-gram model that did not know its phrasing.
MANY_FLAGS = ("Loker Myanmar posisi CS, gaji 20 juta sebulan, tiket pesawat ditanggung, "
              "tidak perlu daftar Disnaker, kirim foto paspor ke WA 0812-3456-7890")


def test_many_independent_flags_are_high_whatever_the_model_says() -> None:
    a = analyse(MANY_FLAGS)
    assert a.level == "high", (a.score, a.codes, a.model_probability)
    rules_only = analyse(MANY_FLAGS, use_model=False)
    assert a.score >= rules_only.score - 1e-12


def test_adding_a_red_flag_to_a_real_text_never_lowers_it() -> None:
    base = "Dicari admin untuk kantor di Phnom Penh, gaji 12 juta."
    more = base + " Tiket dan visa ditanggung perusahaan."
    assert analyse(more).score >= analyse(base).score
