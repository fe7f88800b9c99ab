"""The audit trail as people read it: objects by their own numbers, the chain check on demand,
and the CSV export. Each operation is audited in its own transaction, like every service."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.platform import audit, labels
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


EXPORT_HEADER = ("seq", "time", "time_utc", "actor", "via", "action", "object_type",
                 "object_id", "object", "unit_id", "outcome", "detail", "hash")


def export_rows(db: Session, principal: Principal, filters: AuditFilter, zone: str
                ) -> list[list[Any]]:
    """The filtered entries, one row each in :data:`EXPORT_HEADER` order (local time as pages
    write it, DD-MM-YYYY with the zone, and the ISO UTC time for machines; the codes as stored,
    which the job's columns show in the reader's words: ``audit_job.py``); the export itself is
    audited, with its filters. At most :data:`EXPORT_LIMIT` entries."""
    stmt = audit_query(db, filters, zone).order_by(audit.AuditEntry.seq).limit(EXPORT_LIMIT)
    entries = list(db.scalars(stmt))
    refs = object_refs(db, entries)
    rows: list[list[Any]] = []
    for e in entries:
        ref = refs.get((e.object_type or "", e.object_id or ""))
        rows.append([
            e.seq, format_local(e.created_at, zone, "%d-%m-%Y %H:%M:%S"),
            e.created_at.isoformat(), e.actor, e.via, e.action,
            e.object_type or "", e.object_id or "", ref.label if ref else "",
            e.unit_id if e.unit_id is not None else "", e.outcome, e.detail, e.hash])
    used = {k: v for k, v in filters.model_dump().items() if v}
    audit.record("audit.export", principal, object_type="audit", count=len(rows),
                 filters=json.dumps(used, sort_keys=True), session=db)
    db.commit()
    return rows


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
    "cases": N_("cases"), "code": N_("reason"),
    # r25: every other field the code writes (tests/platform/test_audit_detail_names.py walks
    # the audit.record calls); the page read "item_id=1535, transition=exit, review_pairs=9"
    "answered": N_("questions answered"), "approved": N_("approved"),
    "attachment_id": N_("attachment"), "bytes": N_("size in bytes"), "case": N_("case"),
    "case_id": N_("case"), "case_number": N_("case number"), "checked": N_("entries checked"),
    "clusters": N_("groups"), "consent_override": N_("without the victim's consent"),
    "dataset": N_("data set"), "day_from": N_("from"), "day_to": N_("to"),
    "document": N_("document"), "duplicates": N_("possible duplicates"), "error": N_("error"),
    "file": N_("file"), "filters": N_("filters"), "first_bad_seq": N_("first bad entry"),
    "full": N_("full recount"), "head_seq": N_("newest entry"),
    "incoming": N_("taken from the partner"), "item_id": N_("item"),
    "k": N_("smallest count shown"), "merge_id": N_("merge"), "merged_case_id": N_("merged case"),
    "name": N_("name"), "organisation": N_("organisation"), "origin": N_("records from"),
    "pending_referrals": N_("referrals still awaiting an answer"),
    "person_search": N_("person searched by"), "previous": N_("previous role"),
    "previous_unit_id": N_("previous unit"), "primero": N_("Primero records"),
    "records": N_("records"), "references": N_("references"), "referral_id": N_("referral"),
    "result": N_("result"), "retention_days": N_("days kept"),
    "review_pairs": N_("pairs to review"), "role": N_("role"), "rows": N_("rows"),
    "run_id": N_("run"), "section": N_("section"), "size": N_("size"),
    "skipped": N_("skipped"), "superseded_conflicts": N_("conflicts superseded"),
    "survivor_id": N_("kept case"), "time_zone": N_("time zone"), "transition": N_("step"),
    "type": N_("type"), "unknown": N_("unknown fields"), "updated": N_("updated"),
    "was": N_("previous status")}
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
    "unit_changed": N_("moved to another unit"),
    # r25: a consent's scope, a printed document, a duplicate search's records, what a person
    # search looked for, export file formats
    "referral": N_("referral"), "data_processing": N_("data processing"),
    "research": N_("research"), "referral_letter": N_("referral letter"),
    "summary": N_("case summary"), "upload": N_("an uploaded file"),
    "database": N_("the database"), "nik": N_("identity number (NIK)"),
    "phone": N_("phone number"), "passport": N_("passport number"), "name": N_("name"),
    "csv": N_("CSV file"), "xlsx": N_("Excel file"), "jsonl": N_("JSON lines file"),
    "contacts_csv": N_("contacts file (CSV)"), "ftm": N_("FollowTheMoney file (JSON)"),
    "htcds-json": N_("HTCDS file (JSON)"), "htcds-csv": N_("HTCDS file (CSV)")}
#: detail fields whose values are such codes
DETAIL_CODE_FIELDS = frozenset({"purpose", "basis", "method", "decision", "status", "scope",
                                "reason", "document", "origin", "person_search", "format"})
#: detail fields whose values are codes of a labels kind, the first kind that knows the code
#: (the statistics indicator's words are registered by ``statistics/catalogue.py``, a case
#: step's by ``cases/workflow.py``; the export and the API keep the ids); a list value is
#: read code by code
DETAIL_VALUE_KINDS: dict[str, tuple[str, ...]] = {
    "level": ("risk",), "decided_action": ("action",), "indicator": ("statistics_indicator",),
    "kind": ("exchange_kind", "referral_kind"), "list_kind": ("list_kind",),
    "organisation": ("organisation",), "transition": ("case_transition",),
    "fields": ("case_field", "exchange_field"), "incoming": ("exchange_field",),
    "kept": ("exchange_field",), "status": ("referral_status", "exchange_outbox_status"),
    "type": ("event_type",), "role": ("person_role",)}
#: an entry's object type puts another kind first ("kind=referral" of a case is a referral
#: for services, of an exchange bundle the bundle's kind; "status=pending" likewise)
_KINDS_FIRST: dict[tuple[str, str], tuple[str, ...]] = {
    ("case", "kind"): ("referral_kind",),
    ("exchange_outbox", "status"): ("exchange_outbox_status",),
    ("exchange_inbox", "status"): ("exchange_outbox_status",)}
#: a calendar day as stored (ISO 8601), written as pages write it
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def detail_words(entry: audit.AuditEntry, lang: str) -> list[tuple[str, str]]:
    """The detail fields as an auditor reads them in ``lang``: "tindakan yang diputuskan=
    Pemeriksaan lanjutan (wawancara kedua), koreksi=tidak" rather than
    "decided_action=secondary_interview, correction=False" (the export keeps the stored JSON)."""
    return stored_detail_words(entry.detail, entry.object_type, lang)


def stored_detail_words(detail: str | None, object_type: str | None,
                        lang: str) -> list[tuple[str, str]]:
    """:func:`detail_words` of a stored detail (JSON) and object type (the export job's rows
    keep both)."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    out: list[tuple[str, str]] = []
    for key, value in sorted(data.items()):
        name = translate(DETAIL_NAMES[key], lang) if key in DETAIL_NAMES else key
        if isinstance(value, bool):
            text = translate(N_("Yes") if value else N_("No"), lang).lower()
        elif value is None:
            text = "-"
        elif isinstance(value, str):
            text = _value_words(key, value, object_type or "", data, lang)
        elif isinstance(value, list):
            text = ", ".join(_value_words(key, str(v), object_type or "", data, lang)
                             for v in value) or "-"
        elif isinstance(value, dict):  # counts by code: {"case": 631, "screening": 14}
            text = ", ".join(f"{_code_words(str(k), lang)} {v}"
                             for k, v in sorted(value.items())) or "-"
        else:
            text = str(value)
        out.append((name, text))
    return out


