"""Informal-Indonesian normalisation with an offset map back to the original text.

Every character of the normalised text remembers the half-open range ``[start, end)`` of
the ORIGINAL text it came from, so a regex match on the normalised text can be reported
as evidence in the original (see :meth:`Normalised.span`).

Stages (in order): length cap, Unicode folding (NFKC, casefold, homoglyphs, zero-width
characters, emoji), spacing tricks ("K a m b o j a"), leetspeak ("g4j1"), elongations
("gajiiii"), abbreviations ("yg", "tdk", "gak" -> "tidak": negation stays negation),
whitespace. Meaning is preserved: nothing is dropped except decoration.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from waspada.offers.fastre import fast_scan

MAX_CHARS = 100_000
"""Only the first MAX_CHARS characters of a text are analysed (said in the output)."""

# Emoji flags mapped to country words (regional-indicator pairs).
_FLAGS = {
    "KH": " kamboja ", "MM": " myanmar ", "LA": " laos ", "TH": " thailand ",
    "MY": " malaysia ", "PH": " filipina ", "VN": " vietnam ", "ID": " indonesia ",
    "AE": " dubai ", "CN": " china ",
}
_EMOJI_WORDS: dict[str, str] = {}
# Cyrillic/Greek letters that look Latin (used to dodge keyword filters).
_HOMOGLYPHS = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k",
    "м": "m", "т": "t", "в": "b", "н": "h", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "α": "a", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "ρ": "p", "ε": "e",
})
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}

ABBREVIATIONS: dict[str, str] = {
    "yg": "yang", "yng": "yang", "tdk": "tidak", "tak": "tidak", "gk": "tidak", "gak": "tidak",
    "ga": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak", "engga": "tidak",
    "kagak": "tidak", "ndak": "tidak", "tnp": "tanpa", "dgn": "dengan", "dg": "dengan",
    "utk": "untuk", "untk": "untuk", "lgsg": "langsung", "lgsung": "langsung", "lsg": "langsung",
    "lgs": "langsung", "bs": "bisa", "bsa": "bisa", "krn": "karena", "karna": "karena",
    "sdh": "sudah", "udh": "sudah", "udah": "sudah", "blm": "belum", "blum": "belum",
    "dll": "dan lain lain", "jg": "juga", "sy": "saya", "org": "orang", "bln": "bulan",
    "bl": "bulan", "thn": "tahun", "th": "tahun", "hr": "hari", "mgg": "minggu", "tlp": "telepon",
    "telp": "telepon", "hub": "hubungi", "brgkt": "berangkat", "brangkat": "berangkat",
    "brkt": "berangkat", "krj": "kerja", "krja": "kerja", "kerjo": "kerja",
    "kerjaan": "pekerjaan", "dpt": "dapat", "dapet": "dapat",
    "tp": "tapi", "tpi": "tapi", "dr": "dari", "sm": "sama", "aja": "saja", "lg": "lagi",
    "bgt": "banget", "cpt": "cepat", "pngalaman": "pengalaman", "pengalman": "pengalaman",
    "pgalaman": "pengalaman", "pglmn": "pengalaman", "prshn": "perusahaan", "pt.": "pt",
    "ditanggun": "ditanggung", "gratiss": "gratis", "free": "free", "mkn": "makan",
    "kmboja": "kamboja", "kmbj": "kamboja", "kamboj": "kamboja", "cambodja": "cambodia",
    "tiket": "tiket", "tix": "tiket", "tkt": "tiket", "psprt": "paspor", "pasport": "paspor",
    "passpor": "paspor", "ktp": "ktp", "cs": "cs", "nego": "nego", "min": "min",
}
# No group: the whole match is the abbreviation (the look-arounds take no characters), and
# fast_scan (fastre.py) can then start the scan at the characters an abbreviation starts with.
_ABBR_RE = fast_scan(re.compile(r"(?<![\w@./])(?:" + "|".join(
    sorted((re.escape(k) for k, v in ABBREVIATIONS.items() if k != v), key=len, reverse=True)
) + r")(?![\w@])"))

_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i"})
# Tokens that are amounts/units/times, never leetspeak (round 8: foreign currency prefixes and
# suffixes too: "Dh5,500" was read as "dhs,500").
_AMOUNT_TOKEN = re.compile(
    r"^(?:rp|idr|usdt|usd|us\$|s\$|a\$|hk\$|nt\$|rm|myr|sgd|thb|\$|dhs?|aed|vnd|sar|qar|krw|twd|"
    r"khr|k)?\d+(?:[.,]\d+)*"
    r"(?:jt|juta|rb|ribu|k|m|an|x|jam|hr|hari|th|thn|tahun|bln|bulan|usd|rm|d|n|pm|am|gb|mb|"
    r"mnt|menit|s|st|nd|rd|pax|kg|cm|km|lt|rd|won|vnd|aed|baht|yen|yuan|euro|dong|riel)?$"
)
# A leetspeak candidate is a maximal run of [a-z0-9@$!] holding a letter and a digit/symbol.
# The old two-branch pattern had three overlapping stars and was cubic on a long run of
# letters. Now a match may only start where a run starts (lookbehind), the lookahead and
# the body are possessive and deterministic, so each run is scanned at most twice.
_TOKEN_RE = re.compile(
    r"(?<![a-z0-9@$!])(?=[a-z]*+[0-9@$!])[0-9@$!]*+[a-z][a-z0-9@$!]*+"
)
# URLs, e-mail addresses, @handles and "host.tld/path" are never leetspeak. The e-mail and
# "host/path" branches may only start where their run starts (the lookbehinds): starting
# anywhere inside a long run re-scanned the rest of the run from every position (quadratic).
_PROTECT_RE = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w])@\w+|"
    r"\b(?<!\w\.)\w+(?:\.\w+)+/\S*"
)
_SPACED_RE = re.compile(
    r"(?<![a-z0-9])(?:[a-z0-9@$](?:[ .\-_*·/|]{1,2})){3,}[a-z0-9@$](?![a-z0-9])"
)
_ELONG_RE = re.compile(r"([a-z])\1{2,}")
_WS_RE = re.compile(r"\s{2,}|[^\S \n]")
"""The whitespace runs the last stage changes: a run of two or more, or one character other
than a space and a line break (those two stay themselves; matching them too, as a plain
"any whitespace run" did, only cost a loop step per word)."""


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus, for each character, the original range it came from."""

    original: str
    text: str
    starts: list[int]
    ends: list[int]
    truncated: bool = False

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text."""
        if not self.text or end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        end = min(end, len(self.text))
        start = min(start, end - 1)
        return self.starts[start], self.ends[end - 1]


_Repl = Callable[[re.Match[str]], tuple[str, list[int] | None]]


def _apply(
    text: str, starts: list[int], ends: list[int], pattern: re.Pattern[str], repl: _Repl
) -> tuple[str, list[int], list[int]]:
    """Replace every match of ``pattern``; keep the offset map.

    ``repl`` returns the replacement and either per-character source indices (into the
    current text) or None, in which case every new character covers the whole match.
    """
    out: list[str] = []
    new_s: list[int] = []
    new_e: list[int] = []
    last = 0
    changed = False
    for m in pattern.finditer(text):
        a, b = m.span()
        new, idx = repl(m)
        if new == m.group(0):
            continue
        changed = True
        out.append(text[last:a])
        new_s.extend(starts[last:a])
        new_e.extend(ends[last:a])
        out.append(new)
        if idx is None:
            if b > a:
                s0, e0 = starts[a], ends[b - 1]
            else:
                s0 = e0 = starts[a] if a < len(starts) else (ends[-1] if ends else 0)
            new_s.extend([s0] * len(new))
            new_e.extend([e0] * len(new))
        else:
            new_s.extend(starts[i] for i in idx)
            new_e.extend(ends[i] for i in idx)
        last = b
    if not changed:
        return text, starts, ends
    out.append(text[last:])
    new_s.extend(starts[last:])
    new_e.extend(ends[last:])
    return "".join(out), new_s, new_e


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
        or 0xFE00 <= cp <= 0xFE0F or cp == 0x20E3 or 0x1F1E6 <= cp <= 0x1F1FF
        or unicodedata.category(ch) == "So"
    )


_MAX_EXPANSION = 4
"""NFKC may turn one character into up to 18 (U+FDFA): longer expansions are not applied,
so the normalised text is at most a few times longer than the input (bounded work)."""


@lru_cache(maxsize=65_536)
def _fold_char(ch: str) -> str:
    """NFKC, casefold, homoglyphs and accents off for one character (cached: it is slow)."""
    rep = unicodedata.normalize("NFKC", ch).casefold().translate(_HOMOGLYPHS)
    rep = "".join(c for c in unicodedata.normalize("NFKD", rep)
                  if unicodedata.category(c) != "Mn")
    return ch.casefold() if len(rep) > _MAX_EXPANSION else rep  # U+FDFA is 18 characters


def _is_flag(text: str, i: int) -> bool:
    """A regional-indicator pair (an emoji flag) starts at ``i``."""
    return (i + 1 < len(text) and 0x1F1E6 <= ord(text[i]) <= 0x1F1FF
            and 0x1F1E6 <= ord(text[i + 1]) <= 0x1F1FF)


def _fold_unicode(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC + casefold + homoglyphs + emoji handling, with the offset map."""
    if text.isascii():
        n = len(text)
        return text.lower(), list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isascii():
            out.append(ch.lower())
            starts.append(i)
            ends.append(i + 1)
            i += 1
            continue
        if _is_flag(text, i):
            # A run of flags says which countries once each: "🇰🇭🇰🇭🇰🇭" is " kamboja ",
            # not three words (each 2-character flag would otherwise grow 4.5 times).
            words: dict[str, int] = {}
            while _is_flag(text, i):
                code = chr(ord(text[i]) - 0x1F1E6 + 65) + chr(ord(text[i + 1]) - 0x1F1E6 + 65)
                words.setdefault(_FLAGS.get(code, " "), i)
                i += 2
            for rep, at in words.items():
                out.extend(rep)
                starts.extend([at] * len(rep))
                ends.extend([at + 2] * len(rep))
            continue
        if ch in _ZERO_WIDTH or unicodedata.category(ch) == "Mn":
            i += 1
            continue
        if ch in _EMOJI_WORDS:
            rep = _EMOJI_WORDS[ch]
        elif _is_emoji(ch):
            # An emoji inside a word ("ga🔥ji") is removed; elsewhere it separates words.
            prev_alpha = bool(out) and out[-1].isalpha()
            j = i + 1
            while j < n and (_is_emoji(text[j]) or text[j] in _ZERO_WIDTH):
                j += 1
            next_alpha = j < n and text[j].isalpha()
            rep = "" if prev_alpha and next_alpha else " "
            out.extend(rep)
            starts.extend([i] * len(rep))
            ends.extend([j] * len(rep))
            i = j
            continue
        elif unicodedata.category(ch).startswith("Z") or ch in "\u2028\u2029":
            rep = " "
        else:
            rep = _fold_char(ch)
        out.extend(rep)
        starts.extend([i] * len(rep))
        ends.extend([i + 1] * len(rep))
        i += 1
    return "".join(out), starts, ends


