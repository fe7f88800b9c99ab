"""Indonesian person-name parsing: titles, patronyms, canonical and phonetic keys.

:func:`parse_name` turns a raw name into a :class:`PersonName`:

* honorifics, religious titles and nobility titles at the *front* (``H.``,
  ``Hj.``, ``Drs.``, ``Raden``, ``Andi``, ``Cut``, ``I Gusti`` ...) and
  academic degrees at the *end* or after a comma (``S.Kom.``, ``M.M.``) are
  set apart in ``titles``.  Nobility words that are also given names (Andi,
  Cut, Raden, Teuku, Daeng, Gusti) are treated as titles only when they are
  at the front and another name follows (``Andi`` alone stays a name);
* the part after ``bin``/``binti``/``bt``/``bte`` is kept as ``patronym``
  (the father's own front titles go to ``patronym_titles``);
* a name in Hangul or Chinese characters is split into its syllables first, and a Chinese
  name romanised by Wade-Giles is rewritten in pinyin (see :mod:`waspada.identity.phonetic`);
* every remaining token gets a canonical (EYD) form and a phonetic key
  (see :mod:`waspada.identity.phonetic`); ``joined_key`` makes
  ``Nur Hidayah`` == ``Nurhidayah`` and ``Abdul Rahman`` == ``Abdurrahman``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from waspada.identity.phonetic import (
    SYLLABIC_SCRIPTS,
    canonical_token,
    fold,
    foreign_katakana_token,
    is_foreign_katakana,
    joined_key,
    name_script,
    phonetic_key,
    segment_syllables,
    split_compound,
    wade_giles_to_pinyin,
)

__all__ = ["PersonName", "canonical_token", "clear_caches", "parse_name", "phonetic_key"]

#: Titles recognised before the name: key (lower case, dots removed) -> display form.
PREFIX_TITLES: dict[str, str] = {
    "hj": "Hj.", "haji": "Haji", "hajjah": "Hajjah", "hajah": "Hajah", "kh": "KH.",
    "drs": "Drs.", "dra": "Dra.", "ir": "Ir.", "dr": "Dr.", "drg": "drg.", "prof": "Prof.",
    "ny": "Ny.", "nn": "Nn.", "tn": "Tn.", "sdr": "Sdr.", "sdri": "Sdri.", "bpk": "Bpk.",
    "bapak": "Bapak", "ibu": "Ibu", "ust": "Ust.", "ustadz": "Ustadz", "ustaz": "Ustaz",
    "ustadzah": "Ustadzah", "alm": "Alm.", "almh": "Almh.", "almarhum": "Almarhum",
    "almarhumah": "Almarhumah", "habib": "Habib", "syekh": "Syekh", "tgk": "Tgk.",
    # Syekh as other transliterations write it (sanctions and police lists)
    "sheikh": "Sheikh", "shaikh": "Shaikh", "shaykh": "Shaykh", "sheik": "Sheik",
    "syeikh": "Syeikh", "syaikh": "Syaikh", "sheykh": "Sheykh", "shaik": "Shaik",
}
#: Single letters that are titles only when written with a dot (H. = Haji, R. = Raden).
DOTTED_LETTER_TITLES: dict[str, str] = {"h": "H.", "r": "R.", "t": "T."}
#: Nobility titles that are also common given names (front only, and a name must follow).
NOBILITY: dict[str, str] = {
    "raden": "Raden", "rr": "Rr.", "teuku": "Teuku", "tengku": "Tengku", "cut": "Cut",
    "andi": "Andi", "daeng": "Daeng", "gusti": "Gusti",
}
MULTI_TITLES: dict[tuple[str, ...], str] = {
    ("i", "gusti", "ayu"): "I Gusti Ayu",
    ("i", "gusti", "ngurah"): "I Gusti Ngurah",
    ("i", "gusti"): "I Gusti",
    ("ida", "bagus"): "Ida Bagus",
    ("ida", "ayu"): "Ida Ayu",
    ("anak", "agung"): "Anak Agung",
    ("raden", "ajeng"): "Raden Ajeng",
    ("raden", "mas"): "Raden Mas",
}
#: Academic degrees recognised after the name (key without dots -> display form).
_DEGREE_FORMS = (
    "S.Kom.", "S.H.", "S.Pd.", "S.E.", "M.M.", "S.T.", "M.Si.", "S.Sos.", "S.Ag.",
    "S.IP.", "S.Ked.", "S.Farm.", "S.Psi.", "M.Pd.", "M.Kom.", "M.H.", "M.T.", "M.Sc.",
    "M.A.", "B.Sc.", "Ph.D.", "S.I.Kom.", "A.Md.", "A.Md.Kep.", "S.Kep.", "Ns.",
    "M.Kes.", "S.KM.", "S.S.", "S.Hum.", "S.Si.", "Lc.", "M.Ag.", "MBA", "M.Ak.",
    "S.Ak.", "S.Pt.", "S.P.", "S.Gz.", "S.Tr.", "M.Eng.", "S.Pd.I.", "S.H.I.", "Sp.A.",
    "Sp.OG.", "Sp.PD.", "M.Hum.", "M.Ikom.", "S.Th.", "M.Th.", "S.Sn.", "A.Ma.",
    "Dipl.",
)
DEGREES: dict[str, str] = {}
for _form in _DEGREE_FORMS:
    DEGREES.setdefault(_form.replace(".", "").lower(), _form)
#: degree codes recognised without dots at the end of a name: left out are the codes that are
#: also names or name abbreviations ("Ma", "Mak", "Ama", "Sak", "MH" for Muhammad, "Ns", "Lc")
UNDOTTED_DEGREES: frozenset[str] = frozenset(DEGREES) - {
    "ma", "mh", "mt", "ss", "sp", "ns", "lc", "ama", "mak", "sak", "str", "dipl", "mag", "bsc",
    "spa", "sppd"}
#: "son/daughter of": the Malay forms and the Arabic ``ibn``/``ben`` (always between names)
PATRONYM_MARKERS: frozenset[str] = frozenset({"bin", "binti", "bt", "bte", "binte", "bint",
                                              "ibn", "ben"})
#: the Arabic article written apart (``al-Assad``, ``Abd al-Rahman``, ``el Kader``): dropped,
#: since lists write the same name with and without it
ARTICLES: frozenset[str] = frozenset({"al", "el"})
_MUHAMMAD_INITIALS = frozenset({"m", "mh"})

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*\.?")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A parsed person name (immutable; safe to cache and share)."""

    original: str
    normalized: str
    tokens: tuple[str, ...]
    titles: tuple[str, ...]
    patronym: str | None
    patronym_tokens: tuple[str, ...]
    canonical_tokens: tuple[str, ...]
    phonetic_keys: tuple[str, ...]
    joined_key: str
    patronym_titles: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (lists instead of tuples)."""
        return {
            "original": self.original,
            "normalized": self.normalized,
            "tokens": list(self.tokens),
            "titles": list(self.titles),
            "patronym": self.patronym,
            "patronym_titles": list(self.patronym_titles),
            "canonical_tokens": list(self.canonical_tokens),
            "phonetic_keys": list(self.phonetic_keys),
            "joined_key": self.joined_key,
        }


def _split(segment: str) -> list[tuple[str, bool]]:
    """Tokens as (key without dots, abbreviated?) pairs; ``M.Rizki`` -> m., rizki."""
    raws = _TOKEN_RE.findall(segment)
    if "." not in segment:
        return [(r, False) for r in raws]
    out: list[tuple[str, bool]] = []
    for raw in raws:
        if "." not in raw:
            out.append((raw, False))
            continue
        key = raw.replace(".", "")
        if key in DEGREES or key in PREFIX_TITLES:
            out.append((key, True))
            continue
        parts = [p for p in raw.split(".") if p]
        for i, p in enumerate(parts):
            out.append((p, i < len(parts) - 1 or raw.endswith(".")))
    return out


_TITLE_FIRST = frozenset(
    set(PREFIX_TITLES) | set(DOTTED_LETTER_TITLES) | set(NOBILITY) | {k[0] for k in MULTI_TITLES}
)


def _take_prefix_titles(toks: list[tuple[str, bool]], titles: list[str]) -> int:
    i, n = 0, len(toks)
    if n < 2 or toks[0][0] not in _TITLE_FIRST:
        return 0
    while i < n - 1:
        keys = tuple(t[0] for t in toks[i : i + 3])
        for length in (3, 2):
            if keys[:length] in MULTI_TITLES and i + length < n:
                titles.append(MULTI_TITLES[keys[:length]])
                i += length
                break
        else:
            key, dotted = toks[i]
            if key in PREFIX_TITLES and (dotted or len(key) > 1):
                titles.append(PREFIX_TITLES[key])
            elif dotted and key in DOTTED_LETTER_TITLES:
                titles.append(DOTTED_LETTER_TITLES[key])
            elif key in NOBILITY:
                titles.append(NOBILITY[key])
            else:
                break
            i += 1
    return i


def _take_suffix_degrees(toks: list[tuple[str, bool]], titles: list[str], tail: bool) -> list:
    """Strip degrees from the end (``tail``: the whole segment is after a comma).

    Without dots, only the degree codes that are never name tokens are taken ("Budi Santoso SE
    MM"), and never the whole name.
    """
    if not tail and not (toks and (toks[-1][1] or (len(toks) > 1 and toks[-2][1])
                                   or toks[-1][0] in UNDOTTED_DEGREES)):
        return toks
    out = list(toks)
    found: list[str] = []
    while out:
        key, dotted = out[-1]
        if len(out) >= 2 and out[-2][0] + key in DEGREES and (tail or out[-2][1]):
            found.append(DEGREES[out[-2][0] + key])
            del out[-2:]
        elif (key in DEGREES and (tail or dotted) and (tail or len(out) > 1)) or (
                key in UNDOTTED_DEGREES and len(out) > 1):
            found.append(DEGREES[key])
            out.pop()
        else:
            break
    titles.extend(reversed(found))
    return out


def parse_name(raw: str) -> PersonName:
    """Parse an Indonesian person name; never raises (non-text gives an empty name).

    Results are cached (LRU, 16,384 names); :class:`PersonName` is immutable.
    """
    return _parse_cached(raw if isinstance(raw, str) else "")


def _latin_tokens(original: str, text: str, titles: list[str]) -> list[tuple[str, bool]]:
    """Tokens of a folded name with front titles and degrees moved to ``titles``, list order
    (``SURNAME, Given``) undone, articles dropped, katakana and Wade-Giles read."""
    if "," in text:
        head, *rest = text.split(",")
    else:
        head, rest = text, []
    if "-" in head:
        head = head.replace("-", " ")
    toks = _split(head)
    if toks and toks[0][0] in _TITLE_FIRST:
        toks = toks[_take_prefix_titles(toks, titles):]
    toks = _take_suffix_degrees(toks, titles, tail=False)
    given: list[tuple[str, bool]] = []
    for seg in rest:
        part = _split(seg.replace("-", " "))
        if part and part[0][0] in _TITLE_FIRST:
            part = part[_take_prefix_titles(part, titles):]
        given.extend(_take_suffix_degrees(part, titles, tail=True))
    if given:
        # "SURNAME, Given names" (list order: "AL BIN ALI, Isa Bin Tarif"): given names first
        toks = given + toks
    if len(toks) > 1 and not ARTICLES.isdisjoint(k for k, _ in toks):
        toks = [t for t in toks if t[0] not in ARTICLES] or toks
    if not original.isascii() and is_foreign_katakana(original[:500]):
        toks = [(foreign_katakana_token(k), dotted) for k, dotted in toks]
    if len(toks) > 1:  # a Chinese name romanised by Wade-Giles: its pinyin syllables
        pinyin = wade_giles_to_pinyin([k for k, _ in toks])
        if pinyin is not None:
            toks = [(k, dotted) for k, (_, dotted) in zip(pinyin, toks, strict=True)]
    return toks


def _parse_uncached(original: str) -> PersonName:
    # Hangul blocks and Chinese characters are syllables: one token each (phonetic.py); the
    # Latin-script conventions (titles, degrees, bin, al-, Wade-Giles) do not apply to them
    # (``싶`` transliterates as ``sip``, which is not the degree S.IP.)
    syllabic = not original.isascii() and name_script(original[:500]) in SYLLABIC_SCRIPTS
    text = fold(segment_syllables(original[:500]))
    titles: list[str] = []
    if syllabic:
        toks = _split(text.replace(",", " ").replace("-", " "))
    else:
        toks = _latin_tokens(original, text, titles)
    patronym_toks: tuple[str, ...] = ()
    patronym_titles: list[str] = []
    marker = None
    tokens = tuple([k for k, _ in toks])
    if not syllabic and not PATRONYM_MARKERS.isdisjoint(tokens):
        for i, key in enumerate(tokens):
            if key in PATRONYM_MARKERS and 0 < i < len(tokens) - 1:
                marker = key
                father = toks[i + 1 :]
                if father[0][0] in _TITLE_FIRST:
                    father = father[_take_prefix_titles(father, patronym_titles):]
                patronym_toks = tuple([k for k, _ in father])
                toks = toks[:i]
                tokens = tokens[:i]
                break
    get = _KEYS.get
    pairs = []
    for i, (key, dotted) in enumerate(toks):
        if key in _MUHAMMAD_INITIALS and not syllabic and (dotted or (i == 0 and len(toks) > 1)):
            key = "muhammad"
        keys = get(key) or _keys(key)
        parts = split_compound(keys[0])
        if len(parts) == 1:
            pairs.append(keys)
        else:
            pairs.extend(_keys(part) for part in parts)
    canonical = tuple([c for c, _ in pairs])
    patronym = " ".join([(get(k) or _keys(k))[0] for k in patronym_toks]) or None
    normalized = " ".join(tokens + ((marker, *patronym_toks) if marker else ()))
    return PersonName(
        original,
        normalized,
        tokens,
        tuple(titles),
        patronym,
        patronym_toks,
        canonical,
        tuple([p for _, p in pairs]),
        joined_key(canonical),
        tuple(patronym_titles),
    )


# Kept small on purpose: a large LRU of live objects makes the cyclic GC slow (measured).
_parse_cached = lru_cache(maxsize=16_384)(_parse_uncached)
_KEYS: dict[str, tuple[str, str]] = {}


def _keys(token: str) -> tuple[str, str]:
    """(canonical, phonetic) for one token, cached."""
    k = _KEYS.get(token)
    if k is None:
        k = (canonical_token(token), phonetic_key(token))
        if len(_KEYS) < 500_000:
            _KEYS[token] = k
    return k


def clear_caches() -> None:
    """Empty all name caches (full-name LRU and per-token caches)."""
    from waspada.identity import phonetic

    _parse_cached.cache_clear()
    _KEYS.clear()
    phonetic.clear_caches()
