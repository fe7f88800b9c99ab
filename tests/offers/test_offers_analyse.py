"""End-to-end analysis: combinations, negation, evidence spans, output shape."""

from __future__ import annotations

import time

import pytest

from waspada.offers import analyse
from waspada.offers.analyse import OfferAnalysis
from waspada.offers.score import SINGLE_GROUP_CAP

CLASSIC = ("LOKER CS Kamboja 🇰🇭 gaji 15jt/bln, tanpa pengalaman, tiket & visa ditanggung, "
           "berangkat minggu depan. Hub wa.me/6281234567890")


def test_classic_offer_is_high() -> None:
    a = analyse(CLASSIC)
    assert isinstance(a, OfferAnalysis)
    assert a.level == "high" and a.level_label == "Tinggi"
    assert {"DEST_CAMBODIA", "JOB_SCAM_ROLE", "LURE_HIGH_PAY", "LURE_NO_EXPERIENCE",
            "LURE_COSTS_PAID", "LURE_FAST_DEPARTURE", "PROC_PERSONAL_CHAT"} <= set(a.codes)
    assert 0.0 <= a.score <= 1.0
    assert a.model_probability is not None and 0 <= a.model_probability <= 1


@pytest.mark.parametrize("text", [
    "Kamboja", "customer service", "gaji 15 juta", "visa on arrival", "mess", "bilang liburan",
    "paspor ditahan", "Phnom Penh Phnom Penh Phnom Penh Kamboja Sihanoukville",
    "scammer scammer scammer judi online casino",
])
def test_single_signal_never_high(text: str) -> None:
    a = analyse(text)
    assert a.level != "high", (text, a.score, a.codes)
    assert a.score <= SINGLE_GROUP_CAP + 1e-9 or len({i.group for i in a.indicators}) >= 2


@pytest.mark.parametrize("text", [
    "Lowongan Customer Service PT Bank Mandiri Tbk penempatan Jakarta. S1, pengalaman 1 tahun. "
    "Lamaran ke rekrutmen@bankmandiri.co.id. Tidak dipungut biaya.",
    "Paket wisata Phnom Penh - Siem Reap 4D3N Rp 6.500.000/pax termasuk tiket pesawat PP, hotel, "
    "tour guide. Visa on arrival. Booking WA 081234567890",
    "Polisi menangkap 3 tersangka TPPO. Korban dijanjikan kerja sebagai CS di Kamboja dengan gaji "
    "15 juta dan tiket gratis, tetapi paspor ditahan. Kemlu mengimbau masyarakat waspada.",
    "PT Bina Karya Nusantara (P3MI berizin) membuka penempatan caregiver ke Jepang. Daftar lewat "
    "SISKOP2MI, pelatihan bahasa 6 bulan, visa kerja, biaya sesuai peraturan. Gaji 25jt/bln.",
    "Bro liburan ke Bangkok bulan depan yuk, tiket lagi murah",
])
def test_hard_negatives_not_high(text: str) -> None:
    a = analyse(text, agencies=["PT Bina Karya Nusantara"])
    assert a.level != "high", (a.score, a.codes, a.contexts)


def test_negation_fee() -> None:
    assert "PROC_FEE_DEMANDED" in analyse("Kerja di Kamboja, harus bayar biaya admin 2 juta").codes
    assert "PROC_FEE_DEMANDED" not in analyse("Kerja di Jepang, tidak perlu bayar biaya admin").codes
    assert "PROC_FEE_DEMANDED" not in analyse("tdk ada biaya pendaftaran").codes


def test_negation_destination() -> None:
    a = analyse("Lowongan admin, bukan ke Kamboja, penempatan Surabaya, gaji 4jt")
    assert "DEST_CAMBODIA" not in a.codes
    assert "DEST_CAMBODIA" in analyse("Lowongan admin ke Kamboja gaji 12jt").codes


