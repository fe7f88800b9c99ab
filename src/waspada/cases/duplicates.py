"""Duplicate detection of case persons (pure): blocking keys and scoring of candidates.

The store finds candidates cheaply through blocking keys (:func:`blocking_keys`: phonetic keys of
the name tokens and the joined name key, from :mod:`waspada.identity.names`) and hands them to
:func:`score_candidates`, which ranks them with the matching engine (``waspada.matching``:
``WatchlistIndex.build(records).search(query, top, threshold)``) when it is available, and
otherwise with the documented interim scorer :func:`interim_score` (canonical name tokens,
phonetic keys, birth date, NIK).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from waspada.identity.names import parse_name

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


def interim_score(query: Candidate, other: Candidate) -> int:
    """Interim scorer (used only when ``waspada.matching`` is not importable)."""
    if query.nik and other.nik and query.nik == other.nik:
        return 100
    a, b = parse_name(query.full_name), parse_name(other.full_name)
    if not a.phonetic_keys or not b.phonetic_keys:
        return 0
    if a.joined_key and a.joined_key == b.joined_key:
        name = 1.0
    else:
        ka, kb = set(a.phonetic_keys), set(b.phonetic_keys)
        ca, cb = set(a.canonical_tokens), set(b.canonical_tokens)
        name = max(len(ka & kb) / max(len(ka), len(kb)),
                   len(ca & cb) / max(len(ca), len(cb)))
    score = 70 * name
    if query.birth_date and other.birth_date:
        if query.birth_date == other.birth_date:
            score += 30
        elif query.birth_date.year == other.birth_date.year:
            score += 10
        else:
            score -= 25
    elif name >= 0.99:
        score += 10
    if query.sex and other.sex and query.sex != other.sex:
        score -= 30
    return max(0, min(100, round(score)))


def _engine():  # type: ignore[no-untyped-def]
    try:
        from waspada.matching.index import WatchlistIndex
        from waspada.matching.records import PersonRecord
    except Exception:  # the matching engine is not installed/importable: use the interim scorer
        return None
    return WatchlistIndex, PersonRecord


def _record(cls, c: Candidate):  # type: ignore[no-untyped-def]
    return cls(record_id=str(c.person_id), full_name=c.full_name or "?", birth_date=c.birth_date,
               sex=c.sex, nik=c.nik, passport_no=c.passport_no, phone=c.phone)


def _hit_fields(hit: Any) -> tuple[str | None, float | None]:
    """Read (record_id, score) from a search hit whatever its exact shape."""
    record = getattr(hit, "record", None)
    rid = getattr(hit, "record_id", None)
    if rid is None and record is not None:
        rid = getattr(record, "record_id", None)
    if rid is None and isinstance(hit, dict):
        rid = hit.get("record_id")
    score = getattr(hit, "score", None)
    if score is None and isinstance(hit, dict):
        score = hit.get("score")
    if rid is None and isinstance(hit, tuple) and len(hit) >= 2:
        first, second = hit[0], hit[1]
        rid = getattr(first, "record_id", first)
        score = second
    return (None if rid is None else str(rid)), (None if score is None else float(score))


def engine_name() -> str:
    return "matching" if _engine() is not None else "interim"


def score_candidates(query: Candidate, candidates: list[Candidate],
                     threshold: int = FLAG_THRESHOLD, top: int = 10) -> list[Hit]:
    """Rank ``candidates`` against ``query``; return those scoring at least ``threshold``."""
    others = [c for c in candidates if c.person_id != query.person_id][:MAX_CANDIDATES]
    if not others:
        return []
    engine = _engine()
    by_id = {str(c.person_id): c for c in others}
    hits: list[Hit] = []
    if engine is not None:
        index_cls, record_cls = engine
        try:
            index = index_cls.build([_record(record_cls, c) for c in others])
            found = index.search(_record(record_cls, query), top=top,
                                 threshold=threshold / 100)
            for item in found:
                rid, score = _hit_fields(item)
                if rid in by_id and score is not None:
                    value = round(score * 100) if score <= 1.0 else round(score)
                    if value >= threshold:
                        hits.append(Hit(by_id[rid].person_id, by_id[rid].case_id, value,
                                        "matching"))
            return sorted(hits, key=lambda h: -h.score)[:top]
        except Exception:  # engine API still changing: fall back rather than lose intake
            hits = []
    for other in others:
        value = interim_score(query, other)
        if value >= threshold:
            hits.append(Hit(other.person_id, other.case_id, value, "interim"))
    return sorted(hits, key=lambda h: -h.score)[:top]
