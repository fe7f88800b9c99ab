"""The one form mechanism: pages take their input as ``Annotated[Model, Form()]`` and a refused
form comes back filled in, with the problem in the user's language — never a bare 422.

FastAPI validates a form model before the handler runs and, on a refused value, raises
``RequestValidationError``. A router built with ``route_class=FormRoute`` instead calls the
handler's ``reshow`` function (set with :func:`reshow_with`) as ``reshow(request, refused)``
with a :class:`Refused`: the submitted text fields (single and multi-valued), the first problem
naming its field and limit, and every refused field's problem (for templates that show it next
to the field). A handler whose model needs values the form does not carry as plain fields (a
dynamic set of answers, say) builds it with :func:`form_input`, which refuses the same way.
Routes without ``reshow`` behave as usual. Nothing is written when a form is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from waspada.platform.birth_dates import is_birth_date_error
from waspada.platform.db import session_factory
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _


@dataclass(frozen=True)
class Refused:
    """A refused form: its text fields (to fill the form in again) and the reasons."""

    #: the first value of each submitted text field (never the CSRF token)
    fields: dict[str, str]
    #: the first problem, naming its field, in the user's language
    message: str
    too_long: bool
    #: field name -> its problem in the user's language, for every refused field
    problems: dict[str, str] = field(default_factory=dict)
    #: every value of each submitted text field (check boxes, multi-selects)
    lists: dict[str, list[str]] = field(default_factory=dict)
    #: who submitted it (``request.state.principal``), for pages that show what they may see
    principal: Any = None


Reshow = Callable[[Request, Refused], Response]
#: a re-show that reads the database: ``again(request, db, refused)``
ReshowFromDb = Callable[[Request, Session, Refused], Response]
F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=BaseModel)

TOO_LONG = N_("%(field)s is too long: at most %(limit)s characters.")
REQUIRED = N_("%(field)s must be filled in.")
TOO_SHORT = N_("%(field)s is too short: at least %(limit)s characters.")
INVALID = N_("%(field)s is not valid.")
BIRTH_DATE = N_("%(field)s must lie between 1 January 1900 and today.")
REQUIRED_KINDS = ("missing", "string_too_short", "too_short")
TOO_MANY = N_("%(field)s: too many entries, at most %(limit)s.")
#: the same, for a field without a title (never its internal name)
UNNAMED = {"too_long": N_("A field is too long: at most %(limit)s characters."),
           "required": N_("A required field is not filled in."),
           "too_short": N_("A field is too short: at least %(limit)s characters."),
           "invalid": N_("A field is not valid."),
           "too_many": N_("A field has too many entries: at most %(limit)s."),
           "birth_date": N_("A date of birth must lie between 1 January 1900 and today.")}


def reshow_with(reshow: Reshow, *models: type[BaseModel],
                titles: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """Decorator: on a refused form, answer ``reshow(request, refused)``; the message
    names the field by its title (a msgid) in ``models``, or in ``titles`` (field -> msgid)."""
    known = {name: info.title for model in models
             for name, info in model.model_fields.items() if info.title}
    known.update(titles or {})

    def mark(endpoint: F) -> F:
        _RESHOW[endpoint] = (reshow, known)
        return endpoint
    return mark


#: endpoint -> (reshow function, field titles), filled by :func:`reshow_with`
_RESHOW: dict[Callable[..., Any], tuple[Reshow, dict[str, str]]] = {}


def with_session(again: ReshowFromDb) -> Reshow:
    """A re-show for a page that reads the database (a case, the user list): ``again`` gets a
    session of its own, closed afterwards; nothing is written on a refused form."""
    def reshow(request: Request, refused: Refused) -> Response:
        db = session_factory()()
        try:
            return again(request, db, refused)
        finally:
            db.close()
    return reshow


def form_input(model: type[M], form: Mapping[str, Any], *, lists: tuple[str, ...] = (),
               extra: Mapping[str, Any] | None = None) -> M:
    """``model`` from a submitted form a handler reads itself (a model that forbids unknown
    fields, values the form does not carry as plain fields): the fields ``model`` declares
    (others, e.g. the CSRF token, are not its business; ``lists`` are multi-valued, read with
    ``getlist``), then ``extra``. A refused value is a ``RequestValidationError``, so the
    route re-shows the page just as for ``Annotated[Model, Form()]``."""
    data: dict[str, Any] = {}
    for name in model.model_fields:
        getlist = getattr(form, "getlist", None)
        if name in lists and getlist is not None:
            values = [v for v in getlist(name) if isinstance(v, str)]
            if values:
                data[name] = values
        elif name in form:
            data[name] = form[name]
    data.update(extra or {})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{**err, "loc": ("body", *err.get("loc", ()))} for err in exc.errors()]
        raise RequestValidationError(errors) from None


def values_of(values: Any) -> dict[str, list[str]]:
    """What a handler re-shows after its service refused the operation (a form model or a
    mapping) as field -> submitted values, the shape of :attr:`Refused.lists`."""
    if isinstance(values, BaseModel):
        values = values.model_dump(mode="json", exclude_none=True)
    out: dict[str, list[str]] = {}
    for key, value in dict(values).items():
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        out[key] = ["1" if v is True else "0" if v is False else str(v) for v in items]
    return out


def _field_name(error: Mapping[str, Any]) -> str:
    """The refused field: the innermost named part of the location (``values.note`` ->
    ``note``; ``legal_bases.0`` -> ``legal_bases``)."""
    loc = list(error.get("loc") or ())
    if loc[:1] == ["body"]:  # where FastAPI found it, not a field (a field may be "body" too)
        loc = loc[1:]
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else ""


def _problem(error: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    title = titles.get(_field_name(error))
    kind = str(error.get("type", ""))
    if kind == "string_too_long":
        problem, params = "too_long", {"limit": (error.get("ctx") or {}).get("max_length", "?")}
    elif kind == "too_long":  # a list (check boxes) longer than its limit
        problem, params = "too_many", {"limit": (error.get("ctx") or {}).get("max_length", "?")}
    elif is_birth_date_error(error):
        problem, params = "birth_date", {}
    elif kind == "string_too_short" and int((error.get("ctx") or {}).get("min_length", 1)) > 1:
        # filled in but short (a legal basis of 20 characters): "must be filled in" misled
        # the officer who had typed one (walk19)
        problem, params = "too_short", {"limit": (error.get("ctx") or {})["min_length"]}
    elif kind in REQUIRED_KINDS or "empty" in str(error.get("msg", "")):
        problem, params = "required", {}
    else:
        problem, params = "invalid", {}
    if title is None:
        return _(UNNAMED[problem], **params)
    named = {"too_long": TOO_LONG, "required": REQUIRED, "too_short": TOO_SHORT,
             "invalid": INVALID,
             "too_many": TOO_MANY, "birth_date": BIRTH_DATE}[problem]
    return _(named, field=_(title), **params)


def problem_message(exc: RequestValidationError, titles: Mapping[str, str]) -> str:
    """The first refused field, in the user's language (``titles``: field -> msgid)."""
    errors = exc.errors()
    return _problem(errors[0] if errors else {"loc": ("body", "")}, titles)


def problems_of(exc: RequestValidationError, titles: Mapping[str, str]) -> dict[str, str]:
    """Every refused field -> its first problem, in the user's language (values never echoed)."""
    out: dict[str, str] = {}
    for error in exc.errors():
        out.setdefault(_field_name(error), _problem(error, titles))
    return out


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
                names = [k for k in form if k != "csrf_token"]
                lists = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in names}
                fields = {k: values[0] for k, values in lists.items() if values}
                errors = exc.errors()
                too_long = bool(errors) and errors[0].get("type") == "string_too_long"
                refused = Refused(fields, problem_message(exc, titles), too_long,
                                  problems_of(exc, titles), lists,
                                  getattr(request.state, "principal", None))
                return await run_in_threadpool(reshow, request, refused)

        return handle
