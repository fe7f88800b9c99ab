"""Explainable pairwise scorer (Fellegi-Sunter style log2 Bayes factors -> probability).

Every piece of evidence adds a weight in bits: name (token alignment, weighted by how rare each
token is), birth-date relation, NIK, passport, phone, sex, birth place, NIK region. The sum plus
a prior gives a probability ``score = 1 / (1 + 2 ** -(prior + sum))``. The explanation lists
each feature with its outcome and weight, so an officer sees *why* a candidate ranks high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, overload

from rapidfuzz.distance import OSA

from waspada.matching.comparisons import NIK_BIRTH_CODE_DIGITS, TWO_TYPOS_MIN_GIVEN
from waspada.matching.features import (
    BIRTH_DATE_WEIGHTS,
    DEFAULT_FREQ,
    NAME_WEIGHT_CAP,
    Features,
    NameComparison,
    TokenFrequencies,
    birth_date_relation,
    compare_names,
)

__all__ = ["PRIOR_WEIGHT", "NameMemo", "ScoreResult", "list_prior", "nik_outcome", "score_pair",
           "to_probability"]

#: pseudo-entries added to a list's size in :func:`list_prior` (as for token frequencies)
PRIOR_PSEUDO = 5_000


def list_prior(n: int) -> float:
    """log2 prior odds that a query is one given entry of a list of ``n`` entries.

    Assumes, to keep recall, that half of the queries are listed people: odds 1 : 2n, with
    ``PRIOR_PSEUDO`` entries added so that a small list is not taken for the whole population.
    Every piece of evidence (name, birth date...) is then a Bayes factor against a random
    person, so the prior must not count the agreement that made the pair a candidate.
    """
    return -(math.log2(max(n, 0) + PRIOR_PSEUDO) + 1.0)


#: the prior of :func:`score_pair` when no list size is given (-13.3 bits)
PRIOR_WEIGHT = list_prior(0)
WEIGHTS = {
    # two records with one NIK are one person except by a data-entry error (~1 in 10^6)
    "nik_agree": 20.0, "nik_disagree": -3.0, "nik_region_agree": 1.0,
    # one digit mistyped, dropped, added or two swapped; the same first 12 digits (district,
    # birth date, sex) under another serial: the same person registered twice. Not between
    # different given names: twins of one sex share the first 12 digits, and sequential serials
    # make theirs one digit apart (issue #13, round 9; the batch model's levels of the same
    # name learnt 2^12 and 2^11 against 2^15 for the same NIK on synth2 dev 20k)
    "nik_slip": 8.0, "nik_same_birth_code": 6.0,
    "passport_agree": 10.0, "passport_disagree": -1.0,
    "phone_agree": 6.0,
    "sex_agree": 0.5, "sex_disagree": -6.0,
    "birth_place_agree": 1.5, "birth_place_disagree": -0.5,
}


def to_probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-weight))


def _given_names_differ(q: Features, c: Features) -> bool:
    """Different given names, not a slip of one (one edit of the first phonetic token, two in
    long ones) nor a dropped or added name: as the batch model's ``given_names_not_a_slip``."""
    if not q.phon or not c.phon:
        return False
    a, b = set(q.phon), set(c.phon)
    long = min(len(q.phon[0]), len(c.phon[0])) >= TWO_TYPOS_MIN_GIVEN
    return (OSA.distance(q.phon[0], c.phon[0]) > (2 if long else 1)
            and not (a <= b or b <= a))


def nik_outcome(q: Features, c: Features) -> str:
    """How two NIKs (both present) relate: ``agree``; ``slip`` (one edit: a digit mistyped,
    dropped or added, two neighbours swapped) or ``same_birth_code`` (the first 12 digits the
    same, another serial) when the given names do not differ (:func:`_given_names_differ`:
    twins); else ``disagree_same_region`` or ``disagree``."""
    a, b = q.nik or "", c.nik or ""
    if a == b:
        return "agree"
    n = NIK_BIRTH_CODE_DIGITS
    twins = a[:n] == b[:n] and _given_names_differ(q, c)
    if not twins and OSA.distance(a, b, score_cutoff=1) <= 1:
        return "slip"
    if not twins and len(a) == len(b) == 16 and a[:n] == b[:n]:
        return "same_birth_code"
    if q.nik_region and q.nik_region == c.nik_region:
        return "disagree_same_region"
    return "disagree"


#: name comparisons already made: (the query's name features, the candidate's id) -> result
NameMemo = dict[tuple[Any, ...], NameComparison]


