"""Consent and referrals/transfers (a referral needs the victim's consent or an override)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from waspada.cases import htcds, limits
from waspada.cases.errors import CaseError
from waspada.cases.models import (
    Case,
    CaseUnitAccess,
    Consent,
    Organisation,
    Person,
    Referral,
)
from waspada.cases.store.access import TERMINAL, may_see
from waspada.cases.store.fields import clean_text, touch
from waspada.cases.store.organisations import sync_organisations
from waspada.platform.db import utcnow
from waspada.platform.security.policy import Principal, allowed


def record_consent(session: Session, principal: Principal, case: Case, person_id: int | None,
                   scope: str, given: bool, method: str = "verbal") -> Consent:
    if scope not in ("referral", "data_processing", "research"):
        raise CaseError("invalid_scope", "scope: referral, data_processing or research", 422)
    if method not in ("verbal", "written"):
        raise CaseError("invalid_method", "method: verbal or written", 422)
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.case_id != case.id:
            raise CaseError("not_found", "no such person in this case", 404)
    else:
        person_id = session.scalar(select(Person.id).where(Person.case_id == case.id)
                                   .where(Person.role == "victim").order_by(Person.id).limit(1))
    now = utcnow()
    # a new answer for the same scope replaces (withdraws) the previous one
    session.execute(update(Consent).where(Consent.case_id == case.id)
                    .where(Consent.scope == scope).where(Consent.withdrawn_at.is_(None))
                    .values(withdrawn_at=now))
    consent = Consent(case_id=case.id, person_id=person_id, scope=scope, given=given,
                      method=method, recorded_by=principal.username, recorded_at=now)
    session.add(consent)
    touch(case)
    session.flush()
    return consent


def active_consent(session: Session, case_id: int, scope: str) -> Consent | None:
    return session.scalar(select(Consent).where(Consent.case_id == case_id)
                          .where(Consent.scope == scope).where(Consent.withdrawn_at.is_(None))
                          .where(Consent.given.is_(True)).order_by(Consent.id.desc()).limit(1))



# -- referrals and transfers ------------------------------------------------------------------

def create_referral(session: Session, principal: Principal, case: Case, org_code: str, *,
                    kind: str = "referral", reason: str = "AdditionalServicesRequired",
                    details: str = "", override_reason: str | None = None) -> Referral:
    """Refer or transfer a case: only with the victim's consent, or an override with a reason.
    Not while an earlier referral or transfer of the case to the same organisation is still
    pending (one open referral per organisation; after its answer a new one may follow)."""
    if kind not in ("referral", "transfer"):
        raise CaseError("invalid_kind", "kind: referral or transfer", 422)
    if reason not in htcds.REFERRAL_REASONS:
        raise CaseError("invalid_reason", "unknown HTCDS ReasonForOutgoingReferral", 422)
    if case.status in TERMINAL:
        raise CaseError("case_closed", "a closed case cannot be referred", 409)
    sync_organisations(session)
    org = session.scalar(select(Organisation).where(Organisation.code == (org_code or "").upper())
                         .where(Organisation.active.is_(True)))
    if org is None:
        raise CaseError("unknown_organisation", "no such organisation", 422)
    if org.unit_id is not None and org.unit_id == case.owner_unit_id:
        raise CaseError("same_unit", "the case already belongs to this organisation", 409)
    if session.scalar(select(Referral.id).where(Referral.case_id == case.id)
                      .where(Referral.to_org_id == org.id)
                      .where(Referral.status == "pending").limit(1)) is not None:
        raise CaseError("referral_pending", "a referral of this case to this organisation "
                        "still waits for its answer", 409)
    consent = active_consent(session, case.id, "referral")
    override = (override_reason or "").strip()
    if consent is None:
        if not override:
            raise CaseError("consent_required", "the victim's consent to referral is not recorded;"
                            " an override needs a reason", 409)
        if not allowed(principal, "cases.consent_override"):
            raise CaseError("override_not_allowed", "your role may not override consent", 403)
        if len(override) < limits.OVERRIDE_MIN or len(override) > limits.NOTE:
            raise CaseError("override_reason", "the override reason must be 10-1000 characters",
                            422)
    referral = Referral(case_id=case.id, kind=kind, from_unit_id=principal.unit_id,
                        to_org_id=org.id, reason=reason,
                        details=clean_text(details, limits.REFERRAL_DETAILS) or "",
                        consent_id=consent.id if consent else None,
                        override_reason=override if consent is None else None,
                        created_by=principal.username)
    session.add(referral)
    if org.unit_id is not None and session.get(CaseUnitAccess, (org.unit_id, case.id)) is None:
        session.add(CaseUnitAccess(unit_id=org.unit_id, case_id=case.id, kind="referral"))
    touch(case)
    session.flush()
    return referral


def respond_referral(session: Session, principal: Principal, referral_id: int, accept: bool,
                     note: str = "") -> Referral:
    """The receiving organisation accepts or declines. For organisations without a Waspada unit
    the referring unit records their answer."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise CaseError("not_found", "no such referral", 404)
    case = session.get(Case, referral.case_id)
    org = session.get(Organisation, referral.to_org_id)
    assert case is not None and org is not None
    if org.unit_id is not None:
        permitted = principal.unit_id == org.unit_id
    else:
        permitted = principal.unit_id == case.owner_unit_id
    if not permitted or not may_see(session, principal, case.id):
        raise CaseError("not_found", "no such referral", 404)
    if referral.status != "pending":
        raise CaseError("already_answered", "this referral was already answered", 409)
    now = utcnow()
    referral.status = "accepted" if accept else "declined"
    referral.responded_by = principal.username
    referral.responded_at = now
    referral.response_note = clean_text(note, limits.NOTE)
    if org.unit_id is not None:
        access = session.get(CaseUnitAccess, (org.unit_id, case.id))
        if not accept and access is not None and access.kind == "referral":
            session.delete(access)
        if accept and referral.kind == "transfer":
            old_owner = case.owner_unit_id
            case.owner_unit_id = org.unit_id
            if access is not None:
                access.kind = "owner"
            previous = session.get(CaseUnitAccess, (old_owner, case.id))
            if previous is not None:
                previous.kind = "referral"  # the sending unit keeps read access to follow up
    touch(case, now)
    session.flush()
    return referral



def pending_referrals(session: Session, case: Case) -> int:
    """How many of the case's referrals still wait for the receiving organisation's answer."""
    return int(session.scalar(select(func.count()).select_from(Referral).where(
        Referral.case_id == case.id, Referral.status == "pending")) or 0)
