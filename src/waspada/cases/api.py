"""Cases JSON API under ``/api/v1/cases``: parse the body into a model from ``schemas.py``, call
one :mod:`waspada.cases.service` function, answer its result. A refusal (``CaseError``) is
answered by the one ``DomainError`` handler (``platform/errors.py``) as
``{"error": {"code", "message", "problems"?}}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response

from waspada.cases import service
from waspada.cases.htcds_models import HtcdsExportOut
from waspada.cases.limits import EXPORT_IDS
from waspada.cases.schemas import (
    AssessmentIn,
    CaseIn,
    CaseListOut,
    CaseOut,
    CommentIn,
    CommentOut,
    ConsentIn,
    DuplicateOut,
    EventIn,
    ExportJobOut,
    HtcdsDetailsIn,
    HtcdsDetailsOut,
    HtcdsExportIn,
    ItemOut,
    MergeIn,
    OrganisationCreated,
    OrganisationIn,
    OrganisationOut,
    PersonIn,
    ReferralAnswer,
    ReferralAnswerOut,
    ReferralIn,
    RetentionOut,
    StatsOut,
    SubjectExportOut,
    SupportPlanIn,
    TaskIn,
    TransitionIn,
    UndoMergeOut,
    WorkflowOut,
)
from waspada.cases.store import CaseFilters
from waspada.cases.workflow import load_workflow
from waspada.platform.deps import DB, client_ip, require
from waspada.platform.security.policy import Principal
from waspada.platform.settings import get_settings
from waspada.platform.types import MAX_ID, IdPath, OptionalIdQuery, PageQuery, parse_id

api_router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
Reader = Annotated[Principal, Depends(require("cases.read"))]


def _filters(status: str | None, overdue: bool, unit: int | None, destination: str | None,
             exploitation: str | None, reference: str | None = None) -> CaseFilters:
    return CaseFilters(status=status or None, overdue=overdue, unit_id=unit,
                       destination=destination or None, exploitation=exploitation or None,
                       reference=reference or None)


@api_router.get("", response_model=CaseListOut)
def list_cases(request: Request, db: DB, principal: Reader,
               status: str | None = Query(None, max_length=32),
               overdue: bool = False, unit: OptionalIdQuery = None,
               destination: str | None = Query(None, max_length=2),
               exploitation: str | None = Query(None, max_length=40),
               reference: str | None = Query(None, max_length=32), page: PageQuery = 1
               ) -> dict[str, Any]:
    """Visible cases, newest first (own unit's and shared ones; analysts: all, de-identified)."""
    rows, more = service.list_cases(db, principal, _filters(status, overdue, unit, destination,
                                                            exploitation, reference), page,
                                    ip=client_ip(request))
    return {"page": page, "has_more": more, "cases": rows}


@api_router.post("", status_code=201, response_model=CaseOut)
def create_case(body: CaseIn, request: Request, db: DB,
                principal: Annotated[Principal, Depends(require("cases.create"))]
                ) -> dict[str, Any]:
    """Officer intake. The case belongs to the officer's unit; victims are checked for
    duplicates against existing cases."""
    return service.create_case(db, principal, body, ip=client_ip(request))


@api_router.get("/workflow", response_model=WorkflowOut)
def workflow_table(principal: Reader) -> dict[str, Any]:
    """The workflow as data: states and transitions with their English labels."""
    wf = load_workflow()
    return {
        "stale_days": wf.stale_days,
        "states": [{"code": s.code, "label_en": s.label,
                    "htcds": s.htcds, "terminal": s.terminal, "deadline_days": s.deadline_days}
                   for s in wf.states.values()],
        "transitions": [{"code": t.code, "label_en": t.label,
                         "from": list(t.sources), "to": t.target, "roles": sorted(t.roles),
                         "fields": [f.name for f in t.fields if not f.optional]}
                        for t in wf.transitions.values()],
        "closure_reasons": list(wf.closure_reasons)}


@api_router.get("/organisations", response_model=list[OrganisationOut])
def organisations(db: DB, principal: Reader) -> list[dict[str, Any]]:
    return [{"code": o.code, "name": o.name, "name_en": o.name_en, "type": o.org_type,
             "country": o.country, "in_waspada": o.unit_id is not None}
            for o in service.list_organisations(db)]


@api_router.post("/organisations", status_code=201, response_model=OrganisationCreated)
def add_organisation(body: OrganisationIn, db: DB,
                     principal: Annotated[Principal, Depends(require("cases.organisations"))]
                     ) -> dict[str, Any]:
    org = service.add_organisation(db, principal, body)
    return {"code": org.code, "id": org.id}


@api_router.get("/stats", response_model=StatsOut)
def case_stats(db: DB, principal: Annotated[Principal, Depends(require("cases.stats"))],
               k: int | None = Query(None, ge=2, le=100)) -> dict[str, Any]:
    """Counts by status and by month of report; ``k`` hides cells below k (CTDC uses 11)."""
    return service.stats(db, principal, k)


def _parse_ids(ids: str) -> list[int]:
    """``1,2, 3`` -> [1, 2, 3]; anything that is not a valid case id is a 422, not dropped."""
    parts = [part for part in ids.split(",") if part.strip()]
    parsed = [parse_id(part) for part in parts]
    bad = sum(1 for value in parsed if value is None)
    if bad or len(parsed) > EXPORT_IDS:
        raise HTTPException(422, detail=[{"loc": ["query", "ids"], "msg": (
            f"ids must be at most {EXPORT_IDS} comma-separated case ids between 1 and "
            f"{MAX_ID}; {bad} of {len(parts)} are not")}])
    return [value for value in parsed if value is not None]


@api_router.get("/export", response_model=HtcdsExportOut, responses={200: {"content": {
    "application/zip": {"schema": {"type": "string", "format": "binary"}}},
    "description": "HTCDS 2.0 records: the JSON document (``format=htcds-json``, the schema "
                   "below), or a zip of one CSV per HTCDS object (``format=htcds-csv``, sent "
                   "as an attachment)"}})
def export(request: Request, db: DB,
           principal: Annotated[Principal, Depends(require("cases.export"))],
           format: Literal["htcds-json", "htcds-csv"] = "htcds-json",
           ids: str = Query("", max_length=20000, description="comma-separated case ids"),
           status: str | None = Query(None, max_length=32), overdue: bool = False,
           destination: str | None = Query(None, max_length=2),
           exploitation: str | None = Query(None, max_length=40)) -> Response:
    """HTCDS export of selected cases, answered in this request (kept for existing clients;
    ``POST /api/v1/cases/export`` runs it as a background job). Names and contacts only for
    roles allowed to see them."""
    exported = service.export_file(db, principal, HtcdsExportIn(
        format=format, ids=_parse_ids(ids), status=status, overdue=overdue,
        destination=destination, exploitation=exploitation), ip=client_ip(request))
    if exported.media_type == "application/zip":
        return Response(exported.data, media_type=exported.media_type, headers={
            "content-disposition": f'attachment; filename="{exported.name}"'})
    return Response(exported.data, media_type=exported.media_type)


@api_router.post("/export", status_code=202, response_model=ExportJobOut,
                 responses={202: {"description": "The export job was queued"},
                            429: {"description": "too_many_jobs: the caller already has "
                                                 "WASPADA_JOB_MAX_ACTIVE (5) jobs waiting or "
                                                 "running"}})
def start_export(body: HtcdsExportIn, response: Response, db: DB,
                 principal: Annotated[Principal, Depends(require("cases.export"))]
                 ) -> ExportJobOut:
    """Start the HTCDS export of the selected cases as a background job; poll ``url``
    (``GET /api/v1/jobs/{id}``) until it is finished, then download its file from
    ``GET /api/v1/jobs/{id}/files/{name}``. The file is what the synchronous ``GET`` answers
    for the same principal (redacted by role; audited ``case.export`` when the job reads)."""
    job = service.start_export(db, principal, body)
    response.headers["location"] = f"/api/v1/jobs/{job.id}"
    return ExportJobOut(job_id=job.id, status=job.status, url=f"/api/v1/jobs/{job.id}",
                        page=f"/jobs/{job.id}")


@api_router.post("/referrals/{referral_id}/answer", response_model=ReferralAnswerOut)
def answer_referral(referral_id: IdPath, body: ReferralAnswer, db: DB,
                    principal: Annotated[Principal, Depends(require("cases.referral_respond"))]
                    ) -> dict[str, Any]:
    """The receiving organisation's unit accepts or declines a referral or transfer."""
    ref_id, _case_id, status = service.answer_referral(db, principal, referral_id, body)
    return {"id": ref_id, "status": status}


@api_router.post("/merges/{merge_id}/undo", response_model=UndoMergeOut)
def undo_merge(merge_id: IdPath, db: DB,
               principal: Annotated[Principal, Depends(require("cases.merge"))]
               ) -> dict[str, Any]:
    record_id, _survivor, undone_at = service.undo_merge(db, principal, merge_id)
    return {"id": record_id, "undone_at": undone_at}


@api_router.get("/persons/{person_id}/subject-export", response_model=SubjectExportOut)
def person_subject_export(person_id: IdPath, request: Request, db: DB,
                          principal: Annotated[Principal,
                                               Depends(require("cases.subject_export"))]
                          ) -> dict[str, Any]:
    """Everything held about one person and who accessed it (UU 27/2022 data-subject request)."""
    return service.subject_export(db, principal, person_id, ip=client_ip(request))


@api_router.post("/retention/run", response_model=RetentionOut)
def run_retention(db: DB, principal: Annotated[Principal, Depends(require("cases.retention"))],
                  older_than_days: int | None = Query(None, ge=0, le=36500)) -> dict[str, Any]:
    """Anonymise closed cases past the retention period (default WASPADA_CASES_RETENTION_DAYS)."""
    done = service.run_retention(db, principal, older_than_days)
    return {"anonymised": len(done), "case_ids": done}


# -- one case ---------------------------------------------------------------------------------

@api_router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: IdPath, request: Request, db: DB, principal: Reader) -> dict[str, Any]:
    """One case with its people, events, history, tasks, comments, referrals; fields the
    caller's role may not see are removed (``hidden`` names the groups)."""
    return service.view_case(db, principal, case_id, ip=client_ip(request))


