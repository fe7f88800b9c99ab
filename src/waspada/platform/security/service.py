"""The platform's operations, written once for the pages, the API and the CLI.

Each function checks what it needs (the route or command has already checked the policy
action), changes data, records its audit entry **in the same transaction** (``audit.record(...,
session=db)``) and commits once; a refusal raises a :class:`~waspada.platform.domain.DomainError`
(``UserError``, ``SignInRefused``) after committing only what must be kept (a failed sign-in's
counter and its audit entry). Interfaces parse input, call these and render.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.ratelimit import RateLimiter
from waspada.platform.security import auth, users
from waspada.platform.security.models import ApiToken, Unit, User
from waspada.platform.security.passwords import verify_password
from waspada.platform.security.policy import Principal
from waspada.platform.security.schemas import (
    AuditFilter,
    LoginIn,
    PasswordChangeIn,
    PasswordIn,
    TokenIn,
    TotpConfirmIn,
    UnitIn,
    UserEditIn,
    UserIn,
)
from waspada.platform.settings import get_settings
from waspada.platform.timezones import DEFAULT_ZONE, is_valid_zone

login_limiter = RateLimiter(limit=get_settings().login_ip_attempts_per_5min, window=300)

SIGN_IN_MESSAGES = {
    # also the answer while (username, address) is throttled: nobody learns which names exist
    "bad_credentials": N_("Wrong username or password, or too many failed attempts: wait a few "
                          "minutes and try again."),
    "disabled": N_("This account has been disabled. Contact your administrator."),
    "totp_required": N_("Enter the 6-digit code from your authenticator app."),
    "totp_invalid": N_("The authenticator code is not correct."),
    "rate_limited": N_("Too many attempts. Please wait a moment and try again."),
}


class SignInRefused(DomainError):
    """Sign-in refused; ``code`` is one of :data:`SIGN_IN_MESSAGES` (a locked pair is answered
    as ``bad_credentials``: the audit trail keeps the truth)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, SIGN_IN_MESSAGES[reason],
                         status=429 if reason == "rate_limited" else 401)


class TotpInvalid(DomainError):
    def __init__(self) -> None:
        super().__init__("totp_invalid", SIGN_IN_MESSAGES["totp_invalid"], status=400)


# -- sign-in and sign-out ----------------------------------------------------------------------

@dataclass(frozen=True)
class SignedIn:
    user: User
    session_token: str  # the raw cookie value; only its hash is stored


def sign_in(db: Session, login: LoginIn, ip: str | None, replaces: str | None = None
            ) -> SignedIn:
    """Throttle, check the credentials, start a session; every outcome audited with its change.

    ``replaces`` is the session cookie the browser sent, if any: a successful sign-in ends that
    session (someone signing in over a colleague's forgotten session does not leave it alive
    behind the new cookie). Raises :class:`SignInRefused` (after committing the failure counter
    and its audit entry).
    """
    ip = ip or "unknown"
    actor = login.username.strip().lower()[:64] or "anonymous"
    if not login_limiter.hit(ip):
        audit.record("login.throttled", None, actor=actor, ip=ip, outcome="refused",
                     via="session", session=db)
        db.commit()
        raise SignInRefused("rate_limited")
    outcome = auth.authenticate(db, login.username, login.password, login.totp or None,
                                client=ip)
    if outcome.reason != "ok" or outcome.user is None:
        audit.record("login.failed", None, actor=actor, ip=ip, outcome="refused",
                     via="session", reason=outcome.reason,
                     user_id=outcome.user.id if outcome.user else None, session=db)
        db.commit()
        raise SignInRefused("bad_credentials" if outcome.reason == "locked" else outcome.reason)
    user = outcome.user
    if replaces:
        auth.end_session(db, replaces)
    raw = auth.start_session(db, user)
    audit.record("login", auth.principal_for(user), object_type="user", object_id=user.id,
                 unit_id=user.unit_id, ip=ip, session=db)
    db.commit()
    return SignedIn(user, raw)


def sign_out(db: Session, session_token: str | None, user: User | None) -> None:
    """End the session behind ``session_token`` (if any) and audit it, in one transaction."""
    if session_token:
        auth.end_session(db, session_token)
    if user is not None:
        audit.record("logout", auth.principal_for(user), object_type="user", object_id=user.id,
                     session=db)
    db.commit()


