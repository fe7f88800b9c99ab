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


# -- scripts written in syllables ---------------------------------------------------------------
#
# ``anyascii`` transliterates a name in Hangul or Chinese characters into one joined word
# (``김정은`` -> ``gimjeongeun``), so a different syllable of the given name became a one-letter
# difference inside one long token, which the fuzzy and typo levels accept. In these scripts
# the unit of a name is the syllable block (Hangul: one block per syllable, Unicode
# U+AC00-U+D7A3) or the character (Han: one character per syllable and morpheme); a Korean
# name is a family syllable and given syllables, a Chinese name one family character (rarely
# two) and given characters. Each block / character becomes a token of its own, and two names
# in the same such script compare syllable by syllable exactly: a different character is a
# different name, not a spelling slip (there is no "one letter" to mistype).
# A middle dot (``·`` U+00B7, ``・`` U+30FB, ``･`` U+FF65, ``‧`` U+2027, ``•``) separates the
# words of a foreign name written in Chinese characters or kana (``贝拉克·奥巴马``, Barack
# Obama): there the words are kept whole, since their characters only spell sounds.

#: the scripts in which two names compare syllable by syllable exactly
SYLLABIC_SCRIPTS: frozenset[str] = frozenset({"hangul", "han"})
_NAME_DOTS = "\u00b7\u30fb\uff65\u2027\u2022"


def _char_script(c: str) -> str | None:
    o = ord(c)
    if 0xAC00 <= o <= 0xD7A3:
        return "hangul"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
        return "han"
    if 0x3040 <= o <= 0x30FF and c not in _NAME_DOTS:
        return "kana"
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFDFF \
            or 0xFE70 <= o <= 0xFEFF:
        return "arabic"
    return None


def name_script(text: str) -> str | None:
    """The non-Latin script a name is written in, when it needs its own rules: ``hangul``,
    ``han`` (Chinese characters without kana), ``kana`` (Japanese), ``arabic`` (the Arabic
    alphabet, also Persian and Urdu); None for Latin and every other script. The most
    frequent of these among the name's letters decides (kana anywhere makes it ``kana``)."""
    if not isinstance(text, str) or text.isascii():
        return None
    counts: dict[str, int] = {}
    for c in text:
        s = _char_script(c)
        if s is not None:
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return None
    if "kana" in counts:
        return "kana"
    return max(sorted(counts), key=counts.__getitem__)


def segment_syllables(text: str) -> str:
    """Hangul blocks and Chinese characters of a name spaced apart (``김정은`` -> ``김 정 은``),
    so that each becomes a token; unchanged when a middle dot marks a foreign name's words
    (``贝拉克·奥巴马``) or kana make it Japanese, and for every other script."""
    if text.isascii() or any(d in text for d in _NAME_DOTS):
        return text
    if name_script(text) not in SYLLABIC_SCRIPTS:
        return text
    out: list[str] = []
    prev = False
    for c in text:
        cur = _char_script(c) in SYLLABIC_SCRIPTS
        if cur and prev:
            out.append(" ")
        out.append(c)
        prev = cur
    return "".join(out)


# -- Wade-Giles -> pinyin -----------------------------------------------------------------------
#
# Chinese names on older and Taiwanese documents are romanised by Wade-Giles (``Mao Tse-tung``,
# ``Hsi Chin-p'ing``), newer ones by Hanyu Pinyin (``Mao Zedong``, ``Xi Jinping``). Source: the
# syllable correspondences of the Wade-Giles and pinyin tables ("Wade-Giles", "Comparison of
# Chinese romanization systems", Wikipedia; Library of Congress "Pinyin conversion project",
# 2000): WG hs -> x, ts/tz -> z, ch + i/u -> j, ch + other -> zh, j -> r, -ung -> -ong,
# -ih -> -i, -ien -> -ian, -ieh -> -ie, k/t/p before a vowel -> g/d/b (unaspirated).
# Only syllables that are NOT also pinyin syllables are rewritten (``ping``, ``chi``, ``teng``
# stay: they are valid pinyin), and the unaspirated reading is taken, because the apostrophe
# that marks aspiration (``p'ing``) is almost always dropped in travel documents and lists.

WADE_GILES: dict[str, str] = {
    # hs -> x
    "hsi": "xi", "hsia": "xia", "hsiang": "xiang", "hsiao": "xiao", "hsieh": "xie",
    "hsien": "xian", "hsin": "xin", "hsing": "xing", "hsiu": "xiu", "hsiung": "xiong",
    "hsu": "xu", "hsuan": "xuan", "hsueh": "xue", "hsun": "xun",
    # ch + i / u(e) -> j
    "chia": "jia", "chiang": "jiang", "chiao": "jiao", "chieh": "jie", "chien": "jian",
    "chin": "jin", "ching": "jing", "chiu": "jiu", "chiung": "jiong", "chueh": "jue",
    # ch + other -> zh
    "chih": "zhi", "cho": "zhuo", "chung": "zhong",
    # ts / tz / ss -> z / s
    "tsa": "za", "tsai": "zai", "tsan": "zan", "tsang": "zang", "tsao": "zao", "tse": "ze",
    "tsei": "zei", "tsen": "zen", "tseng": "zeng", "tso": "zuo", "tsou": "zou", "tsu": "zu",
    "tsuan": "zuan", "tsui": "zui", "tsun": "zun", "tsung": "zong", "tzu": "zi", "ssu": "si",
    "szu": "si",
    # j -> r
    "jih": "ri", "jen": "ren", "jang": "rang", "jao": "rao", "je": "re", "jou": "rou",
    "jung": "rong", "jui": "rui", "jan": "ran", "jo": "ruo",
    # -ung -> -ong, k/t -> g/d
    "tung": "dong", "kung": "gong", "lung": "long", "hung": "hong", "sung": "song",
    "nung": "nong", "yung": "yong", "kuo": "guo", "ko": "ge", "kuei": "gui", "huei": "hui",
    "to": "duo", "te": "de", "lo": "luo", "no": "nuo", "so": "suo", "ho": "he",
    # -ien -> -ian, -ieh -> -ie, others
    "lien": "lian", "mien": "mian", "nien": "nian", "pien": "bian", "tien": "dian",
    "lieh": "lie", "mieh": "mie", "nieh": "nie", "pieh": "bie", "tieh": "die",
    "shih": "shi", "erh": "er", "yeh": "ye", "yen": "yan", "yueh": "yue",
    # a syllable without an initial: pinyin writes it with y
    "ing": "ying", "in": "yin",
}
def _wade_giles_only(syllable: str) -> bool:
    """A syllable only Wade-Giles writes (no pinyin, Indonesian or Korean name looks like it):
    ``hs-``, ``ts-``, ``tz-``, ``ssu``, ``szu``, ``-ih`` (string tests: linear on any input)."""
    return (syllable.startswith(("hs", "ts", "tz")) or syllable in ("ssu", "szu")
            or syllable.endswith("ih"))


