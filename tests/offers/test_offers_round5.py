"""Round 5 of issue #15: general causes of the heldout4 misses, in OTHER voices.

None of these texts is copied from data/offers/real/real.yaml; each states the pattern in a
different voice (chat, a relative, a lawyer, English) and comes with a look-alike that must stay
below "high".
"""

from __future__ import annotations

import pytest

from waspada.offers.analyse import analyse
from waspada.offers.catalogue import load_catalogue
from waspada.offers.score import STRONG_FLOOR, combine, fuse

CAT = load_catalogue()

FEE_TO_A_PERSON_ABROAD = [
    # a legal destination, a fee to a person: the legal-route word (LPK, visa kerja) is the cover
    "Adikku udah transfer 35 juta ke sponsornya biar bisa kerja di Korea, katanya visa kerja "
    "diurus semua. Sampai sekarang belum berangkat.",
    "Bu Rina, pemilik LPK di kampung kami, minta kami membayar Rp 45 juta supaya bisa "
    "berangkat ke Jepang jadi pekerja pabrik.",
    "We paid the broker 80,000 baht each to work on a farm in New Zealand; the visa never came.",
    "Sudah kami setor Rp 25 juta ke calo untuk kerja di Taiwan, tapi ditunda terus.",
]
FEE_LOOK_ALIKES = [
    # licensed placement: costs borne by the employer, no person is paid
    "Program G to G ke Korea dibuka. Biaya tiket dan visa kerja ditanggung pemberi kerja, "
    "pendaftaran lewat SISKOP2MI.",
    # advice to the reader
    "Hati-hati: jangan pernah membayar ke sponsor atau calo untuk kerja di Jepang, itu modus "
    "penipuan. Daftar hanya lewat P3MI resmi.",
    # a Japanese car, a Korean drama
    "Jual mobil bekas buatan Jepang, harga Rp 45 juta, hubungi saya.",
]


@pytest.mark.parametrize("text", FEE_TO_A_PERSON_ABROAD)
def test_a_fee_paid_to_a_person_for_work_abroad_is_high_whatever_the_country(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (a.score, a.codes, a.contexts)


@pytest.mark.parametrize("text", FEE_LOOK_ALIKES)
def test_licensed_routes_warnings_and_goods_stay_below_high(text: str) -> None:
    a = analyse(text)
    assert a.level != "high", (a.score, a.codes, a.contexts)


def test_a_legal_route_word_does_not_excuse_a_fee_to_a_person() -> None:
    fired = {c: __import__("waspada.offers.score", fromlist=["Fired"]).Fired(c, [(0, 1)])
             for c in ("DEST_PLACEMENT_ABROAD", "PROC_FEE_DEMANDED", "PROC_INFORMAL_RECRUITER")}
    r = combine(CAT, fired, {"legal_placement": 2}, has_contact=False)
    assert "abroad_fee_channel" in r.strong and r.damp == 0.0
    assert fuse(r, None) >= STRONG_FLOOR
    # without the individual channel the legal-route word still damps (a P3MI's own fee notice)
    fired.pop("PROC_INFORMAL_RECRUITER")
    r = combine(CAT, fired, {"legal_placement": 2}, has_contact=False)
    assert r.strong == () and r.damp > 0


COACHING_ANY_OFFICIAL = [
    "Pokoknya jangan lapor ke Disnaker kalau kamu bayar 20 juta ya, nanti visamu batal.",
    "The agent said she must not tell the labour office how much she had paid, or she would "
    "lose the job.",
    "Kata calonya, nanti di bandara jangan bilang ke petugas kalau mau kerja di Malaysia.",
]


@pytest.mark.parametrize("text", COACHING_ANY_OFFICIAL)
def test_coaching_to_deceive_any_official_is_high(text: str) -> None:
    a = analyse(text)
    assert "CONTROL_DECEPTION_COACHING" in a.codes, a.codes
    assert a.level == "high", (a.score, a.codes, a.contexts)


def test_telling_officials_the_truth_is_not_coaching() -> None:
    a = analyse("Kalau ditanya Disnaker, ceritakan saja yang sebenarnya soal biaya dan majikanmu.")
    assert "CONTROL_DECEPTION_COACHING" not in a.codes


GROUP_ACCOUNTS = [
    # one event, counted people: an account of one case, not the pattern
    "Sebanyak 15 warga Cianjur yang diduga korban TPPO dijanjikan kerja di Kamboja sebagai "
    "admin dengan gaji 18 juta per bulan.",
    "Kuasa hukum menyebut para pekerja itu ditawari kerja di Laos sebagai operator dengan "
    "gaji Rp 14 juta per bulan.",
]
GROUP_LOOK_ALIKES = [
    "Sejak 2021, ribuan pemuda dijanjikan kerja di Kamboja sebagai admin dengan gaji belasan "
    "juta, kata kementerian.",
    "Banyak korban biasanya ditawari pekerjaan sebagai operator dengan gaji seperti 1.500 "
    "dolar, ujar pejabat itu.",
    # an authority's action on a counted group stays news about enforcement
    "Petugas imigrasi menunda keberangkatan 9 warga yang diduga akan dipekerjakan di Kamboja "
    "sebagai admin dengan gaji 15 juta.",
]


@pytest.mark.parametrize("text", GROUP_ACCOUNTS)
def test_a_group_account_of_one_case_is_high(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (a.score, a.codes, a.contexts)


@pytest.mark.parametrize("text", GROUP_LOOK_ALIKES)
def test_statements_about_the_pattern_stay_below_high(text: str) -> None:
    a = analyse(text)
    assert a.level != "high", (a.score, a.codes, a.contexts)


STRANGER_OFFERS = [
    "tiba2 ada akun tidak dikenal DM adikku, nawarin kerja di Malaysia gaji 12 juta, tiket "
    "ditanggung",
    "My cousin got a Facebook message from a stranger offering a typing job abroad, no "
    "experience needed.",
]


@pytest.mark.parametrize("text", STRANGER_OFFERS)
def test_a_strangers_job_offer_on_social_media_is_high(text: str) -> None:
    a = analyse(text)
    assert "PROC_STRANGER_CONTACT" in a.codes, a.codes
    assert a.level == "high", (a.score, a.codes, a.contexts)


def test_a_warning_about_strangers_stays_below_high() -> None:
    a = analyse("Hati-hati dengan orang tidak dikenal yang menawarkan kerja di luar negeri "
                "lewat media sosial, itu modus TPPO. Laporkan ke BP2MI.")
    assert a.level != "high", (a.score, a.codes, a.contexts)


AGENT_ACCOUNTS = [
    # an individual agent promising a job in a named place, told by a relative
    "Kakakku kenal agen yang menjanjikan kerjaan di pabrik Malaysia, gajinya lumayan katanya.",
    # English: what a broker told one person (an account of one case)
    "The broker told her she would work in a hotel in Bangkok, everything arranged.",
]


@pytest.mark.parametrize("text", AGENT_ACCOUNTS)
def test_an_individual_agents_promise_told_about_one_person_is_high(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (a.score, a.codes, a.contexts)


def test_a_restaurant_named_after_a_country_is_not_a_destination() -> None:
    a = analyse("Pameran kuliner: makan siang di restoran Thailand favorit keluarga.")
    assert "DEST_SEA_TRANSIT" not in a.codes and a.level == "low"
