"""JSON API: yente-shaped watchlist matching and watchlist management.

``POST /api/v1/match`` (and ``/api/v1/match/{dataset}``) takes
``{"queries": {"q1": {"schema": "Person", "properties": {"name": [...], "birthDate": [...],
"gender": [...], "idNumber": [...], "passportNumber": [...], "phone": [...]}}}}`` with query
parameters ``threshold`` and ``limit``, and answers ``{"responses": {"q1": {"query": ...,
"results": [{"id", "caption", "schema", "properties", "score", "match", "features",
"explanation"}], "total": {"value": n}}}, "limit": ..., "threshold": ...}``.

Every route parses its input and calls one function of ``matching.service``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from waspada.matching import service
from waspada.matching.schemas import (
    EntityOut,
    EntryIn,
    MatchRequest,
    MatchResponse,
    RemovedOut,
    RemoveIn,
)
from waspada.platform.deps import DB, require
from waspada.platform.security.policy import Principal

api_router = APIRouter(prefix="/api/v1", tags=["matching"])

Threshold = Annotated[float, Query(ge=0.0, le=1.0)]
Limit = Annotated[int, Query(ge=1, le=50)]
Screener = Annotated[Principal, Depends(require("watchlist.screen"))]
Manager = Annotated[Principal, Depends(require("watchlist.manage"))]


@api_router.post("/match", response_model=MatchResponse)
def match(body: MatchRequest, db: DB, principal: Screener, threshold: Threshold = 0.7,
          limit: Limit = 5) -> MatchResponse:
    """Screen people against the watchlist (yente match API shape)."""
    return service.screen(db, principal, body, threshold=threshold, limit=limit)


@api_router.post("/match/{dataset}", response_model=MatchResponse)
def match_dataset(dataset: str, body: MatchRequest, db: DB, principal: Screener,
                  threshold: Threshold = 0.7, limit: Limit = 5) -> MatchResponse:
    """As ``/match``, limited to one list kind (``pencegahan``, ``recruiter``, ...)."""
    return service.screen(db, principal, body, threshold=threshold, limit=limit,
                          dataset=dataset)


@api_router.get("/watchlist", response_model=list[EntityOut])
def list_entries(db: DB, principal: Manager,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[EntityOut]:
    """Active entries, newest first."""
    return [service.entity(e, e.record_id) for e in service.list_entries(db, principal, limit)]


@api_router.post("/watchlist", status_code=201, response_model=EntityOut)
def add_entry(body: EntryIn, db: DB, principal: Manager) -> EntityOut:
    """Add an entry (an existing id is reactivated and replaced)."""
    row = service.add_entry(db, principal, body)
    return service.entity(row, row.record_id)


@api_router.delete("/watchlist/{record_id}", response_model=RemovedOut)
def remove_entry(record_id: str, body: RemoveIn, db: DB, principal: Manager) -> RemovedOut:
    """Deactivate an entry; the row and its history stay for the audit."""
    service.remove_entry(db, principal, record_id, body)
    return RemovedOut(record_id=record_id)
