"""The cases capability's refusals (pure: no web, no database)."""

from __future__ import annotations

from typing import Any

from waspada.platform.domain import DomainError
from waspada.platform.security.policy import Principal, allowed


class CaseError(DomainError):
    """A refused case operation; ``code`` is stable, ``status`` the HTTP status to answer,
    ``message`` an English gettext msgid (pages show its Indonesian translation)."""

    def __init__(self, code: str, message: str, status: int = 400,
                 problems: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code, message, status=status, problems=problems, **params)


def permit(principal: Principal, action: str) -> None:
    """The policy check of every case operation, also for callers that are not web routes.
    The CLI is the local operator (shell access to the server): it may do every case
    operation, as before."""
    if not principal.is_cli and not allowed(principal, action):
        raise CaseError("role_not_allowed", "Your role may not take this step.", 403)
