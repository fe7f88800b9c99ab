"""What the network capability reads of cases (``network/sources.py``), with this capability's
visibility rules: which cases a principal's unit reaches, and each case's persons' values with
the visibility group each needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import store, visibility
from waspada.cases.models import Case, Person
from waspada.platform.security.policy import Principal


def reachable_case_ids(db: Session, principal: Principal, ids: set[int]) -> set[int]:
    """The ids among ``ids`` that the principal's unit reaches (all for cross-unit roles)."""
    if store.is_cross_unit(principal):
        return set(ids)
    if principal.unit_id is None or not ids:
        return set()
    from waspada.cases.models import CaseUnitAccess

    return set(db.scalars(select(CaseUnitAccess.case_id).where(
        CaseUnitAccess.unit_id == principal.unit_id, CaseUnitAccess.case_id.in_(ids))))


def _person_fields(person: Person) -> list[dict[str, str]]:
    """A person's values with the visibility group each needs (cases/visibility.py): a
    perpetrator's contact channels are recruiter intelligence (``case``), a victim's or
    reporter's are ``contact``; names are ``identity``; free text is ``narrative``."""
    role = person.role or "victim"
    contact_group = visibility.CASE if role == "perpetrator" else visibility.CONTACT
    fields = [{"kind": "person", "value": f"case_person:{person.id}", "role": role,
               "group": visibility.IDENTITY, "label": person.full_name or ""}]
    if person.mobile_phone:
        fields.append({"kind": "phone", "value": person.mobile_phone, "role": role,
                       "group": contact_group})
    if person.email:
        fields.append({"kind": "email", "value": person.email, "role": role,
                       "group": contact_group})
    if person.role_details:
        fields.append({"kind": "text", "value": person.role_details, "role": role,
                       "group": visibility.NARRATIVE})
    return fields


def network_records(db: Session, ids: list[int] | None) -> Iterator[dict[str, Any]]:
    """Each case (not merged away) with its persons' values, for the network capability."""
    last = 0
    while True:
        q = select(Case).where(Case.merged_into_id.is_(None), Case.id > last)
        if ids is not None:
            q = q.where(Case.id.in_(ids))
        cases = list(db.scalars(q.order_by(Case.id).limit(500)))
        if not cases:
            return
        persons: dict[int, list[Person]] = {}
        for person in db.scalars(select(Person).where(
                Person.case_id.in_([c.id for c in cases]), Person.merged_into_id.is_(None),
                Person.anonymised.is_(False)).order_by(Person.id)):
            persons.setdefault(person.case_id, []).append(person)
        for case in cases:
            fields = [f for p in persons.get(case.id, []) for f in _person_fields(p)]
            if case.summary and case.anonymised_at is None:
                fields.append({"kind": "text", "value": case.summary, "role": "summary",
                               "group": visibility.NARRATIVE})
            yield {"source_id": case.id, "unit_id": case.owner_unit_id,
                   "seen_at": case.reported_at, "fields": fields}
        last = cases[-1].id
