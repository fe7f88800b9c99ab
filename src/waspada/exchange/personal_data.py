"""The personal data the exchange holds about a case's persons, for data-subject rights and
retention (UU 27/2022): the subject-access export and the erasure with the case.

Declared as the capability's ``personal_data`` holder (``capability.py``); the cases service
calls it in its own transaction: :meth:`Holder.subject_export` when it exports a person's data,
:meth:`Holder.erase_cases` when retention anonymises cases. What the exchange holds about a
case's persons:

- the victim's consents (``exchange_consents``: the note may name people);
- verification requests sent about the person (the identifiers sent, the answer's evidence);
- conflicts on the case (both sides' values of the differing fields, the incoming record);
- bundles received that created or updated the case (the inbox payload, erased anyway
  ``exchange_inbox_keep_days`` after the decision);
- cases pulled from Primero (the mapped record) and the snapshot last pushed to Primero;
- the global ids the case and its persons are known by elsewhere (ids only, kept).

Outbox bundles are sealed to the partner (ciphertext this installation cannot read) and hold
no case link; they are not part of the export. Requests received from other installations
(``direction = in``) concern a person of *their* case; their identifiers are erased
``exchange_inbox_keep_days`` after the answer (:func:`erase_stale`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import sharing
from waspada.exchange.models import InboxItem, Partner
from waspada.exchange.primero.store import PrimeroDestination, PrimeroIncoming, PrimeroRecord
from waspada.exchange.records import (
    ExchangeConflict,
    ExchangeConsent,
    SharedCase,
    SharedPerson,
    VerificationRequest,
)
from waspada.platform import audit

ERASED = "[anonymised]"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _json(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def _received(db: Session, reference: str | None) -> list[InboxItem]:
    """Inbox bundles whose import created or updated the case (by its case number)."""
    if not reference:
        return []
    marker = json.dumps({"case_number": reference})[1:-1]  # "case_number": "REF"
    return list(db.scalars(select(InboxItem).where(InboxItem.result_json.contains(marker))
                           .order_by(InboxItem.id)))


def _person_view(record: dict[str, Any], global_id: str | None) -> dict[str, Any]:
    """A received record reduced to the case's fields and this person's own entry."""
    out = {k: v for k, v in record.items() if k != "persons"}
    out["persons"] = [p for p in record.get("persons") or ()
                      if isinstance(p, dict) and global_id
                      and p.get("x_wsp_GlobalId") == global_id]
    return out


class Holder:
    """The exchange's personal data of case persons (see the module's docstring)."""

    def subject_export(self, db: Session, person_id: int, case_id: int) -> dict[str, Any]:
        """Everything the exchange holds about the person, for the subject-access export."""
        shared = db.scalar(select(SharedCase).where(SharedCase.case_id == case_id))
        person_gid = db.scalar(select(SharedPerson.global_id)
                               .where(SharedPerson.person_id == person_id))
        reference = sharing.reference_of(db, case_id)
        consents = [{"id": c.id, "recipient_kind": c.recipient_kind, "recipient": c.recipient,
                     "purpose": c.purpose, "given": c.given, "method": c.method,
                     "note": c.note, "recorded_by": c.recorded_by,
                     "recorded_at": _iso(c.recorded_at), "withdrawn_by": c.withdrawn_by,
                     "withdrawn_at": _iso(c.withdrawn_at)}
                    for c in db.scalars(select(ExchangeConsent).where(
                        ExchangeConsent.person_id == person_id).order_by(ExchangeConsent.id))]
        verifications = [{"id": v.id, "partner": v.partner, "status": v.status,
                          "identifiers_sent": _json(v.identifiers_json, {}),
                          "deadline": _iso(v.deadline), "result": v.result,
                          "score": v.score, "evidence": _json(v.evidence_json, []),
                          "note": v.note, "consent_override": v.consent_override,
                          "requested_at": _iso(v.created_at), "answered_at": _iso(v.answered_at)}
                         for v in db.scalars(select(VerificationRequest).where(
                             VerificationRequest.direction == "out",
                             VerificationRequest.case_id == case_id,
                             (VerificationRequest.person_id == person_id)
                             | VerificationRequest.person_id.is_(None))
                             .order_by(VerificationRequest.id))]
        mine = (f"persons.{person_gid}.", f"persons.{person_gid}") if person_gid else ()
        conflicts = []
        for c in db.scalars(select(ExchangeConflict).where(ExchangeConflict.case_id == case_id)
                            .order_by(ExchangeConflict.id)):
            fields = [f for f in _json(c.fields_json, []) if isinstance(f, dict) and (
                not str(f.get("field", "")).startswith("persons.")
                or str(f.get("field", "")).startswith(mine))]
            conflicts.append({"id": c.id, "partner": c.partner, "status": c.status,
                              "local_version": c.local_version,
                              "incoming_version": c.incoming_version, "fields": fields,
                              "created_at": _iso(c.created_at),
                              "resolved_at": _iso(c.resolved_at)})
        partners = dict(db.execute(select(Partner.id, Partner.name)).all())
        received = [{"id": i.id, "partner": partners.get(i.partner_id), "kind": i.kind,
                     "status": i.status, "received_at": _iso(i.received_at),
                     "record": _person_view(_json(i.payload_json, {}).get("record") or {},
                                            person_gid)}
                    for i in _received(db, reference)]
        destinations = dict(db.execute(select(PrimeroDestination.id,
                                              PrimeroDestination.name)).all())
        pulled = [{"destination": destinations.get(r.destination_id),
                   "primero_id": r.primero_id, "status": r.status, "version": r.version,
                   "received_at": _iso(r.received_at),
                   "record": _person_view(_json(r.payload_json, {}).get("record") or {},
                                          person_gid)}
                  for r in db.scalars(select(PrimeroIncoming).where(
                      PrimeroIncoming.case_id == case_id).order_by(PrimeroIncoming.id))]
        pushed = [{"destination": destinations.get(r.destination_id),
                   "primero_id": r.primero_id, "sent_at": _iso(r.sent_at),
                   "fields_sent": _json(r.snapshot_json, {})}
                  for r in db.scalars(select(PrimeroRecord).where(
                      PrimeroRecord.case_ref == reference))] if reference else []
        return {"case_global_id": shared.global_id if shared else None,
                "person_global_id": person_gid, "consents": consents,
                "verification_requests": verifications, "conflicts": conflicts,
                "received_bundles": received, "primero_pulled": pulled,
                "primero_pushed": pushed}

    def erase_cases(self, db: Session, case_ids: Iterable[int]) -> int:
        """Anonymise what the exchange holds about the cases' persons (with the cases, in the
        caller's transaction); one ``exchange.erase_with_case`` audit entry per case that had
        any. Answers the number of rows changed."""
        total = 0
        for case_id in case_ids:
            counts = _erase_case(db, case_id)
            if any(counts.values()):
                audit.record("exchange.erase_with_case", None, actor="system",
                             object_type="case", object_id=case_id, session=db,
                             consents=counts["consents"], verifications=counts["verifications"],
                             conflicts=counts["conflicts"], received=counts["received"],
                             primero=counts["primero"])
                total += sum(counts.values())
        db.flush()
        return total


def _erase_case(db: Session, case_id: int) -> dict[str, int]:
    counts = {"consents": 0, "verifications": 0, "conflicts": 0, "received": 0,
              "primero": 0}
    for c in db.scalars(select(ExchangeConsent).where(ExchangeConsent.case_id == case_id)):
        if c.note:
            c.note = ""
            counts["consents"] += 1
    for v in db.scalars(select(VerificationRequest).where(
            VerificationRequest.case_id == case_id)):
        v.identifiers_json, v.draft_json, v.evidence_json, v.note = "{}", "[]", "[]", ""
        if v.consent_override:
            v.consent_override = ERASED
        counts["verifications"] += 1
    for f in db.scalars(select(ExchangeConflict).where(ExchangeConflict.case_id == case_id)):
        f.fields_json, f.record_json = "[]", "{}"
        if f.resolution_json:
            f.resolution_json = "{}"
        if f.status == "open":
            f.status = "erased"  # nothing left to decide: the case is anonymised
        counts["conflicts"] += 1
    for item in _received(db, sharing.reference_of(db, case_id)):
        if item.payload_json != "{}":
            item.payload_json = "{}"
            counts["received"] += 1
    for row in db.scalars(select(PrimeroIncoming).where(PrimeroIncoming.case_id == case_id)):
        row.payload_json = "{}"
        counts["primero"] += 1
    reference = sharing.reference_of(db, case_id)
    if reference:
        for sent in db.scalars(select(PrimeroRecord).where(PrimeroRecord.case_ref == reference)):
            sent.snapshot_json = "{}"
            counts["primero"] += 1
    return counts


def erase_stale(db: Session, cutoff: datetime) -> int:
    """Erase what waits no longer than the inbox's payloads do: pulled Primero records
    decided before ``cutoff``, and the identifiers and drafted candidates of verification
    requests received from other installations and answered before ``cutoff`` (the answer,
    its evidence and who approved it stay). One audit entry with the counts; no commit."""
    pulled = list(db.scalars(select(PrimeroIncoming).where(
        PrimeroIncoming.status != "pending", PrimeroIncoming.payload_json != "{}",
        PrimeroIncoming.decided_at.is_not(None), PrimeroIncoming.decided_at < cutoff)))
    for row in pulled:
        row.payload_json = "{}"
    answered = list(db.scalars(select(VerificationRequest).where(
        VerificationRequest.direction == "in", VerificationRequest.answered_at.is_not(None),
        VerificationRequest.answered_at < cutoff, VerificationRequest.identifiers_json != "{}")))
    for request in answered:
        request.identifiers_json, request.draft_json = "{}", "[]"
    if pulled or answered:
        audit.record("exchange.payload_erase", None, actor="system",
                     object_type="exchange_inbox", primero=len(pulled),
                     verifications=len(answered), session=db)
    return len(pulled) + len(answered)


HOLDER = Holder()
