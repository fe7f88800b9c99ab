"""The Primero connector's operations: every CLI command and API route goes through here.

Each operation checks the policy, writes its audit entry in the same transaction and commits
once at the end (a refused call to Primero is logged, audited and committed, then raised).
Secrets come from the environment only: ``WASPADA_PRIMERO_<NAME>_PASSWORD`` (the Primero
account's password) and ``WASPADA_PRIMERO_<NAME>_WEBHOOK_KEY`` (the ``x-api-key`` Primero's
webhook sends), where ``<NAME>`` is the destination name upper-cased, ``-`` as ``_``.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.cases import service as cases_service
from waspada.exchange.primero import incoming
from waspada.exchange.primero.client import PrimeroClient, PrimeroError
from waspada.exchange.primero.mapping import Vocabulary, load_mapping, to_primero
from waspada.exchange.primero.store import (
    PrimeroDestination,
    PrimeroIncoming,
    PrimeroRecord,
    PrimeroSyncLog,
)
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.domain import DomainError
from waspada.platform.security.policy import Principal, allowed

ACTION = "exchange.primero.sync"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_MESSAGE = 500
ACCEPTANCE = ("auto", "manual")


class PrimeroSyncError(DomainError):
    """A refused connector operation (English message)."""


def _permit(principal: Principal) -> None:
    if not allowed(principal, ACTION):
        raise PrimeroSyncError("forbidden", "not allowed to synchronise with Primero", status=403)


def env_name(destination: str, what: str) -> str:
    return f"WASPADA_PRIMERO_{destination.upper().replace('-', '_')}_{what}"


def secret(destination: str, what: str) -> str | None:
    value = os.environ.get(env_name(destination, what), "")
    return value or None


def _destination(db: Session, name: str) -> PrimeroDestination:
    found = db.scalar(select(PrimeroDestination).where(PrimeroDestination.name == name))
    if found is None:
        raise PrimeroSyncError("not_found", "no Primero destination named {name}", status=404,
                               name=name)
    return found


def _log(db: Session, dest: PrimeroDestination, record: str | None, direction: str,
         status: str, http_status: int | None = None, message: str = "") -> None:
    db.add(PrimeroSyncLog(destination_id=dest.id, record=record, direction=direction,
                          status=status, http_status=http_status,
                          message=message[:MAX_MESSAGE]))


def add_destination(db: Session, principal: Principal, name: str, url: str,
                    user_name: str, acceptance: str = "auto") -> dict[str, Any]:
    _permit(principal)
    if acceptance not in ACCEPTANCE:
        raise PrimeroSyncError("invalid", "acceptance is auto or manual", status=422)
    if not NAME.match(name):
        raise PrimeroSyncError("invalid", "a destination name is 1-64 lower-case letters, "
                               "digits or '-'", status=422)
    if not (url.startswith("https://") or url.startswith("http://localhost")
            or url.startswith("http://127.0.0.1")):
        raise PrimeroSyncError("invalid", "the Primero URL must use https://", status=422)
    if not user_name.strip():
        raise PrimeroSyncError("invalid", "the Primero user name is required", status=422)
    if db.scalar(select(PrimeroDestination.id).where(PrimeroDestination.name == name)):
        raise PrimeroSyncError("exists", "a Primero destination named {name} exists",
                               status=409, name=name)
    dest = PrimeroDestination(name=name, url=url.rstrip("/"), user_name=user_name.strip(),
                              acceptance=acceptance)
    db.add(dest)
    db.flush()
    audit.record("primero.destination_add", principal, object_type="primero_destination",
                 object_id=dest.id, name=name, session=db)
    db.commit()
    return {"name": name, "url": dest.url, "user_name": dest.user_name,
            "acceptance": dest.acceptance,
            "password_env": env_name(name, "PASSWORD"),
            "webhook_key_env": env_name(name, "WEBHOOK_KEY")}


def connect(dest: PrimeroDestination, http: httpx.Client | None = None) -> PrimeroClient:
    password = secret(dest.name, "PASSWORD")
    if password is None:
        raise PrimeroSyncError("no_secret", "set {env} to the Primero password of {name}",
                               status=422, env=env_name(dest.name, "PASSWORD"), name=dest.name)
    return PrimeroClient(dest.url, dest.user_name, password, http=http)


def _refused(db: Session, principal: Principal | None, dest: PrimeroDestination,
             record: str | None, direction: str, action: str, error: PrimeroError) -> None:
    _log(db, dest, record, direction, "failed", error.http_status, str(error))
    audit.record(action, principal, object_type="primero_destination", object_id=dest.id,
                 outcome="refused", code=error.code, session=db)
    db.commit()


def push(db: Session, principal: Principal, case_number: str, destination: str, *,
         http: httpx.Client | None = None) -> dict[str, Any]:
    """Create or update one case at a Primero destination (changed fields only)."""
    _permit(principal)
    dest = _destination(db, destination)
    case_id = cases_service.find_case_id(db, principal, case_number)
    records, _ = cases_service.export(db, principal, [case_id], None, format="primero")
    mapping = load_mapping()
    client = connect(dest, http)
    row = db.scalar(select(PrimeroRecord).where(PrimeroRecord.destination_id == dest.id,
                                                PrimeroRecord.case_ref == case_number))
    if row is None:
        row = PrimeroRecord(destination_id=dest.id, case_ref=case_number,
                            primero_id=str(uuid.uuid4()), snapshot_json="{}", mapping_version=0)
        db.add(row)
    try:
        vocab = Vocabulary(client.lookups(), client.locations())
        mapped = to_primero(records[0], mapping, vocab)
        for unknown in mapped.unknown:
            _log(db, dest, case_number, "out", "unknown_value", None, unknown.message())
        last = json.loads(row.snapshot_json) if row.sent_at else None
        result = client.push_case(row.primero_id, mapped.data, last)
    except PrimeroError as error:
        _refused(db, principal, dest, case_number, "out", "primero.push", error)
        raise
    finally:
        client.close()
    incoming.share_pushed(db, case_id, incoming.partner_of(dest))
    row.snapshot_json = json.dumps(mapped.data, sort_keys=True, default=str)
    row.mapping_version = mapping.version
    row.sent_at = utcnow()
    _log(db, dest, case_number, "out", result.action, result.http_status,
         f"fields: {', '.join(result.sent_fields) or '-'}; mapping v{mapping.version}; "
         f"vocabulary {vocab.version}")
    audit.record("primero.push", principal, object_type="case", object_id=case_id,
                 destination=dest.name, result=result.action, fields=len(result.sent_fields),
                 unknown=len(mapped.unknown), session=db)
    db.commit()
    return {"case_number": case_number, "primero_id": row.primero_id, "result": result.action,
            "fields": result.sent_fields, "unknown": [u.message() for u in mapped.unknown]}


def refer(db: Session, principal: Principal, case_number: str, destination: str,
          to_user: str, notes: str | None, *, http: httpx.Client | None = None
          ) -> dict[str, Any]:
    """Refer a case already pushed to the destination to one Primero user."""
    _permit(principal)
    dest = _destination(db, destination)
    row = db.scalar(select(PrimeroRecord).where(PrimeroRecord.destination_id == dest.id,
                                                PrimeroRecord.case_ref == case_number))
    if row is None or row.sent_at is None:
        raise PrimeroSyncError("not_pushed", "push {case} to {name} before referring it",
                               status=409, case=case_number, name=destination)
    client = connect(dest, http)
    try:
        made = client.refer(row.primero_id, to_user, notes)
    except PrimeroError as error:
        _refused(db, principal, dest, case_number, "out", "primero.refer", error)
        raise
    finally:
        client.close()
    _log(db, dest, case_number, "out", "referred", 200, f"referral {made.get('id', '')}")
    audit.record("primero.refer", principal, object_type="primero_destination",
                 object_id=dest.id, case=case_number, session=db)
    db.commit()
    return {"case_number": case_number, "referral_id": made.get("id")}


def pull(db: Session, principal: Principal, destination: str, *,
         http: httpx.Client | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Read the cases changed at the destination since the watermark, and those webhooks named.

    Each case read goes through the referral import (:func:`_import_pulled`) and gets one
    sync-log line with what happened; the watermark moves to the start of this pull only when
    every page was read.
    """
    _permit(principal)
    dest = _destination(db, destination)
    until = now or datetime.now(UTC)
    since = dest.watermark or EPOCH
    pending = list(db.scalars(select(PrimeroSyncLog).where(
        PrimeroSyncLog.destination_id == dest.id, PrimeroSyncLog.status == "pull_pending")))
    client = connect(dest, http)
    pulled: list[dict[str, Any]] = []
    try:
        gone = []
        for record in dict.fromkeys(str(e.record) for e in pending):  # one GET per record
            try:
                pulled.append(client.get_case(record))
            except PrimeroError as error:
                if error.http_status != 404:
                    raise
                gone.append(record)
        named = {str(c.get("id")) for c in pulled}
        for case in client.changed_cases(since, until):
            if str(case.get("id")) not in named:  # already read because a webhook named it
                pulled.append(case)
        vocab = Vocabulary(client.lookups(), client.locations()) if pulled else None
    except PrimeroError as error:
        _refused(db, principal, dest, None, "in", "primero.pull", error)
        raise
    finally:
        client.close()
    for entry in pending:
        entry.status = "pull_done"
    for record in gone:
        _log(db, dest, record, "in", "gone", 404, "named by a webhook, no longer readable")
    outcomes = _import_pulled(db, principal, dest, pulled, vocab)
    dest.watermark = until
    _log(db, dest, None, "in", "watermark", None,
         f"pulled {len(pulled)} cases changed in {since.isoformat()}..{until.isoformat()}")
    counts = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    audit.record("primero.pull", principal, object_type="primero_destination",
                 object_id=dest.id, count=len(pulled), results=counts, session=db)
    db.commit()
    return {"destination": dest.name, "pulled": len(pulled), "from_webhooks": len(pending),
            "watermark": until.isoformat(), "ids": [str(c.get("id")) for c in pulled],
            "results": counts}


