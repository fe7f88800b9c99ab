"""Screening tables: travellers (persons), screenings, signed decisions and approvals.

A signed decision is never edited: the ORM refuses updates to it, and a correction is a new
decision that points at the one it corrects. Supervisor approvals are rows of their own.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from waspada.platform.db import Base, UTCDateTime, utcnow
from waspada.platform.security.models import Unit, User
from waspada.screening import limits


class ScreeningPerson(Base):
    """A traveller as identified across screenings (linked by the matching engine)."""

    __tablename__ = "screening_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(limits.NAME))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    nik: Mapped[str | None] = mapped_column(String(limits.NIK), nullable=True, index=True)
    passport_no: Mapped[str | None] = mapped_column(String(limits.PASSPORT_NO), nullable=True,
                                                       index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class Screening(Base):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_no: Mapped[str] = mapped_column(String(limits.RECORD_NO), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # departure | passport
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                   nullable=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("screening_persons.id"), index=True)
    person_match_score: Mapped[float | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | decided
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    full_name: Mapped[str] = mapped_column(String(limits.NAME))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    nik: Mapped[str | None] = mapped_column(String(limits.NIK), nullable=True)
    passport_no: Mapped[str | None] = mapped_column(String(limits.PASSPORT_NO), nullable=True)
    mrz: Mapped[str] = mapped_column(Text, default="")
    destination_country: Mapped[str] = mapped_column(String(limits.COUNTRY), default="",
                                                     index=True)
    facts_json: Mapped[str] = mapped_column(Text, default="{}")
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    offer_text: Mapped[str] = mapped_column(Text, default="")
    offer_json: Mapped[str] = mapped_column(Text, default="null")
    documents_json: Mapped[str] = mapped_column(Text, default="[]")
    watchlist_json: Mapped[str] = mapped_column(Text, default="[]")
    prior_json: Mapped[str] = mapped_column(Text, default="[]")
    assessment_json: Mapped[str] = mapped_column(Text, default="{}")
    level: Mapped[str] = mapped_column(String(8), default="low")
    recommended_action: Mapped[str] = mapped_column(String(32), default="allow")
    final_action: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[Unit] = relationship(lazy="joined")
    officer: Mapped[User | None] = relationship(lazy="joined")

    def load(self, attr: str) -> Any:
        return json.loads(getattr(self, f"{attr}_json") or "null")


class ScreeningDecision(Base):
    """The officer's signed decision. Immutable once written."""

    __tablename__ = "screening_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    recommended_action: Mapped[str] = mapped_column(String(32))
    deviation_reason: Mapped[str] = mapped_column(Text, default="")
    legal_bases_json: Mapped[str] = mapped_column(Text, default="[]")
    statement: Mapped[str] = mapped_column(Text, default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                   nullable=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    verification_code: Mapped[str] = mapped_column(String(32), index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("screening_decisions.id"),
                                                    nullable=True)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    assessment_version: Mapped[str] = mapped_column(String(32), default="")

    officer: Mapped[User | None] = relationship(lazy="joined")

    @property
    def legal_bases(self) -> list[str]:
        return list(json.loads(self.legal_bases_json or "[]"))


class ScreeningApproval(Base):
    """A supervisor's approval (or refusal) of a postponement, where the unit requires it."""

    __tablename__ = "screening_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("screening_decisions.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                      nullable=True)
    approved: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    supervisor: Mapped[User | None] = relationship(lazy="joined")


class ImmutableRecordError(RuntimeError):
    """Raised when code tries to change a signed decision."""


@event.listens_for(ScreeningDecision, "before_update")
def _refuse_update(mapper: Mapper[Any], connection: Any, target: ScreeningDecision) -> None:
    raise ImmutableRecordError("a signed decision is never edited; record a correction instead")


@event.listens_for(ScreeningDecision, "before_delete")
def _refuse_delete(mapper: Mapper[Any], connection: Any, target: ScreeningDecision) -> None:
    raise ImmutableRecordError("a signed decision is never deleted")