def use_token(db: Session, raw: str, *, ip: str | None, method: str, path: str
              ) -> auth.BearerCheck:
    """Check a bearer token: its ``token`` when usable (every use is audited with the token's
    ``last_used_at`` update), else the ``refusal`` (unknown, revoked, expired, disabled).

    A revoked or expired token that is still tried is audited as ``token.refused`` (its id,
    owner and reason; never the secret), at most once an hour per token: the claim on
    ``last_refused_at`` and the entry commit together. An unknown token has no owner and is
    not audited (anyone can send random strings; the trail is not theirs to fill)."""
    check = auth.check_bearer(db, raw)
    if check.token is None:
        refused = check.refused
        if (refused is not None and check.refusal in ("revoked", "expired")
                and auth.claim_refusal_audit(db, refused)):
            owner = refused.user
            audit.record("token.refused", None, actor=owner.username, via="token",
                         outcome="refused", object_type="api_token", object_id=refused.id,
                         unit_id=owner.unit_id, ip=ip, for_user=owner.username,
                         reason=check.refusal, method=method, path=path, session=db)
            db.commit()
        return check
    token = check.token
    user = token.user
    audit.record("token.use", auth.principal_for(user, "token", token.scope),
                 object_type="api_token", object_id=token.id, ip=ip, method=method, path=path,
                 session=db)
    db.commit()
    return check


# -- own account: tokens and TOTP ----------------------------------------------------------------

def _self(db: Session, principal: Principal) -> User:
    user = db.get(User, principal.user_id)
    if user is None:  # deleted while signed in
        raise users.UserError(N_("no user named {username}"), code="not_found", status=404,
                              username=repr(principal.username))
    return user


def list_own_tokens(db: Session, principal: Principal) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == principal.user_id)
                           .order_by(ApiToken.created_at.desc())))


def create_own_token(db: Session, principal: Principal, data: TokenIn) -> str:
    """A personal API token for the signed-in user; the raw value is returned once."""
    return _create_token(db, principal, _self(db, principal), data)


def create_token_for(db: Session, principal: Principal, username: str, data: TokenIn) -> str:
    """(Operator) a personal API token for ``username``; the raw value is returned once."""
    user = users.find_user(db, username)
    if not user.is_active:
        raise users.UserError(N_("user {username} is disabled"), code="user_disabled",
                              status=409, username=repr(user.username))
    return _create_token(db, principal, user, data, for_user=user.username)


def _create_token(db: Session, principal: Principal, user: User, data: TokenIn,
                  **detail: Any) -> str:
    token, raw = auth.create_api_token(db, user, data.name.strip(), data.days,
                                       scope=data.scope)
    audit.record("token.create", principal, object_type="api_token", object_id=token.id,
                 expires=token.expires_at.date().isoformat(), scope=token.scope, session=db,
                 **detail)
    db.commit()
    return raw


def revoke_own_token(db: Session, principal: Principal, token_id: int) -> bool:
    """Revoke one of the caller's tokens; ``False`` (nothing changed) when it is not theirs."""
    if not auth.revoke_api_token(db, _self(db, principal), token_id):
        return False
    audit.record("token.revoke", principal, object_type="api_token", object_id=token_id,
                 session=db)
    db.commit()
    return True


# -- every user's tokens (administrators, operator) --------------------------------------------

def list_user_tokens(db: Session, user: int | str) -> list[ApiToken]:
    """(Administrators) every token of ``user`` (by id or username), newest first; the page
    and the CLI show its name, prefix and dates, never its hash."""
    row = _user(db, user)
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == row.id)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_user_token(db: Session, principal: Principal, user: int | str, token_id: int
                      ) -> bool:
    """(Administrators) revoke ``user``'s token ``token_id``; ``False`` (nothing changed) when
    the token is not that user's or already revoked. Audited as ``token.revoke`` with the
    owner and reason ``administrator``."""
    row = _user(db, user)
    if not auth.revoke_api_token(db, row, token_id):
        return False
    audit.record("token.revoke", principal, object_type="api_token", object_id=token_id,
                 for_user=row.username, reason="administrator", session=db)
    db.commit()
    return True


def _revoke_all_tokens(db: Session, principal: Principal, row: User, reason: str) -> int:
    """Revoke every token of ``row`` in the caller's transaction, one ``token.revoke`` entry
    each (``reason``: password_reset, user_disabled, role_changed, unit_changed); how many."""
    ids = auth.revoke_all_api_tokens(db, row)
    for token_id in ids:
        audit.record("token.revoke", principal, object_type="api_token", object_id=token_id,
                     for_user=row.username, reason=reason, session=db)
    return len(ids)


def new_totp(db: Session, principal: Principal) -> tuple[str, str]:
    """A fresh TOTP secret and its provisioning URI (nothing stored until confirmed)."""
    secret = auth.new_totp_secret()
    return secret, auth.totp_uri(_self(db, principal), secret)


