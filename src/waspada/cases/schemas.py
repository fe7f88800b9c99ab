"""One pydantic model per cases operation: its input (``...In``) and its output (``...Out``).

The API takes an input model as the JSON body, pages as ``Annotated[Model, Form()]``, the CLI
builds it from options; all three hand it to :mod:`waspada.cases.service`. Limits come from
:mod:`waspada.cases.limits`, which the ORM columns use too.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from waspada.cases import limits as L
from waspada.platform.birth_dates import BirthDate
from waspada.platform.types import IdField

# -- inputs -----------------------------------------------------------------------------------


def _blank_is_none(value: Any) -> Any:
    """A form's empty field means "not given" (dates, optional choices)."""
    return None if isinstance(value, str) and not value.strip() else value


class HtcdsExportIn(BaseModel):
    """What an HTCDS export selects and how it is written, defined once for the synchronous
    ``GET /api/v1/cases/export`` (query), ``POST /api/v1/cases/export`` (JSON body), the cases
    page's button (form) and the ``cases.export`` job's params: codes and case ids only, no
    personal data."""

    format: Literal["htcds-json", "htcds-csv"] = Field(
        "htcds-json", description="htcds-json: one JSON document; htcds-csv: a zip of one CSV "
                                  "per HTCDS object")
    ids: list[IdField] = Field(default_factory=list, max_length=L.EXPORT_IDS,
                               description="case ids (none: every visible case the filters "
                                           "select)")
    status: str | None = Field(None, max_length=32)
    overdue: bool = False
    destination: str | None = Field(None, max_length=2)
    exploitation: str | None = Field(None, max_length=40)

    _blank = field_validator("status", "destination", "exploitation", mode="before")(
        _blank_is_none)


class PersonIn(BaseModel):
    role: Literal["victim", "perpetrator", "reporter"] = "victim"
    full_name: str | None = Field(default=None, max_length=L.FULL_NAME)
    first_name: str | None = Field(default=None, max_length=L.NAME_PART)
    middle_name: str | None = Field(default=None, max_length=L.NAME_PART)
    second_name: str | None = Field(default=None, max_length=L.NAME_PART)
    birth_date: BirthDate | None = None
    gender: str | None = Field(default=None, max_length=L.GENDER)
    citizenship: str | None = Field(default=None, max_length=L.CITIZENSHIPS,
                                    description="ISO 3166 codes, comma-separated (multi-select)")
    identity_number: str | None = Field(default=None, max_length=L.IDENTITY_NUMBER)
    passport_number: str | None = Field(default=None, max_length=L.PASSPORT_NUMBER)
    mobile_phone: str | None = Field(default=None, max_length=L.PHONE)
    email: str | None = Field(default=None, max_length=L.EMAIL)
    mailing_street: str | None = Field(default=None, max_length=L.STREET)
    mailing_city: str | None = Field(default=None, max_length=L.CITY)
    mailing_state: str | None = Field(default=None, max_length=L.STATE)
    relationship: str | None = Field(default=None, max_length=L.RELATIONSHIP)
    perpetrator_role: str | None = Field(
        default=None, max_length=L.PERPETRATOR_ROLES,
        description="HTCDS per_RoleInProcess values, comma-separated (multi-select)")
    role_details: str | None = Field(default=None, max_length=L.ROLE_DETAILS)
    # the other HTCDS 2.0 person fields (issue #17); values are checked against the field table
    salutation: str | None = Field(default=None, max_length=L.SALUTATION)
    title: str | None = Field(default=None, max_length=L.TITLE)
    home_phone: str | None = Field(default=None, max_length=L.PHONE)
    mailing_country: str | None = Field(default=None, max_length=L.COUNTRY)
    mailing_postal_code: str | None = Field(default=None, max_length=L.POSTAL_CODE)
    mailing_latitude: float | None = Field(default=None, ge=-90, le=90)
    mailing_longitude: float | None = Field(default=None, ge=-180, le=180)
    deceased: bool | None = None
    marital_status: str | None = Field(default=None, max_length=L.CHOICE)
    number_of_children: int | None = Field(default=None, ge=0, le=50)
    primary_language: str | None = Field(default=None, max_length=L.LANGUAGE)
    secondary_language: str | None = Field(default=None, max_length=L.LANGUAGE)
    education: str | None = Field(default=None, max_length=L.CHOICE)
    organisation: str | None = Field(default=None, max_length=L.PERSON_ORGANISATION,
                                     description="HTCDS per_Organisation (perpetrators)")

    _blank = field_validator("birth_date", "gender", "perpetrator_role", "mobile_phone",
                             "mailing_latitude", "mailing_longitude", "deceased",
                             "number_of_children", "marital_status", "education",
                             "primary_language", "secondary_language", "mailing_country",
                             mode="before")(_blank_is_none)


