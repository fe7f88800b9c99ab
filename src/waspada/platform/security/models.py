"""ORM models for units, users, web sessions and personal API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from waspada.platform.db import Base, UTCDateTime, utcnow
from waspada.platform.timezones import DEFAULT_ZONE, zone_for_unit_name


def _unit_zone(context: Any) -> str:
    """A new unit's zone when none is given: guessed from its name (WIB when unknown)."""
    return zone_for_unit_name(str(context.get_current_parameters().get("name") or ""))

#: input limits, used by the columns below and by the input models in ``schemas.py``
USERNAME_MAX = 64
FULL_NAME_MAX = 200
UNIT_NAME_MAX = 200
UNIT_KIND_MAX = 32
TOKEN_NAME_MAX = 100
TOKEN_DAYS_MAX = 365  # the longest lifetime a token's creator may choose (and the setting)
PASSWORD_MAX = 1024  # hashed, so not a column width: a bound on the hashing work
TOTP_CODE_MAX = 12
TOTP_SECRET_MAX = 64


class Unit(Base):
    """An organisational unit: a checkpoint (TPI), an immigration office (Kanim), an embassy..."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(UNIT_NAME_MAX))
    kind: Mapped[str] = mapped_column(String(UNIT_KIND_MAX), default="other")
    requires_supervisor_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: IANA zone its people work in (Asia/Jakarta = WIB, Asia/Makassar = WITA, ...); times are
    #: stored in UTC and shown in this zone (platform/timezones.py)
    time_zone: Mapped[str] = mapped_column(String(64), default=_unit_zone,
                                           server_default=DEFAULT_ZONE)
    #: where its records are signed ("Tangerang", "Phnom Penh"); empty: the unit's name
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX), unique=True)
    full_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX), default="")
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    #: set when someone else chose the password (an administrator's reset): every page asks
    #: for a new one until the user has chosen their own
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(TOTP_SECRET_MAX), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    #: civil-servant number (NIP, 18 digits) and rank, printed on the records the user signs
    nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    rank: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    unit: Mapped[Unit] = relationship(lazy="joined")


class WebSession(Base):
    """A signed-in browser or API session; the cookie holds a random token, we keep its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiToken(Base):
    """A personal API token (``Authorization: Bearer``); only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: after this moment the token is refused (chosen at creation, ``WASPADA_TOKEN_DAYS`` by
    #: default; tokens older than expiry got the default from migration 0007)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: ``read`` (reading actions only) or ``full`` (all the owner's role may do), chosen at
    #: creation; tokens older than scopes are ``full`` (migration 0008)
    scope: Mapped[str] = mapped_column(String(8), default="full", server_default="full")
    #: the last refused use that was audited (``token.refused``: at most one entry an hour)
    last_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    user: Mapped[User] = relationship(lazy="joined")

    def state(self, now: datetime) -> str:
        """``revoked``, ``expired`` or ``active`` at ``now`` (the owner's account aside)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"
