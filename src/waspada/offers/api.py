"""`/api/v1/offers/...`: analyse an offer (signed-in officers and analysts)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from waspada.offers import service
from waspada.offers.schemas import OfferCheckOut, OfferCheckRequest
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
