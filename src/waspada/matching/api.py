"""JSON API: a drop-in for clients of OpenSanctions' yente, and watchlist management.

``POST /api/v1/match/{dataset}`` (and ``/api/v1/match`` for ``default``), ``GET
/api/v1/algorithms`` and ``GET /api/v1/catalog`` follow yente's request and response models
(see :mod:`waspada.matching.yente`): point a yente client at ``https://HOST/api/v1`` with
``Authorization: ApiKey TOKEN`` (or ``Bearer``). A refused match request answers as yente does,
``{"detail": "..."}`` with 400 (404 for an unknown dataset), plus Waspada's ``error`` object.

Every route parses its input and calls one function of ``matching.service``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from waspada.matching import service, yente
from waspada.matching.schemas import (
    AlgorithmResponse,
    CatalogOut,
    DedupeVerdictsOut,
    EntityOut,
    EntryApiIn,
    MatchParams,
    MatchRequest,
    MatchResponse,
    RemovedOut,
    RemoveIn,
)
from waspada.platform.deps import DB, require
from waspada.platform.domain import DomainError
from waspada.platform.security.policy import Principal

api_router = APIRouter(prefix="/api/v1", tags=["matching"])

Params = Annotated[MatchParams, Query()]
Screener = Annotated[Principal, Depends(require("watchlist.screen"))]
Manager = Annotated[Principal, Depends(require("watchlist.manage"))]
_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"description": "Invalid query (yente's `{\"detail\": ...}`)"},
    404: {"description": "No such dataset"}}


def _yente(db: DB, principal: Principal, body: MatchRequest, params: MatchParams,
           dataset: str) -> MatchResponse | JSONResponse:
    try:
        return service.screen(db, principal, body, params, dataset=dataset)
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        return JSONResponse({"detail": exc.english,
                             "error": {"code": exc.code, "message": exc.english}},
                            status_code=exc.status)


@api_router.post("/match", response_model=MatchResponse, responses=_ERRORS)
def match(body: MatchRequest, db: DB, principal: Screener, params: Params
          ) -> MatchResponse | JSONResponse:
    """Screen people against the whole watchlist (yente's query-by-example matcher)."""
    return _yente(db, principal, body, params, "default")


@api_router.post("/match/{dataset}", response_model=MatchResponse, responses=_ERRORS)
def match_dataset(dataset: str, body: MatchRequest, db: DB, principal: Screener,
                  params: Params) -> MatchResponse | JSONResponse:
    """As ``/match``, scoped to ``default``/``watchlist`` or one list kind (``pencegahan``,
    ``recruiter``, ``victim``, ``postponed``, ``other``)."""
    return _yente(db, principal, body, params, dataset)


@api_router.get("/algorithms", response_model=AlgorithmResponse)
def algorithms(principal: Screener) -> AlgorithmResponse:
    """The matching algorithm and its features (yente's ``/algorithms``)."""
    return service.algorithms(principal)


@api_router.get("/catalog", response_model=CatalogOut)
def catalog(db: DB, principal: Screener) -> CatalogOut:
    """The datasets a match may be scoped to (yente's ``/catalog``)."""
    return service.catalog(db, principal)


@api_router.get("/watchlist", response_model=list[EntityOut])
def list_entries(db: DB, principal: Manager,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[EntityOut]:
    """Active entries, newest first."""
    return [yente.entity_of(e, e.record_id) for e in service.list_entries(db, principal, limit)]


@api_router.post("/watchlist", status_code=201, response_model=EntityOut)
def add_entry(body: EntryApiIn, db: DB, principal: Manager) -> EntityOut:
    """Add an entry (an existing id is reactivated and replaced)."""
    row = service.add_entry(db, principal, body)
    return yente.entity_of(row, row.record_id)


@api_router.delete("/watchlist/{record_id:path}", response_model=RemovedOut)
def remove_entry(record_id: str, body: RemoveIn, db: DB, principal: Manager) -> RemovedOut:
    """Deactivate an entry; the row and its history stay for the audit."""
    service.remove_entry(db, principal, record_id, body)
    return RemovedOut(record_id=record_id)


@api_router.get("/dedupe/verdicts", response_model=DedupeVerdictsOut)
def dedupe_verdicts(db: DB,
                    principal: Annotated[Principal, Depends(require("dedupe.review"))],
                    since: Annotated[date | None, Query(
                        description="only decisions made on or after this day "
                                    "(Asia/Jakarta)")] = None) -> dict[str, Any]:
    """Analysts' decisions on dedupe clusters and review pairs against the score they were
    shown (counts only; analysts)."""
    return service.dedupe_verdicts(db, principal, since).to_dict()
