"""`/api/v1/offers/...`: analyse an offer (signed-in officers and analysts)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from waspada.offers.analyse import analyse
from waspada.offers.store import agency_names
from waspada.platform import audit
from waspada.platform.deps import get_db, require
from waspada.platform.security.policy import Principal

api_router = APIRouter(prefix="/api/v1/offers", tags=["offers"])

MAX_API_CHARS = 1_000_000

EXAMPLE = ("Lowongan CS online di Kamboja, gaji 12jt/bulan, tanpa pengalaman, tiket & visa "
           "ditanggung, berangkat minggu ini. Hubungi WA 0812-3456-7890")


class OfferCheckRequest(BaseModel):
    text: str = Field(max_length=MAX_API_CHARS, examples=[EXAMPLE],
                      description="The offer or chat text; only the first 100,000 characters "
                                  "are analysed (the response says when it was truncated).")
    lang: Literal["id", "en"] = Field("en", description="Language of titles and advice.")


@api_router.post("/check", responses={200: {"description": "Risk analysis with evidence"}})
def check_offer(body: OfferCheckRequest, db: Session = Depends(get_db),
                principal: Principal = Depends(require("offers.check"))) -> dict[str, Any]:
    """Score an offer: level, score, fired indicators with evidence spans (character offsets
    into the submitted text), advice, extracted contacts, and the statistical model's share."""
    result = analyse(body.text, agencies=agency_names(db)).to_dict(body.lang)
    audit.record("offers.check", principal, object_type="offer", level=result["level"],
                 chars=len(body.text), session=db)
    db.commit()
    return result
