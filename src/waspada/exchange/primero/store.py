"""Tables of the Primero connector: destinations, what we last sent, and the sync log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from waspada.platform.db import Base, UTCDateTime, utcnow


class PrimeroDestination(Base):
    """A Primero server we push to / pull from. Secrets are NOT stored here: the password and
    the webhook key come from the environment (see ``service.secret``)."""

    __tablename__ = "primero_destinations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    user_name: Mapped[str] = mapped_column(String(128))
    #: ``last_updated_at`` upper bound of the last successful pull
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), nullable=True)
    #: ``auto``: a pulled case is applied at once; ``manual``: it waits, with its preview, for
    #: an administrator to accept it (as a partner's bundle does)
    acceptance: Mapped[str] = mapped_column(String(16), default="auto", server_default="auto")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)


class PrimeroRecord(Base):
    """One of our cases at one destination: its Primero id (our UUID) and the last snapshot sent
    (the base of the changed-fields PATCH)."""

    __tablename__ = "primero_records"
    __table_args__ = (UniqueConstraint("destination_id", "case_ref",
                                       name="uq_primero_records_destination_case"),
                      UniqueConstraint("destination_id", "primero_id",
                                       name="uq_primero_records_destination_primero"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("primero_destinations.id"))
    case_ref: Mapped[str] = mapped_column(String(64))
    primero_id: Mapped[str] = mapped_column(String(36))
    snapshot_json: Mapped[str] = mapped_column(Text, default="{}")
    mapping_version: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), nullable=True)


class PrimeroSyncLog(Base):
    """One sync event per destination. ``message`` never holds personal data."""

    __tablename__ = "primero_sync_log"
    __table_args__ = (Index("ix_primero_sync_log_destination_time", "destination_id",
                            "created_at"),
                      Index("ix_primero_sync_log_destination_status", "destination_id",
                            "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("primero_destinations.id"))
    #: our case reference (out) or Primero's case id (in); None for a whole-sync entry
    record: Mapped[str | None] = mapped_column(String(64), nullable=True)
    direction: Mapped[str] = mapped_column(String(8))      # out | in
    status: Mapped[str] = mapped_column(String(24))
    http_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)


class PrimeroIncoming(Base):
    """One Primero case as last pulled from one destination, on its way through the referral
    import: its global id, the version this installation gave it (one up per changed pull) and
    the hash of what was pulled (the same content twice is one version). ``payload_json`` (the
    mapped HTCDS record: personal data) waits here while ``pending``; it is erased with the
    inbox's payloads ``exchange_inbox_keep_days`` after the decision, and with the case."""

    __tablename__ = "primero_incoming"
    __table_args__ = (UniqueConstraint("destination_id", "primero_id",
                                       name="uq_primero_incoming_destination_record"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("primero_destinations.id"))
    primero_id: Mapped[str] = mapped_column(String(36))
    global_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    #: pending | accepted | rejected | applied | skipped | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    payload_json: Mapped[str] = mapped_column(Text, default="{}")
    result_json: Mapped[str] = mapped_column(Text, default="{}")
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True),
                                                        nullable=True)
