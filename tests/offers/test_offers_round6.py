"""Round 6 of issue #15: judge the whole pasted text, in OTHER voices.

None of these texts is copied from data/offers/real/real.yaml. Each states a pattern (the fee
for a job abroad, the promise told about one person, the classic "all costs paid, only a
passport" lure, pattern statements and statistics) in a different voice — chat slang, a
relative, an English forward, a lawyer — and comes with look-alikes that must stay below high.
"""

from __future__ import annotations

import pytest

from waspada.offers.analyse import analyse
from waspada.offers.catalogue import load_catalogue
from waspada.offers.extract import extract_amounts
from waspada.offers.normalise import normalise
from waspada.offers.score import STRONG_FLOOR, Fired, combine, fuse

CAT = load_catalogue()

# The destination in one sentence, the fee in another: one offer, judged as a whole.
FEE_FOR_WORK_ABROAD = [
    "Mas Andi mau kerja di luar negeri. Tapi katanya harus bayar dulu Rp 12 juta biar bisa "
    "berangkat bulan depan.",
    "Ponakanku ditawarin kerja pabrik di Taiwan 🙏 Syaratnya setor uang 18 juta ke mbak yang "
    "ngurus, katanya buat proses.",
    "My cousin wants to work overseas. The agent says he must pay 40,000 baht first for "
    "processing.",    "Tetangga bilang bisa kerja di Korea asal bayar dulu 30 juta, udah aku transfer kemarin.",
]
# A promise told about ONE person, the pieces spread over the text.
PROMISE_TOLD_ABOUT_ONE_PERSON = [
    # a legal placement country with unrealistic pay, told by a relative
    "Kakak ipar saya dijanjikan kerja di Jepang. Gajinya katanya Rp 30 jutaan sebulan, "
    "makanya dia tergiur banget.",
    # an individual channel + unrealistic pay, no country named (a neighbour's promise)
    "Aku dapet info kerja dari tetangga sebelah. Kami dijanjiin gaji 22 juta per bulan, "
    "katanya gampang.",
    # the suspect met through an acquaintance, a legal country
    "Pak Darto mengenal pelaku lewat rekan kerjanya, lalu ia dijanjikan berangkat ke Korea "
    "untuk bekerja di pabrik mobil.",
    # English: a stranger online offering easy money
    "Last week my little brother got a message from a stranger on Facebook asking if he "
    "wanted to make easy money.",
    # a fake 'private to private' programme to Korea, one named victim
    "Salah satu korban, Yanto (41), dijanjikan berangkat ke Korea lewat program P to P tapi "
    "setahun tidak jelas.",
]
# "All costs paid, you only need a passport" - the classic lure, relayed, no destination.
COSTS_PAID_ONLY_PASSPORT = [
    "katanya semua biaya ditanggung bos, kita cuma modal paspor aja 😁",
    "FWD: job ready, tiket gratis!! cukup siapkan paspor, berangkat minggu depan",
]
# Pattern statements, statistics, example lists: warnings and news, never high.
PATTERN_STATEMENTS = [
    "Mayoritas korban dijanjikan kerja sebagai admin dengan gaji 15 juta dan tiket gratis ke "
    "Kamboja.",
    "Tawaran kerja ke luar negeri, seperti Laos dan Myanmar, dengan gaji puluhan juta sering "
    "berakhir di sindikat penipuan online.",
    "Tercatat 240 WNI yang tertipu bujukan kerja di perusahaan judi online di Kamboja dengan "
    "gaji besar.",
    "Most of the victims were promised customer service jobs in Cambodia paying USD 1,000 a "
    "month.",    "Tercatat 1.200 pengaduan PMI yang membayar sejumlah uang kepada calo untuk bekerja di "
    "Malaysia.",
]
LOOK_ALIKES = [
    # a licensed programme that mentions a fee and a legal country
    "Pendaftaran program G to G Korea dibuka lewat SISKOP2MI; biaya pendaftaran ujian "
    "EPS-TOPIK Rp 400 ribu.",
    # a holiday: passport and a country, no job
    "Liburan ke Jepang bulan depan, jangan lupa urus paspor dan visa turis dari sekarang ya.",
    # advice in the first person
    "Aku pernah ditawari kerja di Korea gaji 25 juta dari tetangga, itu modus, hati-hati ya.",
    # a domestic job with a neighbour's tip
    "Info loker dari tetangga: kasir minimarket di Bekasi, gaji UMR.",
    # a holiday: passport, a ticket bought by the family, a tourist visa
    "Besok aku mau berangkat ke Jepang, bikin paspor dulu, tiket pesawat sudah dibelikan suami.",
    "Mau berangkat liburan ke Bangkok minggu depan, paspor sudah diurus, visa turis gratis kok.",
    # a cost explainer and a training centre's price list: no one is asked to pay to leave
    "Rincian biaya kerja ke Taiwan: biaya medical Rp 1 juta, biaya proses Rp 15 juta. Mau kerja "
    "ke Taiwan? Simak ulasannya.",
    "Ingin bekerja di Jepang? Biaya pendaftaran kursus Rp 500 ribu, hubungi kami.",
    # a neighbour who WORKS in Korea is not a promise
    "Tetangga saya kerja di Korea, gajinya 25 juta sebulan, enak katanya.",
    # a licensed ad whose placement costs the employer bears; a pattern; advice by an authority
    "Lowongan kerja ke Taiwan lewat P3MI, biaya penempatan ditanggung majikan, hubungi kantor.",
    "Para pelaku meminta korban membayar Rp 20 juta sampai Rp 50 juta agar bisa bekerja di Korea.",
    "Pemerintah mengingatkan calon pekerja migran agar tidak membayar biaya keberangkatan ke "
    "Jepang kepada perorangan.",
    # travellers who want to work somewhere, stopped: the intent is not an offer
    "Mereka bikin paspor sendiri, bilang mau wisata, ternyata mau bekerja di Myanmar, jadi kami "
    "tunda keberangkatannya.",
]


