"""Sign-in, sessions and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from waspada.platform.db import utcnow
from waspada.platform.security.models import ApiToken, User, WebSession
from waspada.platform.security.passwords import dummy_hash, verify_password
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role
from waspada.platform.settings import get_settings

TOKEN_PREFIX = "wsp_"  # noqa: S105 - a visible prefix, not a secret


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def principal_for(user: User, via: str = "session") -> Principal:
    return Principal(user_id=user.id, username=user.username, role=Role(user.role),
                     unit_id=user.unit_id, via=via)


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    reason: str  # ok | bad_credentials | locked | disabled | totp_required | totp_invalid


def authenticate(session: Session, username: str, password: str, totp_code: str | None = None
                 ) -> LoginOutcome:
    """Check credentials, lockout and TOTP; update the failure counter."""
    settings = get_settings()
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        verify_password(dummy_hash(), password)  # same work as for a real user
        return LoginOutcome(None, "bad_credentials")
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return LoginOutcome(user, "locked")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            return LoginOutcome(user, "locked")
        return LoginOutcome(user, "bad_credentials")
    if not user.is_active:
        return LoginOutcome(user, "disabled")
    if user.totp_secret:
        if not totp_code:
            return LoginOutcome(user, "totp_required")
        if not pyotp.TOTP(user.totp_secret).verify(totp_code.strip(), valid_window=1):
            user.failed_logins += 1
            return LoginOutcome(user, "totp_invalid")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return LoginOutcome(user, "ok")


def start_session(session: Session, user: User) -> str:
    raw = secrets.token_urlsafe(32)
    lifetime = timedelta(minutes=get_settings().session_lifetime_minutes)
    session.add(WebSession(token_hash=_digest(raw), user_id=user.id,
                           expires_at=utcnow() + lifetime))
    return raw


def user_for_session(session: Session, raw: str) -> User | None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(raw)))
    if row is None or row.revoked or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def end_session(session: Session, raw: str) -> None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(raw)))
    if row is not None:
        row.revoked = True


def create_api_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a personal API token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:100], prefix=raw[:12], token_hash=_digest(raw))
    session.add(token)
    session.flush()
    return token, raw


def token_for_bearer(session: Session, raw: str) -> ApiToken | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = utcnow()
    return token


def revoke_api_token(session: Session, user: User, token_id: int) -> bool:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Waspada")
