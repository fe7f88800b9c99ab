"""Referrals and case updates between installations: global ids, versions, idempotent apply,
duplicate detection and conflicts.

A shared case has one global id and one version counter, the same at every installation that
holds it. The version is not bumped by hooks in every case operation: each installation keeps
the hash of its local HTCDS record next to the version, and whenever the version is read
(:func:`current_version`: before a send, before an incoming update is judged) a record that no
longer matches its hash has changed locally, so the version goes up by one. Any change that
reaches the record counts, through whatever code path made it (page, API, CLI, merge,
retention), and changes outside the record (an audit entry, a view) do not.

Each installation also keeps, per partner, the last version exchanged with it (sent or
applied). An incoming payload with a version at or below that is a repeat or stale: nothing
happens. A newer one is applied when nothing changed here since that last exchange; when both
sides changed, the differing fields become a conflict for a person to resolve
(:func:`resolve_conflict`), and nothing is overwritten. An unknown global id is first matched
against local victims (the matching engine, :func:`waspada.cases.sharing.likely_same_victims`):
a match links the global id to that case and fills only what it lacks; otherwise a case is
created.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import htcds, sharing
from waspada.exchange import consent, policy
from waspada.exchange.content_errors import ContentError
from waspada.exchange.handlers import Applied, PartnerInfo, register
from waspada.exchange.records import (
    ExchangeConflict,
    SharedCase,
    SharedCaseSync,
    SharedPerson,
)
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.security.policy import Principal, allowed

#: case-level fields that describe this installation's own handling, never applied elsewhere
LOCAL_ONLY = frozenset({"x_wsp_Reference", "x_wsp_WorkflowState", "cas_Status", "cas_CaseOwner",
                        "x_wsp_ReportedAt", "cas_ReasonForCaseClosure", "referrals",
                        "consents", "case_comments", "persons", "historic_trafficking_events",
                        "support_plans"})
PERSON_IGNORED = frozenset({"x_wsp_Pseudonym", "x_wsp_PersonRole", "x_wsp_GlobalId",
                            "x_wsp_AgeBand"})
MAX_PERSONS = 20


# -- global ids and versions -------------------------------------------------------------------

def _hash(record: dict[str, Any]) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain_record(db: Session, case_id: int) -> dict[str, Any]:
    return sharing.to_htcds(sharing.case_data(db, case_id))


def shared_case(db: Session, case_id: int) -> SharedCase | None:
    return db.scalar(select(SharedCase).where(SharedCase.case_id == case_id))


def by_global_id(db: Session, global_id: str) -> SharedCase | None:
    return db.scalar(select(SharedCase).where(SharedCase.global_id == global_id))


def ensure_shared(db: Session, case_id: int) -> SharedCase:
    """The case's global id and version, created (version 1) the first time it is shared."""
    shared = shared_case(db, case_id)
    if shared is None:
        shared = SharedCase(case_id=case_id, global_id=str(uuid.uuid4()), origin="", version=1,
                            content_hash=_hash(_plain_record(db, case_id)))
        db.add(shared)
        db.flush()
    return shared


def local_version(db: Session, shared: SharedCase) -> int:
    """The version the local record has now, without writing anything."""
    changed = _hash(_plain_record(db, shared.case_id)) != shared.content_hash
    return shared.version + 1 if changed else shared.version


def current_version(db: Session, shared: SharedCase) -> int:
    """The version, counting a local change to the record since it was last set (writes)."""
    digest = _hash(_plain_record(db, shared.case_id))
    if digest != shared.content_hash:
        shared.version += 1
        shared.content_hash = digest
        shared.updated_at = utcnow()
        db.flush()
    return shared.version


def _settle(db: Session, shared: SharedCase, version: int) -> None:
    """After applying: the record now is ``version``."""
    shared.version = version
    shared.content_hash = _hash(_plain_record(db, shared.case_id))
    shared.updated_at = utcnow()
    db.flush()


def synced_version(db: Session, shared: SharedCase, partner: str) -> int:
    row = db.scalar(select(SharedCaseSync).where(SharedCaseSync.shared_case_id == shared.id)
                    .where(SharedCaseSync.partner == partner))
    return row.synced_version if row else 0