def _import_pulled(db: Session, principal: Principal, dest: PrimeroDestination,
                   pulled: list[dict[str, Any]], vocab: Vocabulary | None) -> list[str]:
    """Each pulled case through the referral import (:mod:`.incoming`), one savepoint each: a
    case the import refuses is logged ``failed`` with the reason and the others go on. The
    sync log gets one line per case: created, updated, linked, conflict, unchanged, pending
    (manual acceptance), no_consent, skipped (no victim data) or failed."""
    mapping = load_mapping()
    outcomes = []
    for case in pulled:
        record = str(case.get("id", ""))[:64]
        assert vocab is not None  # read whenever a case was pulled
        message = f"{len(case)} fields; mapping v{mapping.version}; vocabulary {vocab.version}"
        try:
            with db.begin_nested():
                status, mapped = incoming.take(db, principal, dest, case, mapping, vocab)
        except DomainError as error:
            status, mapped, message = "failed", None, str(error)[:MAX_MESSAGE]
        for unknown in mapped.unknown if mapped else ():
            _log(db, dest, record, "in", "unknown_value", None, unknown.message())
        outcomes.append(status)
        _log(db, dest, record, "in", status, 200, message)
    return outcomes


def _incoming_row(db: Session, dest: PrimeroDestination, incoming_id: int) -> PrimeroIncoming:
    row = db.get(PrimeroIncoming, incoming_id)
    if row is None or row.destination_id != dest.id:
        raise PrimeroSyncError("not_found", "no pulled case {id} from {name}", status=404,
                               id=incoming_id, name=dest.name)
    return row


