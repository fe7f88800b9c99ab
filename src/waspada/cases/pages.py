"""Case pages (server-rendered) and the public family report form (no account).

Thin: parse the form, check access, call the store, audit, render. Text is always rendered
through Jinja autoescape; nothing submitted is ever marked safe.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from waspada.cases import htcds, store
from waspada.cases.api import attachment_response
from waspada.cases.store import CaseError, CaseFilters
from waspada.cases.workflow import load_workflow
from waspada.platform import audit, i18n
from waspada.platform.deps import client_ip, form_fields, get_db, public, require
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.ratelimit import RateLimiter
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.settings import get_settings
from waspada.platform.templating import render
from waspada.platform.types import IdPath, PageQuery, parse_id

router = APIRouter(include_in_schema=False)
_settings = get_settings()
public_report_limiter = RateLimiter(limit=_settings.cases_public_reports_per_hour, window=3600)
public_lookup_limiter = RateLimiter(limit=_settings.cases_public_lookups_per_hour, window=3600)


ERRORS = {
    "consent_required": N_("The victim's consent to referral is not recorded. Record it first, "
                           "or give a reason to override."),
    "override_not_allowed": N_("Your role may not override the victim's consent."),
    "override_reason": N_("The override reason must be 10 to 1000 characters."),
    "role_not_allowed": N_("Your role may not take this step."),
    "wrong_state": N_("This step is not possible in the case's current state."),
    "invalid_fields": N_("Some required fields are missing or not valid."),
    "file_too_large": N_("The file is too large."),
    "file_type": N_("Only PDF, JPEG and PNG files are accepted."),
    "empty_file": N_("The file is empty."),
    "empty": N_("The text is empty."),
    "too_long": N_("A field is too long."),
    "victim_required": N_("Enter at least the victim's name."),
    "reason_required": N_("Give a reason for the merge."),
    "already_merged": N_("One of the cases is already merged."),
    "already_answered": N_("This referral was already answered."),
    "not_found": N_("The page or record you asked for does not exist."),
}
GENERIC_ERROR = N_("The request is not valid.")
#: the public form is small: anything bigger than this is refused before it is parsed
PUBLIC_MAX_BODY = 32 * 1024

FIELD_LABELS = {
    "trafficking_status": N_("Trafficking status"), "note": N_("Note"),
    "location_country": N_("Country (ISO code, e.g. KH)"), "location_city": N_("City"),
    "exit_date": N_("Date of exit"), "exit_mode": N_("How the victim got out"),
    "shelter_name": N_("Shelter"), "citizenship_basis": N_("Basis of citizenship verification"),
    "splp_number": N_("SPLP number"), "splp_issued_on": N_("SPLP issue date"),
    "arrival_date": N_("Arrival date"), "arrival_port": N_("Arrival port (TPI)"),
    "return_mode": N_("How the victim returned"), "handover_to": N_("Handed over to"),
    "handover_date": N_("Hand-over date"), "closure_reason": N_("Reason for closure"),
    "closure_note": N_("Closure note"), "duplicate_of": N_("Duplicate of (case reference)"),
    "last_contact_date": N_("Date of last contact"),
}
CHOICE_LABELS = {
    "PossibleVictimOfTrafficking": N_("Possible victim of trafficking"),
    "ActualVictimOfTrafficking": N_("Actual victim of trafficking"),
    "rescued": N_("Rescued"), "self_exit": N_("Left on their own"), "released": N_("Released"),
    "deported": N_("Deported"), "passport": N_("Passport"),
    "nik_dukcapil": N_("NIK checked with Dukcapil"), "interview": N_("Interview"),
    "family_documents": N_("Family documents"), "own_return": N_("Returned on their own"),
    "other": N_("Other"),
}
EXPLOITATION_LABELS = {
    "ForcedCriminality": N_("Forced criminality (online scam / gambling compound)"),
    "ForcedLabour": N_("Forced labour"), "SexualExploitation": N_("Sexual exploitation"),
    "Other": N_("Other"),
}
COMPOUND_LABELS = {"OnlineScam": N_("Online scam"), "OnlineGambling": N_("Online gambling"),
                   "OtherCompound": N_("Other compound"), "NotACompound": N_("Not a compound")}
DESTINATIONS = {"KH": N_("Cambodia"), "MM": N_("Myanmar"), "LA": N_("Laos"),
                "TH": N_("Thailand"), "PH": N_("Philippines"), "MY": N_("Malaysia"),
                "VN": N_("Vietnam"), "AE": N_("United Arab Emirates")}
PUBLIC_PROBLEMS = {"required": N_("This field is required."),
                   "too_long": N_("This text is too long."),
                   "invalid": N_("This value is not valid.")}


def _lang() -> str:
    return i18n.current_language.get()


def _error_text(exc: CaseError) -> str:
    return _(ERRORS.get(exc.code, GENERIC_ERROR))


def _common() -> dict[str, Any]:
    wf = load_workflow()
    return {"wf": wf, "field_labels": FIELD_LABELS, "choice_labels": CHOICE_LABELS,
            "exploitation_labels": EXPLOITATION_LABELS, "compound_labels": COMPOUND_LABELS,
            "destinations": DESTINATIONS, "allowed": allowed}


# -- list and intake --------------------------------------------------------------------------

@router.get("/cases")
def case_list(request: Request, status: str = "", overdue: str = "", destination: str = "",
              exploitation: str = "", unit: str = "", reference: str = "", page: PageQuery = 1,
              db: Session = Depends(get_db),
              principal: Principal = Depends(require("cases.read"))) -> Response:
    filters = CaseFilters(status=status[:32] or None, overdue=overdue == "1",
                          destination=destination[:2] or None,
                          exploitation=exploitation[:40] or None,
                          unit_id=parse_id(unit),
                          reference=reference[:32] or None)
    rows, more = store.list_cases(db, principal, filters, page)
    audit.record("case.list", principal, object_type="case", count=len(rows), page=page,
                 session=db)
    db.commit()
    query = {"status": status, "overdue": overdue, "destination": destination,
             "exploitation": exploitation, "unit": unit, "reference": reference}
    return render(request, "cases/list.html", {
        **_common(), "rows": rows, "has_more": more, "page": max(1, page), "filters": query,
        "lang": _lang()})


@router.get("/cases/new")
def case_new(request: Request, principal: Principal = Depends(require("cases.create"))
             ) -> Response:
    return render(request, "cases/new.html", {**_common(), "error": None, "form": {}})


@router.post("/cases/new")
def case_new_submit(request: Request, db: Session = Depends(get_db),
                    victim_name: str = Form(""), victim_birth_date: str = Form(""),
                    victim_gender: str = Form(""), victim_nik: str = Form(""),
                    victim_passport: str = Form(""), victim_phone: str = Form(""),
                    destination_country: str = Form(""), destination_city: str = Form(""),
                    exploitation_type: str = Form(""), compound_type: str = Form(""),
                    source: str = Form("officer"), summary: str = Form(""),
                    reporter_name: str = Form(""), reporter_phone: str = Form(""),
                    recruiter_name: str = Form(""),
                    principal: Principal = Depends(require("cases.create"))) -> Response:
    form = {k: v for k, v in locals().items() if isinstance(v, str)}
    persons: list[dict[str, Any]] = [{
        "role": "victim", "full_name": victim_name, "birth_date": victim_birth_date or None,
        "gender": victim_gender or None, "identity_number": victim_nik or None,
        "passport_number": victim_passport or None, "mobile_phone": victim_phone or None,
        "citizenship": "ID"}]
    if not victim_name.strip():
        persons = []
    if reporter_name.strip():
        persons.append({"role": "reporter", "full_name": reporter_name,
                        "mobile_phone": reporter_phone or None})
    if recruiter_name.strip():
        persons.append({"role": "perpetrator", "full_name": recruiter_name,
                        "perpetrator_role": "RecruiterOrIntermediary"})
    data = {"destination_country": destination_country, "destination_city": destination_city,
            "exploitation_type": [exploitation_type] if exploitation_type else [],
            "compound_type": compound_type or None, "summary": summary, "persons": persons}
    try:
        if principal.unit_id is None:
            raise CaseError("no_unit", "no unit", 409)
        case = store.create_case(db, principal, data, owner_unit_id=principal.unit_id,
                                 source=source if source in ("officer", "ngo", "hotline",
                                                             "family", "victim") else "officer")
    except CaseError as exc:
        db.rollback()
        return render(request, "cases/new.html", {**_common(), "error": _error_text(exc),
                                                  "form": form}, status_code=exc.status)
    db.flush()
    audit.record("case.create", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, persons=len(persons), ip=client_ip(request),
                 session=db)
    db.commit()
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


# -- one case ---------------------------------------------------------------------------------

def _case_page(request: Request, db: Session, principal: Principal, case_id: int,
               error: str | None = None, status_code: int = 200) -> Response:
    try:
        case = store.get_case(db, principal, case_id)
    except CaseError:
        return render(request, "error.html", {"status": 404, "code": "not_found",
                                              "message": _(ERRORS["not_found"])},
                      status_code=404)
    data = store.view_case(db, principal, case)
    orgs = store.list_organisations(db)
    audit.record("case.view", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, ip=client_ip(request), session=db)
    db.commit()
    return render(request, "cases/detail.html", {
        **_common(), "case": data, "error": error, "orgs": orgs,
        "referral_reasons": htcds.REFERRAL_REASONS,
        "support_plan_types": htcds.SUPPORT_PLAN_TYPES, "lang": _lang()}, status_code=status_code)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: IdPath, db: Session = Depends(get_db),
              principal: Principal = Depends(require("cases.read"))) -> Response:
    return _case_page(request, db, principal, case_id)


def _act(request: Request, db: Session, principal: Principal, case_id: int, action: str,
         fn, **detail: Any) -> Response:  # type: ignore[no-untyped-def]
    try:
        case = store.get_case(db, principal, case_id)
        result = fn(case)
    except CaseError as exc:
        db.rollback()
        return _case_page(request, db, principal, case_id, error=_error_text(exc),
                          status_code=exc.status if exc.status != 404 else 404)
    db.flush()  # assigns the new item's id for the audit entry
    audit.record(action, principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, item_id=getattr(result, "id", None), **detail,
                 session=db)
    db.commit()
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/transition")
def case_transition(request: Request, case_id: IdPath, form: FormData = Depends(form_fields),
                    db: Session = Depends(get_db),
                    principal: Principal = Depends(require("cases.transition"))) -> Response:
    code = str(form.get("transition", ""))[:32]
    values = {k: str(v)[:1000] for k, v in form.items()
              if k not in ("csrf_token", "transition") and isinstance(v, str)}
    return _act(request, db, principal, case_id, "case.transition",
                lambda c: store.apply_transition(db, principal, c, code, values),
                transition=code)


@router.post("/cases/{case_id}/comment")
def case_comment(request: Request, case_id: IdPath, body: str = Form(""),
                 db: Session = Depends(get_db),
                 principal: Principal = Depends(require("cases.comment"))) -> Response:
    return _act(request, db, principal, case_id, "case.comment",
                lambda c: store.add_comment(db, principal, c, body[:6000]))


@router.post("/cases/{case_id}/task")
def case_task(request: Request, case_id: IdPath, title: str = Form(""), due_on: str = Form(""),
              db: Session = Depends(get_db),
              principal: Principal = Depends(require("cases.update"))) -> Response:
    return _act(request, db, principal, case_id, "case.task",
                lambda c: store.add_task(db, principal, c, title[:300], due_on[:10] or None))


@router.post("/cases/{case_id}/tasks/{task_id}/done")
def case_task_done(request: Request, case_id: IdPath, task_id: IdPath,
                   db: Session = Depends(get_db),
                   principal: Principal = Depends(require("cases.update"))) -> Response:
    return _act(request, db, principal, case_id, "case.task_done",
                lambda c: store.complete_task(db, c, task_id))


@router.post("/cases/{case_id}/event")
def case_event(request: Request, case_id: IdPath, type: str = Form(""), date: str = Form(""),
               city: str = Form(""), country: str = Form(""), description: str = Form(""),
               db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.update"))) -> Response:
    data = {"type": type, "date": date[:10] or None, "city": city[:200],
            "country": country[:4], "description": description[:3000]}
    return _act(request, db, principal, case_id, "case.event",
                lambda c: store.add_event(db, c, data), type=type[:16])


@router.post("/cases/{case_id}/person")
def case_person(request: Request, case_id: IdPath, role: str = Form("victim"),
                full_name: str = Form(""), birth_date: str = Form(""),
                mobile_phone: str = Form(""), db: Session = Depends(get_db),
                principal: Principal = Depends(require("cases.update"))) -> Response:
    data = {"role": role[:16], "full_name": full_name[:300], "birth_date": birth_date[:10] or None,
            "mobile_phone": mobile_phone[:40] or None,
            "perpetrator_role": "RecruiterOrIntermediary" if role == "perpetrator" else None}
    return _act(request, db, principal, case_id, "case.person",
                lambda c: store.add_person(db, c, data), role=role[:16])


@router.post("/cases/{case_id}/assessment")
def case_assessment(request: Request, case_id: IdPath, level: str = Form(""), risk: str = Form(""),
                    notes: str = Form(""), db: Session = Depends(get_db),
                    principal: Principal = Depends(require("cases.update"))) -> Response:
    data = {"level": level[:16], "risk": risk[:16], "notes": notes[:3000]}
    return _act(request, db, principal, case_id, "case.assessment",
                lambda c: store.add_assessment(db, principal, c, data))


@router.post("/cases/{case_id}/support-plan")
def case_support_plan(request: Request, case_id: IdPath, type: str = Form(""),
                      objectives: str = Form(""), action_plan: str = Form(""),
                      planned_end: str = Form(""), db: Session = Depends(get_db),
                      principal: Principal = Depends(require("cases.update"))) -> Response:
    data = {"type": type[:48], "objectives": objectives[:3000], "action_plan": action_plan[:3000],
            "planned_end": planned_end[:10] or None}
    return _act(request, db, principal, case_id, "case.support_plan",
                lambda c: store.add_support_plan(db, c, data))


@router.post("/cases/{case_id}/consent")
def case_consent(request: Request, case_id: IdPath, scope: str = Form("referral"),
                 given: str = Form("0"), method: str = Form("verbal"),
                 db: Session = Depends(get_db),
                 principal: Principal = Depends(require("cases.update"))) -> Response:
    return _act(request, db, principal, case_id, "case.consent",
                lambda c: store.record_consent(db, principal, c, None, scope[:32], given == "1",
                                               method[:16]),
                scope=scope[:32], given=given == "1")


@router.post("/cases/{case_id}/referral")
def case_referral(request: Request, case_id: IdPath, organisation: str = Form(""),
                  kind: str = Form("referral"), reason: str = Form("AdditionalServicesRequired"),
                  details: str = Form(""), override_reason: str = Form(""),
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("cases.refer"))) -> Response:
    return _act(request, db, principal, case_id, "case.referral",
                lambda c: store.create_referral(db, principal, c, organisation[:32],
                                                kind=kind[:16], reason=reason[:40],
                                                details=details[:2000],
                                                override_reason=override_reason[:1100] or None),
                organisation=organisation[:32], consent_override=bool(override_reason))


@router.post("/cases/referrals/{referral_id}/answer")
def referral_answer(request: Request, referral_id: IdPath, accept: str = Form("0"),
                    note: str = Form(""), db: Session = Depends(get_db),
                    principal: Principal = Depends(require("cases.referral_respond"))
                    ) -> Response:
    try:
        referral = store.respond_referral(db, principal, referral_id, accept == "1", note[:1000])
    except CaseError as exc:
        db.rollback()
        return render(request, "error.html", {"status": exc.status, "code": exc.code,
                                              "message": _error_text(exc)},
                      status_code=exc.status)
    audit.record("case.referral_answer", principal, object_type="case",
                 object_id=referral.case_id, referral_id=referral.id, status=referral.status,
                 session=db)
    db.commit()
    return RedirectResponse(f"/cases/{referral.case_id}", status_code=303)


@router.post("/cases/{case_id}/merge")
def case_merge(request: Request, case_id: IdPath, duplicate_reference: str = Form(""),
               reason: str = Form(""), db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.merge"))) -> Response:
    def run(case):  # type: ignore[no-untyped-def]
        rows, _more = store.list_cases(db, principal,
                                       CaseFilters(reference=duplicate_reference[:32]))
        if not rows:
            raise CaseError("not_found", "no such case", 404)
        other = store.get_case(db, principal, rows[0]["id"])
        return store.merge_cases(db, principal, case, other, reason[:1000])

    return _act(request, db, principal, case_id, "case.merge", run)


@router.post("/cases/merges/{merge_id}/undo")
def merge_undo(request: Request, merge_id: IdPath, db: Session = Depends(get_db),
               principal: Principal = Depends(require("cases.merge"))) -> Response:
    try:
        record = store.undo_merge(db, principal, merge_id)
    except CaseError as exc:
        db.rollback()
        return render(request, "error.html", {"status": exc.status, "code": exc.code,
                                              "message": _error_text(exc)},
                      status_code=exc.status)
    audit.record("case.unmerge", principal, object_type="case", object_id=record.merged_id,
                 merge_id=record.id, session=db)
    db.commit()
    return RedirectResponse(f"/cases/{record.survivor_id}", status_code=303)


@router.post("/cases/{case_id}/attachments")
def case_upload(request: Request, case_id: IdPath, file: UploadFile = File(None),
                db: Session = Depends(get_db),
                principal: Principal = Depends(require("cases.attachments"))) -> Response:
    limit = get_settings().cases_attachment_max_bytes
    data = file.file.read(limit + 1) if file is not None else b""
    name = file.filename if file is not None else None
    return _act(request, db, principal, case_id, "case.attachment",
                lambda c: store.save_attachment(db, principal, c, name, data), size=len(data))


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def case_download(request: Request, case_id: IdPath, attachment_id: IdPath,
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("cases.attachments"))) -> Response:
    try:
        case = store.get_case(db, principal, case_id)
        item, path = store.get_attachment(db, case, attachment_id)
    except CaseError as exc:
        return render(request, "error.html", {"status": 404, "code": "not_found",
                                              "message": _error_text(exc)}, status_code=404)
    audit.record("case.attachment_download", principal, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, attachment_id=item.id, ip=client_ip(request),
                 session=db)
    db.commit()
    return attachment_response(item, path)


# -- public form (no account) -----------------------------------------------------------------

@router.get("/lapor", dependencies=[Depends(public)])
def public_form(request: Request) -> Response:
    return render(request, "cases/public_report.html", {**_common(), "form": {},
                                                        "problems": {}, "error": None})


@router.post("/lapor", dependencies=[Depends(public)])
async def public_submit(request: Request, db: Session = Depends(get_db)) -> Response:
    ip = client_ip(request) or "unknown"
    if not public_report_limiter.hit(ip):
        audit.record("case.public_report", None, outcome="refused", ip=ip, reason="rate_limited")
        return render(request, "cases/public_report.html", {
            **_common(), "form": {}, "problems": {},
            "error": _("Too many reports from this connection. Please try again later.")},
            status_code=429)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > PUBLIC_MAX_BODY:
        audit.record("case.public_report", None, outcome="refused", ip=ip, reason="too_large")
        return render(request, "cases/public_report.html", {
            **_common(), "form": {}, "problems": {},
            "error": _("The request is too large.")}, status_code=413)
    raw = await request.form(max_files=0, max_fields=30)
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    return await run_in_threadpool(_public_submit, request, form, ip, db)


def _public_submit(request: Request, form: dict[str, str], ip: str, db: Session) -> Response:
    if form.get("website"):  # honeypot: people do not see this field, robots fill it in
        audit.record("case.public_report", None, outcome="refused", ip=ip, reason="honeypot")
        return render(request, "cases/public_done.html", {"code": None})
    consent = form.get("consent") == "1"
    report = store.clean_public_report(form)
    if not consent:
        report.problems["consent"] = "required"
    if report.problems:
        shown = {k: v[:200] for k, v in form.items() if k in store.PUBLIC_LIMITS}
        return render(request, "cases/public_report.html", {
            **_common(), "form": shown,
            "problems": {k: _(PUBLIC_PROBLEMS[v if v in PUBLIC_PROBLEMS else "invalid"])
                         for k, v in report.problems.items()},
            "error": _("Please correct the marked fields.")}, status_code=422)
    case, code = store.create_public_case(db, report)
    db.flush()
    audit.record("case.public_report", None, object_type="case", object_id=case.id,
                 unit_id=case.owner_unit_id, ip=ip, session=db)
    db.commit()
    return render(request, "cases/public_done.html", {"code": code})


@router.get("/lapor/status", dependencies=[Depends(public)])
def public_status_form(request: Request) -> Response:
    return render(request, "cases/public_status.html", {"result": None, "asked": False})


@router.post("/lapor/status", dependencies=[Depends(public)])
def public_status(request: Request, code: str = Form(""), db: Session = Depends(get_db)
                  ) -> Response:
    ip = client_ip(request) or "unknown"
    if not public_lookup_limiter.hit(ip):
        return render(request, "cases/public_status.html", {
            "result": None, "asked": True, "limited": True}, status_code=429)
    found = store.public_status(db, code[:100])
    audit.record("case.public_status", None, outcome="ok" if found else "not_found", ip=ip,
                 session=db)
    db.commit()
    result = None
    if found:
        state = load_workflow().states[found[0]]
        result = {"label": state.label(_lang()), "updated": found[1].date().isoformat()}
    return render(request, "cases/public_status.html", {"result": result, "asked": True},
                  status_code=200 if found else 404)
