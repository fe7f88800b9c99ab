"""Inputs and outputs of the offer operations, and the one place their limits live.

``store.py`` builds its columns from the same constants the models below use in
``Field(max_length=...)``. The API takes these models as the body, the pages as
``Annotated[Model, Form()]``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from waspada.offers.verdicts import ReportStatus
from waspada.platform.i18n import N_
from waspada.platform.tallies import ShareOut

#: column and input limits (characters), shared by ``store.py`` and the models below
AGENCY_NAME_MAX = 300
LICENSE_NO_MAX = 100
ADDRESS_MAX = 500
AGENCY_STATUS_MAX = 32
SOURCE_MAX = 200
WHERE_SEEN_MAX = 200
CONTACT_MAX = 200
LEVEL_MAX = 16
REPORT_STATUS_MAX = 16
FILENAME_MAX = 200
FIELD_NAME_MAX = 64
PUBLIC_MAX_CHARS = 20_000
"""The public check page takes at most this many characters."""
MAX_API_CHARS = 1_000_000

AGENCY_STATUSES = ("active", "revoked", "suspended")

EXAMPLE = ("Lowongan CS online di Kamboja, gaji 12jt/bulan, tanpa pengalaman, tiket & visa "
           "ditanggung, berangkat minggu ini. Hubungi WA 0812-3456-7890")


class OfferCheckRequest(BaseModel):
    text: str = Field(max_length=MAX_API_CHARS, examples=[EXAMPLE],
                      description="The offer or chat text; only the first 100,000 characters "
                                  "are analysed (the response says when it was truncated).")
    lang: Literal["id", "en"] = Field("en", description="Language of titles and advice.")


class PublicCheckIn(BaseModel):
    """The public "Cek Lowongan" form."""

    text: str = Field("", max_length=PUBLIC_MAX_CHARS, title=N_("Offer or chat text"))


#: the public agency lookup: a company name is short; anything longer is refused, not cut
AGENCY_QUERY_MIN, AGENCY_QUERY_MAX = 3, 120


class AgencyCheckIn(BaseModel):
    """The public "Cek Agensi" form: the name of the placement company to look up."""

    name: str = Field(min_length=AGENCY_QUERY_MIN, max_length=AGENCY_QUERY_MAX,
                      title=N_("Company name"))

    @field_validator("name", mode="before")
    @classmethod
    def _collapse_spaces(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value


class ReportIn(PublicCheckIn):
    """A citizen's report of an offer (sent only with their consent)."""

    where_seen: str = Field("", max_length=WHERE_SEEN_MAX,
                            title=N_("Where did you see it? (optional)"))
    contact: str = Field("", max_length=CONTACT_MAX, title=N_("Your phone or e-mail (optional)"))
    consent: str = Field("", max_length=8)

    @field_validator("where_seen", "contact")
    @classmethod
    def _trim(cls, value: str) -> str:
        return value.strip()


class ScanIn(BaseModel):
    """The bulk-scan upload's options (the file comes separately)."""

    text_field: str = Field("text", min_length=1, max_length=FIELD_NAME_MAX,
                            title=N_("Text field"))
    id_field: str = Field("id", min_length=1, max_length=FIELD_NAME_MAX, title=N_("Id field"))


class ReportStatusIn(BaseModel):
    status: ReportStatus


# -- responses ---------------------------------------------------------------------------------

class EvidenceOut(BaseModel):
    start: int
    end: int
    text: str


class IndicatorOut(BaseModel):
    code: str
    group: str
    weight: float
    title: str
    advice: str
    source: str
    evidence: list[EvidenceOut]
    detail: str | None = None


class RulesOut(BaseModel):
    score: float
    groups: dict[str, float]
    contexts: dict[str, int]
    strong: list[str] = Field(default_factory=list,
                              description="strong combinations that lifted the level to high")
    frame: str = Field("none", description="what the whole text is: advice, account, pattern, "
                                            "offer or none (round 6)")
    offer_abroad: list[str] = Field(
        default_factory=list, description="signals of an offer abroad read by the word classes "
        "that set a floor: medium with one, high with two or a strong one (round 7)")
    offer_told: list[str] = Field(
        default_factory=list, description="signals of an offer told as made to someone with no "
        "place named (role, high_pay, costs_covered, fee_paid, social_recruit, tourist_visa, "
        "outcome) that set a floor: medium with one, high with two or an outcome (round 8)")
    class_evidence: dict[str, list[EvidenceOut]] = Field(
        default_factory=dict, description="the words behind offer_abroad / offer_told: per word "
        "class (offer, place_abroad and each signal) its first matches in the text")


class ModelOut(BaseModel):
    probability: float | None
    version: str | None
    note: str
    raised_level: bool = Field(
        False, description="the model lifted the level: round 10, a text the rules call low to "
        "medium; round 12, a text the rules call medium to high; round 14, a text the rules "
        "call low to high at p >= 0.97 (raised_from and raised_to say which)")
    raised_to: Literal["medium", "high"] | None = Field(
        None, description="round 12: the level the model lifted the text to, if it did")
    raised_from: Literal["low", "medium"] | None = Field(
        None, description="round 14: the level of the rules alone when the model lifted it")
    raised_note: str | None = None


class GenreOut(BaseModel):
    """Round 17: the genre model (general talk about the pattern vs one offer or case)."""

    general_probability: float | None = Field(
        None, description="probability that the text talks about the pattern in general "
        "(warning, advice, statistics, news about many victims); read only when it could "
        "change the level, else null")
    version: str | None = None
    capped: bool = Field(False, description="the genre model kept the text below high")
    note: str | None = None


class SeenInOut(BaseModel):
    source_type: str = Field(examples=["offer_report"])
    count: int
    last_seen: datetime


class KnownContactOut(BaseModel):
    """A contact of the checked text that stored records the caller may see hold."""

    value: str = Field(examples=["+6281312345678"])
    kind: str = Field(examples=["phone"])
    seen_in: list[SeenInOut]


class OfferCheckOut(BaseModel):
    """Risk analysis with evidence: offsets are into the submitted text."""

    score: float = Field(examples=[0.91])
    level: Literal["low", "medium", "high"]
    level_label: str
    language: str
    indicators: list[IndicatorOut]
    advice: list[str]
    entities: dict[str, Any]
    agencies: list[dict[str, Any]]
    rules: RulesOut
    model: ModelOut
    genre: GenreOut = Field(default_factory=GenreOut)
    text_length: int
    analysed_chars: int
    truncated: bool
    notes: list[str]
    catalogue_version: str
    known_contacts: list[KnownContactOut] = Field(
        default_factory=list, description="Contacts already known from offer reports, "
        "screenings, cases or watchlist entries that the caller may see (network capability)")


class VerdictsOut(BaseModel):
    """The public's reports by the engine's level (low, medium, high) and the officers'
    status (new, reviewed, referred, dismissed), and three shares of the decided ones."""

    counts: dict[str, dict[str, int]]
    total: int
    decided: int
    high_referred: ShareOut = Field(
        description="of the decided reports at high, those officers referred")
    referred_high: ShareOut = Field(
        description="of the referred reports, those the engine had put at high")
    dismissed_high: ShareOut = Field(
        description="of the dismissed reports, those the engine had put at high")