def pending(db: Session, principal: Principal, destination: str) -> list[dict[str, Any]]:
    """Pulled cases waiting for acceptance, each with what accepting it would change (read-only;
    reading them is audited)."""
    _permit(principal)
    dest = _destination(db, destination)
    rows = list(db.scalars(select(PrimeroIncoming).where(
        PrimeroIncoming.destination_id == dest.id, PrimeroIncoming.status == "pending")
        .order_by(PrimeroIncoming.id)))
    out = []
    for row in rows:
        shown = incoming.preview(db, principal, dest, row)
        out.append({"id": row.id, "primero_id": row.primero_id, "version": row.version,
                    "received_at": row.received_at.isoformat(),
                    "case_number": shown.case_number, "created": shown.created,
                    "conflict": shown.conflict, "changes": shown.changes})
    audit.record("primero.pending_read", principal, object_type="primero_destination",
                 object_id=dest.id, count=len(out), session=db)
    db.commit()
    return out


def _pending(db: Session, principal: Principal, destination: str, incoming_id: int
             ) -> tuple[PrimeroDestination, PrimeroIncoming]:
    """The destination and its pulled case still waiting for a decision (409 if decided)."""
    _permit(principal)
    dest = _destination(db, destination)
    row = _incoming_row(db, dest, incoming_id)
    if row.status != "pending":
        raise PrimeroSyncError("decided", "pulled case {id} was decided already ({state})",
                               status=409, id=incoming_id, state=row.status)
    return dest, row


