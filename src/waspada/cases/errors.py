"""The cases capability's refusals (pure: no web, no database)."""

from __future__ import annotations

from typing import Any

from waspada.platform.domain import DomainError


class CaseError(DomainError):
    """A refused case operation; ``code`` is stable, ``status`` the HTTP status to answer,
    ``message`` an English gettext msgid (pages show its Indonesian translation)."""

    def __init__(self, code: str, message: str, status: int = 400,
                 problems: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code, message, status=status, problems=problems, **params)
