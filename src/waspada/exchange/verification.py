"""Citizenship verification requests between installations (kinds ``verification_request`` and
``verification_answer``).

KBRI asks Ditjen Imigrasi "is this person WNI; what passports and departures do you hold?"
with the victim's identifiers (name, birth date, NIK, passport numbers) and a deadline
(:data:`WORKING_DAYS` working days by default: the SPLP waits for it). The receiving
installation drafts an answer at once: the matching engine's candidates from its departure
screenings and its watchlist, each with its score and evidence. An immigration officer approves
it (choosing the candidate that is the person), answers "not verified", or denies; only then
does the answer leave. Applied at KBRI, the answer becomes evidence on the case
("Kewarganegaraan terverifikasi", with the answering officer, the score and the evidence).
Nothing here commits.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import sharing
from waspada.exchange import consent
from waspada.exchange.content_errors import ContentError
from waspada.exchange.handlers import Applied, PartnerInfo, register
from waspada.exchange.records import VerificationRequest
from waspada.matching import service as matching
from waspada.matching.explanation_words import explanation_parts, render_parts
from waspada.matching.records import PersonRecord
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.labels import label
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.security.roles import Role
from waspada.platform.work import SearchQuery
from waspada.screening import work as screening_work

WORKING_DAYS = 3
MAX_WORKING_DAYS = 20
RESULTS = ("verified", "not_verified", "denied")
#: the drafted answer looks across the whole installation (Ditjen Imigrasi's national view):
#: a cross-unit reader, recorded by this name in no audit entry (the approval is the officer's)
SEARCHER = Principal(user_id=None, username="exchange.verification", role=Role.ANALYST,
                     unit_id=None, via="system")
#: candidates below this score (0..100) are not drafted
MIN_SCORE = 60
MAX_CANDIDATES = 8


def deadline_after(start: datetime, working_days: int = WORKING_DAYS) -> datetime:
    """``start`` plus ``working_days`` days, Saturdays and Sundays not counted."""
    moment, left = start, working_days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


def identifiers_of(person: dict[str, Any]) -> dict[str, Any]:
    birth = person.get("birth_date")
    return {"full_name": person.get("full_name") or "",
            "birth_date": birth.isoformat() if isinstance(birth, date) else birth,
            "nik": person.get("identity_number"),
            "passport_numbers": [n for n in [person.get("passport_number")] if n]}


def _permit(actor: Principal, action: str) -> None:
    if not actor.is_cli and not allowed(actor, action):
        raise ContentError("role_not_allowed", "Your role may not take this step.", 403)


# -- KBRI: asking ------------------------------------------------------------------------------

def build_request(db: Session, actor: Principal, case_id: int, partner: PartnerInfo, *,
                  person_id: int | None = None, consent_override: str | None = None,
                  working_days: int = WORKING_DAYS) -> tuple[VerificationRequest, dict[str, Any]]:
    """Record an outgoing request for the case's victim; answers the row and the payload."""
    _permit(actor, "exchange.verify")
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ContentError("invalid_deadline", "The deadline is 1 to {max} working days.", 422,
                           max=MAX_WORKING_DAYS)
    case = sharing.case_ref(db, actor, case_id)
    victims = [p for p in sharing.persons(db, case_id) if p["role"] == "victim"
               and (person_id is None or p["id"] == person_id)]
    if not victims:
        raise ContentError("no_victim", "This case has no such victim to verify.", 404)
    victim = victims[0]
    identifiers = identifiers_of(victim)
    if not identifiers["full_name"] or not (identifiers["birth_date"] or identifiers["nik"]
                                            or identifiers["passport_numbers"]):
        raise ContentError("too_little", "A verification needs the name and a birth date, NIK "
                           "or passport number.", 422)
    if consent_override is not None:
        _permit(actor, "exchange.consent_override")
    basis = consent.basis(db, [victim["id"]], partner, "verification", consent_override)
    now = utcnow()
    row = VerificationRequest(direction="out", request_uid=str(uuid.uuid4()),
                              partner=partner.name, case_id=case_id, person_id=victim["id"],
                              identifiers_json=json.dumps(identifiers, ensure_ascii=False),
                              deadline=deadline_after(now, working_days), status="sent",
                              consent_override=basis.get("reason"),
                              requested_by=actor.username, created_at=now)
    db.add(row)
    db.flush()
    if basis["type"] == "override":
        audit.record("exchange.consent_override", actor, object_type="case", object_id=case_id,
                     unit_id=case["owner_unit_id"], partner=partner.name,
                     purpose="verification", reason=basis["reason"], session=db)
    audit.record("exchange.verification_request", actor, object_type="case",
                 object_id=case_id, unit_id=case["owner_unit_id"], partner=partner.name,
                 request_id=row.id, basis=basis["type"], session=db)
    payload = {"request_id": row.request_uid, "identifiers": identifiers,
               "deadline": row.deadline.isoformat(), "consent_basis": basis,
               "question": "citizenship_passports_departures"}
    return row, payload


