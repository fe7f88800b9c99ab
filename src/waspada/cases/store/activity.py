"""Work on a case: workflow transitions, comments, tasks, support plans, assessments."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import htcds, limits
from waspada.cases.errors import CaseError
from waspada.cases.models import (
    Assessment,
    Case,
    CaseComment,
    CaseTask,
    CaseTransition,
    Merge,
    SupportPlan,
)
from waspada.cases.store.access import TERMINAL, may_see
from waspada.cases.store.fields import clean_date, clean_text, touch
from waspada.cases.store.organisations import list_organisations, sync_organisations
from waspada.cases.workflow import check_transition, load_workflow
from waspada.platform.db import utcnow
from waspada.platform.security.policy import Principal


def _refusal(reason: str, state: str, code: str) -> str:
    """The API's English message for a refused transition: what to do instead (it said only
    "transition refused: wrong_state"; walk17). Pages word the reason themselves."""
    if reason == "unknown_transition":
        return (f"transition refused: unknown_transition ({code!r} is not a transition; "
                "GET /api/v1/cases/workflow lists them)")
    if reason == "wrong_state":
        sources = ", ".join(sorted(load_workflow().transitions[code].sources))
        return (f"transition refused: wrong_state (the case is {state}; {code} starts only "
                f"from {sources})")
    if reason == "role_not_allowed":
        return f"transition refused: role_not_allowed (your role may not {code} a case)"
    return f"transition refused: {reason} (see problems: field -> reason)"


def apply_transition(session: Session, principal: Principal, case: Case, code: str,
                     values: dict[str, object]) -> CaseTransition:
    sync_organisations(session)
    org_codes = frozenset(o.code for o in list_organisations(session))
    decision = check_transition(case.status, code, principal.role.value, values,
                                org_codes=org_codes)
    if not decision.ok:
        status = {"role_not_allowed": 403, "wrong_state": 409, "unknown_transition": 404}.get(
            decision.code, 422)
        raise CaseError(decision.code, _refusal(decision.code, case.status, code), status,
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
    if len(body) > limits.COMMENT:
        raise CaseError("too_long", "a comment is at most {limit} characters", 422,
                        limit=limits.COMMENT)
    comment = CaseComment(case_id=case.id, author_user_id=principal.user_id,
                          author=principal.username, body=body)
    session.add(comment)
    touch(case)
    session.flush()
    return comment


def add_task(session: Session, principal: Principal, case: Case, title: str,
             due_on: object) -> CaseTask:
    title = (title or "").strip()
    if not title or len(title) > limits.TASK_TITLE:
        raise CaseError("invalid_title", "a task title is 1-{limit} characters", 422,
                        limit=limits.TASK_TITLE)
    task = CaseTask(case_id=case.id, title=title, due_on=clean_date(due_on, "due_on"),
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



def add_support_plan(session: Session, case: Case, data: dict[str, Any]) -> SupportPlan:
    if data.get("type") not in htcds.SUPPORT_PLAN_TYPES:
        raise CaseError("invalid_type", "unknown HTCDS spl_Type", 422)
    plan = SupportPlan(case_id=case.id, type=data["type"],
                       objectives=clean_text(data.get("objectives"), limits.PLAN_TEXT) or "",
                       action_plan=clean_text(data.get("action_plan"), limits.PLAN_TEXT) or "",
                       planned_end=clean_date(data.get("planned_end"), "planned_end"),
                       actual_end=clean_date(data.get("actual_end"), "actual_end"))
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
                      notes=clean_text(data.get("notes"), limits.ASSESSMENT_NOTES) or "",
                      created_by=principal.username)
    session.add(item)
    touch(case)
    session.flush()
    return item

