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



def visible_cases_stmt(principal: Principal, *, per_case: bool = False) -> Select[Case]:
    """The cases the principal's unit reaches: joined to ``case_unit_access`` (the database
    starts from the unit's cases), or with ``per_case`` checked case by case (``EXISTS``), so
    the database may walk the cases in the order of an index of ``case_cases`` and stop at
    the page's last row."""
    stmt = select(Case)
    if is_cross_unit(principal):
        return stmt
    unit = CaseUnitAccess.unit_id == (principal.unit_id or -1)
    if per_case:
        return stmt.where(select(CaseUnitAccess.case_id).where(
            CaseUnitAccess.case_id == Case.id, unit).exists())
    return stmt.join(CaseUnitAccess, CaseUnitAccess.case_id == Case.id).where(unit)

