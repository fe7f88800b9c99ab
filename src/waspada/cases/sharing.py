"""Case operations for the exchange capability (issue #17), inside the caller's transaction.

The exchange applies an incoming bundle in the transport's transaction (the inbox row and the
change are committed together, once, by the transport), so unlike :mod:`waspada.cases.service`
nothing here commits; the exchange service checks its own policy action and writes its audit
entry. Reads answer plain dicts; writes go through :mod:`waspada.cases.store`, so the same
validation as for an officer's input applies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from waspada.cases import duplicates, htcds, store, visibility
from waspada.cases.errors import CaseError
from waspada.cases.htcds_values import clean_person_values
from waspada.cases.models import Case, Person, PersonKey, TraffickingEvent
from waspada.cases.store.fields import clean_date, clean_text, touch
from waspada.cases.store.views import person_dict
from waspada.network import service as network
from waspada.platform.security.policy import Principal

#: a victim scoring at least this against an incoming victim is taken as the same person
LINK_THRESHOLD = 90


def case_ref(db: Session, principal: Principal, case_id: int) -> dict[str, Any]:
    """Id, reference and owner unit of a case the principal reaches (404 otherwise)."""
    case = store.get_case(db, principal, case_id)
    return {"id": case.id, "reference": case.reference, "owner_unit_id": case.owner_unit_id}


def case_id_by_reference(db: Session, principal: Principal, reference: str) -> int:
    """The id of the case with this reference that the principal reaches (404 otherwise); a
    reference typed in small letters ("wsp-2026-000003") finds the case as the case list's
    filter does (walk19: "Kirim ke mitra" said the case did not exist)."""
    typed = reference.strip()
    case_id = db.scalar(select(Case.id).where(Case.reference == typed))
    if case_id is None and typed != typed.upper():
        case_id = db.scalar(select(Case.id).where(Case.reference == typed.upper()))
    if case_id is None or not store.may_see(db, principal, case_id):
        raise CaseError("not_found", "no such case", 404)
    return int(case_id)


def reference_of(db: Session, case_id: int) -> str | None:
    return db.scalar(select(Case.reference).where(Case.id == case_id))


def references(db: Session, case_ids: set[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    return {int(i): str(r) for i, r in db.execute(
        select(Case.id, Case.reference).where(Case.id.in_(case_ids)))}


def case_data(db: Session, case_id: int) -> dict[str, Any]:
    """Everything held on the case, unredacted (the exchange filters it per partner)."""
    case = db.get(Case, case_id)
    if case is None:
        raise CaseError("not_found", "no such case", 404)
    return store.case_dict(db, case)


def visible_persons(db: Session, principal: Principal, case_id: int) -> list[dict[str, Any]]:
    """The case's persons as the principal may read them (``display_name`` is the name or the
    pseudonym; fields outside the role's groups are None) — for pages and API answers."""
    groups = visibility.groups_for(principal.role.value, is_cli=principal.is_cli)
    today = date.today()
    return [visibility.redact_person(p, groups, today) for p in persons(db, case_id)]


def persons(db: Session, case_id: int) -> list[dict[str, Any]]:
    return [person_dict(p) for p in db.scalars(
        select(Person).where(Person.case_id == case_id).where(Person.merged_into_id.is_(None))
        .order_by(Person.id))]


def import_case(db: Session, actor: Principal, data: dict[str, Any]) -> tuple[int, str]:
    """Create a case from another installation's record (``htcds.htcds_to_case`` shape); it
    belongs to the accepting officer's unit, or for an automatic acceptance to the unit the
    public reports of its destination go to. Answers (case id, reference)."""
    unit_id = actor.unit_id
    if unit_id is None:
        unit_id = store.public_intake_unit(db, data.get("destination_country")).id
    case = store.create_case(db, actor, data, owner_unit_id=unit_id, source="officer")
    db.flush()
    network.source_changed(db, "case", case.id)  # as an officer's intake: its phones, names
    return case.id, case.reference