Updater = Annotated[Principal, Depends(require("cases.update"))]


@api_router.post("/{case_id}/transitions", status_code=201, response_model=ItemOut)
def transition(case_id: IdPath, body: TransitionIn, db: DB,
               principal: Annotated[Principal, Depends(require("cases.transition"))]) -> ItemOut:
    """Move the case through the workflow (see ``GET /api/v1/cases/workflow``)."""
    return service.transition(db, principal, case_id, body)


@api_router.post("/{case_id}/comments", status_code=201, response_model=CommentOut)
def comment(case_id: IdPath, body: CommentIn, db: DB,
            principal: Annotated[Principal, Depends(require("cases.comment"))]) -> CommentOut:
    """Add a comment (1-5000 characters) to the case."""
    return service.add_comment(db, principal, case_id, body)


@api_router.post("/{case_id}/tasks", status_code=201, response_model=ItemOut)
def task(case_id: IdPath, body: TaskIn, db: DB, principal: Updater) -> ItemOut:
    return service.add_task(db, principal, case_id, body)


@api_router.post("/{case_id}/tasks/{task_id}/done", status_code=201, response_model=ItemOut)
def task_done(case_id: IdPath, task_id: IdPath, db: DB, principal: Updater) -> ItemOut:
    return service.complete_task(db, principal, case_id, task_id)