def totp_uri_for(db: Session, principal: Principal, secret: str) -> str:
    return auth.totp_uri(_self(db, principal), secret)


def enable_totp(db: Session, principal: Principal, data: TotpConfirmIn) -> None:
    secret = data.secret.strip()
    try:
        ok = pyotp.TOTP(secret).verify(data.code.strip(), valid_window=1)
    except Exception:  # a tampered secret that is not base32
        ok = False
    if not ok:
        raise TotpInvalid()
    user = _self(db, principal)
    user.totp_secret = secret
    audit.record("totp.enable", principal, object_type="user", object_id=user.id, session=db)
    db.commit()


def disable_totp(db: Session, principal: Principal) -> None:
    user = _self(db, principal)
    user.totp_secret = None
    audit.record("totp.disable", principal, object_type="user", object_id=user.id, session=db)
    db.commit()


# -- users and units (administrators, operator) ------------------------------------------------

def list_users(db: Session) -> list[User]:
    return users.list_users(db)


def list_units(db: Session) -> list[Unit]:
    return list(db.scalars(select(Unit).order_by(Unit.name)))


#: the kinds of unit an administrator chooses from
UNIT_KINDS: dict[str, str] = {
    "checkpoint": N_("Checkpoint (TPI)"),
    "immigration_office": N_("Immigration office (Kanim)"),
    "embassy": N_("Embassy / consulate"),
    "headquarters": N_("Headquarters"),
    "protection": N_("Protection service"),
    "other": N_("Other"),
}


def find_unit(db: Session, name: str) -> Unit:
    return users.find_unit(db, name)


def add_user(db: Session, principal: Principal, data: UserIn, *,
             create_unit: bool = False) -> User:
    """Create a user in an existing unit (``create_unit``: the operator's explicit choice to
    add the unit too, e.g. the very first account of a new installation)."""
    user = users.add_user(db, data.username, role=data.role, unit=data.unit,
                          password=data.password, full_name=data.full_name,
                          create_unit=create_unit)
    audit.record("user.create", principal, object_type="user", object_id=user.id,
                 unit_id=user.unit_id, role=user.role, session=db)
    db.commit()
    return user


def _user(db: Session, user: int | str) -> User:
    if isinstance(user, str):
        return users.find_user(db, user)
    row = db.get(User, user)
    if row is None:
        raise users.UserError(N_("no user with id {user_id}"), code="not_found", status=404,
                              user_id=user)
    return row


def get_user(db: Session, user_id: int) -> User:
    return _user(db, user_id)


def _other_active_admins(db: Session, row: User) -> int:
    return db.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.is_active.is_(True), User.id != row.id)) or 0


def _keep_an_admin(db: Session, principal: Principal, row: User, *, disable: bool = False,
                   role: str | None = None) -> None:
    """Refuse a change that would lock administrators out: nobody disables or demotes
    themselves, and the last active administrator stays an active administrator."""
    demotes = role is not None and role != "admin" and row.role == "admin"
    if not (disable or demotes):
        return
    if row.id == principal.user_id:
        raise users.UserError(
            N_("you cannot disable your own account") if disable
            else N_("you cannot take the administrator role from yourself"),
            code="own_account", status=409)
    if row.role == "admin" and row.is_active and _other_active_admins(db, row) == 0:
        raise users.UserError(N_("{username} is the last active administrator: make another "
                                 "user an administrator first"), code="last_admin",
                              status=409, username=repr(row.username))


def set_active(db: Session, principal: Principal, user: int | str, active: bool) -> User:
    """Enable or disable a user (by id or username): a disabled user cannot sign in and their
    sessions and tokens stop working at once. Disabling ends the sessions and revokes the API
    tokens for good, so that enabling the account again does not bring them back. Nobody
    disables themselves or the last active administrator."""
    row = _user(db, user)
    if not active:
        _keep_an_admin(db, principal, row, disable=True)
        users.end_sessions(db, row)
        _revoke_all_tokens(db, principal, row, "user_disabled")
    row.is_active = active
    audit.record("user.enable" if active else "user.disable", principal, object_type="user",
                 object_id=row.id, session=db)
    db.commit()
    return row


def has_live_tokens(db: Session, user_id: int) -> bool:
    """Whether the user holds a token not yet revoked (a move would revoke it)."""
    return db.scalar(select(ApiToken.id).where(ApiToken.user_id == user_id,
                                               ApiToken.revoked_at.is_(None)).limit(1)) is not None


