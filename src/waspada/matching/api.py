"""JSON API: a drop-in for clients of OpenSanctions' yente, and watchlist management.

``POST /api/v1/match/{dataset}`` (and ``/api/v1/match`` for ``default``), ``GET
/api/v1/algorithms`` and ``GET /api/v1/catalog`` follow yente's request and response models
(see :mod:`waspada.matching.yente`): point a yente client at ``https://HOST/api/v1`` with
``Authorization: ApiKey TOKEN`` (or ``Bearer``). A refused match request answers as yente does,
``{"detail": "..."}`` with 400 (404 for an unknown dataset), plus Waspada's ``error`` object.
One account may have at most ``WASPADA_MATCH_CONCURRENCY_PER_USER`` match requests running at
once in this process: one more is 429 ``too_many_matches`` with ``Retry-After``.

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
from waspada.platform.ratelimit import InFlightLimiter
from waspada.platform.security.policy import Principal
from waspada.platform.settings import get_settings

api_router = APIRouter(prefix="/api/v1", tags=["matching"])

Params = Annotated[MatchParams, Query()]
Screener = Annotated[Principal, Depends(require("watchlist.screen"))]
Manager = Annotated[Principal, Depends(require("watchlist.manage"))]
_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"description": "Invalid query (yente's `{\"detail\": ...}`)"},
    404: {"description": "No such dataset"},
    429: {"description": "too_many_matches: the caller's account already has "
                         "WASPADA_MATCH_CONCURRENCY_PER_USER (2) match requests running; "
                         "retry after `Retry-After` seconds"}}

#: match requests running per account (user id), in this process
match_slots = InFlightLimiter()
#: what a refused caller is told to wait: about one costly batch (~4 s of CPU)
RETRY_AFTER_SECONDS = 5
TOO_MANY_MATCHES = ("This account already has {limit} match requests running, the most one "
                    "account may have at once. Wait until one is answered and send this again.")


def _refusal(exc: DomainError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": exc.english,
                         "error": {"code": exc.code, "message": exc.english}},
                        status_code=exc.status, headers=headers)


def _yente(db: DB, principal: Principal, body: MatchRequest, params: MatchParams,
           dataset: str) -> MatchResponse | JSONResponse:
    # a sync route: it runs to its end in a worker thread even when the client goes away, so
    # the finally below frees the slot after success, a refusal, an error or a disconnect
    key = principal.user_id if principal.user_id is not None else principal.username
    limit = get_settings().match_concurrency_per_user
    if not match_slots.acquire(key, limit):
        return _refusal(DomainError("too_many_matches", TOO_MANY_MATCHES, status=429,
                                    limit=limit),
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    try:
        return service.screen(db, principal, body, params, dataset=dataset)
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        return _refusal(exc)
    finally:
        match_slots.release(key)


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
