"""The one bound on a person's date of birth entered by a user.

A date of birth lies between :data:`EARLIEST_BIRTH_DATE` (1900-01-01) and today. "Today" is
the UTC date plus one day of tolerance (:func:`latest_birth_date`): a unit in Jayapura (UTC+9)
or Phnom Penh (UTC+7) is at most one calendar day ahead of UTC, so a child born today anywhere
Waspada runs is accepted, and a date two days ahead is refused everywhere. Pydantic models use
:data:`BirthDate`; stores that take a plain value (imports, the public form) call
:func:`check_birth_date`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
MESSAGE = "the date of birth must lie between 1900-01-01 and today"


class BirthDateError(ValueError):
    """A date of birth outside the bound (the pages name it in Indonesian)."""


def is_birth_date_error(error: Mapping[str, Any]) -> bool:
    """Whether a pydantic error entry is this bound's refusal."""
    cause = (error.get("ctx") or {}).get("error")
    return isinstance(cause, BirthDateError) or MESSAGE in str(error.get("msg", ""))


def latest_birth_date() -> date:
    """The latest date of birth accepted now: the UTC date plus one day."""
    return datetime.now(UTC).date() + timedelta(days=1)


def birth_date_in_range(value: date) -> bool:
    return EARLIEST_BIRTH_DATE <= value <= latest_birth_date()


def check_birth_date(value: date) -> date:
    """``value`` when it is a possible date of birth; else :class:`BirthDateError` (in a
    pydantic model: 422 in the API, the field's Indonesian message on a page)."""
    if not birth_date_in_range(value):
        raise BirthDateError(MESSAGE)
    return value


#: a date of birth entered by a user (request models and forms)
BirthDate = Annotated[date, AfterValidator(check_birth_date)]
