"""Round 7 (issue #15): word classes combined by proximity, and levels that carry information.

Texts here are written in voices unlike data/offers/real/real.yaml (relatives' chat, English
narration, forwarded ads); each class is tested with a positive and a negative example.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.offers_vocab import CODES, CONTEXTS, assert_floor_never_lowered, classes_in
from waspada.offers import analyse
from waspada.offers.classes import (
    SIGNAL_CLASSES,
    ClassHits,
    find_classes,
    load_classes,
    sentence_starts,
)


@pytest.mark.parametrize(("cls", "yes", "no"), [
    ("offer", "pakde diiming-imingi kerja enak", "pakde makan siang di warung"),
    ("offer", "she jumped at the chance after they offered her a post", "she jumped over the fence"),
    ("offer", "on the assumption that he would be employed as a cook", "he cooks at home"),
    ("offer", "kata calo kami akan dipekerjakan di pabrik", "pabrik itu tutup"),
    ("place_abroad", "berangkat ke polandia bulan depan", "berangkat ke palembang bulan depan"),
    ("place_abroad", "a farm job overseas", "a farm job in kalimantan"),
    ("pay", "gajinya 2.500 ringgit", "harga bajunya murah"),
    ("pay", "earning $900 a month", "earning trust takes time"),
    ("costs_covered", "tiket dan paspornya dibayarin bos", "tiket konser sudah habis"),
    ("costs_covered", "his airfare and visa were covered", "his visa expired"),
    ("fee_paid", "ibu sudah transfer rp 12 juta ke dia", "ibu sudah transfer pulsa"),
    ("fee_paid", "we paid him k250,000 for the papers", "we paid attention"),
    ("fee_asked", "ada biaya administrasi dan medical", "biayanya nanti saja"),
    ("debt", "ongkosnya nanti dipotong dari gaji", "gajinya utuh diterima"),
    ("debt", "the fare was deducted from her wages", "her wages were paid in full"),
    ("channel", "kenalan dari grup facebook", "kenalan di kantor"),
    ("channel", "he was recruited by a woman from the village", "he was born in the village"),
    ("tourist_visa", "berangkat pakai visa turis saja", "berangkat pakai visa kerja"),
    ("legal_route", "lewat p3mi yang terdaftar di siskop2mi", "lewat jalur belakang"),
])
def test_each_class_matches_its_words_and_not_others(cls: str, yes: str, no: str) -> None:
    assert cls in classes_in(yes)
    assert cls not in classes_in(no)


def test_full_stop_inside_an_amount_does_not_end_a_sentence() -> None:
    assert sentence_starts("gaji rp3.000.000 sebulan") == [0]
    assert len(sentence_starts("satu. dua! tiga")) == 3


def test_an_offer_and_a_place_far_apart_are_no_anchor() -> None:
    near = "dia ditawari kerja. lokasinya di qatar."
    far = "dia ditawari kerja. rumahnya jauh. jalannya rusak. lalu kami ke qatar."
    assert find_classes(near).anchor
    assert not find_classes(far).anchor


@pytest.mark.parametrize(("text", "level"), [
    # an offer abroad + one signal (pay, a channel): worth a check
    ("Teman kampus diajak kerja di restoran Singapura, gajinya lumayan katanya.", "medium"),
    ("Pakde ditawari kerja bangunan di Qatar sama orang dari grup Facebook.", "medium"),
    # + one strong signal (costs covered, a debt) or two signals: an officer acts
    ("Kakak sepupu saya ditawari kerja jadi staf gudang di Polandia, katanya tiket pesawat dan "
     "visanya dibayarin sama bosnya.", "high"),
    ("She was promised a cleaning job in Dubai and was told she would owe the agency for her "
     "flight, to be deducted from her wages.", "high"),
    # a deal near a place abroad with a job word, no offer word: medium
    ("Semua ongkos ke Brunei ditanggung bos, nanti kerja di kebun.", "medium"),
])
def test_offer_abroad_levels(text: str, level: str) -> None:
    assert analyse(text).level == level


@pytest.mark.parametrize("text", [
    "Adik saya dijanjikan kerja di Brunei.",  # an anchor alone: no signal
    "Hati-hati dengan tawaran kerja ke luar negeri yang menjanjikan gaji besar dan semua biaya "
    "ditanggung; jangan percaya, cek ke BP2MI.",  # advice to the reader
    "Promo gratis tiket nonton untuk pelanggan baru, transfer Rp 50.000 ke rekening kami",
    "Paket tour ke Jepang 5 hari, tiket pesawat dan hotel sudah termasuk, bayar Rp 15 juta",
    "Liburan ke Bangkok bulan depan, tiket pesawat gratis dari undian, visa turis gampang.",
])
def test_look_alikes_stay_low(text: str) -> None:
    assert analyse(text).level == "low", analyse(text).strong


@pytest.mark.parametrize("text", [
    "Program G to G ke Korea lewat BP2MI, biaya tiket ditanggung employer, gaji 2 juta won.",
    "Lowongan pabrik di Taiwan lewat P3MI terdaftar, biaya penempatan ditanggung majikan, "
    "gaji NT$27.000 per bulan.",
])
def test_a_legal_route_keeps_the_class_layer_below_high(text: str) -> None:
    assert analyse(text).level != "high"


HITS = st.builds(
    lambda sig, deal, legal: ClassHits(anchor=True, deal_only=deal, legal_route=legal,
                                       signals=frozenset(sig)),
    st.sets(st.sampled_from(SIGNAL_CLASSES)), st.booleans(), st.booleans())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HITS, st.sets(st.sampled_from(SIGNAL_CLASSES)), st.sets(st.sampled_from(CODES)),
       st.sets(st.sampled_from(CODES)),
       st.fixed_dictionaries({n: st.integers(0, 3) for n in CONTEXTS}), st.booleans())
def test_more_signals_or_indicators_never_lower_the_class_floor(
        hits, more, small, extra, contexts, contact) -> None:  # type: ignore[no-untyped-def]
    bigger = ClassHits(anchor=True, deal_only=hits.deal_only, legal_route=hits.legal_route,
                       signals=hits.signals | frozenset(more))
    assert_floor_never_lowered(hits, bigger, small, extra, contexts, contact)


def test_classes_are_data_with_sources() -> None:
    for wc in load_classes().values():
        assert wc.source and wc.regex.pattern


def test_class_scan_is_linear_on_adversarial_input() -> None:
    for unit in ("1.", "gaji ", "bayar 1,", "kerja di malaysia. ", "a "):
        small, big = unit * 2_000, unit * 8_000
        t0 = time.process_time()
        find_classes(small)
        t1 = time.process_time()
        find_classes(big)
        t2 = time.process_time()
        assert t2 - t1 < 0.5, unit
        assert t2 - t1 <= 8 * max(t1 - t0, 0.005), unit


def test_the_class_floor_is_explained() -> None:
    a = analyse("Teman kampus diajak kerja di restoran Singapura, gajinya lumayan katanya.")
    assert a.level == "medium"
    assert a.offer_abroad == ("pay",)
    assert a.to_dict("en")["rules"]["offer_abroad"] == ["pay"]
    assert analyse("Adik saya dijanjikan kerja di Brunei.").offer_abroad == ()
