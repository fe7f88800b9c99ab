"""Round 8 (issue #15): an offer told with no place named, fees paid to a person, outcomes of
one case, and statements of the lure read as a pattern.

Texts here are written in voices unlike data/offers/real/real.yaml (relatives' chat, a
neighbour's retelling, English court and press narration, forum posts); each new class and
rule is tested with a positive and a negative example.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.offers_vocab import CODES, CONTEXTS, assert_floor_never_lowered, classes_in
from waspada.offers import analyse
from waspada.offers.classes import NO_PLACE_SIGNALS, ClassHits, find_classes
from waspada.offers.cli import offers_app


@pytest.mark.parametrize(("cls", "yes", "no"), [
    # generic abroad words, misspellings, "ke negara X", foreign sums
    ("place_abroad", "mau berangkat ke luar negri minggu depan", "mau berangkat ke luar kota"),
    ("place_abroad", "kerja di negara estonia katanya", "kerja di negara ini saja"),
    ("place_abroad", "gajinya 50ribu won sehari", "gajinya 50ribu sehari"),
    ("place_abroad", "they asked for dh4,500 up front", "they asked for 4,500 rupiah"),
    ("place_abroad", "he was promised vnd15 million", "he was promised 15 million"),
    # unrealistic pay without an amount
    ("pay_high", "a well-paid post in a hotel", "a post in a hotel"),
    ("pay_high", "gaji yang ditawarkan cukup besar", "gaji yang ditawarkan sesuai umr"),
    ("pay_high", "katanya kerjanya bergaji besar", "katanya kerjanya dekat rumah"),
    # compound roles, narrowly
    ("role", "disuruh kerja input data di kantor", "disuruh kerja di sawah"),
    ("role", "a desk job answering chats as a chat support agent", "a job on a building site"),
    # an offer told as made to someone
    ("promise", "ponakan saya dirayu kerja enak sama orang itu", "ponakan saya sekolah di kota"),
    ("promise", "they were offered a job by a man at the bus stop", "they offered tea to guests"),
    # recruited through social media
    ("social_recruit", "dia kenal orang itu lewat tiktok", "dia kenal orang itu di pasar"),
    ("social_recruit", "she answered a facebook job ad last year", "she answered the phone"),
    # a sum demanded from or paid by the worker
    ("fee_paid", "agennya minta uang rp 25 juta dulu", "agennya minta fotokopi ktp dulu"),
    ("fee_paid", "the broker charged them $2,300 each", "the broker charged his phone"),
    ("fee_paid", "bapak sudah menyetorkan puluhan juta", "bapak sudah menyetorkan berkas"),
    # costs covered and debts told in other words
    ("costs_covered", "his flights and visa would be taken care of", "his dog would be taken care of"),
    ("debt", "with 300 yuan deducted for food each month", "with 300 yuan saved each month"),
    ("debt", "gajinya nanti dipotong tiga bulan", "gajinya nanti dibayar penuh"),
    # what happened to the worker
    ("outcome", "sampai sana ternyata disekap di ruko", "sampai sana ternyata dijemput kakaknya"),
    ("outcome", "they were forced to scam strangers online", "they were free to leave"),
    ("outcome", "the group was told to illegally cross the river", "the group crossed the river"),
    ("tourist_visa", "at the airport they claimed they were tourists", "at the airport they ate"),
    ("channel", "a neighbour who introduced her to the agent", "a neighbour who lent her sugar"),
])
def test_each_new_class_matches_its_words_and_not_others(cls: str, yes: str, no: str) -> None:
    assert cls in classes_in(yes)
    assert cls not in classes_in(no)


@pytest.mark.parametrize(("text", "level"), [
    # an offer TOLD with no place: two signals -> high, one -> medium
    ("The three men told the court they had been recruited via Telegram and promised "
     "well-paid jobs entering data.", "high"),
    ("Tetangga saya dijanjikan gaji yang cukup besar kalau ikut orang itu.", "medium"),
    # a fee paid to a person for a departure abroad (misspelt "luar negri"), no job word
    ("Bapak sudah menyetorkan belasan juta ke pak Darto supaya bisa berangkat ke luar negri.",
     "high"),
    ("Kedua pemuda itu menyerahkan uang Rp25 juta kepada S untuk biaya pemberangkatan ke "
     "Malaysia.", "high"),
    # a sum demanded for a job abroad, with a person as the channel
    ("A woman from church put my sister in touch with a man who promised her a cleaning job. "
     "He then asked for Dh5,500 for the ticket and the visa.", "high"),
    # an offer and an outcome of one case, no place named
    ("Adik saya dijanjikan kerja di restoran, ternyata disekap dan tidak digaji.", "high"),
    ("Ia dijanjikan kerja di pabrik, ternyata dijual ke majikan lain dan paspornya ditahan.",
     "high"),
    # the perpetrator's modus in one case (a name, "alias") is not advice to the reader
    ("Modusnya Dodi alias Kribo mengaku punya kenalan di Taiwan dan menjanjikan para korban "
     "berangkat seminggu lagi, lalu mereka menyetor Rp30 juta.", "high"),
    # deductions for the travel are a debt
    ("Bu Ani was promised 700 ringgit a month in Johor, with 250 ringgit deducted for the "
     "flight every month.", "high"),
])
def test_round8_levels(text: str, level: str) -> None:
    assert analyse(text).level == level, (text, analyse(text).score)


@pytest.mark.parametrize("text", [
    # statements of the lure: lists of catch phrases, generic victims, "a way to", examples
    "Scam ads use catch phrases such as 'easy work, high salary, free flight to Bangkok'.",
    "Iklan seperti ini biasanya pakai kalimat-kalimat manis: gaji dolar, tiket gratis, "
    "tanpa pengalaman.",
    "Para korban penipuan loker dijanjikan gaji 20 juta sebulan, tiket gratis, dan mess "
    "di Thailand.",
    "Cara lain orang berangkat ke Malaysia adalah ikut ajakan calo yang menjanjikan gaji besar.",
    "Mayoritas, mereka dijanjikan kerja sebagai admin atau operator, lalu disekap di Myawaddy.",
    "Di grup itu tawarannya gampang seperti jadi admin, gajinya 800USD, tiket ditanggung.",
    "Calon PMI dijanjikan uang saku Rp5 juta, keluarganya juga dapat bagian.",
    "Masyarakat wajib mewaspadai tawaran kerja ke luar negeri dengan janji gaji fantastis "
    "dari media sosial.",
    # the same outcome words in advice
    "Biasanya korban dijanjikan kerja di restoran, tapi ternyata disekap. Hati-hati ya.",
    # an authority's action with what the group was promised stays news (the synthetic
    # corpus labels it so; round 8 tried reading it as an account and reverted)
    "Petugas menggagalkan keberangkatan empat pemuda. Mereka dijanjikan kerja di Kamboja "
    "sebagai admin input data dengan gaji 20 juta.",
    # the modus as a pattern
    "Modusnya, pelaku menawarkan kerja ke Taiwan dan meminta setoran Rp30 juta. Waspadalah.",
])
def test_statements_of_the_lure_stay_out_of_high(text: str) -> None:
    assert analyse(text).level != "high", (text, analyse(text).score)


@pytest.mark.parametrize("text", [
    "Lowongan kerja admin toko, gaji 3 juta, hubungi WA 081234567890.",
    "Dicari customer service untuk toko online di Bandung, gaji UMR, kirim CV via WhatsApp.",
    "Promo! Dapatkan bonus pulsa 50ribu, gratis ongkir, hanya hari ini.",
    "Kami dijanjikan diskon besar kalau belanja di toko itu.",
    # a departure paid for is a deal only for work: a holiday or a school trip is not
    "Mau berangkat liburan ke Bangkok minggu depan, paspor sudah diurus, visa turis gratis kok.",
    "Paid $1,200 for the departure of our school trip to Singapore.",
])
def test_local_ads_and_promos_stay_low(text: str) -> None:
    assert analyse(text).level == "low", (text, analyse(text).score)


def test_a_programming_language_is_no_currency() -> None:
    assert "place_abroad" not in classes_in("php 5 developer wanted in surabaya")
    assert "place_abroad" in classes_in("gajinya ₱25,000 sebulan")


def test_a_promise_far_from_a_place_is_read_without_the_place() -> None:
    hits = find_classes("dia dijanjikan gaji gede. rumahnya jauh. jalannya rusak. lalu ke qatar.")
    assert not hits.anchor
    assert hits.no_place and hits.signals == frozenset({"high_pay"})
    assert find_classes("kami makan siang di warung.") == ClassHits()


def test_a_legal_route_keeps_the_no_place_floor_at_medium() -> None:
    a = analyse("Saya direkrut lewat Facebook untuk kerja input data gaji tinggi, lewat P3MI "
                "resmi yang terdaftar di SISKOP2MI.")
    assert a.level != "high"


TOLD = ("Keponakan saya direkrut lewat grup Facebook, dijanjikan kerja jadi admin input data "
        "dengan gaji gede.")


def test_the_no_place_floor_is_explained() -> None:
    a = analyse(TOLD)
    assert set(a.offer_told) >= {"social_recruit", "role"} and a.offer_abroad == ()
    assert a.to_dict("en")["rules"]["offer_told"] == list(a.offer_told)
    assert any(s.startswith("offer_told_") for s in a.strong)


def test_the_public_page_says_why_an_offer_told_is_risky(client: TestClient) -> None:
    client.get("/cek-lowongan")
    r = client.post("/cek-lowongan", data={"text": TOLD,
                                           "csrf_token": client.cookies["waspada_csrf"]})
    assert r.status_code == 200
    assert 'id="offer-told"' in r.text
    assert "Tawaran kerja kepada seseorang, tanpa menyebut tempat, dengan:" in r.text
    assert "direkrut lewat media sosial" in r.text


def test_check_says_why_an_offer_told_is_risky() -> None:
    r = CliRunner().invoke(offers_app, ["check", TOLD])
    assert r.exit_code == 0 and "OFFER_TOLD" in r.stdout and "social recruit" in r.stdout


HITS = st.builds(
    lambda sig, legal: ClassHits(no_place=True, legal_route=legal, signals=frozenset(sig)),
    st.sets(st.sampled_from(NO_PLACE_SIGNALS)), st.booleans())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(HITS, st.sets(st.sampled_from(NO_PLACE_SIGNALS)), st.sets(st.sampled_from(CODES)),
       st.sets(st.sampled_from(CODES)),
       st.fixed_dictionaries({n: st.integers(0, 3) for n in CONTEXTS}), st.booleans())
def test_more_signals_or_indicators_never_lower_the_no_place_floor(
        hits, more, small, extra, contexts, contact) -> None:  # type: ignore[no-untyped-def]
    bigger = ClassHits(no_place=True, legal_route=hits.legal_route,
                       signals=hits.signals | frozenset(more))
    assert_floor_never_lowered(hits, bigger, small, extra, contexts, contact)


def test_new_classes_scan_in_linear_time() -> None:
    for unit in ("dijanjikan ", "minta 1,", "gaji yang ", "told him about ", "deducted for ",
                 "lewat ", "50ribu "):
        small, big = unit * 2_000, unit * 8_000
        t0 = time.process_time()
        find_classes(small)
        t1 = time.process_time()
        find_classes(big)
        t2 = time.process_time()
        assert t2 - t1 < 0.5, unit
        assert t2 - t1 <= 8 * max(t1 - t0, 0.005), unit