@api_router.post("/{case_id}/persons", status_code=201, response_model=ItemOut)
def person(case_id: IdPath, body: PersonIn, db: DB, principal: Updater) -> ItemOut:
    """Add a victim, perpetrator/recruiter or reporter; victims are checked for duplicates."""
    return service.add_person(db, principal, case_id, body)


@api_router.post("/{case_id}/events", status_code=201, response_model=ItemOut)
def event(case_id: IdPath, body: EventIn, db: DB, principal: Updater) -> ItemOut:
    return service.add_event(db, principal, case_id, body)


@api_router.patch("/{case_id}/htcds", response_model=HtcdsDetailsOut)
def htcds_details(case_id: IdPath, body: HtcdsDetailsIn, db: DB, principal: Updater
                  ) -> HtcdsDetailsOut:
    """Change the case's HTCDS 2.0 details (case worker, victim context, incoming referral);
    only the fields sent change."""
    return service.update_htcds(db, principal, case_id, body)


@api_router.post("/{case_id}/consents", status_code=201, response_model=ItemOut)
def consent(case_id: IdPath, body: ConsentIn, db: DB, principal: Updater) -> ItemOut:
    """Record the victim's consent (or refusal) for a scope; it replaces the previous answer."""
    return service.record_consent(db, principal, case_id, body)


