"""Changing a case's HTCDS 2.0 details after intake: the case worker (cas_CaseOwner), the victim
context (vic_*) and the incoming referral (cas_Referring*, cas_IncomingReferral*); and a
person's (prs_*: salutation, title, home phone, mailing address, marital status, languages,
education)."""

from __future__ import annotations

from typing import Any

from waspada.cases import htcds
from waspada.cases.errors import CaseError
from waspada.cases.htcds_values import clean_case_values, clean_person_values
from waspada.cases.limits import PERSON_TEXT
from waspada.cases.models import Case, Person
from waspada.cases.store.fields import clean_text, touch

#: the person's plain text fields the profile form edits (the others are HTCDS-checked)
PROFILE_TEXT = ("mailing_street", "mailing_city", "mailing_state")


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


def update_person_details(case: Case, person: Person, data: dict[str, Any]) -> list[str]:
    """Set the person's given HTCDS details (checked against the field table, the mailing
    street, city and province as text); answer the names changed."""
    if person.case_id != case.id or person.merged_into_id is not None:
        raise CaseError("not_found", "no such person", 404)
    if person.anonymised:
        raise CaseError("anonymised", "the person's data was anonymised", 409)
    values = clean_person_values({k: v for k, v in data.items() if k not in PROFILE_TEXT})
    values.update({name: clean_text(data[name], PERSON_TEXT[name])
                   for name in PROFILE_TEXT if name in data})
    changed = sorted(name for name, value in values.items() if getattr(person, name) != value)
    for name in changed:
        setattr(person, name, values[name])
    if changed:
        touch(case)
    return changed
