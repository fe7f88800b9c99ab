"""A pulled Primero case through the referral import (no commits; the caller audits the pull
and commits once).

A case read from Primero is mapped back to HTCDS (:func:`mapping.from_primero`) and handed to
the same handler an incoming ``referral`` bundle goes through
(:class:`waspada.exchange.referral.ReferralHandler`): the global id and the version, the
idempotent apply, the matching engine's duplicate detection, the conflicts a person resolves,
and its audit entries (``exchange.case_import``, ``case_update``, ``case_link``, ``conflict``).
The Primero destination stands as the partner ``primero:<name>``.

- **Global ids.** A case this installation pushed to Primero comes back under its own global
  id (the one ``push`` gave it); a case born in Primero keeps Primero's ``id`` (a UUID) as its
  global id, its victim a global id derived from it (the same on every pull).
- **Versions.** Primero has no version counter: each pull whose mapped record differs from
  the last one pulled is the next version (one above the last version exchanged with this
  destination); the same record pulled again is the same version, so nothing happens.
- **Consent.** Personal data of a case born in Primero is imported only when the Primero case
  records the person's consent for services (``consent_for_services: true``); otherwise
  nothing is stored and the sync log says ``no_consent``. A case this installation pushed is
  its own record read back (basis ``override``, with that reason, in the import's audit).
- **Manual acceptance.** For a destination set to ``manual`` the mapped record waits
  (``pending``) with its preview, until an administrator accepts or rejects it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import sharing
from waspada.exchange import referral
from waspada.exchange.handlers import Applied, PartnerInfo
from waspada.exchange.primero.mapping import Mapping, Pulled, Vocabulary, from_primero
from waspada.exchange.primero.store import PrimeroDestination, PrimeroIncoming, PrimeroRecord
from waspada.exchange.records import SharedPerson
from waspada.platform.db import utcnow
from waspada.platform.security.policy import Principal

HANDLER = referral.ReferralHandler("referral")
#: the basis of reading back a case this installation pushed: its own record
OWN_CASE = {"type": "override", "purpose": "services",
            "reason": "this installation's own case, pushed to Primero and read back"}
ORGANISATION = "ForeignSocialWelfare"


def partner_of(dest: PrimeroDestination) -> PartnerInfo:
    """The destination as the referral import's partner."""
    name = f"primero:{dest.name}"[:64]
    return PartnerInfo(name=name, organisation=ORGANISATION, fingerprint=name)


def consent_basis(case: dict[str, Any]) -> dict[str, Any] | None:
    """The consent the Primero case records for services, or None (nothing imported)."""
    if case.get("consent_for_services") is True:
        return {"type": "consent", "purpose": "services",
                "source": "primero:consent_for_services"}
    return None


def _digest(record: dict[str, Any]) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pushed_case(db: Session, principal: Principal, dest: PrimeroDestination,
                 primero_id: str) -> int | None:
    """The local case this installation pushed to the destination as ``primero_id``."""
    reference = db.scalar(select(PrimeroRecord.case_ref).where(
        PrimeroRecord.destination_id == dest.id, PrimeroRecord.primero_id == primero_id))
    return sharing.case_id_by_reference(db, principal, reference) if reference else None


def share_pushed(db: Session, case_id: int, partner: PartnerInfo) -> None:
    """A case pushed to Primero is shared under a global id (its persons too), and the
    version pushed is the version exchanged with the destination."""
    shared = referral.ensure_shared(db, case_id)
    known = {p.person_id for p in db.scalars(
        select(SharedPerson).where(SharedPerson.shared_case_id == shared.id))}
    for person in sharing.persons(db, case_id):
        if person["id"] not in known:
            db.add(SharedPerson(person_id=person["id"], shared_case_id=shared.id,
                                global_id=str(uuid.uuid4())))
    db.flush()
    referral.mark_synced(db, shared, partner.name, referral.current_version(db, shared))


