"""Pages of the exchanged content: the victim's consent and the verification requests of a
case ("Persetujuan korban"), the conflicts to resolve, and the incoming verification requests
("Permintaan verifikasi").

Thin: a form arrives as ``Annotated[Model, Form()]`` (``content_schemas.py``), one
:mod:`waspada.exchange.content_service` function does the work, the handler renders. A refusal
re-shows the page with the problem in the user's language, the form filled in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.exchange import content_service as service
from waspada.exchange import service as transport
from waspada.exchange.content_errors import ContentError
from waspada.exchange.content_schemas import (
    ORGANISATIONS,
    AnswerIn,
    ConsentIn,
    ResolveIn,
    VerificationIn,
)
from waspada.exchange.words import PURPOSES, change_label, localized, value_words
from waspada.platform import i18n, labels
from waspada.platform.deps import DB, client_ip, require
from waspada.platform.deps import Form as RawForm
from waspada.platform.domain import DomainError
from waspada.platform.formroute import (
    FormRoute,
    Reshow,
    form_input,
    reshow_with,
    values_of,
    with_session,
)
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.templating import render
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False, route_class=FormRoute)
PURPOSE_LABELS = PURPOSES
CHECK = N_("Check this field.")
#: field problems the service names, in the user's language
PROBLEMS = {"choose": N_("Choose one."), "too short": N_("Too short."),
            "reason too short": N_("Give the legal basis: at least 20 characters."),
            "not a victim of this case": N_("Choose a victim of this case."),
            "unknown partner": N_("Choose a registered, enabled partner."),
            "unregistered partner": N_("Choose a registered partner from the list."),
            "unknown organisation type": N_("Choose an organisation type from the list.")}


#: what the case's exchange page says after a change (``?done=…&item=<id>``); shown only when
#: the named consent or request is in the state it describes (a crafted link shows nothing)
DONE = {"consent": N_("The victim's consent for {recipient} ({purpose}) is recorded."),
        "refusal": N_("The victim's refusal for {recipient} ({purpose}) is recorded: nothing "
                      "is sent to it on this basis."),
        "withdrawn": N_("The consent for {recipient} ({purpose}) is withdrawn: nothing more is "
                        "sent on its basis."),
        "verification": N_("The verification request is queued for {recipient}; it is "
                           "delivered with retries and the answer appears in this list."),
        "answered": N_("Your answer is queued for {recipient}; it is delivered with retries.")}


def _done(request: Request, data: Any, titles: dict[str, str]) -> str:
    """The success message of the change just made, in the user's language, or ''."""
    done, item = request.query_params.get("done"), request.query_params.get("item")
    if done in ("consent", "refusal", "withdrawn"):
        row = next((c for c in data.consents if str(c.id) == item), None)
        if row is None or (row.withdrawn_at is not None) != (done == "withdrawn") or (
                done != "withdrawn" and row.given != (done == "consent")):
            return ""
        recipient = (labels.label("exchange_org_type", row.recipient,
                                  i18n.current_language.get())
                     if row.recipient_kind == "organisation"
                     else titles.get(row.recipient, row.recipient))
        purpose = _(PURPOSE_LABELS[row.purpose]) if row.purpose in PURPOSE_LABELS \
            else row.purpose
        return _(DONE[done]).format(recipient=recipient, purpose=purpose[:1].lower()
                                    + purpose[1:])
    if done in ("verification", "answered"):
        found = next((v for v in getattr(data, "verifications", [data])
                      if str(v.id) == item), None)
        if found is None or (done == "answered") != (found.direction == "in"):
            return ""
        return _(DONE[done]).format(recipient=titles.get(found.partner, found.partner))
    return ""


def _problems(exc: ContentError) -> dict[str, str]:
    return {k: _(PROBLEMS.get(v, CHECK)) for k, v in exc.problems.items()}


# -- a case: consent and verification ----------------------------------------------------------

