"""Merging duplicate cases and undoing a merge."""

from __future__ import annotations

import json

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from waspada.cases import limits
from waspada.cases.errors import CaseError
from waspada.cases.models import (
    Case,
    CaseTransition,
    CaseUnitAccess,
    DuplicateFlag,
    Merge,
)
from waspada.cases.store.access import may_see
from waspada.cases.store.fields import touch
from waspada.cases.workflow import INITIAL_STATE
from waspada.platform.db import utcnow
from waspada.platform.security.policy import Principal

# -- duplicates and merges --------------------------------------------------------------------

def merge_cases(session: Session, principal: Principal, survivor: Case, merged: Case,
                reason: str) -> Merge:
    reason = (reason or "").strip()
    if len(reason) < limits.MERGE_REASON_MIN or len(reason) > limits.NOTE:
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
    survivor = session.get(Case, record.survivor_id)
    assert survivor is not None
    access = session.get(CaseUnitAccess, (survivor.owner_unit_id, merged.id))
    if access is not None and access.kind == "merge":
        session.delete(access)
    session.flush()
    return record

