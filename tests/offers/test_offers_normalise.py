"""Normalisation keeps meaning and maps every span back to the original text."""

from __future__ import annotations

import pytest

from waspada.offers.language import identify
from waspada.offers.normalise import normalise


def _find(original: str, word: str) -> str:
    n = normalise(original)
    i = n.text.find(word)
    assert i >= 0, (word, n.text)
    a, b = n.span(i, i + len(word))
    return original[a:b]


@pytest.mark.parametrize(("original", "word", "evidence"), [
    ("Gajiiii besar", "gaji", "Gajiiii"),
    ("kerja di K a m b o j a ya", "kamboja", "K a m b o j a"),
    ("kerja di K.a.m.b.o.j.a ya", "kamboja", "K.a.m.b.o.j.a"),
    ("kerja di K-4-m-b-0-j-a", "kamboja", "K-4-m-b-0-j-a"),
    ("g4j1 gede di k4mboja", "kamboja", "k4mboja"),
    ("g4j1 gede", "gaji", "g4j1"),
    ("🔥🔥 KAMBOJA 🔥", "kamboja", "KAMBOJA"),
    ("ga🔥ji besar", "gaji", "ga🔥ji"),
    ("𝐊𝐀𝐌𝐁𝐎𝐉𝐀 job", "kamboja", "𝐊𝐀𝐌𝐁𝐎𝐉𝐀"),
    ("Kаmboja (cyrillic a)", "kamboja", "Kаmboja"),
    ("Kam\u200bboja", "kamboja", "Kam\u200bboja"),
    ("tdk perlu", "tidak perlu", "tdk perlu"),
    ("🇰🇭 loker", "kamboja", "🇰🇭"),
])
def test_span_maps_to_original(original: str, word: str, evidence: str) -> None:
    assert _find(original, word) == evidence


@pytest.mark.parametrize(("raw", "expected"), [
    ("yg tdk tnp dgn utk lgsg bs krn sdh blm", "yang tidak tanpa dengan untuk langsung bisa karena sudah belum"),
    ("gk gak ga nggak", "tidak tidak tidak tidak"),
    ("dll", "dan lain lain"),
])
def test_abbreviations(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_negation_survives() -> None:
    assert "tidak perlu bayar" in normalise("gak perlu bayar").text
    assert "bukan ke kamboja" in normalise("BUKAN ke Kamboja").text


def test_amounts_not_leeted() -> None:
    t = normalise("gaji 10-15jt, Rp 12.000.000/bln, 800 USD, 15k").text
    assert "10-15jt" in t and "12.000.000" in t and "800 usd" in t and "15k" in t


def test_handles_and_emails_kept() -> None:
    t = normalise("hub @cs_kerja88 atau user1@gmail.com").text
    assert "@cs_kerja88" in t and "user1@gmail.com" in t


def test_truncation() -> None:
    n = normalise("a" * 10, max_chars=5)
    assert n.truncated and n.original == "aaaaa"


def test_empty() -> None:
    n = normalise("")
    assert n.text == "" and n.span(0, 0) == (0, 0)


@pytest.mark.parametrize(("text", "lang"), [
    ("Dibutuhkan segera karyawan untuk kerja di luar negeri, gaji besar", "id"),
    ("We are hiring customer service staff, no experience needed, free flight", "en"),
    ("Open recruitment CS untuk kerja di Kamboja, salary $1000 per month, no experience", "mixed"),
    ("", "unknown"),
])
def test_language(text: str, lang: str) -> None:
    assert identify(normalise(text).text) == lang