def detail_text(detail: str | None, object_type: str | None, lang: str) -> str:
    """The detail as one line of words ("rows=77, section=Screenings")."""
    return ", ".join(f"{k}={v}" for k, v in stored_detail_words(detail, object_type, lang))


def _value_words(key: str, value: str, object_type: str, data: dict[str, Any],
                 lang: str) -> str:
    """One stored value of detail field ``key`` in words (an unknown code as it is)."""
    if _ISO_DAY.fullmatch(value):
        return format_local(value, None, "%d-%m-%Y")
    kinds = (*_KINDS_FIRST.get((object_type, key), ()), *DETAIL_VALUE_KINDS.get(key, ()))
    for kind in kinds:
        words = labels.label(kind, value, lang)
        if words != value:
            return words
    if key in ("kind", "section"):  # a background job's kind and result section
        title = _job_words(key, value, data)
        if title is not None:
            return translate(title, lang)
    if key in ("role", "previous"):  # a user's role (a person's role in a case is above)
        from waspada.platform.security.roles import role_label

        return role_label(value, lang)
    if key in DETAIL_CODE_FIELDS:
        return _code_words(value, lang)
    return value


def _job_words(key: str, value: str, data: dict[str, Any]) -> str | None:
    """A job kind's or result section's title (a msgid), or None."""
    from waspada.platform.jobs.kinds import kind_of, registry

    if key == "kind":
        job_kind = kind_of(value)
        return job_kind.title if job_kind else None
    own = kind_of(str(data.get("kind", "")))
    for job_kind in (*([own] if own else []), *registry().values()):
        section = job_kind.section(value)
        if section is not None:
            return section.title
    return None


def _code_words(code: str, lang: str) -> str:
    """A code a detail field holds in words (an unknown code as it is)."""
    return translate(DETAIL_CODE_WORDS[code], lang) if code in DETAIL_CODE_WORDS else code
