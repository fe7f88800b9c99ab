"""Inputs and outputs of the watchlist operations, and the one place their limits live.

The ORM columns (``store.py``) use the same constants as the pydantic ``Field(max_length=...)``
below, so a limit is written once. The API takes these models as the body, the pages as
``Annotated[Model, Form()]`` and the CLI builds them from its options.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from waspada.matching.records import parse_birth_date
from waspada.platform.i18n import N_

#: column and input limits (characters), shared by ``store.py`` and the models below
RECORD_ID_MAX = 64
FULL_NAME_MAX = 300
BIRTH_PLACE_MAX = 200
ADDRESS_MAX = 500
DOC_NO_MAX = 32  # NIK, passport number, phone
LIST_KIND_MAX = 20
REASON_MAX = 2000
SOURCE_MAX = 200
ACTOR_MAX = 64

LIST_KINDS = ("pencegahan", "recruiter", "victim", "postponed", "other")
PERSON_LIMITS = {"record_id": RECORD_ID_MAX, "full_name": FULL_NAME_MAX,
                 "birth_place": BIRTH_PLACE_MAX, "address": ADDRESS_MAX, "nik": DOC_NO_MAX,
                 "passport_no": DOC_NO_MAX, "phone": DOC_NO_MAX}


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


class _Listing(BaseModel):
    """What every added entry carries: which list, why, from where, until when."""

    list_kind: str = Field("other", max_length=LIST_KIND_MAX, title=N_("List"),
                           examples=["pencegahan"])
    reason: str = Field(min_length=1, max_length=REASON_MAX, title=N_("Reason"))
    source: str = Field(min_length=1, max_length=SOURCE_MAX, title=N_("Source"))
    expires_on: date | None = Field(None, title=N_("Expires on"))

    @field_validator("reason", "source")
    @classmethod
    def _filled(cls, value: str) -> str:
        return _not_blank(value)

    @field_validator("list_kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in LIST_KINDS:
            raise ValueError(f"must be one of {', '.join(LIST_KINDS)}")
        return value

    @field_validator("expires_on", mode="before")
    @classmethod
    def _expiry(cls, value: Any) -> Any:
        value = _blank_to_none(value)
        if not isinstance(value, str):
            return value
        try:
            return parse_birth_date(value)
        except ValueError:
            raise ValueError("must be a date YYYY-MM-DD") from None


class EntryIn(_Listing):
    """One watchlist entry to add (an existing ``record_id`` is reactivated and replaced)."""

    record_id: str = Field(min_length=1, max_length=RECORD_ID_MAX, title=N_("Entry id"))
    full_name: str = Field(min_length=1, max_length=FULL_NAME_MAX, title=N_("Full name"))
    birth_date: str | None = Field(None, max_length=10, title=N_("Birth date"),
                                   examples=["1990-05-17"])
    sex: str | None = Field(None, max_length=1, title=N_("Sex"))
    birth_place: str | None = Field(None, max_length=BIRTH_PLACE_MAX)
    nik: str | None = Field(None, max_length=DOC_NO_MAX, title="NIK")
    passport_no: str | None = Field(None, max_length=DOC_NO_MAX, title=N_("Passport number"))
    phone: str | None = Field(None, max_length=DOC_NO_MAX)

    @field_validator("record_id", "full_name")
    @classmethod
    def _filled_id(cls, value: str) -> str:
        return _not_blank(value)

    @field_validator("birth_date", "sex", "birth_place", "nik", "passport_no", "phone",
                     mode="before")
    @classmethod
    def _optional(cls, value: Any) -> Any:
        return _blank_to_none(value)

    def person(self) -> dict[str, Any]:
        return self.model_dump(include={"record_id", "full_name", "birth_date", "sex",
                                        "birth_place", "nik", "passport_no", "phone"})


class ImportIn(_Listing):
    """The listing every row of an imported CSV gets (the rows come from the file)."""


class RemoveIn(BaseModel):
    reason: str = Field(min_length=1, max_length=REASON_MAX, title=N_("Reason"))

    @field_validator("reason")
    @classmethod
    def _filled(cls, value: str) -> str:
        return _not_blank(value)


class SearchIn(BaseModel):
    """The watchlist search form: who is in front of the officer."""

    full_name: str = Field("", max_length=FULL_NAME_MAX, title=N_("Full name"))
    birth_date: str = Field("", max_length=10, title=N_("Birth date"))
    sex: str = Field("", max_length=1, title=N_("Sex"))
    nik: str = Field("", max_length=DOC_NO_MAX, title="NIK")
    passport_no: str = Field("", max_length=DOC_NO_MAX, title=N_("Passport number"))


class DecisionIn(BaseModel):
    decision: str = Field("", max_length=16)


# -- yente-shaped matching ----------------------------------------------------------------------

MAX_QUERIES = 100


class EntityQuery(BaseModel):
    schema_: str = Field("Person", alias="schema", max_length=32)
    properties: dict[str, list[str]] = Field(default_factory=dict)

    model_config = ConfigDict(populate_by_name=True)


class MatchRequest(BaseModel):
    queries: dict[str, EntityQuery] = Field(
        max_length=MAX_QUERIES,
        examples=[{"q1": {"schema": "Person", "properties": {
            "name": ["Moch. Rizky bin Ahmad"], "birthDate": ["1991-05-17"]}}}])


class EntityOut(BaseModel):
    """A watchlist entry in yente's entity shape."""

    id: str
    caption: str
    schema_: str = Field("Person", serialization_alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = Field(default_factory=list)
    reason: str | None = None
    source: str | None = None
    expires_on: date | None = None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class MatchResult(EntityOut):
    score: float = Field(examples=[0.93])
    match: bool
    features: dict[str, float]
    explanation: dict[str, Any]


class Total(BaseModel):
    value: int
    relation: str = "eq"


class QueryResponse(BaseModel):
    status: int = 200
    query: dict[str, Any]
    results: list[MatchResult]
    total: Total


class MatchResponse(BaseModel):
    responses: dict[str, QueryResponse]
    limit: int
    threshold: float
    dataset: str


class RemovedOut(BaseModel):
    record_id: str
    active: bool = False


class DedupeIn(BaseModel):
    """The dedupe page's options (the CSV file comes separately)."""

    origin: Literal["upload", "database"] = Field("upload", title=N_("Records"))
    threshold: float = Field(0.5, gt=0.0, le=1.0, allow_inf_nan=False, title=N_("Threshold"))
