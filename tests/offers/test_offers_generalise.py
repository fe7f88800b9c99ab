"""Patterns the engine missed on independent texts (issue #15), written here in our own words:
coaching to deceive immigration, hub aliases and land routes, English offers, relatives'
accounts, religious-pretext Gulf offers, bare rupiah pay; and the look-alikes that must stay
out of "high" (warnings and news that MENTION the red flags)."""

from __future__ import annotations

import pytest

from waspada.offers import analyse
from waspada.offers.extract import extract_amounts
from waspada.offers.normalise import normalise

HIGH = [
    # a relative's own words, third person
    "anak saya ditawari kerja CS di Kamboja gaji 15 juta, tiket dibayar, disuruh pakai visa "
    "turis dulu",
    "my son was offered a CS job in Cambodia for 15 juta, ticket paid, told to go on a tourist "
    "visa first",
    # coaching alone is decisive
    "Nanti kalau ditanya petugas imigrasi, bilang aja mau liburan ke Bangkok ya",
    "if immigration asks, tell them you are a tourist",
    # English offer with a hub short form
    "Hiring typist, stable income, no experience, official visa, salary in USD. Location PP. "
    "DM me",
    # land route via Bangkok to the border
    "tiket ke Bangkok udah aku beliin, dari sana naik van ke perbatasan, kerja admin gaji 12 jt",
    # Myanmar + CS + pay + paid ticket (was medium)
    "Kerja di Myanmar jadi CS gaji 20 juta, tiket dibayar",
    # religious-pretext Gulf hoax
    "Dibutuhkan tukang bangunan kerja musim haji di Mekkah, kerja sama dengan pemerintah, "
    "berangkat pakai visa ziarah, hubungi 0812-3456-7890",
    # vague region + foreign pay + costs + documents by chat
    "Lowongan kerja Asia Tenggara, gaji 900 USD, tiket PP ditanggung, kirim KTP ke WA "
    "0812-3456-7890",
    # bypassing the official route
    "Kerja di SHV posisi admin gaji 1000 USD, tidak perlu daftar Disnaker, langsung berangkat",
]

NOT_HIGH = [
    # warnings and news that mention the same red flags
    "Kalau ada yang menyuruh kamu bilang liburan ke petugas imigrasi, itu modus TPPO. "
    "Laporkan!",
    "Para korban diminta mengaku berlibur saat ditanya petugas imigrasi, kata polisi. "
    "Sebanyak 12 WNI dipulangkan dari Kamboja.",
    "Kemlu mengimbau WNI agar tidak tergiur tawaran kerja di Myanmar sebagai customer service "
    "dengan gaji tinggi dan tiket gratis.",
    "Waspada! Modus penipuan lowongan kerja ke Kamboja: gaji 15 juta, tiket gratis, visa "
    "turis. Jangan tergiur, laporkan ke KP2MI.",
    # legitimate look-alikes
    "Paket umroh 9 hari, hotel dekat Masjidil Haram, Rp 32 juta per orang, bisa umroh bersama "
    "keluarga",
    "PT Sinar P3MI berizin membuka lowongan perawat ke Arab Saudi, visa kerja, daftar lewat "
    "SISKOP2MI, gaji 1.500 USD",
    "Program G to G Jepang adalah program BP2MI, gaji bisa mencapai 20 jutaan rupiah per "
    "bulan. Daftar lewat SISKOP2MI.",
    "Tiket PP Jakarta-Bangkok promo 2,1 juta, bagasi 20 kg, booking sekarang",
    "bilang ke ibu aku mau liburan ke Bali minggu depan",
]


@pytest.mark.parametrize("text", HIGH)
def test_risky_texts_in_other_voices_are_high(text: str) -> None:
    a = analyse(text)
    assert a.level == "high", (a.score, a.codes, a.contexts)


@pytest.mark.parametrize("text", NOT_HIGH)
def test_look_alikes_stay_out_of_high(text: str) -> None:
    a = analyse(text)
    assert a.level != "high", (a.score, a.codes, a.contexts)


def test_coaching_is_its_own_decisive_indicator() -> None:
    a = analyse("kalau ditanya petugas imigrasi jawab saja mau jalan-jalan")
    assert "CONTROL_DECEPTION_COACHING" in a.codes
    assert a.level == "high"
    # "bilang liburan" on its own is secrecy, not the decisive coaching
    b = analyse("bilang liburan")
    assert "CONTROL_DECEPTION_COACHING" not in b.codes and b.level != "high"


def test_personal_account_forgives_two_reporting_words() -> None:
    text = ("adik saya ditawari kerja admin di Kamboja, katanya dijanjikan gaji 15 juta dan "
            "tiket gratis")
    a = analyse(text)
    assert a.contexts["personal_account"] >= 1 and a.contexts["news_warning"] >= 2
    assert a.level == "high"


@pytest.mark.parametrize(("text", "idr"), [
    ("Gaji: 13.000.000", 13_000_000),
    ("salary 25,000 THB per month", 25_000 * 460),
    ("gaji 20.000.000 VND", 20_000_000 * 0.63),
    ("gaji RM 4.000", 4_000 * 3_600),
    ("gaji 4,000,000 KHR", 4_000_000 * 4),
])
def test_salary_expressions(text: str, idr: float) -> None:
    amounts = extract_amounts(normalise(text))
    assert amounts and amounts[0].is_pay
    assert amounts[0].idr_per_month_max == pytest.approx(idr)


def test_bare_number_without_pay_word_is_not_an_amount() -> None:
    assert extract_amounts(normalise("nomor rekening 1.234.567.890")) == []
    assert extract_amounts(normalise("kode: 13.000.000")) == []


def test_foreign_pay_is_destination_evidence_without_a_country() -> None:
    a = analyse("gaji 800 dolar per bulan")
    assert "PAY_FOREIGN_CURRENCY" in a.codes
    assert "PAY_FOREIGN_CURRENCY" not in analyse("gaji Rp 5.000.000 per bulan").codes


def test_a_negation_does_not_cross_a_line_break() -> None:
    """A chat message ending in "tidak" must not negate the next message (found by the
    bench's embed-in-chat perturbation)."""
    text = ("rapat besok jadi? kayaknya tidak\nCambodia job: chat agent, 1000 USD, free ticket, "
            "visa on arrival, no exp. DM")
    assert "DEST_CAMBODIA" in analyse(text).codes
    assert "DEST_CAMBODIA" not in analyse("pokoknya tidak ke Kamboja").codes


def test_risky_text_inside_a_long_innocent_chat_stays_high() -> None:
    risky = ("LOKERRR KAMBOJAAA gajiii 15jt, cs doang, gak perlu pengalaman, tiket free, "
             "langsung terbang!!! wa 0878-1234-5678")
    chat = ["besok arisan jam 4 ya bu", "iya maaf tidak bisa datang", "wkwk oke siap",
            "jangan lupa bawa kue", "hp aku lowbat, nanti tidak"] * 3
    text = "\n".join(chat[:8] + [risky] + chat[8:])
    assert analyse(risky).level == "high"
    assert analyse(text).level == "high"
