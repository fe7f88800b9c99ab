"""One input (and output) model per platform operation; limits come from ``models.py``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from waspada.platform.i18n import N_
from waspada.platform.security.models import (
    FULL_NAME_MAX,
    PASSWORD_MAX,
    TOKEN_DAYS_MAX,
    TOKEN_NAME_MAX,
    TOTP_CODE_MAX,
    TOTP_SECRET_MAX,
    UNIT_KIND_MAX,
    UNIT_NAME_MAX,
    USERNAME_MAX,
)
from waspada.platform.security.policy import TokenScope


class LoginIn(BaseModel):
    username: str = Field(max_length=USERNAME_MAX, examples=["petugas.tpi"],
                          title=N_("Username"))
    password: str = Field(max_length=PASSWORD_MAX, title=N_("Password"))
    totp: str | None = Field(default=None, max_length=TOTP_CODE_MAX,
                             description="TOTP code if enabled", title=N_("Authenticator code"))


class UserIn(BaseModel):
    username: str = Field(max_length=USERNAME_MAX, title=N_("Username"))
    role: str = Field(max_length=32, title=N_("Role"))
    unit: str = Field(max_length=UNIT_NAME_MAX, title=N_("Unit"))
    password: str = Field(max_length=PASSWORD_MAX, title=N_("Password"))
    full_name: str = Field(default="", max_length=FULL_NAME_MAX, title=N_("Full name"))


class PasswordIn(BaseModel):
    password: str = Field(max_length=PASSWORD_MAX, title=N_("Password"))


class UnitIn(BaseModel):
    name: str = Field(max_length=UNIT_NAME_MAX, title=N_("Unit name"))
    kind: str = Field(default="other", max_length=UNIT_KIND_MAX, title=N_("Kind"))
    #: IANA zone; empty: guessed from the name (platform/timezones.py)
    time_zone: str = Field(default="", max_length=64, title=N_("Time zone"))


class UserEditIn(BaseModel):
    """An administrator's change of a user's role and unit (the unit chosen from the list)."""

    role: str = Field(max_length=32, title=N_("Role"))
    unit_id: int = Field(ge=1, le=2_147_483_647, title=N_("Unit"))


class PasswordChangeIn(BaseModel):
    """The signed-in user's own new password (the current one proves it is them)."""

    current: str = Field(max_length=PASSWORD_MAX, title=N_("Current password"))
    password: str = Field(max_length=PASSWORD_MAX, title=N_("New password"))
    repeat: str = Field(max_length=PASSWORD_MAX, title=N_("New password again"))


class TokenIn(BaseModel):
    name: str = Field(default="", max_length=TOKEN_NAME_MAX, title=N_("Name"))
    #: lifetime in days; none: ``WASPADA_TOKEN_DAYS`` (90 unless set)
    days: int | None = Field(default=None, ge=1, le=TOKEN_DAYS_MAX,
                             title=N_("Valid for (days)"))
    #: ``read``: reading actions only (the least privilege, so the default); ``full``:
    #: everything the owner's role may do (docs/administration.md, "API tokens")
    scope: TokenScope = Field(default="read", title=N_("Access"))


class TotpConfirmIn(BaseModel):
    secret: str = Field(max_length=TOTP_SECRET_MAX, title=N_("Secret"))
    code: str = Field(max_length=TOTP_CODE_MAX, title=N_("Authenticator code"))


class AuditFilter(BaseModel):
    """Filters of the audit trail (every one optional; days are ``YYYY-MM-DD``)."""

    action: str = Field(default="", max_length=64)
    actor: str = Field(default="", max_length=USERNAME_MAX)
    object_type: str = Field(default="", max_length=64)
    object_id: str = Field(default="", max_length=64)
    day_from: str = Field(default="", max_length=10)
    day_to: str = Field(default="", max_length=10)


class Me(BaseModel):
    username: str
    full_name: str
    role: str
    role_label: str
    unit: str
    via: str


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    created_at: datetime
    actor: str
    via: str
    action: str
    object_type: str | None
    object_id: str | None
    unit_id: int | None
    outcome: str


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    database: str = Field(examples=["ok"])
    version: str
