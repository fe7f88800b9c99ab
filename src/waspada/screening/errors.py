"""Errors of the screening service. Messages are English gettext message ids: the API answers
them in English, pages show :meth:`DomainError.localized` in the user's language."""

from __future__ import annotations

from typing import Any

from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_


class ScreeningError(DomainError, ValueError):
    """A request that cannot be carried out; ``code`` is stable, the message an English msgid."""

    status = 422

    def __init__(self, code: str, message: str, status: int | None = None,
                 problems: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code, message, status=status, problems=problems, **params)


class NotFound(ScreeningError):
    """The object does not exist or the caller's unit may not see it (the same answer)."""

    status = 404

    def __init__(self) -> None:
        super().__init__("not_found", N_("The page or record you asked for does not exist."))


#: field name -> its label on the forms (message ids the templates already use)
FIELD_LABELS: dict[str, str] = {
    "kind": N_("Kind"), "mrz": N_("MRZ lines (scan or paste)"), "full_name": N_("Full name"),
    "nik": "NIK",
    "passport_no": N_("Passport number"), "birth_date": N_("Date of birth"), "sex": N_("Sex"),
    "nationality": N_("Nationality"), "expiry_date": N_("Date of expiry"),
    "destination_country": N_("Destination country"),
    "transit_countries": N_("Transit countries"), "ticket": N_("Ticket"), "visa_type": N_("Visa"),
    "stated_purpose": N_("Stated purpose"), "flight": N_("Flight / route"),
    "accommodation": N_("Accommodation"), "contacts_abroad": N_("Contacts abroad"),
    "sponsor": N_("Sponsor or agent"), "who_paid": N_("Who paid"),
    "offer_text": N_("Job offer or chat shown by the traveller"),
    "notes": N_("Officer's notes"), "answers": N_("Interview"),
    "action": N_("Action"), "legal_bases": N_("Legal basis"),
    "deviation_reason": N_("Reason, if different from the recommendation"),
    "statement": N_("Traveller's statement (optional)"),
    "correction_reason": N_("Reason for the correction"),
    "corrects_decision_id": N_("Decision corrected"), "note": N_("Note"),
}
