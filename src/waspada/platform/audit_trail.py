"""The audit trail as people read it: objects by their own numbers, the chain check on demand,
and the CSV export. Each operation is audited in its own transaction, like every service."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.platform import audit, labels
from waspada.platform.action_labels import audit_label, outcome_label
from waspada.platform.capabilities import object_resolvers
from waspada.platform.i18n import N_, translate
from waspada.platform.security.models import Unit, User
from waspada.platform.security.policy import Principal
from waspada.platform.security.schemas import AuditFilter
from waspada.platform.security.service import audit_query
from waspada.platform.timezones import format_local
from waspada.platform.work import ObjectRef

#: rows one export may hold (the filters narrow a larger trail)
EXPORT_LIMIT = 100_000


def _platform_refs(db: Session, object_type: str, ids: list[str]) -> dict[str, ObjectRef]:
    numbers = [int(i) for i in ids if i.isdigit()]
    if object_type == "user":
        return {str(uid): ObjectRef(name, f"/admin/users/{uid}") for uid, name in
                db.execute(select(User.id, User.username).where(User.id.in_(numbers)))}
    if object_type == "unit":
        return {str(uid): ObjectRef(name) for uid, name in
                db.execute(select(Unit.id, Unit.name).where(Unit.id.in_(numbers)))}
    return {}


def object_refs(db: Session, entries: Iterable[audit.AuditEntry]
                ) -> dict[tuple[str, str], ObjectRef]:
    """``(object_type, object_id) -> ObjectRef`` for the entries' objects: a case as its WSP-
    number, a screening as its BAP- number, each linked to its page (capabilities resolve their
    own objects, declared in ``capability.py``)."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        if entry.object_type and entry.object_id:
            wanted[entry.object_type].append(entry.object_id)
    resolvers = object_resolvers()
    refs: dict[tuple[str, str], ObjectRef] = {}
    for object_type, ids in wanted.items():
        unique = sorted(set(ids))
        resolver = resolvers.get(object_type)
        found = (resolver(db, unique) if resolver is not None
                 else _platform_refs(db, object_type, unique))
        refs.update({(object_type, key): ref for key, ref in found.items()})
    return refs


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    problem: str | None
    at: datetime


def verify_chain(db: Session, principal: Principal) -> ChainCheck:
    """Recompute the whole chain (``audit.verify``) and record that it was checked, with the
    outcome, in its own transaction."""
    result = audit.verify(db)
    db.rollback()  # the walk only read; the entry below starts a fresh transaction
    audit.record("audit.verify", principal, object_type="audit",
                 outcome="ok" if result.ok else "refused", checked=result.checked,
                 head_seq=result.head_seq, first_bad_seq=result.first_bad_seq, session=db)
    db.commit()
    return ChainCheck(result.ok, result.checked, result.head_seq, result.head_hash,
                      result.first_bad_seq, result.problem, datetime.now().astimezone())


def last_chain_check(db: Session) -> audit.AuditEntry | None:
    """The newest recorded chain check (for the administrator's home page)."""
    return db.scalar(select(audit.AuditEntry).where(audit.AuditEntry.action == "audit.verify")
                     .order_by(audit.AuditEntry.seq.desc()).limit(1))


EXPORT_HEADER = ("seq", "time", "time_utc", "actor", "via", "action", "action_label",
                 "object_type", "object_id", "object", "unit_id", "outcome", "detail", "hash")


def export_rows(db: Session, principal: Principal, filters: AuditFilter, zone: str
                ) -> list[list[Any]]:
    """The filtered entries, one row each in :data:`EXPORT_HEADER` order (local time with zone
    and UTC; readable action and object number beside the codes); the export itself is
    audited, with its filters. At most :data:`EXPORT_LIMIT` entries."""
    stmt = audit_query(db, filters, zone).order_by(audit.AuditEntry.seq).limit(EXPORT_LIMIT)
    entries = list(db.scalars(stmt))
    refs = object_refs(db, entries)
    rows: list[list[Any]] = []
    for e in entries:
        ref = refs.get((e.object_type or "", e.object_id or ""))
        rows.append([
            e.seq, format_local(e.created_at, zone, "%Y-%m-%d %H:%M:%S"),
            e.created_at.isoformat(), e.actor, e.via, e.action, audit_label(e.action),
            e.object_type or "", e.object_id or "", ref.label if ref else "",
            e.unit_id if e.unit_id is not None else "", outcome_label(e.outcome),
            e.detail, e.hash])
    used = {k: v for k, v in filters.model_dump().items() if v}
    audit.record("audit.export", principal, object_type="audit", count=len(rows),
                 filters=json.dumps(used, sort_keys=True), session=db)
    db.commit()
    return rows


def detail_items(entry: audit.AuditEntry) -> list[tuple[str, Any]]:
    """The entry's detail fields (ids, counts and codes only, by the audit rules)."""
    try:
        data = json.loads(entry.detail or "{}")
    except ValueError:
        return []
    return sorted(data.items()) if isinstance(data, dict) else []