@dataclass(slots=True)
class ScoreResult:
    score: float
    weight: float
    explanation: dict


@overload
def score_pair(q: Features, c: Features, freq: TokenFrequencies = ..., *,
               explain: bool = ..., floor: None = ..., name_cap: float = ...,
               prior: float = ..., name_memo: NameMemo | None = ...) -> ScoreResult: ...


@overload
def score_pair(q: Features, c: Features, freq: TokenFrequencies = ..., *,
               explain: bool = ..., floor: float, name_cap: float = ...,
               prior: float = ..., name_memo: NameMemo | None = ...) -> ScoreResult | None: ...


def score_pair(q: Features, c: Features, freq: TokenFrequencies = DEFAULT_FREQ,
               *, explain: bool = True, floor: float | None = None,
               name_cap: float = NAME_WEIGHT_CAP, prior: float = PRIOR_WEIGHT,
               name_memo: NameMemo | None = None) -> ScoreResult | None:
    """Score query ``q`` against candidate ``c``; score in [0, 1] with an explanation.

    ``name_cap``: the most the name can weigh, lower than :data:`NAME_WEIGHT_CAP` for a full
    name that many people hold (the watchlist index passes it, see ``common_name_cap``).

    With ``floor`` (and ``explain=False``), returns None without comparing the names when even
    the strongest name agreement (:data:`NAME_WEIGHT_CAP`) could not lift the pair to ``floor``
    (e.g. birth dates years apart and no shared identifier): most candidates of a common name.

    ``name_memo`` keeps each name comparison for the next query with the same name (the
    variants of one yente query: a name with other dates and identifiers); it changes no score.
    """
    rel = birth_date_relation(q.birth_date, c.birth_date)
    bd_w = BIRTH_DATE_WEIGHTS[rel]
    total = prior + bd_w
    ex: dict = {}
    # identifiers
    if q.nik and c.nik:
        out = nik_outcome(q, c)
        w = {"agree": WEIGHTS["nik_agree"], "slip": WEIGHTS["nik_slip"],
             "same_birth_code": WEIGHTS["nik_same_birth_code"],
             "disagree_same_region": WEIGHTS["nik_disagree"] + WEIGHTS["nik_region_agree"]
             }.get(out, WEIGHTS["nik_disagree"])
        total += w
        if explain:
            ex["nik"] = {"outcome": out, "weight": w}
    if q.passport_no and c.passport_no:
        w = WEIGHTS["passport_agree"] if q.passport_no == c.passport_no \
            else WEIGHTS["passport_disagree"]
        total += w
        if explain:
            ex["passport"] = {"outcome": "agree" if w > 0 else "disagree", "weight": w}
    if q.phone and c.phone and q.phone == c.phone:
        total += WEIGHTS["phone_agree"]
        if explain:
            ex["phone"] = {"outcome": "agree", "weight": WEIGHTS["phone_agree"]}
    if q.sex and c.sex:
        w = WEIGHTS["sex_agree"] if q.sex == c.sex else WEIGHTS["sex_disagree"]
        total += w
        if explain:
            ex["sex"] = {"outcome": "agree" if w > 0 else "disagree", "weight": w}
    if q.birth_place and c.birth_place:
        w = WEIGHTS["birth_place_agree"] if q.birth_place == c.birth_place \
            else WEIGHTS["birth_place_disagree"]
        total += w
        if explain:
            ex["birth_place"] = {"outcome": "agree" if w > 0 else "disagree", "weight": w}
    name_cap = min(name_cap, NAME_WEIGHT_CAP)
    if floor is not None and not explain and to_probability(total + name_cap) < floor:
        return None
    if name_memo is None:
        name = compare_names(q, c, freq)
    else:
        key = (q.tokens, q.patronym, q.phon, q.patronym_phon, q.name_script, c.record_id)
        memo = name_memo.get(key)
        name = memo if memo is not None else name_memo.setdefault(key, compare_names(q, c, freq))
    name_w = min(name.weight, name_cap)
    total += name_w
    p = to_probability(total)
    if explain:
        nd = name.to_dict()
        if name_w < name.weight:
            nd["weight"] = round(name_w, 2)
            nd["common_name_cap"] = round(name_cap, 2)
        ex = {"name": nd,
              "birth_date": {"relation": rel, "weight": bd_w,
                             "from_nik": bool(q.birth_date_from_nik or c.birth_date_from_nik)},
              **ex, "prior": round(prior, 2), "total_weight": round(total, 2)}
    return ScoreResult(p, total, ex)
