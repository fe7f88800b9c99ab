"""The exchanged-content service: ONE function per operation for the pages and the API.

Each checks the policy action and the case's unit scope (through the cases capability's
:mod:`waspada.cases.sharing`: a case the unit does not reach is a 404), changes data, records
the audit entry in the same transaction and commits once. Outgoing bundles are queued through
the transport's outbox in that same transaction (``queue_bundle``). Importing this module
registers the content handlers (referral, case_update, verification_request,
verification_answer).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.cases import sharing
from waspada.exchange import consent, referral, verification
from waspada.exchange import service as transport
from waspada.exchange.content_errors import ContentError
from waspada.exchange.content_schemas import (
    ORGANISATIONS,
    AnswerIn,
    CaseExchangeOut,
    ConflictOut,
    ConsentIn,
    ConsentOut,
    DoneOut,
    ResolveIn,
    VerificationIn,
    VerificationOut,
)
from waspada.exchange.handlers import PartnerInfo
from waspada.exchange.models import InboxItem, Partner
from waspada.exchange.records import ExchangeConflict, ExchangeConsent, VerificationRequest
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.i18n import N_
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.work import Widget, WidgetLine

#: a request is shown as due soon this long before its deadline
DUE_SOON = timedelta(days=1)
LIST_LIMIT = 200


def _permit(principal: Principal, action: str) -> None:
    if not principal.is_cli and not allowed(principal, action):
        raise ContentError("role_not_allowed", "Your role may not take this step.", 403)


def queue(db: Session, actor: Principal, partner: str, kind: str, payload: dict[str, Any],
          *, subjects: dict[str, Any] | None = None) -> int:
    """The transport's outbox: sealed and recorded in the caller's transaction (``subjects``:
    the consent a re-send checks again, :func:`consent.subjects`)."""
    return transport.queue_bundle(db, actor, partner, kind, payload, subjects=subjects)


# -- views -------------------------------------------------------------------------------------

def _consent_out(row: ExchangeConsent) -> ConsentOut:
    return ConsentOut.model_validate(row, from_attributes=True)


def _verification_out(row: VerificationRequest, references: dict[int, str]) -> VerificationOut:
    return VerificationOut(
        id=row.id, direction=row.direction, partner=row.partner, case_id=row.case_id,
        case_reference=references.get(row.case_id or 0), deadline=row.deadline,
        identifiers=json.loads(row.identifiers_json), status=row.status,
        overdue=row.status in ("sent", "draft") and utcnow() > row.deadline,
        draft=json.loads(row.draft_json), result=row.result, score=row.score,
        evidence=json.loads(row.evidence_json), note=row.note, answered_by=row.answered_by,
        answered_at=row.answered_at, consent_override=row.consent_override,
        requested_by=row.requested_by, created_at=row.created_at)


def _conflict_out(row: ExchangeConflict, references: dict[int, str]) -> ConflictOut:
    return ConflictOut(id=row.id, case_id=row.case_id,
                       case_reference=references.get(row.case_id), partner=row.partner,
                       local_version=row.local_version, incoming_version=row.incoming_version,
                       fields=referral.conflict_fields(row), status=row.status,
                       resolved_by=row.resolved_by, resolved_at=row.resolved_at,
                       created_at=row.created_at)


def _case_exchange(db: Session, principal: Principal, case_id: int) -> CaseExchangeOut:
    ref = sharing.case_ref(db, principal, case_id)
    shared = referral.shared_case(db, case_id)
    refs = {case_id: ref["reference"]}
    victims = [{"id": p["id"], "name": p["display_name"] or p["pseudonym"]}
               for p in sharing.visible_persons(db, principal, case_id) if p["role"] == "victim"]
    return CaseExchangeOut(
        case_id=case_id, reference=ref["reference"],
        global_id=shared.global_id if shared else None,
        version=referral.local_version(db, shared) if shared else None, victims=victims,
        consents=[_consent_out(c) for c in consent.for_case(db, case_id)],
        verifications=[_verification_out(v, refs) for v in db.scalars(
            select(VerificationRequest).where(VerificationRequest.case_id == case_id)
            .order_by(VerificationRequest.id.desc()))],
        conflicts=[_conflict_out(c, refs) for c in db.scalars(
            select(ExchangeConflict).where(ExchangeConflict.case_id == case_id)
            .where(ExchangeConflict.status == "open").order_by(ExchangeConflict.id))])


def case_exchange(db: Session, principal: Principal, case_id: int, *, ip: str | None = None
                  ) -> CaseExchangeOut:
    """The case's consents, verification requests and open conflicts (an audited read)."""
    _permit(principal, "exchange.view")
    out = _case_exchange(db, principal, case_id)
    audit.record("exchange.case_view", principal, object_type="case", object_id=case_id,
                 ip=ip, session=db)
    db.commit()
    return out


