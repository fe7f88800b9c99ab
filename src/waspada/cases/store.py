"""Case storage and operations: queries, unit scoping, workflow, referrals, duplicates, merges,
attachments, exports, retention. The interfaces (api, pages, cli) commit and write the audit.

Domain rules come from the pure modules: :mod:`workflow` (state machine), :mod:`visibility`
(field groups per role, retention rule), :mod:`htcds` (export shape), :mod:`duplicates`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from waspada.cases import duplicates, htcds, visibility
from waspada.cases.models import (
    Assessment,
    Case,
    CaseAttachment,
    CaseComment,
    CaseTask,
    CaseTransition,
    CaseUnitAccess,
    Consent,
    DuplicateFlag,
    Merge,
    Organisation,
    Person,
    PersonKey,
    Referral,
    SupportPlan,
    TraffickingEvent,
)
from waspada.cases.settings import get_cases_settings
from waspada.cases.workflow import INITIAL_STATE, check_transition, due_at, load_workflow
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.domain import DomainError
from waspada.platform.security.models import Unit
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal, allowed
from waspada.platform.security.users import get_or_create_unit, unit_code
from waspada.platform.settings import get_settings

ORGS_FILE = Path(__file__).with_name("organisations.yaml")
TERMINAL = frozenset(load_workflow().terminal_states)


class CaseError(DomainError):
    """A refused case operation; ``code`` is stable, ``status`` the HTTP status to answer."""

    def __init__(self, code: str, message: str, status: int = 400,
                 problems: dict[str, str] | None = None) -> None:
        super().__init__(code, message, status=status, problems=problems)


# -- organisations and units -----------------------------------------------------------------

@lru_cache(maxsize=1)
def org_catalogue() -> dict[str, Any]:
    return yaml.safe_load(ORGS_FILE.read_text(encoding="utf-8"))


def sync_organisations(session: Session) -> int:
    """Add built-in organisations that are missing; link them to existing units. Idempotent."""
    created = 0
    for row in org_catalogue()["organisations"]:
        org = session.scalar(select(Organisation).where(Organisation.code == row["code"]))
        if org is None:
            org = Organisation(code=row["code"], name=row["id"], name_en=row["en"],
                               org_type=row["type"], country=row.get("country", "ID"))
            session.add(org)
            created += 1
        if org.unit_id is None and row.get("unit"):
            unit = session.scalar(select(Unit).where(Unit.code == unit_code(row["unit"])))
            if unit is not None:
                org.unit_id = unit.id
    session.flush()
    return created


def list_organisations(session: Session) -> list[Organisation]:
    if session.scalar(select(Organisation.id).limit(1)) is None:
        sync_organisations(session)
    return list(session.scalars(select(Organisation).where(Organisation.active.is_(True))
                                .order_by(Organisation.name)))


def add_organisation(session: Session, code: str, name: str, name_en: str, org_type: str,
                     country: str, unit_name: str | None) -> Organisation:
    code = code.strip().upper()
    if not code or len(code) > 32 or not all(ch.isalnum() or ch == "_" for ch in code):
        raise CaseError("invalid_code", "organisation code: 1-32 letters, digits, underscore")
    if org_type not in htcds.ORG_TYPES:
        raise CaseError("invalid_type", "unknown HTCDS organisation type")
    if session.scalar(select(Organisation).where(Organisation.code == code)) is not None:
        raise CaseError("exists", "an organisation with this code exists", 409)
    unit_id = None
    if unit_name and unit_name.strip():
        unit_id = get_or_create_unit(session, unit_name[:200]).id
    org = Organisation(code=code, name=name.strip()[:200] or code, name_en=name_en.strip()[:200],
                       org_type=org_type, country=(country or "ID").upper()[:2], unit_id=unit_id)
    session.add(org)
    session.flush()
    return org


def public_intake_unit(session: Session, destination: str | None) -> Unit:
    units = org_catalogue()["public_intake_units"]
    name = units.get((destination or "").upper(), units["*"])
    return get_or_create_unit(session, name, kind="protection")


# -- scoping ----------------------------------------------------------------------------------

def is_cross_unit(principal: Principal) -> bool:
    return principal.is_cli or principal.role in CROSS_UNIT_ROLES


def may_see(session: Session, principal: Principal, case_id: int) -> bool:
    if is_cross_unit(principal):
        return True
    if principal.unit_id is None:
        return False
    return session.get(CaseUnitAccess, (principal.unit_id, case_id)) is not None


def get_case(session: Session, principal: Principal, case_id: int) -> Case:
    """The case if the principal's unit reaches it; 404 otherwise (existence is not revealed)."""
    case = session.get(Case, case_id)
    if case is None or not may_see(session, principal, case_id):
        raise CaseError("not_found", "no such case", 404)
    return case


def groups(principal: Principal) -> frozenset[str]:
    return visibility.groups_for(principal.role.value, is_cli=principal.is_cli)


# -- reading ----------------------------------------------------------------------------------

def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def person_dict(p: Person) -> dict[str, Any]:
    return {"id": p.id, "case_id": p.case_id, "role": p.role, "first_name": p.first_name,
            "middle_name": p.middle_name, "second_name": p.second_name,
            "full_name": p.full_name, "birth_date": p.birth_date, "gender": p.gender,
            "citizenship": p.citizenship, "identity_number": p.identity_number,
            "passport_number": p.passport_number, "mobile_phone": p.mobile_phone,
            "email": p.email, "mailing_street": p.mailing_street,
            "mailing_city": p.mailing_city, "mailing_state": p.mailing_state,
            "relationship": p.relationship, "perpetrator_role": p.perpetrator_role,
            "role_details": p.role_details, "merged_into_id": p.merged_into_id,
            "anonymised": p.anonymised, "pseudonym": visibility.pseudonym(
                {"role": p.role, "id": p.id})}


