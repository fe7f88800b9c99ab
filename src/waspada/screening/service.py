"""Screening workflow over the database: gather evidence from the identity, offers and matching
engines, assess, decide, correct, approve. Thin orchestration; the rules live in ``assess``."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.identity.consistency import check_traveller
from waspada.matching import store as matching_store
from waspada.matching.index import WatchlistIndex
from waspada.matching.records import PersonRecord
from waspada.offers.analyse import analyse
from waspada.offers.store import agency_names
from waspada.platform.db import utcnow
from waspada.platform.domain import DomainError
from waspada.platform.security.models import Unit, User
from waspada.platform.security.policy import Principal, may_access_unit
from waspada.platform.settings import get_settings
from waspada.screening.assess import (
    ACTION_LABELS,
    ACTIONS,
    POSTPONING_ACTIONS,
    AssessmentInput,
    DocumentFinding,
    PriorScreening,
    TravelFacts,
    WatchlistHit,
    assess,
)
from waspada.screening.catalogue import legal_basis_codes, questionnaire
from waspada.screening.store import (
    Screening,
    ScreeningApproval,
    ScreeningDecision,
    ScreeningPerson,
)

SAME_PERSON = 0.9  # link to an earlier traveller at or above this matching score
HISTORY_MIN = 0.6  # show earlier screenings of candidates at or above this score
SYNC_LOOKBACK = 200  # ids re-checked on each sync (writers may commit out of id order)
MAX_TEXT = 20_000


class ScreeningError(DomainError, ValueError):
    """A request that cannot be carried out; ``code`` is stable, the message English."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code, message, status=status)


@dataclass
class TravellerInput:
    """What the officer typed or pasted to start a screening."""

    kind: str = "departure"
    mrz: list[str] = field(default_factory=list)
    full_name: str = ""
    nik: str = ""
    passport_no: str = ""
    birth_date: date | None = None
    sex: str | None = None
    destination_country: str = ""
    transit_countries: list[str] = field(default_factory=list)
    ticket: str = ""
    visa_type: str = ""
    stated_purpose: str = ""
    flight: str = ""
    accommodation: str = ""
    contacts_abroad: str = ""
    sponsor: str = ""
    who_paid: str = ""
    offer_text: str = ""
    notes: str = ""
    answers: dict[str, str] = field(default_factory=dict)


# -- the in-process index of earlier travellers (matching engine) ----------------------------

