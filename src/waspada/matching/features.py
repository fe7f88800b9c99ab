"""Indonesian matching features of a person record (pure, cached where useful).

A :class:`Features` object holds what both engines compare: canonical and phonetic name tokens
(titles removed, ``bin``/``binti`` patronym apart, Muhammad variants folded, old spelling
rewritten to EYD, all from :mod:`waspada.identity.names`), the joined name key (token merges),
the birth date (declared, or derived from the NIK when missing), sex (declared or from the NIK),
NIK, NIK region, passport number, phone and birth place.

:func:`compare_names` aligns the name tokens of two records and explains how each part agreed;
:func:`birth_date_relation` (:mod:`waspada.matching.date_relations`) names how two birth dates
relate (exact, one-year shift, day/month swap, 1 January default, typo, far apart...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from waspada.identity.names import parse_name
from waspada.identity.nik import nik_digits, parse_nik
from waspada.identity.phonetic import (
    SYLLABIC_SCRIPTS,
    canonical_token,
    consonant_skeletons,
    fold_digit_lookalikes,
    name_script,
)
from waspada.matching.date_relations import (
    BIRTH_DATE_WEIGHTS,
    UNKNOWN_DAY_DATES,
    birth_date_relation,
)
from waspada.matching.records import PersonRecord

__all__ = [
    "BIRTH_DATE_WEIGHTS", "COMMON_TOKENS", "FeatureCache", "Features", "NameComparison",
    "TokenFrequencies", "UNKNOWN_DAY_DATES", "birth_date_relation", "compare_names",
    "features_of", "identity_fields", "name_features", "name_similarity", "place_key",
]

#: Approximate share of Indonesian person names containing each token (prior knowledge used
#: when a watchlist is too small to estimate frequencies itself; data frequencies win when
#: larger). Keys are phonetic keys.
COMMON_TOKENS: dict[str, float] = {
    "muhamad": 0.06, "siti": 0.04, "nur": 0.03, "sri": 0.025, "ahmad": 0.02, "agus": 0.012,
    "dewi": 0.012, "abdul": 0.012, "budi": 0.01, "putri": 0.01, "eko": 0.008, "dwi": 0.01,
    "tri": 0.008, "indah": 0.006, "rahmat": 0.006, "hidayat": 0.006, "wahyu": 0.006,
    "yusup": 0.005, "ari": 0.006, "andi": 0.006, "rizki": 0.006, "puji": 0.004, "wati": 0.004,
    "nurul": 0.006, "ayu": 0.006, "fitri": 0.005, "lestari": 0.005, "susanti": 0.004,
    "setiawan": 0.005, "saputra": 0.005, "kurniawan": 0.005, "rahman": 0.005, "hasan": 0.004,
    "ali": 0.004, "slamet": 0.004, "joko": 0.004, "bambang": 0.004, "wayan": 0.006,
    "made": 0.005, "nyoman": 0.004, "ketut": 0.004, "putu": 0.005, "ni": 0.008, "i": 0.01,
    "maria": 0.004, "yohanes": 0.003, "ilham": 0.003, "fajar": 0.003, "rina": 0.003,
    "yuni": 0.003, "endang": 0.003, "wulan": 0.003, "aisya": 0.003, "ningsi": 0.003,
    "santoso": 0.003, "wibowo": 0.003, "prasetyo": 0.003, "nugroho": 0.003, "hendra": 0.003,
}
MAX_TOKEN_INFO = 14.0
PRIOR_FLOOR = 1.0 / 20_000  # prior frequency of a token not in COMMON_TOKENS
PSEUDO_COUNT = 5_000


class TokenFrequencies:
    """Token frequencies (share of names containing a phonetic token), from data + prior."""

    def __init__(self, counts: dict[str, int] | None = None, total: int = 0) -> None:
        self.counts = counts or {}
        self.total = total

    @classmethod
    def from_features(cls, feats: list[Features]) -> TokenFrequencies:
        counts: dict[str, int] = {}
        for f in feats:
            for p in set(f.phon) | set(f.patronym_phon):
                counts[p] = counts.get(p, 0) + 1
        return cls(counts, len(feats))

    def freq(self, phon: str) -> float:
        """Bayesian blend of the data frequency with the prior (5,000 pseudo-names)."""
        prior = COMMON_TOKENS.get(phon, PRIOR_FLOOR)
        c = self.counts.get(phon, 0)
        return (c + PSEUDO_COUNT * prior) / (self.total + PSEUDO_COUNT)

    def info(self, phon: str) -> float:
        """Bits of evidence when two names share this token (-log2 frequency, capped)."""
        if len(phon) <= 1:
            return 1.0
        return min(-math.log2(self.freq(phon)), MAX_TOKEN_INFO)

    def add(self, f: Features, sign: int = 1) -> None:
        for p in set(f.phon) | set(f.patronym_phon):
            self.counts[p] = self.counts.get(p, 0) + sign
        self.total += sign


DEFAULT_FREQ = TokenFrequencies()


@dataclass(slots=True)
class Features:
    """Comparable features of one record (see module docstring)."""

    record_id: str
    tokens: tuple[str, ...]
    phon: tuple[str, ...]
    patronym: tuple[str, ...]
    patronym_phon: tuple[str, ...]
    joined: str
    birth_date: date | None
    birth_date_from_nik: bool
    sex: str | None
    nik: str | None
    nik_valid: bool | None  # None: not checked (features_of(check_nik=False))
    nik_region: str | None
    passport_no: str | None
    phone: str | None
    birth_place: str | None
    #: the script when it has rules of its own (``phonetic.name_script``; Hangul, Chinese...)
    name_script: str | None = None
    record: PersonRecord | None = field(default=None, repr=False)


#: tokens of a name (and of its patronym) compared: the alignment costs the product of two
#: names' lengths (300 Hangul syllables took 2 s per watchlist search; docs/security.md)
MAX_NAME_TOKENS = 16


def name_features(full_name: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...],
                                          tuple[str, ...], str]:
    """(canonical tokens, phonetic keys, patronym tokens, patronym phonetic keys, joined key),
    at most :data:`MAX_NAME_TOKENS` tokens each."""
    pn = parse_name(fold_digit_lookalikes(full_name))
    toks = pn.canonical_tokens[:MAX_NAME_TOKENS]
    phon = pn.phonetic_keys[:MAX_NAME_TOKENS]
    from waspada.identity.phonetic import phonetic_key, split_compound

    pat = tuple(part for t in pn.patronym_tokens[:MAX_NAME_TOKENS]
                for part in split_compound(canonical_token(t)))[:MAX_NAME_TOKENS]
    pat_phon = tuple(phonetic_key(t) for t in pat)
    if not toks and pat:  # "bin X" alone: keep what there is
        toks, phon, pat, pat_phon = pat, pat_phon, (), ()
    return toks, phon, pat, pat_phon, pn.joined_key


NameParts = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], str]


@dataclass(slots=True)
class FeatureCache:
    """Name and birth-place features by their text, kept by a caller over one batch, so that
    a name held by many records is parsed once (``parse_name``'s own cache is bounded and
    thrashes on a national register: 27 s of features at 200,000 records, issue #13)."""

    names: dict[str, NameParts] = field(default_factory=dict)
    places: dict[str, str | None] = field(default_factory=dict)


def features_of(rec: PersonRecord, *, keep_record: bool = True,
                cache: FeatureCache | None = None, check_nik: bool = True) -> Features:
    """Compute the matching features of one record (``cache``: see :class:`FeatureCache`).

    ``check_nik=False``: a record with its birth date and sex takes only the NIK's digits and
    region (``nik_valid`` None), without :func:`parse_nik`'s validation, which the Splink
    frame does not use (a quarter of its feature time, issue #13 round 7b)."""
    if cache is None:
        toks, phon, pat, pat_phon, joined = name_features(rec.full_name)
    else:
        parts = cache.names.get(rec.full_name)
        if parts is None:
            parts = cache.names[rec.full_name] = name_features(rec.full_name)
        toks, phon, pat, pat_phon, joined = parts
    bd, from_nik, sex, nik, nik_valid, region = identity_fields(rec, check_nik=check_nik)
    place = None
    if rec.birth_place:
        if cache is None:
            place = place_key(rec.birth_place)
        elif rec.birth_place in cache.places:
            place = cache.places[rec.birth_place]
        else:
            place = cache.places[rec.birth_place] = place_key(rec.birth_place)
    return Features(rec.record_id, toks, phon, pat, pat_phon, joined, bd, from_nik, sex, nik,
                    nik_valid, region, rec.passport_no, rec.phone, place,
                    name_script(rec.full_name), rec if keep_record else None)


def identity_fields(rec: PersonRecord, *, check_nik: bool = True
                    ) -> tuple[date | None, bool, str | None, str | None, bool | None, str | None]:
    """(birth date, birth date from the NIK, sex, NIK, NIK valid, NIK region) of a record, as
    :func:`features_of` gives them (``check_nik``: see there)."""
    bd, sex = rec.birth_date, rec.sex
    from_nik = False
    nik_valid: bool | None = False
    region = None
    nik = rec.nik
    if nik and not check_nik and bd is not None and sex is not None:
        digits = nik_digits(nik)  # not 16 digits: kept as written, as parse_nik's path does
        if digits:
            nik, region = digits, digits[:4]
        nik_valid = None
    elif nik:
        res = parse_nik(nik, reference_date=_NIK_REFERENCE)
        if res.nik and len(res.nik) == 16 and res.nik.isdigit():
            nik = res.nik
            region = res.nik[:4]
            nik_valid = res.valid
            if bd is None and res.birth_date:
                bd = date.fromisoformat(res.birth_date)
                from_nik = True
            if sex is None and res.sex:
                sex = res.sex
    return bd, from_nik, sex, nik, nik_valid, region


_NIK_REFERENCE = date(2030, 1, 1)


def place_key(text: str) -> str | None:
    """The comparable form of a place name (lower case, ``Kab.``/``Kota`` dropped, each word
    in its canonical spelling); None when nothing is left."""
    return " ".join(canonical_token(t) for t in text.lower().replace(
        "kab.", " ").replace("kota ", " ").split()) or None


# -- names -------------------------------------------------------------------------------------

#: how each kind of token agreement counts (share of the token's information)
LEVEL_FACTOR = {"exact": 1.0, "merged": 0.95, "phonetic": 0.9, "consonants": 0.8, "fuzzy": 0.6,
                "prefix": 0.5, "initial": 0.25, "typo": 0.0}
#: levels whose share of the similarity is the spelling closeness of the two tokens
SPELLING_LEVELS = frozenset({"fuzzy", "typo"})
#: the similarity is multiplied by this for each pair of given names that disagree
CONFLICT_SIMILARITY_FACTOR = 0.75
UNMATCHED_SHORT = -8.0  # a given name of the shorter name has no counterpart
UNMATCHED_EXTRA = -1.5  # extra given names on the longer side (omitted middle names)
PATRONYM_DISAGREE = -3.0
NAME_WEIGHT_CAP = 15.0
#: share of an omitted name's information the similarity leaves out (its weight: UNMATCHED_EXTRA)
EXTRA_SIMILARITY_SHARE = 0.5
#: when given names disagree, shared tokens (often a family name) count at most this much
SHARED_CAP_WHEN_DISAGREE = 6.0


@dataclass(slots=True)
class NameComparison:
    weight: float  # log2 Bayes factor contributed by the name
    similarity: float  # 0..1, symmetric
    level: str  # exact | variant | partial | weak | different | missing
    parts: list[dict]
    unmatched_query: list[str]
    unmatched_candidate: list[str]

    def to_dict(self) -> dict:
        return {"level": self.level, "weight": round(self.weight, 2),
                "similarity": round(self.similarity, 3), "parts": self.parts,
                "unmatched_query": self.unmatched_query,
                "unmatched_candidate": self.unmatched_candidate}


def _tok_level(ac: str, ap: str, bc: str, bp: str, syl: bool = False) -> tuple[str, float] | None:
    if ac == bc:
        return "exact", 1.0
    if syl:  # both in Hangul or Chinese characters: a different syllable is a different
        return None  # character, i.e. name (김정은 / 김종은, 习近平 / 习近朋), never a slip
    if ap == bp:
        return "phonetic", 0.9
    la, lb = len(ac), len(bc)
    if (la == 1 and bc[:1] == ac) or (lb == 1 and ac[:1] == bc):
        return "initial", 0.3
    if min(la, lb) >= 3 and (ac.startswith(bc) or bc.startswith(ac)):
        return "prefix", 0.5  # short form: Ben / Benjamin, Abd / Abdul
    if la >= 4 and lb >= 4:
        jw = JaroWinkler.similarity(ap, bp)
        if jw >= 0.9 or (jw >= 0.85 and Levenshtein.distance(ac, bc) <= 1):
            return "fuzzy", jw * 0.85
        if OSA.distance(ac, bc) <= (2 if min(la, lb) >= 6 else 1):
            # one letter changed, added, dropped or two swapped (Cook / Cock, Messi / Bessi; two
            # in names of 6+ letters: Khodorkovsky / Khordorovsky):
            # close in spelling, but in Indonesian records usually another name (Rina / Dina):
            # it counts in the similarity, never as evidence for the same person
            return "typo", 0.2
    return None


def spelling_closeness(a: str, b: str) -> float:
    """0..1: 1 for the same spelling, 0.5 at half the letters edited (OSA distance), 0 below."""
    n = max(len(a), len(b))
    return max(0.0, 1.0 - 2.0 * OSA.distance(a, b) / n) if n else 0.0


def _align(ac: tuple[str, ...], ap: tuple[str, ...], bc: tuple[str, ...], bp: tuple[str, ...],
           syllables: bool = False, abjad: int = 0
           ) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...], str]], set[int], set[int]]:
    """``abjad``: 1 or 2 when only the first or second name is in Arabic script."""
    cands: list[tuple[float, tuple[int, ...], tuple[int, ...], str]] = []
    if abjad:
        sa, sb = consonant_skeletons(ap, abjad == 1), consonant_skeletons(bp, abjad == 2)
    for i in range(len(ac)):
        for j in range(len(bc)):
            lv = _tok_level(ac[i], ap[i], bc[j], bp[j], syllables)
            if abjad and (lv is None or lv[1] < LEVEL_FACTOR["consonants"]) \
                    and not sa[i].isdisjoint(sb[j]):
                lv = "consonants", LEVEL_FACTOR["consonants"]
            if lv is not None:
                cands.append((lv[1], (i,), (j,), lv[0]))
    # token merges: one token equals two adjacent tokens of the other name
    for x, xc, xp, yc, yp, flip in ((0, ac, ap, bc, bp, False), (1, bc, bp, ac, ap, True)):
        del x
        for i, tok in enumerate(xc):
            if len(tok) < 5:
                continue
            for j in range(len(yc) - 1):
                if tok == yc[j] + yc[j + 1] or xp[i] == yp[j] + yp[j + 1] or (
                        not syllables and len(tok) >= 7
                        and JaroWinkler.similarity(xp[i], yp[j] + yp[j + 1]) >= 0.93):
                    pair = ((j, j + 1), (i,)) if flip else ((i,), (j, j + 1))
                    cands.append((0.95, pair[0], pair[1], "merged"))
    cands.sort(key=lambda c: -c[0])
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, ia, ib, how in cands:
        if used_a.intersection(ia) or used_b.intersection(ib):
            continue
        used_a.update(ia)
        used_b.update(ib)
        pairs.append((ia, ib, how))
    return pairs, set(range(len(ac))) - used_a, set(range(len(bc))) - used_b


