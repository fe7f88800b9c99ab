"""Tables of victim cases (HTCDS 2.0 based). Created only through the ``cases`` Alembic branch.

Imported by :mod:`waspada.cases.store` (queries and changes live there); column lengths come
from :mod:`waspada.cases.limits`, which the operation inputs (``schemas.py``) use too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    case,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from waspada.cases import limits
from waspada.platform.db import Base, UTCDateTime, utcnow


class Organisation(Base):
    """HTCDS Organisation: who cases are referred or transferred to."""

    __tablename__ = "case_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(limits.ORG_CODE), unique=True)
    name: Mapped[str] = mapped_column(String(limits.ORG_NAME))
    name_en: Mapped[str] = mapped_column(String(limits.ORG_NAME), default="")
    org_type: Mapped[str] = mapped_column(String(limits.ORG_TYPE), default="NGO")  # HTCDS org_Type
    country: Mapped[str] = mapped_column(String(limits.COUNTRY), default="ID")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    # HTCDS org_Shipping* address and org_Phone (migration 0202_cases_htcds)
    street: Mapped[str | None] = mapped_column(String(limits.STREET), nullable=True)
    city: Mapped[str | None] = mapped_column(String(limits.CITY), nullable=True)
    state: Mapped[str | None] = mapped_column(String(limits.STATE), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(limits.POSTAL_CODE), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    phone: Mapped[str | None] = mapped_column(String(limits.PHONE), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Case(Base):
    """HTCDS Case (cas_*) plus victim context (vic_*) and the Waspada extension (x_wsp_*)."""

    __tablename__ = "case_cases"
    __table_args__ = (
        Index("ix_case_cases_status_id", "status", "id"),
        Index("ix_case_cases_owner_id", "owner_unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(limits.REFERENCE), unique=True)
    status: Mapped[str] = mapped_column(String(limits.STATUS), default="reported")
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="officer")  # officer|public|ngo|hotline
    destination_country: Mapped[str | None] = mapped_column(
        String(limits.COUNTRY), nullable=True, index=True)
    destination_city: Mapped[str | None] = mapped_column(String(limits.CITY), nullable=True)
    exploitation_type: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    compound_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    forced_activities: Mapped[str | None] = mapped_column(String(200), nullable=True)
    recruitment_method: Mapped[str | None] = mapped_column(String(200), nullable=True)
    trafficking_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    closure_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    closure_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # HTCDS 2.0 case worker and victim context (migration 0202_cases_htcds); multi-select
    # picklists hold their values joined by ","
    case_worker: Mapped[str | None] = mapped_column(String(limits.WORKER), nullable=True)
    status_decision_org: Mapped[str | None] = mapped_column(String(limits.CHOICE), nullable=True)
    relationship_to_trafficker: Mapped[str | None] = mapped_column(String(limits.CHOICE),
                                                                   nullable=True)
    age_when_trafficked: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recruitment_apps: Mapped[str | None] = mapped_column(String(limits.MULTI_CHOICE),
                                                         nullable=True)
    recruitment_location: Mapped[str | None] = mapped_column(String(limits.LOCATION),
                                                             nullable=True)
    control_methods: Mapped[str | None] = mapped_column(String(limits.MULTI_CHOICE), nullable=True)
    forced_labour_industry: Mapped[str | None] = mapped_column(String(limits.CHOICE),
                                                               nullable=True)
    sex_exploitation_type: Mapped[str | None] = mapped_column(String(limits.MULTI_CHOICE),
                                                              nullable=True)
    exploitation_location: Mapped[str | None] = mapped_column(String(limits.LOCATION),
                                                              nullable=True)
    exploitation_apps: Mapped[str | None] = mapped_column(String(limits.MULTI_CHOICE),
                                                          nullable=True)
    # an incoming referral: the case came to us from another organisation (cas_Referring*)
    referring_org: Mapped[str | None] = mapped_column(String(limits.ORG_NAME), nullable=True)
    incoming_referral_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    referring_worker: Mapped[str | None] = mapped_column(String(limits.WORKER), nullable=True)
    incoming_referral_reason: Mapped[str | None] = mapped_column(String(limits.REFERRAL_REASON),
                                                                 nullable=True)
    incoming_referral_details: Mapped[str | None] = mapped_column(Text, nullable=True)
    public_code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case_cases.id"), nullable=True,
                                                       index=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    state_entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


#: the workflow's final states as migration ``0203_cases_updated_index`` wrote them into
#: ``ix_case_cases_work_order`` (a test keeps them equal to ``workflow.yaml``'s: another final
#: state needs a new migration, or the case list's default order stops using the index)
INDEXED_FINISHED = ("closed", "duplicate", "not_a_victim")


def finished_key(states: Iterable[str]) -> ColumnElement[int]:
    """1 for a case in one of ``states`` (finished), 0 for an open one: the first key of the
    case list's default order. The states are written as literals, not bound parameters, so
    SQLite and PostgreSQL match the expression to ``ix_case_cases_work_order``."""
    listed: list[ColumnElement[Any]] = [
        literal_column("'" + state.replace("'", "''") + "'") for state in sorted(states)]
    return case((Case.status.in_(listed), literal_column("1")), else_=literal_column("0"))


#: the case list's default order ("open cases, most recently updated first":
#: ``store.views.list_cases(order="work")``) read from an index instead of sorting every case
Index("ix_case_cases_work_order", finished_key(INDEXED_FINISHED), Case.last_update_at.desc(),
      Case.id.desc())


class CaseUnitAccess(Base):
    """Which units reach a case: the owner, and units it is shared with through referrals."""

    __tablename__ = "case_unit_access"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="owner")  # owner | referral


class Person(Base):
    """HTCDS Person (prs_*) in one of three roles: victim, perpetrator/recruiter, reporter."""

    __tablename__ = "case_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(16), default="victim")
    first_name: Mapped[str | None] = mapped_column(String(limits.NAME_PART), nullable=True)
    middle_name: Mapped[str | None] = mapped_column(String(limits.NAME_PART), nullable=True)
    second_name: Mapped[str | None] = mapped_column(String(limits.NAME_PART), nullable=True)
    full_name: Mapped[str | None] = mapped_column(String(limits.FULL_NAME), nullable=True)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    gender: Mapped[str | None] = mapped_column(String(limits.GENDER), nullable=True)
    citizenship: Mapped[str | None] = mapped_column(String(limits.CITIZENSHIPS), nullable=True)
    identity_number: Mapped[str | None] = mapped_column(
        String(limits.IDENTITY_NUMBER), nullable=True, index=True)
    passport_number: Mapped[str | None] = mapped_column(
        String(limits.PASSPORT_NUMBER), nullable=True)
    mobile_phone: Mapped[str | None] = mapped_column(String(limits.PHONE), nullable=True)
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL), nullable=True)
    mailing_street: Mapped[str | None] = mapped_column(String(limits.STREET), nullable=True)
    mailing_city: Mapped[str | None] = mapped_column(String(limits.CITY), nullable=True)
    mailing_state: Mapped[str | None] = mapped_column(String(limits.STATE), nullable=True)
    relationship: Mapped[str | None] = mapped_column(String(limits.RELATIONSHIP), nullable=True)
    perpetrator_role: Mapped[str | None] = mapped_column(
        String(limits.PERPETRATOR_ROLES), nullable=True)
    role_details: Mapped[str | None] = mapped_column(Text, nullable=True)
    # HTCDS 2.0 person fields (migration 0202_cases_htcds)
    salutation: Mapped[str | None] = mapped_column(String(limits.SALUTATION), nullable=True)
    title: Mapped[str | None] = mapped_column(String(limits.TITLE), nullable=True)
    home_phone: Mapped[str | None] = mapped_column(String(limits.PHONE), nullable=True)
    mailing_country: Mapped[str | None] = mapped_column(String(limits.COUNTRY), nullable=True)
    mailing_postal_code: Mapped[str | None] = mapped_column(String(limits.POSTAL_CODE),
                                                            nullable=True)
    mailing_latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    mailing_longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    deceased: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    marital_status: Mapped[str | None] = mapped_column(String(limits.CHOICE), nullable=True)
    number_of_children: Mapped[int | None] = mapped_column(Integer, nullable=True)
    primary_language: Mapped[str | None] = mapped_column(String(limits.LANGUAGE), nullable=True)
    secondary_language: Mapped[str | None] = mapped_column(String(limits.LANGUAGE),
                                                           nullable=True)
    education: Mapped[str | None] = mapped_column(String(limits.CHOICE), nullable=True)
    organisation: Mapped[str | None] = mapped_column(String(limits.PERSON_ORGANISATION),
                                                     nullable=True)  # per_Organisation
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case_persons.id"),
                                                       nullable=True)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PersonKey(Base):
    """Blocking keys of a person's name (phonetic keys, joined key) for duplicate search."""

    __tablename__ = "case_person_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("case_persons.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)