def _case_page(request: Request, db: Session, principal: Principal, case_id: int, *,
               error: str = "", form: str = "", again: dict[str, list[str]] | None = None,
               problems: dict[str, str] | None = None, status_code: int = 200) -> Response:
    db.rollback()
    try:
        data = service.case_exchange(db, principal, case_id, ip=client_ip(request))
    except DomainError as exc:  # shown while the session is open (a case out of reach: 404)
        return render(request, "error.html", {"status": exc.status, "code": exc.code,
                                              "message": exc.localized(_)},
                      status_code=exc.status)
    titles = transport.partner_titles(db)
    return render(request, "exchange/content_case.html", {
        "data": data, "error": error, "refused_form": form, "again": again or {},
        "done": "" if error else _done(request, data, titles),
        "problems": problems or {}, "purposes": tuple(PURPOSE_LABELS),
        "purpose_labels": PURPOSE_LABELS, "allowed": allowed, "organisations": ORGANISATIONS,
        "partners": service.verification_partners(db), "titles": titles},
        status_code=status_code)


def _case_again(form: str) -> Reshow:
    return with_session(lambda request, db, refused: _case_page(
        request, db, refused.principal, int(request.path_params["case_id"]),
        error=refused.message, form=form, again=refused.lists, problems=refused.problems,
        status_code=422))


def _case_refused(request: Request, db: Session, principal: Principal, case_id: int,
                  exc: ContentError, form: str, data: Any) -> Response:
    return _case_page(request, db, principal, case_id, error=localized(exc, _), form=form,
                      again=values_of(data), problems=_problems(exc),
                      status_code=exc.status if exc.status != 404 else 422)


def _to_case(case_id: int, done: str = "", item: int | None = None) -> Response:
    query = f"?done={done}&item={item}" if done else ""
    return RedirectResponse(f"/exchange/cases/{case_id}{query}", status_code=303)


@router.get("/exchange/cases/{case_id}")
def case_page(request: Request, case_id: IdPath, db: DB,
              principal: Annotated[Principal, Depends(require("exchange.view"))]) -> Response:
    return _case_page(request, db, principal, case_id)


@router.post("/exchange/cases/{case_id}/consent")
@reshow_with(_case_again("consent"), ConsentIn)
def consent_submit(request: Request, case_id: IdPath, data: Annotated[ConsentIn, Form()],
                   db: DB, principal: Annotated[Principal, Depends(require("exchange.consent"))]
                   ) -> Response:
    try:
        recorded = service.record_consent(db, principal, case_id, data)
    except ContentError as exc:
        return _case_refused(request, db, principal, case_id, exc, "consent", data)
    return _to_case(case_id, "consent" if recorded.status == "given" else "refusal",
                    recorded.id)


@router.post("/exchange/cases/{case_id}/consent/{consent_id}/withdraw")
def consent_withdraw(request: Request, case_id: IdPath, consent_id: IdPath, db: DB,
                     principal: Annotated[Principal, Depends(require("exchange.consent"))]
                     ) -> Response:
    try:
        service.withdraw_consent(db, principal, case_id, consent_id)
    except ContentError as exc:
        return _case_refused(request, db, principal, case_id, exc, "withdraw", {})
    return _to_case(case_id, "withdrawn", consent_id)


@router.post("/exchange/cases/{case_id}/verification")
@reshow_with(_case_again("verification"), VerificationIn)
def verification_submit(request: Request, case_id: IdPath,
                        data: Annotated[VerificationIn, Form()], db: DB,
                        principal: Annotated[Principal, Depends(require("exchange.verify"))]
                        ) -> Response:
    try:
        asked = service.request_verification(db, principal, case_id, data)
    except ContentError as exc:
        return _case_refused(request, db, principal, case_id, exc, "verification", data)
    return _to_case(case_id, "verification", asked.id)


# -- conflicts ---------------------------------------------------------------------------------

@router.get("/exchange/conflicts")
def conflicts_page(request: Request, db: DB,
                   principal: Annotated[Principal, Depends(require("exchange.resolve"))]
                   ) -> Response:
    return render(request, "exchange/content_conflicts.html",
                  {"conflicts": service.list_conflicts(db, principal),
                   "titles": transport.partner_titles(db)})


