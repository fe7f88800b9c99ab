"""Every network operation, written once for the API, pages and CLI.

Each operation checks the policy action, reads only links the caller may see
(``visibility.py``), records its audit entry in the same transaction and commits once. The
section "writes and reads used by other capabilities" is what the source capabilities call:
:func:`source_changed` joins *their* transaction (they audit and commit their own write).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.domain import DomainError
from waspada.platform.files import FileError, atomic_writer, write_csv
from waspada.platform.i18n import N_
from waspada.platform.security.policy import Principal, allowed

from . import analysis, graph, review
from . import export as exports
from .extract import CONTACT_KINDS, Observation, from_text, parse_query
from .sources import SOURCE_TYPES, reader, record_url
from .store import Entity, Link, MergeSuggestion
from .visibility import Scope, link_filter, scope_of

DEFAULT_DEPTH = 1
#: the graph page draws larger neighbourhoods than the API answers by default
PAGE_BOUNDS = graph.MAX_BOUNDS
REBUILD_BATCH = 1_000


class NetworkError(DomainError):
    """A refused network operation."""


def _require(principal: Principal, action: str) -> None:
    if not (principal.is_cli or allowed(principal, action)):
        raise NetworkError("forbidden", N_("Your role is not allowed to do this."), status=403)


def _not_found() -> NetworkError:
    return NetworkError("not_found", N_("Nothing you may see is known for this value."),
                        status=404)


def _reach(db: Session, principal: Principal, scope: Scope) -> graph.CaseReach | None:
    """The cases the principal's unit reaches, asked of the cases capability (None: all)."""
    if scope.everything or scope.cross_unit or "case" not in scope.source_types:
        return None
    from waspada.cases.network_feed import reachable_case_ids

    return lambda ids: reachable_case_ids(db, principal, ids)


def _registry(db: Session) -> list[str]:
    from waspada.offers.service import agency_names

    return agency_names(db)


# -- writes and reads used by other capabilities ------------------------------------------------

def source_changed(db: Session, source_type: str, source_id: int) -> int:
    """Re-read one source record and replace its links, in the caller's transaction (the
    source capability checked access, audits its write and commits). Returns the link count."""
    records = list(reader(source_type)(db, [source_id]))
    if not records:
        db.execute(delete(Link).where(Link.source_type == source_type,
                                      Link.source_id == source_id))
        return 0
    return graph.replace_links(db, source_type, records, graph.EntityCache(db, _registry(db)))


def _entity_groups(db: Session, found: list[Observation]) -> dict[tuple[str, str], set[int]]:
    """(kind, value) -> the ids of its entity's merge group, for values that are stored."""
    keys = {(o.kind, o.value) for o in found}
    if not keys:
        return {}
    rows = db.execute(select(Entity.id, Entity.kind, Entity.value)
                      .where(Entity.kind.in_({k for k, _ in keys}),  # the (kind, value) index
                             Entity.value.in_({v for _, v in keys}))).all()
    ids = {(r.kind, r.value): r.id for r in rows if (r.kind, r.value) in keys}
    root_of = graph.roots(db, ids.values())
    groups = graph.members(db, set(root_of.values()))
    return {key: groups[root_of[i]] for key, i in ids.items()}


@dataclass(frozen=True)
class Seen:
    source_type: str
    count: int
    last_seen: datetime
    source_ids: tuple[int, ...]


def _seen(links: list[Any]) -> list[Seen]:
    by_type: dict[str, dict[int, datetime]] = defaultdict(dict)
    for link in links:
        ids = by_type[link.source_type]
        ids[link.source_id] = max(ids.get(link.source_id, link.seen_at), link.seen_at)
    return [Seen(t, len(ids), max(ids.values()), tuple(sorted(ids)))
            for t, ids in sorted(by_type.items())]


def known(db: Session, principal: Principal, found: list[Observation], *,
          source_types: frozenset[str] | None = None, exclude: tuple[str, int] | None = None
          ) -> list[dict[str, Any]]:
    """For each contact value in ``found`` that stored data the principal may see holds:
    ``{value, kind, role, seen_in: [Seen...]}``. No access check and no audit: the calling
    operation (offer check, screening) does both."""
    contacts = [o for o in found if o.kind in CONTACT_KINDS]
    groups = _entity_groups(db, contacts)
    scope = scope_of(principal)
    reach = _reach(db, principal, scope)
    out = []
    for o in contacts:
        group = groups.get((o.kind, o.value))
        if not group:
            continue
        links = [lk for lk in graph.links_of_entities(db, group, scope, reach)
                 if (source_types is None or lk.source_type in source_types)
                 and (lk.source_type, lk.source_id) != exclude]
        if links:
            out.append({"value": o.label or o.value, "kind": o.kind, "role": o.role,
                        "seen_in": _seen(links)})
    return out