@api_router.post("/{case_id}/support-plans", status_code=201, response_model=ItemOut)
def support_plan(case_id: IdPath, body: SupportPlanIn, db: DB, principal: Updater) -> ItemOut:
    return service.add_support_plan(db, principal, case_id, body)


@api_router.post("/{case_id}/assessments", status_code=201, response_model=ItemOut)
def assessment(case_id: IdPath, body: AssessmentIn, db: DB, principal: Updater) -> ItemOut:
    return service.add_assessment(db, principal, case_id, body)


@api_router.post("/{case_id}/referrals", status_code=201, response_model=ItemOut)
def refer(case_id: IdPath, body: ReferralIn, db: DB,
          principal: Annotated[Principal, Depends(require("cases.refer"))]) -> ItemOut:
    """Refer (services) or transfer (ownership) to an organisation. Needs the victim's recorded
    consent to referral, or ``override_reason`` from a role allowed to override."""
    return service.refer(db, principal, case_id, body)


@api_router.post("/{case_id}/merge", status_code=201, response_model=ItemOut)
def merge(case_id: IdPath, body: MergeIn, db: DB,
          principal: Annotated[Principal, Depends(require("cases.merge"))]) -> ItemOut:
    """Merge ``duplicate_case_id`` into this case (it becomes "duplicate"); undo via
    ``POST /api/v1/cases/merges/{id}/undo``."""
    return service.merge(db, principal, case_id, body)


@api_router.get("/{case_id}/duplicates", response_model=list[DuplicateOut])
def case_duplicates(case_id: IdPath, db: DB, principal: Reader) -> list[dict[str, Any]]:
    return service.case_duplicates(db, principal, case_id)


@api_router.post("/{case_id}/attachments", status_code=201, response_model=ItemOut)
def upload(case_id: IdPath, db: DB,
           principal: Annotated[Principal, Depends(require("cases.attachments"))],
           file: UploadFile = File(...)) -> ItemOut:
    """Upload a PDF, JPEG or PNG (checked by content, size-limited)."""
    data = file.file.read(get_settings().cases_attachment_max_bytes + 1)
    return service.upload_attachment(db, principal, case_id, file.filename, data)


@api_router.get("/{case_id}/attachments/{attachment_id}", response_class=FileResponse,
                responses={200: {"content": {"application/pdf": {}, "image/jpeg": {},
                                             "image/png": {}},
                                 "description": "the file, as a download"}})
def download(case_id: IdPath, attachment_id: IdPath, request: Request, db: DB,
             principal: Annotated[Principal, Depends(require("cases.attachments"))]
             ) -> Response:
    item, path = service.download_attachment(db, principal, case_id, attachment_id,
                                             ip=client_ip(request))
    return attachment_response(item, path)


def attachment_response(item: Any, path: Any) -> Response:
    """Served with the type we detected (never the uploader's) and as a download."""
    return FileResponse(path, media_type=item.content_type, filename=item.original_name,
                        content_disposition_type="attachment",
                        headers={"x-content-type-options": "nosniff",
                                 "content-security-policy": "default-src 'none'; sandbox"})