def mark_synced(db: Session, shared: SharedCase, partner: str, version: int) -> None:
    row = db.scalar(select(SharedCaseSync).where(SharedCaseSync.shared_case_id == shared.id)
                    .where(SharedCaseSync.partner == partner))
    if row is None:
        row = SharedCaseSync(shared_case_id=shared.id, partner=partner)
        db.add(row)
    row.synced_version = max(row.synced_version or 0, version)
    row.synced_at = utcnow()
    db.flush()


def _person_ids(db: Session, shared: SharedCase) -> dict[int, str]:
    """person id -> global id of the case's persons known so far (no writes)."""
    return {p.person_id: p.global_id for p in db.scalars(
        select(SharedPerson).where(SharedPerson.shared_case_id == shared.id))}


def _give_person_ids(db: Session, shared: SharedCase) -> None:
    known = _person_ids(db, shared)
    for person in sharing.persons(db, shared.case_id):
        if person["id"] not in known:
            db.add(SharedPerson(person_id=person["id"], shared_case_id=shared.id,
                                global_id=str(uuid.uuid4())))
    db.flush()


def local_record(db: Session, shared: SharedCase) -> dict[str, Any]:
    """The local HTCDS record with each person's global id (``x_wsp_GlobalId``)."""
    data = sharing.case_data(db, shared.case_id)
    record = sharing.to_htcds(data)
    ids = _person_ids(db, shared)
    for person, out in zip(data.get("persons", ()), record.get("persons", ()), strict=True):
        if person["id"] in ids:
            out["x_wsp_GlobalId"] = ids[person["id"]]
    return record


# -- building ----------------------------------------------------------------------------------

def bundle_kind(db: Session, actor: Principal, case_number: str, partner: PartnerInfo) -> str:
    """``case_update`` when the partner holds the case already (it was exchanged with it, or
    came from it), else ``referral``: what the partner's inbox, preview and audit trail call
    the bundle. Read before :func:`build_referral` (which records the exchange); writes
    nothing."""
    shared = shared_case(db, sharing.case_id_by_reference(db, actor, case_number))
    if shared is None:
        return "referral"
    known = synced_version(db, shared, partner.name) > 0 or (
        bool(partner.fingerprint) and shared.origin == partner.fingerprint)
    return "case_update" if known else "referral"


def _permit(actor: Principal, action: str) -> None:
    if not actor.is_cli and not allowed(actor, action):
        raise ContentError("role_not_allowed", "Your role may not take this step.", 403)


def _victims(db: Session, case_id: int) -> list[int]:
    return [p["id"] for p in sharing.persons(db, case_id) if p["role"] == "victim"]


def consent_subjects(db: Session, actor: Principal, case_number: str, partner: PartnerInfo,
                     payload: dict[str, Any]) -> dict[str, Any] | None:
    """What the outbox keeps of the payload :func:`build_referral` made, so that a re-send
    checks the victims' consent again (:func:`consent.subjects`; ids only)."""
    basis = payload.get("consent_basis") or {}
    if basis.get("type") != "consent":
        return None
    case_id = sharing.case_id_by_reference(db, actor, case_number)
    return consent.subjects(basis, _victims(db, case_id), partner)


def build_referral(db: Session, actor: Principal, case_number: str, partner: PartnerInfo, *,
                   consent_override: str | None) -> dict[str, Any]:
    """The payload of a referral or case update of ``case_number`` for ``partner``: exactly the
    fields its organisation may receive, with the global ids, the version and the consent
    basis. Refused (:class:`ConsentMissing`) when it carries a victim's personal data without
    the victim's consent for this partner and purpose and without an override reason.

    Writes (global ids, the version, the partner's synced version, the audit entries) in the
    caller's transaction; the caller commits once, with the outbox row."""
    _permit(actor, "cases.refer")
    case_id = sharing.case_id_by_reference(db, actor, case_number)
    shared = ensure_shared(db, case_id)
    _give_person_ids(db, shared)
    version = current_version(db, shared)
    base = synced_version(db, shared, partner.name)
    profile = policy.profile_for(partner.organisation)
    record = policy.filter_record(local_record(db, shared), partner.organisation)
    basis: dict[str, Any] = {"type": "no_personal_data", "purpose": profile.purpose}
    if record.get("persons"):
        if consent_override is not None:
            _permit(actor, "exchange.consent_override")
        basis = consent.basis(db, _victims(db, case_id), partner, profile.purpose,
                              consent_override)
    mark_synced(db, shared, partner.name, version)
    if basis["type"] == "override":
        audit.record("exchange.consent_override", actor, object_type="case", object_id=case_id,
                     partner=partner.name, purpose=profile.purpose, reason=basis["reason"],
                     session=db)
    audit.record("exchange.referral_build", actor, object_type="case", object_id=case_id,
                 partner=partner.name, version=version, basis=basis["type"],
                 fields=_count_fields(record), session=db)
    return {"global_id": shared.global_id, "version": version, "base_version": base,
            "sender_case_number": case_number, "purpose": profile.purpose,
            "consent_basis": basis, "record": record}


