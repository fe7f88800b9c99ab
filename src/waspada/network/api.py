"""`/api/v1/network/...`: lookups and entity review (each link filtered by who may see it)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from waspada.platform.deps import DB, require
from waspada.platform.security.policy import Principal
from waspada.platform.types import IdPath

from . import service
from .graph import DEFAULT_BOUNDS, MAX_DEPTH, MAX_LINKS, MAX_NODES, Bounds
from .schemas import VALUE_MAX, DecisionIn, DecisionOut, LookupOut, SuggestionOut

api_router = APIRouter(prefix="/api/v1/network", tags=["network"])
Viewer = Annotated[Principal, Depends(require("network.view"))]
Reviewer = Annotated[Principal, Depends(require("network.review"))]


@api_router.get("/lookup", response_model=LookupOut)
def lookup(db: DB, principal: Viewer,
           value: Annotated[str, Query(min_length=1, max_length=VALUE_MAX)],
           depth: Annotated[int, Query(ge=0, le=MAX_DEPTH)] = 1,
           communities: bool = False,
           max_entities: Annotated[int, Query(ge=1, le=MAX_NODES)] = DEFAULT_BOUNDS.nodes,
           max_links: Annotated[int, Query(ge=1, le=MAX_LINKS)] = DEFAULT_BOUNDS.links,
           ) -> dict[str, Any]:
    """The entity a value names (a phone written any way, @handle, e-mail, domain, bank
    account, agency name or ``#id``), its neighbours to ``depth`` (entities that appear in the
    same records), every link with its evidence, its timeline and, with
    ``communities=true``, the sub-graph's communities (Louvain) and brokers (betweenness) with
    the reason each stands out. Only links to records the caller may see; 404 when none.
    At most ``max_entities`` entities and ``max_links`` links (newest first; ``truncated``
    says when cut); hubs (entities with more than 200 links) are listed, not expanded."""
    return service.lookup(db, principal, value, depth, communities=communities,
                          bounds=Bounds(max_entities, max_links))


@api_router.get("/suggestions", response_model=list[SuggestionOut])
def suggestions(db: DB, principal: Reviewer,
                status: Literal["open", "unsure", "confirmed", "rejected"] = "open"
                ) -> list[dict[str, Any]]:
    """Suggested merges (same number, handle and phone in one post, similar agency names);
    audited."""
    return service.read_suggestions(db, principal, status)


@api_router.post("/suggestions/{suggestion_id}", response_model=DecisionOut)
def decide(suggestion_id: IdPath, body: DecisionIn, db: DB, principal: Reviewer
           ) -> dict[str, Any]:
    """Confirm, reject or mark a suggested merge unsure (audited)."""
    return service.decide(db, principal, suggestion_id, body.decision)


@api_router.post("/suggestions/{suggestion_id}/undo", response_model=DecisionOut)
def undo(suggestion_id: IdPath, db: DB, principal: Reviewer) -> dict[str, Any]:
    """Undo a confirmed merge (audited)."""
    return service.undo_merge(db, principal, suggestion_id)