def accept(db: Session, principal: Principal, destination: str, incoming_id: int
           ) -> dict[str, Any]:
    """An administrator accepts a pulled case: applied through the referral import now."""
    dest, row = _pending(db, principal, destination, incoming_id)
    applied = incoming.apply(db, principal, dest, row)
    row.status = "accepted"
    result = incoming.status_of(applied)
    _log(db, dest, row.primero_id, "in", result, None, "accepted by an administrator")
    audit.record("primero.accept", principal, object_type="primero_incoming", object_id=row.id,
                 destination=dest.name, result=result, session=db)
    db.commit()
    return {"id": row.id, "result": result, "case_number": applied.case_number}


def reject(db: Session, principal: Principal, destination: str, incoming_id: int
           ) -> dict[str, Any]:
    """An administrator rejects a pulled case: nothing applied, its payload erased now."""
    dest, row = _pending(db, principal, destination, incoming_id)
    row.status, row.payload_json = "rejected", "{}"
    row.decided_by, row.decided_at = principal.username[:64], utcnow()
    _log(db, dest, row.primero_id, "in", "rejected", None, "rejected by an administrator")
    audit.record("primero.reject", principal, object_type="primero_incoming", object_id=row.id,
                 destination=dest.name, session=db)
    db.commit()
    return {"id": row.id, "result": "rejected"}


def webhook(db: Session, destination: str, api_key: str | None,
            payload: Any) -> dict[str, Any]:
    """A Primero case-change webhook (webhook_connector.rb#post_params): record the change and
    schedule a pull of that record. Only the record id and type are kept."""
    dest = db.scalar(select(PrimeroDestination).where(PrimeroDestination.name == destination))
    expected = secret(destination, "WEBHOOK_KEY") if dest is not None else None
    given = (api_key or "").encode()
    if expected is None or not hmac.compare_digest(given, expected.encode()):
        raise PrimeroSyncError("unauthorized", "unknown destination or wrong x-api-key",
                               status=401)
    assert dest is not None
    data = payload.get("data") if isinstance(payload, dict) else None
    record_id = data.get("record_id") if isinstance(data, dict) else None
    try:
        record_id = str(uuid.UUID(str(record_id)))
    except ValueError:
        raise PrimeroSyncError("invalid", "a Primero webhook carries data.record_id (a UUID)",
                               status=422) from None
    record_type = str(data.get("record_type") or "") if isinstance(data, dict) else ""
    if record_type != "case":  # record.class.parent_form of a Child is "case"
        raise PrimeroSyncError("invalid", "only case webhooks are accepted", status=422)
    _log(db, dest, record_id, "in", "pull_pending", None, "webhook: case changed")
    audit.record("primero.webhook", None, actor=f"primero:{dest.name}",
                 object_type="primero_destination", object_id=dest.id, session=db)
    db.commit()
    return {"accepted": True, "record_id": record_id}


def log_entries(db: Session, principal: Principal, destination: str,
                limit: int = 100) -> list[dict[str, Any]]:
    _permit(principal)
    dest = _destination(db, destination)
    rows = db.scalars(select(PrimeroSyncLog).where(PrimeroSyncLog.destination_id == dest.id)
                      .order_by(PrimeroSyncLog.id.desc()).limit(max(1, min(limit, 10_000))))
    out = [{"time": r.created_at.isoformat(), "record": r.record, "direction": r.direction,
            "status": r.status, "http_status": r.http_status, "message": r.message}
           for r in rows]
    audit.record("primero.log", principal, object_type="primero_destination",
                 object_id=dest.id, count=len(out), session=db)
    db.commit()
    return out
