"""Signed decisions: the keyed verification code printed on the record, and the reads of the
newest decision and its approval."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.platform.settings import get_settings
from waspada.screening.store import Screening, ScreeningApproval, ScreeningDecision


def verification_code(screening_id: int, record_no: str, action: str, signed_at: str,
                      corrects_id: int | None) -> str:
    """A keyed digest of what was signed; recomputing it verifies a printed record."""
    key = get_settings().effective_secret_key.encode()
    message = f"{screening_id}|{record_no}|{action}|{signed_at}|{corrects_id or ''}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:16].upper()


def verify_decision(decision: ScreeningDecision, screening: Screening) -> bool:
    expected = verification_code(screening.id, screening.record_no, decision.action,
                                 decision.signed_at.isoformat(), decision.corrects_id)
    return hmac.compare_digest(expected, decision.verification_code)


def effective_decision(db: Session, screening: Screening) -> ScreeningDecision | None:
    """The newest decision (a correction supersedes what it corrects)."""
    return db.scalar(select(ScreeningDecision).where(ScreeningDecision.screening_id ==
                                                     screening.id)
                     .order_by(ScreeningDecision.id.desc()).limit(1))


def approval_for(db: Session, decision: ScreeningDecision) -> ScreeningApproval | None:
    return db.scalar(select(ScreeningApproval).where(ScreeningApproval.decision_id ==
                                                     decision.id)
                     .order_by(ScreeningApproval.id.desc()).limit(1))