def case_summary(case: Case, unit_names: dict[int, str], now: datetime) -> dict[str, Any]:
    wf = load_workflow()
    return {"id": case.id, "reference": case.reference, "status": case.status,
            "status_label": wf.states[case.status].label_id,
            "status_label_en": wf.states[case.status].label_en,
            "owner_unit_id": case.owner_unit_id,
            "owner_unit": unit_names.get(case.owner_unit_id, ""),
            "source": case.source, "destination_country": case.destination_country,
            "destination_city": case.destination_city,
            "exploitation_type": case.exploitation_type, "compound_type": case.compound_type,
            "reported_at": case.reported_at, "last_update_at": case.last_update_at,
            "due_at": case.due_at,
            "overdue": case.due_at is not None and now > case.due_at,
            "merged_into_id": case.merged_into_id,
            "anonymised": case.anonymised_at is not None}


def _unit_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())


def case_dict(session: Session, case: Case, now: datetime | None = None) -> dict[str, Any]:
    """Everything held on a case, unredacted (callers pass it through visibility.redact_case)."""
    now = now or utcnow()
    cid = case.id
    units = _unit_names(session, {case.owner_unit_id})
    out = case_summary(case, units, now)
    out.update({
        "summary": case.summary, "trafficking_status": case.trafficking_status,
        "forced_activities": case.forced_activities,
        "recruitment_method": case.recruitment_method, "closure_reason": case.closure_reason,
        "closure_note": case.closure_note, "closed_at": case.closed_at,
        "state_entered_at": case.state_entered_at,
    })
    persons = list(session.scalars(select(Person).where(Person.case_id == cid)
                                   .order_by(Person.id)))
    out["persons"] = [person_dict(p) for p in persons]
    out["events"] = [{"id": e.id, "type": e.type, "date": e.event_date, "city": e.city,
                      "state": e.state, "country": e.country, "street": e.street,
                      "description": e.description}
                     for e in session.scalars(select(TraffickingEvent)
                                              .where(TraffickingEvent.case_id == cid)
                                              .order_by(TraffickingEvent.event_date.is_(None),
                                                        TraffickingEvent.event_date,
                                                        TraffickingEvent.id))]
    out["comments"] = [{"id": c.id, "author": c.author, "body": c.body, "at": c.created_at}
                       for c in session.scalars(select(CaseComment)
                                                .where(CaseComment.case_id == cid)
                                                .order_by(CaseComment.id.desc()).limit(100))]
    out["history"] = [{"id": t.id, "transition": t.transition, "from": t.from_status,
                       "to": t.to_status, "actor": t.actor, "at": t.at,
                       "values": json.loads(t.values_json or "{}")}
                      for t in session.scalars(select(CaseTransition)
                                               .where(CaseTransition.case_id == cid)
                                               .order_by(CaseTransition.id))]
    out["tasks"] = [{"id": t.id, "title": t.title, "due_on": t.due_on, "done_at": t.done_at,
                     "overdue": t.done_at is None and t.due_on is not None
                     and t.due_on < now.date()}
                    for t in session.scalars(select(CaseTask).where(CaseTask.case_id == cid)
                                             .order_by(CaseTask.id))]
    out["attachments"] = [{"id": a.id, "name": a.original_name, "content_type": a.content_type,
                           "size": a.size, "at": a.created_at, "by": a.uploaded_by}
                          for a in session.scalars(select(CaseAttachment)
                                                   .where(CaseAttachment.case_id == cid)
                                                   .order_by(CaseAttachment.id))]
    orgs = {o.id: o for o in session.scalars(select(Organisation))}
    from_units = {}
    referrals = list(session.scalars(select(Referral).where(Referral.case_id == cid)
                                     .order_by(Referral.id)))
    if referrals:
        from_units = _unit_names(session, {r.from_unit_id for r in referrals if r.from_unit_id})
    out["referrals"] = [{"id": r.id, "kind": r.kind, "to_org": orgs[r.to_org_id].name,
                         "to_org_code": orgs[r.to_org_id].code,
                         "to_unit_id": orgs[r.to_org_id].unit_id,
                         "from_org": from_units.get(r.from_unit_id or 0, ""),
                         "reason": r.reason, "details": r.details, "status": r.status,
                         "consent_id": r.consent_id, "override": r.override_reason is not None,
                         "created_on": r.created_at.date().isoformat(), "created_by": r.created_by,
                         "accepted_on": r.responded_at.date().isoformat()
                         if r.status == "accepted" and r.responded_at else None,
                         "responded_by": r.responded_by}
                        for r in referrals]
    out["consents"] = [{"id": c.id, "person_id": c.person_id, "scope": c.scope, "given": c.given,
                        "method": c.method, "recorded_by": c.recorded_by,
                        "recorded_at": c.recorded_at, "withdrawn_at": c.withdrawn_at}
                       for c in session.scalars(select(Consent).where(Consent.case_id == cid)
                                                .order_by(Consent.id))]
    out["support_plans"] = [{"id": s.id, "type": s.type, "objectives": s.objectives,
                             "action_plan": s.action_plan, "planned_end": s.planned_end,
                             "actual_end": s.actual_end}
                            for s in session.scalars(select(SupportPlan)
                                                     .where(SupportPlan.case_id == cid))]
    out["assessments"] = [{"id": a.id, "level": a.level, "risk": a.risk, "notes": a.notes,
                           "by": a.created_by, "at": a.created_at}
                          for a in session.scalars(select(Assessment)
                                                   .where(Assessment.case_id == cid))]
    flags = list(session.scalars(select(DuplicateFlag).where(
        or_(DuplicateFlag.case_id == cid, DuplicateFlag.other_case_id == cid))
        .where(DuplicateFlag.status == "open")))
    refs = dict(session.execute(select(Case.id, Case.reference).where(Case.id.in_(
        {f.case_id for f in flags} | {f.other_case_id for f in flags}))).all()) if flags else {}
    out["duplicates"] = [{"id": f.id, "other_case_id": f.other_case_id if f.case_id == cid
                          else f.case_id,
                          "other_reference": refs.get(f.other_case_id if f.case_id == cid
                                                      else f.case_id),
                          "person_id": f.person_id, "other_person_id": f.other_person_id,
                          "score": f.score, "engine": f.engine} for f in flags]
    out["merges"] = [{"id": m.id, "kind": m.kind, "survivor_id": m.survivor_id,
                      "merged_id": m.merged_id, "reason": m.reason, "actor": m.actor,
                      "at": m.at, "undone_at": m.undone_at}
                     for m in session.scalars(select(Merge).where(Merge.kind == "case").where(
                         or_(Merge.survivor_id == cid, Merge.merged_id == cid)))]
    # through the merge records (indexed by survivor), not case_cases.merged_into_id: that column
    # is NULL almost everywhere, which makes SQLite's planner skip its index after ANALYZE
    out["merged_cases"] = [{"id": c_id, "reference": ref} for c_id, ref in session.execute(
        select(Case.id, Case.reference).join(Merge, Merge.merged_id == Case.id)
        .where(Merge.kind == "case").where(Merge.survivor_id == cid)
        .where(Merge.undone_at.is_(None)))]
    return out