def _conflict_page(request: Request, db: Session, principal: Principal, conflict_id: int, *,
                   error: str = "", status_code: int = 200) -> Response:
    db.rollback()
    conflict = service.get_conflict(db, principal, conflict_id)
    lang = i18n.current_language.get()
    return render(request, "exchange/content_conflict.html", {
        "conflict": conflict, "error": error, "titles": transport.partner_titles(db),
        "field_labels": {str(f["field"]): change_label(str(f["field"]), lang)
                         for f in conflict.fields},
        "value_words": lambda field, value: value_words(str(field), value, lang)},
        status_code=status_code)


_CONFLICT_AGAIN: Reshow = with_session(lambda request, db, refused: _conflict_page(
    request, db, refused.principal, int(request.path_params["conflict_id"]),
    error=refused.message, status_code=422))


@router.get("/exchange/conflicts/{conflict_id}")
def conflict_page(request: Request, conflict_id: IdPath, db: DB,
                  principal: Annotated[Principal, Depends(require("exchange.resolve"))]
                  ) -> Response:
    return _conflict_page(request, db, principal, conflict_id)


@router.post("/exchange/conflicts/{conflict_id}/resolve")
@reshow_with(_CONFLICT_AGAIN, ResolveIn)
def conflict_resolve(request: Request, conflict_id: IdPath, form: RawForm, db: DB,
                     principal: Annotated[Principal, Depends(require("exchange.resolve"))]
                     ) -> Response:
    choices = {str(k)[len("choice:"):]: v for k, v in form.items()
               if str(k).startswith("choice:") and isinstance(v, str)}
    data = form_input(ResolveIn, {}, extra={"choices": choices})
    try:
        done = service.resolve_conflict(db, principal, conflict_id, data)
    except ContentError as exc:
        return _conflict_page(request, db, principal, conflict_id, error=exc.localized(_),
                              status_code=exc.status)
    return RedirectResponse(f"/cases/{done.case_id}", status_code=303)


# -- incoming verification requests ------------------------------------------------------------

@router.get("/exchange/verifications")
def verifications_page(request: Request, db: DB,
                       principal: Annotated[Principal, Depends(require("exchange.answer"))]
                       ) -> Response:
    return render(request, "exchange/content_verifications.html",
                  {"requests": service.list_verifications(db, principal),
                   "titles": transport.partner_titles(db)})


def _verification_page(request: Request, db: Session, principal: Principal, request_id: int,
                       *, error: str = "", again: dict[str, list[str]] | None = None,
                       problems: dict[str, str] | None = None, status_code: int = 200
                       ) -> Response:
    db.rollback()
    item = service.get_verification(db, principal, request_id)
    titles = transport.partner_titles(db)
    answered = item.result is not None and not error
    return render(request, "exchange/content_verification.html", {
        "item": item, "error": error, "titles": titles,
        "done": _done(request, item, titles) if answered else "",
        "allowed": allowed,
        "again": again or {}, "problems": problems or {}}, status_code=status_code)


_VERIFICATION_AGAIN: Reshow = with_session(lambda request, db, refused: _verification_page(
    request, db, refused.principal, int(request.path_params["request_id"]),
    error=refused.message, again=refused.lists, problems=refused.problems, status_code=422))


@router.get("/exchange/verifications/{request_id}")
def verification_page(request: Request, request_id: IdPath, db: DB,
                      principal: Annotated[Principal, Depends(require("exchange.answer"))]
                      ) -> Response:
    return _verification_page(request, db, principal, request_id)


@router.post("/exchange/verifications/{request_id}/answer")
@reshow_with(_VERIFICATION_AGAIN, AnswerIn)
def verification_answer(request: Request, request_id: IdPath, data: Annotated[AnswerIn, Form()],
                        db: DB, principal: Annotated[Principal, Depends(require("exchange.answer"))]
                        ) -> Response:
    try:
        service.answer_verification(db, principal, request_id, data)
    except ContentError as exc:
        return _verification_page(request, db, principal, request_id, error=exc.localized(_),
                                  again=values_of(data), problems=_problems(exc),
                                  status_code=exc.status)
    return RedirectResponse(f"/exchange/verifications/{request_id}?done=answered"
                            f"&item={request_id}", status_code=303)

