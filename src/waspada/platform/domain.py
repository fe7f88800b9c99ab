"""The one error base of every capability's service layer (pure: no web, no database).

A service raises ``DomainError(code, message, status=...)``; the web app turns any uncaught one
into ``{"error": {"code", "message", "problems"?}}`` (English) or an error page in the user's
language (``errors.install``); page handlers that re-show a form catch it and put
:meth:`DomainError.localized` next to the fields; CLI commands print ``str(error)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class DomainError(Exception):
    """A refused operation.

    ``code`` is stable (clients branch on it); ``message`` is an English gettext message id
    that may hold ``{placeholders}`` filled from ``params``; ``status`` is the HTTP status;
    ``problems`` maps a field name to an English message id for forms.
    """

    status: int = 400

    def __init__(self, code: str, message: str, *, status: int | None = None,
                 problems: Mapping[str, str] | None = None, **params: Any) -> None:
        self.code = code
        self.message = message
        self.params = params
        self.problems = dict(problems or {})
        if status is not None:
            self.status = status
        super().__init__(self.english)

    @property
    def english(self) -> str:
        return self.message.format(**self.params) if self.params else self.message

    def localized(self, gettext: Callable[[str], str]) -> str:
        """The message in the caller's language (the id is translated before it is filled)."""
        text = gettext(self.message)
        return text.format(**self.params) if self.params else text

    def __str__(self) -> str:
        return self.english