class EventIn(BaseModel):
    type: Literal["Recruitment", "Transit", "Exploitation"]
    date: dt.date | None = None
    city: str | None = Field(default=None, max_length=L.CITY)
    state: str | None = Field(default=None, max_length=L.STATE)
    country: str | None = Field(default=None, max_length=L.COUNTRY_INPUT,
                                examples=["KH", "KHM", "Kamboja", "Cambodia"])
    street: str | None = Field(default=None, max_length=L.STREET)
    postal_code: str | None = Field(default=None, max_length=L.POSTAL_CODE)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    description: str | None = Field(default=None, max_length=L.EVENT_DESCRIPTION)

    _blank = field_validator("date", "country", "latitude", "longitude",
                             mode="before")(_blank_is_none)


class CaseIn(BaseModel):
    destination_country: str | None = Field(default=None, max_length=L.COUNTRY_INPUT,
                                           examples=["KH", "KHM", "Kamboja"])
    destination_city: str | None = Field(default=None, max_length=L.CITY)
    exploitation_type: list[str] = Field(default_factory=list, max_length=12,
                                         examples=[["ForcedCriminality"]])
    compound_type: str | None = Field(default=None, examples=["OnlineScam"])
    forced_activities: list[str] = Field(default_factory=list, max_length=10)
    recruitment_method: list[str] = Field(default_factory=list, max_length=10)
    trafficking_status: str | None = Field(default=None, max_length=L.CHOICE)
    # the other HTCDS 2.0 case and victim-context fields (issue #17); values are checked
    # against the field table (cases/htcds_fields.yaml)
    case_worker: str | None = Field(default=None, max_length=L.WORKER,
                                    description="cas_CaseOwner (default: the officer)")
    status_decision_org: str | None = Field(default=None, max_length=L.CHOICE)
    relationship_to_trafficker: str | None = Field(default=None, max_length=L.CHOICE)
    age_when_trafficked: int | None = Field(default=None, ge=0, le=120)
    recruitment_apps: list[str] = Field(default_factory=list, max_length=15)
    recruitment_location: str | None = Field(default=None, max_length=L.LOCATION)
    control_methods: list[str] = Field(default_factory=list, max_length=16)
    forced_labour_industry: str | None = Field(default=None, max_length=L.CHOICE)
    sex_exploitation_type: list[str] = Field(default_factory=list, max_length=4)
    exploitation_location: str | None = Field(default=None, max_length=L.LOCATION)
    exploitation_apps: list[str] = Field(default_factory=list, max_length=15)
    referring_org: str | None = Field(default=None, max_length=L.ORG_NAME)
    incoming_referral_date: date | None = None
    referring_worker: str | None = Field(default=None, max_length=L.WORKER)
    incoming_referral_reason: str | None = Field(default=None, max_length=L.REFERRAL_REASON)
    incoming_referral_details: str | None = Field(default=None, max_length=L.REFERRAL_DETAILS)
    summary: str = Field(default="", max_length=L.SUMMARY)
    source: Literal["officer", "ngo", "hotline", "family", "victim"] = "officer"
    persons: list[PersonIn] = Field(min_length=1, max_length=20)
    events: list[EventIn] = Field(default_factory=list, max_length=20)


