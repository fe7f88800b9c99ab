"""What screening hands to the platform's shared pages (declared in ``capability.py``): the
officers' home-page work queues, person-search hits and audit-trail references (BAP- numbers).

Unit-scoped like the screening list: an officer counts and finds only their unit's screenings.
The reads here are not audited one by one: the home page shows counts and record numbers only,
and the person search records one audit entry for the whole search (``platform/search.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from waspada.matching.namesearch import name_match
from waspada.matching.records import PersonRecord
from waspada.platform.i18n import N_, gettext
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.timezones import zone_of
from waspada.platform.work import ObjectRef, SearchHit, SearchQuery, Widget, WidgetLine
from waspada.screening import persons
from waspada.screening.assess import LEVEL_LABELS
from waspada.screening.service import unit_scope
from waspada.screening.store import Screening, ScreeningApproval, ScreeningDecision

#: the queues the screening page can show (``/screenings?queue=...``) and their titles
QUEUES: dict[str, str] = {
    "today": N_("Today's screenings"),
    "approval": N_("Decisions awaiting a supervisor's approval"),
    "flagged": N_("Travellers flagged in the last 7 days"),
}
FLAG_DAYS = 7


_S = TypeVar("_S", bound="Select[Any]")


def _scoped(stmt: _S, principal: Principal) -> _S:
    scope = unit_scope(principal)
    return stmt if scope is None else stmt.where(Screening.unit_id == scope)


def _start_of_today(principal: Principal, unit: object) -> datetime:
    """Midnight today in the viewer's unit's zone, as UTC."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_of(unit))
    local_today = datetime.now(zone).date()
    return datetime.combine(local_today, time.min, tzinfo=zone).astimezone(UTC)


def queue_stmt(principal: Principal, name: str, unit: object = None
               ) -> Select[Screening]:
    """The screenings of queue ``name`` the principal may see, newest first."""
    stmt = select(Screening)
    if name == "approval":
        approved = select(ScreeningApproval.decision_id)
        stmt = stmt.join(ScreeningDecision, ScreeningDecision.screening_id == Screening.id).where(
            ScreeningDecision.needs_approval.is_(True),
            ScreeningDecision.id.not_in(approved)).distinct()
    elif name == "flagged":
        since = datetime.now(UTC) - timedelta(days=FLAG_DAYS)
        stmt = stmt.where(Screening.created_at >= since,
                          (Screening.prior_json != "[]") | (Screening.watchlist_json != "[]"))
    else:
        stmt = stmt.where(Screening.created_at >= _start_of_today(principal, unit))
    return _scoped(stmt, principal).order_by(Screening.created_at.desc())


def queue(db: Session, principal: Principal, name: str, unit: object = None,
          limit: int = 200) -> list[Screening]:
    return list(db.scalars(queue_stmt(principal, name, unit).limit(limit)))


def _count(db: Session, principal: Principal, name: str, unit: object) -> int:
    stmt = queue_stmt(principal, name, unit).order_by(None)
    return db.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def home(db: Session, principal: Principal) -> list[Widget]:
    """Checkpoint and passport officers: today's screenings, pending approvals, flagged
    travellers (each count links to the filtered list)."""
    if not allowed(principal, "screening.conduct"):
        return []
    from waspada.platform.security.models import User

    user = db.get(User, principal.user_id) if principal.user_id else None
    widgets = []
    for order, (name, title) in enumerate(QUEUES.items(), start=10):
        count = _count(db, principal, name, user)
        lines = tuple(WidgetLine(s.record_no, f"/screenings/{s.id}",
                                 gettext(LEVEL_LABELS.get(s.level, s.level)))
                      for s in queue(db, principal, name, user, limit=3)) if count else ()
        level = "info" if name == "today" else ("warn" if count else "ok")
        widgets.append(Widget(key=f"screening.{name}", title=title, count=count,
                              href=f"/screenings?queue={name}#queue", level=level,
                              lines=lines, order=order))
    return widgets


def audit_ids(db: Session, number: str) -> list[int]:
    """The ids of the screenings shown in the audit trail as ``number``."""
    return list(db.scalars(select(Screening.id).where(Screening.record_no == number[:64])))


def audit_refs(db: Session, ids: list[str]) -> dict[str, ObjectRef]:
    numbers = [int(i) for i in ids if i.isdigit()]
    return {str(sid): ObjectRef(record_no, f"/screenings/{sid}") for sid, record_no in
            db.execute(select(Screening.id, Screening.record_no)
                       .where(Screening.id.in_(numbers)))}


def search(db: Session, principal: Principal, query: SearchQuery) -> list[SearchHit]:
    """Screenings of the principal's reach whose traveller matches the query: by NIK or
    passport number exactly, by record number, or by name through the matching engine."""
    if not allowed(principal, "screening.read"):
        return []
    stmt = select(Screening)
    scores: dict[int, float] = {}
    if query.kind == "nik":
        stmt = stmt.where(Screening.nik == query.value)
    elif query.kind == "passport":
        stmt = stmt.where(func.upper(Screening.passport_no) == query.value)
    elif query.kind == "reference":
        stmt = stmt.where(func.upper(Screening.record_no) == query.value)
    elif query.kind == "name":
        index = persons.PERSONS.sync(db)
        matches = index.search(PersonRecord(record_id="q", full_name=query.text), top=200,
                               threshold=0.0, explain=False)
        for m in matches:
            name = m.record.full_name if m.record else ""
            similarity = name_match(query.text, name)
            if similarity > 0:
                scores[int(m.record_id)] = similarity
        if not scores:
            return []
        stmt = stmt.where(Screening.person_id.in_(scores))
    else:
        return []
    rows = db.scalars(_scoped(stmt, principal).order_by(Screening.created_at.desc())
                      .limit(query.limit))
    return [SearchHit(kind=N_("Screening"), reference=s.record_no, name=s.full_name,
                      href=f"/screenings/{s.id}",
                      country=s.destination_country or "", when=s.created_at,
                      score=scores.get(s.person_id, 1.0), matched=query.kind) for s in rows]