# -- consent -----------------------------------------------------------------------------------

def record_consent(db: Session, principal: Principal, case_id: int, data: ConsentIn) -> DoneOut:
    _permit(principal, "exchange.consent")
    ref = sharing.case_ref(db, principal, case_id)
    if data.person_id not in {p["id"] for p in sharing.persons(db, case_id)
                              if p["role"] == "victim"}:
        raise ContentError("not_a_victim", "Consent is recorded for a victim of this case.", 422,
                           problems={"person_id": "not a victim of this case"})
    _known_recipient(db, data.recipient_kind, data.recipient.strip())
    row = consent.record(db, principal.username, case_id, data.person_id,
                         recipient_kind=data.recipient_kind, recipient=data.recipient,
                         purpose=data.purpose, given=data.given, method=data.method,
                         note=data.note)
    audit.record("exchange.consent", principal, object_type="case", object_id=case_id,
                 unit_id=ref["owner_unit_id"], consent_id=row.id, given=data.given,
                 purpose=data.purpose, recipient=data.recipient, method=data.method,
                 session=db)
    db.commit()
    return DoneOut(id=row.id, case_id=case_id, status="given" if data.given else "refused")


def _known_recipient(db: Session, kind: str, recipient: str) -> None:
    """A consent names a registered partner or an HTCDS organisation type: a consent for a
    mistyped name ("mitra-tak-dikenal", or "LSM" for the type NGO) was recorded and never
    applied to any bundle (walk19)."""
    if kind == "organisation" and recipient not in ORGANISATIONS:
        raise ContentError("unknown_organisation",
                           "Choose an organisation type from the list: {recipient} is not one.",
                           422, problems={"recipient": "unknown organisation type"},
                           recipient=recipient)
    if kind == "partner" and db.scalar(select(Partner.id).where(Partner.name == recipient)) is None:
        raise ContentError("unknown_partner",
                           "Choose a registered partner: {recipient} is not one.", 422,
                           problems={"recipient": "unregistered partner"}, recipient=recipient)


def withdraw_consent(db: Session, principal: Principal, case_id: int, consent_id: int
                     ) -> DoneOut:
    _permit(principal, "exchange.consent")
    ref = sharing.case_ref(db, principal, case_id)
    row = consent.withdraw(db, principal.username, case_id, consent_id)
    audit.record("exchange.consent_withdraw", principal, object_type="case", object_id=case_id,
                 unit_id=ref["owner_unit_id"], consent_id=row.id, session=db)
    db.commit()
    return DoneOut(id=row.id, case_id=case_id, status="withdrawn")


# -- conflicts ---------------------------------------------------------------------------------

def _visible_conflict(db: Session, principal: Principal, conflict_id: int) -> ExchangeConflict:
    row = db.get(ExchangeConflict, conflict_id)
    if row is None:
        raise ContentError("not_found", "no such conflict", 404)
    sharing.case_ref(db, principal, row.case_id)  # 404 when the unit does not reach the case
    return row


