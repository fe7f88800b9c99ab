"""The screening operations, one function each, for the API, the pages and the demo alike.

Each checks access (the policy action is checked by the route; the unit scope here: a screening
of another unit is :class:`NotFound`, like one that does not exist), changes data, records its
audit entry in the same transaction and commits once. On a refused operation nothing is written
(the transaction is rolled back) and a :class:`ScreeningError` says why.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.identity import service as identity_service
from waspada.identity.mrz import MRZResult
from waspada.network import service as network
from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.i18n import N_
from waspada.platform.jobs import service as jobs
from waspada.platform.jobs.store import Job
from waspada.platform.security.models import Unit, User
from waspada.platform.security.policy import CROSS_UNIT_ROLES, Principal, may_access_unit
from waspada.platform.timezones import format_local, zone_of
from waspada.screening import evidence, persons
from waspada.screening.assess import ACTIONS, POSTPONING_ACTIONS
from waspada.screening.catalogue import legal_basis_codes
from waspada.screening.decisions import effective_decision, verification_code
from waspada.screening.errors import NotFound, ScreeningError
from waspada.screening.pdf import render_record
from waspada.screening.schemas import AnswersIn, ApprovalIn, DecisionIn, ScreeningIn
from waspada.screening.store import (
    Screening,
    ScreeningApproval,
    ScreeningDecision,
)
from waspada.screening.views import record_for_pdf, screening_dict

if TYPE_CHECKING:
    from waspada.identity.reading import DocumentRead

__all__ = ["NotFound", "PhotoRead", "ScreeningError", "answer", "approve", "decide",
           "export_rows", "load", "person_history", "read", "read_photo", "record_pdf", "start",
           "start_fields", "stats", "today"]


@contextmanager
def _refused_writes_nothing(db: Session) -> Iterator[None]:
    try:
        yield
    except Exception:
        db.rollback()
        raise


def load(db: Session, principal: Principal, screening_id: int) -> Screening:
    """The screening, if it exists and the principal's unit may see it."""
    screening = db.get(Screening, screening_id)
    if screening is None or not may_access_unit(principal, screening.unit_id):
        raise NotFound()
    return screening


def _decision_of(db: Session, screening: Screening, decision_id: int) -> ScreeningDecision:
    decision = db.get(ScreeningDecision, decision_id)
    if decision is None or decision.screening_id != screening.id:
        raise NotFound()
    return decision


# -- the start form's photo -------------------------------------------------------------------

@dataclass(frozen=True)
class PhotoRead:
    """A passport photo read for the start form: the identity capability's read (MRZ result,
    OCR lines, crop) and the start-form values it gives."""

    read: DocumentRead
    fields: dict[str, str]


def start_fields(result: MRZResult) -> dict[str, str]:
    """The start form's values from an MRZ: the lines, name, passport number, nationality,
    birth date, sex and expiry (ISO dates, as the form's date inputs take them). Empty when no
    MRZ layout was found; a field the MRZ leaves empty is left out."""
    if result.document_type is None:
        return {}
    f = result.fields
    name = " ".join(x for x in (f.get("given_names"), f.get("surname")) if x)
    values = {"mrz": result.text(), "full_name": name,
              "passport_no": f.get("document_number") or "",
              "nationality": f.get("nationality") or "", "birth_date": f.get("birth_date") or "",
              "sex": f.get("sex") if f.get("sex") in ("M", "F") else "",
              "expiry_date": f.get("expiry_date") or ""}
    return {k: v for k, v in values.items() if v}


def read_photo(db: Session, principal: Principal, data: bytes) -> PhotoRead:
    """Read the MRZ from a photo or scan of the data page for the start form, through the
    identity service (the same reading as "Periksa Dokumen"; ``ImageError`` when unreadable).
    Nothing is stored: the image lives for this request only and is never logged; the officer
    compares the filled-in fields with the crop and then starts the screening. The read is
    audited as a document check (outcome and number of findings, never the document)."""
    read = identity_service.read_image(db, principal, data, kind="screening_image")
    return PhotoRead(read, start_fields(read.result))


# -- writes ------------------------------------------------------------------------------------

def start(db: Session, principal: Principal, data: ScreeningIn, *,
          synthetic: bool = False) -> Screening:
    """Start a screening: document checks, watchlist, earlier screenings, offer, assessment."""
    with _refused_writes_nothing(db):
        screening = evidence.build_screening(db, principal, data, synthetic=synthetic)
        network.source_changed(db, "screening", screening.id)
        audit.record("screening.create", principal, object_type="screening",
                     object_id=screening.id, unit_id=screening.unit_id, level=screening.level,
                     session=db)
        db.commit()
    return screening


