"""Exchange tables: partners, nonces seen (replay protection), the inbox, the outbox and
every delivery attempt (transactional outbox: a bundle is queued in the same transaction as
the change that sends it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from waspada.platform.db import Base, UTCDateTime, utcnow

from .bundle import KIND_MAX
from .keys import NAME_MAX, PUBLIC_KEY_MAX

FINGERPRINT_MAX = 64
URL_MAX = 512
ORG_MAX = 64
TITLE_MAX = 128
STATUS_MAX = 16
NONCE_MAX = 32
REASON_MAX = 255
ACTOR_MAX = 64
ACCEPTANCE = ("auto", "manual")
INBOX_STATUSES = ("pending", "accepted", "rejected", "failed")
OUTBOX_STATUSES = ("pending", "delivered", "dead", "file", "held", "withdrawn")


class Partner(Base):
    """Another Waspada installation this one exchanges bundles with."""

    __tablename__ = "exchange_partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the identifier (API, command line, bundles, consents by partner)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    #: the organisation's name as people read it ("KBRI Phnom Penh"); the pages show it
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX), nullable=True)
    public_key: Mapped[str] = mapped_column(String(PUBLIC_KEY_MAX))
    fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT_MAX), unique=True)
    url: Mapped[str | None] = mapped_column(String(URL_MAX), nullable=True)
    #: HTCDS org_Type of the partner (ImmigrationService, NGO, ...)
    organisation: Mapped[str | None] = mapped_column(String(ORG_MAX), nullable=True)
    acceptance: Mapped[str] = mapped_column(String(STATUS_MAX), default="auto")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(ACTOR_MAX), default="")


class SeenNonce(Base):
    """A bundle nonce received from a partner; pruned after the maximum bundle age."""

    __tablename__ = "exchange_nonces"
    __table_args__ = (UniqueConstraint("partner_id", "nonce",
                                       name="uq_exchange_nonces_partner_nonce"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partners.id"))
    nonce: Mapped[str] = mapped_column(String(NONCE_MAX))
    bundle_created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InboxItem(Base):
    """A bundle received and opened (only bundles that passed every check are stored)."""

    __tablename__ = "exchange_inbox"
    __table_args__ = (Index("ix_exchange_inbox_status", "status", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    nonce: Mapped[str] = mapped_column(String(NONCE_MAX))
    bundle_created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    via: Mapped[str] = mapped_column(String(STATUS_MAX), default="http")  # http | file
    status: Mapped[str] = mapped_column(String(STATUS_MAX), default="pending")
    payload_json: Mapped[str] = mapped_column(Text)
    #: what applying did: {"case_number", "created", "changed", "conflict"}
    result_json: Mapped[str] = mapped_column(Text, default="{}")
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_MAX), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OutboxItem(Base):
    """A sealed bundle for a partner: pending until delivered, dead after N failures, held
    while its partner was disabled (both sent again only by an administrator)."""

    __tablename__ = "exchange_outbox"
    __table_args__ = (Index("ix_exchange_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    nonce: Mapped[str] = mapped_column(String(NONCE_MAX))
    bundle: Mapped[str] = mapped_column(Text)  # the sealed envelope (ciphertext only)
    status: Mapped[str] = mapped_column(String(STATUS_MAX), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(REASON_MAX), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(ACTOR_MAX), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: the consent the bundle was sealed under, checked again by a re-send: ``{"purpose",
    #: "persons": [case person ids], "organisation"}`` (ids and codes, no personal data); null
    #: for a bundle that rests on no consent
    consent_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class DeliveryAttempt(Base):
    """One try at pushing an outbox bundle, with its outcome (no payload, no personal data)."""

    __tablename__ = "exchange_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("exchange_outbox.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
