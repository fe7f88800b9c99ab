"""A workflow step's values in words, one formatter for the case page's timeline and the printed
summary (``cases.printed``): dates ``DD-MM-YYYY`` in both languages, codes through the labels
catalogue, an organisation an administrator added by its registered name.

The page wrote "Date of exit: 2026-01-02" and "Handed over to: LSM_DEMO" where the PDF printed
"02-01-2026" and the organisation's name (round 25): the PDF alone had the fix.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from waspada.platform.labels import label

#: step values -> the labels kind of their codes
VALUE_KINDS = {"trafficking_status": "trafficking_status", "exit_mode": "choice",
               "citizenship_basis": "choice", "return_mode": "choice",
               "handover_to": "organisation", "location_country": "country",
               "closure_reason": "closure_reason", "source": "case_source"}
#: step values that are calendar dates (written DD-MM-YYYY like every other date)
DATE_VALUES = {"exit_date", "splp_issued_on", "arrival_date", "handover_date",
               "last_contact_date"}


def day_text(value: Any) -> str:
    """A calendar date (a ``date``, a ``datetime`` or an ISO text) as ``DD-MM-YYYY``; a text
    that is no date as it is; nothing as "-"."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and len(value) >= 10:
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d-%m-%Y") if isinstance(value, date) else "-"


def step_value(key: str, value: Any, lang: str, org_names: dict[str, str] | None = None) -> str:
    """One value of a workflow step in ``lang``'s words (``org_names``: organisation code ->
    registered name, for organisations outside the catalogue)."""
    if key in DATE_VALUES:
        return day_text(value)
    kind = VALUE_KINDS.get(key, "")
    words = label(kind, value, lang)
    if kind == "organisation" and words == str(value).strip():
        return (org_names or {}).get(words, words)
    return words
