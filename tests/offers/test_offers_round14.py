"""Round 14 (issue #15): the model's high floor for texts the RULES ALONE put at low
(``score.MODEL_LOW_HIGH_P``, ``model_raises_high_from_low``), chosen on the authored corpora by
round 12's rule (docs/offers.md, "Issue #15 figures, round 14"; ``bench/offers_model_floor.py``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import waspada.offers.score as score_mod
from tests.offers_vocab import CODES, CONTEXT_COUNTS, RANK, subset_pair
from waspada.offers import analyse
from waspada.offers.catalogue import load_catalogue
from waspada.offers.extract import extract
from waspada.offers.model import AUTHORED, read_authored, read_corpus
from waspada.offers.normalise import normalise
from waspada.offers.schemas import ModelOut
from waspada.offers.score import (
    MODEL_HIGH_FLOOR,
    MODEL_HIGH_P,
    MODEL_LOW_HIGH_P,
    MODEL_MIN_WORDS,
    RuleResult,
    evaluate_rules,
    fuse,
    level_for,
    model_raises,
    model_raises_high,
    model_raises_high_from_low,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "offers"
GRID = (0.80, 0.85, 0.90, 0.95, 0.97, 0.99)

# Written for this test (in no corpus and not in the real set): a relative's account of an
# offer abroad with no red flag the rules weigh (ordinary pay, no cost, no fee), which the rules
# alone put at low and the shipped model reads as risky with p >= 0.97.
TOLD = ("Adik saya ditawari kerja di pabrik di Malaysia sama orang yang baru dia kenal, gajinya "
        "katanya lumayan, dia disuruh siap-siap berangkat minggu depan dan jangan bilang "
        "siapa-siapa dulu.")
# The same facts as advice to the reader: damped, outside the gate.
WARNED = ("Hati-hati, modus yang sering terjadi: seseorang ditawari kerja di pabrik di Malaysia "
          "oleh orang yang baru dikenal, gajinya katanya lumayan, disuruh siap-siap berangkat "
          "dan jangan bilang siapa-siapa. Waspadalah dan laporkan ke BP2MI.")
ACCOUNT = {"personal_account": 1, "offer_frame": 1}
"""Context counts of an undamped account (the model gate's frame)."""


THRESHOLD_POINTS = (MODEL_HIGH_P - 1e-4, MODEL_HIGH_P, MODEL_LOW_HIGH_P - 1e-4, MODEL_LOW_HIGH_P,
                    0.9999)
"""Probabilities just below and at both high thresholds: a low floor whose threshold were below
``MODEL_HIGH_P`` would lower the level of a text one more indicator lifts to rules-alone medium
at ``MODEL_HIGH_P - 1e-4``."""


def _rule(text: str) -> RuleResult:
    n = normalise(text)
    return evaluate_rules(load_catalogue(), n, extract(n, None))


def test_the_threshold_is_on_the_grid_and_not_below_the_round_12_one() -> None:
    assert MODEL_LOW_HIGH_P in GRID and MODEL_LOW_HIGH_P >= MODEL_HIGH_P


def test_an_extremely_confident_model_yes_makes_a_rules_low_account_high() -> None:
    rule = _rule(TOLD)
    assert level_for(fuse(rule, None)) == "low" and model_raises(rule, 1.0)
    a = analyse(TOLD)
    assert a.model_probability is not None and a.model_probability >= MODEL_LOW_HIGH_P
    assert a.level == "high" and a.score >= MODEL_HIGH_FLOOR
    assert a.model_raised and a.model_raised_to == "high" and a.model_raised_from == "low"
    d = a.to_dict("id")["model"]
    assert d["raised_from"] == "low" and d["raised_to"] == "high"
    assert "Rendah" in d["raised_note"] and "Tinggi" in d["raised_note"]
    assert "0,97" in d["raised_note"]
    assert ModelOut(**d).raised_from == "low"
    en = a.to_dict("en")["model"]["raised_note"]
    assert "rules alone put this text at Low" in en and "0.97" in en
    out = CliRunner().invoke(__import__("waspada.offers.cli", fromlist=["offers_app"]).offers_app,
                             ["check", TOLD])
    assert out.exit_code == 0 and "model raised the level to high" in out.output


def test_the_low_floor_needs_the_threshold_the_rules_low_and_the_gate() -> None:
    rule = _rule(TOLD)
    assert model_raises_high_from_low(rule, MODEL_LOW_HIGH_P)
    assert level_for(fuse(rule, MODEL_LOW_HIGH_P)) == "high"
    below = MODEL_LOW_HIGH_P - 0.005
    # Round 16: MODEL_HIGH_P rose to 0.97 too, so "below" is under both high thresholds.
    assert below >= score_mod.MODEL_MEDIUM_P and not model_raises_high_from_low(rule, below)
    assert not model_raises_high(rule, below)  # round 12's floor: rules-alone medium only
    assert level_for(fuse(rule, below)) == "medium"  # the medium floor, as before
    for changed in (dataclasses.replace(rule, undamped=False),
                    dataclasses.replace(rule, news_frame=True),
                    dataclasses.replace(rule, frame="pattern"),
                    dataclasses.replace(rule, words=MODEL_MIN_WORDS - 1)):
        assert not model_raises_high_from_low(changed, 1.0)
        assert level_for(fuse(changed, 1.0)) != "high"


def test_the_same_facts_as_a_warning_stay_out_of_high() -> None:
    rule = _rule(WARNED)
    assert not rule.undamped or rule.frame not in ("account", "offer")
    a = analyse(WARNED)
    assert a.level != "high" and a.model_raised_to != "high"


def _without_low_floor(rule: RuleResult, p: float) -> float:
    """The score with the round-14 floor switched off (threshold above every probability)."""
    saved = score_mod.MODEL_LOW_HIGH_P
    score_mod.MODEL_LOW_HIGH_P = 1.01
    try:
        return fuse(rule, p)
    finally:
        score_mod.MODEL_LOW_HIGH_P = saved


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(CODES), max_size=4), st.sets(st.sampled_from(CODES)),
       st.one_of(st.just(ACCOUNT), CONTEXT_COUNTS), st.booleans(),
       st.one_of(st.sampled_from(THRESHOLD_POINTS), st.floats(0.75, 1.0)),
       st.one_of(st.sampled_from(THRESHOLD_POINTS), st.floats(0.75, 1.0)), st.integers(0, 60))
