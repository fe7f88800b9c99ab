"""Duplicate detection of case persons (pure): blocking keys and scoring of candidates.

The store finds candidates cheaply through blocking keys (:func:`blocking_keys`: phonetic keys of
the name tokens and the joined name key, from :mod:`waspada.identity.names`) and hands them to
:func:`score_candidates`, which ranks them with the matching engine (``waspada.matching``:
``WatchlistIndex.build(records).search(query, top, threshold)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from waspada.identity.names import parse_name
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord

#: candidates at or above this score (0..100) are flagged as possible duplicates
FLAG_THRESHOLD = 70
MAX_CANDIDATES = 400


@dataclass(frozen=True)
class Candidate:
    person_id: int
    case_id: int
    full_name: str
    birth_date: date | None = None
    sex: str | None = None
    nik: str | None = None
    passport_no: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Hit:
    person_id: int
    case_id: int
    score: int  # 0..100
    engine: str


def blocking_keys(full_name: str | None, nik: str | None = None) -> set[str]:
    keys: set[str] = set()
    if full_name and full_name.strip():
        parsed = parse_name(full_name)
        keys.update(k for k in parsed.phonetic_keys if k and len(k) >= 2)
        if parsed.joined_key:
            keys.add("j:" + parsed.joined_key)
    if nik and nik.isdigit() and len(nik) == 16:
        keys.add("n:" + nik)
    return {k[:64] for k in keys}


def _sex(gender: str | None) -> str | None:
    return {"Feminine": "F", "Masculine": "M"}.get(gender or "")


def candidate_from_person(person: dict[str, Any]) -> Candidate:
    return Candidate(person["id"], person["case_id"], person.get("full_name") or "",
                     person.get("birth_date"), _sex(person.get("gender")),
                     person.get("identity_number"), person.get("passport_number"),
                     person.get("mobile_phone"))


def _record(c: Candidate) -> PersonRecord:
    return PersonRecord(record_id=str(c.person_id), full_name=c.full_name or "?",
                        birth_date=c.birth_date, sex=c.sex, nik=c.nik,
                        passport_no=c.passport_no, phone=c.phone)


def score_candidates(query: Candidate, candidates: list[Candidate],
                     threshold: int = FLAG_THRESHOLD, top: int = 10) -> list[Hit]:
    """Rank ``candidates`` against ``query``; return those scoring at least ``threshold``."""
    others = [c for c in candidates if c.person_id != query.person_id][:MAX_CANDIDATES]
    if not others:
        return []
    by_id = {str(c.person_id): c for c in others}
    index = WatchlistIndex.build([_record(c) for c in others])
    hits: list[Hit] = []
    for match in index.search(_record(query), top=top, threshold=threshold / 100):
        other = by_id[match.record_id]
        hits.append(Hit(other.person_id, other.case_id, round(match.score * 100), "matching"))
    return sorted(hits, key=lambda h: -h.score)[:top]