def view_case(session: Session, principal: Principal, case: Case) -> dict[str, Any]:
    """The case as the principal may see it (field-level visibility applied)."""
    data = visibility.redact_case(case_dict(session, case), groups(principal))
    data["transitions"] = [
        {"code": t.code, "label": t.label_id, "label_en": t.label_en, "to": t.target,
         "fields": [{"name": f.name, "type": f.type, "choices": list(f.choices),
                     "optional": f.optional} for f in t.fields]}
        for t in load_workflow().available(case.status, principal.role.value)]
    data["pending_referrals_for_me"] = [
        r["id"] for r in data["referrals"] if r["status"] == "pending"
        and r["to_unit_id"] is not None and r["to_unit_id"] == principal.unit_id]
    return data


@dataclass
class CaseFilters:
    status: str | None = None
    overdue: bool = False
    unit_id: int | None = None
    destination: str | None = None
    exploitation: str | None = None
    reference: str | None = None


def _filtered(stmt, f: CaseFilters, now: datetime):  # type: ignore[no-untyped-def]
    if f.status:
        stmt = stmt.where(Case.status == f.status)
    if f.overdue:
        stmt = stmt.where(Case.due_at < now)
    if f.unit_id:
        stmt = stmt.where(Case.owner_unit_id == f.unit_id)
    if f.destination:
        stmt = stmt.where(Case.destination_country == f.destination.upper()[:2])
    if f.exploitation:
        stmt = stmt.where(Case.exploitation_type.contains(f.exploitation[:40]))
    if f.reference:
        stmt = stmt.where(Case.reference == f.reference.strip().upper()[:32])
    return stmt


def visible_cases_stmt(principal: Principal):  # type: ignore[no-untyped-def]
    stmt = select(Case)
    if not is_cross_unit(principal):
        stmt = stmt.join(CaseUnitAccess, CaseUnitAccess.case_id == Case.id).where(
            CaseUnitAccess.unit_id == (principal.unit_id or -1))
    return stmt


def list_cases(session: Session, principal: Principal, f: CaseFilters, page: int = 1,
               per_page: int | None = None) -> tuple[list[dict[str, Any]], bool]:
    """One page of visible cases, newest first; returns (rows, has_more)."""
    per_page = per_page or get_cases_settings().page_size
    now = utcnow()
    page = max(1, min(page, 10_000))
    stmt = _filtered(visible_cases_stmt(principal), f, now)
    if is_cross_unit(principal):
        stmt = stmt.order_by(Case.id.desc())
    else:
        stmt = stmt.order_by(CaseUnitAccess.case_id.desc())
    rows = list(session.scalars(stmt.offset((page - 1) * per_page).limit(per_page + 1)))
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    units = _unit_names(session, {c.owner_unit_id for c in rows})
    out = [case_summary(c, units, now) for c in rows]
    show_names = visibility.IDENTITY in groups(principal)
    if rows:
        victims: dict[int, Person] = {}
        for p in session.scalars(select(Person).where(Person.case_id.in_([c.id for c in rows]))
                                 .where(Person.role == "victim").order_by(Person.id)):
            victims.setdefault(p.case_id, p)
        for item in out:
            v = victims.get(item["id"])
            item["victim"] = None if v is None else (
                v.full_name if show_names else visibility.pseudonym({"role": "victim",
                                                                     "id": v.id}))
    return out, has_more


# -- writing ----------------------------------------------------------------------------------

def touch(case: Case, now: datetime | None = None) -> None:
    now = now or utcnow()
    case.last_update_at = now
    case.due_at = due_at(case.status, case.state_entered_at, now)


TEXT_LIMITS = {"full_name": 200, "first_name": 100, "middle_name": 100, "second_name": 100,
               "identity_number": 32, "passport_number": 16, "mobile_phone": 32, "email": 200,
               "mailing_street": 200, "mailing_city": 100, "mailing_state": 100,
               "relationship": 32, "role_details": 2000, "citizenship": 2}


def _text(value: object, limit: int) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split()) if limit <= 200 else str(value).strip()
    if len(text) > limit:
        raise CaseError("too_long", f"a field is longer than {limit} characters", 422)
    return text or None