def answer(db: Session, principal: Principal, screening_id: int, data: AnswersIn) -> Screening:
    """Record interview answers (and notes, offer text) and assess again."""
    screening = load(db, principal, screening_id)
    with _refused_writes_nothing(db):
        if screening.status != "open":
            raise ScreeningError("decided", N_("This screening is already decided; record a "
                                               "correction instead."))
        merged = screening.load("answers")
        merged.update(evidence.clean_answers(data.answers))
        screening.answers_json = json.dumps(merged)
        if data.notes is not None:
            screening.notes = data.notes
        if data.offer_text is not None and data.offer_text != screening.offer_text:
            screening.offer_text = data.offer_text
            screening.offer_json = json.dumps(evidence.offer_analysis(db, data.offer_text))
            facts = screening.load("facts")
            facts["network"] = network.screening_hits(
                db, principal, evidence.network_fields(facts.get("sponsor", ""),
                                                       facts.get("contacts_abroad", ""),
                                                       data.offer_text),
                exclude=("screening", screening.id))
            screening.facts_json = json.dumps(facts)
            network.source_changed(db, "screening", screening.id)
        evidence.run_assessment(screening)
        audit.record("screening.update", principal, object_type="screening",
                     object_id=screening.id, unit_id=screening.unit_id,
                     answered=len(data.answers), session=db)
        db.commit()
    return screening


def decide(db: Session, principal: Principal, screening_id: int, data: DecisionIn
           ) -> ScreeningDecision:
    """Sign a decision (or a correction). A different action from the recommendation, and
    every correction, needs a reason; at least one legal basis of the screening's kind."""
    screening = load(db, principal, screening_id)
    corrects = (_decision_of(db, screening, data.corrects_decision_id)
                if data.corrects_decision_id is not None else None)
    with _refused_writes_nothing(db):
        if data.action not in ACTIONS:
            raise ScreeningError("bad_action", N_("Choose an action."),
                                 problems={"action": N_("Choose an action.")})
        if corrects is None and screening.status != "open":
            raise ScreeningError("decided", N_("This screening is already decided; record a "
                                               "correction instead."))
        missing: dict[str, str] = {}
        if corrects is not None and not data.correction_reason.strip():
            missing["correction_reason"] = N_("A correction needs a reason.")
        if data.action != screening.recommended_action and not data.deviation_reason.strip():
            missing["deviation_reason"] = N_("The action differs from the recommendation: "
                                             "give a reason.")
        if missing:
            raise ScreeningError("reason_required", N_(
                "Give a reason: the decision differs from the recommendation, or it corrects "
                "an earlier one."), problems=missing)
        allowed_bases = legal_basis_codes(screening.kind)
        if not data.legal_bases or any(b not in allowed_bases for b in data.legal_bases):
            raise ScreeningError("legal_basis", N_("Choose at least one legal basis."),
                                 problems={"legal_bases": N_("Choose at least one legal "
                                                             "basis.")})
        unit = db.get(Unit, screening.unit_id)
        signed_at = utcnow()
        corrects_id = corrects.id if corrects else None
        decision = ScreeningDecision(
            screening_id=screening.id, action=data.action,
            recommended_action=screening.recommended_action,
            deviation_reason=data.deviation_reason.strip(),
            legal_bases_json=json.dumps(data.legal_bases), statement=data.statement.strip(),
            officer_id=principal.user_id, signed_at=signed_at,
            verification_code=verification_code(screening.id, screening.record_no,
                                                data.action, signed_at.isoformat(),
                                                corrects_id),
            corrects_id=corrects_id, correction_reason=data.correction_reason.strip(),
            needs_approval=bool(unit and unit.requires_supervisor_approval
                                and data.action in POSTPONING_ACTIONS),
            assessment_version=json.loads(screening.assessment_json or "{}").get("version", ""))
        db.add(decision)
        screening.status = "decided"
        screening.final_action = data.action
        screening.updated_at = utcnow()
        db.flush()
        audit.record("screening.decide", principal, object_type="screening_decision",
                     object_id=decision.id, unit_id=screening.unit_id,
                     decided_action=decision.action, screening_id=screening.id,
                     correction=corrects is not None, session=db)
        db.commit()
    return decision


def is_supervisor(db: Session, principal: Principal) -> bool:
    user = db.get(User, principal.user_id) if principal.user_id else None
    return bool(user and user.is_supervisor)


