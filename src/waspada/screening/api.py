"""`/api/v1/screenings` and `/api/v1/persons/{id}/history`."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.deps import get_db, require
from waspada.platform.security.policy import Principal, may_access_unit
from waspada.platform.types import IdField, IdPath, OptionalIdQuery
from waspada.screening import service
from waspada.screening.pdf import render_record
from waspada.screening.store import Screening, ScreeningDecision, ScreeningPerson
from waspada.screening.views import record_for_pdf, screening_dict

api_router = APIRouter(prefix="/api/v1", tags=["screening"])

MRZ_EXAMPLE = ["P<IDNRAHAYU<<SITI<<<<<<<<<<<<<<<<<<<<<<<<<<<",
               "C1234567<6IDN9008176F3001015<<<<<<<<<<<<<<02"]


class ScreeningIn(BaseModel):
    """A traveller to screen: MRZ lines and/or typed identity, travel facts, answers."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "departure", "mrz": MRZ_EXAMPLE, "nik": "3507015708900001",
        "destination_country": "KHM", "transit_countries": ["MYS"], "ticket": "one_way",
        "visa_type": "tourist", "stated_purpose": "tourism", "flight": "QZ 123 CGK-KUL",
        "offer_text": "Lowongan CS di Phnom Penh gaji 12jt, tiket ditanggung",
        "answers": {"purpose": "tourism", "has_job_offer": "yes", "told_to_lie": "yes"}}]})

    kind: Literal["departure", "passport"] = "departure"
    mrz: list[str] = Field(default_factory=list, max_length=3)
    full_name: str = Field("", max_length=300)
    nik: str = Field("", max_length=32)
    passport_no: str = Field("", max_length=32)
    birth_date: date | None = None
    sex: Literal["M", "F"] | None = None
    destination_country: str = Field("", max_length=3, description="ISO 3166 alpha-3")
    transit_countries: list[str] = Field(default_factory=list, max_length=6)
    ticket: Literal["", "one_way", "return"] = ""
    visa_type: Literal["", "tourist", "visa_free", "voa", "work", "student", "other"] = ""
    stated_purpose: str = Field("", max_length=32)
    flight: str = Field("", max_length=40)
    accommodation: str = Field("", max_length=300)
    contacts_abroad: str = Field("", max_length=300)
    sponsor: str = Field("", max_length=300)
    who_paid: str = Field("", max_length=32)
    offer_text: str = Field("", max_length=service.MAX_TEXT)
    notes: str = Field("", max_length=service.MAX_TEXT)
    answers: dict[str, str] = Field(default_factory=dict)


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"answers": {"documents_held": "yes", "debt_or_fee": "no"}}]})

    answers: dict[str, str] = Field(default_factory=dict)
    notes: str | None = Field(None, max_length=service.MAX_TEXT)
    offer_text: str | None = Field(None, max_length=service.MAX_TEXT)
    lang: Literal["id", "en"] = "id"


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "action": "refer_police", "legal_bases": ["uu_6_2011", "uu_21_2007"],
        "statement": "Saya diminta bilang liburan oleh agen."}]})

    action: Literal["allow", "secondary_interview", "postpone", "refer_kp2mi", "refer_police"]
    legal_bases: list[str] = Field(min_length=1, max_length=10)
    deviation_reason: str = Field("", max_length=service.MAX_TEXT,
                                  description="Required when the action differs from the "
                                              "recommendation")
    statement: str = Field("", max_length=service.MAX_TEXT,
                           description="The traveller's own statement (optional)")
    corrects_decision_id: IdField | None = Field(None, description="Set to record a correction")
    correction_reason: str = Field("", max_length=service.MAX_TEXT)


def _error(exc: service.ScreeningError) -> JSONResponse:
    return JSONResponse({"error": {"code": exc.code, "message": str(exc)}}, status_code=422)


def load_screening(db: Session, principal: Principal, screening_id: int) -> Screening:
    """The screening, if it exists and the principal's unit may see it (404 otherwise)."""
    screening = db.get(Screening, screening_id)
    if screening is None or not may_access_unit(principal, screening.unit_id):
        raise HTTPException(404)
    return screening


@api_router.post("/screenings", status_code=201)
def create_screening(body: ScreeningIn, db: Session = Depends(get_db),
                     principal: Principal = Depends(require("screening.conduct"))) -> Any:
    """Start a screening: document checks, watchlist, earlier screenings, offer, assessment."""
    data = service.TravellerInput(**body.model_dump())
    try:
        screening = service.create(db, principal, data)
    except service.ScreeningError as exc:
        db.rollback()
        return _error(exc)
    db.flush()
    audit.record("screening.create", principal, object_type="screening",
                 object_id=screening.id, unit_id=screening.unit_id, level=screening.level,
                 session=db)
    db.commit()
    return JSONResponse(screening_dict(db, screening), status_code=201)


@api_router.get("/screenings/{screening_id}")
def get_screening(screening_id: IdPath, lang: Literal["id", "en"] = "id",
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("screening.read"))) -> Any:
    screening = load_screening(db, principal, screening_id)
    audit.record("screening.read", principal, object_type="screening", object_id=screening.id,
                 unit_id=screening.unit_id, session=db)
    db.commit()
    return screening_dict(db, screening, lang)


@api_router.patch("/screenings/{screening_id}")
def answer_screening(screening_id: IdPath, body: AnswersIn, db: Session = Depends(get_db),
                     principal: Principal = Depends(require("screening.conduct"))) -> Any:
    """Record interview answers (and notes, offer text); returns the new assessment."""
    screening = load_screening(db, principal, screening_id)
    try:
        service.update_answers(db, screening, body.answers, body.notes, body.offer_text)
    except service.ScreeningError as exc:
        db.rollback()
        return _error(exc)
    audit.record("screening.update", principal, object_type="screening",
                 object_id=screening.id, unit_id=screening.unit_id,
                 answered=len(body.answers), session=db)
    db.commit()
    return screening_dict(db, screening, body.lang)


