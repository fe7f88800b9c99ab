"""Inputs and outputs of the network API (one model each)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from waspada.platform.i18n import N_

VALUE_MAX = 255


class LinkOut(BaseModel):
    id: int
    entity_id: int
    source_type: str
    source_id: int
    url: str
    role: str
    seen_at: datetime
    confidence: float
    raw: str


class AppearanceOut(BaseModel):
    seen_at: datetime
    source_type: str
    source_id: int
    role: str
    raw: str
    url: str


class EvidenceOut(BaseModel):
    """The records an entity appears in that the caller may see: how many (``more``: above
    the count shown) and the newest few."""

    records: int
    more: bool
    appearances: list[AppearanceOut]


class EntityOut(BaseModel):
    id: int
    kind: str
    value: str
    label: str
    attrs: dict[str, Any] = {}
    depth: int | None = None
    hub: bool | None = None
    merged: list[int] | None = None
    evidence: EvidenceOut | None = None


class CommunityOut(BaseModel):
    id: int
    members: list[int]
    size: int
    reason: str


class BrokerOut(BaseModel):
    entity_id: int
    betweenness: float
    communities: list[int]
    reason: str


class LookupOut(BaseModel):
    query: str
    depth: int
    truncated: bool
    entity: EntityOut
    neighbours: list[EntityOut]
    links: list[LinkOut]
    timeline: list[AppearanceOut]
    communities: list[CommunityOut]
    brokers: list[BrokerOut]


class SuggestionOut(BaseModel):
    id: int
    status: str
    reason: str
    #: same_number | same_post | similar_agency
    code: str
    score: float
    a: EntityOut
    b: EntityOut
    decided_by: str | None
    decided_at: datetime | None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "reject", "unsure"]


class ReviewIn(BaseModel):
    """The review page's form: a decision on a suggested merge, or undoing a confirmed one."""

    decision: Literal["confirm", "reject", "unsure", "undo"] = Field(title=N_("Decision"))


class DecisionOut(BaseModel):
    id: int
    status: str
