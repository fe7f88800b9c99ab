"""Round 15 (issue #15): one identified person's offer abroad, the grammar of genericity and
advice, coaching and a passport taken told in reported speech (docs/offers.md, "Issue #15
figures, round 15").

Every text here was written for this test, in voices and facts of its own; none is copied from
the real set or the corpora.
"""

from __future__ import annotations

import dataclasses
import itertools

from waspada.offers import analyse
from waspada.offers.catalogue import load_catalogue
from waspada.offers.classes import NO_PLACE_SIGNALS, SIGNAL_CLASSES, ClassHits
from waspada.offers.extract import extract
from waspada.offers.normalise import normalise
from waspada.offers.score import (
    CLASS_MEDIUM_FLOOR,
    ONE_PERSON_SIGNALS,
    STRONG_FLOOR,
    RuleResult,
    class_level,
    evaluate_rules,
    named_case_hits,
    one_person,
)


def _rule(text: str) -> RuleResult:
    n = normalise(text)
    return evaluate_rules(load_catalogue(), n, extract(n, None))


# --- one identified person's offer abroad with one signal ---------------------------------

ONE_PERSON = (
    "Rina (23) ditawari kerja di sebuah restoran di Malaysia dengan gaji RM 1.800 sebulan.",
    "Saya ditawari kerja di gudang di Abu Dhabi, gajinya 900 dirham.",
    "Marco, 31, was offered a warehouse job in Vietnam for $400 a month.",
    "Anak saya ditawari kerja di pabrik di Thailand dengan gaji 9.000 baht.",
)
"""An offer abroad, ordinary pay as the one signal, told as what ONE identified person (a name
with an age, the first person, a relative) was offered."""

SAME_FACTS_NO_PERSON = (
    "Ditawari kerja di sebuah restoran di Malaysia dengan gaji RM 1.800 sebulan.",
    "Lowongan kerja di gudang di Abu Dhabi, gaji 900 dirham.",
)
SAME_FACTS_AS_PATTERN = (
    "Banyak warga ditawari kerja di restoran di Malaysia dengan gaji RM 1.800 sebulan.",
    "Many Indonesians were offered warehouse jobs in Vietnam for $400 a month.",
)
LEGAL_ACCOUNTS = (
    # what a lawful employer also gives: a recruiting company, flights paid, a deduction
    "My sister was offered a nursing post in the UK; the hospital recruited her directly and "
    "paid her visa and flight.",
    "I was offered a job in Singapore by the firm I interned with; they paid my flight.",
    "Anak saya ditawari kerja di Taiwan lewat P3MI resmi, gajinya 20 juta, sesuai perjanjian "
    "penempatan.",
)


def test_one_persons_offer_abroad_with_pay_is_high() -> None:
    for text in ONE_PERSON:
        a = analyse(text)
        assert a.level == "high", (text, a.score, a.codes)
        assert "pay" in a.offer_abroad, text


def test_the_same_facts_without_a_person_or_as_a_pattern_are_not_lifted() -> None:
    for text in SAME_FACTS_NO_PERSON + SAME_FACTS_AS_PATTERN:
        r = _rule(text)
        assert r.class_floor < STRONG_FLOOR, text
        assert analyse(text).level != "high", text


def test_legal_accounts_are_not_lifted() -> None:
    for text in LEGAL_ACCOUNTS:
        assert analyse(text).level != "high", text


def test_one_person_reads_the_contexts_only() -> None:
    assert one_person({"personal_account": 1})
    assert one_person({"case_account": 2})
    assert not one_person({"group_account": 1, "offer_told": 1, "offer_frame": 3})
    assert not one_person({})


def test_class_level_lifts_one_signal_only_for_one_person_and_lure_signals() -> None:
    hits = ClassHits(anchor=True, signals=frozenset({"pay"}))
    assert class_level(hits, set())[0] == CLASS_MEDIUM_FLOOR
    assert class_level(hits, set(), one_person=True)[0] == STRONG_FLOOR
    channel = ClassHits(anchor=True, signals=frozenset({"channel"}))
    assert class_level(channel, set(), one_person=True)[0] == CLASS_MEDIUM_FLOOR
    legal = ClassHits(anchor=True, legal_route=True, signals=frozenset({"pay"}))
    assert class_level(legal, set(), one_person=True)[0] == CLASS_MEDIUM_FLOOR
    no_place = ClassHits(no_place=True, signals=frozenset({"role"}))
    assert class_level(no_place, set(), one_person=True)[0] == CLASS_MEDIUM_FLOOR
    # a catalogue indicator with evidence gives the signal too (PAY_FOREIGN_CURRENCY -> pay)
    bare = ClassHits(anchor=True)
    assert class_level(bare, {"PAY_FOREIGN_CURRENCY"}, one_person=True)[0] == STRONG_FLOOR


