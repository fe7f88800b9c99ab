"""`/api/v1/screenings` and `/api/v1/persons/{id}/history`: parse, call the service, answer.

The API answers in English; ``lang=id`` asks for the labels an Indonesian client shows.
Refusals are :class:`~waspada.screening.errors.ScreeningError` (a ``DomainError``), answered by
the platform's one handler as ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from waspada.platform.deps import DB, require
from waspada.platform.security.policy import Principal
from waspada.platform.types import IdPath, OptionalIdQuery
from waspada.screening import service
from waspada.screening.schemas import (
    AnswersIn,
    DecisionIn,
    Lang,
    PersonHistoryOut,
    ScreeningIn,
    ScreeningOut,
)
from waspada.screening.views import screening_dict

api_router = APIRouter(prefix="/api/v1", tags=["screening"])

REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"description": "Refused: `{\"error\": {\"code\", \"message\"}}`"}}


@api_router.post("/screenings", status_code=201, response_model=ScreeningOut, responses=REFUSED)
def create_screening(body: ScreeningIn, db: DB,
                     principal: Principal = Depends(require("screening.conduct"))) -> Any:
    """Start a screening: document checks, watchlist, earlier screenings, offer, assessment."""
    screening = service.start(db, principal, body)
    return screening_dict(db, screening, "en")


@api_router.get("/screenings/{screening_id}", response_model=ScreeningOut)
def get_screening(screening_id: IdPath, db: DB, lang: Lang = "en",
                  principal: Principal = Depends(require("screening.read"))) -> Any:
    return service.read(db, principal, screening_id, lang)[1]


@api_router.patch("/screenings/{screening_id}", response_model=ScreeningOut, responses=REFUSED)
def answer_screening(screening_id: IdPath, body: AnswersIn, db: DB,
                     principal: Principal = Depends(require("screening.conduct"))) -> Any:
    """Record interview answers (and notes, offer text); returns the new assessment."""
    screening = service.answer(db, principal, screening_id, body)
    return screening_dict(db, screening, body.lang)


@api_router.post("/screenings/{screening_id}/decision", status_code=201,
                 response_model=ScreeningOut, responses=REFUSED)
def decide_screening(screening_id: IdPath, body: DecisionIn, db: DB,
                     principal: Principal = Depends(require("screening.conduct"))) -> Any:
    """Sign the officer's decision (or a correction of an earlier one)."""
    decision = service.decide(db, principal, screening_id, body)
    return screening_dict(db, service.load(db, principal, decision.screening_id), "en")


def pdf_response(document: service.Document) -> Response:
    return Response(document.content, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{document.filename}"'})


@api_router.get("/screenings/{screening_id}/record.pdf", response_class=Response,
                responses={200: {"content": {"application/pdf": {}},
                                 "description": "The Berita Acara as PDF"}})
def screening_pdf(screening_id: IdPath, db: DB, decision_id: OptionalIdQuery = None,
                  principal: Principal = Depends(require("screening.read"))) -> Response:
    """The official record (Berita Acara) of the decision, as PDF."""
    return pdf_response(service.record_pdf(db, principal, screening_id, decision_id))


@api_router.get("/persons/{person_id}/history", response_model=PersonHistoryOut)
def person_history(person_id: IdPath, db: DB, lang: Lang = "en",
                   principal: Principal = Depends(require("persons.history"))) -> Any:
    """Every screening of this traveller, and of look-alikes the matching engine links."""
    return service.person_history(db, principal, person_id, lang)
