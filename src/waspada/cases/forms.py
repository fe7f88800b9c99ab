"""Pages take their input as ``Annotated[Model, Form()]``; when it does not validate (a text
over its limit, a date that is not a date), the page is shown again with the submitted values
and a message in the user's language — never a bare 422.

``FormRoute`` is the router's ``route_class``; a handler opts in with ``@reshow(fn)``, where
``fn(request, db, principal, error, form)`` renders the page again. Nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from waspada.cases.errors import CaseError
from waspada.platform.db import session_factory
from waspada.platform.i18n import N_

#: fn(request, db, principal, error message (translated), submitted form) -> the page again
Reshow = Callable[..., Response]

TOO_LONG = N_("A field is too long.")
INVALID = N_("Some required fields are missing or not valid.")


def problems(errors: list[Any]) -> dict[str, str]:
    """Field name -> ``too_long`` / ``invalid`` from pydantic's errors (values never echoed)."""
    out: dict[str, str] = {}
    for err in errors:
        loc = [part for part in err.get("loc", ()) if isinstance(part, str) and part != "body"]
        name = loc[-1] if loc else "form"
        out.setdefault(name, "too_long" if err.get("type") == "string_too_long" else "invalid")
    return out


def as_case_error(errors: list[Any]) -> CaseError:
    found = problems(errors)
    if "too_long" in found.values():
        return CaseError("too_long", TOO_LONG, 422, found)
    return CaseError("invalid_fields", INVALID, 422, found)


M = TypeVar("M", bound=BaseModel)


def build(model: type[M], data: Mapping[str, Any]) -> M:
    """``model`` from data a handler assembled itself; invalid data is a ``CaseError``."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise as_case_error(list(exc.errors())) from None


def reshow(fn: Reshow) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(handler: Callable[..., Any]) -> Callable[..., Any]:
        handler.reshow = fn  # type: ignore[attr-defined]  # read by FormRoute
        return handler
    return mark


class FormRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        again: Reshow | None = getattr(self.endpoint, "reshow", None)
        if again is None:
            return handler

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                error = as_case_error(list(exc.errors()))
                form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
                principal = getattr(request.state, "principal", None)
                return await run_in_threadpool(_call, again, request, principal, error, form)

        return route


def _call(again: Reshow, request: Request, principal: Any, error: CaseError,
          form: dict[str, str]) -> Response:
    db = session_factory()()
    try:
        return again(request, db, principal, error, form)
    finally:
        db.close()