def known_contacts(db: Session, principal: Principal, text: str) -> list[dict[str, Any]]:
    """The offer check's ``known_contacts``: each extracted contact the caller may see in
    stored data, with ``seen_in: [{source_type, count, last_seen}]``."""
    return [{"value": k["value"], "kind": k["kind"],
             "seen_in": [{"source_type": s.source_type, "count": s.count,
                          "last_seen": s.last_seen} for s in k["seen_in"]]}
            for k in known(db, principal, from_text(text))]


def lookup_value(o: Observation) -> str | None:
    """What to search on the network page to find ``o``'s entity: its readable form when the
    lookup reads it back as the same key first, else ``kind:value``; None when neither does
    (never an entity number: ``#id`` lookups are the analysts' alone)."""
    for query in (o.label, f"{o.kind}:{o.value}"):
        keys = parse_query(query)
        if keys and keys[0] == (o.kind, o.value):
            return query
    return None


def contacts_of(text: str) -> list[dict[str, Any]]:
    """The contact channels in a text (phones, handles, e-mail, profiles, domains, bank
    accounts) as ``{kind, label, query}``, ``query`` being what the network page's lookup by
    value finds the entity with (None: shown without a link). Pure: nothing is read."""
    return [{"kind": o.kind, "label": o.label, "query": lookup_value(o)}
            for o in from_text(text) if o.kind in CONTACT_KINDS]


#: the public learns a band, never a count, a date or where: docs/network.md
PUBLIC_BANDS = ((1, "1"), (2, "2-4"), (5, "5+"))


def public_band(count: int) -> str | None:
    band = None
    for lower, label in PUBLIC_BANDS:
        if count >= lower:
            band = label
    return band


def public_reported(db: Session, text: str) -> list[dict[str, str]]:
    """For the public check: each contact of ``text`` earlier reported by the public (offer
    reports only; never cases, screenings or watchlists), as ``{value, band}``."""
    found = [o for o in from_text(text) if o.kind in CONTACT_KINDS - {"domain"}]
    groups = _entity_groups(db, found)
    out = []
    for o in found:
        group = groups.get((o.kind, o.value))
        if not group:
            continue
        count = db.scalar(select(func.count(func.distinct(Link.source_id)))
                          .where(Link.entity_id.in_(group),
                                 Link.source_type == "offer_report")) or 0
        band = public_band(count)
        if band:
            out.append({"value": o.label or o.value, "band": band})
    return out


#: the sources a screening reason names (cases and watchlist entries, not other screenings)
SCREENING_SOURCES = frozenset({"case", "watchlist"})


def screening_hits(db: Session, principal: Principal, fields: dict[str, str],
                   exclude: tuple[str, int] | None = None) -> list[dict[str, Any]]:
    """Contacts in a screening's sponsor / contact / offer fields that the officer may see
    linked to cases or watchlist entries: ``{value, kind, field, source_type, source_ids}``."""
    found = [o for role, text in fields.items() for o in from_text(text, role)]
    out = []
    for k in known(db, principal, found, source_types=SCREENING_SOURCES, exclude=exclude):
        for seen in k["seen_in"]:
            out.append({"value": k["value"], "kind": k["kind"], "field": k["role"],
                        "source_type": seen.source_type, "count": seen.count,
                        "source_ids": list(seen.source_ids[:10]),
                        "last_seen": seen.last_seen.date().isoformat()})
    return out


# -- analysts: lookup -------------------------------------------------------------------------

#: the entity columns a lookup shows (plain rows, no ORM objects)
ENTITY_COLUMNS = (Entity.id, Entity.kind, Entity.value, Entity.label, Entity.attrs_json)


def _entity_out(e: Any, depth: int | None = None, hub: bool = False) -> dict[str, Any]:
    out = {"id": e.id, "kind": e.kind, "value": e.value, "label": e.label,
           "attrs": json.loads(e.attrs_json or "{}")}
    if depth is not None:
        out["depth"] = depth
        out["hub"] = hub
    return out


def _link_out(link: Any, root_of: dict[int, int]) -> dict[str, Any]:
    return {"id": link.id, "entity_id": root_of.get(link.entity_id, link.entity_id),
            "source_type": link.source_type, "source_id": link.source_id,
            "url": record_url(link.source_type, link.source_id), "role": link.role,
            "seen_at": link.seen_at, "confidence": link.confidence, "raw": link.raw}


