"""`/api/v1/offers/...`: analyse an offer (signed-in officers and analysts); officers' verdicts
on the public's reports (analysts)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from waspada.offers import service
from waspada.offers.schemas import OfferCheckOut, OfferCheckRequest, VerdictsOut
from waspada.platform.deps import DB, require
from waspada.platform.security.policy import Principal

api_router = APIRouter(prefix="/api/v1/offers", tags=["offers"])


@api_router.post("/check", response_model=OfferCheckOut,
                 responses={200: {"description": "Risk analysis with evidence"}})
def check_offer(body: OfferCheckRequest, db: DB,
                principal: Annotated[Principal, Depends(require("offers.check"))]
                ) -> dict[str, Any]:
    """Score an offer: level, score, fired indicators with evidence spans (character offsets
    into the submitted text), advice, extracted contacts, and the statistical model's share."""
    return service.check_offer(db, principal, body)


@api_router.get("/verdicts", response_model=VerdictsOut)
def report_verdicts(db: DB,
                    principal: Annotated[Principal, Depends(require("offers.scan"))],
                    since: Annotated[date | None, Query(
                        description="only reports received on or after this day "
                                    "(Asia/Jakarta), e.g. the day the running engine was "
                                    "installed")] = None) -> dict[str, Any]:
    """Officers' decisions on the public's reports against the level the engine gave them
    (counts only; analysts)."""
    return service.report_verdicts(db, principal, since).to_dict()
