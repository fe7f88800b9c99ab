"""Gathering the evidence of a screening: the identity from MRZ and typed fields with every
document check, watchlist candidates (matching service), earlier screenings of the same person
(the persons index), the offer analysis (offers service); and running the pure assessment."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.identity.consistency import check_traveller
from waspada.matching import service as matching
from waspada.matching.explanation_words import explanation_parts, render_parts
from waspada.matching.records import PersonRecord
from waspada.network import service as network
from waspada.offers import service as offers
from waspada.platform.db import utcnow
from waspada.platform.i18n import N_
from waspada.platform.labels import label
from waspada.platform.security.models import Unit
from waspada.platform.security.policy import Principal
from waspada.screening import limits
from waspada.screening.assess import (
    AssessmentInput,
    DocumentFinding,
    PriorScreening,
    TravelFacts,
    WatchlistHit,
    assess,
)
from waspada.screening.catalogue import questionnaire
from waspada.screening.errors import ScreeningError
from waspada.screening.persons import HISTORY_MIN, PERSONS, SAME_PERSON
from waspada.screening.schemas import ScreeningIn
from waspada.screening.store import Screening, ScreeningPerson


def identity(data: ScreeningIn, today: date) -> tuple[dict[str, Any], list[DocumentFinding]]:
    """Merge MRZ and typed fields (typed fields win); run every document check."""
    traveller: dict[str, Any] = {"full_name": data.full_name.strip(),
                                 "nik": data.nik.strip() or None,
                                 "passport_no": data.passport_no.strip().upper() or None,
                                 "birth_date": data.birth_date, "sex": data.sex or None}
    facts: dict[str, Any] = {"travel_date": today}
    if data.mrz:
        facts["mrz"] = data.mrz
    if data.nik.strip():
        facts["nik"] = data.nik.strip()
    if data.birth_date:
        facts["birth_date"] = data.birth_date
    if data.sex:
        facts["sex"] = data.sex
    if data.expiry_date:
        facts["expiry_date"] = data.expiry_date
    if data.nationality.strip():
        facts["nationality"] = data.nationality.strip().upper()
    if data.passport_no.strip() and not data.mrz:
        facts["passport_number"] = data.passport_no.strip()
    checked = check_traveller(facts, reference_date=today)
    if checked.mrz is not None:  # the MRZ fills the gaps
        fields = checked.mrz.fields
        if not traveller["full_name"]:
            traveller["full_name"] = " ".join(
                x for x in (fields.get("given_names"), fields.get("surname")) if x
            ).strip()[:limits.NAME]
        traveller["passport_no"] = (traveller["passport_no"]
                                    or (fields.get("document_number") or "")[:limits.PASSPORT_NO]
                                    or None)
        if traveller["birth_date"] is None and fields.get("birth_date"):
            traveller["birth_date"] = date.fromisoformat(fields["birth_date"])
        if traveller["sex"] is None and fields.get("sex") in ("M", "F"):
            traveller["sex"] = fields["sex"]
    findings = [DocumentFinding(f.code, f.severity, f.message_id, f.message_en)
                for f in checked.findings]
    if not traveller["full_name"]:
        raise ScreeningError("name_missing",
                             N_("Give the traveller's name or paste the MRZ lines."))
    return traveller, findings


def query_record(traveller: dict[str, Any]) -> PersonRecord:
    return PersonRecord(record_id="query", full_name=traveller["full_name"],
                        birth_date=traveller["birth_date"], sex=traveller["sex"],
                        nik=traveller["nik"], passport_no=traveller["passport_no"])


def watchlist_hits(db: Session, record: PersonRecord) -> list[WatchlistHit]:
    hits = []
    for candidate in matching.watchlist_candidates(db, record, top=5, threshold=0.5):
        parts = explanation_parts(candidate.explanation)
        hits.append(WatchlistHit(
            entry_id=candidate.entry_id, list_type=candidate.list_kind,
            label=f"{candidate.full_name} ({candidate.list_kind})",
            score=round(candidate.score, 4), explanation=render_parts(parts, "id"),
            explanation_en=render_parts(parts, "en"),
            parts=tuple((k, v) for k, v in parts)))
    return hits


def prior_screenings(db: Session, record: PersonRecord
                     ) -> tuple[list[PriorScreening], int | None, float | None]:
    """Earlier screenings of this traveller or look-alikes, and the best same-person link."""
    index = PERSONS.sync(db)
    matches = index.search(record, top=5, threshold=HISTORY_MIN)
    if not matches:
        return [], None, None
    scores = {int(m.record_id): m for m in matches}
    rows = db.scalars(select(Screening).where(Screening.person_id.in_(list(scores)))
                      .order_by(Screening.created_at.desc()).limit(20))
    prior = []
    for row in rows:
        match = scores[row.person_id]
        parts = explanation_parts(match.explanation)
        prior.append(PriorScreening(
            screening_id=row.id, record_no=row.record_no, unit=row.unit.name,
            date=row.created_at.date().isoformat(), action=row.final_action, level=row.level,
            score=round(match.score, 4), explanation=render_parts(parts, "id"),
            explanation_en=render_parts(parts, "en"),
            parts=tuple((k, v) for k, v in parts)))
    best = matches[0]
    same = int(best.record_id) if best.score >= SAME_PERSON else None
    return prior, same, round(best.score, 4)


def record_no(unit: Unit, kind: str, screening_id: int) -> str:
    """Unique by construction (the row id), so numbering costs nothing at a million rows."""
    prefix = "BAP" if kind == "departure" else "BAPP"
    return f"{prefix}/{unit.code.upper()[:20]}/{utcnow().year}/{screening_id:07d}"


def travel_facts(data: ScreeningIn) -> dict[str, Any]:
    return {"destination_country": data.destination_country.strip().upper(),
            "transit_countries": [c.strip().upper() for c in data.transit_countries
                                  if c.strip()],
            "ticket": data.ticket, "visa_type": data.visa_type,
            "stated_purpose": data.stated_purpose, "flight": data.flight.strip(),
            "accommodation": data.accommodation.strip(),
            "contacts_abroad": data.contacts_abroad.strip(),
            "sponsor": data.sponsor.strip(), "who_paid": data.who_paid}


def network_fields(sponsor: str, contacts_abroad: str, offer_text: str) -> dict[str, str]:
    """The free-text fields whose contacts the network capability links (by role)."""
    return {"sponsor": sponsor, "contact_abroad": contacts_abroad, "offer": offer_text}


def offer_analysis(db: Session, text: str) -> dict[str, Any] | None:
    """The offer's analysis as stored (Indonesian), each indicator's English title beside
    its own (the English reasons name the indicators, not their codes)."""
    if not text.strip():
        return None
    result = offers.analyse_offer(db, text, "id")
    for indicator in result.get("indicators", []):
        indicator["title_en"] = label("offer_indicator", str(indicator.get("code", "")), "en")
    return result


def clean_answers(answers: dict[str, str]) -> dict[str, str]:
    """Keep only known questions and allowed options."""
    known = questionnaire().by_code()
    out = {}
    for code, value in answers.items():
        question = known.get(code)
        if question is None:
            raise ScreeningError("unknown_question", N_("Unknown question: {question}."),
                                 question=code)
        value = (value or "").strip()
        if value and value not in question.options:
            raise ScreeningError("bad_answer",
                                 N_("An answer is not one of the options (question {question})."),
                                 question=code)
        out[code] = value
    return out


def _hit(stored: dict[str, Any]) -> WatchlistHit:
    return WatchlistHit(**stored)


def run_assessment(screening: Screening) -> None:
    """Assess what the screening holds now and store the result on it."""
    facts = screening.load("facts")
    data = AssessmentInput(
        kind=screening.kind,  # type: ignore[arg-type]  # the column holds only the two kinds
        facts=TravelFacts(destination_country=facts.get("destination_country", ""),
                          transit_countries=tuple(facts.get("transit_countries", [])),
                          ticket=facts.get("ticket", ""), visa_type=facts.get("visa_type", ""),
                          stated_purpose=facts.get("stated_purpose", "")),
        answers=screening.load("answers"),
        documents=tuple(DocumentFinding(**d) for d in screening.load("documents")),
        watchlist=tuple(_hit(h) for h in screening.load("watchlist")),
        prior=tuple(PriorScreening(**p) for p in screening.load("prior")),
        offer=screening.load("offer"),
        network=tuple(facts.get("network", ())))
    result = assess(data)
    screening.assessment_json = json.dumps(result.as_record(), default=str)
    screening.level = result.level
    screening.recommended_action = result.recommended_action
    screening.updated_at = utcnow()


def dumps(items: list[Any]) -> str:
    return json.dumps([asdict(item) for item in items])


def build_screening(db: Session, principal: Principal, data: ScreeningIn, *,
                    synthetic: bool = False) -> Screening:
    """Gather the evidence, link or add the traveller, add the assessed screening to the
    session (flushed, not committed: :func:`waspada.screening.service.start` audits and commits;
    the benchmark rolls it back)."""
    unit = db.get(Unit, principal.unit_id) if principal.unit_id else None
    if unit is None:
        raise ScreeningError("no_unit", N_("Your account has no unit."))
    traveller, findings = identity(data, utcnow().date())
    answers = clean_answers(data.answers)
    record = query_record(traveller)
    hits = watchlist_hits(db, record)
    prior, same_person, best = prior_screenings(db, record)
    if same_person is None:
        person = ScreeningPerson(is_synthetic=synthetic, **traveller)
        db.add(person)
        db.flush()
        person_id = person.id
    else:
        person_id = same_person
    facts = travel_facts(data)
    facts["network"] = network.screening_hits(db, principal, network_fields(
        facts["sponsor"], facts["contacts_abroad"], data.offer_text))
    screening = Screening(
        record_no=f"pending-{secrets.token_hex(8)}", kind=data.kind, unit_id=unit.id,
        officer_id=principal.user_id, person_id=person_id, person_match_score=best,
        mrz="\n".join(data.mrz), destination_country=facts["destination_country"],
        facts_json=json.dumps(facts), answers_json=json.dumps(answers),
        offer_text=data.offer_text, offer_json=json.dumps(offer_analysis(db, data.offer_text)),
        documents_json=dumps(findings), watchlist_json=dumps(hits), prior_json=dumps(prior),
        notes=data.notes, is_synthetic=synthetic, **traveller)
    db.add(screening)
    db.flush()
    screening.record_no = record_no(unit, data.kind, screening.id)
    run_assessment(screening)
    return screening