# -- Ditjen Imigrasi: drafting and answering ----------------------------------------------------

def _record(identifiers: dict[str, Any]) -> PersonRecord:
    birth = identifiers.get("birth_date")
    passports = identifiers.get("passport_numbers") or []
    return PersonRecord(record_id="verification", full_name=identifiers["full_name"],
                        birth_date=date.fromisoformat(birth) if birth else None,
                        nik=identifiers.get("nik") or None,
                        passport_no=passports[0] if passports else None)


def draft_candidates(db: Session, identifiers: dict[str, Any]) -> list[dict[str, Any]]:
    """The matching engine's candidates for the identifiers, best first: departure screenings
    (by NIK and passport number exactly, by name through the engine) and watchlist entries,
    each ``{"source", "reference", "name", "score", "evidence"}``."""
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def keep(candidate: dict[str, Any]) -> None:
        key = (candidate["source"], candidate["reference"])
        if candidate["score"] >= MIN_SCORE and (key not in found
                                                or found[key]["score"] < candidate["score"]):
            found[key] = candidate

    queries = [SearchQuery(text=identifiers["full_name"], kind="name", value="")]
    if identifiers.get("nik"):
        queries.append(SearchQuery(text=identifiers["nik"], kind="nik",
                                   value=identifiers["nik"]))
    for number in identifiers.get("passport_numbers") or ():
        queries.append(SearchQuery(text=number, kind="passport", value=number.upper()))
    for query in queries:
        for hit in screening_work.search(db, SEARCHER, query):
            keep({"source": "screening", "reference": hit.reference, "name": hit.name,
                  "score": round(hit.score * 100),
                  "evidence": f"{hit.detail} ({hit.matched})"})
    for candidate in matching.watchlist_candidates(db, _record(identifiers), top=5,
                                                   threshold=MIN_SCORE / 100):
        # the list and how the identifiers agreed, in words (it read "pencegahan; prior:
        # -13.3, total_weight: 46.2"); Indonesian, as the answer's other text
        agreed = render_parts(explanation_parts(candidate.explanation), "id")
        keep({"source": "watchlist", "reference": candidate.entry_id,
              "name": candidate.full_name, "score": round(candidate.score * 100),
              "evidence": "; ".join(p for p in (label("list_kind", candidate.list_kind, "id"),
                                                 agreed) if p)})
    return sorted(found.values(), key=lambda c: -c["score"])[:MAX_CANDIDATES]


def _valid_request(payload: dict[str, Any]) -> tuple[str, dict[str, Any], datetime]:
    try:
        request_uid = str(uuid.UUID(str(payload.get("request_id"))))
        identifiers = payload["identifiers"]
        name = str(identifiers["full_name"]).strip()
        deadline = datetime.fromisoformat(str(payload["deadline"]))
        if deadline.tzinfo is None:
            deadline = deadline.replace(tzinfo=UTC)
        birth = identifiers.get("birth_date")
        if birth:
            date.fromisoformat(str(birth))
    except (KeyError, TypeError, ValueError):
        raise ContentError("invalid_payload", "the verification request is not valid",
                           422) from None
    basis = payload.get("consent_basis")
    if not name or not (isinstance(basis, dict) and basis.get("type") in ("consent",
                                                                           "override")):
        raise ContentError("invalid_payload", "the verification request is not valid", 422)
    passports = [str(n)[:16] for n in identifiers.get("passport_numbers") or ()][:5]
    clean = {"full_name": name[:200], "birth_date": birth or None,
             "nik": str(identifiers.get("nik") or "")[:32] or None,
             "passport_numbers": passports}
    return request_uid, clean, deadline


class RequestHandler:
    kind = "verification_request"

    def apply(self, db: Session, actor: Any, partner: PartnerInfo, payload: dict[str, Any],
              *, preview: bool) -> Applied:
        request_uid, identifiers, deadline = _valid_request(payload)
        known = db.scalar(select(VerificationRequest).where(
            VerificationRequest.direction == "in", VerificationRequest.partner == partner.name,
            VerificationRequest.request_uid == request_uid))
        if known is not None:
            return Applied()
        summary = " · ".join(str(v) for v in (identifiers["full_name"],
                                              identifiers["birth_date"]) if v)
        if preview:
            return Applied(changed=True, changes=[{"field": "verification_request",
                                                   "old": None, "new": summary}])
        draft = draft_candidates(db, identifiers)
        row = VerificationRequest(direction="in", request_uid=request_uid, partner=partner.name,
                                  identifiers_json=json.dumps(identifiers, ensure_ascii=False),
                                  deadline=deadline, status="draft",
                                  draft_json=json.dumps(draft, ensure_ascii=False),
                                  requested_by=partner.name)
        db.add(row)
        db.flush()
        audit.record("exchange.verification_received", actor, object_type="verification",
                     object_id=row.id, partner=partner.name, candidates=len(draft),
                     session=db)
        return Applied(changed=True, changes=[{"field": "verification_request", "old": None,
                                               "new": summary}])