def approve(db: Session, principal: Principal, screening_id: int, decision_id: int,
            data: ApprovalIn) -> ScreeningApproval:
    """A supervisor of the screening's unit approves (or refuses) another officer's decision."""
    screening = load(db, principal, screening_id)
    decision = _decision_of(db, screening, decision_id)
    with _refused_writes_nothing(db):
        if not is_supervisor(db, principal):
            raise ScreeningError("not_supervisor",
                                 N_("Only a supervisor of the unit can approve."))
        if decision.officer_id == principal.user_id:
            raise ScreeningError("own_decision",
                                 N_("A supervisor cannot approve their own decision."))
        if not decision.needs_approval:
            raise ScreeningError("no_approval_needed", N_("This decision needs no approval."))
        approval = ScreeningApproval(decision_id=decision.id, supervisor_id=principal.user_id,
                                     approved=data.approved, note=data.note.strip())
        db.add(approval)
        db.flush()
        audit.record("screening.approve", principal, object_type="screening_decision",
                     object_id=decision.id, unit_id=screening.unit_id,
                     approved=approval.approved, session=db)
        db.commit()
    return approval


# -- audited reads -----------------------------------------------------------------------------

def read(db: Session, principal: Principal, screening_id: int, lang: str
         ) -> tuple[Screening, dict[str, Any]]:
    """The screening and its shaped view in ``lang``; the read is audited."""
    screening = load(db, principal, screening_id)
    data = screening_dict(db, screening, lang)
    audit.record("screening.read", principal, object_type="screening", object_id=screening.id,
                 unit_id=screening.unit_id, session=db)
    db.commit()
    return screening, data


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str


def record_pdf(db: Session, principal: Principal, screening_id: int,
               decision_id: int | None) -> Document:
    """The official record (Berita Acara) of a decision (the newest one by default)."""
    screening = load(db, principal, screening_id)
    decision = (_decision_of(db, screening, decision_id) if decision_id is not None
                else effective_decision(db, screening))
    if decision is None and decision_id is not None:
        raise NotFound()
    if decision is None:  # walk17: was the same 404 as a screening that does not exist
        raise ScreeningError("not_decided", N_(
            "This screening has no decision yet: the official record is made when a "
            "decision is signed."), status=409)
    content = render_record(record_for_pdf(db, screening, decision))
    audit.record("screening.export", principal, object_type="screening",
                 object_id=screening.id, unit_id=screening.unit_id, format="pdf", session=db)
    db.commit()
    return Document(content, screening.record_no.replace("/", "-") + ".pdf")


def person_history(db: Session, principal: Principal, person_id: int, lang: str
                   ) -> dict[str, Any]:
    """Every screening of this traveller the caller may see, and look-alikes they may open."""
    data = persons.history(db, principal, person_id, lang)
    audit.record("person.history.read", principal, object_type="screening_person",
                 object_id=person_id, screenings=len(data["screenings"]), session=db)
    db.commit()
    return data


def unit_scope(principal: Principal) -> int | None:
    """None = every unit; otherwise the principal's own unit."""
    return None if principal.role in CROSS_UNIT_ROLES else principal.unit_id


def _bucket(action: str | None) -> str:
    if action == "postpone":
        return "postponed"
    if action in ("refer_kp2mi", "refer_police"):
        return "referred"
    return "screened"


def stats(db: Session, principal: Principal, days: int) -> dict[str, Any]:
    """Screenings per day, destination and unit over the last ``days`` days (unit-scoped)."""
    since = datetime.now(UTC) - timedelta(days=days)
    stmt = select(Screening.created_at, Screening.final_action, Screening.destination_country,
                  Screening.unit_id).where(Screening.created_at >= since)
    scope = unit_scope(principal)
    if scope is not None:
        stmt = stmt.where(Screening.unit_id == scope)
    units = {u.id: u.name for u in db.scalars(select(Unit))}
    by_day: dict[str, Counter[str]] = {}
    by_dest: Counter[str] = Counter()
    by_unit: dict[str, Counter[str]] = {}
    for created, action, dest, unit_id in db.execute(stmt):
        bucket = _bucket(action)
        by_day.setdefault(created.date().isoformat(), Counter())[bucket] += 1
        by_dest[dest or "-"] += 1
        by_unit.setdefault(units.get(unit_id, "?"), Counter())[bucket] += 1
    audit.record("screening.stats", principal, object_type="screening", days=days, session=db)
    db.commit()
    return {"days": days, "by_day": sorted(by_day.items(), reverse=True),
            "by_dest": by_dest.most_common(), "by_unit": sorted(by_unit.items())}


