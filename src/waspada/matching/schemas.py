"""Inputs and outputs of the watchlist operations, and the one place their limits live.

The ORM columns (``store.py``) use the same constants as the pydantic ``Field(max_length=...)``
below, so a limit is written once. The API takes these models as the body, the pages as
``Annotated[Model, Form()]`` and the CLI builds them from its options.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from waspada.matching.records import parse_date
from waspada.platform.i18n import N_
from waspada.platform.tallies import ShareOut

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
            return parse_date(value)
        except ValueError:
            raise ValueError("must be a date YYYY-MM-DD") from None

    @field_validator("expires_on")
    @classmethod
    def _not_expired(cls, value: date | None) -> date | None:
        """An entry expiring before today is never screened and not listed among the active
        ones: a typed 2020 for 2030 was taken with "imported 3 entries" and the entries were
        gone (walk21). Today as the store counts it (``store._active_clause``)."""
        if value is not None and value < date.today():
            raise ValueError(f"{value.isoformat()} is in the past: the entry would never be "
                             "screened")
        return value


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


class EntryApiIn(EntryIn):
    """``POST /api/v1/watchlist``'s body: an unknown member is refused (422), never dropped: a
    client's ``birthdate`` for ``birth_date`` added the entry without its date of birth. (The
    page's form carries ``csrf_token`` and takes :class:`EntryIn`.)"""

    model_config = ConfigDict(extra="forbid")


class ImportIn(_Listing):
    """The listing every row of an imported CSV gets (the rows come from the file)."""


class RemoveIn(BaseModel):
    reason: str = Field(min_length=1, max_length=REASON_MAX, title=N_("Reason"))

    @field_validator("reason")
    @classmethod
    def _filled(cls, value: str) -> str:
        return _not_blank(value)


#: the search form's birth date: the format and the bound of ``records.parse_birth_date``
BIRTH_DATE_HELP = N_("Enter the birth date as YYYY-MM-DD, from 1880 up to today.")


class SearchIn(BaseModel):
    """The watchlist search form: who is in front of the officer."""

    full_name: str = Field("", max_length=FULL_NAME_MAX, title=N_("Full name"))
    birth_date: str = Field("", max_length=10, title=N_("Birth date"))
    sex: str = Field("", max_length=1, title=N_("Sex"))
    nik: str = Field("", max_length=DOC_NO_MAX, title="NIK")
    passport_no: str = Field("", max_length=DOC_NO_MAX, title=N_("Passport number"))


class DecisionIn(BaseModel):
    decision: str = Field("", max_length=16)


class VerdictBandOut(BaseModel):
    """Decisions on results shown with a score from ``low`` up to ``high`` (1.0 included in
    the last band)."""

    low: float
    high: float
    confirmed: int
    split: int
    mean_score: float | None = Field(description="the mean score shown; None if none decided")
    confirmed_share: ShareOut


class VerdictKindOut(BaseModel):
    decided: int
    calibration_error: float | None = Field(
        description="decided-weighted mean of |mean score shown - share confirmed| over the "
                    "bands; None if nothing was decided")
    bands: list[VerdictBandOut]


class DedupeVerdictsOut(BaseModel):
    """Analysts' decisions on dedupe results by the score the review page showed: clusters
    (the weakest pair's score) and review-queue pairs (the match probability)."""

    decided: int
    unscored: int = Field(description="decisions stored without the score (made before "
                                      "scores were kept)")
    clusters: VerdictKindOut
    pairs: VerdictKindOut


# -- yente-shaped matching (request and response models of yente 916a474) ---------------------

#: yente's MAX_BATCH: more queries in one request is a 400
MAX_QUERIES = 100
#: yente's MAX_MATCHES: the largest ``limit``
MAX_LIMIT = 500
#: hard bounds on what is parsed at all (hostile input), above yente's own limits
_HARD_QUERIES = 1000
_MAX_PROPERTIES = 64
_MAX_VALUES = 50
_MAX_VALUE_CHARS = 1000
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"