@pytest.mark.parametrize("text", FEE_FOR_WORK_ABROAD)
def test_a_fee_for_a_job_abroad_is_high_even_without_a_named_person(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (a.score, a.codes, a.contexts)


@pytest.mark.parametrize("text", PROMISE_TOLD_ABOUT_ONE_PERSON)
def test_a_promise_told_about_one_person_is_high(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (a.score, a.codes, a.contexts)


@pytest.mark.parametrize("text", COSTS_PAID_ONLY_PASSPORT)
def test_costs_paid_and_only_a_passport_is_high(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (a.score, a.codes, a.contexts)


@pytest.mark.parametrize("text", PATTERN_STATEMENTS)
def test_pattern_statements_and_statistics_stay_below_high(text: str) -> None:
    a = analyse(text)
    assert a.level != "high", (a.score, a.codes, a.contexts)
    assert a.contexts.get("generic_statement", 0) >= 1


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_stay_below_high(text: str) -> None:
    a = analyse(text)
    assert a.level != "high", (a.score, a.codes, a.contexts)


def test_jutaan_is_millions() -> None:
    amounts = extract_amounts(normalise("gajinya sekitar Rp 25 jutaan per bulan"))
    assert amounts and amounts[0].idr_per_month_max == 25_000_000


def test_a_fee_to_a_person_is_not_excused_by_a_holiday_word() -> None:
    fired = {c: Fired(c, [(0, 1)])
             for c in ("DEST_PLACEMENT_ABROAD", "PROC_FEE_DEMANDED", "PROC_INFORMAL_RECRUITER")}
    r = combine(CAT, fired, {"tourism": 2, "offer_frame": 1}, has_contact=False)
    assert r.damp == 0.0 and "abroad_fee_channel" in r.strong
    assert fuse(r, None) >= STRONG_FLOOR
    # without the person taking the money, a holiday word still damps (a tour package's price)
    fired.pop("PROC_INFORMAL_RECRUITER")
    r = combine(CAT, fired, {"tourism": 2, "offer_frame": 1}, has_contact=False)
    assert r.damp > 0 and r.strong == ()


def test_a_promise_is_needed_for_the_placement_pay_account() -> None:
    fired = {c: Fired(c, [(0, 1)]) for c in ("DEST_PLACEMENT_ABROAD", "LURE_HIGH_PAY")}
    told = combine(CAT, fired, {"personal_account": 1, "offer_told": 1}, has_contact=False)
    assert "account_placement_pay" in told.strong
    untold = combine(CAT, fired, {"personal_account": 1}, has_contact=False)
    assert untold.strong == ()
