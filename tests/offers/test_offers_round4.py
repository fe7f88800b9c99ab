"""Round 4 of issue #15: an ACCOUNT of one case is a description of an offer; a statement
about the PATTERN across many cases, or advice to the reader, is a warning.

Examples are written in other voices for these tests (none is a text of data/offers/real).
"""

from __future__ import annotations

import pytest

from waspada.offers import analyse
from waspada.offers.catalogue import load_catalogue
from waspada.offers.score import Fired, combine, fuse, level_for, named_case_hits

CAT = load_catalogue()


def _level(text: str) -> str:
    return analyse(text).level


@pytest.mark.parametrize("text", [
    # a named person, reported by the police: reporting words do not make it "news"
    "Polisi mengatakan korban berinisial DS awalnya ditawari kerja di Myanmar sebagai "
    "operator dengan gaji 15 juta per bulan.",
    # "in this case" + a scam hub
    "Dalam kasus tersebut, kedua pemuda itu dijanjikan pekerjaan di Sihanoukville.",
    # a relative's account in English
    "My cousin was promised USD 1,000 a month as a typist in Phnom Penh, the company would "
    "pay her flight.",
    # a named person with an age, a place abroad and unrealistic pay
    "Rina (24) mengaku tergiur tawaran kerja di Vietnam dengan gaji Rp 18 juta sebulan.",
])
def test_an_account_of_one_case_is_high(text: str) -> None:
    assert _level(text) == "high", analyse(text).to_dict("en")["rules"]


@pytest.mark.parametrize("text", [
    # the pattern across many cases
    "Rata-rata para korban dijanjikan kerja sebagai operator di Myanmar dengan gaji 15 juta.",
    "Sejak 2021, ribuan WNI dijanjikan pekerjaan di Kamboja dengan gaji tinggi.",
    "Sindikat ini biasanya menawarkan posisi admin di Kamboja dengan gaji 15 juta per bulan.",
    # advice to the reader
    "Hati-hati dengan tawaran kerja di Kamboja bergaji 15 juta, jangan mudah percaya.",
    "Many jobseekers were promised USD 1,000 a month in Cambodia; beware of such offers.",
])
def test_a_pattern_statement_or_advice_is_not_high(text: str) -> None:
    assert _level(text) != "high", analyse(text).to_dict("en")["rules"]


def test_offer_frame_abroad_and_pay_is_high_on_its_own() -> None:
    assert _level("Ada lowongan di Vietnam buat bagian packing, gaji 20 juta sebulan.") == "high"
    # without the offer frame it is only a fact about pay
    assert _level("Gaji di Vietnam 20 juta sebulan.") != "high"


def test_told_offer_counts_as_an_account_only_without_a_pattern_marker() -> None:
    told = "They were promised 900 dollars a month to work as customer service agents."
    assert _level(told) == "high"
    assert _level("Many victims " + told[5:]) != "high"


def test_unrealistic_pay_and_travel_paid_in_an_account() -> None:
    text = "SN mengaku tergiur gaji 12 juta, tiket pesawat ditanggung perusahaan."
    assert _level(text) == "high"
    # the same facts as an ad with no place and no account stay below high
    assert _level("Gaji 12 juta.") != "high"


def test_an_overland_route_into_a_scam_hub_needs_no_offer_wording() -> None:
    text = "Nanti dari Batam nyebrang ke Johor, lanjut jalan darat lewat perbatasan ke Poipet."
    a = analyse(text)
    assert a.level == "high" and "hub_land_route" in a.strong


def test_named_case_hits_reads_names_not_sentence_words() -> None:
    assert named_case_hits("Wildan (28) berangkat.") == 1
    assert named_case_hits("Andra, 27, called the number.") == 1
    assert named_case_hits("Irma diiming-imingi gaji tinggi.") == 1
    assert named_case_hits("Mereka dijanjikan gaji tinggi. Para korban dijanjikan kerja.") == 0
    assert named_case_hits("Awalnya dijanjikan kerja.") == 0


def test_reporting_words_no_longer_damp_but_pattern_and_advice_do() -> None:
    fired = {"DEST_CAMBODIA": Fired("DEST_CAMBODIA", [(0, 1)]),
             "LURE_HIGH_PAY": Fired("LURE_HIGH_PAY", [(2, 3)])}
    base = {"offer_frame": 1}
    news = combine(CAT, fired, {**base, "news_warning": 5}, has_contact=False)
    assert news.damp == 0.0 and level_for(fuse(news, None)) == "high"
    for ctx in ({"generic_statement": 2}, {"warning_advice": 1}):
        r = combine(CAT, fired, {**base, **ctx}, has_contact=False)
        assert r.damp > 0 and level_for(fuse(r, 0.99)) != "high"
    # one pattern word alone (a stray "biasanya" in a chat) caps below high without damping
    one = combine(CAT, fired, {**base, "generic_statement": 1}, has_contact=False)
    assert one.damp == 0.0 and level_for(fuse(one, 0.99)) != "high"
    # an account outranks the pattern words (they describe that case)
    acc = combine(CAT, fired, {**base, "generic_statement": 1, "case_account": 1},
                  has_contact=False)
    assert level_for(fuse(acc, None)) == "high"
