"""JSON API of the exchanged content under ``/api/v1/exchange``: a case's consents and
verification requests, conflicts, incoming verification requests. Thin: the body is a model
from ``content_schemas.py``, one :mod:`waspada.exchange.content_service` function answers; a
refusal is answered by the one ``DomainError`` handler as ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from waspada.exchange import content_service as service
from waspada.exchange.content_schemas import (
    AnswerIn,
    CaseExchangeOut,
    ConflictOut,
    ConsentIn,
    DoneOut,
    ResolveIn,
    VerificationIn,
    VerificationOut,
)
from waspada.platform.deps import DB, client_ip, require
from waspada.platform.security.policy import Principal
from waspada.platform.types import IdPath

api_router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"])


@api_router.get("/cases/{case_id}", response_model=CaseExchangeOut)
def case_exchange(request: Request, case_id: IdPath, db: DB,
                  principal: Annotated[Principal, Depends(require("exchange.view"))]
                  ) -> CaseExchangeOut:
    """The case's global id and version, consents, verification requests, open conflicts."""
    return service.case_exchange(db, principal, case_id, ip=client_ip(request))


@api_router.post("/cases/{case_id}/consents", response_model=DoneOut, status_code=201)
def record_consent(case_id: IdPath, data: ConsentIn, db: DB,
                   principal: Annotated[Principal, Depends(require("exchange.consent"))]
                   ) -> DoneOut:
    """Record the victim's answer for a partner (or organisation type) and purpose."""
    return service.record_consent(db, principal, case_id, data)


@api_router.post("/cases/{case_id}/consents/{consent_id}/withdraw", response_model=DoneOut)
def withdraw_consent(case_id: IdPath, consent_id: IdPath, db: DB,
                     principal: Annotated[Principal, Depends(require("exchange.consent"))]
                     ) -> DoneOut:
    return service.withdraw_consent(db, principal, case_id, consent_id)


@api_router.post("/cases/{case_id}/verifications", response_model=DoneOut, status_code=201)
def request_verification(case_id: IdPath, data: VerificationIn, db: DB,
                         principal: Annotated[Principal, Depends(require("exchange.verify"))]
                         ) -> DoneOut:
    """Ask a partner to verify the citizenship of the case's victim (queued to the outbox)."""
    return service.request_verification(db, principal, case_id, data)


@api_router.get("/conflicts", response_model=list[ConflictOut])
def conflicts(db: DB, principal: Annotated[Principal, Depends(require("exchange.resolve"))]
              ) -> list[ConflictOut]:
    return service.list_conflicts(db, principal)


@api_router.post("/conflicts/{conflict_id}/resolve", response_model=DoneOut)
def resolve(conflict_id: IdPath, data: ResolveIn, db: DB,
            principal: Annotated[Principal, Depends(require("exchange.resolve"))]) -> DoneOut:
    """Per conflicting field, ``local`` or ``incoming``; every field must be chosen."""
    return service.resolve_conflict(db, principal, conflict_id, data)


@api_router.get("/verifications", response_model=list[VerificationOut])
def verifications(db: DB, principal: Annotated[Principal, Depends(require("exchange.answer"))]
                  ) -> list[VerificationOut]:
    return service.list_verifications(db, principal)


@api_router.get("/verifications/{request_id}", response_model=VerificationOut)
def verification(request_id: IdPath, db: DB,
                 principal: Annotated[Principal, Depends(require("exchange.answer"))]
                 ) -> VerificationOut:
    return service.get_verification(db, principal, request_id)


@api_router.post("/verifications/{request_id}/answer", response_model=DoneOut)
def answer(request_id: IdPath, data: AnswerIn, db: DB,
           principal: Annotated[Principal, Depends(require("exchange.answer"))]) -> DoneOut:
    """Approve the drafted answer (``verified`` with the chosen candidate), answer
    ``not_verified``, or ``denied`` with a note; the answer is queued to the partner."""
    return service.answer_verification(db, principal, request_id, data)