def answer(db: Session, actor: Principal, row: VerificationRequest, result: str,
           candidate: int | None, note: str) -> dict[str, Any]:
    """The officer's answer to an incoming request (the payload to send back)."""
    _permit(actor, "exchange.answer")
    if row.direction != "in":
        raise ContentError("not_found", "no such verification request", 404)
    if row.status != "draft":
        raise ContentError("already_answered", "This request was already answered.", 409)
    if result not in RESULTS:
        raise ContentError("invalid_result", "Choose verified, not verified or denied.", 422)
    draft: list[dict[str, Any]] = json.loads(row.draft_json)
    chosen: dict[str, Any] | None = None
    if result == "verified":
        if candidate is None or not 0 <= candidate < len(draft):
            raise ContentError("candidate_missing", "Choose the record that is this person.",
                               422, problems={"candidate": "choose"})
        chosen = draft[candidate]
    if result == "denied" and len(note.strip()) < 10:
        raise ContentError("note_missing", "Say why the request is denied (at least 10 "
                           "characters).", 422, problems={"note": "too short"})
    now = utcnow()
    row.status = "denied" if result == "denied" else "approved"
    row.result = result
    row.score = chosen["score"] if chosen else None
    evidence = [chosen] if chosen else []
    row.evidence_json = json.dumps(evidence, ensure_ascii=False)
    row.note = note.strip()
    row.answered_by = actor.username
    row.answered_at = now
    db.flush()
    audit.record("exchange.verification_answer", actor, object_type="verification",
                 object_id=row.id, partner=row.partner, result=result, score=row.score,
                 session=db)
    return {"request_id": row.request_uid, "result": result, "score": row.score,
            "evidence": evidence, "note": row.note, "answered_by": actor.username,
            "answered_at": now.isoformat()}


# -- KBRI: the answer arrives -----------------------------------------------------------------

EVIDENCE_TEXT = {
    "verified": "Kewarganegaraan terverifikasi oleh {partner} (petugas {officer}, skor {score}): "
                "{evidence}",
    "not_verified": "Kewarganegaraan TIDAK terverifikasi oleh {partner} (petugas {officer}): "
                    "tidak ada data yang cocok. {note}",
    "denied": "Permintaan verifikasi ditolak oleh {partner} (petugas {officer}): {note}",
}


class AnswerHandler:
    kind = "verification_answer"

    def apply(self, db: Session, actor: Any, partner: PartnerInfo, payload: dict[str, Any],
              *, preview: bool) -> Applied:
        try:
            request_uid = str(uuid.UUID(str(payload.get("request_id"))))
        except ValueError:
            raise ContentError("invalid_payload", "the verification answer is not valid",
                               422) from None
        result = payload.get("result")
        evidence = payload.get("evidence") or []
        if result not in RESULTS or not isinstance(evidence, list) or len(evidence) > 10:
            raise ContentError("invalid_payload", "the verification answer is not valid", 422)
        row = db.scalar(select(VerificationRequest).where(
            VerificationRequest.direction == "out", VerificationRequest.partner == partner.name,
            VerificationRequest.request_uid == request_uid))
        if row is None or row.case_id is None:
            raise ContentError("unknown_request", "no verification request of ours has this id",
                               404)
        reference = sharing.reference_of(db, row.case_id)
        if row.status == "answered":
            return Applied(case_number=reference)
        change = {"field": "verification", "old": row.status, "new": result}
        if preview:
            return Applied(case_number=reference, changed=True, changes=[change])
        score = payload.get("score")
        row.status = "answered"
        row.result = result
        row.score = score if isinstance(score, int) and 0 <= score <= 100 else None
        row.evidence_json = json.dumps(evidence, ensure_ascii=False)[:20_000]
        row.note = str(payload.get("note") or "")[:2000]
        row.answered_by = f"{str(payload.get('answered_by') or '?')[:60]} ({partner.name})"
        row.answered_at = utcnow()
        db.flush()
        text = EVIDENCE_TEXT[result].format(
            partner=partner.name, officer=str(payload.get("answered_by") or "?")[:60],
            score=row.score, note=row.note,
            evidence="; ".join(f"{e.get('source')} {e.get('reference')}: {e.get('evidence')}"
                               for e in evidence if isinstance(e, dict)))
        sharing.add_comment(db, actor, row.case_id, text[:4000])
        audit.record("exchange.verification_result", actor, object_type="case",
                     object_id=row.case_id, partner=partner.name, request_id=row.id,
                     result=result, score=row.score, session=db)
        return Applied(case_number=reference, changed=True, changes=[change])


register(RequestHandler())
register(AnswerHandler())
