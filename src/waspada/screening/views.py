"""Shape screenings for the API and pages (one place, so both show the same thing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.screening.assess import Assessment, Reason
from waspada.screening.record import FACT_LABELS, record_for_pdf  # noqa: F401 - the record's content
from waspada.screening.service import (
    action_label,
    approval_for,
    verify_decision,
)
from waspada.screening.store import Screening, ScreeningDecision


def assessment_of(screening: Screening) -> Assessment:
    import json

    raw = json.loads(screening.assessment_json or "{}")
    reasons = tuple(Reason(**r) for r in raw.get("reasons", []))
    return Assessment(version=raw.get("version", ""), level=raw.get("level", "low"),
                      points=raw.get("points", 0.0), reasons=reasons,
                      recommended_action=raw.get("recommended_action", "allow"),
                      unanswered=tuple(raw.get("unanswered", [])))


def decision_dict(db: Session, screening: Screening, decision: ScreeningDecision,
                  lang: str = "id") -> dict[str, Any]:
    approval = approval_for(db, decision)
    return {
        "id": decision.id, "action": decision.action,
        "action_label": action_label(screening.kind, decision.action, lang),
        "recommended_action": decision.recommended_action,
        "deviation_reason": decision.deviation_reason, "legal_bases": decision.legal_bases,
        "statement": decision.statement,
        "officer": decision.officer.username if decision.officer else None,
        "signed_at": decision.signed_at.isoformat(), "verification_code":
        decision.verification_code, "verified": verify_decision(decision, screening),
        "corrects_id": decision.corrects_id, "correction_reason": decision.correction_reason,
        "needs_approval": decision.needs_approval,
        "approval": None if approval is None else {
            "approved": approval.approved, "note": approval.note,
            "supervisor": approval.supervisor.username if approval.supervisor else None,
            "decided_at": approval.decided_at.isoformat()},
    }


def screening_dict(db: Session, screening: Screening, lang: str = "id") -> dict[str, Any]:
    decisions = list(db.scalars(select(ScreeningDecision)
                                .where(ScreeningDecision.screening_id == screening.id)
                                .order_by(ScreeningDecision.id)))
    return {
        "id": screening.id, "record_no": screening.record_no, "kind": screening.kind,
        "status": screening.status, "unit": screening.unit.name,
        "officer": screening.officer.username if screening.officer else None,
        "created_at": screening.created_at.isoformat(), "person_id": screening.person_id,
        "person_match_score": screening.person_match_score,
        "traveller": {"full_name": screening.full_name,
                      "birth_date": screening.birth_date.isoformat()
                      if screening.birth_date else None,
                      "sex": screening.sex, "nik": screening.nik,
                      "passport_no": screening.passport_no},
        "facts": screening.load("facts"), "answers": screening.load("answers"),
        "documents": screening.load("documents"), "watchlist": screening.load("watchlist"),
        "prior": screening.load("prior"), "offer": screening.load("offer"),
        "notes": screening.notes,
        "assessment": assessment_of(screening).to_dict(screening.kind, lang),
        "decisions": [decision_dict(db, screening, d, lang) for d in decisions],
        "synthetic": screening.is_synthetic,
    }