class HtcdsDetailsIn(BaseModel):
    """The case's HTCDS 2.0 details an officer changes after intake; only the fields sent
    change (a field sent empty is cleared). Values are checked against the field table."""

    trafficking_status: str | None = Field(default=None, max_length=L.CHOICE)
    case_worker: str | None = Field(default=None, max_length=L.WORKER)
    status_decision_org: str | None = Field(default=None, max_length=L.CHOICE)
    relationship_to_trafficker: str | None = Field(default=None, max_length=L.CHOICE)
    age_when_trafficked: int | None = Field(default=None, ge=0, le=120)
    recruitment_apps: list[str] | None = Field(default=None, max_length=15)
    recruitment_location: str | None = Field(default=None, max_length=L.LOCATION)
    control_methods: list[str] | None = Field(default=None, max_length=16)
    forced_labour_industry: str | None = Field(default=None, max_length=L.CHOICE)
    sex_exploitation_type: list[str] | None = Field(default=None, max_length=4)
    exploitation_location: str | None = Field(default=None, max_length=L.LOCATION)
    exploitation_apps: list[str] | None = Field(default=None, max_length=15)
    referring_org: str | None = Field(default=None, max_length=L.ORG_NAME)
    incoming_referral_date: date | None = None
    referring_worker: str | None = Field(default=None, max_length=L.WORKER)
    incoming_referral_reason: str | None = Field(default=None, max_length=L.REFERRAL_REASON)
    incoming_referral_details: str | None = Field(default=None, max_length=L.REFERRAL_DETAILS)

    _blank = field_validator("age_when_trafficked", "incoming_referral_date",
                             mode="before")(_blank_is_none)


class PersonProfileIn(BaseModel):
    """A person's HTCDS 2.0 details an officer changes after intake (prs_Salutation, prs_Title,
    prs_HomePhone, the mailing address, marital status, children, languages, education);
    every field is sent and a field sent empty is cleared. Values are checked against the
    field table."""

    person_id: IdField = Field(title="Person in the case")
    salutation: str | None = Field(default=None, max_length=L.SALUTATION, title="Salutation")
    #: prs_Title (named apart from the case page's other ``title`` fields, e.g. a task's)
    person_title: str | None = Field(default=None, max_length=L.TITLE,
                                     title="Title (position or honorific)")
    home_phone: str | None = Field(default=None, max_length=L.PHONE, title="Home phone")
    mailing_street: str | None = Field(default=None, max_length=L.STREET,
                                       title="Mailing street")
    mailing_city: str | None = Field(default=None, max_length=L.CITY, title="Mailing city")
    mailing_state: str | None = Field(default=None, max_length=L.STATE,
                                      title="Mailing province")
    mailing_postal_code: str | None = Field(default=None, max_length=L.POSTAL_CODE,
                                            title="Postal code")
    mailing_country: str | None = Field(default=None, max_length=L.COUNTRY,
                                        title="Mailing country")
    marital_status: str | None = Field(default=None, max_length=L.CHOICE,
                                       title="Marital status")
    number_of_children: int | None = Field(default=None, ge=0, le=50,
                                           title="Number of children")
    primary_language: str | None = Field(default=None, max_length=L.LANGUAGE,
                                         title="Primary language")
    secondary_language: str | None = Field(default=None, max_length=L.LANGUAGE,
                                           title="Secondary language")
    education: str | None = Field(default=None, max_length=L.CHOICE,
                                  title="Highest level of education")
    deceased: bool = Field(default=False, title="Deceased")

    _blank = field_validator("number_of_children", mode="before")(_blank_is_none)


class TransitionIn(BaseModel):
    transition: str = Field(max_length=L.TRANSITION_CODE, examples=["verify"])
    values: dict[str, Annotated[str, Field(max_length=L.TRANSITION_VALUE)]] = Field(
        default_factory=dict)


class CommentIn(BaseModel):
    """A comment on a case (the worked example in docs/cases.md)."""

    body: str = Field(min_length=1, max_length=L.COMMENT)


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=L.TASK_TITLE)
    due_on: date | None = None

    _blank = field_validator("due_on", mode="before")(_blank_is_none)


class ConsentIn(BaseModel):
    scope: Literal["referral", "data_processing", "research"] = "referral"
    given: bool
    method: Literal["verbal", "written"] = "verbal"
    person_id: IdField | None = None