#: the detail fields an auditor reads most, in words (English msgids); any other field keeps
#: its stored name
DETAIL_NAMES = {
    "count": N_("count"), "page": N_("page"), "days": N_("days"),
    "correction": N_("correction"), "level": N_("level"), "decided_action": N_("decided action"),
    "findings": N_("findings"), "hits": N_("hits"), "valid": N_("valid"), "reason": N_("reason"),
    "indicator": N_("indicator"), "document_no": N_("document number"),
    "verification_code": N_("verification code"), "fingerprint": N_("key fingerprint"),
    "created": N_("created"), "replaced": N_("replaced"), "screening_id": N_("screening"),
    "periods": N_("periods"), "query": N_("query"),
    # walk17: the remaining fields the demo and a day's API use write, which the page showed
    # as stored ("method=GET, path=/api/v1/watchlist", "for_user=analis", "screenings=1")
    "method": N_("method"), "path": N_("address"), "screenings": N_("screenings"),
    "chars": N_("characters"), "deidentified": N_("de-identified"), "depth": N_("depth"),
    "for_user": N_("for user"), "format": N_("file format"), "kind": N_("kind"),
    "known": N_("already known"), "links": N_("links"), "neighbours": N_("neighbours"),
    "queries": N_("queries"), "results": N_("results"), "seed": N_("random seed"),
    "total": N_("in all"), "user_id": N_("user id"), "via_api": N_("through the API"),
    "shown": N_("entries shown"), "via_page": N_("through the page"),
    # tokens18: a token's expiry day (token.create); tokens19: its scope (read, full)
    "expires": N_("expires"), "scope": N_("access"),
    # walk19: round two's exchange, network and statistics entries showed their stored names
    # ("partner=demo-dinsos-jatim, purpose=services, basis=override, fields=5, version=1")
    "partner": N_("partner"), "purpose": N_("purpose"), "basis": N_("basis"),
    "fields": N_("fields"), "version": N_("version"), "consent_id": N_("consent"),
    "given": N_("victim's answer"), "recipient": N_("recipient"), "added": N_("added"),
    "request_id": N_("verification request"), "conflict_id": N_("conflict"),
    "attempts": N_("attempts"), "persons": N_("persons"), "status": N_("status"),
    "decision": N_("decision"), "entity_a": N_("entity A"), "entity_b": N_("entity B"),
    "entities": N_("entities"), "seeded": N_("from a seed"), "score": N_("score"),
    "conflicts": N_("conflicts"), "consents": N_("consents"),
    "verifications": N_("verification requests"), "received": N_("received"),
    "incoming_version": N_("incoming version"), "local_version": N_("local version"),
    "kept": N_("kept"), "candidates": N_("candidates"), "destination": N_("destination"),
    "period": N_("period"), "area": N_("area"), "files": N_("files"),
    "list_kind": N_("list"),
    # audit.key_rotated: the ids of the retired key and of the key now in force
    "old_key_id": N_("retired audit key"), "new_key_id": N_("audit key in force"),
    # rekey20: a partner's key replaced (old and new fingerprints, bundles still held, cases
    # that came from it); a re-send refused (its error code)
    "old_fingerprint": N_("previous key fingerprint"), "held": N_("bundles held"),
    "cases": N_("cases"), "code": N_("reason")}
#: the words of codes some detail fields hold (their own kinds, or a dictionary's keys)
DETAIL_CODE_WORDS = {
    "services": N_("referral for services"), "verification": N_("citizenship verification"),
    "law_enforcement": N_("law enforcement"), "consent": N_("the victim's consent"),
    "override": N_("legal basis without consent"),
    "no_personal_data": N_("no personal data"), "verbal": N_("verbal"),
    "written": N_("written"), "open": N_("open"), "unsure": N_("unsure"),
    "confirmed": N_("confirmed"), "rejected": N_("rejected"), "undone": N_("undone"),
    "case": N_("cases"), "screening": N_("screenings"), "offer_report": N_("offer reports"),
    "watchlist": N_("watchlist entries"), "read": N_("read only"), "full": N_("full"),
    # token.revoke: why a token was revoked
    "administrator": N_("by an administrator"), "password_reset": N_("password reset"),
    "user_disabled": N_("account disabled"), "role_changed": N_("role changed"),
    "unit_changed": N_("moved to another unit")}
#: detail fields whose values are such codes
DETAIL_CODE_FIELDS = frozenset({"purpose", "basis", "method", "decision", "status", "scope",
                                "reason"})
#: detail fields whose values are codes of a labels kind (the statistics indicator's words
#: are registered by ``statistics/catalogue.py``; the export and the API keep the ids)
DETAIL_VALUE_KINDS = {"level": "risk", "decided_action": "action",
                      "indicator": "statistics_indicator", "kind": "exchange_kind",
                      "list_kind": "list_kind"}


def detail_words(entry: audit.AuditEntry, lang: str) -> list[tuple[str, str]]:
    """The detail fields as an auditor reads them in ``lang``: "tindakan yang diputuskan=
    Pemeriksaan lanjutan (wawancara kedua), koreksi=tidak" rather than
    "decided_action=secondary_interview, correction=False" (the export keeps the stored JSON)."""
    out: list[tuple[str, str]] = []
    for key, value in detail_items(entry):
        name = translate(DETAIL_NAMES[key], lang) if key in DETAIL_NAMES else key
        if isinstance(value, bool):
            text = translate(N_("Yes") if value else N_("No"), lang).lower()
        elif value is None:
            text = "-"
        elif key in DETAIL_VALUE_KINDS and isinstance(value, str):
            text = labels.label(DETAIL_VALUE_KINDS[key], value, lang)
        elif key in DETAIL_CODE_FIELDS and isinstance(value, str):
            text = _code_words(value, lang)
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "-"
        elif isinstance(value, dict):  # counts by code: {"case": 631, "screening": 14}
            text = ", ".join(f"{_code_words(str(k), lang)} {v}"
                             for k, v in sorted(value.items())) or "-"
        else:
            text = str(value)
        out.append((name, text))
    return out


def _code_words(code: str, lang: str) -> str:
    """A code a detail field holds in words (an unknown code as it is)."""
    return translate(DETAIL_CODE_WORDS[code], lang) if code in DETAIL_CODE_WORDS else code