def _date(value: object, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise CaseError("invalid_date", f"{name} must be YYYY-MM-DD", 422) from None


def add_person(session: Session, case: Case, data: dict[str, Any], *,
               check_duplicates: bool = True) -> Person:
    role = data.get("role") or "victim"
    if role not in htcds.PERSON_ROLES:
        raise CaseError("invalid_role", "person role must be victim, perpetrator or reporter", 422)
    gender = data.get("gender") or None
    if gender is not None and gender not in htcds.GENDERS:
        raise CaseError("invalid_gender", "unknown HTCDS gender value", 422)
    perp_role = data.get("perpetrator_role") or None
    if perp_role is not None and perp_role not in htcds.PERPETRATOR_ROLES:
        raise CaseError("invalid_perpetrator_role", "unknown HTCDS per_RoleInProcess", 422)
    values = {name: _text(data.get(name), limit) for name, limit in TEXT_LIMITS.items()}
    if not values["full_name"]:
        parts = [values["first_name"], values["middle_name"], values["second_name"]]
        values["full_name"] = " ".join(p for p in parts if p) or None
    if values["citizenship"]:
        values["citizenship"] = values["citizenship"].upper()
    person = Person(case_id=case.id, role=role, gender=gender, perpetrator_role=perp_role,
                    birth_date=_date(data.get("birth_date"), "birth_date"), **values)
    session.add(person)
    session.flush()
    for key in duplicates.blocking_keys(person.full_name, person.identity_number):
        session.add(PersonKey(key=key, person_id=person.id))
    session.flush()
    if check_duplicates and role == "victim":
        flag_duplicates(session, person)
    return person


def flag_duplicates(session: Session, person: Person) -> list[DuplicateFlag]:
    """Check a victim against victims of other cases; record possible duplicates."""
    keys = duplicates.blocking_keys(person.full_name, person.identity_number)
    if not keys:
        return []
    ids = select(PersonKey.person_id).where(PersonKey.key.in_(keys)).distinct().limit(
        duplicates.MAX_CANDIDATES)
    rows = list(session.scalars(select(Person).where(Person.id.in_(ids))
                                .where(Person.case_id != person.case_id)
                                .where(Person.role == "victim")
                                .where(Person.merged_into_id.is_(None))
                                .where(Person.anonymised.is_(False))))
    if not rows:
        return []
    query = duplicates.candidate_from_person(person_dict(person))
    hits = duplicates.score_candidates(
        query, [duplicates.candidate_from_person(person_dict(p)) for p in rows])
    flags = []
    for hit in hits:
        flag = DuplicateFlag(case_id=person.case_id, person_id=person.id,
                             other_case_id=hit.case_id, other_person_id=hit.person_id,
                             score=hit.score, engine=hit.engine)
        session.add(flag)
        flags.append(flag)
    session.flush()
    return flags


CASE_FIELDS = ("destination_country", "destination_city", "exploitation_type", "compound_type",
               "forced_activities", "recruitment_method", "summary", "trafficking_status")


def _clean_case_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    country = (data.get("destination_country") or "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise CaseError("invalid_country", "destination_country: ISO 3166 alpha-2 code", 422)
    out["destination_country"] = country or None
    out["destination_city"] = _text(data.get("destination_city"), 100)
    types = data.get("exploitation_type") or []
    if isinstance(types, str):
        types = [t for t in types.split(",") if t]
    for t in types:
        if t not in htcds.EXPLOITATION_TYPES:
            raise CaseError("invalid_exploitation_type", "unknown vic_TypeOfExploitation", 422)
    out["exploitation_type"] = ",".join(dict.fromkeys(types)) or None
    compound = data.get("compound_type") or None
    if compound is not None and compound not in htcds.COMPOUND_TYPES:
        raise CaseError("invalid_compound_type", "unknown x_wsp_CompoundType", 422)
    out["compound_type"] = compound
    activities = data.get("forced_activities") or []
    if isinstance(activities, str):
        activities = [a for a in activities.split(",") if a]
    if any(a not in htcds.FORCED_ACTIVITIES for a in activities):
        raise CaseError("invalid_forced_activities", "unknown forced-criminality activity", 422)
    out["forced_activities"] = ",".join(activities) or None
    methods = data.get("recruitment_method") or []
    if isinstance(methods, str):
        methods = [m for m in methods.split(",") if m]
    if any(m not in htcds.RECRUITMENT_METHODS for m in methods):
        raise CaseError("invalid_recruitment_method", "unknown vic_MethodOfRecruitment", 422)
    out["recruitment_method"] = ",".join(methods) or None
    status = data.get("trafficking_status") or None
    if status is not None and status not in htcds.TRAFFICKING_STATUSES:
        raise CaseError("invalid_trafficking_status", "unknown vic_TraffickingStatus", 422)
    out["trafficking_status"] = status
    summary = data.get("summary") or ""
    if len(summary) > 5000:
        raise CaseError("too_long", "summary is longer than 5000 characters", 422)
    out["summary"] = summary.strip()
    return out


def create_case(session: Session, actor: Principal | None, data: dict[str, Any], *,
                owner_unit_id: int, source: str = "officer", now: datetime | None = None,
                synthetic: bool = False) -> Case:
    """Create a case with its people and events; flag possible duplicates of its victims."""
    now = now or utcnow()
    fields = _clean_case_fields(data)
    persons = data.get("persons") or []
    if not any((p.get("role") or "victim") == "victim" for p in persons):
        raise CaseError("victim_required", "a case needs at least one victim", 422)
    if len(persons) > 20 or len(data.get("events") or []) > 20:
        raise CaseError("too_many", "at most 20 persons and 20 events per request", 422)
    case = Case(reference="tmp-" + secrets.token_hex(8), status=INITIAL_STATE,
                owner_unit_id=owner_unit_id, source=source,
                created_by_user_id=actor.user_id if actor else None,
                reported_at=now, state_entered_at=now, last_update_at=now,
                is_synthetic=synthetic, **fields)
    case.due_at = due_at(INITIAL_STATE, now, now)
    session.add(case)
    session.flush()
    case.reference = f"WSP-{now.year}-{case.id:06d}"
    session.add(CaseUnitAccess(unit_id=owner_unit_id, case_id=case.id, kind="owner"))
    session.add(CaseTransition(case_id=case.id, transition="create", from_status=None,
                               to_status=INITIAL_STATE, actor=actor.username if actor else
                               "public", actor_user_id=actor.user_id if actor else None,
                               values_json=json.dumps({"source": source}), at=now))
    for p in persons:
        add_person(session, case, p, check_duplicates=False)
    for e in data.get("events") or []:
        add_event(session, case, e)
    session.flush()
    for person in session.scalars(select(Person).where(Person.case_id == case.id)
                                  .where(Person.role == "victim")):
        flag_duplicates(session, person)
    return case


def add_event(session: Session, case: Case, data: dict[str, Any]) -> TraffickingEvent:
    kind = data.get("type")
    if kind not in htcds.EVENT_TYPES:
        raise CaseError("invalid_event_type", "hte_Type: Recruitment, Transit or Exploitation",
                        422)
    country = (data.get("country") or "").strip().upper() or None
    if country and (len(country) != 2 or not country.isalpha()):
        raise CaseError("invalid_country", "country: ISO 3166 alpha-2 code", 422)
    event = TraffickingEvent(case_id=case.id, type=kind,
                             event_date=_date(data.get("date"), "date"),
                             city=_text(data.get("city"), 100), state=_text(data.get("state"), 100),
                             country=country, street=_text(data.get("street"), 200),
                             description=_text(data.get("description"), 2000))
    session.add(event)
    touch(case)
    return event


def apply_transition(session: Session, principal: Principal, case: Case, code: str,
                     values: dict[str, object]) -> CaseTransition:
    sync_organisations(session)
    org_codes = frozenset(o.code for o in list_organisations(session))
    decision = check_transition(case.status, code, principal.role.value, values,
                                org_codes=org_codes)
    if not decision.ok:
        status = {"role_not_allowed": 403, "wrong_state": 409, "unknown_transition": 404}.get(
            decision.code, 422)
        raise CaseError(decision.code, f"transition refused: {decision.code}", status,
                        decision.problems)
    cleaned = dict(decision.values)
    if code == "mark_duplicate":
        other = session.scalar(select(Case).where(Case.reference == cleaned["duplicate_of"]
                                                  .upper()))
        if other is None or other.id == case.id or not may_see(session, principal, other.id):
            raise CaseError("invalid_fields", "duplicate_of: unknown case", 422,
                            {"duplicate_of": "unknown_case"})
        case.merged_into_id = other.id
        session.add(Merge(kind="case", survivor_id=other.id, merged_id=case.id,
                          reason=cleaned.get("note") or "duplicate", previous_status=case.status,
                          actor=principal.username))
    now = utcnow()
    step = CaseTransition(case_id=case.id, transition=code, from_status=case.status,
                          to_status=decision.target or case.status, actor=principal.username,
                          actor_user_id=principal.user_id, values_json=json.dumps(cleaned),
                          at=now)
    session.add(step)
    case.status = decision.target or case.status
    case.state_entered_at = now
    if "trafficking_status" in cleaned:
        case.trafficking_status = cleaned["trafficking_status"]
    if case.status == "not_a_victim":
        case.trafficking_status = "NotAVictimOfTrafficking"
    if case.status in TERMINAL:
        case.closed_at = now
        case.closure_reason = cleaned.get("closure_reason") or case.status
        case.closure_note = cleaned.get("closure_note") or cleaned.get("note")
    else:
        case.closed_at = None
        if code == "reopen":
            case.closure_reason = case.closure_note = None
    touch(case, now)
    session.flush()
    return step


def add_comment(session: Session, principal: Principal, case: Case, body: str) -> CaseComment:
    body = (body or "").strip()
    if not body:
        raise CaseError("empty", "the comment is empty", 422)
    if len(body) > 5000:
        raise CaseError("too_long", "a comment is at most 5000 characters", 422)
    comment = CaseComment(case_id=case.id, author_user_id=principal.user_id,
                          author=principal.username, body=body)
    session.add(comment)
    touch(case)
    session.flush()
    return comment


def add_task(session: Session, principal: Principal, case: Case, title: str,
             due_on: object) -> CaseTask:
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise CaseError("invalid_title", "a task title is 1-200 characters", 422)
    task = CaseTask(case_id=case.id, title=title, due_on=_date(due_on, "due_on"),
                    created_by=principal.username)
    session.add(task)
    touch(case)
    session.flush()
    return task


def complete_task(session: Session, case: Case, task_id: int) -> CaseTask:
    task = session.get(CaseTask, task_id)
    if task is None or task.case_id != case.id:
        raise CaseError("not_found", "no such task", 404)
    task.done_at = task.done_at or utcnow()
    touch(case)
    return task


def record_consent(session: Session, principal: Principal, case: Case, person_id: int | None,
                   scope: str, given: bool, method: str = "verbal") -> Consent:
    if scope not in ("referral", "data_processing", "research"):
        raise CaseError("invalid_scope", "scope: referral, data_processing or research", 422)
    if method not in ("verbal", "written"):
        raise CaseError("invalid_method", "method: verbal or written", 422)
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.case_id != case.id:
            raise CaseError("not_found", "no such person in this case", 404)
    else:
        person_id = session.scalar(select(Person.id).where(Person.case_id == case.id)
                                   .where(Person.role == "victim").order_by(Person.id).limit(1))
    now = utcnow()
    # a new answer for the same scope replaces (withdraws) the previous one
    session.execute(update(Consent).where(Consent.case_id == case.id)
                    .where(Consent.scope == scope).where(Consent.withdrawn_at.is_(None))
                    .values(withdrawn_at=now))
    consent = Consent(case_id=case.id, person_id=person_id, scope=scope, given=given,
                      method=method, recorded_by=principal.username, recorded_at=now)
    session.add(consent)
    touch(case)
    session.flush()
    return consent


def active_consent(session: Session, case_id: int, scope: str) -> Consent | None:
    return session.scalar(select(Consent).where(Consent.case_id == case_id)
                          .where(Consent.scope == scope).where(Consent.withdrawn_at.is_(None))
                          .where(Consent.given.is_(True)).order_by(Consent.id.desc()).limit(1))


def add_support_plan(session: Session, case: Case, data: dict[str, Any]) -> SupportPlan:
    if data.get("type") not in htcds.SUPPORT_PLAN_TYPES:
        raise CaseError("invalid_type", "unknown HTCDS spl_Type", 422)
    plan = SupportPlan(case_id=case.id, type=data["type"],
                       objectives=_text(data.get("objectives"), 2000) or "",
                       action_plan=_text(data.get("action_plan"), 2000) or "",
                       planned_end=_date(data.get("planned_end"), "planned_end"),
                       actual_end=_date(data.get("actual_end"), "actual_end"))
    session.add(plan)
    touch(case)
    session.flush()
    return plan


def add_assessment(session: Session, principal: Principal, case: Case, data: dict[str, Any]
                   ) -> Assessment:
    if data.get("level") not in ("individual", "household", "community"):
        raise CaseError("invalid_level", "level: individual, household or community", 422)
    if data.get("risk") not in ("low", "medium", "high"):
        raise CaseError("invalid_risk", "risk: low, medium or high", 422)
    item = Assessment(case_id=case.id, level=data["level"], risk=data["risk"],
                      notes=_text(data.get("notes"), 2000) or "", created_by=principal.username)
    session.add(item)
    touch(case)
    session.flush()
    return item


# -- referrals and transfers ------------------------------------------------------------------

def create_referral(session: Session, principal: Principal, case: Case, org_code: str, *,
                    kind: str = "referral", reason: str = "AdditionalServicesRequired",
                    details: str = "", override_reason: str | None = None) -> Referral:
    """Refer or transfer a case: only with the victim's consent, or an override with a reason."""
    if kind not in ("referral", "transfer"):
        raise CaseError("invalid_kind", "kind: referral or transfer", 422)
    if reason not in htcds.REFERRAL_REASONS:
        raise CaseError("invalid_reason", "unknown HTCDS ReasonForOutgoingReferral", 422)
    if case.status in TERMINAL:
        raise CaseError("case_closed", "a closed case cannot be referred", 409)
    sync_organisations(session)
    org = session.scalar(select(Organisation).where(Organisation.code == (org_code or "").upper())
                         .where(Organisation.active.is_(True)))
    if org is None:
        raise CaseError("unknown_organisation", "no such organisation", 422)
    if org.unit_id is not None and org.unit_id == case.owner_unit_id:
        raise CaseError("same_unit", "the case already belongs to this organisation", 409)
    consent = active_consent(session, case.id, "referral")
    override = (override_reason or "").strip()
    if consent is None:
        if not override:
            raise CaseError("consent_required", "the victim's consent to referral is not recorded;"
                            " an override needs a reason", 409)
        if not allowed(principal, "cases.consent_override"):
            raise CaseError("override_not_allowed", "your role may not override consent", 403)
        if len(override) < 10 or len(override) > 1000:
            raise CaseError("override_reason", "the override reason must be 10-1000 characters",
                            422)
    referral = Referral(case_id=case.id, kind=kind, from_unit_id=principal.unit_id,
                        to_org_id=org.id, reason=reason, details=(details or "").strip()[:2000],
                        consent_id=consent.id if consent else None,
                        override_reason=override if consent is None else None,
                        created_by=principal.username)
    session.add(referral)
    if org.unit_id is not None and session.get(CaseUnitAccess, (org.unit_id, case.id)) is None:
        session.add(CaseUnitAccess(unit_id=org.unit_id, case_id=case.id, kind="referral"))
    touch(case)
    session.flush()
    return referral


def respond_referral(session: Session, principal: Principal, referral_id: int, accept: bool,
                     note: str = "") -> Referral:
    """The receiving organisation accepts or declines. For organisations without a Waspada unit
    the referring unit records their answer."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise CaseError("not_found", "no such referral", 404)
    case = session.get(Case, referral.case_id)
    org = session.get(Organisation, referral.to_org_id)
    assert case is not None and org is not None
    if org.unit_id is not None:
        permitted = principal.unit_id == org.unit_id
    else:
        permitted = principal.unit_id == case.owner_unit_id
    if not permitted or not may_see(session, principal, case.id):
        raise CaseError("not_found", "no such referral", 404)
    if referral.status != "pending":
        raise CaseError("already_answered", "this referral was already answered", 409)
    now = utcnow()
    referral.status = "accepted" if accept else "declined"
    referral.responded_by = principal.username
    referral.responded_at = now
    referral.response_note = (note or "").strip()[:1000] or None
    if org.unit_id is not None:
        access = session.get(CaseUnitAccess, (org.unit_id, case.id))
        if not accept and access is not None and access.kind == "referral":
            session.delete(access)
        if accept and referral.kind == "transfer":
            old_owner = case.owner_unit_id
            case.owner_unit_id = org.unit_id
            if access is not None:
                access.kind = "owner"
            previous = session.get(CaseUnitAccess, (old_owner, case.id))
            if previous is not None:
                previous.kind = "referral"  # the sending unit keeps read access to follow up
    touch(case, now)
    session.flush()
    return referral


# -- duplicates and merges --------------------------------------------------------------------

def merge_cases(session: Session, principal: Principal, survivor: Case, merged: Case,
                reason: str) -> Merge:
    reason = (reason or "").strip()
    if len(reason) < 5 or len(reason) > 1000:
        raise CaseError("reason_required", "a merge needs a reason (5-1000 characters)", 422)
    if survivor.id == merged.id:
        raise CaseError("same_case", "a case cannot be merged into itself", 422)
    if merged.merged_into_id is not None or survivor.merged_into_id is not None:
        raise CaseError("already_merged", "one of the cases is already merged", 409)
    record = Merge(kind="case", survivor_id=survivor.id, merged_id=merged.id, reason=reason,
                   previous_status=merged.status, actor=principal.username)
    session.add(record)
    now = utcnow()
    session.add(CaseTransition(case_id=merged.id, transition="merge", from_status=merged.status,
                               to_status="duplicate", actor=principal.username,
                               actor_user_id=principal.user_id, at=now,
                               values_json=json.dumps({"duplicate_of": survivor.reference})))
    merged.status = "duplicate"
    merged.merged_into_id = survivor.id
    merged.closed_at = now
    merged.closure_reason = "duplicate"
    merged.state_entered_at = now
    touch(merged, now)
    touch(survivor, now)
    session.execute(update(DuplicateFlag).where(DuplicateFlag.status == "open").where(or_(
        (DuplicateFlag.case_id == merged.id) & (DuplicateFlag.other_case_id == survivor.id),
        (DuplicateFlag.case_id == survivor.id) & (DuplicateFlag.other_case_id == merged.id)))
        .values(status="merged"))
    # the survivor's unit gets access to the merged case's record
    if session.get(CaseUnitAccess, (survivor.owner_unit_id, merged.id)) is None:
        session.add(CaseUnitAccess(unit_id=survivor.owner_unit_id, case_id=merged.id,
                                   kind="merge"))
    session.flush()
    return record


def undo_merge(session: Session, principal: Principal, merge_id: int) -> Merge:
    record = session.get(Merge, merge_id)
    if record is None or record.kind != "case":
        raise CaseError("not_found", "no such merge", 404)
    if not (may_see(session, principal, record.survivor_id)
            and may_see(session, principal, record.merged_id)):
        raise CaseError("not_found", "no such merge", 404)
    if record.undone_at is not None:
        raise CaseError("already_undone", "this merge was already undone", 409)
    merged = session.get(Case, record.merged_id)
    assert merged is not None
    now = utcnow()
    previous = record.previous_status or INITIAL_STATE
    session.add(CaseTransition(case_id=merged.id, transition="unmerge", from_status=merged.status,
                               to_status=previous, actor=principal.username,
                               actor_user_id=principal.user_id, at=now,
                               values_json=json.dumps({"merge_id": record.id})))
    merged.status = previous
    merged.merged_into_id = None
    merged.closed_at = None
    merged.closure_reason = None
    merged.state_entered_at = now
    touch(merged, now)
    record.undone_at = now
    record.undone_by = principal.username
    session.execute(update(DuplicateFlag).where(DuplicateFlag.status == "merged").where(or_(
        (DuplicateFlag.case_id == merged.id) & (DuplicateFlag.other_case_id == record.survivor_id),
        (DuplicateFlag.case_id == record.survivor_id) & (DuplicateFlag.other_case_id
                                                          == merged.id)))
        .values(status="open"))
    access = session.get(CaseUnitAccess, (session.get(Case, record.survivor_id).owner_unit_id,
                                          merged.id))
    if access is not None and access.kind == "merge":
        session.delete(access)
    session.flush()
    return record


def dismiss_duplicate(session: Session, case: Case, flag_id: int) -> DuplicateFlag:
    flag = session.get(DuplicateFlag, flag_id)
    if flag is None or case.id not in (flag.case_id, flag.other_case_id):
        raise CaseError("not_found", "no such duplicate flag", 404)
    flag.status = "dismissed"
    return flag


# -- attachments ------------------------------------------------------------------------------

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def sniff_type(data: bytes) -> str | None:
    """The content type from magic bytes (PDF, JPEG, PNG), or None. The client's is ignored."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def attachments_dir() -> Path:
    path = get_settings().data_dir / "attachments"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def safe_filename(name: str | None) -> str:
    base = Path((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isalnum() or ch in "._- ")[:100].strip(" .")
    return cleaned or "file"


def save_attachment(session: Session, principal: Principal, case: Case, filename: str | None,
                    data: bytes) -> CaseAttachment:
    limit = get_cases_settings().attachment_max_bytes
    if not data:
        raise CaseError("empty_file", "the file is empty", 422)
    if len(data) > limit:
        raise CaseError("file_too_large", f"files are limited to {limit} bytes", 413)
    kind = sniff_type(data)
    if kind is None:
        raise CaseError("file_type", "only PDF, JPEG and PNG files are accepted", 415)
    stored = secrets.token_hex(16) + ALLOWED_TYPES[kind]
    path = attachments_dir() / stored
    with open(path, "xb") as handle:
        handle.write(data)
    path.chmod(0o600)
    item = CaseAttachment(case_id=case.id, stored_name=stored,
                          original_name=safe_filename(filename), content_type=kind,
                          size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                          uploaded_by=principal.username)
    session.add(item)
    touch(case)
    session.flush()
    return item


def get_attachment(session: Session, case: Case, attachment_id: int) -> tuple[CaseAttachment,
                                                                                Path]:
    item = session.get(CaseAttachment, attachment_id)
    if item is None or item.case_id != case.id:
        raise CaseError("not_found", "no such attachment", 404)
    path = attachments_dir() / item.stored_name
    if not path.is_file():
        raise CaseError("not_found", "the file is no longer stored", 404)
    return item, path


# -- statistics and exports -------------------------------------------------------------------

def stats(session: Session, principal: Principal, k: int | None = None) -> dict[str, Any]:
    base = visible_cases_stmt(principal).with_only_columns(Case.id, Case.status,
                                                           Case.reported_at).subquery()
    by_status = dict(session.execute(select(base.c.status, func.count())
                                     .group_by(base.c.status)).all())
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(base.c.reported_at, "YYYY-MM")
    else:
        month = func.strftime("%Y-%m", base.c.reported_at)
    by_month = {m: n for m, n in session.execute(select(month, func.count()).group_by(month)
                                                 .order_by(month)).all()}
    overdue = session.scalar(select(func.count()).select_from(
        visible_cases_stmt(principal).where(Case.due_at < utcnow()).subquery())) or 0
    out: dict[str, Any] = {"by_status": by_status, "by_month": by_month, "overdue": overdue,
                           "total": sum(by_status.values())}
    if k:
        out["by_status"] = visibility.suppress_small_counts(by_status, k)
        out["by_month"] = visibility.suppress_small_counts(by_month, k)
        out["k"] = k
    return out


def export_records(session: Session, principal: Principal, ids: list[int] | None,
                   f: CaseFilters | None = None, limit: int = 5000) -> list[dict[str, Any]]:
    """HTCDS records of the selected (or filtered) visible cases, redacted for the principal."""
    stmt = visible_cases_stmt(principal)
    if ids:
        stmt = stmt.where(Case.id.in_(ids[:limit]))
    if f:
        stmt = _filtered(stmt, f, utcnow())
    cases = list(session.scalars(stmt.order_by(Case.id).limit(limit)))
    view_groups = groups(principal)
    return [htcds.case_to_htcds(visibility.redact_case(case_dict(session, c), view_groups))
            for c in cases]


def subject_export(session: Session, person_id: int) -> dict[str, Any]:
    """Everything held about one person and the access history of their cases (UU 27/2022)."""
    person = session.get(Person, person_id)
    if person is None:
        raise CaseError("not_found", "no such person", 404)
    case = session.get(Case, person.case_id)
    assert case is not None
    data = case_dict(session, case)
    accesses = [{"seq": e.seq, "at": e.created_at.isoformat(), "actor": e.actor, "via": e.via,
                 "action": e.action, "object_type": e.object_type, "object_id": e.object_id}
                for e in session.scalars(select(audit.AuditEntry).where(or_(
                    (audit.AuditEntry.object_type == "case")
                    & (audit.AuditEntry.object_id == str(case.id)),
                    (audit.AuditEntry.object_type == "case_person")
                    & (audit.AuditEntry.object_id == str(person.id))))
                    .order_by(audit.AuditEntry.seq))]
    return {"person": person_dict(person), "case": data,
            "consents": [c for c in data["consents"] if c["person_id"] in (None, person.id)],
            "access_history": accesses, "legal_basis": "UU 27/2022 (Pelindungan Data Pribadi)",
            "generated_at": utcnow().isoformat()}


# -- retention ------------------------------------------------------------------------------

def anonymise_case(session: Session, case: Case, now: datetime) -> None:
    for person in session.scalars(select(Person).where(Person.case_id == case.id)):
        birth = person.birth_date
        for name in visibility.ANONYMISED_PERSON_FIELDS:
            setattr(person, name, None)
        person.birth_date = visibility.anonymised_birth_date(birth)
        person.anonymised = True
    person_ids = select(Person.id).where(Person.case_id == case.id)
    session.execute(delete(PersonKey).where(PersonKey.person_id.in_(person_ids)))
    session.execute(update(CaseComment).where(CaseComment.case_id == case.id)
                    .values(body="[anonymised]"))
    session.execute(update(TraffickingEvent).where(TraffickingEvent.case_id == case.id)
                    .values(description=None, street=None))
    session.execute(update(SupportPlan).where(SupportPlan.case_id == case.id)
                    .values(objectives="", action_plan=""))
    session.execute(update(Assessment).where(Assessment.case_id == case.id).values(notes=""))
    session.execute(update(CaseTransition).where(CaseTransition.case_id == case.id)
                    .values(values_json="{}"))
    session.execute(update(Referral).where(Referral.case_id == case.id)
                    .values(details="", response_note=None))
    for item in session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id)):
        (attachments_dir() / item.stored_name).unlink(missing_ok=True)
        session.delete(item)
    case.summary = ""
    case.closure_note = None
    case.destination_city = None
    case.public_code_hash = None
    case.anonymised_at = now


def anonymise_expired(session: Session, older_than_days: int | None = None,
                      now: datetime | None = None) -> list[int]:
    """Anonymise terminal cases closed more than ``older_than_days`` ago; return their ids."""
    days = get_cases_settings().retention_days if older_than_days is None else older_than_days
    now = now or utcnow()
    cutoff = visibility.retention_cutoff(now, days)
    done = []
    for case in session.scalars(select(Case).where(Case.status.in_(TERMINAL))
                                .where(Case.anonymised_at.is_(None))
                                .where(Case.closed_at <= cutoff).limit(10_000)):
        if visibility.due_for_anonymisation(True, case.closed_at, False, now, days):
            anonymise_case(session, case, now)
            done.append(case.id)
    session.flush()
    return done


# -- the public form ------------------------------------------------------------------------

PUBLIC_LIMITS = {"reporter_name": 100, "reporter_phone": 32, "relationship": 32,
                 "victim_name": 100, "victim_birth_date": 10, "destination_country": 2,
                 "destination_city": 100, "description": 2000}


@dataclass
class PublicReport:
    reporter_name: str = ""
    reporter_phone: str = ""
    relationship: str = ""
    victim_name: str = ""
    victim_birth_date: str = ""
    destination_country: str = ""
    destination_city: str = ""
    description: str = ""
    problems: dict[str, str] = field(default_factory=dict)


def clean_public_report(form: dict[str, str]) -> PublicReport:
    """Validate the public form: size caps, required fields; text is stored as plain text."""
    report = PublicReport()
    for name, limit in PUBLIC_LIMITS.items():
        value = (form.get(name) or "").strip()
        if len(value) > limit:
            report.problems[name] = "too_long"
            value = value[:limit]
        setattr(report, name, value)
    for name in ("reporter_name", "reporter_phone", "victim_name", "destination_country"):
        if not getattr(report, name):
            report.problems.setdefault(name, "required")
    phone = report.reporter_phone.replace(" ", "").replace("-", "")
    if phone and not (phone.lstrip("+").isdigit() and 6 <= len(phone.lstrip("+")) <= 15):
        report.problems["reporter_phone"] = "invalid"
    report.destination_country = report.destination_country.upper()
    if report.destination_country and not (len(report.destination_country) == 2
                                           and report.destination_country.isalpha()):
        report.problems["destination_country"] = "invalid"
    if report.victim_birth_date:
        try:
            date.fromisoformat(report.victim_birth_date)
        except ValueError:
            report.problems["victim_birth_date"] = "invalid"
    return report


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_public_case(session: Session, report: PublicReport) -> tuple[Case, str]:
    """Create a case from the public form; return it and the follow-up code (shown once)."""
    unit = public_intake_unit(session, report.destination_country)
    data = {
        "destination_country": report.destination_country,
        "destination_city": report.destination_city,
        "summary": report.description,
        "persons": [
            {"role": "victim", "full_name": report.victim_name,
             "birth_date": report.victim_birth_date or None, "citizenship": "ID"},
            {"role": "reporter", "full_name": report.reporter_name,
             "mobile_phone": report.reporter_phone, "relationship": report.relationship or None},
        ],
    }
    case = create_case(session, None, data, owner_unit_id=unit.id, source="public")
    code = secrets.token_urlsafe(24)  # 192 bits: not guessable
    case.public_code_hash = code_hash(code)
    session.flush()
    return case, code


def public_status(session: Session, code: str) -> tuple[str, datetime] | None:
    """Only the status code and the last-update time; no data of the case."""
    if not code or len(code) > 64:
        return None
    case = session.scalar(select(Case).where(Case.public_code_hash == code_hash(code)))
    if case is None:
        return None
    if case.merged_into_id is not None:  # the family follows the case their report joined
        survivor = session.get(Case, case.merged_into_id)
        if survivor is not None:
            case = survivor
    return case.status, case.last_update_at


def now_utc() -> datetime:
    return datetime.now(UTC)


def days_ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)