def list_conflicts(db: Session, principal: Principal) -> list[ConflictOut]:
    _permit(principal, "exchange.resolve")
    rows = list(db.scalars(select(ExchangeConflict).where(ExchangeConflict.status == "open")
                           .order_by(ExchangeConflict.id).limit(LIST_LIMIT)))
    visible = sharing.visible_case_ids(db, principal, {r.case_id for r in rows})
    refs = sharing.references(db, visible)
    out = [_conflict_out(r, refs) for r in rows if r.case_id in visible]
    audit.record("exchange.conflict_list", principal, object_type="case", count=len(out),
                 session=db)
    db.commit()
    return out


def get_conflict(db: Session, principal: Principal, conflict_id: int) -> ConflictOut:
    _permit(principal, "exchange.resolve")
    row = _visible_conflict(db, principal, conflict_id)
    audit.record("exchange.conflict_view", principal, object_type="case", object_id=row.case_id,
                 conflict_id=row.id, session=db)
    db.commit()
    return _conflict_out(row, sharing.references(db, {row.case_id}))


def resolve_conflict(db: Session, principal: Principal, conflict_id: int, data: ResolveIn
                     ) -> DoneOut:
    """A person picks, per field, which value stays (audited in the referral module)."""
    _permit(principal, "exchange.resolve")
    row = _visible_conflict(db, principal, conflict_id)
    referral.resolve_conflict(db, principal, row, dict(data.choices))
    db.commit()
    return DoneOut(id=row.id, case_id=row.case_id, status=row.status)


# -- verification ------------------------------------------------------------------------------

def verification_partners(db: Session) -> list[transport.PartnerChoice]:
    """The registered, enabled partners a verification request may go to (the form's
    choices), by the name people read."""
    return transport.active_partners(db)


def _registered_partner(db: Session, name: str) -> Partner:
    """The partner table's row for ``name``; an unknown or disabled partner is refused, the
    problem shown next to the partner field."""
    row = db.scalar(select(Partner).where(Partner.name == name))
    if row is None or not row.active:
        raise ContentError("unknown_partner",
                           "Choose a registered, enabled partner: {partner} is not one.", 422,
                           problems={"partner": "unknown partner"}, partner=name)
    return row


def request_verification(db: Session, principal: Principal, case_id: int,
                         data: VerificationIn) -> DoneOut:
    """Ask the partner to verify the victim's citizenship; queued in the same transaction."""
    registered = _registered_partner(db, data.partner.strip())
    partner = PartnerInfo(name=registered.name,
                          organisation=registered.organisation or data.organisation,
                          fingerprint=registered.fingerprint)
    row, payload = verification.build_request(
        db, principal, case_id, partner, person_id=data.person_id,
        consent_override=data.consent_override, working_days=data.working_days)
    queue(db, principal, partner.name, "verification_request", payload,
          subjects=consent.subjects(payload["consent_basis"],
                                    [row.person_id] if row.person_id else [], partner))
    db.commit()
    return DoneOut(id=row.id, case_id=case_id, status=row.status)


def _incoming(db: Session, principal: Principal, request_id: int) -> VerificationRequest:
    row = db.get(VerificationRequest, request_id)
    if row is None or row.direction != "in":
        raise ContentError("not_found", "no such verification request", 404)
    return row


def list_verifications(db: Session, principal: Principal) -> list[VerificationOut]:
    """Incoming requests, those awaiting an answer first (the immigration officers' queue)."""
    _permit(principal, "exchange.answer")
    rows = list(db.scalars(select(VerificationRequest)
                           .where(VerificationRequest.direction == "in")
                           .order_by((VerificationRequest.status != "draft"),
                                     VerificationRequest.deadline).limit(LIST_LIMIT)))
    audit.record("exchange.verification_list", principal, object_type="verification",
                 count=len(rows), session=db)
    db.commit()
    return [_verification_out(r, {}) for r in rows]


