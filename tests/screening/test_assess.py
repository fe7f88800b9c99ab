"""The assessment rules, table-driven."""

from __future__ import annotations

import dataclasses

import pytest

from waspada.screening.assess import (
    HIGH_AT,
    AssessmentInput,
    DocumentFinding,
    PriorScreening,
    TravelFacts,
    WatchlistHit,
    assess,
)
from waspada.screening.catalogue import questionnaire

KHM = TravelFacts(destination_country="KHM")
CEKAL = WatchlistHit("W1", "pencegahan", "Cekal entry", 0.95, "nama exact")
CEKAL_WEAK = WatchlistHit("W1", "cekal", "Cekal entry", 0.7, "nama phonetic")
RECRUITER = WatchlistHit("W2", "recruiter", "Known recruiter", 0.92, "")
POSTPONED_BEFORE = PriorScreening(1, "BAP/TPI/2026/000001", "TPI Soekarno-Hatta", "2026-10-01",
                                  "postpone", "high", 0.93, "nama phonetic; tgl lahir exact")
CRITICAL = DocumentFinding("mrz.check_digit.document_number", "critical", "Digit", "Digit")
OFFER_HIGH = {"level": "high", "score": 0.97,
              "indicators": [{"title": "Tujuan berisiko: Kamboja"}]}

CASES = [
    # (name, input, level, action, reason codes that must be present)
    ("nothing", AssessmentInput("departure"), "low", "allow", set()),
    ("destination alone is never enough", AssessmentInput("departure", KHM), "low", "allow",
     {"destination.high_risk"}),
    ("work in Cambodia", AssessmentInput("departure", KHM, {"purpose": "work"}), "medium",
     "secondary_interview", {"work_in_non_placement_country"}),
    ("coached to lie -> police", AssessmentInput(
        "departure", KHM, {"purpose": "work", "told_to_lie": "yes"}), "high", "refer_police",
     {"coached_to_deceive"}),
    ("non-procedural worker -> KP2MI", AssessmentInput(
        "departure", TravelFacts("KHM", ("MYS",), "one_way", "tourist"),
        {"has_job_offer": "yes", "offer_channel": "chat", "recruiter_licensed": "no"}),
     "high", "refer_kp2mi", {"unlicensed_recruiter", "wrong_visa_for_work", "route.transit"}),
    ("exit ban -> postpone whatever else", AssessmentInput("departure", watchlist=(CEKAL,)),
     "high", "postpone", {"watchlist.pencegahan"}),
    ("weak exit-ban match -> interview", AssessmentInput("departure", watchlist=(CEKAL_WEAK,)),
     "medium", "secondary_interview", {"watchlist.pencegahan"}),
    ("known recruiter -> police", AssessmentInput(
        "departure", KHM, watchlist=(RECRUITER,)), "high", "refer_police",
     {"watchlist.recruiter"}),
    ("postponed before, tries again", AssessmentInput(
        "departure", TravelFacts("KHM", ticket="one_way"), prior=(POSTPONED_BEFORE,)),
     "high", "postpone", {"history.postponed"}),
    ("forged document", AssessmentInput("passport", documents=(CRITICAL, CRITICAL)), "medium",
     "secondary_interview", {"document.mrz.check_digit.document_number"}),
    ("risky offer shown", AssessmentInput("departure", KHM, offer=OFFER_HIGH), "high",
     "refer_kp2mi", {"offer.high", "work_in_non_placement_country"}),
    ("passports held by the employer", AssessmentInput(
        "passport", answers={"documents_held": "yes", "debt_or_fee": "yes"}), "high",
     "refer_police", {"documents_retained", "debt_bondage_risk"}),
    ("honest tourist with a return ticket", AssessmentInput(
        "departure", TravelFacts("THA", ticket="return", visa_type="visa_free"),
        {"purpose": "tourism", "story_consistent": "yes", "knows_itinerary": "yes",
         "has_job_offer": "no", "clear_return_plan": "yes", "family_knows": "yes"}),
     "low", "allow", set()),
]


@pytest.mark.parametrize(("name", "data", "level", "action", "codes"), CASES,
                         ids=[c[0] for c in CASES])
def test_rules(name: str, data: AssessmentInput, level: str, action: str, codes: set[str]
               ) -> None:
    result = assess(data)
    assert result.level == level, result.reasons
    assert result.recommended_action == action
    assert codes <= {r.code for r in result.reasons}
    for reason in result.reasons:
        assert reason.evidence and reason.source and reason.title_id and reason.title_en


def test_deterministic_and_ordered() -> None:
    data = CASES[4][1]
    first, second = assess(data), assess(data)
    assert first == second
    weights = [r.weight for r in first.reasons]
    assert weights == sorted(weights, reverse=True)
    assert first.points >= HIGH_AT


def test_no_input_for_religion_ethnicity_sex_or_age() -> None:
    forbidden = {"religion", "agama", "ethnicity", "suku", "sex", "gender", "age", "birth_date"}
    for cls in (AssessmentInput, TravelFacts, WatchlistHit, PriorScreening, DocumentFinding):
        names = {f.name for f in dataclasses.fields(cls)}
        assert not names & forbidden, (cls.__name__, names & forbidden)


def test_every_risk_answer_is_reachable_and_bilingual() -> None:
    seen = set()
    for question in questionnaire().questions:
        assert question.text_id and question.text_en
        for answer, risk in question.risk_by_answer.items():
            assert answer in question.options
            result = assess(AssessmentInput("departure", answers={question.code: answer}))
            assert risk.code in {r.code for r in result.reasons}
            seen.add(risk.code)
    assert len(seen) >= 15


def test_unanswered_questions_are_listed() -> None:
    result = assess(AssessmentInput("departure", answers={"purpose": "tourism"}))
    assert "purpose" not in result.unanswered
    assert "told_to_lie" in result.unanswered


def test_travel_reasons_name_countries_in_both_languages_and_cite_the_right_one() -> None:
    """Round 25's walk: the English title read "Transit route used by recruiters: THA, MYS"
    and work in Myanmar cited "…: Cambodia is not a placement country"."""
    from waspada.screening.labels import citation

    result = assess(AssessmentInput(
        "departure", TravelFacts("MMR", ("THA", "MYS")), {"purpose": "work"}))
    by_code = {r.code: r for r in result.reasons}
    assert by_code["route.transit"].title_en == "Transit route used by recruiters: Thailand, Malaysia"
    assert by_code["route.transit"].title_id.endswith(": Thailand, Malaysia")
    work = by_code["work_in_non_placement_country"]
    assert "Myanmar" in work.title_en and "Cambodia" not in work.source
    assert citation(work.source).endswith(": bukan negara penempatan PMI")
