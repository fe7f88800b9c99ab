"""Pages that take their input as ``Annotated[Model, Form()]`` and re-show a refused form.

FastAPI validates a form model before the handler runs and, on a refused value, raises
``RequestValidationError`` (a bare 422 page). A router built with ``route_class=FormRoute``
instead calls the handler's ``reshow`` function (set with :func:`reshow_with`) with a
:class:`Refused`: the submitted text fields and a message in the user's language naming the
field and its limit, so
the page comes back filled in. Routes without ``reshow`` behave as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _


@dataclass(frozen=True)
class Refused:
    """A refused form: its text fields (to fill the form in again) and the reason."""

    fields: dict[str, str]
    message: str
    too_long: bool


Reshow = Callable[[Request, Refused], Response]
F = TypeVar("F", bound=Callable[..., Any])

TOO_LONG = N_("%(field)s is too long: at most %(limit)s characters.")
REQUIRED = N_("%(field)s must be filled in.")
INVALID = N_("%(field)s is not valid.")


def reshow_with(reshow: Reshow, *models: type[BaseModel]) -> Callable[[F], F]:
    """Decorator: on a refused form, answer ``reshow(request, refused)``; the message
    names the field by its title (a msgid) in ``models``."""
    titles = {name: info.title for model in models
              for name, info in model.model_fields.items() if info.title}

    def mark(endpoint: F) -> F:
        _RESHOW[endpoint] = (reshow, titles)
        return endpoint
    return mark


#: endpoint -> (reshow function, field titles), filled by :func:`reshow_with`
_RESHOW: dict[Callable[..., Any], tuple[Reshow, dict[str, str]]] = {}


def problem_message(exc: RequestValidationError, titles: Mapping[str, str]) -> str:
    """The first refused field, in the user's language (``titles``: field -> msgid)."""
    first = exc.errors()[0] if exc.errors() else {}
    loc = first.get("loc") or ("body", "")
    name = str(loc[-1])
    field = _(titles.get(name, name))
    kind = str(first.get("type", ""))
    if kind == "string_too_long":
        return _(TOO_LONG, field=field, limit=(first.get("ctx") or {}).get("max_length", "?"))
    if kind in ("missing", "string_too_short") or "empty" in str(first.get("msg", "")):
        return _(REQUIRED, field=field)
    return _(INVALID, field=field)


class FormRoute(APIRoute):
    """An ``APIRoute`` whose refused form input re-shows the page instead of a bare 422."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.endpoint not in _RESHOW:
            return handler
        reshow, titles = _RESHOW[self.endpoint]

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                form = await request.form()
                fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
                errors = exc.errors()
                too_long = bool(errors) and errors[0].get("type") == "string_too_long"
                refused = Refused(fields, problem_message(exc, titles), too_long)
                return await run_in_threadpool(reshow, request, refused)

        return handle