def get_verification(db: Session, principal: Principal, request_id: int) -> VerificationOut:
    _permit(principal, "exchange.answer")
    row = _incoming(db, principal, request_id)
    audit.record("exchange.verification_view", principal, object_type="verification",
                 object_id=row.id, session=db)
    db.commit()
    return _verification_out(row, {})


def answer_verification(db: Session, principal: Principal, request_id: int, data: AnswerIn
                        ) -> DoneOut:
    """The officer approves the drafted answer (choosing the record that is the person),
    answers "not verified", or denies; the answer is queued to the asking partner."""
    row = _incoming(db, principal, request_id)
    payload = verification.answer(db, principal, row, data.result, data.candidate, data.note)
    queue(db, principal, row.partner, "verification_answer", payload)
    db.commit()
    return DoneOut(id=row.id, status=row.status)


# -- the home page -----------------------------------------------------------------------------

def home(db: Session, principal: Principal) -> list[Widget]:
    """Reminders, shown only when there is something to do: partner bundles waiting for
    acceptance in the inbox, verification requests awaiting
    an answer (with their deadlines), awaited answers whose deadline is near or past, and open
    conflicts."""
    widgets: list[Widget] = []
    now = utcnow()
    if allowed(principal, "exchange.receive"):
        waiting = db.scalar(select(func.count()).select_from(InboxItem)
                            .where(InboxItem.status == "pending")) or 0
        widgets += [] if not waiting else [Widget(
            key="exchange.inbox", title=N_("Partner bundles waiting for acceptance"),
            count=waiting, href="/exchange/inbox", order=14, level="warn")]
    if allowed(principal, "exchange.answer"):
        rows = list(db.scalars(select(VerificationRequest)
                               .where(VerificationRequest.direction == "in",
                                      VerificationRequest.status == "draft")
                               .order_by(VerificationRequest.deadline).limit(3)))
        count = db.scalar(select(func.count()).select_from(VerificationRequest).where(
            VerificationRequest.direction == "in", VerificationRequest.status == "draft")) or 0
        widgets += [] if not count else [Widget(
            key="exchange.verify_in", title=N_("Verification requests to answer"), count=count,
            href="/exchange/verifications", order=15,
            level="crit" if any(r.deadline < now for r in rows) else "warn",
            lines=tuple(WidgetLine(text=f"{r.partner} · {r.deadline:%Y-%m-%d}",
                                   href=f"/exchange/verifications/{r.id}") for r in rows))]
    if allowed(principal, "exchange.verify"):
        rows = list(db.scalars(select(VerificationRequest)
                               .where(VerificationRequest.direction == "out",
                                      VerificationRequest.status == "sent")
                               .order_by(VerificationRequest.deadline).limit(50)))
        visible = sharing.visible_case_ids(
            db, principal, {int(r.case_id) for r in rows if r.case_id is not None})
        rows = [r for r in rows if r.case_id in visible]
        refs = sharing.references(db, visible)
        due = [r for r in rows if r.deadline - DUE_SOON < now]
        widgets += [] if not due else [Widget(
            key="exchange.verify_out", title=N_("Verifications awaited (deadline near or past)"),
            count=len(due), href=None, order=16,
            level="crit" if any(r.deadline < now for r in due) else "warn",
            lines=tuple(WidgetLine(text=f"{refs.get(r.case_id or 0, '?')} · {r.partner}",
                                   href=f"/exchange/cases/{r.case_id}",
                                   note=f"{r.deadline:%Y-%m-%d}") for r in due[:3]))]
    if allowed(principal, "exchange.resolve"):
        conflicts = list(db.scalars(select(ExchangeConflict)
                                    .where(ExchangeConflict.status == "open").limit(LIST_LIMIT)))
        visible = sharing.visible_case_ids(db, principal, {c.case_id for c in conflicts})
        count = len([c for c in conflicts if c.case_id in visible])
        widgets += [] if not count else [Widget(
            key="exchange.conflicts", title=N_("Exchange conflicts to resolve"), count=count,
            href="/exchange/conflicts", order=17, level="warn")]
    return widgets