class _PersonIndex:
    """All screened travellers, kept in sync with the database by id (cheap increments)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: WatchlistIndex | None = None
        self.url: str | None = None
        self.last_id = 0

    def sync(self, db: Session) -> WatchlistIndex:
        url = get_settings().effective_database_url
        with self.lock:
            if self.index is None or self.url != url:
                rows = list(db.scalars(select(ScreeningPerson).order_by(ScreeningPerson.id)))
                self.index = WatchlistIndex.build(_person_record(r) for r in rows)
                self.url, self.last_id = url, rows[-1].id if rows else 0
                return self.index
            # look back a little: rows committed out of id order by concurrent writers
            recent = db.scalars(select(ScreeningPerson.id)
                                .where(ScreeningPerson.id > self.last_id - SYNC_LOOKBACK))
            missing = [i for i in recent if i > self.last_id or self.index.get(str(i)) is None]
            if missing:
                for row in db.scalars(select(ScreeningPerson)
                                      .where(ScreeningPerson.id.in_(missing))
                                      .order_by(ScreeningPerson.id)):
                    self.index.add(_person_record(row))
                self.last_id = max(self.last_id, *missing)
            return self.index

    def reset(self) -> None:
        with self.lock:
            self.index, self.url, self.last_id = None, None, 0


PERSONS = _PersonIndex()


def _person_record(row: ScreeningPerson) -> PersonRecord:
    return PersonRecord(record_id=str(row.id), full_name=row.full_name,
                        birth_date=row.birth_date, sex=row.sex, nik=row.nik,
                        passport_no=row.passport_no)


def explain(explanation: dict[str, Any]) -> str:
    """One line an officer can read: which parts agreed and how."""
    parts = []
    name = explanation.get("name") or {}
    if name:
        parts.append(f"nama {name.get('level', '?')}")
    birth = explanation.get("birth_date") or {}
    if birth.get("relation"):
        parts.append(f"tgl lahir {birth['relation']}")
    for key, label in (("nik", "NIK"), ("passport", "paspor"), ("phone", "telepon")):
        if key in explanation:
            parts.append(f"{label} {explanation[key].get('outcome', '?')}")
    return "; ".join(parts)


# -- building a screening ---------------------------------------------------------------------

def _identity(data: TravellerInput, today: date) -> tuple[dict[str, Any], list[DocumentFinding]]:
    """Merge MRZ and typed fields; run every document check."""
    traveller: dict[str, Any] = {"full_name": data.full_name.strip()[:300],
                                 "nik": data.nik.strip()[:32] or None,
                                 "passport_no": data.passport_no.strip().upper()[:32] or None,
                                 "birth_date": data.birth_date, "sex": data.sex or None}
    facts: dict[str, Any] = {"travel_date": today}
    if data.mrz:
        facts["mrz"] = data.mrz
    if data.nik.strip():
        facts["nik"] = data.nik.strip()
    if data.birth_date:
        facts["birth_date"] = data.birth_date
    if data.sex:
        facts["sex"] = data.sex
    if data.passport_no.strip() and not data.mrz:
        facts["passport_number"] = data.passport_no.strip()
    checked = check_traveller(facts, reference_date=today)
    if checked.mrz is not None:  # typed fields win; the MRZ fills the gaps
        fields = checked.mrz.fields
        if not traveller["full_name"]:
            traveller["full_name"] = " ".join(
                x for x in (fields.get("given_names"), fields.get("surname")) if x).strip()
        traveller["passport_no"] = traveller["passport_no"] or fields.get("document_number")
        if traveller["birth_date"] is None and fields.get("birth_date"):
            traveller["birth_date"] = date.fromisoformat(fields["birth_date"])
        if traveller["sex"] is None and fields.get("sex") in ("M", "F"):
            traveller["sex"] = fields["sex"]
    findings = [DocumentFinding(f.code, f.severity, f.message_id, f.message_en)
                for f in checked.findings]
    if not traveller["full_name"]:
        raise ScreeningError("name_missing", "give the traveller's name or MRZ lines")
    return traveller, findings


def _watchlist_hits(db: Session, record: PersonRecord) -> list[WatchlistHit]:
    index = matching_store.watchlist_index(db)
    matches = index.search(record, top=5, threshold=0.5)
    details = matching_store.entry_details(db, [m.record_id for m in matches])
    hits = []
    for match in matches:
        entry = details.get(match.record_id)
        if entry is None:
            continue
        hits.append(WatchlistHit(entry_id=match.record_id, list_type=entry.list_kind,
                                 label=f"{entry.full_name} ({entry.list_kind})",
                                 score=round(match.score, 4),
                                 explanation=explain(match.explanation)))
    return hits


def _prior(db: Session, record: PersonRecord, exclude_screening: int | None
           ) -> tuple[list[PriorScreening], int | None, float | None]:
    """Earlier screenings of this traveller or look-alikes, and the best same-person link."""
    index = PERSONS.sync(db)
    matches = index.search(record, top=5, threshold=HISTORY_MIN)
    if not matches:
        return [], None, None
    scores = {int(m.record_id): m for m in matches}
    rows = db.scalars(select(Screening).where(Screening.person_id.in_(list(scores)))
                      .order_by(Screening.created_at.desc()).limit(20))
    prior = []
    for row in rows:
        if row.id == exclude_screening:
            continue
        match = scores[row.person_id]
        prior.append(PriorScreening(
            screening_id=row.id, record_no=row.record_no, unit=row.unit.name,
            date=row.created_at.date().isoformat(), action=row.final_action, level=row.level,
            score=round(match.score, 4), explanation=explain(match.explanation)))
    best = matches[0]
    same = int(best.record_id) if best.score >= SAME_PERSON else None
    return prior, same, round(best.score, 4)


def _record_no(unit: Unit, kind: str, screening_id: int) -> str:
    """Unique by construction (the row id), so numbering costs nothing at a million rows."""
    prefix = "BAP" if kind == "departure" else "BAPP"
    return f"{prefix}/{unit.code.upper()[:20]}/{utcnow().year}/{screening_id:07d}"


def _facts(data: TravellerInput) -> dict[str, Any]:
    return {"destination_country": data.destination_country.strip().upper()[:3],
            "transit_countries": [c.strip().upper()[:3] for c in data.transit_countries
                                  if c.strip()][:6],
            "ticket": data.ticket, "visa_type": data.visa_type,
            "stated_purpose": data.stated_purpose, "flight": data.flight.strip()[:40],
            "accommodation": data.accommodation.strip()[:300],
            "contacts_abroad": data.contacts_abroad.strip()[:300],
            "sponsor": data.sponsor.strip()[:300], "who_paid": data.who_paid}


def _assess(screening: Screening) -> None:
    facts = screening.load("facts")
    data = AssessmentInput(
        kind=screening.kind,  # type: ignore[arg-type]
        facts=TravelFacts(destination_country=facts.get("destination_country", ""),
                          transit_countries=tuple(facts.get("transit_countries", [])),
                          ticket=facts.get("ticket", ""), visa_type=facts.get("visa_type", ""),
                          stated_purpose=facts.get("stated_purpose", "")),
        answers=screening.load("answers"),
        documents=tuple(DocumentFinding(**d) for d in screening.load("documents")),
        watchlist=tuple(WatchlistHit(**h) for h in screening.load("watchlist")),
        prior=tuple(PriorScreening(**p) for p in screening.load("prior")),
        offer=screening.load("offer"))
    result = assess(data)
    screening.assessment_json = json.dumps(result.as_record(), default=str)
    screening.level = result.level
    screening.recommended_action = result.recommended_action
    screening.updated_at = utcnow()


def clean_answers(answers: dict[str, str]) -> dict[str, str]:
    """Keep only known questions and allowed options."""
    known = questionnaire().by_code()
    out = {}
    for code, value in answers.items():
        question = known.get(code)
        if question is None:
            raise ScreeningError("unknown_question", f"unknown question {code!r}")
        value = (value or "").strip()
        if value and value not in question.options:
            raise ScreeningError("bad_answer", f"answer {value!r} is not allowed for {code!r}")
        out[code] = value
    return out


def create(db: Session, principal: Principal, data: TravellerInput,
           synthetic: bool = False) -> Screening:
    if data.kind not in ("departure", "passport"):
        raise ScreeningError("bad_kind", "kind must be departure or passport")
    if len(data.offer_text) > MAX_TEXT or len(data.notes) > MAX_TEXT:
        raise ScreeningError("too_long", f"texts are limited to {MAX_TEXT} characters")
    unit = db.get(Unit, principal.unit_id) if principal.unit_id else None
    if unit is None:
        raise ScreeningError("no_unit", "the officer has no unit")
    today = utcnow().date()
    traveller, findings = _identity(data, today)
    record = PersonRecord(record_id="query", full_name=traveller["full_name"],
                          birth_date=traveller["birth_date"], sex=traveller["sex"],
                          nik=traveller["nik"], passport_no=traveller["passport_no"])
    hits = _watchlist_hits(db, record)
    prior, same_person, best = _prior(db, record, None)
    if same_person is None:
        person = ScreeningPerson(full_name=traveller["full_name"],
                                 birth_date=traveller["birth_date"], sex=traveller["sex"],
                                 nik=traveller["nik"], passport_no=traveller["passport_no"],
                                 is_synthetic=synthetic)
        db.add(person)
        db.flush()
        person_id = person.id
    else:
        person_id = same_person
    offer = None
    if data.offer_text.strip():
        offer = analyse(data.offer_text, agencies=agency_names(db)).to_dict("id")
    screening = Screening(
        record_no=f"pending-{secrets.token_hex(8)}", kind=data.kind, unit_id=unit.id,
        officer_id=principal.user_id, person_id=person_id, person_match_score=best,
        full_name=traveller["full_name"], birth_date=traveller["birth_date"],
        sex=traveller["sex"], nik=traveller["nik"], passport_no=traveller["passport_no"],
        mrz="\n".join(data.mrz)[:500], destination_country=_facts(data)["destination_country"],
        facts_json=json.dumps(_facts(data)), answers_json=json.dumps(clean_answers(data.answers)),
        offer_text=data.offer_text, offer_json=json.dumps(offer),
        documents_json=json.dumps([asdict(f) for f in findings]),
        watchlist_json=json.dumps([asdict(h) for h in hits]),
        prior_json=json.dumps([asdict(p) for p in prior]), notes=data.notes,
        is_synthetic=synthetic)
    db.add(screening)
    db.flush()
    screening.record_no = _record_no(unit, data.kind, screening.id)
    _assess(screening)
    return screening


def update_answers(db: Session, screening: Screening, answers: dict[str, str],
                   notes: str | None = None, offer_text: str | None = None) -> Screening:
    if screening.status != "open":
        raise ScreeningError("decided", "the screening is decided; record a correction instead")
    merged = screening.load("answers")
    merged.update(clean_answers(answers))
    screening.answers_json = json.dumps(merged)
    if notes is not None:
        if len(notes) > MAX_TEXT:
            raise ScreeningError("too_long", f"texts are limited to {MAX_TEXT} characters")
        screening.notes = notes
    if offer_text is not None and offer_text != screening.offer_text:
        if len(offer_text) > MAX_TEXT:
            raise ScreeningError("too_long", f"texts are limited to {MAX_TEXT} characters")
        screening.offer_text = offer_text
        screening.offer_json = json.dumps(
            analyse(offer_text, agencies=agency_names(db)).to_dict("id")
            if offer_text.strip() else None)
    _assess(screening)
    return screening


def verification_code(screening_id: int, record_no: str, action: str, signed_at: str,
                      corrects_id: int | None) -> str:
    """A keyed digest of what was signed; recomputing it verifies a printed record."""
    key = get_settings().effective_secret_key.encode()
    message = f"{screening_id}|{record_no}|{action}|{signed_at}|{corrects_id or ''}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:16].upper()


def verify_decision(decision: ScreeningDecision, screening: Screening) -> bool:
    expected = verification_code(screening.id, screening.record_no, decision.action,
                                 decision.signed_at.isoformat(), decision.corrects_id)
    return hmac.compare_digest(expected, decision.verification_code)


def decide(db: Session, principal: Principal, screening: Screening, *, action: str,
           legal_bases: list[str], deviation_reason: str = "", statement: str = "",
           corrects: ScreeningDecision | None = None, correction_reason: str = ""
           ) -> ScreeningDecision:
    """Sign a decision. A different action from the recommendation needs a reason."""
    if action not in ACTIONS:
        raise ScreeningError("bad_action", f"action must be one of {', '.join(ACTIONS)}")
    if corrects is None and screening.status != "open":
        raise ScreeningError("decided", "already decided; record a correction instead")
    if corrects is not None and not correction_reason.strip():
        raise ScreeningError("reason_required", "a correction needs a reason")
    if action != screening.recommended_action and not deviation_reason.strip():
        raise ScreeningError("reason_required",
                             "a decision that differs from the recommendation needs a reason")
    allowed_bases = legal_basis_codes(screening.kind)
    unknown = [b for b in legal_bases if b not in allowed_bases]
    if unknown or not legal_bases:
        raise ScreeningError("legal_basis", "choose at least one legal basis from the list")
    unit = db.get(Unit, screening.unit_id)
    signed_at = utcnow()
    corrects_id = corrects.id if corrects else None
    decision = ScreeningDecision(
        screening_id=screening.id, action=action,
        recommended_action=screening.recommended_action,
        deviation_reason=deviation_reason.strip()[:MAX_TEXT],
        legal_bases_json=json.dumps(legal_bases), statement=statement.strip()[:MAX_TEXT],
        officer_id=principal.user_id, signed_at=signed_at,
        verification_code=verification_code(screening.id, screening.record_no, action,
                                            signed_at.isoformat(), corrects_id),
        corrects_id=corrects_id, correction_reason=correction_reason.strip()[:MAX_TEXT],
        needs_approval=bool(unit and unit.requires_supervisor_approval
                            and action in POSTPONING_ACTIONS),
        assessment_version=json.loads(screening.assessment_json or "{}").get("version", ""))
    db.add(decision)
    screening.status = "decided"
    screening.final_action = action
    screening.updated_at = utcnow()
    db.flush()
    return decision


def effective_decision(db: Session, screening: Screening) -> ScreeningDecision | None:
    """The newest decision (a correction supersedes what it corrects)."""
    return db.scalar(select(ScreeningDecision).where(ScreeningDecision.screening_id ==
                                                     screening.id)
                     .order_by(ScreeningDecision.id.desc()).limit(1))


def approve(db: Session, principal: Principal, decision: ScreeningDecision, approved: bool,
            note: str) -> ScreeningApproval:
    user = db.get(User, principal.user_id) if principal.user_id else None
    screening = db.get(Screening, decision.screening_id)
    if user is None or not user.is_supervisor or screening is None \
            or not may_access_unit(principal, screening.unit_id):
        raise ScreeningError("not_supervisor", "only a supervisor of the unit can approve")
    if decision.officer_id == principal.user_id:
        raise ScreeningError("own_decision", "a supervisor cannot approve their own decision")
    if not decision.needs_approval:
        raise ScreeningError("no_approval_needed", "this decision needs no approval")
    approval = ScreeningApproval(decision_id=decision.id, supervisor_id=user.id,
                                 approved=approved, note=note.strip()[:MAX_TEXT])
    db.add(approval)
    db.flush()
    return approval


def approval_for(db: Session, decision: ScreeningDecision) -> ScreeningApproval | None:
    return db.scalar(select(ScreeningApproval).where(ScreeningApproval.decision_id ==
                                                     decision.id)
                     .order_by(ScreeningApproval.id.desc()).limit(1))


def action_label(kind: str, action: str, lang: str = "id") -> str:
    return ACTION_LABELS[kind][action]["en" if lang == "en" else "id"]
