"""Inputs and responses of the exchange transport (API, pages and CLI share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from waspada.platform.i18n import N_

from .keys import NAME_MAX, PUBLIC_KEY_MAX
from .models import ORG_MAX, REASON_MAX, TITLE_MAX, URL_MAX

CASE_NUMBER_MAX = 64


class PartnerIn(BaseModel):
    """A partner installation to exchange bundles with (page form, API body, CLI)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=NAME_MAX,
                      title=N_("Identifier (for the API and the command line)"))
    title: str | None = Field(None, max_length=TITLE_MAX, title=N_("Organisation name"))
    public_key: str = Field(min_length=1, max_length=PUBLIC_KEY_MAX, title=N_("Public key"))
    url: str | None = Field(None, max_length=URL_MAX, title=N_("Address (URL)"))
    organisation: str | None = Field(None, max_length=ORG_MAX,
                                     title=N_("Organisation type (HTCDS)"))
    acceptance: Literal["auto", "manual"] = Field("auto", title=N_("Acceptance"))

    @field_validator("url", "organisation", "title", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("title")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and not value.isprintable():
            raise ValueError("printable characters only")
        return value


class KeyIn(BaseModel):
    """A partner's new public key (``POST /partners/{name}/key``)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    public_key: str = Field(min_length=1, max_length=PUBLIC_KEY_MAX, title=N_("New public key"))


class RekeyFormIn(KeyIn):
    """The page's form: the partner, its new key, and whether the administrator has compared
    the new fingerprint by telephone (the first submit only shows it)."""

    name: str = Field(min_length=1, max_length=NAME_MAX, title=N_("Name"))
    confirmed: bool = False


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=REASON_MAX, title=N_("Reason"))


class IdentityOut(BaseModel):
    name: str
    public_key: str = Field(description="wsp1.<base64url>: give it to partners")
    fingerprint: str = Field(description="short fingerprint to compare by telephone")


class PartnerOut(BaseModel):
    id: int
    name: str = Field(description="the identifier (command line, bundles, consents)")
    title: str | None = Field(description="the organisation's name as people read it")
    fingerprint: str
    url: str | None
    organisation: str | None
    acceptance: str
    active: bool
    last_delivery: datetime | None = Field(description="last bundle delivered to it (UTC)")
    last_received: datetime | None = Field(description="last bundle received from it (UTC)")
    pending: int = Field(description="bundles waiting for delivery")
    dead: int = Field(description="bundles given up after every retry")
    held: int = Field(0, description="bundles held when the partner was disabled (sent again "
                      "one by one by an administrator)")
    inbox_pending: int = Field(description="received bundles waiting for acceptance")
    last_error: str | None = Field(description="reason of the newest failed attempt")


class InboxOut(BaseModel):
    id: int
    partner: str
    kind: str
    status: str
    via: str
    received_at: datetime
    reason: str | None
    result: dict[str, Any]
    changes: list[dict[str, Any]] = Field(default_factory=list,
                                          description="preview of a pending bundle")
    conflict: bool = Field(default=False, description="accepting the pending bundle records "
                           "a conflict (the case changed on both sides); nothing is overwritten")


class ReceivedOut(BaseModel):
    inbox_id: int
    kind: str
    status: Literal["pending", "accepted", "failed"]
    case_number: str | None
    created: bool
    changed: bool


class OutboxOut(BaseModel):
    id: int
    partner: str
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class QueuedOut(BaseModel):
    outbox_id: int


class DecidedOut(BaseModel):
    inbox_id: int
    status: Literal["accepted", "rejected"]
    case_number: str | None = None
    created: bool = False
    changed: bool = False


class SendIn(BaseModel):
    """Send a case to a partner ("Kirim ke mitra": page form and API body)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    case_number: str = Field(min_length=1, max_length=CASE_NUMBER_MAX, title=N_("Case number"))
    partner: str = Field(min_length=1, max_length=NAME_MAX, title=N_("Partner"))
    consent_override: str | None = Field(
        None, max_length=REASON_MAX, title=N_("Legal basis without consent"),
        description="legal basis for sending without the victim's recorded consent (audited)")

    @field_validator("consent_override", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value