def wade_giles_to_pinyin(tokens: list[str]) -> list[str] | None:
    """The tokens of a name romanised by Wade-Giles rewritten in pinyin, or None when the name
    does not read as Wade-Giles: at least one syllable only Wade-Giles writes (``hs``-, ``ts``-,
    ``tz``-, ``ssu``, -``ih``) and every token a syllable of at most 6 letters. Only syllables
    that are not pinyin are rewritten (``Hsi Chin ping`` -> ``xi jin ping``)."""
    if not tokens or len(tokens) > 5 or any(len(t) > 6 for t in tokens):
        return None
    if not any(t in WADE_GILES and _wade_giles_only(t) for t in tokens):
        return None
    return [WADE_GILES.get(t, t) for t in tokens]


# -- foreign names in katakana ------------------------------------------------------------------
#
# Katakana cannot end a syllable in a consonant other than n: a foreign name's final consonant
# is written with an added vowel, u after most consonants and o after t and d (``バラク`` Barak-u,
# ``ドナルド`` Donald-o; "Transcription into Japanese", Wikipedia; Hepburn romanisation). Such
# a name is written with ``・`` between its words; there the added final vowel is dropped.
# Japanese names (in kanji, or kana without the dot) keep their vowels (Ryu, Kazu).
_KANA_FINAL_VOWEL = re.compile(r"(?<=[^aiueon])u$|(?<=[td])o$")


def foreign_katakana_token(token: str) -> str:
    """``baraku`` -> ``barak``: a word of a foreign name in katakana without its added final
    vowel (tokens of fewer than 4 letters unchanged)."""
    return _KANA_FINAL_VOWEL.sub("", token) if len(token) >= 4 else token


def is_foreign_katakana(text: str) -> bool:
    """A name in kana whose words are separated by a middle dot (a foreign name)."""
    return name_script(text) == "kana" and any(d in text for d in _NAME_DOTS)


# -- Arabic script: the consonants ---------------------------------------------------------------

_SKELETON_DROP = re.compile(r"[aeiouwy]")
_SKELETON_DOUBLE = re.compile(r"(.)\1+")
_SKELETON_FINAL_H = re.compile(r"(?<=.)h$")


def consonant_skeleton(phon: str) -> str:
    """The consonants of a phonetic key as the Arabic alphabet writes them.

    Arabic script (also Persian, Urdu) writes no short vowels, writes long vowels with the
    consonant letters alif, waw and ya (so ``فرناندو`` transliterates as ``frnndw``), no
    doubled consonant (the shadda is usually omitted) and has no p (ب writes b and p; the
    phonetic key already merges f/v into p). The skeleton keeps what both spellings show: the
    key without vowels, w and y, b as p, doubles collapsed, a final h (ta marbuta) dropped.
    ``Fernando`` and ``فرناندو`` -> ``prnd``, ``Pérez`` and ``بيريز`` -> ``prs``."""
    s = _SKELETON_DROP.sub("", phon.replace("b", "p"))
    s = _SKELETON_DOUBLE.sub(r"\1", s)
    return _SKELETON_FINAL_H.sub("", s)


def consonant_skeletons(phon: tuple[str, ...], abjad: bool) -> list[frozenset[str]]:
    """Consonant skeletons per token; on the Arabic side also without the attached article
    (``السيسي`` transliterates as ``lsysy``: al- is written joined to its noun)."""
    out = []
    for p in phon:
        sk = consonant_skeleton(p)
        alts = {sk}
        if abjad and sk.startswith("l") and len(sk) >= 3:
            alts.add(sk[1:])
        out.append(frozenset(a for a in alts if len(a) >= 2))
    return out


_DIGIT_LOOKALIKE = str.maketrans("013458", "oieasb")
_MIXED_TOKEN = re.compile(r"\b(?=\w*[^\W\d_])\w*\d\w*\b")


def fold_digit_lookalikes(text: str) -> str:
    """Digits inside a word of letters read as the letters they stand for (OCR and
    deliberate obfuscation: ``Ig0r Sech1n`` is Igor Sechin); words of digits stay."""
    return _MIXED_TOKEN.sub(lambda m: m.group(0).translate(_DIGIT_LOOKALIKE), text)
