"""Entity review (like Aleph's cross-referencing): suggested merges, decisions, undo.

Suggestions are made from stored entities only:

* ``same_number``: two phone entities whose last nine digits agree (one number written with
  different country codes or a missing trunk prefix, which E.164 alone cannot join);
* ``same_post``: a Telegram handle and a phone that are the only two contact channels of one
  offer report (one operator posting both);
* ``similar_agency``: two agency names that the offers registry matcher calls the same.

A confirmed merge points one entity at the other (``merged_into_id``); lookups then show them
as one. Undo clears the pointer. Nothing is deleted, every step is audited by the service.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from waspada.offers.agencies import match_agency

from . import graph
from .sources import record_url
from .store import Entity, Link, MergeSuggestion
from .visibility import Scope, link_filter

MAX_AGENCIES = 5_000
AGENCY_BLOCK = 4  # agency names are compared within blocks sharing a 4-letter prefix


def _tail(value: str) -> str:
    return re.sub(r"\D", "", value)[-9:]


def same_number(db: Session) -> Iterator[tuple[int, int, str, float]]:
    by_tail: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in db.execute(select(Entity.id, Entity.value).where(Entity.kind == "phone",
                                                                Entity.merged_into_id.is_(None))):
        by_tail[_tail(row.value)].append((row.id, row.value))
    for group in by_tail.values():
        group.sort()
        for i, (a, va) in enumerate(group):
            for b, vb in group[i + 1:]:
                yield a, b, f"same_number: {va} and {vb} end in the same nine digits", 0.9


def same_post(db: Session) -> Iterator[tuple[int, int, str, float]]:
    contact = (Entity.kind.in_(("phone", "telegram")))
    rows = db.execute(select(Link.source_id, Entity.id, Entity.kind, Entity.value)
                      .join(Entity, Entity.id == Link.entity_id)
                      .where(Link.source_type == "offer_report", contact,
                             Entity.merged_into_id.is_(None))).all()
    by_post: dict[int, set[tuple[int, str, str]]] = defaultdict(set)
    for row in rows:
        by_post[row.source_id].add((row.id, row.kind, row.value))
    seen: set[tuple[int, int]] = set()
    for post, found in sorted(by_post.items()):
        phones = [f for f in found if f[1] == "phone"]
        handles = [f for f in found if f[1] == "telegram"]
        if len(phones) == 1 and len(handles) == 1:
            pair = (phones[0][0], handles[0][0])
            if pair not in seen:
                seen.add(pair)
                yield (*pair, f"same_post: {phones[0][2]} and @{handles[0][2]} are the only "
                              f"contacts of offer report {post}", 0.6)


def similar_agency(db: Session) -> Iterator[tuple[int, int, str, float]]:
    rows = db.execute(select(Entity.id, Entity.value, Entity.label)
                      .where(Entity.kind == "agency", Entity.merged_into_id.is_(None))
                      .order_by(Entity.id).limit(MAX_AGENCIES)).all()
    blocks: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for row in rows:
        blocks[row.value.replace(" ", "")[:AGENCY_BLOCK]].append((row.id, row.value, row.label))
    for block in blocks.values():
        for i, (a, va, la) in enumerate(block):
            others = block[i + 1:]
            for b, vb, lb in others:
                match = match_agency(la, [lb])
                if match.status == "registered" and va != vb:
                    yield a, b, f"similar_agency: '{la}' and '{lb}' ({match.score:.0f}%)", \
                        round(match.score / 100, 2)


def suggest(db: Session) -> int:
    """Store new suggestions (pairs already suggested keep their state); the count added."""
    existing = {(r.entity_a_id, r.entity_b_id) for r in db.execute(
        select(MergeSuggestion.entity_a_id, MergeSuggestion.entity_b_id))}
    added = 0
    for finder in (same_number, same_post, similar_agency):
        for a, b, reason, score in finder(db):
            pair = (min(a, b), max(a, b))
            if pair in existing:
                continue
            existing.add(pair)
            db.add(MergeSuggestion(entity_a_id=pair[0], entity_b_id=pair[1], reason=reason[:255],
                                   score=score))
            added += 1
    db.flush()
    return added


def open_count(db: Session, scope: Scope) -> int:
    """Open suggestions whose two entities both appear in links ``scope`` may see (the ones
    the review page lists; case unit reach is not asked: reviewers are cross-unit roles)."""
    def seen(entity_id: Any) -> Any:
        return exists().where(Link.entity_id == entity_id, link_filter(scope))

    return db.scalar(select(func.count(MergeSuggestion.id)).where(
        MergeSuggestion.status == "open", seen(MergeSuggestion.entity_a_id),
        seen(MergeSuggestion.entity_b_id))) or 0


#: the review page shows this many of an entity's newest appearances, and counts up to
#: EVIDENCE_COUNTED of them ("50+" above)
EVIDENCE_SHOWN = 5
EVIDENCE_COUNTED = 50
#: the reason codes a suggestion starts with (``same_number: ...``)
REASONS = ("same_number", "same_post", "similar_agency")


def reason_code(reason: str) -> str:
    code = reason.partition(":")[0]
    return code if code in REASONS else ""


def evidence(db: Session, entity_id: int, scope: Scope, reach: graph.CaseReach | None
             ) -> dict[str, Any]:
    """The records one entity appears in that ``scope`` may see: how many (up to
    :data:`EVIDENCE_COUNTED`, ``more`` above) and the newest :data:`EVIDENCE_SHOWN`."""
    links = graph.links_of_entities(db, [entity_id], scope, reach, limit=EVIDENCE_COUNTED + 1)
    records = list(dict.fromkeys((lk.source_type, lk.source_id) for lk in links))
    shown: list[dict[str, Any]] = []
    for link in links:
        if len(shown) >= EVIDENCE_SHOWN:
            break
        if any((a["source_type"], a["source_id"]) == (link.source_type, link.source_id)
               for a in shown):
            continue
        shown.append({"source_type": link.source_type, "source_id": link.source_id,
                      "url": record_url(link.source_type, link.source_id),
                      "seen_at": link.seen_at, "role": link.role, "raw": link.raw})
    return {"records": min(len(records), EVIDENCE_COUNTED),
            "more": len(links) > EVIDENCE_COUNTED, "appearances": shown}