def _seed(db: Session, value: str) -> Entity | None:
    """The (root) entity a searched value names; ``#123`` names an entity by id."""
    value = value.strip()
    found: Entity | None = None
    if value.startswith("#") and value[1:].isdigit():
        found = db.get(Entity, int(value[1:]))
    else:
        for kind, key in parse_query(value):
            found = db.scalar(select(Entity).where(Entity.kind == kind, Entity.value == key))
            if found is not None:
                break
    if found is None:
        return None
    root = graph.roots(db, [found.id])[found.id]
    return found if root == found.id else db.get(Entity, root)


def subgraph(db: Session, principal: Principal, value: str, depth: int, *,
             communities: bool = True, bounds: graph.Bounds = graph.DEFAULT_BOUNDS
             ) -> dict[str, Any]:
    """The entity ``value`` names, its neighbours to ``depth`` within ``bounds``, every
    visible link with its evidence, the entity's timeline and (``communities``) the
    communities and brokers of the sub-graph (no access check, no audit)."""
    if not 0 <= depth <= graph.MAX_DEPTH:
        raise NetworkError("bad_depth", N_("The depth must be between 0 and {n}."),
                           n=graph.MAX_DEPTH)
    if not (0 < bounds.nodes <= graph.MAX_NODES and 0 < bounds.links <= graph.MAX_LINKS):
        raise NetworkError("bad_bounds", N_("At most {nodes} entities and {links} links."),
                           nodes=graph.MAX_NODES, links=graph.MAX_LINKS)
    if (value.strip().startswith("#") and not allowed(principal, "network.review")
            and not principal.is_cli):
        # entity numbers are sequential: walking #1, #2, ... would list every watchlist entry a
        # field officer's links reach (the security pass of round 17); they search by value
        raise NetworkError("number_lookup", N_("Looking up an entity by its number is for "
                                               "analysts: search by the phone number, "
                                               "account, handle or name."), status=403)
    seed = _seed(db, value)
    if seed is None:
        raise _not_found()
    scope = scope_of(principal)
    sub = graph.expand(db, seed.id, depth, scope, _reach(db, principal, scope), bounds)
    own = [lk for lk in sub.links.values() if sub.root_of.get(lk.entity_id) == seed.id]
    if not own:
        raise _not_found()  # it exists, but not in anything the caller may see
    entities = {e.id: e for e in db.execute(select(*ENTITY_COLUMNS).where(
        Entity.id.in_(list(sub.depth_of))))}
    merged = sorted(m for m, r in sub.root_of.items() if r == seed.id and m != seed.id)
    found = analysis.analyse(sub.sources(), {i: e.kind for i, e in entities.items()}) \
        if communities else {"communities": [], "brokers": []}
    links = sorted(sub.links.values(), key=lambda lk: (lk.seen_at, lk.id))
    return {
        "query": value, "depth": depth, "truncated": sub.truncated,
        "entity": {**_entity_out(seed), "merged": merged},
        "neighbours": [_entity_out(entities[i], d, i in sub.hubs)
                       for i, d in sorted(sub.depth_of.items(), key=lambda kv: (kv[1], kv[0]))
                       if i != seed.id and i in entities],
        "links": [_link_out(lk, sub.root_of) for lk in links],
        "timeline": [{"seen_at": lk.seen_at, "source_type": lk.source_type,
                      "source_id": lk.source_id, "role": lk.role, "raw": lk.raw,
                      "url": record_url(lk.source_type, lk.source_id)}
                     for lk in sorted(own, key=lambda lk: (lk.seen_at, lk.id))],
        "communities": found["communities"], "brokers": found["brokers"],
    }


def lookup(db: Session, principal: Principal, value: str, depth: int = DEFAULT_DEPTH, *,
           communities: bool = True, bounds: graph.Bounds = graph.DEFAULT_BOUNDS
           ) -> dict[str, Any]:
    """An analyst's lookup (audited with the entity id and counts, never the value)."""
    _require(principal, "network.view")
    try:
        result = subgraph(db, principal, value, depth, communities=communities, bounds=bounds)
    except NetworkError as exc:
        audit.record("network.lookup", principal, object_type="network_entity",
                     outcome=exc.code, session=db)
        db.commit()
        raise
    audit.record("network.lookup", principal, object_type="network_entity",
                 object_id=result["entity"]["id"], depth=depth,
                 neighbours=len(result["neighbours"]), links=len(result["links"]), session=db)
    db.commit()
    return result


# -- rebuild -----------------------------------------------------------------------------------

