"""Paraphrase and perturbation of offer texts for the robustness check in bench/offers.py.

Four perturbations, each deterministic for a given seed:

* ``synonyms``  - swap words for synonyms/paraphrases a different author would use;
* ``slang``     - chat spellings (yg, gak, gajih, 4 for a, elongation, dropped vowels);
* ``reorder``   - shuffle the sentences / lines;
* ``embed``     - put the text in the middle of a long innocent chat (real everyday SMS from
  the sms-id-2016 set when it is available, otherwise a fixed set of chat lines).

A robust analyser never moves a "high" text to "low" under any of them.
"""

from __future__ import annotations

import random
import re

SYNONYMS: dict[str, tuple[str, ...]] = {
    "gaji": ("upah", "salary", "penghasilan", "gajih"),
    "kerja": ("bekerja", "kerjaan", "job"),
    "lowongan": ("loker", "info kerja", "vacancy"),
    "tiket": ("tiket pesawat", "ticket", "tix"),
    "ditanggung": ("dibayarin", "dibayar perusahaan", "gratis"),
    "gratis": ("free", "ditanggung"),
    "tanpa": ("tidak perlu", "gak usah"),
    "pengalaman": ("skill", "pengalaman kerja"),
    "berangkat": ("terbang", "cabut"),
    "segera": ("secepatnya", "asap"),
    "hubungi": ("chat", "kontak", "wa"),
    "perusahaan": ("kantor", "company", "pt"),
    "admin": ("administrasi", "staff admin"),
    "juta": ("jt", "juta rupiah"),
    "bulan": ("bln", "sebulan"),
    "paspor": ("passport", "pasport"),
}
SLANG: dict[str, str] = {
    "yang": "yg", "tidak": "gak", "sudah": "udh", "untuk": "utk", "dengan": "dgn",
    "gaji": "gajiii", "kerja": "krja", "berangkat": "brgkt", "bisa": "bs", "saja": "aja",
    "kamboja": "k4mb0j4", "tiket": "tikettt", "langsung": "lgsg", "pengalaman": "pglmn",
    "bulan": "bln", "juta": "jt", "perusahaan": "prshn", "hubungi": "hub",
}
INNOCENT_CHAT = (
    "Pagi semua, jangan lupa arisan RT hari Minggu jam 4 sore ya.",
    "Ma, nanti pulang beliin gula sama telur ya.",
    "Wkwk iya bro, besok futsal jam 8 malam di lapangan biasa.",
    "Selamat ulang tahun kak, semoga sehat selalu dan rezekinya lancar.",
    "Ada yang tau bengkel motor yang buka hari Minggu di daerah sini?",
    "Nanti sore hujan kayaknya, jemuran diangkat dulu ya.",
    "Besok pengajian di rumah Bu Siti, bawa kue masing-masing ya ibu-ibu.",
    "Makasih ya udah dianterin kemarin, hati-hati di jalan.",
    "Grup ini untuk info sekolah anak kelas 5B, mohon tidak spam.",
    "Sudah transfer uang kas bulan ini ya, bukti sudah dikirim ke bendahara.",
)

_WORD = re.compile(r"\b\w+\b")
_SENT = re.compile(r"(?<=[.!?\n])\s+")


def _swap(text: str, table: dict[str, tuple[str, ...]] | dict[str, str], rng: random.Random,
          rate: float) -> str:
    def repl(m: re.Match[str]) -> str:
        w = m.group(0)
        alt = table.get(w.lower())
        if alt is None or rng.random() > rate:
            return w
        return rng.choice(alt) if isinstance(alt, tuple) else alt

    return _WORD.sub(repl, text)


def synonyms(text: str, rng: random.Random) -> str:
    return _swap(text, SYNONYMS, rng, 0.7)


def slang(text: str, rng: random.Random) -> str:
    return _swap(text, SLANG, rng, 0.8)


def reorder(text: str, rng: random.Random) -> str:
    parts = [p for p in _SENT.split(text) if p.strip()]
    if len(parts) < 2:
        parts = [p.strip() for p in text.split(",") if p.strip()]
        rng.shuffle(parts)
        return ", ".join(parts)
    rng.shuffle(parts)
    return " ".join(parts)


def embed(text: str, rng: random.Random, chat: list[str] | None = None) -> str:
    pool = list(chat or INNOCENT_CHAT)
    before = [rng.choice(pool) for _ in range(6)]
    after = [rng.choice(pool) for _ in range(6)]
    return "\n".join([*before, text, *after])


PERTURBATIONS = ("synonyms", "slang", "reorder", "embed")


def perturb(kind: str, text: str, seed: int, chat: list[str] | None = None) -> str:
    rng = random.Random(f"{kind}:{seed}")
    if kind == "synonyms":
        return synonyms(text, rng)
    if kind == "slang":
        return slang(text, rng)
    if kind == "reorder":
        return reorder(text, rng)
    if kind == "embed":
        return embed(text, rng, chat)
    raise ValueError(f"unknown perturbation {kind!r}")