def test_with_the_low_floor_scoring_stays_monotone(small, extra, contexts, contact, p1, p2,
                                                  words) -> None:  # type: ignore[no-untyped-def]
    """The subset property with probabilities around both high thresholds, often in the gate
    (an undamped account): adding a red flag, or a higher p, never lowers the score or the
    level; the floor never lowers a score; it fires only on a rules-alone low at T or above."""
    a, b = subset_pair(small, extra, contexts, contact, words)
    lo, hi = sorted((p1, p2))
    for p in (lo, hi):
        assert fuse(b, p) >= fuse(a, p) - 1e-12
        assert RANK[level_for(fuse(b, p))] >= RANK[level_for(fuse(a, p))]
        for r in (a, b):
            assert fuse(r, p) >= _without_low_floor(r, p) - 1e-12
            assert fuse(r, p) >= fuse(r, None) - 1e-12
    assert fuse(a, hi) >= fuse(a, lo) - 1e-12
    assert fuse(b, hi) >= fuse(b, lo) - 1e-12
    if model_raises_high_from_low(a, hi):
        assert level_for(fuse(a, hi)) == "high" and hi >= MODEL_LOW_HIGH_P
        assert level_for(fuse(a, None)) == "low"


def test_one_more_indicator_never_lowers_the_level_in_an_undamped_account() -> None:
    """Exhaustive over one indicator and one more, in the gate's frame, at the thresholds."""
    lifted = 0
    for small in CODES:
        for extra in CODES:
            a, b = subset_pair({small}, {extra}, ACCOUNT, False, 30)
            for p in THRESHOLD_POINTS:
                fa, fb = fuse(a, p), fuse(b, p)
                assert fb >= fa - 1e-12, (small, extra, p)
                assert RANK[level_for(fb)] >= RANK[level_for(fa)], (small, extra, p)
                assert fa >= _without_low_floor(a, p) - 1e-12
                lifted += model_raises_high_from_low(a, p)
    assert lifted > 0  # the floor is active in this sweep


def _test_look_alikes() -> list[str]:
    rows = [r for r in read_corpus(DATA) if r["split"] == "test"]
    for corpus in AUTHORED:
        rows += [r for r in read_authored(DATA, corpus) if r["split"] == "test"]
    return [r["text"] for r in rows if r["label"] == "0"]


def test_no_look_alike_of_the_test_splits_is_raised_from_low_to_high() -> None:
    """The decision rule's test-split half, recomputed on the shipped artefact (the
    out-of-fold half needs five retrainings: bench/offers_model_floor.py)."""
    texts = _test_look_alikes()
    assert len(texts) >= 300
    raised = [t[:60] for t in texts
              if (a := analyse(t)).model_raised_to == "high" and a.model_raised_from == "low"]
    assert raised == []
