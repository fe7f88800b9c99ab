"""New cases and what is added to them: persons (with duplicate flags), events, and the public
family report form."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import duplicates, followup, htcds, limits
from waspada.cases.errors import CaseError
from waspada.cases.htcds_values import (
    clean_case_values,
    clean_event_values,
    clean_person_values,
)
from waspada.cases.models import (
    Case,
    CaseTransition,
    CaseUnitAccess,
    DuplicateFlag,
    Person,
    PersonKey,
    TraffickingEvent,
)
from waspada.cases.store.fields import TEXT_LIMITS, clean_date, clean_text, touch
from waspada.cases.store.organisations import public_intake_unit
from waspada.cases.store.views import person_dict
from waspada.cases.workflow import INITIAL_STATE, due_at
from waspada.platform.birth_dates import birth_date_in_range
from waspada.platform.countries import UnknownCountry, country_code
from waspada.platform.db import utcnow
from waspada.platform.i18n import N_
from waspada.platform.security.policy import Principal


def add_person(session: Session, case: Case, data: dict[str, Any], *,
               check_duplicates: bool = True) -> Person:
    role = data.get("role") or "victim"
    if role not in htcds.PERSON_ROLES:
        raise CaseError("invalid_role", "person role must be victim, perpetrator or reporter", 422)
    gender = data.get("gender") or None
    if gender is not None and gender not in htcds.GENDERS:
        raise CaseError("invalid_gender", "unknown HTCDS gender value", 422)
    values = {name: clean_text(data.get(name), limit) for name, limit in TEXT_LIMITS.items()}
    if not values["full_name"]:
        parts = [values["first_name"], values["middle_name"], values["second_name"]]
        values["full_name"] = " ".join(p for p in parts if p) or None
    values.update(clean_person_values(data))  # HTCDS details, citizenship, per_RoleInProcess
    birth_date = clean_date(data.get("birth_date"), "birth_date")
    if birth_date is not None and not birth_date_in_range(birth_date):
        raise CaseError("invalid_birth_date",
                        N_("The date of birth must lie between 1900-01-01 and today."), 422)
    person = Person(case_id=case.id, role=role, gender=gender, birth_date=birth_date, **values)
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


def _country(text: Any, field_name: str) -> str | None:
    """The alpha-2 code of a country as typed (a name, alpha-2 or alpha-3); a text that names
    no country is refused (422), never stored cut ("Cambodia" was saved "Ca", Canada)."""
    try:
        return country_code(text)
    except UnknownCountry:
        raise CaseError("invalid_country", "Unknown country: give its name (Kamboja, Cambodia) "
                        "or its ISO 3166 code (KH, KHM).", 422,
                        problems={field_name: "not_a_country"}) from None


CASE_FIELDS = ("destination_country", "destination_city", "exploitation_type", "compound_type",
               "forced_activities", "recruitment_method", "summary", "trafficking_status")


def _clean_case_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["destination_country"] = _country(data.get("destination_country"),
                                          "destination_country")
    out["destination_city"] = clean_text(data.get("destination_city"), limits.CITY)
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
    if len(summary) > limits.SUMMARY:
        raise CaseError("too_long", "summary is longer than {limit} characters", 422,
                        limit=limits.SUMMARY)
    out["summary"] = summary.strip()
    out.update(clean_case_values(data))  # the other HTCDS 2.0 case and victim fields
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
    if not case.case_worker and actor is not None:
        case.case_worker = actor.username  # cas_CaseOwner: the case worker, not the unit
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
    country = _country(data.get("country"), "country")
    event = TraffickingEvent(case_id=case.id, type=kind,
                             event_date=clean_date(data.get("date"), "date"),
                             city=clean_text(data.get("city"), limits.CITY),
                             state=clean_text(data.get("state"), limits.STATE),
                             country=country, street=clean_text(data.get("street"), limits.STREET),
                             description=clean_text(data.get("description"),
                                                    limits.EVENT_DESCRIPTION),
                             **clean_event_values(data))
    session.add(event)
    touch(case)
    return event



# -- the public form ------------------------------------------------------------------------

PUBLIC_LIMITS = limits.PUBLIC


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
        # a browser sends a line break as CR LF: one character, as the form's counter says
        value = (form.get(name) or "").replace("\r\n", "\n").strip()
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
    try:
        report.destination_country = country_code(report.destination_country) or ""
    except UnknownCountry:
        report.problems["destination_country"] = "invalid"
    if report.victim_birth_date:
        try:
            born = date.fromisoformat(report.victim_birth_date)
        except ValueError:
            report.problems["victim_birth_date"] = "invalid"
        else:
            if not birth_date_in_range(born):
                report.problems["victim_birth_date"] = "birth_date"
    return report


def code_hash(code: str) -> str:
    return followup.code_hash(code)


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
    code = followup.new_code()  # XXXX-XXXX-XXXX-XXXX, 79 bits: not guessable
    case.public_code_hash = followup.code_hash(code)
    session.flush()
    return case, code


def public_status(session: Session, code: str) -> tuple[str, datetime] | None:
    """Only the status code and the last-update time; no data of the case."""
    wanted = followup.lookup_hash(code)
    if wanted is None:
        return None
    case = session.scalar(select(Case).where(Case.public_code_hash == wanted))
    if case is None:
        return None
    if case.merged_into_id is not None:  # the family follows the case their report joined
        survivor = session.get(Case, case.merged_into_id)
        if survivor is not None:
            case = survivor
    return case.status, case.last_update_at

