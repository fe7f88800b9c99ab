"""Network tables: entities (one per kind and normalised value), links (an entity seen in a
source record, with date and confidence) and suggested merges.

The graph is bipartite: an entity links to the source records it appears in; two entities are
neighbours when they appear in the same source record. Indexes serve the two lookups the
capability makes: an entity's links (``entity_id``) and a source record's links
(``source_type, source_id``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from waspada.platform.db import Base, UTCDateTime, utcnow

KIND_MAX = 16
VALUE_MAX = 255
SOURCE_TYPE_MAX = 16
ROLE_MAX = 32
GROUP_MAX = 16
STATUS_MAX = 16
REASON_MAX = 255
ACTOR_MAX = 64


class Entity(Base):
    """A phone, handle, e-mail, social profile, domain, bank account, agency, person or place."""

    __tablename__ = "network_entities"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_network_entities_kind_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    value: Mapped[str] = mapped_column(String(VALUE_MAX))  # the normalised key
    label: Mapped[str] = mapped_column(String(VALUE_MAX), default="")  # shown to people
    attrs_json: Mapped[str] = mapped_column(Text, default="{}")
    #: a confirmed merge points the merged entity at the one it joined (undo clears it)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_entities.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Link(Base):
    """``entity`` appears in one source record (offer report, screening, case, watchlist...)."""

    __tablename__ = "network_links"
    __table_args__ = (
        Index("ix_network_links_source", "source_type", "source_id"),
        Index("ix_network_links_entity_seen", "entity_id", "seen_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("network_entities.id"))
    source_type: Mapped[str] = mapped_column(String(SOURCE_TYPE_MAX))
    source_id: Mapped[int] = mapped_column(Integer)
    #: the unit owning the source record (unit-scoped roles see their own unit's records)
    source_unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: for case data: the field group a role needs to see this value (cases/visibility.py)
    field_group: Mapped[str] = mapped_column(String(GROUP_MAX), default="")
    role: Mapped[str] = mapped_column(String(ROLE_MAX), default="")  # sponsor, perpetrator...
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    raw: Mapped[str] = mapped_column(String(VALUE_MAX), default="")  # as written in the source


class MergeSuggestion(Base):
    """Two entities that may be the same; an analyst confirms, rejects or marks unsure."""

    __tablename__ = "network_merge_suggestions"
    __table_args__ = (UniqueConstraint("entity_a_id", "entity_b_id",
                                       name="uq_network_merge_suggestions_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_a_id: Mapped[int] = mapped_column(ForeignKey("network_entities.id"), index=True)
    entity_b_id: Mapped[int] = mapped_column(ForeignKey("network_entities.id"), index=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(STATUS_MAX), default="open", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_MAX), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
