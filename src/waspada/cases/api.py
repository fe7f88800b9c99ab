"""Cases JSON API under ``/api/v1/cases`` (thin: parse, check access, call the store, audit)."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from waspada.cases import htcds, store
from waspada.cases.store import CaseError, CaseFilters
from waspada.cases.workflow import load_workflow
from waspada.platform import audit
from waspada.platform.deps import client_ip, get_db, require
from waspada.platform.security.policy import Principal
from waspada.platform.settings import get_settings
from waspada.platform.types import MAX_ID, IdField, IdPath, OptionalIdQuery, PageQuery, parse_id

api_router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def error(exc: CaseError) -> JSONResponse:
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.problems:
        body["problems"] = exc.problems
    return JSONResponse({"error": body}, status_code=exc.status)


def _json(data: Any, status: int = 200) -> JSONResponse:
    def default(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    import json

    return Response(json.dumps(data, default=default, ensure_ascii=False), status_code=status,
                    media_type="application/json")  # type: ignore[return-value]


class PersonIn(BaseModel):
    role: Literal["victim", "perpetrator", "reporter"] = "victim"
    full_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    second_name: str | None = Field(default=None, max_length=100)
    birth_date: date | None = None
    gender: str | None = Field(default=None, max_length=32)
    citizenship: str | None = Field(default=None, max_length=2)
    identity_number: str | None = Field(default=None, max_length=32)
    passport_number: str | None = Field(default=None, max_length=16)
    mobile_phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=200)
    mailing_city: str | None = Field(default=None, max_length=100)
    mailing_state: str | None = Field(default=None, max_length=100)
    relationship: str | None = Field(default=None, max_length=32)
    perpetrator_role: str | None = Field(default=None, max_length=48)
    role_details: str | None = Field(default=None, max_length=2000)


class EventIn(BaseModel):
    type: Literal["Recruitment", "Transit", "Exploitation"]
    date: dt.date | None = None
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2)
    description: str | None = Field(default=None, max_length=2000)


class CaseIn(BaseModel):
    destination_country: str | None = Field(default=None, max_length=2, examples=["KH"])
    destination_city: str | None = Field(default=None, max_length=100)
    exploitation_type: list[str] = Field(default_factory=list, max_length=12,
                                         examples=[["ForcedCriminality"]])
    compound_type: str | None = Field(default=None, examples=["OnlineScam"])
    forced_activities: list[str] = Field(default_factory=list, max_length=10)
    recruitment_method: list[str] = Field(default_factory=list, max_length=10)
    summary: str = Field(default="", max_length=5000)
    source: Literal["officer", "ngo", "hotline", "family", "victim"] = "officer"
    persons: list[PersonIn] = Field(min_length=1, max_length=20)
    events: list[EventIn] = Field(default_factory=list, max_length=20)


class TransitionIn(BaseModel):
    transition: str = Field(max_length=32, examples=["verify"])
    values: dict[str, str] = Field(default_factory=dict)


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    due_on: date | None = None


class ConsentIn(BaseModel):
    scope: Literal["referral", "data_processing", "research"] = "referral"
    given: bool
    method: Literal["verbal", "written"] = "verbal"
    person_id: IdField | None = None


class ReferralIn(BaseModel):
    organisation: str = Field(max_length=32, examples=["KP2MI"])
    kind: Literal["referral", "transfer"] = "referral"
    reason: str = Field(default="AdditionalServicesRequired", max_length=40)
    details: str = Field(default="", max_length=2000)
    override_reason: str | None = Field(default=None, max_length=1000)


class ReferralAnswer(BaseModel):
    accept: bool
    note: str = Field(default="", max_length=1000)


class MergeIn(BaseModel):
    duplicate_case_id: IdField
    reason: str = Field(min_length=5, max_length=1000)


class SupportPlanIn(BaseModel):
    type: str = Field(max_length=48)
    objectives: str = Field(default="", max_length=2000)
    action_plan: str = Field(default="", max_length=2000)
    planned_end: date | None = None


class AssessmentIn(BaseModel):
    level: Literal["individual", "household", "community"]
    risk: Literal["low", "medium", "high"]
    notes: str = Field(default="", max_length=2000)


class OrganisationIn(BaseModel):
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    org_type: str = Field(default="NGO", max_length=48)
    country: str = Field(default="ID", max_length=2)
    unit: str | None = Field(default=None, max_length=200)


def _filters(status: str | None, overdue: bool, unit: int | None, destination: str | None,
             exploitation: str | None, reference: str | None = None) -> CaseFilters:
    return CaseFilters(status=status or None, overdue=overdue, unit_id=unit,
                       destination=destination or None, exploitation=exploitation or None,
                       reference=reference or None)


@api_router.get("")
def list_cases(request: Request, status: str | None = Query(None, max_length=32),
               overdue: bool = False, unit: OptionalIdQuery = None,
               destination: str | None = Query(None, max_length=2),
               exploitation: str | None = Query(None, max_length=40),
               reference: str | None = Query(None, max_length=32), page: PageQuery = 1,
               db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.read"))) -> Response:
    """Visible cases, newest first (own unit's and shared ones; analysts: all, de-identified)."""
    rows, more = store.list_cases(db, principal, _filters(status, overdue, unit, destination,
                                                          exploitation, reference), page)
    audit.record("case.list", principal, object_type="case", count=len(rows), page=page,
                 ip=client_ip(request), session=db)
    db.commit()
    return _json({"page": page, "has_more": more, "cases": rows})


@api_router.post("", status_code=201)
def create_case(body: CaseIn, request: Request, db: Session = Depends(get_db),
                principal: Principal = Depends(require("cases.create"))) -> Response:
    """Officer intake. The case belongs to the officer's unit; victims are checked for
    duplicates against existing cases."""
    if principal.unit_id is None:
        return error(CaseError("no_unit", "the CLI cannot own cases here", 409))
    data = body.model_dump()
    try:
        case = store.create_case(db, principal, data, owner_unit_id=principal.unit_id,
                                 source=body.source)
    except CaseError as exc:
        db.rollback()
        return error(exc)
    db.flush()
    detail = store.view_case(db, principal, case)
    audit.record("case.create", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, persons=len(body.persons),
                 duplicates=len(detail["duplicates"]), ip=client_ip(request), session=db)
    db.commit()
    return _json(detail, 201)


@api_router.get("/workflow")
def workflow_table(principal: Principal = Depends(require("cases.read"))) -> Response:
    """The workflow as data: states (Indonesian and English labels) and transitions."""
    wf = load_workflow()
    return _json({
        "stale_days": wf.stale_days,
        "states": [{"code": s.code, "label_id": s.label_id, "label_en": s.label_en,
                    "htcds": s.htcds, "terminal": s.terminal, "deadline_days": s.deadline_days}
                   for s in wf.states.values()],
        "transitions": [{"code": t.code, "label_id": t.label_id, "label_en": t.label_en,
                         "from": list(t.sources), "to": t.target, "roles": sorted(t.roles),
                         "fields": [f.name for f in t.fields if not f.optional]}
                        for t in wf.transitions.values()],
        "closure_reasons": list(wf.closure_reasons)})


@api_router.get("/organisations")
def organisations(db: Session = Depends(get_db),
                  principal: Principal = Depends(require("cases.read"))) -> Response:
    orgs = store.list_organisations(db)
    db.commit()
    return _json([{"code": o.code, "name": o.name, "name_en": o.name_en, "type": o.org_type,
                   "country": o.country, "in_waspada": o.unit_id is not None} for o in orgs])


@api_router.post("/organisations", status_code=201)
def add_organisation(body: OrganisationIn, db: Session = Depends(get_db),
                     principal: Principal = Depends(require("cases.organisations"))) -> Response:
    try:
        org = store.add_organisation(db, body.code, body.name, body.name_en, body.org_type,
                                     body.country, body.unit)
    except CaseError as exc:
        db.rollback()
        return error(exc)
    audit.record("case_org.create", principal, object_type="case_organisation",
                 object_id=org.id, code=org.code, session=db)
    db.commit()
    return _json({"code": org.code, "id": org.id}, 201)


@api_router.get("/stats")
def case_stats(k: int | None = Query(None, ge=2, le=100), db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.stats"))) -> Response:
    """Counts by status and by month of report; ``k`` hides cells below k (CTDC uses 11)."""
    data = store.stats(db, principal, k)
    audit.record("case.stats", principal, object_type="case", total=data["total"], session=db)
    db.commit()
    return _json(data)


MAX_EXPORT_IDS = 5000


def _parse_ids(ids: str) -> list[int]:
    """``1,2, 3`` -> [1, 2, 3]; anything that is not a valid case id is a 422, not dropped."""
    parts = [part for part in ids.split(",") if part.strip()]
    parsed = [parse_id(part) for part in parts]
    bad = sum(1 for value in parsed if value is None)
    if bad or len(parsed) > MAX_EXPORT_IDS:
        raise HTTPException(422, detail=[{"loc": ["query", "ids"], "msg": (
            f"ids must be at most {MAX_EXPORT_IDS} comma-separated case ids between 1 and "
            f"{MAX_ID}; {bad} of {len(parts)} are not")}])
    return [value for value in parsed if value is not None]


@api_router.get("/export")
def export(request: Request,
           format: Literal["htcds-json", "htcds-csv"] = "htcds-json",
           ids: str = Query("", max_length=20000, description="comma-separated case ids"),
           status: str | None = Query(None, max_length=32), overdue: bool = False,
           destination: str | None = Query(None, max_length=2),
           exploitation: str | None = Query(None, max_length=40),
           db: Session = Depends(get_db),
           principal: Principal = Depends(require("cases.export"))) -> Response:
    """HTCDS export of selected cases; names and contacts only for roles allowed to see them."""
    id_list = _parse_ids(ids)
    records = store.export_records(db, principal, id_list or None,
                                   _filters(status, overdue, None, destination, exploitation))
    deidentified = "identity" not in store.groups(principal)
    audit.record("case.export", principal, object_type="case", count=len(records),
                 format=format, deidentified=deidentified, ip=client_ip(request), session=db)
    db.commit()
    if format == "htcds-csv":
        return Response(htcds.to_csv(records), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="cases-htcds.csv"'})
    return Response(htcds.to_json(records, deidentified=deidentified),
                    media_type="application/json")


@api_router.post("/referrals/{referral_id}/answer")
def answer_referral(referral_id: IdPath, body: ReferralAnswer, db: Session = Depends(get_db),
                    principal: Principal = Depends(require("cases.referral_respond"))
                    ) -> Response:
    """The receiving organisation's unit accepts or declines a referral or transfer."""
    try:
        referral = store.respond_referral(db, principal, referral_id, body.accept, body.note)
    except CaseError as exc:
        db.rollback()
        return error(exc)
    audit.record("case.referral_answer", principal, object_type="case",
                 object_id=referral.case_id, referral_id=referral.id, status=referral.status,
                 session=db)
    db.commit()
    return _json({"id": referral.id, "status": referral.status})


@api_router.post("/merges/{merge_id}/undo")
def undo_merge(merge_id: IdPath, db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.merge"))) -> Response:
    try:
        record = store.undo_merge(db, principal, merge_id)
    except CaseError as exc:
        db.rollback()
        return error(exc)
    audit.record("case.unmerge", principal, object_type="case", object_id=record.merged_id,
                 merge_id=record.id, survivor_id=record.survivor_id, session=db)
    db.commit()
    return _json({"id": record.id, "undone_at": record.undone_at})


@api_router.get("/persons/{person_id}/subject-export")
def person_subject_export(person_id: IdPath, request: Request, db: Session = Depends(get_db),
                          principal: Principal = Depends(require("cases.subject_export"))
                          ) -> Response:
    """Everything held about one person and who accessed it (UU 27/2022 data-subject request)."""
    from waspada.cases.models import Person

    person = db.get(Person, person_id)
    if person is None or not store.may_see(db, principal, person.case_id):
        return error(CaseError("not_found", "no such person", 404))
    data = store.subject_export(db, person_id)
    audit.record("case.subject_export", principal, object_type="case_person",
                 object_id=person_id, case_id=person.case_id, ip=client_ip(request), session=db)
    db.commit()
    return _json(data)


@api_router.post("/retention/run")
def run_retention(older_than_days: int | None = Query(None, ge=0, le=36500),
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("cases.retention"))) -> Response:
    """Anonymise closed cases past the retention period (default WASPADA_CASES_RETENTION_DAYS)."""
    done = store.anonymise_expired(db, older_than_days)
    audit.record("case.anonymise", principal, object_type="case", count=len(done), session=db)
    db.commit()
    return _json({"anonymised": len(done), "case_ids": done})


# -- one case ---------------------------------------------------------------------------------

def _case(db: Session, principal: Principal, case_id: int):  # type: ignore[no-untyped-def]
    return store.get_case(db, principal, case_id)


@api_router.get("/{case_id}")
def get_case(case_id: IdPath, request: Request, db: Session = Depends(get_db),
             principal: Principal = Depends(require("cases.read"))) -> Response:
    """One case with its people, events, history, tasks, comments, referrals; fields the
    caller's role may not see are removed (``hidden`` names the groups)."""
    try:
        case = _case(db, principal, case_id)
    except CaseError as exc:
        return error(exc)
    data = store.view_case(db, principal, case)
    audit.record("case.view", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, ip=client_ip(request), session=db)
    db.commit()
    return _json(data)


def _write(db: Session, principal: Principal, case_id: int, action: str, fn, **detail: Any
           ) -> Response:  # type: ignore[no-untyped-def]
    try:
        case = _case(db, principal, case_id)
        result = fn(case)
    except CaseError as exc:
        db.rollback()
        return error(exc)
    db.flush()  # assigns the new item's id for the audit entry
    result_id = getattr(result, "id", None)
    audit.record(action, principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, item_id=result_id, **detail, session=db)
    db.commit()
    return _json({"id": result_id, "case_id": case.id, "status": case.status}, 201)


@api_router.post("/{case_id}/transitions", status_code=201)
def transition(case_id: IdPath, body: TransitionIn, db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.transition"))) -> Response:
    """Move the case through the workflow (see ``GET /api/v1/cases/workflow``)."""
    return _write(db, principal, case_id, "case.transition",
                  lambda c: store.apply_transition(db, principal, c, body.transition,
                                                   dict(body.values)),
                  transition=body.transition)


@api_router.post("/{case_id}/comments", status_code=201)
def comment(case_id: IdPath, body: CommentIn, db: Session = Depends(get_db),
            principal: Principal = Depends(require("cases.comment"))) -> Response:
    return _write(db, principal, case_id, "case.comment",
                  lambda c: store.add_comment(db, principal, c, body.body))


@api_router.post("/{case_id}/tasks", status_code=201)
def task(case_id: IdPath, body: TaskIn, db: Session = Depends(get_db),
         principal: Principal = Depends(require("cases.update"))) -> Response:
    return _write(db, principal, case_id, "case.task",
                  lambda c: store.add_task(db, principal, c, body.title, body.due_on))


@api_router.post("/{case_id}/tasks/{task_id}/done", status_code=201)
def task_done(case_id: IdPath, task_id: IdPath, db: Session = Depends(get_db),
              principal: Principal = Depends(require("cases.update"))) -> Response:
    return _write(db, principal, case_id, "case.task_done",
                  lambda c: store.complete_task(db, c, task_id))


@api_router.post("/{case_id}/persons", status_code=201)
def person(case_id: IdPath, body: PersonIn, db: Session = Depends(get_db),
           principal: Principal = Depends(require("cases.update"))) -> Response:
    """Add a victim, perpetrator/recruiter or reporter; victims are checked for duplicates."""
    return _write(db, principal, case_id, "case.person",
                  lambda c: store.add_person(db, c, body.model_dump()), role=body.role)


@api_router.post("/{case_id}/events", status_code=201)
def event(case_id: IdPath, body: EventIn, db: Session = Depends(get_db),
          principal: Principal = Depends(require("cases.update"))) -> Response:
    return _write(db, principal, case_id, "case.event",
                  lambda c: store.add_event(db, c, body.model_dump()), type=body.type)


@api_router.post("/{case_id}/consents", status_code=201)
def consent(case_id: IdPath, body: ConsentIn, db: Session = Depends(get_db),
            principal: Principal = Depends(require("cases.update"))) -> Response:
    """Record the victim's consent (or refusal) for a scope; it replaces the previous answer."""
    return _write(db, principal, case_id, "case.consent",
                  lambda c: store.record_consent(db, principal, c, body.person_id, body.scope,
                                                 body.given, body.method),
                  scope=body.scope, given=body.given)


@api_router.post("/{case_id}/support-plans", status_code=201)
def support_plan(case_id: IdPath, body: SupportPlanIn, db: Session = Depends(get_db),
                 principal: Principal = Depends(require("cases.update"))) -> Response:
    return _write(db, principal, case_id, "case.support_plan",
                  lambda c: store.add_support_plan(db, c, body.model_dump()))


@api_router.post("/{case_id}/assessments", status_code=201)
def assessment(case_id: IdPath, body: AssessmentIn, db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.update"))) -> Response:
    return _write(db, principal, case_id, "case.assessment",
                  lambda c: store.add_assessment(db, principal, c, body.model_dump()))


@api_router.post("/{case_id}/referrals", status_code=201)
def refer(case_id: IdPath, body: ReferralIn, db: Session = Depends(get_db),
          principal: Principal = Depends(require("cases.refer"))) -> Response:
    """Refer (services) or transfer (ownership) to an organisation. Needs the victim's recorded
    consent to referral, or ``override_reason`` from a role allowed to override."""
    return _write(db, principal, case_id, "case.referral",
                  lambda c: store.create_referral(db, principal, c, body.organisation,
                                                  kind=body.kind, reason=body.reason,
                                                  details=body.details,
                                                  override_reason=body.override_reason),
                  organisation=body.organisation, kind=body.kind,
                  consent_override=bool(body.override_reason))


@api_router.post("/{case_id}/merge", status_code=201)
def merge(case_id: IdPath, body: MergeIn, db: Session = Depends(get_db),
          principal: Principal = Depends(require("cases.merge"))) -> Response:
    """Merge ``duplicate_case_id`` into this case (it becomes "duplicate"); undo via
    ``POST /api/v1/cases/merges/{id}/undo``."""
    try:
        other = store.get_case(db, principal, body.duplicate_case_id)
    except CaseError as exc:
        return error(exc)
    return _write(db, principal, case_id, "case.merge",
                  lambda c: store.merge_cases(db, principal, c, other, body.reason),
                  merged_case_id=other.id)


@api_router.get("/{case_id}/duplicates")
def case_duplicates(case_id: IdPath, db: Session = Depends(get_db),
                    principal: Principal = Depends(require("cases.read"))) -> Response:
    try:
        case = _case(db, principal, case_id)
    except CaseError as exc:
        return error(exc)
    data = store.case_dict(db, case)["duplicates"]
    audit.record("case.duplicates", principal, object_type="case", object_id=case.id,
                 count=len(data), session=db)
    db.commit()
    return _json(data)


@api_router.post("/{case_id}/attachments", status_code=201)
def upload(case_id: IdPath, file: UploadFile = File(...), db: Session = Depends(get_db),
           principal: Principal = Depends(require("cases.attachments"))) -> Response:
    """Upload a PDF, JPEG or PNG (checked by content, size-limited)."""
    limit = get_settings().cases_attachment_max_bytes
    data = file.file.read(limit + 1)
    return _write(db, principal, case_id, "case.attachment",
                  lambda c: store.save_attachment(db, principal, c, file.filename, data),
                  size=len(data))


@api_router.get("/{case_id}/attachments/{attachment_id}")
def download(case_id: IdPath, attachment_id: IdPath, request: Request,
             db: Session = Depends(get_db),
             principal: Principal = Depends(require("cases.attachments"))) -> Response:
    try:
        case = _case(db, principal, case_id)
        item, path = store.get_attachment(db, case, attachment_id)
    except CaseError as exc:
        return error(exc)
    audit.record("case.attachment_download", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, attachment_id=item.id, ip=client_ip(request),
                 session=db)
    db.commit()
    return attachment_response(item, path)


def attachment_response(item: Any, path: Any) -> Response:
    """Served with the type we detected (never the uploader's) and as a download."""
    return FileResponse(path, media_type=item.content_type, filename=item.original_name,
                        content_disposition_type="attachment",
                        headers={"x-content-type-options": "nosniff",
                                 "content-security-policy": "default-src 'none'; sandbox"})