def test_class_level_is_monotone_in_signals_and_the_account() -> None:
    """Exhaustive over every set of signals (of an offer abroad, and of an offer told with no
    place), one more signal, the account, the bait wording, a legal route and a deal-only
    anchor: more signals, an account or the bait wording never lower the floor."""
    assert set(SIGNAL_CLASSES) >= ONE_PERSON_SIGNALS
    lifted = 0
    for no_place, classes in ((False, SIGNAL_CLASSES), (True, NO_PLACE_SIGNALS)):
        for n in range(len(classes) + 1):
            for small in itertools.combinations(classes, n):
                for extra in classes:
                    for legal, deal, person, lure in itertools.product((False, True), repeat=4):
                        a = ClassHits(anchor=not no_place, no_place=no_place, deal_only=deal,
                                      legal_route=legal, signals=frozenset(small))
                        b = dataclasses.replace(a, signals=frozenset(small) | {extra})
                        fa = class_level(a, set(), one_person=person, lure_told=lure)[0]
                        assert class_level(b, set(), one_person=person, lure_told=lure)[0] >= fa
                        top = class_level(a, set(), one_person=True, lure_told=True)[0]
                        assert top >= fa
                        lifted += fa == STRONG_FLOOR and person and len(small) == 1
    assert lifted > 0


def test_named_case_reads_initials_two_adverbs_and_english_lure_verbs() -> None:
    assert named_case_hits("Saat itu, K tergiur tawaran bekerja di Brunei.") == 1
    assert named_case_hits("Dodi mengaku awalnya tergiur tawaran kerja di Korea.") == 1
    assert named_case_hits("Sinta was once again enticed by an offer in Macau.") == 1
    assert named_case_hits("Tono was duped by a broker.") == 1
    # sentence-initial words and plural subjects are not names
    assert named_case_hits("A job offer in Cambodia was posted.") == 0
    assert named_case_hits("They were enticed by offers in Laos.") == 0
    assert named_case_hits("Mereka tergiur tawaran kerja di Laos.") == 0


# --- genericity and advice --------------------------------------------------------------

def test_unspecified_quantities_of_people_and_trends_are_generic() -> None:
    for text in ("Tidak sedikit warga kita yang tergiur tawaran kerja di Laos.",
                 "Semakin banyak anak muda berangkat ke Kamboja tanpa prosedur.",
                 "Maraknya lowongan kerja ke Myanmar di media sosial meresahkan.",
                 "Bertambahnya postingan lowongan ke Tiongkok di Facebook.",
                 "A growing number of Indonesians took jobs in Myanmar.",
                 "Officials reported a surge in trafficking cases from Laos.",
                 "Hundreds of Indonesians were sent to Cambodia."):
        assert _rule(text).contexts.get("generic_statement", 0) >= 1, text
    for text in ("Ia harus membayar uang yang tidak sedikit kepada sponsor.",
                 "The lure of hundreds of dollars a month was too strong for him.",
                 "He was promised thousands of US dollars in commission."):
        assert _rule(text).contexts.get("generic_statement", 0) == 0, text


def test_english_and_indonesian_advice_phrasing_is_advice() -> None:
    for text in ("Job seekers should be wary of ads for jobs in Cambodia.",
                 "Remain vigilant about offers abroad.",
                 "If it sounds too good to be true, it probably is.",
                 "These are red flags of a scam recruitment.",
                 "Kenali ciri-ciri lowongan palsu sebelum mendaftar.",
                 "Jangan mudah percaya pada agen yang menjanjikan gaji besar.",
                 "Tawaran seperti ini patut dicurigai."):
        assert _rule(text).contexts.get("warning_advice", 0) >= 1, text
    for text in ("Be at the airport at 6, the agent will meet you.",
                 "The job is in Thailand, salary is good."):
        assert _rule(text).contexts.get("warning_advice", 0) == 0, text


def test_a_warning_that_mentions_the_lure_stays_out_of_high_and_the_offer_does_not() -> None:
    warning = ("Job seekers should be wary of online ads offering customer service jobs in "
               "Cambodia with salaries of $1,000 and free flights.")
    offer = ("Customer service jobs in Cambodia, salary $1,000, free flights. "
             "WA +855 12 345 678")
    assert analyse(warning).level != "high"
    assert analyse(offer).level == "high"


# --- coaching and a passport taken, told in reported speech --------------------------------

def test_coaching_told_in_reported_speech_is_decisive() -> None:
    for text in ("They were told to say they were on holiday if immigration officers asked "
                 "where they were going.",
                 "The recruiter instructed her to lie to immigration about the job.",
                 "Kami diajari cara menjawab pertanyaan petugas imigrasi supaya lolos."):
        a = analyse(text)
        assert "CONTROL_DECEPTION_COACHING" in a.codes, text
        assert a.level == "high", (text, a.score)


