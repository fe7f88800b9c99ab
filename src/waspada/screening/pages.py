"""Counter pages: start a screening, guided interview with a live assessment panel, decision,
official record, the person's history, today's screenings, statistics and export.

Handlers read the form into the operation's one model (``platform.formroute.form_input``; a
refused field re-shows the page naming it), call the service and render. A refusal
(:class:`~waspada.platform.domain.DomainError`) comes back as the same page, filled in, with
the message in the user's language; nothing is cut short silently.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.identity.consistency import parse_date
from waspada.platform.deps import DB, Form, require
from waspada.platform.domain import DomainError
from waspada.platform.formroute import FormRoute, Refused, form_input, reshow_with, with_session
from waspada.platform.i18n import current_language
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal
from waspada.platform.templating import render
from waspada.platform.types import IdPath, OptionalIdQuery, parse_id
from waspada.screening import service, work
from waspada.screening.api import pdf_response
from waspada.screening.assess import ACTION_LABELS, ACTIONS
from waspada.screening.catalogue import destinations, legal_bases, questionnaire
from waspada.screening.errors import FIELD_LABELS
from waspada.screening.schemas import (
    VISA_TYPES,
    AnswersIn,
    ApprovalIn,
    DecisionIn,
    ExportIn,
    ScreeningIn,
)

router = APIRouter(include_in_schema=False, route_class=FormRoute)

COUNTRY_CHOICES = ("KHM", "MMR", "LAO", "THA", "MYS", "PHL", "VNM", "ARE", "SGP", "HKG", "TWN",
                   "JPN", "KOR", "SAU", "CHN", "AUS")
#: the start form's fields, echoed back when it is shown again (never the CSRF token)
START_FIELDS = ("kind", "mrz", "full_name", "nik", "passport_no", "birth_date", "sex",
                "nationality", "expiry_date", "destination_country", "transit_countries",
                "ticket", "visa_type", "stated_purpose", "flight", "accommodation",
                "contacts_abroad", "sponsor", "offer_text")


def _context(db: DB, principal: Principal) -> dict[str, Any]:
    return {"questionnaire": questionnaire(), "destinations": destinations(),
            "countries": COUNTRY_CHOICES, "visa_types": VISA_TYPES,
            "legal_bases": legal_bases(), "actions": ACTIONS, "action_labels": ACTION_LABELS,
            "default_kind": service.default_kind(db, principal)}


def _home(request: Request, db: DB, principal: Principal, form: dict[str, str],
          error: str | None, status: int = 200, queue: str = "",
          problems: dict[str, str] | None = None, **extra: Any) -> Response:
    rows = (work.queue(db, principal, queue, request.state.user) if queue in work.QUEUES
            else service.today(db, principal))
    return render(request, "screening/home.html", {
        "today": rows, "error": error, "form": form, "problems": problems or {},
        "queue_title": work.QUEUES.get(queue, work.QUEUES["today"]),
        "queue": queue if queue in work.QUEUES else "",
        **_context(db, principal), **extra}, status_code=status)


@router.get("/screenings")
def screenings_home(request: Request, db: DB, queue: str = "",
                    principal: Principal = Depends(require("screening.conduct"))) -> Response:
    """The counter page; ``queue`` (today, approval, flagged: the home page's counts) chooses
    the list below the start form."""
    return _home(request, db, principal, {}, None, queue=queue)


def _start_refused(request: Request, db: Session, refused: Refused) -> Response:
    shown = {name: refused.fields.get(name, "") for name in START_FIELDS}
    return _home(request, db, refused.principal, shown, refused.message, 400,
                 problems=refused.problems)


@router.post("/screenings")
@reshow_with(with_session(_start_refused), ScreeningIn, titles=FIELD_LABELS)
def screenings_start(request: Request, form: Form, db: DB,
                     principal: Principal = Depends(require("screening.conduct"))) -> Response:
    try:
        screening = service.start(db, principal, form_input(ScreeningIn, form))
    except DomainError as exc:
        shown = {name: str(form.get(name, "")) for name in START_FIELDS}
        return _home(request, db, principal, shown, exc.localized(_), 400,
                     problems={k: _(v) for k, v in exc.problems.items()})
    return RedirectResponse(f"/screenings/{screening.id}", status_code=303)


@router.post("/screenings/read")
def screenings_read(request: Request, form: Form, db: DB,
                    image: Annotated[UploadFile | None, File()] = None,
                    principal: Principal = Depends(require("screening.conduct"))) -> Response:
    """Read the passport photo or scan, fill in the start form and show the MRZ crop next to
    the values read. Nothing is stored: the officer checks the fields and starts the screening
    (``POST /screenings``). A field the officer already typed is kept; where it differs from the
    MRZ the page says so (the check at the start records it as a finding)."""
    from waspada.identity.imaging import MAX_IMAGE_BYTES

    shown = {name: str(form.get(name, "")) for name in START_FIELDS
             if isinstance(form.get(name, ""), str)}
    data = image.file.read(MAX_IMAGE_BYTES + 1) if image is not None else b""
    try:
        photo = service.read_photo(db, principal, data)
    except DomainError as exc:
        return _home(request, db, principal, shown, None, exc.status,
                     read_error=exc.localized(_))
    differs = []
    for name, value in photo.fields.items():
        typed = shown.get(name, "").strip()
        if name == "mrz" or not typed:
            shown[name] = value
        elif typed.upper() != value.upper():
            differs.append({"field": FIELD_LABELS.get(name, name), "typed": typed,
                            "mrz": value})
    read = photo.read
    lang = current_language.get()
    return _home(request, db, principal, shown, None, photo_read={
        "crop": "data:image/png;base64," + base64.b64encode(read.crop_png).decode("ascii"),
        "mrz": read.result.to_dict(lang), "uncertain": read.uncertain, "differs": differs})


def _screening_page(request: Request, db: DB, principal: Principal, screening_id: int,
                    error: str | None = None, status: int = 200, *,
                    again: dict[str, list[str]] | None = None,
                    problems: dict[str, str] | None = None) -> Response:
    """The screening page; after a refusal ``again`` (field -> submitted values) fills the
    refused form in and ``problems`` (field -> message) stands next to each field."""
    screening, data = service.read(db, principal, screening_id, current_language.get())
    return render(request, "screening/screening.html", {
        "s": data, "screening": screening, "error": error, "again": again or {},
        "problems": problems or {},
        "is_supervisor": service.is_supervisor(db, principal), **_context(db, principal)},
        status_code=status)


def _submitted(form: Form) -> dict[str, list[str]]:
    """Every text field of a submitted form (never the CSRF token), to fill it in again."""
    return {k: [v for v in form.getlist(k) if isinstance(v, str)]
            for k in form if k != "csrf_token"}


def _refused_step(request: Request, db: DB, principal: Principal, screening_id: int,
                  form: Form, exc: DomainError) -> Response:
    """The screening page again after the service refused a step: filled in, the problem next
    to its field (nothing was written)."""
    return _screening_page(request, db, principal, screening_id, exc.localized(_), 400,
                           again=_submitted(form),
                           problems={k: _(v) for k, v in exc.problems.items()})


def _step_refused(request: Request, db: Session, refused: Refused) -> Response:
    """The screening page again with the refused field named (nothing was written)."""
    screening_id = parse_id(str(request.path_params.get("screening_id", ""))) or 0
    return _screening_page(request, db, refused.principal, screening_id, refused.message, 400,
                           again=refused.lists, problems=refused.problems)


_STEP_REFUSED = with_session(_step_refused)


@router.get("/screenings/stats")
def screening_stats(request: Request, db: DB, days: int = Query(30, ge=1, le=366),
                    principal: Principal = Depends(require("screening.stats"))) -> Response:
    return render(request, "screening/stats.html", service.stats(db, principal, days))


def _export_refused(request: Request, refused: Refused) -> Response:
    """A refused export form (a bad date or format): an error page naming the problem."""
    return render(request, "error.html", {"status": 400, "code": "invalid_input",
                                          "message": refused.message}, status_code=400)


@router.post("/screenings/export")
@reshow_with(_export_refused, ExportIn, titles=FIELD_LABELS)
def screening_export(request: Request, form: Form, db: DB,
                     principal: Principal = Depends(require("screening.export"))) -> Response:
    """Start the export of the unit's screenings for a period (default: the last 30 days) as a
    background job; its page offers the rows as CSV or Excel when done."""
    data = form_input(ExportIn, form)
    job = service.start_export(db, principal, parse_date(data.day_from),
                               parse_date(data.day_to), data.format)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/screenings/{screening_id}")
def screening_page(request: Request, screening_id: IdPath, db: DB,
                   principal: Principal = Depends(require("screening.read"))) -> Response:
    return _screening_page(request, db, principal, screening_id)


@router.post("/screenings/{screening_id}/answers")
@reshow_with(_STEP_REFUSED, AnswersIn, titles=FIELD_LABELS)
def screening_answers(request: Request, screening_id: IdPath, form: Form, db: DB,
                      principal: Principal = Depends(require("screening.conduct"))) -> Response:
    answers = {code: str(form[f"q_{code}"]) for code in questionnaire().by_code()
               if f"q_{code}" in form}
    try:
        data = form_input(AnswersIn, form, extra={"answers": answers})
        service.answer(db, principal, screening_id, data)
    except service.NotFound:
        raise
    except DomainError as exc:
        return _refused_step(request, db, principal, screening_id, form, exc)
    return RedirectResponse(f"/screenings/{screening_id}#assessment", status_code=303)


@router.post("/screenings/{screening_id}/decision")
@reshow_with(_STEP_REFUSED, DecisionIn, titles=FIELD_LABELS)
def screening_decide(request: Request, screening_id: IdPath, form: Form, db: DB,
                     principal: Principal = Depends(require("screening.conduct"))) -> Response:
    try:
        service.decide(db, principal, screening_id,
                       form_input(DecisionIn, form, lists=("legal_bases",)))
    except service.NotFound:
        raise
    except DomainError as exc:
        return _refused_step(request, db, principal, screening_id, form, exc)
    return RedirectResponse(f"/screenings/{screening_id}#decisions", status_code=303)


@router.post("/screenings/{screening_id}/decisions/{decision_id}/approval")
@reshow_with(_STEP_REFUSED, ApprovalIn, titles=FIELD_LABELS)
def screening_approve(request: Request, screening_id: IdPath, decision_id: IdPath, form: Form,
                      db: DB,
                      principal: Principal = Depends(require("screening.approve"))) -> Response:
    try:
        service.approve(db, principal, screening_id, decision_id,
                        form_input(ApprovalIn, form, extra={
                            "approved": str(form.get("approved", ""))}))
    except service.NotFound:
        raise
    except DomainError as exc:
        return _refused_step(request, db, principal, screening_id, form, exc)
    return RedirectResponse(f"/screenings/{screening_id}#decisions", status_code=303)


@router.get("/screenings/{screening_id}/record.pdf")
def screening_record(screening_id: IdPath, db: DB, decision_id: OptionalIdQuery = None,
                     principal: Principal = Depends(require("screening.read"))) -> Response:
    return pdf_response(service.record_pdf(db, principal, screening_id, decision_id))


@router.get("/persons/{person_id}")
def person_page(request: Request, person_id: IdPath, db: DB,
                principal: Principal = Depends(require("persons.history"))) -> Response:
    data = service.person_history(db, principal, person_id, current_language.get())
    return render(request, "screening/person.html", {"h": data})
