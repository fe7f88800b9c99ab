"""One pydantic model per screening operation: the API takes it as the body, pages validate the
submitted form into the same model (``platform.formroute.form_input``), the demo builds it in
code. Limits come from :mod:`waspada.screening.limits`, which the ORM columns also use."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonValue

from waspada.identity.consistency import parse_date
from waspada.platform.birth_dates import BirthDate
from waspada.platform.countries import UnknownCountry, country_alpha3
from waspada.platform.types import IdField
from waspada.screening import limits

Kind = Literal["departure", "passport"]
ActionCode = Literal["allow", "secondary_interview", "postpone", "refer_kp2mi", "refer_police"]
VISA_TYPES = ("tourist", "visa_free", "voa", "work", "student", "other")
Lang = Literal["id", "en"]

#: a list of JSON values, as the ``json_schema_extra`` example below needs
MRZ_EXAMPLE: list[JsonValue] = ["P<IDNRAHAYU<<SITI<<<<<<<<<<<<<<<<<<<<<<<<<<<",
                               "C1234567<6IDN9008176F3001015<<<<<<<<<<<<<<02"]

MrzLine = Annotated[str, Field(max_length=limits.MRZ_LINE)]
Country = Annotated[str, Field(max_length=limits.COUNTRY)]
Text = Annotated[str, Field(max_length=limits.TEXT)]


def _lines(value: Any) -> Any:
    """A pasted block (one string) becomes its non-empty lines."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


#: the longest country an officer may type ("Republik Demokratik Rakyat Laos")
COUNTRY_TEXT = 64


def _country(value: Any) -> Any:
    """A country typed as a name or a code ("Kamboja", "Cambodia", "KH", "khm") -> its
    alpha-3 code; anything else is refused (it was stored as typed: "XYZ")."""
    if not isinstance(value, str) or not value.strip():
        return value
    if len(value) > COUNTRY_TEXT:
        raise ValueError(f"a country is at most {COUNTRY_TEXT} characters")
    try:
        return country_alpha3(value)
    except UnknownCountry:
        raise ValueError(f"unknown country {value.strip()[:COUNTRY_TEXT]!r}: give its name "
                         "or its ISO 3166 code (Kamboja, Cambodia, KH, KHM)") from None


def _codes(value: Any) -> Any:
    """``"MYS, THA"``, ``"Malaysia; Thailand"`` become ``["MYS", "THA"]``."""
    if isinstance(value, str):
        value = [c.strip() for c in value.replace(";", ",").split(",") if c.strip()]
    if isinstance(value, list) and len(value) <= limits.TRANSITS:
        return [_country(c) for c in value]
    return value


