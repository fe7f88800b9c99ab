"""Round 13 (issue #15): the switch told of one case (promised one job or place, given another)
and the recruiter's advance repaid from future wages (debt bondage) with no offer word.

Texts are written for this file in voices unlike data/offers/real/real.yaml (a cousin's chat,
a village meeting, a shelter worker's note, English court and NGO narration); each pattern has
a positive and a negative example, and the same words in advice or as a pattern stay below
high.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.offers_vocab import classes_in
from waspada.offers import analyse
from waspada.offers.classes import WAGE_DEBT, find_classes
from waspada.offers.normalise import normalise


@pytest.mark.parametrize(("cls", "yes", "no"), [
    ("outcome", "katanya kerja di kafe, ternyata jadi pengasuh lansia tanpa libur",
     "katanya kerja di kafe, ternyata kafenya dekat pantai"),
    ("outcome", "awalnya admin, eh malah disuruh nipu orang lewat chat",
     "awalnya admin, lalu disuruh belajar excel"),
    ("outcome", "dia tidak dikirim ke Brunei tapi ke sebuah pulau di Sabah",
     "dia dikirim ke Brunei bersama dua temannya"),
    ("outcome", "she ended up working as a cleaner in a karaoke bar",
     "she worked as a cleaner in a hotel"),
    ("outcome", "they were instead made to sell phone cards at night",
     "they were made welcome at the office"),
    (WAGE_DEBT, "ongkosnya nanti dipotong dari gaji bulanan kamu",
     "ongkosnya nanti dibayar kantor"),
    (WAGE_DEBT, "uangnya akan diganti setelah mereka mulai bekerja",
     "uangnya akan diganti minggu depan"),
    (WAGE_DEBT, "pakai dana talangan dari agen dulu", "pakai dana pribadi dulu"),
    (WAGE_DEBT, "the fare would be paid back out of her wages",
     "the fare would be paid by the school"),
])
def test_round13_class_words(cls: str, yes: str, no: str) -> None:
    assert cls in classes_in(yes)
    assert cls not in classes_in(no)


@pytest.mark.parametrize("text", [
    # the switch, one case, no place named
    "Sepupu saya dijanjikan kerja jaga toko, tapi malah disuruh nipu orang lewat chat tiap malam.",
    "My cousin was promised a receptionist job, but she ended up working in a karaoke bar "
    "with no pay for months.",
    "Keponakan kami diajak kerja di konveksi, ternyata jadi pembantu di rumah orang dan "
    "tidak boleh pulang.",
    # the recruiter's advance repaid from wages, with the costs covered: no offer word
    "Tiket kapal dan makan di jalan ditanggung Pak Bondan. Semuanya nanti dipotong dari gaji "
    "mereka di kebun.",
    "The shelter says the agent covered the bus and boat fares for the eight men, to be "
    "repaid from their wages at the plantation.",
])
def test_round13_one_case_is_high(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (text, a.score, a.strong)


@pytest.mark.parametrize("text", [
    # the same words as advice or as a pattern
    "Banyak korban dijanjikan kerja jaga toko, tapi malah disuruh menipu. Hati-hati ya, "
    "jangan mudah percaya.",
    "Pada umumnya biaya tiket ditanggung agen dan nanti dipotong dari gaji. Waspadai tawaran "
    "seperti ini.",
    # a deduction alone (payroll) is no offer; an ordinary change of plan is no switch
    "Iuran BPJS dipotong dari gaji setiap bulan sesuai aturan perusahaan.",
    "Pinjaman koperasi akan diganti setelah gaji bulan depan cair.",
    "Rapat RT ditunda, ternyata jadi hari Minggu saja.",
    "Tiket pesawat ditanggung panitia lomba, hadiahnya dipotong pajak.",
])
def test_round13_advice_patterns_and_everyday_text_stay_below_high(text: str) -> None:
    a = analyse(text)
    assert a.level != "high", (text, a.score, a.strong)


def test_a_debt_alone_is_no_anchor() -> None:
    """A wage deduction with no second signal sets no floor (and no class hit)."""
    hits = find_classes(normalise("Gaji dipotong untuk seragam, dipotong dari gaji pertama.").text)
    assert not hits.no_place and not hits.anchor


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([
    "Tiket ditanggung agen, nanti dipotong dari gaji.",
    "Dia dijanjikan kerja di kantor, ternyata jadi pengasuh.",
]), st.sampled_from(["", " Kata temannya gajinya 9 juta.", " Paspornya dipegang bos.",
                     " Hubungi wa.me/6281234567890"]))
def test_adding_a_sentence_with_a_red_flag_never_lowers_the_level(base: str, extra: str) -> None:
    order = {"low": 0, "medium": 1, "high": 2}
    assert order[analyse(base + extra).level] >= order[analyse(base).level]


@pytest.mark.parametrize(("cls", "yes", "no"), [
    ("outcome", "uang sudah disetor tapi tak kunjung diberangkatkan",
     "uang sudah disetor dan minggu depan diberangkatkan"),
    ("outcome", "she paid the fee but was never deployed", "she paid the fee and was deployed"),
])
def test_round13_no_departure_words(cls: str, yes: str, no: str) -> None:
    assert cls in classes_in(yes)
    assert cls not in classes_in(no)


@pytest.mark.parametrize(("text", "level"), [
    # the departure that never came, told of one case: the outcome of a fee fraud
    ("Anak kami dijanjikan kerja di pabrik di Jepang, tapi sampai sekarang tak kunjung "
     "diberangkatkan.", "high"),
    ("Anak kami dijanjikan kerja di pabrik di Jepang, bulan depan diberangkatkan.", "low"),
])
def test_round13_no_departure_levels(text: str, level: str) -> None:
    a = analyse(text, use_model=False)
    assert a.level == level, (text, a.score, a.strong, a.offer_abroad)



@pytest.mark.parametrize("text", [
    # frequency across cases ("in many cases") and a habitual perfect with a plural group
    "An NGO worker said that in many cases, young graduates are persuaded to pay an "
    "'admin fee' to brokers who promise high-paying work overseas.",
    "Dalam banyak kasus, calon pekerja diminta transfer biaya proses ke calo yang menjanjikan "
    "gaji besar di luar negeri.",
    "Brokers tied to a casino zone have actively recruited young rural women to work as "
    "online 'chat hosts' in Myanmar.",
])
def test_round13_pattern_markers_keep_statements_out_of_high(text: str) -> None:
    a = analyse(text)
    assert a.contexts.get("generic_statement", 0) >= 1
    assert a.level != "high", (text, a.score, a.strong)


def test_one_broker_who_has_recruited_is_still_one_case() -> None:
    """The perfect with ONE recruiter and a counted group is not a pattern marker."""
    a = analyse("My neighbour said a broker has recruited three of us to work as chat hosts in "
                "Myanmar, with the flights paid.")
    assert a.contexts.get("generic_statement", 0) == 0
    assert a.level == "high"