class ReferralIn(BaseModel):
    organisation: str = Field(max_length=L.ORG_CODE, examples=["KP2MI"])
    kind: Literal["referral", "transfer"] = "referral"
    reason: str = Field(default="AdditionalServicesRequired", max_length=L.REFERRAL_REASON)
    details: str = Field(default="", max_length=L.REFERRAL_DETAILS)
    override_reason: str | None = Field(default=None, max_length=L.NOTE)

    _blank = field_validator("override_reason", mode="before")(_blank_is_none)


class ReferralAnswer(BaseModel):
    accept: bool
    note: str = Field(default="", max_length=L.NOTE)


class MergeIn(BaseModel):
    duplicate_case_id: IdField
    reason: str = Field(min_length=L.MERGE_REASON_MIN, max_length=L.NOTE)


class SupportPlanIn(BaseModel):
    type: str = Field(max_length=L.SUPPORT_PLAN_TYPE)
    objectives: str = Field(default="", max_length=L.PLAN_TEXT)
    action_plan: str = Field(default="", max_length=L.PLAN_TEXT)
    planned_end: date | None = None

    _blank = field_validator("planned_end", mode="before")(_blank_is_none)


class AssessmentIn(BaseModel):
    level: Literal["individual", "household", "community"]
    risk: Literal["low", "medium", "high"]
    notes: str = Field(default="", max_length=L.ASSESSMENT_NOTES)


class OrganisationIn(BaseModel):
    code: str = Field(max_length=L.ORG_CODE)
    name: str = Field(max_length=L.ORG_NAME)
    name_en: str = Field(default="", max_length=L.ORG_NAME)
    org_type: str = Field(default="NGO", max_length=L.ORG_TYPE)
    country: str = Field(default="ID", max_length=L.COUNTRY)
    unit: str | None = Field(default=None, max_length=L.UNIT_NAME)
    # HTCDS org_Shipping* address and org_Phone
    street: str | None = Field(default=None, max_length=L.STREET)
    city: str | None = Field(default=None, max_length=L.CITY)
    state: str | None = Field(default=None, max_length=L.STATE)
    postal_code: str | None = Field(default=None, max_length=L.POSTAL_CODE)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    phone: str | None = Field(default=None, max_length=L.PHONE)


# -- outputs ----------------------------------------------------------------------------------

class ItemOut(BaseModel):
    """What a write on a case answers: the new (or changed) item and the case's status."""

    id: int | None = Field(description="id of the item written (comment, task, ...)")
    case_id: int
    status: str = Field(description="workflow state of the case after the write")


class CommentOut(ItemOut):
    """The comment just added (``id``) on case ``case_id``."""


class HtcdsDetailsOut(ItemOut):
    """The case after the change and which fields changed."""

    changed: list[str]


class CaseRow(BaseModel):
    """One case in a list (names only for roles that may see them; else a pseudonym)."""

    model_config = ConfigDict(extra="allow")

    id: int
    reference: str
    status: str
    status_label_en: str
    owner_unit_id: int
    owner_unit: str
    destination_country: str | None
    reported_at: datetime
    last_update_at: datetime
    due_at: datetime | None
    overdue: bool
    victim: str | None = None


class CaseListOut(BaseModel):
    page: int
    has_more: bool
    cases: list[CaseRow]


class CaseOut(CaseRow):
    """One case as the caller's role may see it; ``hidden`` names the field groups removed.
    People, events, history, tasks, comments, referrals, consents etc. are lists of objects."""

    model_config = ConfigDict(extra="allow")

    hidden: list[str] = Field(default_factory=list)
    persons: list[dict[str, Any]] = Field(default_factory=list)
    comments: list[dict[str, Any]] = Field(default_factory=list)
    duplicates: list[dict[str, Any]] = Field(default_factory=list)
    transitions: list[dict[str, Any]] = Field(default_factory=list)


class WorkflowOut(BaseModel):
    stale_days: int
    states: list[dict[str, Any]]
    transitions: list[dict[str, Any]]
    closure_reasons: list[str]


class OrganisationOut(BaseModel):
    code: str
    name: str
    name_en: str
    type: str
    country: str
    in_waspada: bool


class OrganisationCreated(BaseModel):
    code: str
    id: int


