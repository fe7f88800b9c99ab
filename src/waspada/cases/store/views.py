"""Reading cases: serialisation, the filtered list, statistics and exports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from math import isqrt
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from waspada.cases import duplicates, htcds, htcds_values, limits, visibility
from waspada.cases.errors import CaseError
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
    finished_key,
)
from waspada.cases.store.access import TERMINAL, groups, is_cross_unit, visible_cases_stmt
from waspada.cases.workflow import load_workflow
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.security.models import Unit
from waspada.platform.security.policy import Principal
from waspada.platform.settings import get_settings

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
                {"role": p.role, "id": p.id}),
            **{name: getattr(p, name) for name in htcds_values.PERSON_SOURCES
               if name not in ("citizenship", "perpetrator_role")}}


def org_dict(o: Organisation) -> dict[str, Any]:
    """An organisation as the HTCDS export reads it (org_*)."""
    return {"code": o.code, "name": o.name, "name_en": o.name_en, "org_type": o.org_type,
            "country": o.country, "street": o.street, "city": o.city, "state": o.state,
            "postal_code": o.postal_code, "latitude": o.latitude, "longitude": o.longitude,
            "phone": o.phone}


def case_summary(case: Case, unit_names: dict[int, str], now: datetime) -> dict[str, Any]:
    wf = load_workflow()
    return {"id": case.id, "reference": case.reference, "status": case.status,
            "status_label_en": wf.states[case.status].label,
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
        **{name: getattr(case, name) for name in htcds_values.CASE_SOURCES},
    })
    persons = list(session.scalars(select(Person).where(Person.case_id == cid)
                                   .order_by(Person.id)))
    out["persons"] = [person_dict(p) for p in persons]
    out["events"] = [{"id": e.id, "type": e.type, "date": e.event_date, "city": e.city,
                      "state": e.state, "country": e.country, "street": e.street,
                      "postal_code": e.postal_code, "latitude": e.latitude,
                      "longitude": e.longitude, "description": e.description}
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
                         "created_at": r.created_at.isoformat(),
                         "accepted_on": r.responded_at.date().isoformat()
                         if r.status == "accepted" and r.responded_at else None,
                         "responded_by": r.responded_by}
                        for r in referrals]
    # the organisations the case names (HTCDS org_*): the owner's and every referral's
    wanted = {r.to_org_id for r in referrals}
    out["organisations"] = [org_dict(o) for o in orgs.values()
                            if o.id in wanted or (o.unit_id is not None
                                                  and o.unit_id == case.owner_unit_id)]
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
        {"code": t.code, "label_en": t.label, "to": t.target,
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
    #: officer | public | ngo | hotline
    source: str | None = None
    #: only cases with a referral still waiting for an answer
    pending_referral: bool = False
    #: only cases with an open task due today or earlier
    tasks_due: bool = False
    #: a person on the case: name (tolerant: phonetic keys), NIK, passport number or phone
    person: str | None = None


def person_query_kind(text: str) -> str:
    """What a person search looks for: ``nik`` (16 digits), ``phone`` (other digits, maybe
    with +, spaces, dashes), ``passport`` (letters and digits), else ``name``."""
    compact = "".join(ch for ch in text if ch not in " -.()")
    digits = compact.lstrip("+")
    if digits.isdigit():
        return "nik" if len(digits) == 16 and not compact.startswith("+") else "phone"
    if compact.isalnum() and any(ch.isdigit() for ch in compact) and len(compact) <= 16:
        return "passport"
    return "name"


def _person_ids(text: str, groups_seen: frozenset[str]) -> Select[Any]:
    """The persons a case-list search means; a kind of value the principal may not see on a
    case (identity, contact) matches nobody (never reveals that it exists)."""
    kind = person_query_kind(text)
    ids = select(Person.case_id)
    if len(text) > limits.FULL_NAME:  # longer than any stored name: matches no case
        return ids.where(false())
    if kind == "phone":
        digits = "".join(ch for ch in text if ch.isdigit())
        tail = digits[-9:]  # 0812..., 62812..., +62 812... are one number
        if visibility.CONTACT not in groups_seen or len(tail) < 6:
            return ids.where(false())
        stored = func.replace(func.replace(func.replace(Person.mobile_phone, " ", ""), "-", ""),
                              "+", "")
        return ids.where(stored.like(f"%{tail}"))
    if visibility.IDENTITY not in groups_seen:
        return ids.where(false())
    if kind == "nik":
        return ids.where(Person.identity_number == "".join(ch for ch in text if ch.isdigit()))
    if kind == "passport":
        compact = "".join(ch for ch in text if ch.isalnum()).upper()
        return ids.where(func.upper(Person.passport_number) == compact)
    keys = sorted(k for k in duplicates.blocking_keys(text) if not k.startswith("j:"))
    joined = sorted(k for k in duplicates.blocking_keys(text) if k.startswith("j:"))
    if not keys and not joined:
        return ids.where(false())
    # every name part sounds alike (Rahaju / Rahayu), or the whole name joined matches
    each = [Person.id.in_(select(PersonKey.person_id).where(PersonKey.key == k)) for k in keys]
    whole = [Person.id.in_(select(PersonKey.person_id).where(PersonKey.key.in_(joined)))]
    plain = Person.full_name.ilike("%" + text.strip().replace("%", "").replace("_", "") + "%")
    return ids.where(or_(*(([and_(*each)] if each else []) + (whole if joined else [])), plain))


def _filtered(stmt: Select[Case], f: CaseFilters, now: datetime,
              seen: frozenset[str] = frozenset()) -> Select[Case]:
    """Apply the filters; a value longer than any stored one simply matches no case."""
    if f.status:
        stmt = stmt.where(Case.status == f.status)
    if f.overdue:
        stmt = stmt.where(Case.due_at < now)
    if f.unit_id:
        stmt = stmt.where(Case.owner_unit_id == f.unit_id)
    if f.destination:
        stmt = stmt.where(Case.destination_country == f.destination.upper())
    if f.exploitation:
        stmt = stmt.where(Case.exploitation_type.contains(f.exploitation))
    if f.reference:
        stmt = stmt.where(Case.reference == f.reference.strip().upper())
    if f.source:
        stmt = stmt.where(Case.source == f.source)
    if f.pending_referral:
        stmt = stmt.where(Case.id.in_(select(Referral.case_id)
                                      .where(Referral.status == "pending")))
    if f.tasks_due:
        stmt = stmt.where(Case.id.in_(select(CaseTask.case_id).where(
            CaseTask.done_at.is_(None), CaseTask.due_on.is_not(None),
            CaseTask.due_on <= now.date())))
    if f.person and f.person.strip():
        stmt = stmt.where(Case.id.in_(_person_ids(f.person, seen)))
    return stmt



#: the case list's orders: ``newest`` (newest case first: the API's documented order) and
#: ``work`` (open cases first, the most recently updated first: the page's default)
LIST_ORDERS = ("newest", "work")


def _walk_work_order(session: Session, principal: Principal, f: CaseFilters, rows: int
                     ) -> bool:
    """Whether a unit's unfiltered list in the work order is read by walking
    ``ix_case_cases_work_order`` (checking each case's unit until ``rows`` visible ones are
    found: about ``rows * cases / visible`` steps) rather than from the unit's cases, sorted
    (about ``visible`` steps, each dearer). SQLite's planner, knowing only the average unit,
    always sorts: 130-480 ms for a unit that sees 90,000 of 100,000 cases, against 1 ms by the
    index; but for a unit that sees 2,500 the walk to page 50 took 71 ms against 13 ms sorted
    (docs/cases.md). So walk when the unit sees at least ``sqrt(rows * cases)`` cases (where
    both costs meet), counted no further than that. A cross-unit role needs no unit check (the
    index is walked anyway); a filtered list keeps the join (filters may match few cases)."""
    if is_cross_unit(principal) or f != CaseFilters():
        return False
    cases = session.scalar(select(func.max(Case.id))) or 0
    enough = isqrt(rows * cases)
    seen = session.scalar(select(func.count()).select_from(
        select(CaseUnitAccess.case_id).where(CaseUnitAccess.unit_id == (principal.unit_id or -1))
        .limit(enough).subquery())) or 0
    return seen >= enough > 0


def list_cases(session: Session, principal: Principal, f: CaseFilters, page: int = 1,
               per_page: int | None = None, order: str = "newest"
               ) -> tuple[list[dict[str, Any]], bool]:
    """One page of visible cases in ``order`` (:data:`LIST_ORDERS`); returns (rows,
    has_more)."""
    per_page = per_page or get_settings().cases_page_size
    now = utcnow()
    page = max(1, min(page, 10_000))
    offset = (page - 1) * per_page
    walk = order == "work" and _walk_work_order(session, principal, f, offset + per_page + 1)
    stmt = _filtered(visible_cases_stmt(principal, per_case=walk), f, now, groups(principal))
    if order == "work":
        stmt = stmt.order_by(finished_key(TERMINAL), Case.last_update_at.desc(),
                             Case.id.desc())
    elif is_cross_unit(principal):
        stmt = stmt.order_by(Case.id.desc())
    else:
        stmt = stmt.order_by(CaseUnitAccess.case_id.desc())
    rows = list(session.scalars(stmt.offset(offset).limit(per_page + 1)))
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



# -- statistics and exports -------------------------------------------------------------------

def stats(session: Session, principal: Principal, k: int | None = None) -> dict[str, Any]:
    base = visible_cases_stmt(principal).with_only_columns(Case.id, Case.status,
                                                           Case.reported_at).subquery()
    by_status: dict[str, int] = dict(session.execute(select(base.c.status, func.count())
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

