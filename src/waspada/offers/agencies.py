"""Fuzzy matching of company names against the licensed placement-agency (P3MI) registry.

Pure: the registry (a list of names) is passed in by the caller, e.g. loaded from the DB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

LEGAL_FORMS = (
    "pt", "cv", "ud", "tbk", "persero", "perseroan terbatas", "co", "ltd", "co ltd",
    "company limited", "limited", "sdn bhd", "sdn", "bhd", "pte", "inc", "corp",
    "corporation", "group", "llc", "p3mi", "pptkis",
)
_FORM_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(f) for f in LEGAL_FORMS),
                                                  key=len, reverse=True)) + r")\b")
DEFAULT_THRESHOLD = 90.0


@dataclass(frozen=True, slots=True)
class AgencyMatch:
    """Result of a registry lookup. ``score`` is RapidFuzz token-set ratio (0-100)."""

    status: Literal["registered", "not_found"]
    best: str | None
    score: float

    def to_dict(self) -> dict[str, object]:
        return {"status": self.status, "best": self.best, "score": round(self.score, 1)}


@lru_cache(maxsize=16_384)
def normalise_company(name: str) -> str:
    """Lower-case, drop punctuation and legal forms (PT, Tbk, Co., Ltd, Sdn Bhd...)."""
    s = re.sub(r"[^\w\s&]", " ", name.lower())
    s = _FORM_RE.sub(" ", s)
    return " ".join(s.split())


def match_agency(name: str, registry: list[str], threshold: float = DEFAULT_THRESHOLD
                 ) -> AgencyMatch:
    """Match ``name`` against ``registry`` by token-set ratio after removing legal forms."""
    key = normalise_company(name)
    if not key or not registry:
        return AgencyMatch("not_found", None, 0.0)
    choices = {i: normalise_company(r) for i, r in enumerate(registry)}
    best = process.extractOne(key, choices, scorer=fuzz.token_set_ratio)
    if best is None:
        return AgencyMatch("not_found", None, 0.0)
    _, score, idx = best
    # Token-set ratio is 100 for any subset ("Jaya" vs "Sinar Jaya Abadi"): also require
    # the names as wholes to be close.
    if score >= threshold and fuzz.token_sort_ratio(key, choices[idx]) < 70:
        score = min(score, threshold - 1)
    status: Literal["registered", "not_found"] = (
        "registered" if score >= threshold else "not_found")
    return AgencyMatch(status, registry[idx], float(score))


def _scored(key: str, candidate: str) -> float:
    """The score :func:`match_agency` gives: token-set ratio, capped below the threshold when
    the names as wholes are not close (a one-word subset is not a match)."""
    score = float(fuzz.token_set_ratio(key, candidate))
    if score >= DEFAULT_THRESHOLD and fuzz.token_sort_ratio(key, candidate) < 70:
        score = min(score, DEFAULT_THRESHOLD - 1)
    return score


def similar_agencies(name: str, registry: list[str], limit: int = 3, floor: float = 75.0
                     ) -> list[tuple[int, float]]:
    """The registry entries closest to ``name`` as ``(index, score)``, best first, at most
    ``limit`` and only those scoring at least ``floor`` (tolerant of case, punctuation, legal
    forms, word order and small typos)."""
    key = normalise_company(name)
    if not key or not registry:
        return []
    choices = {i: normalise_company(r) for i, r in enumerate(registry)}
    rough = process.extract(key, choices, scorer=fuzz.token_set_ratio, limit=limit * 4,
                            score_cutoff=floor)
    scored = sorted(((idx, _scored(key, choices[idx])) for _, _, idx in rough),
                    key=lambda pair: (-pair[1], registry[pair[0]]))
    return [(idx, score) for idx, score in scored if score >= floor][:limit]
