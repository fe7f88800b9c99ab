"""Indonesian spelling canonicalisation and phonetic keys for person names.

Two per-token functions (both cached, pure):

* :func:`canonical_token` rewrites pre-1972 spellings to EYD and folds
  Arabic-origin variants (Mochammad -> muhammad, Achmad -> ahmad).
* :func:`phonetic_key` merges sounds Indonesians spell in several ways.

Sources (details and justification in ``docs/identity.md``):

* the spelling reforms themselves: the Republican (Soewandi) spelling of 1947
  replaced Van Ophuijsen's ``oe`` by ``u``; the EYD of 1972 replaced
  ``dj``->``j``, ``tj``->``c``, ``j``->``y``, ``nj``->``ny``, ``sj``->``sy`` and
  ``ch``->``kh`` (table in "Indonesian orthography", Wikipedia).  Personal names
  are not respelled by law, so both forms coexist in civil records;
* Priyadi Iman Nurcahyo, "Algoritma Fonetik Bahasa Indonesia" (blog, 2005):
  change ``j`` to ``y`` only when the word shows another old-spelling marker,
  collapse doubled letters, consonant+``y`` -> ``i``, ``iy`` -> ``i``,
  ``uw`` -> ``u``, merge ``sy``/``s``, ``q``/``k``, ``v``/``f``;
* Soundex (Russell and Odell, US patents 1,261,167 and 1,435,663) for the idea
  of a phonetic key.  Unlike Soundex we keep vowels: Indonesian given names
  differ mostly by vowels (Budi/Badu, Rina/Rini).

The remaining merges (``kh``/``h``, ``f``/``p``, ``z``/``s``, ``dh``/``d``,
final ``h``, medial ``j``/``y``) are our own, derived from EYD 1972 spelling
changes and common Indonesian renderings of Arabic letters.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_CACHE_LIMIT = 500_000

#: Arabic-origin and other frequent variants -> canonical form.
VARIANTS: dict[str, str] = {}


def _variants(canonical: str, *forms: str) -> None:
    for f in (canonical, *forms):
        VARIANTS[f] = canonical


_variants(
    "muhammad", "muhamad", "muhammed", "muhamed", "mohammad", "mohamad", "mohammed",
    "mohamed", "mochammad", "mochamad", "mokhammad", "mokhamad", "muchammad", "muchamad",
    "mukhammad", "mukhamad", "moehammad", "moehamad", "mohd", "moh", "muh", "mhd", "muhd",
    "mochd", "mohamat", "muhamat", "moch", "mokh", "much", "mukh", "moeh", "mochamat",
)
_variants("ahmad", "achmad", "akhmad", "ahmat", "achmat", "akhmat", "ahmed", "achmed", "akhmed")
_variants("abdul", "abd", "abdoel", "abdol", "abdu", "abdel", "abdal", "abdool")
_variants("nur", "noor", "nour", "noer", "nor")
_variants("nurul", "noerul", "noorul", "nurol")
_variants("rahmat", "rachmat", "rakhmat", "rohmat", "rochmat")
_variants("abdullah", "abdulloh", "abdulah", "abdoellah")
_variants("candra", "chandra")
_variants("kristian", "christian", "cristian")
_variants("yusuf", "jusuf", "joesoef", "yusup", "yoesoef", "jusup")
_variants("yahya", "jahja", "jahya", "yahja")
_variants("yakub", "jakub", "jakoeb", "yakob", "jacob", "yacob")
_variants("yunus", "junus", "joenoes", "yoenoes")
_variants("yasin", "jasin")
_variants("siti", "sitti", "sti")
# Arabic-origin names as transliterated outside Indonesia (sanctions and police lists spell
# them by English, French or Turkish conventions): the O/U and e/i vowel variants and
# ou/oo for u. Whole-token variants only, so "Omar" never folds a name that merely starts
# with O.
_variants("umar", "omar", "oemar", "omer", "umer")
_variants("usman", "osman", "utsman", "uthman", "othman", "ousman", "usmane", "osmane")
_variants("usamah", "usama", "osama", "osamah", "oussama", "ousama")
_variants("muammar", "moammar", "muamar", "moamar", "mouammar")
_variants("yusuf", "youssef", "yousef", "yousuf", "yusof", "yousof", "yussuf", "yosef")
_variants("husain", "husein", "hussein", "hussain", "husin", "husayn", "hossein", "hosein")
_variants("hasan", "hassan")
_variants("ibrahim", "ebrahim", "ibrahem", "ibraheem")
_variants("ismail", "ismael", "esmail", "ismayil")
_variants("mahmud", "mahmoud", "mahmood", "machmud", "mahmut")
_variants("mustafa", "mustapha", "moustafa", "mostafa", "mustofa")
_variants("khalid", "khaled", "chalid", "kholid")
_variants("kadir", "kader", "qadir", "qader", "kodir")
_variants("abubakar", "abubakr", "aboubakar", "abubakir")
_variants("sri", "sry")
# Christian given names: the Indonesian (Latin) form of a saint's name and its English,
# Dutch, Spanish or Portuguese forms, as foreign lists and travel documents write them
_variants("yohanes", "johannes", "johanes", "yohannes", "john", "juan", "joao", "johan")
_variants("petrus", "peter", "pieter", "pedro", "petros")
_variants("paulus", "paul", "pablo", "paulo", "paolo")
_variants("stefanus", "stephanus", "stephen", "steven", "stefan", "esteban", "stevanus")
_variants("markus", "marcus", "mark", "marco", "marcos", "markos")
_variants("lukas", "lucas", "luke", "luca")
_variants("matius", "matthew", "mattheus", "matheus", "mateo", "matteo", "mateus")
_variants("andreas", "andrew", "andres", "andrea")
_variants("fransiskus", "franciscus", "fransiscus", "francis", "francisco", "francesco")
_variants("antonius", "anthony", "antonio", "antony")
_variants("agustinus", "augustinus", "augustine", "agustin", "agostino")
_variants("yosua", "joshua", "josua", "josue")
_variants("yakobus", "jacobus", "james", "santiago")

_OLD_J_MARKERS = ("oe", "dj", "tj", "sj")
_J_AFTER_CONS = re.compile(r"(?<=[hrwl])j(?=[aiueo])")
_ALLOH = re.compile(r"loh$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

_CANON: dict[str, str] = {}
_PHON: dict[str, str] = {}


_KANA_VOICING = frozenset("\u3099\u309a")  # combining (han)dakuten: they change the sound
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4\u02bc\u02bb")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (NFKD), transliterate other scripts and letters that do
    not decompose (Cyrillic, Arabic, Khmer, Thai, "ł", "ß"... with ``anyascii``) and drop
    apostrophes."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c) or c in _KANA_VOICING)
        if not text.isascii():
            # recomposed first: a kana with its voicing mark (バ = ハ + ゛) is "ba", not "ha"
            text = anyascii(unicodedata.normalize("NFC", text).translate(_APOSTROPHES))
    return text.lower().translate(_APOSTROPHES)


def _canon(tok: str) -> str:
    t = _NON_ALNUM.sub("", fold(tok))
    for _ in range(4):  # iterate to a fixed point so canonical forms are stable
        nxt = _canon_step(t)
        if nxt == t:
            break
        t = nxt
    return t


def _canon_step(t: str) -> str:
    v = VARIANTS.get(t)
    if v is not None:
        return v
    old = any(m in t for m in _OLD_J_MARKERS) or t.startswith("nj")
    t = t.replace("oe", "u")
    if old:
        t = (
            t.replace("dj", "\x01").replace("tj", "\x02").replace("nj", "\x03")
            .replace("sj", "\x04").replace("j", "y")
            .replace("\x01", "j").replace("\x02", "c").replace("\x03", "ny")
            .replace("\x04", "sy")
        )
    else:
        if "j" in t:
            t = _J_AFTER_CONS.sub("y", t)
    if "ch" in t:
        t = t.replace("ch", "kh")
    if t.endswith("lloh"):
        t = _ALLOH.sub("lah", t)
    return VARIANTS.get(t, t)


def canonical_token(tok: str) -> str:
    """EYD / variant-folded canonical form of one name token (lower case, a-z0-9)."""
    c = _CANON.get(tok)
    if c is None:
        c = _canon(tok)
        if len(_CANON) < _CACHE_LIMIT:
            _CANON[tok] = c
    return c


_DIGRAPHS = re.compile(r"kh|sy|sh|dh|th|ph|gh|dz|ck|ou|oo|q|x|f|v|z")
_DIGRAPH_MAP = {
    "kh": "h", "sy": "s", "sh": "s", "dh": "d", "th": "t", "ph": "p", "gh": "g",
    "dz": "s", "ck": "k", "ou": "u", "oo": "u", "q": "k", "x": "ks", "f": "p", "v": "p",
    "z": "s",
}
_J_MEDIAL = re.compile(r"(?<=[aiueohrw])j(?=[aiueo])")
_Y_VOWEL = re.compile(r"(?<=.)y(?![aiueo])")
_DOUBLE = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<=[aiueo])h$")
_IE = re.compile(r"ie")
_AW = re.compile(r"aw(?![aiueo])")
_IYA = re.compile(r"iy(?=[aeou])")
_UWA = re.compile(r"uw(?=[aeio])")


def _phon(tok: str) -> str:
    t = canonical_token(tok)
    t = _DIGRAPHS.sub(lambda m: _DIGRAPH_MAP[m.group()], t)
    t = _J_MEDIAL.sub("y", t)
    t = _Y_VOWEL.sub("i", t)
    t = _IE.sub("i", t)
    t = _AW.sub("au", t)
    t = _IYA.sub("i", t)
    t = _UWA.sub("u", t)
    t = _DOUBLE.sub(r"\1", t)
    if len(t) > 2:
        t = _FINAL_H.sub("", t)
    return t


def phonetic_key(tok: str) -> str:
    """Indonesian phonetic key of one name token (see module docstring)."""
    p = _PHON.get(tok)
    if p is None:
        p = _phon(tok)
        if len(_PHON) < _CACHE_LIMIT:
            _PHON[tok] = p
    return p


_ASSIMILATED = re.compile(r"abd(?:[aeo]l|ul|u(?:([rstdzn])(?=\1))?)?")


#: ``Abd`` + article + a divine name written as one token: ``abdurrahman`` (the article
#: assimilated to the doubled consonant), ``abdulkadir``, ``abdelkader``, ``abdussalam``
_ABD_ARTICLE = re.compile(r"abd[aeou]l(?P<rest>[a-z]{3,})")
_ABD_ASSIMILATED = re.compile(r"abdu(?P<c>[rstdzn])(?P=c)?(?P<rest>[a-z]{2,})")


def split_compound(canonical: str) -> tuple[str, ...]:
    """``abdurrahman`` -> (``abdul``, ``rahman``); other tokens unchanged (a 1-tuple).

    A one-token ``Abd``-compound and its spaced form (``Abdul Rahman``, ``Abd al-Rahman``) then
    align token by token, and ``Abdurrahim`` / ``Abdurrahman`` disagree on the part that
    differs instead of looking 0.9 alike. ``abdullah`` stays one token (a name of its own).
    """
    if not canonical.startswith("abd") or canonical == "abdullah" or len(canonical) < 7:
        return (canonical,)
    m = _ABD_ARTICLE.fullmatch(canonical)
    if m is None:
        m2 = _ABD_ASSIMILATED.fullmatch(canonical)
        if m2 is None:
            return (canonical,)
        return ("abdul", m2.group("c") + m2.group("rest"))
    return ("abdul", m.group("rest"))


def joined_key(canonical_tokens: tuple[str, ...] | list[str]) -> str:
    """Tokens concatenated, Arabic article assimilation undone, doubles collapsed.

    ``Abdurrahman`` == ``Abdul Rahman`` == ``Abdurahman``; ``Nurhidayah`` ==
    ``Nur Hidayah``; ``Sitinurhaliza`` == ``Siti Nurhaliza``.
    """
    s = "".join(canonical_tokens)
    if "abd" in s:
        s = _ASSIMILATED.sub("abdul", s)
    return _DOUBLE.sub(r"\1", s) if _DOUBLE.search(s) else s


def clear_caches() -> None:
    """Empty the per-token caches (benchmarks use this for cold-cache figures)."""
    _CANON.clear()
    _PHON.clear()
