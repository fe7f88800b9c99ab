"""What cases hand to the platform's shared pages (declared in ``capability.py``): the
protection officer's home-page work queues, person-search hits and audit-trail references
(WSP- numbers).

Everything is scoped like the case list (``visible_cases_stmt``: an officer's own unit and the
cases referred to it; cross-unit roles everything), and a person search looks only at the
field groups the role may see (``cases/visibility.py``): a name, NIK or passport number needs
``identity``, a phone number ``contact``. An analyst sees de-identified cases, so the search
finds no case for them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.cases import visibility
from waspada.cases.models import Case, Person
from waspada.cases.store.access import groups, visible_cases_stmt
from waspada.cases.store.views import CaseFilters, _filtered
from waspada.cases.workflow import load_workflow
from waspada.matching.namesearch import name_match
from waspada.platform.db import utcnow
from waspada.platform.i18n import N_, gettext
from waspada.platform.search import phone_key
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.work import ObjectRef, SearchHit, SearchQuery, Widget, WidgetLine

#: the home page's case queues: key -> (title, list filters, list address, level if non-zero)
QUEUES: tuple[tuple[str, str, CaseFilters, str, str], ...] = (
    ("public", N_("New public reports"), CaseFilters(status="reported", source="public"),
     "/cases?status=reported&source=public", "warn"),
    ("overdue", N_("Overdue steps (no progress within the deadline)"),
     CaseFilters(overdue=True), "/cases?overdue=1", "crit"),
    ("referrals", N_("Referrals awaiting an answer"), CaseFilters(pending_referral=True),
     "/cases?referral=pending", "warn"),
    ("tasks", N_("Tasks due"), CaseFilters(tasks_due=True), "/cases?tasks=due", "warn"),
)
#: a person search reads at most this many visible people by name or phone (a linear pass
#: with the matching engine's name comparison; the case register is small next to the
#: watchlist, which has its own index)
SCAN_LIMIT = 20_000


def _count(db: Session, principal: Principal, filters: CaseFilters, now: datetime) -> int:
    stmt = _filtered(visible_cases_stmt(principal), filters, now)
    return db.scalar(select(func.count()).select_from(stmt.with_only_columns(Case.id)
                                                       .subquery())) or 0


def home(db: Session, principal: Principal) -> list[Widget]:
    """Protection officers: new public reports, overdue steps, referrals awaiting an answer,
    tasks due. Counts only (no names), each linking to the filtered case list."""
    if not (allowed(principal, "cases.update") and allowed(principal, "cases.read")):
        return []
    now = utcnow()
    widgets = []
    for order, (key, title, filters, href, level) in enumerate(QUEUES, start=20):
        count = _count(db, principal, filters, now)
        lines: tuple[WidgetLine, ...] = ()
        if count:
            stmt = _filtered(visible_cases_stmt(principal), filters, now)
            states = load_workflow().states
            lines = tuple(WidgetLine(c.reference, f"/cases/{c.id}",
                                     gettext(states[c.status].label) if c.status in states
                                     else c.status)
                          for c in db.scalars(stmt.order_by(Case.id.desc()).limit(3)))
        widgets.append(Widget(key=f"cases.{key}", title=title, count=count, href=href,
                              level=level if count else "ok", lines=lines, order=order))
    return widgets


def audit_ids(db: Session, number: str) -> list[int]:
    """The ids of the cases shown in the audit trail as ``number``."""
    return list(db.scalars(select(Case.id).where(Case.reference == number[:64])))


def audit_refs(db: Session, ids: list[str]) -> dict[str, ObjectRef]:
    numbers = [int(i) for i in ids if i.isdigit()]
    return {str(cid): ObjectRef(reference, f"/cases/{cid}") for cid, reference in
            db.execute(select(Case.id, Case.reference).where(Case.id.in_(numbers)))}


def _hit(case: Case, person: Person | None, score: float, matched: str) -> SearchHit:
    name = (person.full_name or "") if person is not None else ""
    return SearchHit(kind=N_("Case"), reference=case.reference, name=name,
                     href=f"/cases/{case.id}",
                     country=case.destination_country or "", when=case.reported_at,
                     score=score, matched=matched)


def search(db: Session, principal: Principal, query: SearchQuery) -> list[SearchHit]:
    """Visible cases whose people match the query (see the module's note on field groups)."""
    if not allowed(principal, "cases.read"):
        return []
    seen = groups(principal)
    visible = visible_cases_stmt(principal).with_only_columns(Case.id).subquery()
    people = select(Person, Case).join(Case, Case.id == Person.case_id).where(
        Person.case_id.in_(select(visible.c.id)), Person.anonymised.is_(False))
    if query.kind == "reference":
        stmt = visible_cases_stmt(principal).where(func.upper(Case.reference) == query.value)
        return [_hit(c, None, 1.0, "reference") for c in db.scalars(stmt.limit(query.limit))]
    if visibility.IDENTITY not in seen:
        return []
    hits: dict[int, SearchHit] = {}
    if query.kind == "nik":
        rows = db.execute(people.where(Person.identity_number == query.value)
                          .limit(query.limit))
        return [_hit(case, person, 1.0, "nik") for person, case in rows]
    if query.kind == "passport":
        rows = db.execute(people.where(func.upper(Person.passport_number) == query.value)
                          .limit(query.limit))
        return [_hit(case, person, 1.0, "passport") for person, case in rows]
    if query.kind == "phone":
        if visibility.CONTACT not in seen:
            return []
        for person, case in db.execute(people.where(Person.mobile_phone.is_not(None))
                                       .limit(SCAN_LIMIT)):
            if phone_key(person.mobile_phone or "") == query.value and case.id not in hits:
                hits[case.id] = _hit(case, person, 1.0, "phone")
    elif query.kind == "name":
        for person, case in db.execute(people.where(Person.full_name.is_not(None))
                                       .limit(SCAN_LIMIT)):
            score = name_match(query.text, person.full_name or "")
            if score > 0 and score > (hits[case.id].score if case.id in hits else 0):
                hits[case.id] = _hit(case, person, score, "name")
    return sorted(hits.values(), key=lambda h: -h.score)[:query.limit]