EXPORT_HEADER = ("record_no", "created_at_utc", "created_at_local", "unit", "kind", "officer",
                 "full_name", "nik", "passport_no", "destination_country", "level",
                 "recommended_action",
                 "final_action")


@dataclass(frozen=True)
class Export:
    start: date
    end: date
    rows: list[list[str]]


def export_rows(db: Session, principal: Principal, start: date | None, end: date | None,
                fmt: str) -> Export:
    """The unit's screenings for a period (default: the last 30 days), one row each."""
    end = end or datetime.now(UTC).date()
    start = start or (datetime.now(UTC).date() - timedelta(days=30))
    stmt = select(Screening).where(
        Screening.created_at >= datetime.combine(start, time.min, tzinfo=UTC))
    if end < date.max:  # the day after 9999-12-31 does not exist (it was an OverflowError)
        stmt = stmt.where(Screening.created_at < datetime.combine(end + timedelta(days=1),
                                                                  time.min, tzinfo=UTC))
    scope = unit_scope(principal)
    if scope is not None:
        stmt = stmt.where(Screening.unit_id == scope)
    rows = [[s.record_no, s.created_at.strftime("%Y-%m-%d %H:%M"),
             format_local(s.created_at, zone_of(s.unit), "%d-%m-%Y %H:%M"), s.unit.name, s.kind,
             s.officer.username if s.officer else "", s.full_name, s.nik or "",
             s.passport_no or "", s.destination_country, s.level, s.recommended_action,
             s.final_action or ""] for s in db.scalars(stmt.order_by(Screening.created_at))]
    audit.record("screening.export", principal, object_type="screening", format=fmt,
                 count=len(rows), day_from=start.isoformat(), day_to=end.isoformat(), session=db)
    db.commit()
    return Export(start, end, rows)


def start_export(db: Session, principal: Principal, start: date | None, end: date | None,
                 fmt: str) -> Job:
    """Start the export as a background job (``screening/exportjob.py``; the route checks
    ``screening.export``): the rows are read, audited and kept as the job's results."""
    if fmt not in ("csv", "xlsx"):
        raise ScreeningError("bad_format", N_("Choose CSV or Excel."), status=400)
    if start and end and end < start:
        raise ScreeningError("bad_period", N_("The end date is before the start date."),
                             status=400)
    return jobs.submit(db, principal, "screening.export", params={
        "day_from": start.isoformat() if start else "", "day_to": end.isoformat() if end else "",
        "format": fmt})


# -- unaudited reads for the counter page ------------------------------------------------------

def today(db: Session, principal: Principal) -> list[Screening]:
    """Today's screenings of the principal's unit (every unit for cross-unit roles)."""
    start_ = datetime.combine(datetime.now(UTC).date(), time.min, tzinfo=UTC)
    stmt = select(Screening).where(Screening.created_at >= start_)
    scope = unit_scope(principal)
    if scope is not None:
        stmt = stmt.where(Screening.unit_id == scope)
    return list(db.scalars(stmt.order_by(Screening.created_at.desc()).limit(200)))


def default_kind(db: Session, principal: Principal) -> str:
    unit = db.get(Unit, principal.unit_id) if principal.unit_id else None
    return "passport" if unit is not None and unit.kind == "immigration_office" else "departure"




# -- reads used by other capabilities ----------------------------------------------------------
# (the network capability links what travellers said about sponsors and recruiters)

def network_records(db: Session, ids: list[int] | None) -> Iterator[dict[str, Any]]:
    """Each screening's sponsor, contact abroad and offer text, and its traveller (the person
    the matching engine linked the screening to), for the network capability."""
    last = 0
    while True:
        q = select(Screening.id, Screening.unit_id, Screening.created_at, Screening.person_id,
                   Screening.full_name, Screening.facts_json, Screening.offer_text
                   ).where(Screening.id > last)
        if ids is not None:
            q = q.where(Screening.id.in_(ids))
        rows = db.execute(q.order_by(Screening.id).limit(1_000)).all()
        if not rows:
            return
        for row in rows:
            facts = json.loads(row.facts_json or "{}")
            fields = [{"kind": "person", "value": f"screening_person:{row.person_id}",
                       "role": "traveller", "label": row.full_name}]
            fields += [{"kind": "text", "value": text, "role": role} for role, text in
                       evidence.network_fields(facts.get("sponsor", ""),
                                               facts.get("contacts_abroad", ""),
                                               row.offer_text).items() if text]
            yield {"source_id": row.id, "unit_id": row.unit_id, "seen_at": row.created_at,
                   "fields": fields}
        last = rows[-1].id
