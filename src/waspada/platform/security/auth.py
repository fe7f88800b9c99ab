"""Sign-in, sessions and personal API tokens.

Sign-in failures are throttled per (username, client address) with exponential backoff (see
throttle.py). Unknown user, wrong password and a throttled pair get the same answer from the
pages and the API, after the same password-hashing work. A throttle is not an account state:
the user's API tokens keep working while their password sign-in is throttled somewhere. A
*disabled* account is different: its sessions and tokens stop working at once (and disabling
revokes the tokens, so enabling the account again does not bring them back).

Every personal API token expires (``expires_at``, chosen at creation within
``TOKEN_DAYS_MAX`` days, ``WASPADA_TOKEN_DAYS`` by default); an expired token is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from waspada.platform.db import utcnow
from waspada.platform.security.models import TOKEN_DAYS_MAX, ApiToken, User, WebSession
from waspada.platform.security.passwords import dummy_hash, verify_password
from waspada.platform.security.policy import TOKEN_SCOPES, Principal
from waspada.platform.security.roles import Role
from waspada.platform.security.throttle import LoginThrottle
from waspada.platform.settings import get_settings

TOKEN_PREFIX = "wsp_"  # noqa: S105 - a visible prefix, not a secret

login_throttle = LoginThrottle(max_failures=get_settings().login_max_failures,
                               base_seconds=get_settings().lockout_minutes * 60)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def principal_for(user: User, via: str = "session", scope: str = "full") -> Principal:
    return Principal(user_id=user.id, username=user.username, role=Role(user.role),
                     unit_id=user.unit_id, via=via, scope=scope)


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    reason: str  # ok | bad_credentials | locked | disabled | totp_required | totp_invalid


def authenticate(session: Session, username: str, password: str, totp_code: str | None = None,
                 *, client: str = "unknown") -> LoginOutcome:
    """Check the throttle, credentials and TOTP for a sign-in from address ``client``.

    A wrong password and a wrong TOTP code both count as failures for (username, client).
    While the pair is throttled the password is not even checked (reason ``locked``; callers
    show it exactly like ``bad_credentials``), and the same hashing work is done either way.
    """
    name = username.strip().lower()
    if login_throttle.locked_for(name, client):
        verify_password(dummy_hash(), password)  # same work as a real check
        return LoginOutcome(None, "locked")
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        verify_password(dummy_hash(), password)  # same work as for a real user
        login_throttle.failure(name, client)
        return LoginOutcome(None, "bad_credentials")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        login_throttle.failure(name, client)
        return LoginOutcome(user, "bad_credentials")
    if not user.is_active:
        return LoginOutcome(user, "disabled")
    if user.totp_secret:
        if not totp_code:
            return LoginOutcome(user, "totp_required")
        if not pyotp.TOTP(user.totp_secret).verify(totp_code.strip(), valid_window=1):
            user.failed_logins += 1
            login_throttle.failure(name, client)
            return LoginOutcome(user, "totp_invalid")
    login_throttle.success(name, client)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
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


def create_api_token(session: Session, user: User, name: str = "",
                     days: int | None = None, *, scope: str) -> tuple[ApiToken, str]:
    """Make a personal API token of ``scope`` (``read`` or ``full``: every caller says which)
    valid for ``days`` (default ``WASPADA_TOKEN_DAYS``); the raw value is returned once and
    never stored."""
    if scope not in TOKEN_SCOPES:
        raise ValueError(f"unknown token scope {scope!r}")
    lifetime = timedelta(days=min(days or get_settings().token_days, TOKEN_DAYS_MAX))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:100], prefix=raw[:12], token_hash=_digest(raw),
                     expires_at=utcnow() + lifetime, scope=scope)
    session.add(token)
    session.flush()
    return token, raw


@dataclass(frozen=True)
class BearerCheck:
    """A bearer token looked up: ``token`` when it may be used, else why not (``unknown``,
    ``revoked``, ``expired``, ``disabled``) and, unless unknown, the ``refused`` row."""

    token: ApiToken | None
    refusal: str = ""
    refused: ApiToken | None = None


def check_bearer(session: Session, raw: str) -> BearerCheck:
    """Look up a bearer token; a usable one gets its ``last_used_at`` set."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None:
        return BearerCheck(None, "unknown")
    state = token.state(utcnow())
    if state != "active":
        return BearerCheck(None, state, token)
    if not token.user.is_active:
        return BearerCheck(None, "disabled", token)
    token.last_used_at = utcnow()
    return BearerCheck(token)


#: a refused token's use is audited at most once in this time (``ApiToken.last_refused_at``)
REFUSAL_AUDIT_INTERVAL = timedelta(hours=1)


def claim_refusal_audit(session: Session, token: ApiToken) -> bool:
    """Mark ``token``'s refused use as audited now, unless one was audited within
    :data:`REFUSAL_AUDIT_INTERVAL`; ``True`` when the caller is to write the entry. One
    conditional UPDATE: of two requests at the same moment only one gets ``True`` (the other
    waits for the row, then finds it set)."""
    now = utcnow()
    claimed = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id,
               or_(ApiToken.last_refused_at.is_(None),
                   ApiToken.last_refused_at <= now - REFUSAL_AUDIT_INTERVAL))
        .values(last_refused_at=now)
        .execution_options(synchronize_session=False))
    return bool(getattr(claimed, "rowcount", 0) == 1)


def revoke_api_token(session: Session, user: User, token_id: int) -> bool:
    """Revoke ``user``'s token ``token_id``; ``False`` when it is not theirs or already
    revoked."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


def revoke_all_api_tokens(session: Session, user: User) -> list[int]:
    """Revoke every token of ``user`` not yet revoked (expired ones too); their ids."""
    ids = list(session.scalars(select(ApiToken.id).where(ApiToken.user_id == user.id,
                                                         ApiToken.revoked_at.is_(None))))
    if ids:
        session.execute(update(ApiToken).where(ApiToken.id.in_(ids))
                        .values(revoked_at=utcnow()))
    return ids


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Waspada")