def _count_fields(record: dict[str, Any]) -> int:
    return sum(len(v) if isinstance(v, list) else 1 for v in record.values())


# -- comparing ---------------------------------------------------------------------------------

def _norm(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value


def _event_key(event: dict[str, Any]) -> tuple[Any, ...]:
    return (event.get("hte_Type"), event.get("hte_Date"), event.get("hte_City"),
            event.get("hte_Country"))


def event_known(key: tuple[Any, ...], known: Iterable[tuple[Any, ...]]) -> bool:
    """Whether an incoming event is one already held: some held event agrees on every part the
    incoming one carries. A part it lacks was withheld from the partner (a profile may share
    only the type and the country) or was empty there, so it tells nothing: an event sent back
    without its date is the same event, not a new one."""
    return any(all(mine in (None, "") or mine == theirs
                   for mine, theirs in zip(key, held, strict=True))
               for held in known)


def _plan_key(plan: dict[str, Any]) -> tuple[Any, ...]:
    return (plan.get("spl_Type"), plan.get("spl_Objectives"))


def _case_field(name: str, value: Any) -> bool:
    """Whether this installation applies the case-level field (the inverse mapping knows it);
    anything else in a record is shown nowhere and changes nothing."""
    return name not in LOCAL_ONLY and bool(htcds.htcds_to_case({name: value}))


def _person_field(name: str, value: Any) -> bool:
    if name in PERSON_IGNORED:
        return False
    mapped = htcds.htcds_to_case({"persons": [{name: value}]})["persons"][0]
    return bool(set(mapped) - {"role"})


def diff(local: dict[str, Any], incoming: dict[str, Any]) -> list[dict[str, Any]]:
    """What applying ``incoming`` would change in ``local`` (pure): fields the incoming record
    carries with another value, persons and events it adds. A field it does not carry (not
    allowed for this partner, or empty there) changes nothing."""
    changes: list[dict[str, Any]] = []
    for name, value in incoming.items():
        if not _case_field(name, value):
            continue
        if _norm(local.get(name)) != _norm(value):
            changes.append({"field": name, "old": local.get(name), "new": value})
    local_persons = {p.get("x_wsp_GlobalId"): p for p in local.get("persons", ())
                     if p.get("x_wsp_GlobalId")}
    for person in incoming.get("persons", ()):
        gid = person.get("x_wsp_GlobalId")
        mine = local_persons.get(gid)
        if mine is None:
            changes.append({"field": f"persons.{gid}", "old": None,
                            "new": _person_label(person)})
            continue
        for name, value in person.items():
            if _person_field(name, value) and _norm(mine.get(name)) != _norm(value):
                # whose field, by name: the page showed the path "persons.<uuid>.prs_…"
                changes.append({"field": f"persons.{gid}.{name}", "old": mine.get(name),
                                "new": value, "person": _person_name(mine)})
    seen = {_event_key(e) for e in local.get("historic_trafficking_events", ())}
    for event in incoming.get("historic_trafficking_events", ()):
        if not event_known(_event_key(event), seen):
            changes.append({"field": "historic_trafficking_events", "old": None,
                            "new": " ".join(str(v) for v in _event_key(event) if v)})
    plans = {_plan_key(p) for p in local.get("support_plans", ())}
    for plan in incoming.get("support_plans", ()):
        if _plan_key(plan) not in plans:
            changes.append({"field": "support_plans", "old": None,
                            "new": " ".join(str(v) for v in _plan_key(plan) if v)})
    return changes


def _person_name(person: dict[str, Any]) -> str:
    names = [person.get(k) for k in ("prs_FirstName", "prs_MiddleName", "prs_SecondName")]
    return " ".join(str(n) for n in names if n)


def _person_label(person: dict[str, Any]) -> str:
    names = [person.get(k) for k in ("prs_FirstName", "prs_MiddleName", "prs_SecondName")]
    role = person.get("x_wsp_PersonRole") or "victim"
    return f"{role}: {' '.join(n for n in names if n) or '?'}"


def _fill_gaps(local: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """``incoming`` reduced to what ``local`` lacks (linking to a case found by the matching
    engine: nothing held here is overwritten by a partner's record)."""
    out = {k: v for k, v in incoming.items()
           if k not in LOCAL_ONLY and local.get(k) in (None, "", [])}
    local_persons = {p.get("x_wsp_GlobalId"): p for p in local.get("persons", ())}
    persons = []
    for person in incoming.get("persons", ()):
        mine = local_persons.get(person.get("x_wsp_GlobalId"))
        if mine is None:
            persons.append(person)
        else:
            persons.append({**mine, **{k: v for k, v in person.items()
                                       if mine.get(k) in (None, "", [])}})
    for key in ("historic_trafficking_events", "support_plans"):
        if incoming.get(key):
            out[key] = incoming[key]
    if persons:
        out["persons"] = persons
    return out


# -- applying ----------------------------------------------------------------------------------

def _apply_record(db: Session, shared: SharedCase, local: dict[str, Any],
                  incoming: dict[str, Any]) -> None:
    """Write ``incoming`` over the local case, field by field (only where they differ)."""
    case_changes = {k: v for k, v in incoming.items()
                    if _case_field(k, v) and _norm(local.get(k)) != _norm(v)}
    fields = htcds.htcds_to_case(case_changes)
    ids = {gid: pid for pid, gid in _person_ids(db, shared).items()}
    local_persons = {p.get("x_wsp_GlobalId"): p for p in local.get("persons", ())}
    person_fields: dict[int, dict[str, Any]] = {}
    new_persons: list[dict[str, Any]] = []
    new_gids: list[str] = []
    for person in incoming.get("persons", ()):
        gid = str(person.get("x_wsp_GlobalId") or "")
        mine = local_persons.get(gid)
        mapped = htcds.htcds_to_case({"persons": [person]})["persons"][0]
        mapped.pop("role", None)
        if mine is None or gid not in ids:
            new_persons.append({**mapped, "role": person.get("x_wsp_PersonRole") or "victim"})
            new_gids.append(gid or str(uuid.uuid4()))
        elif any(_person_field(k, v) and _norm(mine.get(k)) != _norm(v)
                 for k, v in person.items()):
            person_fields[ids[gid]] = mapped
    events = sharing.event_keys(db, shared.case_id)
    new_events = []
    for event in htcds.htcds_to_case(
            {"historic_trafficking_events": incoming.get("historic_trafficking_events", [])}
    )["events"]:
        key = (event.get("type"), event.get("date"), event.get("city"), event.get("country"))
        if not event_known(key, events):
            new_events.append(event)
            events.add(key)
    plans = {_plan_key(p) for p in local.get("support_plans", ())}
    new_plans = [{"type": p.get("spl_Type"), "objectives": p.get("spl_Objectives"),
                  "action_plan": p.get("spl_ActionPlan"),
                  "planned_end": p.get("spl_PlannedEndDate"),
                  "actual_end": p.get("spl_ActualEndDate")}
                 for p in incoming.get("support_plans", ()) if _plan_key(p) not in plans]
    added = sharing.update_case(db, shared.case_id, fields, person_fields, new_persons,
                                new_events, new_plans)
    for person_id, gid in zip(added, new_gids, strict=True):
        if by_person_gid(db, gid) is None:
            db.add(SharedPerson(person_id=person_id, shared_case_id=shared.id, global_id=gid))
    db.flush()


def by_person_gid(db: Session, global_id: str) -> SharedPerson | None:
    return db.scalar(select(SharedPerson).where(SharedPerson.global_id == global_id))


def _valid(payload: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    global_id, version, record = (payload.get("global_id"), payload.get("version"),
                                  payload.get("record"))
    try:
        global_id = str(uuid.UUID(str(global_id)))
    except ValueError:
        raise ContentError("invalid_payload", "the payload has no valid global id", 422) from None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ContentError("invalid_payload", "the payload has no valid version", 422)
    if not isinstance(record, dict):
        raise ContentError("invalid_payload", "the payload has no HTCDS record", 422)
    persons = record.get("persons", [])
    if not isinstance(persons, list) or len(persons) > MAX_PERSONS or not all(
            isinstance(p, dict) for p in persons):
        raise ContentError("invalid_payload", "the payload's persons are not valid", 422)
    for person in persons:
        try:
            person["x_wsp_GlobalId"] = str(uuid.UUID(str(person.get("x_wsp_GlobalId"))))
        except ValueError:
            raise ContentError("invalid_payload", "a person has no valid global id",
                               422) from None
    basis = payload.get("consent_basis")
    if persons and not (isinstance(basis, dict)
                        and basis.get("type") in ("consent", "override")):
        raise ContentError("invalid_payload", "personal data without a consent basis", 422)
    return global_id, version, record


def _base(payload: dict[str, Any]) -> int | None:
    """The version the sender had last exchanged with us when it built the payload (None from
    a sender that does not say)."""
    base = payload.get("base_version")
    if base is None:
        return None
    if not isinstance(base, int) or isinstance(base, bool) or base < 0:
        raise ContentError("invalid_payload", "the payload's base version is not valid", 422)
    return base


def _supersede(db: Session, shared: SharedCase, partner: str, version: int) -> int:
    """Close the open conflicts with ``partner`` about older versions: a newer version from it,
    built after it saw everything sent from here, has just been applied."""
    rows = list(db.scalars(select(ExchangeConflict).where(
        ExchangeConflict.shared_case_id == shared.id, ExchangeConflict.partner == partner,
        ExchangeConflict.status == "open", ExchangeConflict.incoming_version < version)))
    for row in rows:
        row.status = "superseded"
        row.resolved_by = f"exchange:{partner}"[:64]
        row.resolved_at = utcnow()
        row.resolution_json = json.dumps({"superseded_by_version": version})
    db.flush()
    return len(rows)


def _first_victim(record: dict[str, Any]) -> dict[str, Any] | None:
    for person in record.get("persons", ()):
        if (person.get("x_wsp_PersonRole") or "victim") == "victim":
            mapped = htcds.htcds_to_case({"persons": [person]})["persons"][0]
            if not mapped.get("full_name"):
                parts = [mapped.get(k) for k in ("first_name", "middle_name", "second_name")]
                mapped["full_name"] = " ".join(p for p in parts if p)
            return mapped
    return None


class ReferralHandler:
    """Applies ``referral`` and ``case_update`` payloads (the same shape: a case is referred
    once and updated afterwards, but either may arrive first or twice)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def apply(self, db: Session, actor: Any, partner: PartnerInfo, payload: dict[str, Any],
              *, preview: bool) -> Applied:
        payload = copy.deepcopy(payload)  # normalised below; the caller's stays as sent
        global_id, version, record = _valid(payload)
        base = _base(payload)
        shared = by_global_id(db, global_id)
        if shared is None:
            return self._new(db, actor, partner, payload, global_id, version, record,
                             preview=preview)
        reference = sharing.reference_of(db, shared.case_id)
        synced = synced_version(db, shared, partner.name)
        # the sender built this before it saw a version sent from here: both changed the case
        # (two sides editing from the same version reach the same version number)
        unseen = base is not None and base < synced
        if version <= synced and not unseen:
            return Applied(case_number=reference)  # a repeat, or older than what we have
        open_conflict = db.scalar(select(ExchangeConflict.id).where(
            ExchangeConflict.shared_case_id == shared.id,
            ExchangeConflict.partner == partner.name,
            ExchangeConflict.incoming_version == version))
        if open_conflict is not None:
            return Applied(case_number=reference, conflict=True)
        local = local_record(db, shared)
        changes = diff(local, record)
        changed_here = unseen or local_version(db, shared) != synced
        if changed_here and changes:
            if not preview:
                current_version(db, shared)
                conflict = ExchangeConflict(
                    shared_case_id=shared.id, case_id=shared.case_id, partner=partner.name,
                    local_version=shared.version, incoming_version=version,
                    fields_json=json.dumps([{"field": c["field"], "local": c["old"],
                                             "incoming": c["new"],
                                             **({"person": c["person"]} if c.get("person")
                                                else {})} for c in changes],
                                           ensure_ascii=False, default=str),
                    record_json=json.dumps(record, ensure_ascii=False, default=str))
                db.add(conflict)
                db.flush()
                audit.record("exchange.conflict", actor, object_type="case",
                             object_id=shared.case_id, partner=partner.name,
                             local_version=shared.version, incoming_version=version,
                             fields=len(changes), session=db)
            return Applied(case_number=reference, conflict=True, changes=changes)
        if preview:
            return Applied(case_number=reference, changed=bool(changes), changes=changes)
        if changes:
            _apply_record(db, shared, local, record)
        _settle(db, shared, max(version, shared.version))
        mark_synced(db, shared, partner.name, version)
        superseded = _supersede(db, shared, partner.name, version)
        audit.record("exchange.case_update", actor, object_type="case",
                     object_id=shared.case_id, partner=partner.name, version=version,
                     fields=len(changes), superseded_conflicts=superseded, session=db)
        return Applied(case_number=reference, changed=bool(changes), changes=changes)

    def _new(self, db: Session, actor: Any, partner: PartnerInfo, payload: dict[str, Any],
             global_id: str, version: int, record: dict[str, Any], *, preview: bool
             ) -> Applied:
        victim = _first_victim(record)
        if victim is None:
            raise ContentError("no_victim", "a referral without a victim cannot open a case",
                               422)
        found = sharing.likely_same_victims(db, victim)
        if found:
            return self._link(db, actor, partner, global_id, version, record, found[0],
                              preview=preview)
        data = htcds.htcds_to_case(record)
        data["summary"] = (f"Rujukan dari mitra {partner.name} "
                           f"(nomor kasus mereka {payload.get('sender_case_number') or '-'}).")
        changes = diff({}, record)
        if preview:
            return Applied(created=True, changed=True, changes=changes)
        case_id, reference = sharing.import_case(db, actor, data)
        shared = SharedCase(case_id=case_id, global_id=global_id, origin=partner.fingerprint,
                            version=version, content_hash="")
        db.add(shared)
        db.flush()
        local_ids = [p["id"] for p in sharing.persons(db, case_id)]
        for person_id, person in zip(local_ids, record.get("persons", ()), strict=True):
            if by_person_gid(db, person["x_wsp_GlobalId"]) is None:
                db.add(SharedPerson(person_id=person_id, shared_case_id=shared.id,
                                    global_id=person["x_wsp_GlobalId"]))
        if record.get("support_plans"):
            _apply_record(db, shared, local_record(db, shared),
                          {"support_plans": record["support_plans"]})
        _settle(db, shared, version)
        mark_synced(db, shared, partner.name, version)
        audit.record("exchange.case_import", actor, object_type="case", object_id=case_id,
                     partner=partner.name, version=version, persons=len(local_ids),
                     basis=(payload.get("consent_basis") or {}).get("type"), session=db)
        return Applied(case_number=reference, created=True, changed=True, changes=changes)

    def _link(self, db: Session, actor: Any, partner: PartnerInfo, global_id: str,
              version: int, record: dict[str, Any], found: dict[str, Any], *, preview: bool
              ) -> Applied:
        """The incoming victim is (by the matching engine) a victim of a local case."""
        note = {"field": "possible_duplicate_of", "old": None,
                "new": f"{found['reference']} ({found['score']})"}
        if preview:
            return Applied(case_number=found["reference"], changes=[note])
        shared = shared_case(db, found["case_id"])
        if shared is None:
            shared = SharedCase(case_id=found["case_id"], global_id=global_id,
                                origin=partner.fingerprint, version=version,
                                content_hash=_hash(_plain_record(db, found["case_id"])))
            db.add(shared)
            db.flush()
        victim_gid = next(p["x_wsp_GlobalId"] for p in record.get("persons", ())
                          if (p.get("x_wsp_PersonRole") or "victim") == "victim")
        if by_person_gid(db, victim_gid) is None and not db.scalar(
                select(SharedPerson.id).where(SharedPerson.person_id == found["person_id"])):
            db.add(SharedPerson(person_id=found["person_id"], shared_case_id=shared.id,
                                global_id=victim_gid))
            db.flush()
        local = local_record(db, shared)
        gaps = _fill_gaps(local, record)
        changes = diff(local, gaps)
        if changes:
            _apply_record(db, shared, local, gaps)
        _settle(db, shared, max(version, shared.version))
        mark_synced(db, shared, partner.name, version)
        audit.record("exchange.case_link", actor, object_type="case", object_id=shared.case_id,
                     partner=partner.name, version=version, score=found["score"],
                     fields=len(changes), session=db)
        return Applied(case_number=found["reference"], changed=bool(changes),
                       changes=[note, *changes])


# -- conflicts ---------------------------------------------------------------------------------

def conflict_fields(conflict: ExchangeConflict) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = json.loads(conflict.fields_json)
    return fields


def resolve_conflict(db: Session, actor: Principal, conflict: ExchangeConflict,
                     choices: dict[str, str]) -> dict[str, Any]:
    """Apply a person's choice per field (``"local"`` or ``"incoming"``; every field of the
    conflict must be chosen). The result is a new version, newer than both sides, so the next
    send carries it to the partner. Not committed."""
    if conflict.status != "open":
        raise ContentError("conflict_closed", "This conflict was already resolved.", 409)
    fields = conflict_fields(conflict)
    missing = [f["field"] for f in fields if choices.get(f["field"]) not in ("local", "incoming")]
    if missing:
        raise ContentError("choice_missing", "Choose which value stays for every field.", 422,
                           problems={name: "choose" for name in missing})
    shared = db.get(SharedCase, conflict.shared_case_id)
    if shared is None:
        raise ContentError("not_found", "no such shared case", 404)
    incoming = json.loads(conflict.record_json)
    taken = {name for name, choice in choices.items() if choice == "incoming"}
    local = local_record(db, shared)
    merged = _pick(local, incoming, taken)
    if taken:
        _apply_record(db, shared, local, merged)
    _settle(db, shared, max(shared.version, conflict.local_version, conflict.incoming_version)
            + 1)
    mark_synced(db, shared, conflict.partner, conflict.incoming_version)
    conflict.status = "resolved"
    conflict.resolved_by = actor.username
    conflict.resolved_at = utcnow()
    conflict.resolution_json = json.dumps(choices, sort_keys=True)
    db.flush()
    audit.record("exchange.conflict_resolve", actor, object_type="case",
                 object_id=conflict.case_id, conflict_id=conflict.id, partner=conflict.partner,
                 incoming=sorted(taken), kept=sorted(set(choices) - taken),
                 version=shared.version, session=db)
    return {"case_id": conflict.case_id, "version": shared.version, "taken": sorted(taken)}


def _pick(local: dict[str, Any], incoming: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    """The record to apply: the incoming value of each taken field, the local value of the
    others."""
    out = {k: v for k, v in incoming.items() if k in taken and k not in LOCAL_ONLY}
    local_persons = {p.get("x_wsp_GlobalId"): p for p in local.get("persons", ())}
    persons = []
    for person in incoming.get("persons", ()):
        gid = person.get("x_wsp_GlobalId")
        mine = local_persons.get(gid)
        if mine is None:
            if f"persons.{gid}" in taken:
                persons.append(person)
            continue
        picked = dict(mine)
        for name, value in person.items():
            if f"persons.{gid}.{name}" in taken:
                picked[name] = value
        persons.append(picked)
    if persons:
        out["persons"] = persons
    for key in ("historic_trafficking_events", "support_plans"):
        if key in taken:
            out[key] = incoming.get(key, [])
    return out


register(ReferralHandler("referral"))
register(ReferralHandler("case_update"))