def test_negation_not_crossing_clauses() -> None:
    a = analyse("Tidak perlu pengalaman, kerja di Kamboja gaji 15jt")
    assert "DEST_CAMBODIA" in a.codes and "LURE_NO_EXPERIENCE" in a.codes


@pytest.mark.parametrize(("text", "code", "needle"), [
    ("🔥🔥 kerja di K4MB0JA 🔥 gaji gede", "DEST_CAMBODIA", "K4MB0JA"),
    ("Kerja di K a m b o j a, gaji 15jt", "DEST_CAMBODIA", "K a m b o j a"),
    ("💰💰 g4j1 f4nt4st1s 💰 di Phnom Penh", "LURE_HIGH_PAY", "g4j1 f4nt4st1s"),
    ("nanti blg aja mau liburannnn ya, bilang liburan", "CONTROL_SECRECY", "bilang liburan"),
    ("tdk perlu pengalaman!!", "LURE_NO_EXPERIENCE", "tdk perlu pengalaman"),
    ("✈️ tiket & visa ditanggung 🤑", "LURE_COSTS_PAID", "tiket & visa ditanggung"),
    ("paspor ditahan perusahaan 😱", "CONTROL_PASSPORT_HELD", "paspor ditahan perusahaan"),
])
def test_evidence_points_at_original(text: str, code: str, needle: str) -> None:
    a = analyse(text)
    ind = next(i for i in a.indicators if i.code == code)
    assert any(e.text == needle for e in ind.evidence), ind.evidence
    for e in ind.evidence:
        assert text[e.start : e.end] == e.text


def test_to_dict_shape_and_languages() -> None:
    a = analyse(CLASSIC)
    d_id, d_en = a.to_dict("id"), a.to_dict("en")
    assert set(d_id) == {"score", "level", "level_label", "language", "indicators", "advice",
                         "entities", "agencies", "rules", "model", "genre", "text_length",
                         "analysed_chars", "truncated", "notes", "catalogue_version"}
    assert d_id["level_label"] == "Tinggi" and d_en["level_label"] == "High"
    assert d_id["indicators"][0]["title"] != d_en["indicators"][0]["title"]
    assert set(d_id["entities"]) == {"phones", "whatsapp", "telegram", "emails", "urls",
                                     "domains", "amounts", "places", "companies"}
    assert "statistical" in d_en["model"]["note"]
    assert d_id["model"]["probability"] == round(a.model_probability or 0, 4)


def test_agency_registry() -> None:
    reg = ["PT Bina Karya Nusantara"]
    a = analyse("PT Cahaya Gemilang Sentosa membuka lowongan kerja luar negeri gaji 10jt",
                agencies=reg)
    assert "AGENCY_NOT_REGISTERED" in a.codes
    assert a.agencies[0]["status"] == "not_found"
    b = analyse("PT Bina Karya Nusantara membuka lowongan ke Jepang", agencies=reg)
    assert "AGENCY_NOT_REGISTERED" not in b.codes
    assert b.agencies[0]["status"] == "registered"


def test_huge_text_is_capped_and_fast() -> None:
    text = ("kerja di Kamboja gaji 15jt " + "x" * 50 + " ") * 200_000  # ~16 MB
    t = time.perf_counter()
    a = analyse(text)
    assert time.perf_counter() - t < 10
    assert a.truncated and a.analysed_chars == 100_000 and a.text_length == len(text)
    assert "first 100,000 characters" in a.to_dict()["notes"][0]


def test_rates_override() -> None:
    a = analyse("gaji $400 per bulan kerja admin di Kamboja", rates={"USD": 25_000})
    assert a.entities.amounts[0].idr_per_month_max == 10_000_000
    assert "LURE_HIGH_PAY" in a.codes
    b = analyse("gaji $400 per bulan kerja admin di Kamboja")
    assert "LURE_HIGH_PAY" not in b.codes


def test_non_str_rejected() -> None:
    with pytest.raises(TypeError):
        analyse(None)  # type: ignore[arg-type]
