"""Retention: anonymising closed cases past the retention period (UU 27/2022)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from waspada.cases import visibility
from waspada.cases.models import (
    Assessment,
    Case,
    CaseAttachment,
    CaseComment,
    CaseTransition,
    Person,
    PersonKey,
    Referral,
    SupportPlan,
    TraffickingEvent,
)
from waspada.cases.store.access import TERMINAL
from waspada.cases.store.attachments import attachments_dir
from waspada.platform.db import utcnow
from waspada.platform.settings import get_settings

# -- retention ------------------------------------------------------------------------------

def anonymise_case(session: Session, case: Case, now: datetime) -> None:
    for person in session.scalars(select(Person).where(Person.case_id == case.id)):
        birth = person.birth_date
        for name in visibility.ANONYMISED_PERSON_FIELDS:
            setattr(person, name, None)
        person.birth_date = visibility.anonymised_birth_date(birth)
        person.anonymised = True
    person_ids = select(Person.id).where(Person.case_id == case.id)
    session.execute(delete(PersonKey).where(PersonKey.person_id.in_(person_ids)))
    session.execute(update(CaseComment).where(CaseComment.case_id == case.id)
                    .values(body="[anonymised]"))
    session.execute(update(TraffickingEvent).where(TraffickingEvent.case_id == case.id)
                    .values(description=None, street=None))
    session.execute(update(SupportPlan).where(SupportPlan.case_id == case.id)
                    .values(objectives="", action_plan=""))
    session.execute(update(Assessment).where(Assessment.case_id == case.id).values(notes=""))
    session.execute(update(CaseTransition).where(CaseTransition.case_id == case.id)
                    .values(values_json="{}"))
    session.execute(update(Referral).where(Referral.case_id == case.id)
                    .values(details="", response_note=None))
    for item in session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id)):
        (attachments_dir() / item.stored_name).unlink(missing_ok=True)
        session.delete(item)
    case.summary = ""
    case.closure_note = None
    case.destination_city = None
    case.public_code_hash = None
    case.anonymised_at = now


def anonymise_expired(session: Session, older_than_days: int | None = None,
                      now: datetime | None = None) -> list[int]:
    """Anonymise terminal cases closed more than ``older_than_days`` ago; return their ids."""
    days = get_settings().cases_retention_days if older_than_days is None else older_than_days
    now = now or utcnow()
    cutoff = visibility.retention_cutoff(now, days)
    done = []
    for case in session.scalars(select(Case).where(Case.status.in_(TERMINAL))
                                .where(Case.anonymised_at.is_(None))
                                .where(Case.closed_at <= cutoff).limit(10_000)):
        if visibility.due_for_anonymisation(True, case.closed_at, False, now, days):
            anonymise_case(session, case, now)
            done.append(case.id)
    session.flush()
    return done