def compare_names(a: Features, b: Features, freq: TokenFrequencies = DEFAULT_FREQ
                  ) -> NameComparison:
    """Align the name tokens of ``a`` (query) and ``b`` (candidate) and weigh the evidence.

    Patronym tokens (after bin/binti) join the pool of the side that has them, but a patronym
    left unmatched costs nothing unless both names have one and they disagree.
    """
    if not (a.tokens or a.patronym) or not (b.tokens or b.patronym):
        return NameComparison(0.0, 0.0, "missing", [], [], [])
    ac = a.tokens + a.patronym
    ap = a.phon + a.patronym_phon
    bc = b.tokens + b.patronym
    bp = b.phon + b.patronym_phon
    na, nb = len(a.tokens), len(b.tokens)
    syllables = a.name_script == b.name_script and a.name_script in SYLLABIC_SCRIPTS
    # one name in Arabic script: it also meets the other on its consonants (no short vowels)
    abjad = {(True, False): 1, (False, True): 2}.get((a.name_script == "arabic",
                                                     b.name_script == "arabic"), 0)
    pairs, un_a, un_b = _align(ac, ap, bc, bp, syllables, abjad)
    pairs_all = pairs
    pairs = [p for p in pairs_all if p[2] != "typo"]
    parts = []
    weight = 0.0
    credit = 0.0
    info_a = [freq.info(p) for p in ap]
    info_b = [freq.info(p) for p in bp]
    typo_credit, typos = 0.0, 0
    for ia, ib, how in pairs_all:
        ia_info = sum(info_a[i] for i in ia)
        ib_info = sum(info_b[j] for j in ib)
        if how == "typo":
            if max(ia) >= na or max(ib) >= nb:  # fathers' names must agree better
                un_a.update(ia)
                un_b.update(ib)
                continue
            # a one- or two-letter difference: no evidence either way (a slip of the same
            # name, or another name: Rina / Dina), so the rest of the name counts at most
            # SHARED_CAP_WHEN_DISAGREE and only other fields can make the pair a match; the
            # similarity keeps the spelling closeness
            typo_credit += spelling_closeness(ac[ia[0]], bc[ib[0]]) * (ia_info + ib_info)
            typos += 1
            parts.append({"query": ac[ia[0]], "candidate": bc[ib[0]], "how": how,
                          "patronym": False, "weight": 0.0})
            continue
        info = min(ia_info, ib_info) if how in ("fuzzy", "initial", "prefix", "consonants") \
            else max(ia_info, ib_info)
        w = info * LEVEL_FACTOR[how]
        if how == "initial":
            w = min(w, 2.0)
        weight += w
        share = spelling_closeness(" ".join(ac[i] for i in ia), " ".join(bc[j] for j in ib)) \
            if how in SPELLING_LEVELS else LEVEL_FACTOR[how]
        credit += share * (ia_info + ib_info)
        pat = any(i >= na for i in ia) or any(j >= nb for j in ib)
        parts.append({"query": " ".join(ac[i] for i in ia),
                      "candidate": " ".join(bc[j] for j in ib), "how": how,
                      "patronym": pat, "weight": round(w, 2)})
    # unmatched given names (patronyms are optional)
    ug_a = [i for i in un_a if i < na]
    ug_b = [j for j in un_b if j < nb]
    up_a = [i for i in un_a if i >= na]
    up_b = [j for j in un_b if j >= nb]
    # a patronym unmatched on one side while the other side has extra given names: those
    # extra names may be the patronym written without "bin"
    # an unmatched given name facing an unmatched given name or patronym is a disagreement
    short = max(min(len(ug_a), len(ug_b) + len(up_b)), min(len(ug_b), len(ug_a) + len(up_a)))
    extra = max(len(ug_a), len(ug_b)) - short
    if short or typos:
        weight = min(weight, SHARED_CAP_WHEN_DISAGREE)
    given_pairs = sum(1 for ia, ib, _ in pairs if min(ia) < na and min(ib) < nb)
    weight += UNMATCHED_SHORT * short + UNMATCHED_EXTRA * extra
    if a.patronym and b.patronym and up_a and up_b:
        weight += PATRONYM_DISAGREE
    total_info = sum(info_a[i] for i in range(na)) + sum(info_b[j] for j in range(nb))
    if not short:  # names one side omits (middle names, a second family name) count half
        total_info -= EXTRA_SIMILARITY_SHARE * (sum(info_a[i] for i in ug_a)
                                                + sum(info_b[j] for j in ug_b))
    # two fathers' names that disagree ("X bin Ali" / "X bin Umar") are a conflict like two
    # given names that disagree: their information counts against the similarity
    pat_conflicts = min(len(up_a), len(up_b)) if a.patronym and b.patronym else 0
    total_info += sum(info_a[i] for i in range(na, len(ac)) if pat_conflicts or i not in up_a)
    total_info += sum(info_b[j] for j in range(nb, len(bc)) if pat_conflicts or j not in up_b)
    sim = (credit + typo_credit) / total_info if total_info else 0.0
    sim = max(0.0, min(1.0, sim)) * CONFLICT_SIMILARITY_FACTOR ** (short + pat_conflicts)
    if a.joined and a.joined == b.joined and not ug_a and not ug_b and not pat_conflicts:
        level = "exact" if a.tokens == b.tokens else "variant"
        if a.tokens != b.tokens:
            parts = parts or [{"query": " ".join(a.tokens), "candidate": " ".join(b.tokens),
                               "how": "merged", "patronym": False, "weight": 0.0}]
            if weight <= 0:
                weight = sum(info_b[: nb]) * 0.95
        sim = max(sim, 0.97 if level == "variant" else 1.0)
    elif pairs and not given_pairs and not typos:
        # only a patronym agrees with a given name (father and son, "Ahmad" vs "X bin Ahmad")
        level = "patronym_only"
        weight = min(weight, 0.0) - 8.0
        sim = min(sim, 0.3)
    elif not ug_a and not ug_b and pairs:
        level = "variant" if not pat_conflicts and all(
            p[2] in ("exact", "phonetic", "merged") for p in pairs) else "partial"
    elif pairs and short == 0:
        level = "partial"
    elif pairs or typos:
        level = "weak"
    else:
        level = "different"
        weight = min(weight, -8.0)
    if typos and level in ("variant", "partial"):
        level = "weak"
    weight = min(weight, NAME_WEIGHT_CAP)
    return NameComparison(weight, sim, level, parts, [ac[i] for i in sorted(un_a)],
                          [bc[j] for j in sorted(un_b)])


def name_similarity(name_a: str, name_b: str, freq: TokenFrequencies = DEFAULT_FREQ) -> float:
    """Symmetric similarity of two names in [0, 1] (the name comparison alone)."""
    fa = _name_only(name_a)
    fb = _name_only(name_b)
    return compare_names(fa, fb, freq).similarity


def _name_only(name: str) -> Features:
    toks, phon, pat, pat_phon, joined = name_features(name)
    return Features("", toks, phon, pat, pat_phon, joined, None, False, None, None, False, None,
                    None, None, None, name_script(name))
