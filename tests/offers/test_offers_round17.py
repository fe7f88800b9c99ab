"""Round 17 (issue #15): the genre model and its cap below high (``genre.py``,
``score.genre_caps``, ``score.GENRE_CAP_P``; docs/offers.md, "Issue #15 figures, round 17")."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.offers_vocab import CODES, CONTEXT_COUNTS, RANK, subset_pair
from waspada.offers import analyse
from waspada.offers.catalogue import load_catalogue
from waspada.offers.extract import extract
from waspada.offers.genre import (
    EXCLUDED_KINDS,
    GENERAL_KINDS,
    general_probability,
    genre_rows,
    load_genre,
    train_genre,
)
from waspada.offers.model import AUTHORED, load_model, read_corpus
from waspada.offers.normalise import normalise
from waspada.offers.schemas import OfferCheckOut
from waspada.offers.score import (
    GENRE_CAP_P,
    NEWS_FRAME_CAP,
    RuleResult,
    evaluate_rules,
    fuse,
    genre_caps,
    level_for,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "offers"
GRID = (0.50, 0.60, 0.70, 0.80, 0.85, 0.90, 0.95, 0.97, 0.99)

# Written for these tests (in no corpus and not in the real set). A labour office's statement
# about offers reported over the year: the rules put it at high (a scam hub, a role, pay,
# costs paid), the genre model reads it as general talk about the pattern.
GENERAL = ("Sepanjang tahun ini dinas tenaga kerja menerima laporan tentang tawaran kerja ke "
           "Kamboja sebagai operator dengan gaji 20 juta dan tiket gratis yang beredar di media "
           "sosial tanpa jalur resmi pemerintah.")
# The same facts as what ONE named person was offered: not capped.
ONE_PERSON = ("Kakak saya, Rina (24), ditawari kerja operator di Kamboja dengan gaji 20 juta dan "
              "tiket gratis oleh kenalan di Facebook.")
# The statement with a recruiter's contact: an offer relayed, not capped.
WITH_CONTACT = GENERAL + " Info lowongan hubungi WA 081234567890."
ACCOUNT = {"personal_account": 1, "offer_frame": 1}
CAP_POINTS = (GENRE_CAP_P - 1e-4, GENRE_CAP_P, 0.999)


def _rule(text: str) -> RuleResult:
    n = normalise(text)
    return evaluate_rules(load_catalogue(), n, extract(n, None))


def _p(text: str) -> float:
    m = load_model()
    assert m is not None
    return m.predict_proba(normalise(text).text)


def test_the_threshold_is_on_the_grid_of_the_study() -> None:
    assert GENRE_CAP_P in GRID


def test_a_general_statement_the_rules_call_high_is_kept_at_medium() -> None:
    rule = _rule(GENERAL)
    assert level_for(fuse(rule, _p(GENERAL))) == "high"  # without the genre cap
    a = analyse(GENERAL)
    assert a.genre_probability is not None and a.genre_probability >= GENRE_CAP_P
    assert a.genre_capped and a.level == "medium" and a.score == NEWS_FRAME_CAP
    d = a.to_dict("id")["genre"]
    assert d["capped"] and "Sedang" in d["note"] and d["version"].startswith("offers-genre-")
    assert "Medium" in a.to_dict("en")["genre"]["note"]
    OfferCheckOut.model_validate(a.to_dict("en"))


def test_one_identified_persons_account_with_the_same_facts_is_not_capped() -> None:
    a = analyse(ONE_PERSON)
    assert a.level == "high" and not a.genre_capped
    assert a.genre_probability is None  # not read: the account switches the cap off
    assert not genre_caps(_rule(ONE_PERSON), 1.0)


def test_a_text_with_a_recruiter_contact_is_not_capped() -> None:
    rule = _rule(WITH_CONTACT)
    assert rule.has_contact and not genre_caps(rule, 1.0)
    a = analyse(WITH_CONTACT)
    assert a.level == "high" and not a.genre_capped


def test_below_the_threshold_or_unread_the_genre_changes_nothing() -> None:
    rule = _rule(GENERAL)
    p = _p(GENERAL)
    assert genre_caps(rule, GENRE_CAP_P) and not genre_caps(rule, GENRE_CAP_P - 1e-4)
    assert fuse(rule, p, GENRE_CAP_P - 1e-4) == fuse(rule, p) == fuse(rule, p, None)
    assert fuse(rule, p, GENRE_CAP_P) == NEWS_FRAME_CAP


def test_rules_alone_ignore_the_genre() -> None:
    a = analyse(GENERAL, use_model=False)
    assert a.genre_probability is None and not a.genre_capped


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(CODES), max_size=4), st.sets(st.sampled_from(CODES)),
       st.one_of(st.just(ACCOUNT), st.just({"offer_frame": 1}), CONTEXT_COUNTS), st.booleans(),
       st.floats(0.0, 1.0), st.one_of(st.none(), st.sampled_from(CAP_POINTS),
                                       st.floats(0.0, 1.0)), st.integers(0, 60))
def test_with_the_genre_cap_scoring_stays_monotone(small, extra, contexts, contact, p, g,
                                                   words) -> None:  # type: ignore[no-untyped-def]
    """The subset property with a genre probability: the cap reads the text (g), the contact
    and the contexts, and of the indicators only the decisive sign, which switches it OFF, so
    adding a red flag never lowers the score or the level; the cap never raises a score; it
    holds only at g >= GENRE_CAP_P."""
    a, b = subset_pair(small, extra, contexts, contact, words)
    assert fuse(b, p, g) >= fuse(a, p, g) - 1e-12
    assert RANK[level_for(fuse(b, p, g))] >= RANK[level_for(fuse(a, p, g))]
    for r in (a, b):
        assert fuse(r, p, g) <= fuse(r, p) + 1e-12
        assert genre_caps(r, g) == genre_caps(dataclasses.replace(r, fired={}), g)
        if g is None or g < GENRE_CAP_P:
            assert fuse(r, p, g) == fuse(r, p)
    assert not (genre_caps(b, g) and not genre_caps(a, g))  # more flags never switch it on


def test_one_more_indicator_never_lowers_the_level_of_a_general_text() -> None:
    """Exhaustive over one indicator and one more, in an offer frame read as general."""
    capped = 0
    for small in CODES:
        for extra in CODES:
            a, b = subset_pair({small}, {extra}, {"offer_frame": 1}, False, 30)
            for g in CAP_POINTS:
                fa, fb = fuse(a, 1.0, g), fuse(b, 1.0, g)
                assert fb >= fa - 1e-12, (small, extra, g)
                capped += fa < fuse(a, 1.0)
    assert capped > 0  # the cap is active in this sweep


def test_the_lazy_read_gives_the_same_result_as_always_reading() -> None:
    """analyse() reads the genre model only where the cap could change the level; reading it
    for every text gives the same scores (corpus.csv's test split and the written examples)."""
    texts = [r["text"] for r in read_corpus(DATA) if r["split"] == "test"]
    texts += [GENERAL, ONE_PERSON, WITH_CONTACT]
    for t in texts:
        rule = _rule(t)
        eager = fuse(rule, _p(t), general_probability(normalise(t).text))
        assert analyse(t).score == eager, t[:60]


def test_the_genre_labels_name_kinds_the_corpora_have() -> None:
    kinds: dict[str, set[str]] = {}
    for corpus in AUTHORED:
        doc = yaml.safe_load((DATA / corpus.file).read_text("utf-8"))
        kinds[corpus.source] = {str(i["kind"]) for i in doc["items"]}
    for src, general in GENERAL_KINDS.items():
        assert general <= kinds[src], (src, general - kinds[src])
    for src, kind in EXCLUDED_KINDS:
        assert kind in kinds[src] and kind not in GENERAL_KINDS.get(src, frozenset())
    rows = genre_rows(DATA)
    assert {r["genre"] for r in rows} == {"0", "1"}
    assert all(r["genre"] == "0" for r in rows if r["label"] == "1")  # every risky text is one case
    assert not any(r["source"].split(":", 1)[1] == "short_fragment" and r["label"] == "0"
                   for r in rows)


def test_the_shipped_genre_model_separates_the_authored_test_splits() -> None:
    m = load_genre()
    assert m is not None
    assert m.metrics["test"]["roc_auc"] >= 0.95


def test_training_the_genre_model_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    train_genre(DATA, a, limit=300)
    train_genre(DATA, b, limit=300)
    assert a.read_bytes() == b.read_bytes()


# Written for this test: coaching told as an instruction reads like advice to the genre model.
COACHED = ("Kalau nanti ditanya petugas imigrasi di bandara, bilang saja mau liburan ke Bangkok, "
           "jangan bilang mau kerja.")


def test_decisive_coaching_is_never_capped_by_the_genre() -> None:
    rule = _rule(COACHED)
    assert rule.decisive and not genre_caps(rule, 1.0)
    assert fuse(rule, None, 1.0) == fuse(rule, None)
    assert analyse(COACHED).level == "high"
    # the same rule result without the decisive sign would be capped at g = 1
    assert genre_caps(dataclasses.replace(rule, decisive=False), 1.0) or rule.has_contact \
        or bool(rule.contexts.get("personal_account") or rule.contexts.get("case_account"))


def test_offers_check_says_the_genre_kept_the_level_below_high() -> None:
    from typer.testing import CliRunner

    from waspada.offers.cli import offers_app

    out = CliRunner().invoke(offers_app, ["check", GENERAL])
    assert out.exit_code == 0, out.output
    assert "genre model kept the level below high" in out.output
    out = CliRunner().invoke(offers_app, ["check", ONE_PERSON])
    assert out.exit_code == 0 and "genre model" not in out.output
