"""The case page's HTCDS 2.0 forms: the case's details (case worker, victim context, incoming
referral) and each person's (salutation, title, home phone, mailing address, marital status,
languages, education). Thin, as every case page: the form becomes the service's model through
the one form mechanism (``platform.formroute``), a refused value comes back filled in with the
problem beside its field, one :mod:`waspada.cases.service` function writes and audits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.cases import htcds_form, service
from waspada.cases.errors import CaseError
from waspada.cases.messages import FIELD_LABELS, field_problems
from waspada.cases.pages import _CASE_AGAIN, _case_again, _error_text
from waspada.cases.schemas import HtcdsDetailsIn, PersonProfileIn
from waspada.platform.deps import DB, require
from waspada.platform.deps import Form as RawForm
from waspada.platform.formroute import FormRoute, form_input, reshow_with, values_of
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _
from waspada.platform.security.policy import Principal
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False, route_class=FormRoute)
NOT_STANDARD = N_("Choose one of the offered values.")
#: the case form's field titles (msgids), for a refused value's message
CASE_TITLES = {
    **FIELD_LABELS, "case_worker": N_("Case worker"),
    "status_decision_org": N_("Who decided the trafficking status"),
    "relationship_to_trafficker": N_("Relationship to the trafficker"),
    "age_when_trafficked": N_("Age when trafficked"),
    "recruitment_location": N_("Place of recruitment"),
    "recruitment_apps": N_("Recruitment websites and apps"),
    "control_methods": N_("Methods of control"),
    "forced_labour_industry": N_("Forced labour industry"),
    "sex_exploitation_type": N_("Type of sexual exploitation"),
    "exploitation_location": N_("Place of exploitation"),
    "exploitation_apps": N_("Exploitation websites and apps"),
    "referring_org": N_("Referring organisation"),
    "incoming_referral_date": N_("Incoming referral date"),
    "referring_worker": N_("Referring case worker"),
    "incoming_referral_reason": N_("Reason for the incoming referral"),
    "incoming_referral_details": N_("Incoming referral details"),
}


def _problems(exc: CaseError) -> dict[str, str]:
    """A value the field table refused, named by its HTCDS field: beside its form field."""
    problems = field_problems(exc)
    field = htcds_form.source_of(str(exc.params.get("field", "")))
    if exc.code == "invalid_htcds_value" and field:
        problems[field] = _(NOT_STANDARD)
    return problems


def _refused(request: Request, db: Session, principal: Principal, exc: CaseError,
             values: Any) -> Response:
    return _case_again(request, db, principal, _error_text(exc), values_of(values),
                       exc.status, _problems(exc))


@router.post("/cases/{case_id}/htcds")
@reshow_with(_CASE_AGAIN, HtcdsDetailsIn, titles=CASE_TITLES)
def case_htcds(request: Request, case_id: IdPath, form: RawForm, db: DB,
               principal: Annotated[Principal, Depends(require("cases.update"))]) -> Response:
    """The case's HTCDS details; a multi-select with nothing ticked is cleared."""
    ticked = {name: [v for v in form.getlist(name) if isinstance(v, str) and v]
              for name in htcds_form.CASE_MULTI}
    data = form_input(HtcdsDetailsIn, form, extra=ticked)
    try:
        service.update_htcds(db, principal, case_id, data)
    except CaseError as exc:
        return _refused(request, db, principal, exc, data)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/persons/{person_id}/profile")
@reshow_with(_CASE_AGAIN, PersonProfileIn, titles=FIELD_LABELS)
def person_profile(request: Request, case_id: IdPath, person_id: IdPath,
                   data: Annotated[PersonProfileIn, Form()], db: DB,
                   principal: Annotated[Principal, Depends(require("cases.update"))]
                   ) -> Response:
    """A person's HTCDS details (the form carries the person's id too: it must match)."""
    try:
        if data.person_id != person_id:
            raise CaseError("not_found", "no such person", 404)
        service.update_person_profile(db, principal, case_id, person_id, data)
    except CaseError as exc:
        return _refused(request, db, principal, exc, data)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
