"""What the case pages say about a refused form: field titles, refusal messages in the user's
language, and which of the case page's forms was refused (so only that one is filled in again,
with each problem next to its field; ``platform/templates/_fields.html``)."""

from __future__ import annotations

from fastapi import Request

from waspada.cases.errors import CaseError
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _

#: a country field's text names no country (``platform.countries``)
COUNTRY_PROBLEM = N_("Unknown country: write its name (Kamboja, Cambodia) or its code (KH, KHM).")
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
    "referral_pending": N_("This case was already referred to this organisation and the "
                           "referral still waits for its answer."),
    "not_found": N_("The page or record you asked for does not exist."),
    "invalid_country": COUNTRY_PROBLEM,
    "pending_referrals": N_("A referral of this case still waits for an answer. Confirm below "
                            "to close the case anyway."),
}
GENERIC_ERROR = N_("The request is not valid.")
FIELD_LABELS = {
    "trafficking_status": N_("Trafficking status"), "note": N_("Note"),
    "location_country": N_("Country"), "country": N_("Country"), "location_city": N_("City"),
    "exit_date": N_("Date of exit"), "exit_mode": N_("How the victim got out"),
    "shelter_name": N_("Shelter"), "citizenship_basis": N_("Basis of citizenship verification"),
    "splp_number": N_("SPLP number"), "splp_issued_on": N_("SPLP issue date"),
    "arrival_date": N_("Arrival date"), "arrival_port": N_("Arrival port (TPI)"),
    "return_mode": N_("How the victim returned"), "handover_to": N_("Handed over to"),
    "handover_date": N_("Hand-over date"), "closure_reason": N_("Reason for closure"),
    "closure_note": N_("Closure note"), "duplicate_of": N_("Duplicate of (case reference)"),
    "last_contact_date": N_("Date of last contact"), "source": N_("Source of the report"),
    "birth_date": N_("Date of birth"), "victim_birth_date": N_("Date of birth"),
}
PUBLIC_PROBLEMS = {"required": N_("This field is required."),
                   "too_long": N_("This text is too long."),
                   "invalid": N_("This value is not valid.")}


def refused_form(request: Request, again: dict[str, list[str]]) -> str:
    """Which form of the case page was refused: the last part of its address (``comment``,
    ``referral``), ``transition-<code>`` for a workflow step."""
    if request.method != "POST":
        return ""
    name = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    if name == "transition":
        return "transition-" + (again.get("transition") or [""])[0]
    return name


#: the problems the service names for a field of an officer's form
FIELD_PROBLEMS = {**PUBLIC_PROBLEMS,
                  "confirm": N_("Tick this box to close the case while a referral is pending."),
                  "not_a_country": COUNTRY_PROBLEM}


def field_problems(exc: CaseError) -> dict[str, str]:
    """The service's field problems in the user's language."""
    return {k: _(FIELD_PROBLEMS.get(v, PUBLIC_PROBLEMS["invalid"]))
            for k, v in (exc.problems or {}).items()}
