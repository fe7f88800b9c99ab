"""Inputs and outputs of the network API (one model each)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

VALUE_MAX = 255


class EntityOut(BaseModel):
    id: int
    kind: str
    value: str
    label: str
    attrs: dict[str, Any] = {}
    depth: int | None = None
    hub: bool | None = None
    merged: list[int] | None = None


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
    score: float
    a: EntityOut
    b: EntityOut
    decided_by: str | None
    decided_at: datetime | None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "reject", "unsure"]


class DecisionOut(BaseModel):
    id: int
    status: str