class TraffickingEvent(Base):
    """HTCDS Historic Trafficking Event (hte_*): recruitment, transit, exploitation."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    type: Mapped[str] = mapped_column(String(16))
    event_date: Mapped[date | None] = mapped_column("date", Date, nullable=True)
    city: Mapped[str | None] = mapped_column(String(limits.CITY), nullable=True)
    state: Mapped[str | None] = mapped_column(String(limits.STATE), nullable=True)
    country: Mapped[str | None] = mapped_column(String(limits.COUNTRY), nullable=True)
    street: Mapped[str | None] = mapped_column(String(limits.STREET), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(limits.POSTAL_CODE), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseComment(Base):
    """HTCDS Case Comment (cco_CaseComment). Plain text; always escaped when shown."""

    __tablename__ = "case_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                       nullable=True)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseTransition(Base):
    """Workflow history: who moved the case, when, from which state to which, with what."""

    __tablename__ = "case_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    transition: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                      nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseTask(Base):
    __tablename__ = "case_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    title: Mapped[str] = mapped_column(String(limits.TASK_TITLE))
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseAttachment(Base):
    """An uploaded file; stored under ``data_dir/attachments`` with a random name."""

    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Consent(Base):
    """HTCDS Consent (con_Consent) of a person, for a scope (data processing, referral...)."""

    __tablename__ = "case_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_persons.id", ondelete="SET NULL"), nullable=True)
    scope: Mapped[str] = mapped_column(String(32))  # referral | data_processing | research
    given: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(16), default="verbal")  # verbal | written
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Referral(Base):
    """A referral (services) or transfer (ownership) of a case to an organisation."""

    __tablename__ = "case_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(16), default="referral")  # referral | transfer
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("case_organisations.id"))
    reason: Mapped[str] = mapped_column(
        String(limits.REFERRAL_REASON))  # HTCDS ReasonForOutgoingReferral
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("case_consents.id"), nullable=True)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    response_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class SupportPlan(Base):
    """HTCDS Support Plan (spl_*)."""

    __tablename__ = "case_support_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    type: Mapped[str] = mapped_column(String(limits.SUPPORT_PLAN_TYPE))
    objectives: Mapped[str] = mapped_column(Text, default="")
    action_plan: Mapped[str] = mapped_column(Text, default="")
    planned_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    actual_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assessment(Base):
    """HTCDS Assessment and Planning (individual / household / community risk)."""

    __tablename__ = "case_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    level: Mapped[str] = mapped_column(String(16))  # individual | household | community
    risk: Mapped[str] = mapped_column(String(16))  # low | medium | high
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DuplicateFlag(Base):
    """A possible duplicate found when a case or person was added."""

    __tablename__ = "case_duplicate_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("case_persons.id", ondelete="CASCADE"))
    other_case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                               index=True)
    other_person_id: Mapped[int] = mapped_column(ForeignKey("case_persons.id",
                                                            ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)  # 0..100
    engine: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | merged | dismissed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Merge(Base):
    """A merge of a duplicate case (or person) into another, with its reason; can be undone."""

    __tablename__ = "case_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # case | person
    survivor_id: Mapped[int] = mapped_column(Integer, index=True)
    merged_id: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(Text)
    previous_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