def _batches(records: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(db: Session, principal: Principal) -> dict[str, int]:
    """Re-read every source record and replace all links (entities and merges stay)."""
    _require(principal, "network.rebuild")
    counts: dict[str, int] = {}
    cache = graph.EntityCache(db, _registry(db))
    db.execute(delete(Link))
    for source_type in SOURCE_TYPES:
        written = 0
        for batch in _batches(reader(source_type)(db, None), REBUILD_BATCH):
            written += graph.replace_links(db, source_type, batch, cache, fresh=True)
        counts[source_type] = written
    audit.record("network.rebuild", principal, object_type="network", links=counts,
                 session=db)
    db.commit()
    return counts


def stats(db: Session) -> dict[str, int]:
    return {"entities": db.scalar(select(func.count(Entity.id))) or 0,
            "links": db.scalar(select(func.count(Link.id))) or 0,
            "open_suggestions": db.scalar(select(func.count(MergeSuggestion.id)).where(
                MergeSuggestion.status == "open")) or 0}


# -- entity review -----------------------------------------------------------------------------

DECISIONS = {"confirm": "confirmed", "reject": "rejected", "unsure": "unsure"}


def suggest_merges(db: Session, principal: Principal) -> int:
    """Look for entities that may be the same (review.py); the number of new suggestions."""
    _require(principal, "network.review")
    added = review.suggest(db)
    audit.record("network.suggest", principal, object_type="network", added=added, session=db)
    db.commit()
    return added


def suggestions(db: Session, principal: Principal, status: str = "open", limit: int = 100
                ) -> list[dict[str, Any]]:
    """Suggestions whose two entities both appear in records the caller may see, each entity
    with that evidence (how many records, the newest few): a value known only from records
    the caller may not open (a victim's phone in a case) is never shown through a
    suggestion."""
    _require(principal, "network.review")
    scope = scope_of(principal)
    reach = _reach(db, principal, scope)
    rows = list(db.scalars(select(MergeSuggestion).where(MergeSuggestion.status == status)
                           .order_by(MergeSuggestion.score.desc(), MergeSuggestion.id)
                           .limit(limit)))
    ids = {r.entity_a_id for r in rows} | {r.entity_b_id for r in rows}
    entities = {e.id: e for e in db.scalars(select(Entity).where(Entity.id.in_(ids)))}
    evidence = {i: review.evidence(db, i, scope, reach) for i in ids}
    return [{"id": r.id, "status": r.status, "reason": r.reason, "score": r.score,
             "code": review.reason_code(r.reason),
             "a": {**_entity_out(entities[r.entity_a_id]), "evidence": evidence[r.entity_a_id]},
             "b": {**_entity_out(entities[r.entity_b_id]), "evidence": evidence[r.entity_b_id]},
             "decided_by": r.decided_by, "decided_at": r.decided_at} for r in rows
            if evidence[r.entity_a_id]["records"] and evidence[r.entity_b_id]["records"]]


#: the review page's lists: (status, heading code)
REVIEW_LISTS = ("open", "unsure", "confirmed")
#: every status a suggestion can have (the API refuses any other with 422)
SUGGESTION_STATUSES = ("open", "unsure", "confirmed", "rejected")


def read_suggestions(db: Session, principal: Principal, status: str = "open",
                     limit: int = 100) -> list[dict[str, Any]]:
    """:func:`suggestions` for the API, audited (status and count: the entities' values are
    phones, handles and agency names taken from records)."""
    if status not in SUGGESTION_STATUSES:  # the API's type refuses it first
        raise NetworkError("bad_status", N_("Unknown suggestion status."), status=422)
    out = suggestions(db, principal, status, limit)
    audit.record("network.suggestions", principal, object_type="network_merge",
                 status=status, count=len(out), session=db)
    db.commit()
    return out


def review_queue(db: Session, principal: Principal, limit: int = 100
                 ) -> dict[str, list[dict[str, Any]]]:
    """The review page: open, unsure and confirmed (undoable) suggestions with evidence
    (audited: the counts per list)."""
    queue = {status: suggestions(db, principal, status, limit) for status in REVIEW_LISTS}
    audit.record("network.suggestions", principal, object_type="network_merge",
                 count={k: len(v) for k, v in queue.items()}, session=db)
    db.commit()
    return queue


def _suggestion(db: Session, suggestion_id: int) -> MergeSuggestion:
    found = db.get(MergeSuggestion, suggestion_id)
    if found is None:
        raise NetworkError("not_found", N_("No such merge suggestion."), status=404)
    return found


def decide(db: Session, principal: Principal, suggestion_id: int, decision: str
           ) -> dict[str, Any]:
    """Confirm (merge b into a's group), reject or mark unsure; a confirmed merge is undone
    with :func:`undo_merge`."""
    _require(principal, "network.review")
    if decision not in DECISIONS:
        raise NetworkError("bad_decision", N_("The decision must be confirm, reject or unsure."))
    found = _suggestion(db, suggestion_id)
    if found.status == "confirmed":
        raise NetworkError("already_merged", N_("This merge is confirmed; undo it first."),
                           status=409)
    if decision == "confirm":
        root_of = graph.roots(db, [found.entity_a_id, found.entity_b_id])
        if root_of[found.entity_a_id] == root_of[found.entity_b_id]:
            raise NetworkError("same_entity", N_("The two entities are already one."),
                               status=409)
        merged = db.get(Entity, found.entity_b_id)
        assert merged is not None  # the foreign key holds
        merged.merged_into_id = root_of[found.entity_a_id]
    found.status = DECISIONS[decision]
    found.decided_by = principal.username
    found.decided_at = utcnow()
    audit.record("network.review", principal, object_type="network_merge",
                 object_id=found.id, decision=found.status, entity_a=found.entity_a_id,
                 entity_b=found.entity_b_id, session=db)
    db.commit()
    return {"id": found.id, "status": found.status}


def undo_merge(db: Session, principal: Principal, suggestion_id: int) -> dict[str, Any]:
    """Separate the entities of a confirmed merge again (the suggestion returns to open)."""
    _require(principal, "network.review")
    found = _suggestion(db, suggestion_id)
    if found.status != "confirmed":
        raise NetworkError("not_merged", N_("Only a confirmed merge can be undone."),
                           status=409)
    merged = db.get(Entity, found.entity_b_id)
    assert merged is not None
    merged.merged_into_id = None
    found.status = "open"
    found.decided_by = principal.username
    found.decided_at = utcnow()
    audit.record("network.unmerge", principal, object_type="network_merge", object_id=found.id,
                 entity_a=found.entity_a_id, entity_b=found.entity_b_id, session=db)
    db.commit()
    return {"id": found.id, "status": found.status}


# -- exports -----------------------------------------------------------------------------------

MAX_EXPORT_LINKS = 500_000


def _everything(db: Session, principal: Principal
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """Every link the principal may see (up to MAX_EXPORT_LINKS) and their entities."""
    scope = scope_of(principal)
    reach = _reach(db, principal, scope)
    links: list[Link] = []
    last = 0
    truncated = False
    while True:
        page = list(db.scalars(select(Link).where(Link.id > last, link_filter(scope))
                               .order_by(Link.id).limit(5_000)))
        if not page:
            break
        last = page[-1].id
        links.extend(graph.visible(page, scope, reach))
        if len(links) >= MAX_EXPORT_LINKS:
            links, truncated = links[:MAX_EXPORT_LINKS], True
            break
    root_of = graph.roots(db, {lk.entity_id for lk in links})
    ids = sorted(set(root_of.values()))
    entities: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        entities.extend(_entity_out(e) for e in db.scalars(
            select(Entity).where(Entity.id.in_(ids[i:i + 500]))))
    return entities, [_link_out(lk, root_of) for lk in links], truncated


def export(db: Session, principal: Principal, fmt: str, output: Path, seed: str | None = None,
           depth: int = DEFAULT_DEPTH) -> dict[str, Any]:
    """Write the caller's visible sub-graph (around ``seed``, or all of it) as FollowTheMoney
    JSON lines or a CSV edge list; audited with the format and counts."""
    _require(principal, "network.export")
    if fmt not in ("ftm", "csv"):
        raise NetworkError("bad_format", N_("The format must be ftm or csv."))
    if seed:
        found = subgraph(db, principal, seed, depth, bounds=graph.MAX_BOUNDS)
        entities = [found["entity"], *found["neighbours"]]
        links, truncated = found["links"], found["truncated"]
    else:
        entities, links, truncated = _everything(db, principal)
    try:
        with atomic_writer(output) as fh:
            if fmt == "ftm":
                written = exports.write_ftm(fh, entities, links)
            else:
                written = write_csv(fh, exports.EDGE_COLUMNS,
                                    exports.edge_rows({e["id"]: e for e in entities}, links))
    except FileError as exc:
        raise NetworkError("bad_output", N_("The file was not written: {detail}"),
                           detail=str(exc)) from None
    audit.record("network.export", principal, object_type="network", format=fmt,
                 seeded=bool(seed), depth=depth if seed else None, entities=len(entities),
                 links=len(links), session=db)
    db.commit()
    return {"format": fmt, "entities": len(entities), "links": len(links), "records": written,
            "truncated": truncated}