class StatsOut(BaseModel):
    by_status: dict[str, int | None]
    by_month: dict[str, int | None]
    overdue: int
    total: int
    k: int | None = None


class ReferralAnswerOut(BaseModel):
    id: int
    status: str


class UndoMergeOut(BaseModel):
    id: int
    undone_at: datetime | None


class DuplicateOut(BaseModel):
    id: int
    other_case_id: int
    other_reference: str | None
    person_id: int | None
    other_person_id: int | None
    score: float
    engine: str


class RetentionOut(BaseModel):
    anonymised: int
    case_ids: list[int]


class ExportJobOut(BaseModel):
    """A started HTCDS export job: poll ``url`` until ``finished``, then download its file."""

    job_id: int
    status: str
    url: str = Field(description="the job's status in the API (GET /api/v1/jobs/{id})")
    page: str = Field(description="the job's page for a signed-in user")


class SubjectExportOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    person: dict[str, Any]
    case: dict[str, Any]
    consents: list[dict[str, Any]]
    access_history: list[dict[str, Any]]
    legal_basis: str
    generated_at: str
    #: what other capabilities hold about the person (exchange: consents, verification
    #: requests, received and pulled records, conflicts), by capability
    other_records: dict[str, Any] = Field(default_factory=dict)


# -- page-only input shapes (they build the operation inputs above) ---------------------------

class NewCaseForm(BaseModel):
    """The officer intake page: one victim, an optional reporter and recruiter."""

    victim_name: str = Field(default="", max_length=L.FULL_NAME)
    victim_birth_date: BirthDate | None = None
    victim_gender: str | None = Field(default=None, max_length=L.GENDER)
    victim_nik: str | None = Field(default=None, max_length=L.IDENTITY_NUMBER)
    victim_passport: str | None = Field(default=None, max_length=L.PASSPORT_NUMBER)
    victim_phone: str | None = Field(default=None, max_length=L.PHONE)
    destination_country: str | None = Field(default=None, max_length=L.COUNTRY_INPUT)
    destination_city: str | None = Field(default=None, max_length=L.CITY)
    exploitation_type: str | None = Field(default=None, max_length=L.EXPLOITATION_TYPE)
    compound_type: str | None = Field(default=None, max_length=L.STATUS)
    source: Literal["officer", "ngo", "hotline", "family", "victim"] = "officer"
    summary: str = Field(default="", max_length=L.SUMMARY)
    reporter_name: str = Field(default="", max_length=L.FULL_NAME)
    reporter_phone: str | None = Field(default=None, max_length=L.PHONE)
    recruiter_name: str = Field(default="", max_length=L.FULL_NAME)

    _blank = field_validator("victim_birth_date", "victim_gender", "victim_nik",
                             "victim_passport", "victim_phone", "destination_country",
                             "destination_city", "exploitation_type", "compound_type",
                             "reporter_phone", mode="before")(_blank_is_none)

    def to_case_in(self) -> CaseIn | None:
        """The intake operation's input; None when no victim name was given."""
        if not self.victim_name.strip():
            return None
        persons = [PersonIn(role="victim", full_name=self.victim_name,
                            birth_date=self.victim_birth_date, gender=self.victim_gender,
                            identity_number=self.victim_nik,
                            passport_number=self.victim_passport,
                            mobile_phone=self.victim_phone, citizenship="ID")]
        if self.reporter_name.strip():
            persons.append(PersonIn(role="reporter", full_name=self.reporter_name,
                                    mobile_phone=self.reporter_phone))
        if self.recruiter_name.strip():
            persons.append(PersonIn(role="perpetrator", full_name=self.recruiter_name,
                                    perpetrator_role="RecruiterOrIntermediary"))
        return CaseIn(destination_country=self.destination_country,
                      destination_city=self.destination_city,
                      exploitation_type=[self.exploitation_type] if self.exploitation_type
                      else [], compound_type=self.compound_type, summary=self.summary,
                      source=self.source, persons=persons)


class MergeForm(BaseModel):
    """The merge page names the duplicate by its reference."""

    duplicate_reference: str = Field(default="", max_length=L.REFERENCE)
    reason: str = Field(default="", max_length=L.NOTE)
