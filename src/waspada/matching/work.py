"""What matching hands to the platform's shared pages (declared in ``capability.py``): the
analyst's duplicate-review queue on the home page, watchlist hits for the person search, and
audit-trail references of watchlist entries and dedupe runs.

The watchlist is national (not unit-scoped): whoever may search it (``watchlist.screen``) finds
entries by name through the matching engine's index, or by NIK, passport or phone exactly.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.matching import store
from waspada.matching.namesearch import name_match
from waspada.matching.records import PersonRecord
from waspada.platform.i18n import N_
from waspada.platform.search import phone_key
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.work import ObjectRef, SearchHit, SearchQuery, Widget, WidgetLine

PHONE_SCAN_LIMIT = 50_000


def home(db: Session, principal: Principal) -> list[Widget]:
    """Analysts: duplicate clusters still waiting for a decision (newest run first)."""
    if not allowed(principal, "dedupe.review"):
        return []
    pending = (select(store.DedupeCluster.run_id, func.count())
               .where(store.DedupeCluster.status == "pending")
               .group_by(store.DedupeCluster.run_id)
               .order_by(store.DedupeCluster.run_id.desc()))
    runs = list(db.execute(pending))
    count = sum(n for _run, n in runs)
    lines = tuple(WidgetLine(f"#{run_id}", f"/dedupe/runs/{run_id}", str(n))
                  for run_id, n in runs[:3])
    href = f"/dedupe/runs/{runs[0][0]}" if runs else "/dedupe"
    return [Widget(key="matching.dedupe", title=N_("Duplicate clusters awaiting review"),
                   count=count, href=href, level="warn" if count else "ok", lines=lines,
                   order=40)]


def _hit(entry: store.WatchlistEntry, score: float, matched: str) -> SearchHit:
    return SearchHit(kind=N_("Watchlist entry"), reference=entry.record_id,
                     name=entry.full_name, href="/watchlist/search",
                     detail=f"{entry.list_kind} · {entry.source}", score=score, matched=matched)


def search(db: Session, principal: Principal, query: SearchQuery) -> list[SearchHit]:
    if not allowed(principal, "watchlist.screen"):
        return []
    active = select(store.WatchlistEntry).where(store._active_clause())
    if query.kind == "nik":
        rows = db.scalars(active.where(store.WatchlistEntry.nik == query.value)
                          .limit(query.limit))
        return [_hit(e, 1.0, "nik") for e in rows]
    if query.kind == "passport":
        rows = db.scalars(active.where(func.upper(store.WatchlistEntry.passport_no)
                                       == query.value).limit(query.limit))
        return [_hit(e, 1.0, "passport") for e in rows]
    if query.kind == "phone":
        rows = db.scalars(active.where(store.WatchlistEntry.phone.is_not(None))
                          .limit(PHONE_SCAN_LIMIT))
        return [_hit(e, 1.0, "phone") for e in rows
                if phone_key(e.phone or "") == query.value][:query.limit]
    if query.kind != "name":
        return []
    matches = store.watchlist_index(db).search(PersonRecord(record_id="q", full_name=query.text),
                                               top=100, threshold=0.0, explain=False)
    scores = {}
    for m in matches:
        name = m.record.full_name if m.record else ""
        similarity = name_match(query.text, name)
        if similarity > 0:
            scores[m.record_id] = similarity
    entries = store.entry_details(db, list(scores))
    hits = [_hit(entries[rid], score, "name") for rid, score in scores.items()
            if rid in entries]
    return sorted(hits, key=lambda h: -h.score)[:query.limit]


def entry_refs(db: Session, ids: list[str]) -> dict[str, ObjectRef]:
    numbers = [int(i) for i in ids if i.isdigit()]
    return {str(eid): ObjectRef(record_id, "/watchlist/manage") for eid, record_id in
            db.execute(select(store.WatchlistEntry.id, store.WatchlistEntry.record_id)
                       .where(store.WatchlistEntry.id.in_(numbers)))}


def audit_ids(db: Session, number: str) -> list[int]:
    """The ids of the watchlist entries shown in the audit trail as ``number`` (their entry id:
    an auditor types the id the pages show, not the row id)."""
    return list(db.scalars(select(store.WatchlistEntry.id)
                           .where(store.WatchlistEntry.record_id == number[:128])))


def shown_id(entry: store.WatchlistEntry | None, record_id: str) -> str:
    """The id a ``watchlist.screen`` audit entry names a shown entry by: its row id, as the
    entry's own ``watchlist.add`` / ``watchlist.remove`` entries do (the entry id if no row
    holds it); the capability's ``object_mentions`` lets the audit filter find it."""
    return str(entry.id) if entry is not None else record_id


def in_order(ids: set[str]) -> list[str]:
    """Shown ids in numeric order (row ids), entry ids after them."""
    return sorted(ids, key=lambda v: (0, int(v), "") if v.isdigit() else (1, 0, v))


def run_refs(db: Session, ids: list[str]) -> dict[str, ObjectRef]:
    return {i: ObjectRef(f"#{i}", f"/dedupe/runs/{i}") for i in ids if i.isdigit()}