def set_role(db: Session, principal: Principal, user: int | str, role: str) -> User:
    """Give a user another role (at their next request). A real change revokes their API
    tokens: a token made for one role's script must not act with another role's power."""
    row = _user(db, user)
    before = row.role
    new_role = users.check_role(role)
    _keep_an_admin(db, principal, row, role=new_role)
    if new_role != before:
        _revoke_all_tokens(db, principal, row, "role_changed")
    row.role = new_role
    audit.record("user.role", principal, object_type="user", object_id=row.id,
                 unit_id=row.unit_id, role=row.role, previous=before, session=db)
    db.commit()
    return row


def set_unit(db: Session, principal: Principal, user: int | str, data: UnitIn, *,
             create_unit: bool = False) -> User:
    """Move a user to an existing unit (``create_unit``: the operator adds it if new); unit
    scoping follows at their next request. A real move revokes their API tokens (a token made
    for one unit's work must not read another's)."""
    row = _user(db, user)
    before = row.unit_id
    unit = (users.get_or_create_unit(db, data.name, kind=_kind(data.kind)) if create_unit
            else find_unit(db, data.name))
    if unit.id != before:
        _revoke_all_tokens(db, principal, row, "unit_changed")
    row.unit_id = unit.id
    audit.record("user.unit", principal, object_type="user", object_id=row.id,
                 unit_id=row.unit_id, previous_unit_id=before, session=db)
    db.commit()
    db.refresh(row)
    return row


def edit_user(db: Session, principal: Principal, user_id: int, data: UserEditIn) -> User:
    """(Pages) role and unit together, one audit entry per change, one commit; a change of
    either revokes the user's API tokens (``set_role``, ``set_unit``)."""
    row = _user(db, user_id)
    unit = db.get(Unit, data.unit_id)
    if unit is None:
        raise users.UserError(N_("choose a unit from the list"), code="unknown_unit")
    new_role = users.check_role(data.role)
    _keep_an_admin(db, principal, row, role=new_role)
    if new_role != row.role or unit.id != row.unit_id:
        _revoke_all_tokens(db, principal, row,
                           "role_changed" if new_role != row.role else "unit_changed")
    if new_role != row.role:
        audit.record("user.role", principal, object_type="user", object_id=row.id,
                     unit_id=row.unit_id, role=new_role, previous=row.role, session=db)
        row.role = new_role
    if unit.id != row.unit_id:
        audit.record("user.unit", principal, object_type="user", object_id=row.id,
                     unit_id=unit.id, previous_unit_id=row.unit_id, session=db)
        row.unit_id = unit.id
    db.commit()
    db.refresh(row)
    return row


def reset_password(db: Session, principal: Principal, user: int | str,
                   data: PasswordIn) -> User:
    """Set a new password, clear the failure counter, end the user's open sessions and revoke
    their API tokens (a token made with a stolen password must not outlive the reset); the
    user must choose their own password at the next sign-in."""
    row = _user(db, user)
    users.set_password(db, row, data.password)
    row.must_change_password = True
    _revoke_all_tokens(db, principal, row, "password_reset")
    audit.record("user.password_reset", principal, object_type="user", object_id=row.id,
                 unit_id=row.unit_id, session=db)
    db.commit()
    return row


def reset_password_temporary(db: Session, principal: Principal, user_id: int
                             ) -> tuple[User, str]:
    """(Pages) a random temporary password, shown once to the administrator; the user must
    replace it at the next sign-in."""
    temporary = "-".join(secrets.token_urlsafe(4).replace("_", "x").replace("-", "y")
                         for _ in range(4))
    return reset_password(db, principal, user_id, PasswordIn(password=temporary)), temporary


def change_own_password(db: Session, principal: Principal, data: PasswordChangeIn) -> str:
    """The signed-in user replaces their password (proving the current one); every open
    session ends and a fresh one is returned (the raw cookie value) for the browser in use."""
    row = _self(db, principal)
    if not verify_password(row.password_hash, data.current):
        raise users.UserError(N_("the current password is not correct"), code="bad_password")
    if data.password != data.repeat:
        raise users.UserError(N_("the two new passwords are not the same"), code="mismatch")
    if data.password == data.current:
        raise users.UserError(N_("choose a password different from the current one"),
                              code="same_password")
    users.set_password(db, row, data.password)
    row.must_change_password = False
    raw = auth.start_session(db, row)
    audit.record("account.password", principal, object_type="user", object_id=row.id,
                 session=db)
    db.commit()
    return raw


def _kind(kind: str) -> str:
    kind = kind.strip() or "other"
    if kind not in UNIT_KINDS:
        raise users.UserError(N_("unknown kind of unit {kind}; choose one of: {choices}"),
                              kind=repr(kind), choices=", ".join(UNIT_KINDS))
    return kind