#: the largest integer a property value may be (an identifier longer than a document number
#: column cannot be compared anyway); larger ones were read as a float and lost digits
_MAX_PROPERTY_INT = 10**DOC_NO_MAX
#: a property value as yente accepts it; numbers (a year, an id) are read as their exact text,
#: a float must be finite (``NaN`` was read as the name "nan")
PropertyValue = (str | Annotated[int, Field(ge=-_MAX_PROPERTY_INT, le=_MAX_PROPERTY_INT)]
                 | Annotated[float, Field(allow_inf_nan=False)] | bool | None)


class EntityQuery(BaseModel):
    """A query example (yente's ``EntityExample``): a value may be a string or a list."""

    id: str | None = Field(None, max_length=200, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", max_length=64, examples=["Person"])
    properties: dict[str, PropertyValue | list[PropertyValue]] = Field(
        max_length=_MAX_PROPERTIES, examples=[{"name": ["Moch. Rizky bin Ahmad"],
                                               "birthDate": ["1991-05-17"]}])

    model_config = ConfigDict(populate_by_name=True)

    @field_validator("properties", mode="before")
    @classmethod
    def _exact_numbers(cls, props: Any) -> Any:
        """An integer beyond ``_MAX_PROPERTY_INT`` is refused instead of falling through to
        ``float``: ``{"idNumber": 9471234567890123456789}`` became ``9.471234567890124e+21``,
        a different number, compared without a word."""
        if isinstance(props, dict):
            for key, value in props.items():
                items = value if isinstance(value, list) else [value]
                if any(isinstance(v, int) and not isinstance(v, bool)
                       and abs(v) > _MAX_PROPERTY_INT for v in items):
                    raise ValueError(f"{str(key)[:64]}: a number longer than {DOC_NO_MAX} "
                                     "digits (send identifiers as strings)")
        return props

    @field_validator("properties")
    @classmethod
    def _bounded(cls, props: dict[str, Any]) -> dict[str, Any]:
        for key, value in props.items():
            items = value if isinstance(value, list) else [value]
            if len(items) > _MAX_VALUES:
                raise ValueError(f"{key}: at most {_MAX_VALUES} values")
            if any(isinstance(v, str) and len(v) > _MAX_VALUE_CHARS for v in items):
                raise ValueError(f"{key}: a value is longer than {_MAX_VALUE_CHARS} characters")
        return props


class MatchRequest(BaseModel):
    """yente's ``EntityMatchQuery``."""

    weights: dict[str, float] = Field(default_factory=dict, max_length=_MAX_PROPERTIES)
    config: dict[str, PropertyValue] = Field(default_factory=dict, max_length=_MAX_PROPERTIES)
    #: a query id is echoed as a key of the answer: bounded like ``EntityQuery.id``
    queries: dict[Annotated[str, Field(max_length=200)], EntityQuery] = Field(
        max_length=_HARD_QUERIES,
        examples=[{"q1": {"schema": "Person", "properties": {
            "name": ["Moch. Rizky bin Ahmad"], "birthDate": ["1991-05-17"]}}}])


#: the watchlist's default threshold, of `POST /api/v1/match` (yente's 0.7) and of `waspada
#: watchlist match` alike: false alarms <= 1 % on the benches (docs/matching.md)
WATCHLIST_THRESHOLD = 0.7


class MatchParams(BaseModel):
    """The query parameters of ``/match`` (yente's names, defaults and limits)."""

    limit: int = Field(5, ge=1, le=MAX_LIMIT)
    threshold: float = Field(WATCHLIST_THRESHOLD, ge=0.0, le=1.0)
    cutoff: float = Field(WATCHLIST_THRESHOLD, ge=0.0, le=1.0,
                          json_schema_extra={"deprecated": True},
                          description="Deprecated (yente): use threshold. Results must score "
                                      "above min(cutoff, threshold) to be returned at all.")
    algorithm: str = Field("best", max_length=64)
    include_dataset: list[str] = Field(default_factory=list, max_length=50)
    exclude_dataset: list[str] = Field(default_factory=list, max_length=50)
    exclude_schema: list[str] = Field(default_factory=list, max_length=50)
    topics: list[str] = Field(default_factory=list, max_length=50)
    changed_since: str | None = Field(None, pattern=TS_PATTERN)
    exclude_entity_ids: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("changed_since")
    @classmethod
    def _real_moment(cls, value: str | None) -> str | None:
        """The pattern admits ``0000-00-00`` or ``2020-02-30T99``: refused here (422) instead
        of failing in the search (a 500 before)."""
        if value is not None:
            try:
                changed_since_moment(value)
            except ValueError:
                raise ValueError("must be a real date (and hour): YYYY-MM-DD[THH[:MM[:SS]]]"
                                 ) from None
        return value


def changed_since_moment(value: str) -> datetime:
    """``changed_since`` as an aware moment (UTC when no zone is given); ValueError if it is
    not a real date and time."""
    moment = datetime.fromisoformat(value if len(value) != 13 else value + ":00")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class EntityOut(BaseModel):
    """A watchlist entry in yente's entity shape (plus the listing's reason and source)."""

    id: str
    caption: str
    schema_: str = Field("Person", serialization_alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    reason: str | None = None
    source: str | None = None
    expires_on: date | None = None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class FeatureResult(BaseModel):
    """nomenklatura's ``FeatureResult``: one feature's score (0-1) and how it was reached."""

    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class MatchResult(EntityOut):
    score: float = Field(examples=[0.93])
    match: bool
    explanations: dict[str, FeatureResult]
    #: older yente clients: feature -> score (0-1)
    features: dict[str, float]
    #: Waspada's own explanation: every feature's outcome and weight in bits, and the prior
    explanation: dict[str, Any]


class Total(BaseModel):
    value: int
    relation: str = "eq"


class QueryEcho(BaseModel):
    """The query as understood (yente echoes the parsed example)."""

    id: str | None = None
    schema_: str = Field(serialization_alias="schema")
    properties: dict[str, list[str]]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class QueryResponse(BaseModel):
    status: int = 200
    query: QueryEcho
    results: list[MatchResult]
    #: matches at or above the threshold (before ``limit``), as yente counts
    total: Total
    #: values that were not understood and so not compared (Waspada extension)
    warnings: list[str] = Field(default_factory=list)
    #: properties understood but not compared by this algorithm (Waspada extension)
    not_compared: list[str] = Field(default_factory=list)


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class MatchResponse(BaseModel):
    responses: dict[str, QueryResponse]
    matcher: dict[str, FeatureDoc]
    limit: int
    threshold: float
    dataset: str
    algorithm: str


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class DatasetOut(BaseModel):
    name: str
    title: str
    summary: str | None = None
    url: str | None = None
    load: bool = True
    entities_url: str | None = None
    version: str
    index_version: str | None = None
    index_current: bool = True
    children: list[str] = Field(default_factory=list)


class CatalogOut(BaseModel):
    datasets: list[DatasetOut]
    current: list[str]
    outdated: list[str] = Field(default_factory=list)
    index_stale: bool = False


class RemovedOut(BaseModel):
    record_id: str
    active: bool = False


class DedupeIn(BaseModel):
    """The dedupe page's options (the CSV file comes separately)."""

    origin: Literal["upload", "database"] = Field("upload", title=N_("Records"))
    #: None (the field left empty; the page fills in 0.5): the run chooses it for the
    #: precision target 0.99
    threshold: float | None = Field(None, gt=0.0, le=1.0, allow_inf_nan=False,
                                    title=N_("Threshold"))

    @field_validator("threshold", mode="before")
    @classmethod
    def _empty_is_automatic(cls, value: Any) -> Any:
        """Empty: automatic. "0,9" is 0.9: the Indonesian page writes its numbers with a
        decimal comma (the threshold field itself shows "0,5"), and the reader types them so
        (before: "0,9" was refused as "Ambang tidak valid.")."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        if text.count(",") == 1 and "." not in text:
            return text.replace(",", ".")
        return value
