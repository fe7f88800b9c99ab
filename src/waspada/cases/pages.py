"""Case pages (server-rendered) and the public family report form (no account).

Thin: the form arrives as ``Annotated[Model, Form()]`` (a model from ``schemas.py``), one
:mod:`waspada.cases.service` function does the work (access, change, audit, one commit), the
handler renders. A refusal re-shows the page with the message in the user's language; a form
that does not validate comes back filled in (``platform.formroute``). Text is always rendered
through Jinja autoescape; nothing submitted is ever marked safe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.cases import htcds, htcds_form, limits, service
from waspada.cases.api import attachment_response
from waspada.cases.errors import CaseError
from waspada.cases.messages import (
    ERRORS,
    FIELD_LABELS,
    GENERIC_ERROR,
    field_problems,
    refused_form,
)
from waspada.cases.schemas import (
    AssessmentIn,
    CommentIn,
    ConsentIn,
    EventIn,
    HtcdsExportIn,
    MergeForm,
    MergeIn,
    NewCaseForm,
    PersonIn,
    ReferralAnswer,
    ReferralIn,
    SupportPlanIn,
    TaskIn,
    TransitionIn,
)
from waspada.cases.step_values import step_value
from waspada.cases.store import CaseFilters
from waspada.cases.workflow import load_workflow
from waspada.platform import i18n
from waspada.platform.countries import country_names
from waspada.platform.deps import DB, client_ip, require
from waspada.platform.deps import Form as RawForm
from waspada.platform.formroute import (
    FormRoute,
    Refused,
    Reshow,
    form_input,
    reshow_with,
    values_of,
    with_session,
)
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.ratelimit import RateLimiter
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.settings import get_settings
from waspada.platform.templating import render
from waspada.platform.types import IdPath, PageQuery, parse_id

router = APIRouter(include_in_schema=False, route_class=FormRoute)
_settings = get_settings()
public_report_limiter = RateLimiter(limit=_settings.cases_public_reports_per_hour, window=3600)
public_lookup_limiter = RateLimiter(limit=_settings.cases_public_lookups_per_hour, window=3600)



#: the choices the case forms offer (their words: the labels catalogue, ``platform.labels``)
EXPLOITATION_CHOICES = ("ForcedCriminality", "ForcedLabour", "SexualExploitation", "Other")
DESTINATIONS = {"KH": N_("Cambodia"), "MM": N_("Myanmar"), "LA": N_("Laos"),
                "TH": N_("Thailand"), "PH": N_("Philippines"), "MY": N_("Malaysia"),
                "VN": N_("Vietnam"), "AE": N_("United Arab Emirates")}

def _lang() -> str:
    return i18n.current_language.get()


def _error_text(exc: CaseError) -> str:
    return _(ERRORS.get(exc.code, GENERIC_ERROR))


def _common() -> dict[str, Any]:
    wf = load_workflow()
    return {"wf": wf, "field_labels": FIELD_LABELS, "exploitation_choices": EXPLOITATION_CHOICES,
            "compound_choices": htcds.COMPOUND_TYPES, "destinations": DESTINATIONS,
            "allowed": allowed, "limits": limits, "htcds_choices": htcds_form.form_choices(),
            "htcds_kinds": {**htcds_form.CASE_KINDS, **htcds_form.PERSON_KINDS}}


# -- list and intake --------------------------------------------------------------------------

@router.get("/cases")
def case_list(request: Request, db: DB,
              principal: Annotated[Principal, Depends(require("cases.read"))],
              status: str = "", overdue: str = "", destination: str = "",
              exploitation: str = "", unit: str = "", reference: str = "", source: str = "",
              referral: str = "", tasks: str = "", person: str = "", sort: str = "",
              page: PageQuery = 1) -> Response:
    query = {"status": status, "overdue": overdue, "destination": destination,
             "exploitation": exploitation, "unit": unit, "reference": reference,
             "source": source, "referral": referral, "tasks": tasks, "person": person,
             "sort": sort}
    return _list_page(request, db, principal, query, page)


def _list_page(request: Request, db: Session, principal: Principal, query: dict[str, str],
               page: int = 1, error: str | None = None, status_code: int = 200) -> Response:
    # a filter value longer than any stored value simply matches no case; source, referral
    # and tasks are the home page's work queues (new public reports, referrals awaiting an
    # answer, tasks due)
    get = query.get
    filters = CaseFilters(status=get("status") or None, overdue=get("overdue") == "1",
                          destination=get("destination") or None,
                          exploitation=get("exploitation") or None,
                          unit_id=parse_id(get("unit", "")), reference=get("reference") or None,
                          source=get("source") or None,
                          pending_referral=get("referral") == "pending",
                          tasks_due=get("tasks") == "due", person=get("person") or None)
    # the page opens on the work (open cases, the latest update first); "newest" is the API's
    rows, more = service.list_cases(db, principal, filters, page,
                                    order="newest" if get("sort") == "newest" else "work")
    return render(request, "cases/list.html", {
        **_common(), "rows": rows, "has_more": more, "page": max(1, page),
        "filters": {key: get(key, "") for key in LIST_FILTERS}, "lang": _lang(),
        "export_error": error}, status_code=status_code)


LIST_FILTERS = ("status", "overdue", "destination", "exploitation", "unit", "reference",
                "source", "referral", "tasks", "person", "sort")


def _export_again(request: Request, db: Session, refused: Refused) -> Response:
    fields = refused.fields
    query = {key: fields.get(key, "") for key in ("status", "destination", "exploitation")}
    query["overdue"] = "1" if fields.get("overdue") in ("1", "true", "on") else ""
    return _list_page(request, db, refused.principal, query, error=refused.message,
                      status_code=422)


@router.post("/cases/export")
@reshow_with(with_session(_export_again), HtcdsExportIn, titles=FIELD_LABELS)
def case_export(request: Request, data: Annotated[HtcdsExportIn, Form()], db: DB,
                principal: Annotated[Principal, Depends(require("cases.export"))]) -> Response:
    """Start the HTCDS export of the cases the list's filters select as a background job and
    open its page (the file is offered there when the job is done)."""
    job = service.start_export(db, principal, data)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/cases/new")
def case_new(request: Request, principal: Annotated[Principal, Depends(require("cases.create"))]
             ) -> Response:
    return render(request, "cases/new.html", {**_common(), "error": None, "form": {}})


def _new_again(request: Request, db: Session, principal: Principal, error: str,
               form: dict[str, list[str]], status_code: int,
               problems: dict[str, str] | None = None) -> Response:
    return render(request, "cases/new.html", {
        **_common(), "error": error, "form": {k: v[0] for k, v in form.items() if v},
        "again": form, "problems": problems or {}}, status_code=status_code)


def _refused(again: Callable[..., Response]) -> Reshow:
    """A refused form shows ``again(request, db, principal, message, values, 422, problems)``
    (every submitted value, the problem of each refused field)."""
    return with_session(lambda request, db, refused: again(
        request, db, refused.principal, refused.message, refused.lists, 422, refused.problems))


@router.post("/cases/new")
@reshow_with(_refused(_new_again), NewCaseForm, titles=FIELD_LABELS)
def case_new_submit(request: Request, data: Annotated[NewCaseForm, Form()], db: DB,
                    principal: Annotated[Principal, Depends(require("cases.create"))]
                    ) -> Response:
    try:
        case_in = data.to_case_in()
        if case_in is None:
            raise CaseError("victim_required", "a case needs at least one victim", 422,
                            {"victim_name": "required"})
        case = service.create_case(db, principal, case_in, ip=client_ip(request))
    except CaseError as exc:
        db.rollback()
        return _new_again(request, db, principal, _error_text(exc), values_of(data), exc.status,
                          field_problems(exc))
    return RedirectResponse(f"/cases/{case['id']}", status_code=303)


# -- one case ---------------------------------------------------------------------------------

def _case_page(request: Request, db: Session, principal: Principal, case_id: int,
               error: str | None = None, status_code: int = 200,
               form: dict[str, list[str]] | None = None,
               problems: dict[str, str] | None = None) -> Response:
    try:
        data = service.view_case(db, principal, case_id, ip=client_ip(request))
    except CaseError:
        return render(request, "error.html", {"status": 404, "code": "not_found",
                                              "message": _(ERRORS["not_found"])},
                      status_code=404)
    orgs = service.list_organisations(db)
    return render(request, "cases/detail.html", {
        **_common(), "case": data, "error": error, "orgs": orgs, "again": form or {},
        "problems": problems or {}, "refused_form": refused_form(request, form or {}),
        "referral_reasons": htcds.REFERRAL_REASONS,
        "pending_referrals": sum(r.get("status") == "pending" for r in data.get("referrals", ())),
        "support_plan_types": htcds.SUPPORT_PLAN_TYPES, "lang": _lang(),
        "country_names": country_names(_lang()), "step_value": _step_words(orgs)},
        status_code=status_code)


def _step_words(orgs: list[Any]) -> Callable[[str, Any], str]:
    """``step_value(key, value)`` for the timeline: the printed summary's formatter
    (``cases.step_values``) in the reader's language, organisations outside the catalogue by
    their registered name."""
    lang = _lang()
    names = {o.code: (getattr(o, "name_en", None) or o.name) if lang == "en" else o.name
             for o in orgs}
    return lambda key, value: step_value(key, value, lang, names)


def _case_again(request: Request, db: Session, principal: Principal, error: str,
                form: dict[str, list[str]], status_code: int,
                problems: dict[str, str] | None = None) -> Response:
    """The case page again, with the refusal and what was typed (nothing was written)."""
    db.rollback()
    case_id = parse_id(str(request.path_params.get("case_id", ""))) or 0
    return _case_page(request, db, principal, case_id, error=error, status_code=status_code,
                      form=form, problems=problems)


def _refused_here(request: Request, db: Session, principal: Principal, exc: CaseError,
                  form: Any) -> Response:
    """The case page again after the service refused the step: the form filled in with what
    was submitted (a form model or a mapping), the problem next to its field."""
    return _case_again(request, db, principal, _error_text(exc), values_of(form), exc.status,
                       field_problems(exc))


_CASE_AGAIN = _refused(_case_again)


def _done(case_id: int) -> Response:
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: IdPath, db: DB,
              principal: Annotated[Principal, Depends(require("cases.read"))]) -> Response:
    return _case_page(request, db, principal, case_id)


def _pdf(document: service.Printed) -> Response:
    return Response(document.content, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="{document.filename}"'})


@router.get("/cases/{case_id}/ringkasan.pdf")
def case_summary_pdf(request: Request, case_id: IdPath, db: DB,
                     principal: Annotated[Principal, Depends(require("cases.read"))]
                     ) -> Response:
    """The printable case summary (PDF, to the Berita Acara standard)."""
    return _pdf(service.case_summary_pdf(db, principal, case_id, ip=client_ip(request)))


@router.get("/cases/{case_id}/referrals/{referral_id}/surat.pdf")
def referral_letter_pdf(request: Request, case_id: IdPath, referral_id: IdPath, db: DB,
                        principal: Annotated[Principal, Depends(require("cases.refer"))]
                        ) -> Response:
    """The referral letter to the receiving organisation (PDF)."""
    return _pdf(service.referral_letter_pdf(db, principal, case_id, referral_id,
                                            ip=client_ip(request)))


@router.post("/cases/{case_id}/transition")
@reshow_with(_CASE_AGAIN, TransitionIn, titles=FIELD_LABELS)
def case_transition(request: Request, case_id: IdPath, form: RawForm, db: DB,
                    principal: Annotated[Principal, Depends(require("cases.transition"))]
                    ) -> Response:
    values = {k: v for k, v in form.items()
              if k not in ("csrf_token", "transition") and isinstance(v, str)}
    try:
        data = form_input(TransitionIn, {"transition": form.get("transition", ""),
                                         "values": values})
        service.transition(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc,
                             {**values, "transition": str(form.get("transition", ""))})
    return _done(case_id)


@router.post("/cases/{case_id}/comment")
@reshow_with(_CASE_AGAIN, CommentIn, titles=FIELD_LABELS)
def case_comment(request: Request, case_id: IdPath, data: Annotated[CommentIn, Form()], db: DB,
                 principal: Annotated[Principal, Depends(require("cases.comment"))]
                 ) -> Response:
    """The worked example (docs/cases.md): form -> CommentIn -> service.add_comment."""
    try:
        service.add_comment(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/{case_id}/task")
@reshow_with(_CASE_AGAIN, TaskIn, titles=FIELD_LABELS)
def case_task(request: Request, case_id: IdPath, data: Annotated[TaskIn, Form()], db: DB,
              principal: Annotated[Principal, Depends(require("cases.update"))]) -> Response:
    try:
        service.add_task(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/{case_id}/tasks/{task_id}/done")
def case_task_done(request: Request, case_id: IdPath, task_id: IdPath, db: DB,
                   principal: Annotated[Principal, Depends(require("cases.update"))]
                   ) -> Response:
    try:
        service.complete_task(db, principal, case_id, task_id)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, {})
    return _done(case_id)


@router.post("/cases/{case_id}/event")
@reshow_with(_CASE_AGAIN, EventIn, titles=FIELD_LABELS)
def case_event(request: Request, case_id: IdPath, data: Annotated[EventIn, Form()], db: DB,
               principal: Annotated[Principal, Depends(require("cases.update"))]) -> Response:
    try:
        service.add_event(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/{case_id}/person")
@reshow_with(_CASE_AGAIN, PersonIn, titles=FIELD_LABELS)
def case_person(request: Request, case_id: IdPath, data: Annotated[PersonIn, Form()], db: DB,
                principal: Annotated[Principal, Depends(require("cases.update"))]) -> Response:
    if data.role == "perpetrator":
        data = data.model_copy(update={"perpetrator_role": "RecruiterOrIntermediary"})
    try:
        service.add_person(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/{case_id}/assessment")
@reshow_with(_CASE_AGAIN, AssessmentIn, titles=FIELD_LABELS)
def case_assessment(request: Request, case_id: IdPath, data: Annotated[AssessmentIn, Form()],
                    db: DB, principal: Annotated[Principal, Depends(require("cases.update"))]
                    ) -> Response:
    try:
        service.add_assessment(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/{case_id}/support-plan")
@reshow_with(_CASE_AGAIN, SupportPlanIn, titles=FIELD_LABELS)
def case_support_plan(request: Request, case_id: IdPath, data: Annotated[SupportPlanIn, Form()],
                      db: DB, principal: Annotated[Principal, Depends(require("cases.update"))]
                      ) -> Response:
    try:
        service.add_support_plan(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/{case_id}/consent")
@reshow_with(_CASE_AGAIN, ConsentIn, titles=FIELD_LABELS)
def case_consent(request: Request, case_id: IdPath, data: Annotated[ConsentIn, Form()], db: DB,
                 principal: Annotated[Principal, Depends(require("cases.update"))]) -> Response:
    try:
        service.record_consent(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/{case_id}/referral")
@reshow_with(_CASE_AGAIN, ReferralIn, titles=FIELD_LABELS)
def case_referral(request: Request, case_id: IdPath, data: Annotated[ReferralIn, Form()], db: DB,
                  principal: Annotated[Principal, Depends(require("cases.refer"))]) -> Response:
    try:
        service.refer(db, principal, case_id, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


def _error_page(request: Request, exc: CaseError) -> Response:
    return render(request, "error.html", {"status": exc.status, "code": exc.code,
                                          "message": _error_text(exc)}, status_code=exc.status)


@router.post("/cases/referrals/{referral_id}/answer")
def referral_answer(request: Request, referral_id: IdPath,
                    data: Annotated[ReferralAnswer, Form()], db: DB,
                    principal: Annotated[Principal, Depends(require("cases.referral_respond"))]
                    ) -> Response:
    try:
        _ref_id, case_id, _status = service.answer_referral(db, principal, referral_id, data)
    except CaseError as exc:
        return _error_page(request, exc)
    return _done(case_id)


@router.post("/cases/{case_id}/merge")
@reshow_with(_CASE_AGAIN, MergeForm, titles=FIELD_LABELS)
def case_merge(request: Request, case_id: IdPath, data: Annotated[MergeForm, Form()], db: DB,
               principal: Annotated[Principal, Depends(require("cases.merge"))]) -> Response:
    try:
        other_id = service.find_case_id(db, principal, data.duplicate_reference)
        if len(data.reason.strip()) < limits.MERGE_REASON_MIN:
            raise CaseError("reason_required", "a merge needs a reason (5-1000 characters)", 422)
        service.merge(db, principal, case_id, MergeIn(duplicate_case_id=other_id,
                                                      reason=data.reason))
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, data)
    return _done(case_id)


@router.post("/cases/merges/{merge_id}/undo")
def merge_undo(request: Request, merge_id: IdPath, db: DB,
               principal: Annotated[Principal, Depends(require("cases.merge"))]) -> Response:
    try:
        _id, survivor_id, _at = service.undo_merge(db, principal, merge_id)
    except CaseError as exc:
        return _error_page(request, exc)
    return _done(survivor_id)


@router.post("/cases/{case_id}/attachments")
def case_upload(request: Request, case_id: IdPath, db: DB,
                principal: Annotated[Principal, Depends(require("cases.attachments"))],
                file: UploadFile = File(None)) -> Response:
    limit = get_settings().cases_attachment_max_bytes
    data = file.file.read(limit + 1) if file is not None else b""
    name = file.filename if file is not None else None
    try:
        service.upload_attachment(db, principal, case_id, name, data)
    except CaseError as exc:
        return _refused_here(request, db, principal, exc, {})
    return _done(case_id)


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def case_download(request: Request, case_id: IdPath, attachment_id: IdPath, db: DB,
                  principal: Annotated[Principal, Depends(require("cases.attachments"))]
                  ) -> Response:
    try:
        item, path = service.download_attachment(db, principal, case_id, attachment_id,
                                                 ip=client_ip(request))
    except CaseError as exc:
        return render(request, "error.html", {"status": 404, "code": "not_found",
                                              "message": _error_text(exc)}, status_code=404)
    return attachment_response(item, path)
