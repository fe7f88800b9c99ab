"""Shared write helpers: cleaning text and dates, touching a case's deadlines."""

from __future__ import annotations

from datetime import date, datetime

from waspada.cases import limits
from waspada.cases.errors import CaseError
from waspada.cases.models import (
    Case,
)
from waspada.cases.workflow import due_at
from waspada.platform.db import utcnow

# -- writing ----------------------------------------------------------------------------------

def touch(case: Case, now: datetime | None = None) -> None:
    now = now or utcnow()
    case.last_update_at = now
    case.due_at = due_at(case.status, case.state_entered_at, now)


TEXT_LIMITS = limits.PERSON_TEXT


def clean_text(value: object, limit: int) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split()) if limit <= 200 else str(value).strip()
    if len(text) > limit:
        raise CaseError("too_long", "a field is longer than {limit} characters", 422,
                        limit=limit)
    return text or None


def clean_date(value: object, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise CaseError("invalid_date", f"{name} must be YYYY-MM-DD", 422) from None

