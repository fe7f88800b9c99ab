"""Who may see a link: exactly who may see its source record, by the source's own rules.

* an offer report: roles allowed ``offers.scan`` (the analysts who read reports);
* a screening: roles allowed ``screening.read``, unit-scoped like screenings are;
* a case: roles allowed ``cases.read`` whose unit reaches the case (the owner or a referral;
  asked of ``cases.service`` at query time, since referrals change it), and only values of
  the field groups the role sees (``cases/visibility.py``): a victim's or reporter's phone is
  ``contact`` (protection officers only), names are ``identity``; a perpetrator's contact
  channels are ``case`` (see docs/network.md, "Visibility");
* a watchlist entry: roles allowed ``watchlist.screen``.

The local CLI operator sees everything (like every other capability).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, true

from waspada.cases.visibility import groups_for
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal, allowed

from .store import Link

SOURCE_ACTIONS: dict[str, str] = {
    "offer_report": "offers.scan",
    "screening": "screening.read",
    "case": "cases.read",
    "watchlist": "watchlist.screen",
}
UNIT_SCOPED = frozenset({"screening"})


@dataclass(frozen=True)
class Scope:
    """What one principal may see of the graph."""

    everything: bool
    source_types: frozenset[str]
    unit_id: int | None
    cross_unit: bool
    case_groups: frozenset[str]


def scope_of(principal: Principal) -> Scope:
    if principal.is_cli:
        return Scope(True, frozenset(SOURCE_ACTIONS), None, True, frozenset())
    types = frozenset(t for t, action in SOURCE_ACTIONS.items() if allowed(principal, action))
    return Scope(False, types, principal.unit_id, principal.role in CROSS_UNIT_ROLES,
                 groups_for(principal.role.value))


def link_filter(scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on :class:`Link` keeping the links ``scope`` may see (case unit reach
    is checked afterwards, see :func:`waspada.network.service`)."""
    if scope.everything:
        return true()
    # the source type through an expression no index serves: SQLite's planner (no
    # statistics) would otherwise answer "entity_id IN (...) AND (source_type = 'a' OR ...)"
    # through the source index, reading every offer report's link (0.5-1 s at 1M links)
    # instead of the entity's own few (docs/network.md, "Benchmark")
    source = func.coalesce(Link.source_type, "")
    parts = []
    for source_type in sorted(scope.source_types):
        cond = source == source_type
        if source_type in UNIT_SCOPED and not scope.cross_unit:
            cond = and_(cond, Link.source_unit_id == (scope.unit_id or -1))
        if source_type == "case":
            cond = and_(cond, Link.field_group.in_(sorted(scope.case_groups | {""})))
        parts.append(cond)
    return or_(*parts) if parts else false()


def may_see(scope: Scope, link: Any) -> bool:
    """The same rule as :func:`link_filter`, for one loaded link (a :class:`Link` or a row
    with its columns)."""
    if scope.everything:
        return True
    if link.source_type not in scope.source_types:
        return False
    if link.source_type in UNIT_SCOPED and not scope.cross_unit and \
            link.source_unit_id != (scope.unit_id or -1):
        return False
    return link.source_type != "case" or link.field_group in scope.case_groups | {""}
