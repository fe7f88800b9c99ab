"""Tables of exchanged content (migration ``0710_exchange_content``): global ids and versions of
shared cases and persons, per-partner consent, conflicts and verification requests.

Queries and changes live in the content modules (consent, referral, verification); nothing here
commits. Case and person rows are referenced by id only (the cases capability owns them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from waspada.platform.db import Base, UTCDateTime, utcnow

GLOBAL_ID = 36  # a UUID, as text
PARTNER = 64
ORGANISATION = 64
FINGERPRINT = 128
REASON = 1000
NOTE = 2000


class SharedCase(Base):
    """A local case known to other installations under a global id, with its version.

    ``version`` is one counter shared by every installation holding the case; ``content_hash``
    is the hash of the local HTCDS record when ``version`` was last set, so any local change to
    the record is seen (and counted once) the next time the version is read
    (:func:`waspada.exchange.referral.current_version`)."""

    __tablename__ = "exchange_shared_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         unique=True)
    global_id: Mapped[str] = mapped_column(String(GLOBAL_ID), unique=True)
    #: the installation that created the case ("" for this installation)
    origin: Mapped[str] = mapped_column(String(FINGERPRINT), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SharedCaseSync(Base):
    """The last version of a shared case exchanged with one partner (sent or applied)."""

    __tablename__ = "exchange_shared_case_syncs"
    __table_args__ = (UniqueConstraint("shared_case_id", "partner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shared_case_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_shared_cases.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(PARTNER))
    synced_version: Mapped[int] = mapped_column(Integer, default=0)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SharedPerson(Base):
    """A local case person known to other installations under a global id."""

    __tablename__ = "exchange_shared_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("case_persons.id", ondelete="CASCADE"),
                                           unique=True)
    shared_case_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_shared_cases.id", ondelete="CASCADE"), index=True)
    global_id: Mapped[str] = mapped_column(String(GLOBAL_ID), unique=True)


class ExchangeConsent(Base):
    """A victim's consent to share with one partner (or every partner of an organisation
    type) for one purpose; withdrawn consents stay, with who withdrew them and when."""

    __tablename__ = "exchange_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("case_persons.id", ondelete="CASCADE"))
    #: "partner" (a named installation) or "organisation" (an HTCDS org_Type)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(PARTNER))
    purpose: Mapped[str] = mapped_column(String(32))  # services | verification | law_enforcement
    given: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(16))  # verbal | written
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ExchangeConflict(Base):
    """An incoming update that met a local change made since the last exchange: nothing was
    overwritten; a person picks, per field, which value stays."""

    __tablename__ = "exchange_conflicts"
    __table_args__ = (UniqueConstraint("shared_case_id", "partner", "incoming_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shared_case_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_shared_cases.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_cases.id", ondelete="CASCADE"),
                                         index=True)
    partner: Mapped[str] = mapped_column(String(PARTNER))
    local_version: Mapped[int] = mapped_column(Integer)
    incoming_version: Mapped[int] = mapped_column(Integer)
    #: [{"field", "local", "incoming"}]: every field on which the two sides differ
    fields_json: Mapped[str] = mapped_column(Text)
    #: the incoming HTCDS record (applied field by field on resolution)
    record_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | resolved | superseded
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolution_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VerificationRequest(Base):
    """A citizenship verification request: sent (``out``, on the asking case) or received
    (``in``, with the drafted and then approved answer)."""

    __tablename__ = "exchange_verifications"
    __table_args__ = (UniqueConstraint("direction", "partner", "request_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # out | in
    request_uid: Mapped[str] = mapped_column(String(GLOBAL_ID))
    partner: Mapped[str] = mapped_column(String(PARTNER))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_cases.id", ondelete="CASCADE"), nullable=True, index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_persons.id", ondelete="SET NULL"), nullable=True)
    #: {"full_name", "birth_date", "nik", "passport_numbers": [...]}
    identifiers_json: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: out: sent | answered; in: draft | approved | denied
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: in: the matching engine's candidates with scores and evidence
    draft_json: Mapped[str] = mapped_column(Text, default="[]")
    #: verified | not_verified | denied (the answer sent, or received)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence_json: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consent_override: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