def add_unit(db: Session, principal: Principal, data: UnitIn) -> Unit:
    """An administrator's explicit new unit, with its kind and time zone (guessed from the
    name when not given); an existing name is refused."""
    kind = _kind(data.kind)
    zone = data.time_zone.strip()
    if zone and not is_valid_zone(zone):
        raise users.UserError(N_("unknown time zone {zone}; use an IANA name such as "
                                 "Asia/Jakarta"), zone=repr(zone))
    name = " ".join(data.name.split())
    if name and db.scalar(select(Unit).where(Unit.code == users.unit_code(name))) is not None:
        raise users.UserError(N_("a unit named {unit} already exists"), code="unit_exists",
                              status=409, unit=repr(name))
    unit = users.get_or_create_unit(db, data.name, kind=kind)
    if zone:
        unit.time_zone = zone
    audit.record("unit.create", principal, object_type="unit", object_id=unit.id, kind=kind,
                 time_zone=unit.time_zone, session=db)
    db.commit()
    return unit


# -- audit trail ---------------------------------------------------------------------------------

#: days a filter can name: the start of 0001-01-01 east of UTC is before year 1, and the day
#: after 9999-12-31 does not exist (both raised OverflowError: a 500, a failed export job)
_FIRST_DAY, _LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


def _day(value: str, zone: str | None = None) -> datetime | None:
    """The start of ``value`` (``YYYY-MM-DD``) in ``zone`` (the viewer's unit), as UTC; a day
    at the edge of the calendar is moved in by one day (no entry is that old or that new)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    day = min(max(day, _FIRST_DAY), _LAST_DAY)
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone or DEFAULT_ZONE)).astimezone(UTC)


def _like_literal(value: str) -> str:
    """``value`` as a literal inside a LIKE pattern (escape character ``\\``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def audit_query(db: Session, filters: AuditFilter, zone: str | None = None) -> Select[Any]:
    """The filtered trail (the page, the API and the export). The object filter finds the
    value typed and the ids whose shown number it is (``capabilities.object_ids``), and the
    entries that name those objects in their detail (``capabilities.object_mentions``)."""
    from waspada.platform.capabilities import object_ids, object_mentions

    entry = audit.AuditEntry
    stmt = select(entry)
    if filters.action:
        stmt = stmt.where(entry.action.startswith(filters.action.strip()))
    if filters.actor:
        stmt = stmt.where(entry.actor == filters.actor.strip().lower())
    object_type = filters.object_type.strip()
    typed: ColumnElement[bool] = entry.object_type == object_type if object_type else true()
    if filters.object_id:
        ids = object_ids(db, object_type, filters.object_id.strip())
        mentioned = [and_(entry.action == action, or_(*(
            entry.detail.like(f'%"{key}": [%"{_like_literal(i)}"%', escape="\\") for i in ids)))
            for action, key in object_mentions(object_type)]
        stmt = stmt.where(or_(and_(typed, entry.object_id.in_(ids)), *mentioned))
    elif object_type:
        stmt = stmt.where(typed)
    start, end = _day(filters.day_from, zone), _day(filters.day_to, zone)
    if start:
        stmt = stmt.where(entry.created_at >= start)
    if end:
        stmt = stmt.where(entry.created_at < end + timedelta(days=1))
    return stmt


@dataclass(frozen=True)
class AuditPage:
    rows: list[audit.AuditEntry]
    total: int
    page: int
    pages: int


def read_audit(db: Session, principal: Principal, filters: AuditFilter, *, page: int = 1,
               page_size: int = 50, count: bool = True, zone: str | None = None,
               before_seq: int | None = None) -> AuditPage:
    """Newest entries first; reading the trail is itself audited (same transaction). Days
    are calendar days in ``zone`` (the viewer's unit; UTC+7 WIB when not given).
    ``before_seq`` keeps only entries older than that sequence number (the API's cursor:
    stable while new entries arrive)."""
    stmt = audit_query(db, filters, zone)
    if before_seq is not None:
        stmt = stmt.where(audit.AuditEntry.seq < before_seq)
    total = (db.scalar(select(func.count()).select_from(stmt.subquery())) or 0) if count else 0
    pages = max(1, math.ceil(total / page_size)) if count else 1
    page = min(max(page, 1), pages) if count else max(page, 1)
    rows = list(db.scalars(stmt.order_by(audit.AuditEntry.seq.desc())
                           .offset((page - 1) * page_size).limit(page_size)))
    audit.record("audit.read", principal, object_type="audit", count=len(rows), session=db)
    db.commit()
    return AuditPage(rows, total, page, pages)
