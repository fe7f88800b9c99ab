"""Tiny language identification: Indonesian, English, mixed or unknown.

A self-contained model: stop-word lists plus character-trigram profiles built from short
sample texts written for this module (nothing downloaded). Input should be normalised
text (lower case, abbreviations expanded).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

ID_WORDS = frozenset(
    [
        "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "ini", "itu", "tidak", "ada",
        "saya", "kami", "kamu", "anda", "bisa", "akan", "sudah", "juga", "atau", "pada",
        "dalam", "karena", "tanpa", "bulan", "per", "gaji", "kerja", "kerjanya", "lowongan",
        "dibutuhkan", "butuh", "perlu", "harus", "segera", "hubungi", "langsung",
        "berangkat", "perusahaan", "pengalaman", "syarat", "usia", "tahun", "hari",
        "minggu", "biaya", "gratis", "ditanggung", "tiket", "mau", "kak", "kakak", "gan",
        "sis", "bang", "ya", "dong", "deh", "nih", "sih", "lagi", "saja", "banget", "belum",
        "mohon", "terima", "kasih", "silakan", "info", "minat", "serius", "buat", "sama",
        "tapi", "jadi", "oleh", "kalau", "jika", "adalah", "sebagai", "banyak", "lebih",
        "sangat", "hanya", "masih", "sedang", "telah", "para", "bagi", "tempat", "tinggal",
        "makan", "uang", "orang", "kita", "mereka", "dia", "apa", "siapa", "bagaimana",
        "kenapa", "dimana"
    ]
)
EN_WORDS = frozenset(
    [
        "the", "and", "to", "of", "for", "with", "you", "we", "is", "are", "in", "on", "no",
        "not", "job", "salary", "will", "our", "your", "this", "that", "be", "apply",
        "experience", "required", "needed", "month", "per", "free", "ticket", "visa",
        "company", "work", "working", "please", "contact", "us", "now", "only", "all",
        "have", "has", "can", "it", "from", "at", "by", "as", "an", "a", "or", "if", "they",
        "their", "who", "what", "hiring", "position", "positions", "benefits", "provided",
        "send", "join", "team", "looking", "immediately", "accommodation", "flight",
        "requirements", "age", "years", "day", "week", "english", "good", "must"
    ]
)

_ID_SAMPLE = (
    "dibutuhkan segera karyawan untuk bekerja di perusahaan kami dengan gaji yang menarik "
    "tidak perlu pengalaman semua biaya ditanggung oleh perusahaan silakan hubungi kami "
    "lowongan kerja terbaru bulan ini persyaratan usia minimal tahun pendidikan terakhir "
    "kirimkan lamaran anda melalui surat elektronik kami akan menghubungi kandidat terpilih "
    "waspada penipuan berkedok tawaran kerja di luar negeri masyarakat diimbau berhati hati "
    "kakak mau kerja nggak gajinya lumayan besar loh langsung berangkat minggu depan ya "
    "selamat pagi bagaimana kabarnya hari ini nanti sore kita makan bersama keluarga"
)
_EN_SAMPLE = (
    "we are hiring customer service staff to work in our company with an attractive salary "
    "no experience needed all expenses are paid by the company please contact us now "
    "latest job vacancy this month requirements minimum age years education "
    "send your application through our email we will contact the selected candidates "
    "beware of fraud disguised as overseas job offers the public is urged to be careful "
    "do you want a job the pay is really good you can leave next week "
    "good morning how are you today later this afternoon we will have dinner with the family"
)
_WORD_RE = re.compile(r"[a-z]+")


def _trigrams(text: str) -> Counter[str]:
    c: Counter[str] = Counter()
    for w in _WORD_RE.findall(text):
        w = f" {w} "
        for i in range(len(w) - 2):
            c[w[i : i + 3]] += 1
    return c


@lru_cache(maxsize=1)
def _profiles() -> tuple[dict[str, float], dict[str, float]]:
    def prof(sample: str) -> dict[str, float]:
        c = _trigrams(sample)
        norm = math.sqrt(sum(v * v for v in c.values()))
        return {k: v / norm for k, v in c.items()}

    return prof(_ID_SAMPLE), prof(_EN_SAMPLE)


def identify(text: str) -> str:
    """Return "id", "en", "mixed" or "unknown" for (normalised) ``text``."""
    words = _WORD_RE.findall(text[:5000])
    if not words:
        return "unknown"
    n_id = sum(w in ID_WORDS for w in words)
    n_en = sum(w in EN_WORDS for w in words)
    if n_id + n_en >= 3:
        total = n_id + n_en
        if n_id >= 2 and n_en >= 2 and min(n_id, n_en) / total >= 0.25:
            return "mixed"
        return "id" if n_id >= n_en else "en"
    # Few stop words: fall back on character trigrams.
    tri = _trigrams(" ".join(words))
    if sum(tri.values()) < 6:
        return "unknown"
    p_id, p_en = _profiles()
    s_id = sum(v * p_id.get(k, 0.0) for k, v in tri.items())
    s_en = sum(v * p_en.get(k, 0.0) for k, v in tri.items())
    if max(s_id, s_en) == 0:
        return "unknown"
    return "id" if s_id >= s_en else "en"
