"""Pages read a submitted form into the operation's input model (``schemas.py``) with
:func:`parse_form`: the limits are the model's (which the ORM columns share), and a refused value
is an :class:`InvalidInput` the page shows next to the form it re-renders, filled in, in the
user's language (instead of FastAPI's bare 422 for ``Annotated[Model, Form()]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_

M = TypeVar("M", bound=BaseModel)


class InvalidInput(DomainError):
    """A field of an operation's input is refused; ``field`` is the field's title (a msgid)."""

    status = 400

    def __init__(self, message: str, *, field: str, name: str, **params: Any) -> None:
        super().__init__("invalid_input", message, problems={name: message}, field=field,
                         **params)

    def localized(self, gettext: Callable[[str], str]) -> str:
        params = {**self.params, "field": gettext(str(self.params["field"]))}
        return gettext(self.message).format(**params)


def from_validation(model: type[BaseModel], exc: ValidationError) -> InvalidInput:
    """The first problem of ``exc`` as an :class:`InvalidInput` naming the field's title."""
    first = exc.errors()[0]
    loc = first.get("loc") or ("",)
    name = str(loc[0])
    info = model.model_fields.get(name)
    field = (info.title if info is not None and info.title else name)
    if first.get("type") == "string_too_long":
        limit = (first.get("ctx") or {}).get("max_length", 0)
        return InvalidInput(N_("{field} is too long: at most {limit} characters."),
                            field=field, name=name, limit=limit)
    if first.get("type") == "string_too_short":
        return InvalidInput(N_("{field} must not be empty."), field=field, name=name)
    return InvalidInput(N_("{field} is not valid."), field=field, name=name)


def parse_form(model: type[M], form: Mapping[str, Any]) -> M:
    """Build ``model`` from the form's fields that it declares (others, e.g. the CSRF token,
    are not its business); raise :class:`InvalidInput` for the first refused field."""
    data = {name: form[name] for name in model.model_fields if name in form}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation(model, exc) from None