class ScreeningIn(BaseModel):
    """A traveller to screen: MRZ lines and/or typed identity, travel facts, answers."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "departure", "mrz": MRZ_EXAMPLE, "nik": "3507015708900001",
        "destination_country": "KHM", "transit_countries": ["MYS"], "ticket": "one_way",
        "visa_type": "tourist", "stated_purpose": "tourism", "flight": "QZ 123 CGK-KUL",
        "offer_text": "Lowongan CS di Phnom Penh gaji 12jt, tiket ditanggung",
        "answers": {"purpose": "tourism", "has_job_offer": "yes", "told_to_lie": "yes"}}]})

    kind: Kind = "departure"
    mrz: list[MrzLine] = Field(default_factory=list, max_length=limits.MRZ_LINES,
                               description="MRZ lines (a pasted block is split into lines)")
    full_name: str = Field("", max_length=limits.NAME)
    nik: str = Field("", max_length=limits.NIK)
    passport_no: str = Field("", max_length=limits.PASSPORT_NO)
    birth_date: BirthDate | None = Field(None, description="ISO date (DD-MM-YYYY is also "
                                       "read), 1900-01-01 to today")
    sex: Literal["M", "F"] | None = None
    nationality: str = Field("", max_length=limits.COUNTRY,
                             description="ICAO 9303 code of the data page (IDN); compared "
                                         "with the MRZ")
    expiry_date: date | None = Field(None, description="Passport expiry as on the data page "
                                                       "(ISO date); checked against the travel "
                                                       "date and the MRZ")
    destination_country: str = Field("", max_length=limits.COUNTRY,
                                     description="a country's ISO 3166 code (alpha-3 "
                                                 "or alpha-2) or name, stored as alpha-3")
    transit_countries: list[Country] = Field(default_factory=list, max_length=limits.TRANSITS)
    ticket: Literal["", "one_way", "return"] = ""
    visa_type: Literal["", "tourist", "visa_free", "voa", "work", "student", "other"] = ""
    stated_purpose: str = Field("", max_length=limits.SHORT)
    flight: str = Field("", max_length=limits.FLIGHT)
    accommodation: str = Field("", max_length=limits.NAME)
    contacts_abroad: str = Field("", max_length=limits.NAME)
    sponsor: str = Field("", max_length=limits.NAME)
    who_paid: str = Field("", max_length=limits.SHORT)
    offer_text: str = Field("", max_length=limits.TEXT)
    notes: str = Field("", max_length=limits.TEXT)
    answers: dict[str, str] = Field(default_factory=dict, max_length=limits.ANSWERS)

    _split_mrz = field_validator("mrz", mode="before")(_lines)
    _split_transits = field_validator("transit_countries", mode="before")(_codes)
    _destination = field_validator("destination_country", mode="before")(_country)

    @field_validator("birth_date", "expiry_date", mode="before")
    @classmethod
    def _read_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None
            parsed = parse_date(value)
            if parsed is None:
                raise ValueError("not a valid date")
            return parsed
        return value

    @field_validator("sex", mode="before")
    @classmethod
    def _blank_sex(cls, value: Any) -> Any:
        return None if value == "" else value


class AnswersIn(BaseModel):
    """Interview answers (question code -> option), and optionally new notes or offer text."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"answers": {"documents_held": "yes", "debt_or_fee": "no"}}]})

    answers: dict[str, Annotated[str, Field(max_length=limits.SHORT)]] = Field(
        default_factory=dict, max_length=limits.ANSWERS)
    notes: str | None = Field(None, max_length=limits.TEXT)
    offer_text: str | None = Field(None, max_length=limits.TEXT)
    lang: Lang = "en"


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "action": "refer_police", "legal_bases": ["uu_6_2011", "uu_21_2007"],
        "statement": "Saya diminta bilang liburan oleh agen."}]})

    action: ActionCode
    legal_bases: list[Annotated[str, Field(max_length=limits.SHORT)]] = Field(
        min_length=1, max_length=limits.LEGAL_BASES)
    deviation_reason: Text = Field("", description="Required when the action differs from the "
                                                   "recommendation")
    statement: Text = Field("", description="The traveller's own statement (optional)")
    corrects_decision_id: IdField | None = Field(None, description="Set to record a correction")
    correction_reason: Text = ""

    @field_validator("corrects_decision_id", mode="before")
    @classmethod
    def _blank_id(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class ApprovalIn(BaseModel):
    """A supervisor's approval (or refusal) of a decision that needs one."""

    model_config = ConfigDict(extra="forbid")

    approved: bool
    note: Text = ""

    @field_validator("approved", mode="before")
    @classmethod
    def _checkbox(cls, value: Any) -> Any:
        return value == "yes" if isinstance(value, str) and value in ("yes", "") else value


# -- responses ---------------------------------------------------------------------------------

class ExportIn(BaseModel):
    """The export form: a period (default: the last 30 days) and a file format."""

    day_from: str = Field("", max_length=10, title="From")
    day_to: str = Field("", max_length=10, title="To")
    format: Literal["csv", "xlsx"] = Field("csv", title="Format")


class TravellerOut(BaseModel):
    full_name: str
    birth_date: str | None = Field(description="ISO date")
    sex: str | None
    nik: str | None
    passport_no: str | None


class DocumentFindingOut(BaseModel):
    code: str
    severity: Literal["info", "warning", "critical"]
    message_id: str = Field(description="The finding in Indonesian (stored as checked)")
    message_en: str


class WatchlistHitOut(BaseModel):
    entry_id: str
    list_type: str
    label: str
    score: float
    explanation: str = Field(description="Which parts agreed, in the language asked for")


class PriorScreeningOut(BaseModel):
    screening_id: int
    record_no: str
    unit: str
    date: str
    action: str | None
    level: str | None
    score: float
    explanation: str


class ReasonOut(BaseModel):
    code: str
    category: str
    weight: float
    title: str
    evidence: str
    source: str


class AssessmentOut(BaseModel):
    version: str
    level: Literal["low", "medium", "high"]
    level_label: str
    points: float
    recommended_action: ActionCode
    recommended_action_label: str
    reasons: list[ReasonOut]
    unanswered: list[str]


class ApprovalOut(BaseModel):
    approved: bool
    note: str
    supervisor: str | None
    decided_at: str


class DecisionOut(BaseModel):
    id: int
    action: ActionCode
    action_label: str
    recommended_action: str
    deviation_reason: str
    legal_bases: list[str]
    statement: str
    officer: str | None
    signed_at: str
    verification_code: str
    verified: bool = Field(description="The verification code matches what was signed")
    corrects_id: int | None
    correction_reason: str
    needs_approval: bool
    approval: ApprovalOut | None


class ScreeningOut(BaseModel):
    """A screening with its evidence, assessment and signed decisions."""

    id: int
    record_no: str
    kind: Kind
    status: Literal["open", "decided"]
    unit: str
    officer: str | None
    created_at: str
    person_id: int
    person_match_score: float | None
    traveller: TravellerOut
    facts: dict[str, Any]
    answers: dict[str, str]
    documents: list[DocumentFindingOut]
    watchlist: list[WatchlistHitOut]
    prior: list[PriorScreeningOut]
    offer: dict[str, Any] | None = Field(description="The offer analysis, if a text was shown")
    notes: str
    assessment: AssessmentOut
    decisions: list[DecisionOut]
    synthetic: bool


class PersonOut(BaseModel):
    id: int
    full_name: str
    birth_date: str | None
    sex: str | None
    nik: str | None
    passport_no: str | None


class PersonScreeningOut(BaseModel):
    id: int
    record_no: str
    unit: str
    date: str
    kind: Kind
    level: str
    final_action: str | None
    destination_country: str


class SimilarPersonOut(BaseModel):
    person_id: int
    score: float
    explanation: str


class PersonHistoryOut(BaseModel):
    """A traveller's screenings the caller may see, and look-alikes they may open."""

    person: PersonOut
    screenings: list[PersonScreeningOut]
    hidden_other_units: int = Field(description="Screenings at units the caller may not see")
    similar_persons: list[SimilarPersonOut]
