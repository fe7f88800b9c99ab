"""Inputs and outputs of the exchanged-content operations (one model per input; the pages,
the API and the service share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from waspada.exchange import consent, records
from waspada.platform.types import IdField

ORGANISATIONS = ("ImmigrationService", "LawEnforcement", "LocalGovernmentOrganisation",
                 "CentralGovernmentOrganisation", "ForeignSocialWelfare", "NGO",
                 "HealthServiceOrganisation", "LegalService")


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class ConsentIn(BaseModel):
    """The victim's answer: to share with a partner (or an organisation type), for a purpose."""

    person_id: IdField = Field(title="Victim")
    recipient_kind: Literal["partner", "organisation"] = Field(default="partner",
                                                               title="Consent for")
    recipient: str = Field(min_length=1, max_length=records.PARTNER,
                           title="Partner or organisation")
    purpose: Literal["services", "verification", "law_enforcement"] = Field(title="Purpose")
    given: bool = Field(title="Victim's answer")
    method: Literal["verbal", "written"] = Field(default="verbal", title="How")
    note: str = Field(default="", max_length=records.NOTE, title="Note")


class VerificationIn(BaseModel):
    """Ask a partner (Ditjen Imigrasi) to verify the citizenship of the case's victim."""

    partner: str = Field(min_length=1, max_length=records.PARTNER, title="Partner")
    organisation: Literal[ORGANISATIONS] = Field(  # type: ignore[valid-type]  # a tuple of literals
        default="ImmigrationService", title="Organisation type")
    person_id: IdField | None = Field(default=None, title="Victim")
    working_days: int = Field(default=3, ge=1, le=20, title="Deadline (working days)")
    consent_override: str | None = Field(default=None, min_length=consent.OVERRIDE_MIN,
                                         max_length=consent.OVERRIDE_MAX,
                                         title="Legal basis without consent")

    _blank = field_validator("consent_override", "person_id", mode="before")(_blank_is_none)


class AnswerIn(BaseModel):
    """The immigration officer's answer to a verification request."""

    result: Literal["verified", "not_verified", "denied"] = Field(title="Answer")
    candidate: int | None = Field(default=None, ge=0, le=50, title="Matching record")
    note: str = Field(default="", max_length=records.NOTE, title="Note")

    _blank = field_validator("candidate", mode="before")(_blank_is_none)


class ResolveIn(BaseModel):
    """Per conflicting field, which value stays: ``local`` or ``incoming``."""

    choices: dict[str, Literal["local", "incoming"]] = Field(max_length=200)


class DoneOut(BaseModel):
    id: int
    case_id: int | None = None
    status: str


class ConsentOut(BaseModel):
    id: int
    person_id: int
    recipient_kind: str
    recipient: str
    purpose: str
    given: bool
    method: str
    note: str
    recorded_by: str
    recorded_at: datetime
    withdrawn_by: str | None
    withdrawn_at: datetime | None


class VerificationOut(BaseModel):
    id: int
    direction: str
    partner: str
    case_id: int | None
    case_reference: str | None = None
    identifiers: dict[str, Any]
    deadline: datetime
    overdue: bool
    status: str
    draft: list[dict[str, Any]]
    result: str | None
    score: int | None
    evidence: list[dict[str, Any]]
    note: str
    answered_by: str | None
    answered_at: datetime | None
    consent_override: str | None
    requested_by: str
    created_at: datetime


class ConflictOut(BaseModel):
    id: int
    case_id: int
    case_reference: str | None = None
    partner: str
    local_version: int
    incoming_version: int
    fields: list[dict[str, Any]]
    status: str
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime


class CaseExchangeOut(BaseModel):
    """A case's exchange side: global id and version, consents, verification requests,
    open conflicts."""

    case_id: int
    reference: str
    global_id: str | None
    version: int | None
    victims: list[dict[str, Any]]
    consents: list[ConsentOut]
    verifications: list[VerificationOut]
    conflicts: list[ConflictOut]
