"""Refusals of the exchanged-content operations (pure)."""

from __future__ import annotations

from typing import Any

from waspada.platform.domain import DomainError


class ContentError(DomainError):
    """A refused consent, referral, conflict or verification operation; ``message`` is an
    English gettext msgid (pages show its Indonesian translation)."""

    def __init__(self, code: str, message: str, status: int = 400,
                 problems: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code, message, status=status, problems=problems, **params)


class ConsentMissing(ContentError):
    """Personal data may not be sent: no recorded consent for this partner and purpose."""

    def __init__(self, purpose: str, partner: str) -> None:
        super().__init__("consent_missing",
                         "The victim has not consented to sharing with {partner} for "
                         "{purpose}; record the consent, or give a legal basis to override "
                         "it (a reason of at least 20 characters).", 409,
                         partner=partner, purpose=purpose)
