"""Shape screenings for the API and pages (one place, so both show the same thing), in the
language asked for: English for the API by default, the user's language on pages, Indonesian on
the printed record. Prose comes from gettext message ids."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.matching.explanation_words import render_parts
from waspada.platform.i18n import N_, translate
from waspada.screening.assess import ACTION_LABELS, Assessment, Reason
from waspada.screening.decisions import approval_for, verify_decision
from waspada.screening.labels import citation, dates_in_words, evidence_words
from waspada.screening.record import (
    record_for_pdf,  # noqa: F401 - the record's content
)
from waspada.screening.store import Screening, ScreeningDecision

SEX_LABELS = {"M": N_("Male"), "F": N_("Female")}


def action_label(kind: str, action: str, lang: str = "id") -> str:
    return translate(ACTION_LABELS[kind][action], "en" if lang == "en" else "id")


def assessment_of(screening: Screening) -> Assessment:
    raw = json.loads(screening.assessment_json or "{}")
    reasons = tuple(Reason(**r) for r in raw.get("reasons", []))
    return Assessment(version=raw.get("version", ""), level=raw.get("level", "low"),
                      points=raw.get("points", 0.0), reasons=reasons,
                      recommended_action=raw.get("recommended_action", "allow"),
                      unanswered=tuple(raw.get("unanswered", [])))


def _explained(items: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Stored candidates with their explanation in ``lang`` (rows written before the parts
    were stored keep their stored line)."""
    out = []
    for item in items or []:
        item = dict(item)
        parts = item.pop("parts", None)
        item.pop("explanation_en", None)
        if parts:
            item["explanation"] = render_parts(parts, lang)
        out.append(item)
    return out


def _assessment_for(screening: Screening, lang: str) -> dict[str, Any]:
    """The assessment in ``lang``: a reason's evidence and source read as words and citations
    (as on the record), never as codes or the names of internal notes — in Indonesian and in
    English alike (pages, the officer's live panel, the API)."""
    assessment = assessment_of(screening).to_dict(screening.kind, lang)
    assessment["reasons"] = [{**r, "title": dates_in_words(r["title"]),
                              "evidence": evidence_words(r["evidence"], lang),
                              "source": citation(r["source"], lang)}
                             for r in assessment["reasons"]]
    return assessment


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
        "documents": screening.load("documents"),
        "watchlist": _explained(screening.load("watchlist"), lang),
        "prior": _explained(screening.load("prior"), lang), "offer": screening.load("offer"),
        "notes": screening.notes,
        "assessment": _assessment_for(screening, lang),
        "decisions": [decision_dict(db, screening, d, lang) for d in decisions],
        "synthetic": screening.is_synthetic,
    }
