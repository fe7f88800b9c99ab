"""Who reaches a case: unit scoping (404 for hidden cases), field groups, visible-case query."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from waspada.cases import visibility
from waspada.cases.errors import CaseError
from waspada.cases.models import (
    Case,
    CaseUnitAccess,
)
from waspada.cases.workflow import load_workflow
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal

TERMINAL = frozenset(load_workflow().terminal_states)


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



def visible_cases_stmt(principal: Principal) -> Select[Case]:
    stmt = select(Case)
    if not is_cross_unit(principal):
        stmt = stmt.join(CaseUnitAccess, CaseUnitAccess.case_id == Case.id).where(
            CaseUnitAccess.unit_id == (principal.unit_id or -1))
    return stmt