def update_case(db: Session, case_id: int, fields: dict[str, Any],
                person_fields: dict[int, dict[str, Any]], new_persons: list[dict[str, Any]],
                new_events: list[dict[str, Any]],
                new_plans: list[dict[str, Any]] | None = None) -> list[int]:
    """Change the named case fields and person fields, add persons, events and support plans;
    answers the ids of the added persons (in order)."""
    case = db.get(Case, case_id)
    if case is None:
        raise CaseError("not_found", "no such case", 404)
    if fields:
        current = {name: getattr(case, name) for name in store.CASE_FIELDS}
        cleaned = store.intake._clean_case_fields({**current, **fields})
        for name in fields:
            if name in cleaned:
                setattr(case, name, cleaned[name])
    for person_id, values in person_fields.items():
        person = db.get(Person, person_id)
        if person is None or person.case_id != case_id:
            raise CaseError("not_found", "no such person", 404)
        for name, value in values.items():
            if name == "birth_date":
                person.birth_date = clean_date(value, name)
            elif name == "gender" and value in htcds.GENDERS:
                person.gender = value
            elif name == "perpetrator_role" and value in htcds.PERPETRATOR_ROLES:
                person.perpetrator_role = value
            elif name in store.TEXT_LIMITS:
                setattr(person, name, clean_text(value, store.TEXT_LIMITS[name]))
        # HTCDS choices (citizenship, marital status, languages, ...), checked as at intake
        for name, value in clean_person_values(values).items():
            setattr(person, name, value)
        if "full_name" not in values and {"first_name", "middle_name", "second_name"} & set(values):
            parts = [person.first_name, person.middle_name, person.second_name]
            person.full_name = " ".join(p for p in parts if p) or person.full_name
        db.execute(delete(PersonKey).where(PersonKey.person_id == person.id))
        for key in duplicates.blocking_keys(person.full_name, person.identity_number):
            db.add(PersonKey(key=key, person_id=person.id))
    added = [store.add_person(db, case, p).id for p in new_persons]
    for event in new_events:
        store.add_event(db, case, event)
    for plan in new_plans or ():
        store.add_support_plan(db, case, plan)
    touch(case)
    db.flush()
    network.source_changed(db, "case", case_id)
    return added


def event_keys(db: Session, case_id: int) -> set[tuple[str, str | None, str | None, str | None]]:
    """(type, date, city, country) of the case's events: the exchange adds only new ones."""
    return {(e.type, e.event_date.isoformat() if e.event_date else None, e.city, e.country)
            for e in db.scalars(select(TraffickingEvent)
                                .where(TraffickingEvent.case_id == case_id))}


def add_comment(db: Session, actor: Principal, case_id: int, body: str) -> int:
    """A comment on the case (evidence received from another installation), not committed."""
    case = db.get(Case, case_id)
    if case is None:
        raise CaseError("not_found", "no such case", 404)
    return store.add_comment(db, actor, case, body).id


def likely_same_victims(db: Session, person: dict[str, Any],
                        threshold: int = LINK_THRESHOLD) -> list[dict[str, Any]]:
    """Local victims the matching engine finds the same as ``person`` (a ``person_dict``-like
    dict without id), best first: ``{"case_id", "person_id", "reference", "score"}``."""
    keys = duplicates.blocking_keys(person.get("full_name"), person.get("identity_number"))
    if not keys:
        return []
    ids = select(PersonKey.person_id).where(PersonKey.key.in_(keys)).distinct().limit(
        duplicates.MAX_CANDIDATES)
    rows = list(db.scalars(select(Person).where(Person.id.in_(ids))
                           .where(Person.role == "victim")
                           .where(Person.merged_into_id.is_(None))
                           .where(Person.anonymised.is_(False))))
    if not rows:
        return []
    query = duplicates.candidate_from_person({**person, "id": 0, "case_id": 0,
                                              "birth_date": clean_date(
                                                  person.get("birth_date"), "birth_date")})
    hits = duplicates.score_candidates(
        query, [duplicates.candidate_from_person(person_dict(p)) for p in rows], threshold)
    refs = references(db, {h.case_id for h in hits})
    return [{"case_id": h.case_id, "person_id": h.person_id, "reference": refs.get(h.case_id),
             "score": h.score} for h in hits]


def to_htcds(data: dict[str, Any]) -> dict[str, Any]:
    """The case dict as an HTCDS record (the pure mapping of :mod:`waspada.cases.htcds`)."""
    return htcds.case_to_htcds(data)


def visible_case_ids(db: Session, principal: Principal, case_ids: set[int]) -> set[int]:
    """Those of ``case_ids`` the principal's unit reaches."""
    if not case_ids:
        return set()
    stmt = store.visible_cases_stmt(principal).where(Case.id.in_(case_ids))
    return {int(i) for i in db.scalars(stmt.with_only_columns(Case.id))}
