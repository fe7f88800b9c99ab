"""Changing a case's HTCDS 2.0 details after intake: the case worker (cas_CaseOwner), the victim
context (vic_*) and the incoming referral (cas_Referring*, cas_IncomingReferral*)."""

from __future__ import annotations

from typing import Any

from waspada.cases import htcds
from waspada.cases.errors import CaseError
from waspada.cases.htcds_values import clean_case_values
from waspada.cases.models import Case
from waspada.cases.store.fields import touch


def update_details(case: Case, data: dict[str, Any]) -> list[str]:
    """Set the given fields (each checked against the field table); answer the names changed."""
    values = clean_case_values(data)
    if "trafficking_status" in data:
        status = data["trafficking_status"] or None
        if status is not None and status not in htcds.TRAFFICKING_STATUSES:
            raise CaseError("invalid_trafficking_status", "unknown vic_TraffickingStatus", 422)
        values["trafficking_status"] = status
    changed = sorted(name for name, value in values.items() if getattr(case, name) != value)
    for name in changed:
        setattr(case, name, values[name])
    if changed:
        touch(case)
    return changed