def test_coaching_mentioned_in_a_warning_is_not_high() -> None:
    text = ("Warning: if anyone tells you to say you are on holiday to immigration officers, "
            "it is trafficking. Report it to the police.")
    assert analyse(text).level != "high"


def test_a_passport_taken_told_in_the_past_tense_fires() -> None:
    for text in ("Their passports were confiscated when they arrived at the compound.",
                 "He was asked to hand over his passport to the agent in Bangkok.",
                 "The broker withheld her passport for a year."):
        assert "CONTROL_PASSPORT_HELD" in analyse(text).codes, text
    for text in ("She handed her passport to the immigration officer.",
                 "He renewed his passport before the trip."):
        assert "CONTROL_PASSPORT_HELD" not in analyse(text).codes, text


def test_an_individual_recruiter_counts_for_one_persons_offer_abroad() -> None:
    for text in ("Dewi (24) diajak seorang ibu dari kampung sebelah bekerja di restoran di "
                 "Malaysia.",
                 "Ayu mengaku direkrut oleh seorang perempuan yang menjanjikan pekerjaan di salon "
                 "di Singapura."):
        a = analyse(text)
        assert "PROC_INFORMAL_RECRUITER" in a.codes and a.level == "high", text
    hits = ClassHits(anchor=True, signals=frozenset({"channel"}))
    assert class_level(hits, {"PROC_INFORMAL_RECRUITER"}, one_person=True)[0] == STRONG_FLOOR
    assert class_level(hits, {"PROC_INFORMAL_RECRUITER"})[0] == CLASS_MEDIUM_FLOOR
    # a hospital or the company one interned with is not an individual recruiter
    assert "PROC_INFORMAL_RECRUITER" not in analyse(
        "Dia direkrut oleh rumah sakit di Jerman setelah lulus ujian bahasa.").codes


def test_risk_language_and_generic_relative_clauses_mark_a_warning() -> None:
    warning = "Kemlu: WNI yang ditawari kerja di Kamboja dengan visa turis berisiko menjadi korban TPPO."
    r = _rule(warning)
    assert r.contexts.get("warning_advice", 0) >= 1
    assert r.contexts.get("generic_statement", 0) >= 1
    assert analyse(warning).level != "high"
    assert _rule("People who accept a job in Laos on a tourist visa are at risk of "
                 "trafficking.").contexts.get("warning_advice", 0) >= 1
    # the same facts as one person's account are high
    assert analyse("Adik saya ditawari kerja di Kamboja dengan visa turis.").level == "high"
    # a relative clause about one identified person is not generic
    assert _rule("Adik saya yang ditawari kerja di Kamboja sudah berangkat.").contexts.get(
        "generic_statement", 0) == 0


def test_a_singular_him_or_her_tells_one_persons_case() -> None:
    one = "A broker offered her a job in a laundry in Kuching for RM 1,500 a month."
    many = "Brokers offer them jobs in laundries in Kuching for RM 1,500 a month."
    assert _rule(one).contexts.get("case_account", 0) >= 1
    assert analyse(one).level == "high"
    assert _rule(many).contexts.get("case_account", 0) == 0
    assert _rule("Calo itu menawarinya kerja di Brunei.").contexts.get("case_account", 0) >= 1


def test_one_person_lured_by_unrealistic_pay_with_no_place_is_high() -> None:
    lured = "Kakak saya tergiur tawaran kerja dengan gaji 25 juta sebulan dari kenalannya."
    plain = "Kakak saya ditawari kerja dengan gaji 25 juta sebulan dari kenalannya."
    many = "Banyak pemuda tergiur tawaran kerja dengan gaji 25 juta sebulan."
    r = _rule(lured)
    assert r.class_no_place and r.contexts.get("lure_told", 0) >= 1
    assert analyse(lured).level == "high"
    assert _rule(plain).contexts.get("lure_told", 0) == 0
    assert analyse(many).level != "high"
    no_place = ClassHits(no_place=True, signals=frozenset({"high_pay"}))
    assert class_level(no_place, set(), one_person=True, lure_told=True)[0] == STRONG_FLOOR
    assert class_level(no_place, set(), one_person=True)[0] == CLASS_MEDIUM_FLOOR
    assert class_level(no_place, set(), lure_told=True)[0] == CLASS_MEDIUM_FLOOR
    legal = ClassHits(no_place=True, legal_route=True, signals=frozenset({"high_pay"}))
    assert class_level(legal, set(), one_person=True, lure_told=True)[0] < STRONG_FLOOR