@api_router.post("/screenings/{screening_id}/decision", status_code=201)
def decide_screening(screening_id: IdPath, body: DecisionIn, db: Session = Depends(get_db),
                     principal: Principal = Depends(require("screening.conduct"))) -> Any:
    """Sign the officer's decision (or a correction of an earlier one)."""
    screening = load_screening(db, principal, screening_id)
    corrects = None
    if body.corrects_decision_id is not None:
        corrects = db.get(ScreeningDecision, body.corrects_decision_id)
        if corrects is None or corrects.screening_id != screening.id:
            raise HTTPException(404)
    try:
        decision = service.decide(db, principal, screening, action=body.action,
                                  legal_bases=body.legal_bases,
                                  deviation_reason=body.deviation_reason,
                                  statement=body.statement, corrects=corrects,
                                  correction_reason=body.correction_reason)
    except service.ScreeningError as exc:
        db.rollback()
        return _error(exc)
    db.flush()
    audit.record("screening.decide", principal, object_type="screening_decision",
                 object_id=decision.id, unit_id=screening.unit_id, decided_action=decision.action,
                 screening_id=screening.id, correction=corrects is not None, session=db)
    db.commit()
    return JSONResponse(screening_dict(db, screening), status_code=201)


@api_router.get("/screenings/{screening_id}/record.pdf",
                responses={200: {"content": {"application/pdf": {}}}})
def screening_pdf(screening_id: IdPath, decision_id: OptionalIdQuery = None,
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("screening.read"))) -> Response:
    """The official record (Berita Acara) of the decision, as PDF."""
    screening = load_screening(db, principal, screening_id)
    return pdf_response(db, principal, screening, decision_id)


def pdf_response(db: Session, principal: Principal, screening: Screening,
                 decision_id: int | None) -> Response:
    decision = None
    if decision_id is not None:
        decision = db.get(ScreeningDecision, decision_id)
        if decision is None or decision.screening_id != screening.id:
            raise HTTPException(404)
    try:
        record = record_for_pdf(db, screening, decision)
    except ValueError:
        raise HTTPException(404) from None
    audit.record("screening.export", principal, object_type="screening",
                 object_id=screening.id, unit_id=screening.unit_id, format="pdf", session=db)
    db.commit()
    name = screening.record_no.replace("/", "-")
    return Response(render_record(record), media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{name}.pdf"'})


@api_router.get("/persons/{person_id}/history")
def person_history(person_id: IdPath, db: Session = Depends(get_db),
                   principal: Principal = Depends(require("persons.history"))) -> Any:
    """Every screening of this traveller, and of look-alikes the matching engine links."""
    return history(db, principal, person_id)


def visible_person_ids(db: Session, principal: Principal, person_ids: list[int]) -> set[int]:
    """The persons among ``person_ids`` with at least one screening the principal may see."""
    if not person_ids:
        return set()
    pairs = db.execute(select(Screening.person_id, Screening.unit_id)
                       .where(Screening.person_id.in_(person_ids)).distinct())
    return {pid for pid, unit_id in pairs if may_access_unit(principal, unit_id)}


def history(db: Session, principal: Principal, person_id: int) -> dict[str, Any]:
    """A person is visible only through a screening the principal may see; 404 otherwise
    (the same answer as for an id that does not exist, so existence is not revealed)."""
    person = db.get(ScreeningPerson, person_id)
    if person is None:
        raise HTTPException(404)
    rows = list(db.scalars(select(Screening).where(Screening.person_id == person_id)
                           .order_by(Screening.created_at.desc())))
    visible = [s for s in rows if may_access_unit(principal, s.unit_id)]
    if not visible:
        raise HTTPException(404)
    from waspada.matching.records import PersonRecord

    record = PersonRecord(record_id="q", full_name=person.full_name,
                          birth_date=person.birth_date, sex=person.sex, nik=person.nik,
                          passport_no=person.passport_no)
    index = service.PERSONS.sync(db)
    matches = [m for m in index.search(record, top=6, threshold=service.HISTORY_MIN)
               if m.record_id != str(person_id)]
    # look-alikes only where the caller may open them (their identity is theirs, not ours)
    reachable = visible_person_ids(db, principal, [int(m.record_id) for m in matches])
    similar = [m for m in matches if int(m.record_id) in reachable]
    audit.record("person.history.read", principal, object_type="screening_person",
                 object_id=person_id, screenings=len(visible), session=db)
    db.commit()
    # the person row holds the identity as first screened; when another unit screened first,
    # show the identity as the caller's own unit recorded it (not the other unit's NIK/passport)
    first = min(rows, key=lambda s: s.id)
    shown: ScreeningPerson | Screening = person if first in visible else visible[0]
    return {
        "person": {"id": person.id, "full_name": shown.full_name,
                   "birth_date": shown.birth_date.isoformat() if shown.birth_date else None,
                   "sex": shown.sex, "nik": shown.nik, "passport_no": shown.passport_no},
        "screenings": [{"id": s.id, "record_no": s.record_no, "unit": s.unit.name,
                        "date": s.created_at.isoformat(), "kind": s.kind, "level": s.level,
                        "final_action": s.final_action,
                        "destination_country": s.destination_country} for s in visible],
        "hidden_other_units": len(rows) - len(visible),
        "similar_persons": [{"person_id": int(m.record_id), "score": round(m.score, 4),
                             "explanation": service.explain(m.explanation)} for m in similar],
    }