def _spaced(m: re.Match[str]) -> tuple[str, list[int] | None]:
    s = m.group(0)
    if sum(c.isalpha() for c in s) < 3:  # "1 1 1 ..." is not a spaced word: stop early
        return s, None
    keep = [i for i, c in enumerate(s) if c.isalnum() or c in "@$"]
    if len(keep) < 4:
        return s, None
    a = m.start()
    return "".join(s[i] for i in keep), [a + i for i in keep]


def _leet(m: re.Match[str]) -> tuple[str, list[int] | None]:
    tok = m.group(0)
    if _AMOUNT_TOKEN.match(tok) or tok.isdigit():
        return tok, None
    new = tok.translate(_LEET)
    if not new.isalpha():
        return tok, None
    return new, list(range(m.start(), m.end()))


def _protected_ranges(text: str) -> list[tuple[int, int]]:
    # Every match holds "/" (a URL, a domain path), "www." or "@" (an e-mail, a handle):
    # without them there is none, and the scan is skipped.
    if "/" not in text and "@" not in text and "www." not in text:
        return []
    return [m.span() for m in _PROTECT_RE.finditer(text)]


def _leet_stage(text: str, starts: list[int], ends: list[int]):
    prot = _protected_ranges(text)
    # finditer ranges are sorted and disjoint, so their ends are sorted too: a binary
    # search finds the only range that can overlap a token (a scan per token was quadratic).
    prot_ends = [pb for _, pb in prot]

    def repl(m: re.Match[str]) -> tuple[str, list[int] | None]:
        a, b = m.span()
        k = bisect_right(prot_ends, a)
        if k < len(prot) and prot[k][0] < b:
            return m.group(0), None
        # "@name" is a handle, "!" at a word end is punctuation.
        if m.group(0).endswith("!") or (a > 0 and text[a - 1] == "@"):
            return m.group(0), None
        return _leet(m)

    return _apply(text, starts, ends, _TOKEN_RE, repl)


def normalise(text: str, max_chars: int = MAX_CHARS) -> Normalised:
    """Normalise ``text`` (first ``max_chars`` characters) keeping an offset map."""
    truncated = len(text) > max_chars
    original = text[:max_chars] if truncated else text
    t, s, e = _fold_unicode(original)
    t, s, e = _apply(t, s, e, _SPACED_RE, _spaced)
    t, s, e = _leet_stage(t, s, e)
    t, s, e = _apply(t, s, e, _ELONG_RE, lambda m: (m.group(1), None))
    t, s, e = _apply(t, s, e, _ABBR_RE, lambda m: (ABBREVIATIONS[m.group(0)], None))
    # A line break stays a line break: it ends a clause (a negation on one line, or in one
    # chat message, must not reach a word on the next).
    t, s, e = _apply(t, s, e, _WS_RE, lambda m: ("\n" if "\n" in m.group(0) else " ", None))
    return Normalised(original=original, text=t, starts=s, ends=e, truncated=truncated)