def _ids(db: Session, dest: PrimeroDestination, primero_id: str, case_id: int | None
         ) -> tuple[str, str, int]:
    """(global id of the case, global id of its victim, last version exchanged)."""
    if case_id is not None:
        shared = referral.ensure_shared(db, case_id)
        victims = [p["id"] for p in sharing.persons(db, case_id) if p["role"] == "victim"]
        victim_gid = db.scalar(select(SharedPerson.global_id).where(
            SharedPerson.person_id.in_(victims)).order_by(SharedPerson.person_id)) if victims \
            else None
        synced = referral.synced_version(db, shared, partner_of(dest).name)
        return shared.global_id, victim_gid or str(uuid.uuid4()), synced
    victim = uuid.uuid5(uuid.NAMESPACE_URL, f"primero:{dest.name}:{primero_id}:victim")
    return primero_id, str(victim), 0


def status_of(applied: Applied) -> str:
    """The sync log's word for what the import did."""
    if applied.conflict:
        return "conflict"
    if applied.created:
        return "created"
    if applied.changes and applied.changes[0].get("field") == "possible_duplicate_of":
        return "linked"
    return "updated" if applied.changed else "unchanged"


def result_of(applied: Applied) -> str:
    return json.dumps({"case_number": applied.case_number, "created": applied.created,
                       "changed": applied.changed, "conflict": applied.conflict})


def _case_id(db: Session, principal: Principal, applied: Applied) -> int | None:
    if not applied.case_number:
        return None
    return sharing.case_id_by_reference(db, principal, applied.case_number)


def apply(db: Session, principal: Principal, dest: PrimeroDestination,
          row: PrimeroIncoming) -> Applied:
    """Apply a stored pulled record through the referral import, in ``principal``'s name."""
    applied = HANDLER.apply(db, principal, partner_of(dest), json.loads(row.payload_json),
                            preview=False)
    row.result_json = result_of(applied)
    row.case_id = _case_id(db, principal, applied) or row.case_id
    row.decided_by, row.decided_at = principal.username[:64], utcnow()
    return applied


def preview(db: Session, principal: Principal, dest: PrimeroDestination,
            row: PrimeroIncoming) -> Applied:
    return HANDLER.apply(db, principal, partner_of(dest), json.loads(row.payload_json),
                         preview=True)


def take(db: Session, principal: Principal, dest: PrimeroDestination, case: dict[str, Any],
         mapping: Mapping, vocab: Vocabulary) -> tuple[str, Pulled | None]:
    """One pulled case: the status for the sync log and what was mapped (for its unknown
    values). Writes in the caller's transaction."""
    try:
        primero_id = str(uuid.UUID(str(case.get("id"))))
    except ValueError:
        return "skipped", None
    case_id = _pushed_case(db, principal, dest, primero_id)
    pulled = from_primero(case, mapping, vocab, events=case_id is None)
    if not pulled.record.get("persons"):
        return "skipped", pulled  # no victim data Waspada maps: nothing to open a case with
    basis = consent_basis(case) if case_id is None else OWN_CASE
    if basis is None:
        return "no_consent", pulled
    global_id, victim_gid, synced = _ids(db, dest, primero_id, case_id)
    record = pulled.record
    record["persons"][0]["x_wsp_GlobalId"] = victim_gid
    digest = _digest(record)
    row = db.scalar(select(PrimeroIncoming).where(PrimeroIncoming.destination_id == dest.id,
                                                  PrimeroIncoming.primero_id == primero_id))
    if row is None:
        row = PrimeroIncoming(destination_id=dest.id, primero_id=primero_id, version=0,
                              content_hash="", case_id=case_id)
        db.add(row)
    elif row.content_hash == digest:
        return ("pending" if row.status == "pending" else "unchanged"), pulled
    row.global_id, row.content_hash = global_id, digest
    row.version = max(row.version, synced) + 1
    row.payload_json = json.dumps({
        "global_id": global_id, "version": row.version,
        "sender_case_number": str(case.get("case_id_display") or "")[:64] or None,
        "consent_basis": basis, "record": record}, ensure_ascii=False, default=str)
    row.received_at, row.decided_by, row.decided_at = utcnow(), None, None
    if dest.acceptance == "manual":
        row.status, row.result_json = "pending", "{}"
        db.flush()
        return "pending", pulled
    db.flush()
    applied = apply(db, principal, dest, row)
    row.status = "applied"
    return status_of(applied), pulled
