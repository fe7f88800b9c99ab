"""The victim's consent to share, per person x partner (or organisation type) x purpose.

Recorded by the officer who asked (how: verbal or written), withdrawn the same way, never
deleted. :func:`basis` is what every outgoing bundle with personal data needs: the victims'
given, not withdrawn consents for that partner and purpose, or an override with a documented
legal basis (a reason of at least :data:`OVERRIDE_MIN` characters) that the caller audits and
the bundle carries. Nothing here commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.exchange.content_errors import ConsentMissing, ContentError
from waspada.exchange.handlers import PartnerInfo
from waspada.exchange.models import Partner
from waspada.exchange.policy import PURPOSES
from waspada.exchange.records import ExchangeConsent
from waspada.platform.db import utcnow

OVERRIDE_MIN = 20
OVERRIDE_MAX = 1000
METHODS = ("verbal", "written")
RECIPIENT_KINDS = ("partner", "organisation")


def record(db: Session, recorded_by: str, case_id: int, person_id: int, *,
           recipient_kind: str, recipient: str, purpose: str, given: bool, method: str,
           note: str = "") -> ExchangeConsent:
    if recipient_kind not in RECIPIENT_KINDS:
        raise ContentError("invalid_recipient", "unknown recipient kind", 422)
    if purpose not in PURPOSES:
        raise ContentError("invalid_purpose", "unknown consent purpose", 422)
    if method not in METHODS:
        raise ContentError("invalid_method", "consent is given verbally or in writing", 422)
    if not recipient.strip():
        raise ContentError("invalid_recipient", "name the partner or organisation", 422)
    row = ExchangeConsent(case_id=case_id, person_id=person_id, recipient_kind=recipient_kind,
                          recipient=recipient.strip(), purpose=purpose, given=given,
                          method=method, note=note.strip(), recorded_by=recorded_by)
    db.add(row)
    db.flush()
    return row


def withdraw(db: Session, withdrawn_by: str, case_id: int, consent_id: int) -> ExchangeConsent:
    row = db.get(ExchangeConsent, consent_id)
    if row is None or row.case_id != case_id:
        raise ContentError("not_found", "no such consent", 404)
    if row.withdrawn_at is not None:
        raise ContentError("already_withdrawn", "this consent was already withdrawn", 409)
    row.withdrawn_at = utcnow()
    row.withdrawn_by = withdrawn_by
    db.flush()
    return row


def for_case(db: Session, case_id: int) -> list[ExchangeConsent]:
    return list(db.scalars(select(ExchangeConsent).where(ExchangeConsent.case_id == case_id)
                           .order_by(ExchangeConsent.id)))


def current(db: Session, person_id: int, partner: PartnerInfo, purpose: str
            ) -> ExchangeConsent | None:
    """The consent in force for this person, partner and purpose: the newest not withdrawn
    answer naming the partner, else the newest naming its organisation type. A refusal is an
    answer too (it is returned, with ``given`` false)."""
    rows = list(db.scalars(select(ExchangeConsent)
                           .where(ExchangeConsent.person_id == person_id)
                           .where(ExchangeConsent.purpose == purpose)
                           .where(ExchangeConsent.withdrawn_at.is_(None))
                           .order_by(ExchangeConsent.id.desc())))
    for row in rows:
        if row.recipient_kind == "partner" and row.recipient == partner.name:
            return row
    for row in rows:
        if (row.recipient_kind == "organisation" and partner.organisation
                and row.recipient == partner.organisation):
            return row
    return None


def in_force(db: Session, person_ids: list[int], partner: PartnerInfo, purpose: str
             ) -> list[ExchangeConsent] | None:
    """Each person's consent in force for this partner and purpose, when every one of them
    has given it (none refused, withdrawn or missing); else ``None``. What :func:`basis`
    checks when a bundle is sealed and a re-send of it checks again."""
    consents = [current(db, pid, partner, purpose) for pid in person_ids]
    if person_ids and all(c is not None and c.given for c in consents):
        return [c for c in consents if c is not None]
    return None


def subjects(basis: dict[str, Any], person_ids: list[int], partner: PartnerInfo
             ) -> dict[str, Any] | None:
    """What the outbox keeps of a sealed bundle's consent basis, for a re-send to check again
    (:func:`in_force`): the purpose, the persons' ids and the partner's organisation type the
    consent was checked against; ``None`` when the bundle rests on no consent (no personal
    data, or an override with its legal basis)."""
    if basis.get("type") != "consent":
        return None
    return {"purpose": basis["purpose"], "persons": list(person_ids),
            "organisation": partner.organisation}


def check_override(reason: str | None) -> str | None:
    """The override reason, stripped; refused when shorter than :data:`OVERRIDE_MIN`."""
    if reason is None:
        return None
    text = " ".join(reason.split())
    if len(text) < OVERRIDE_MIN or len(text) > OVERRIDE_MAX:
        raise ContentError("override_reason", "A consent override needs the legal basis: a "
                           "reason of {min} to {max} characters.", 422,
                           problems={"consent_override": "reason too short"},
                           min=OVERRIDE_MIN, max=OVERRIDE_MAX)
    return text


def basis(db: Session, victim_ids: list[int], partner: PartnerInfo, purpose: str,
          override: str | None) -> dict[str, Any]:
    """The consent basis a bundle carries; :class:`ConsentMissing` when a victim has not
    consented (or refused, or withdrew) and there is no valid override."""
    reason = check_override(override)
    consents = in_force(db, victim_ids, partner, purpose)
    if consents is not None:
        return {"type": "consent", "purpose": purpose,
                "consents": [{"method": c.method, "recorded_at": c.recorded_at.isoformat(),
                              "recorded_by": c.recorded_by} for c in consents]}
    if reason is None:  # the partner as officers read it in the partner list (walk19)
        title = db.scalar(select(Partner.title).where(Partner.name == partner.name))
        raise ConsentMissing(purpose, title or partner.name)
    return {"type": "override", "purpose": purpose, "reason": reason}
