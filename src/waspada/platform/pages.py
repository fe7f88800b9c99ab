"""Platform pages: sign-in, home, own account (tokens, TOTP), users and units, audit trail."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.deps import SESSION_COOKIE, client_ip, current_user, get_db, public, require
from waspada.platform.guard import LANG_COOKIE
from waspada.platform.i18n import LANGUAGES, N_
from waspada.platform.i18n import gettext as _
from waspada.platform.ratelimit import RateLimiter
from waspada.platform.security import auth
from waspada.platform.security.models import ApiToken, Unit, User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role
from waspada.platform.security.users import UserError, add_user, get_or_create_unit
from waspada.platform.settings import get_settings
from waspada.platform.templating import render
from waspada.platform.types import IdPath, PageQuery

router = APIRouter(include_in_schema=False)
login_limiter = RateLimiter(limit=get_settings().login_ip_attempts_per_5min, window=300)


LOGIN_ERRORS = {
    # also the answer while (username, address) is throttled: nobody learns which names exist
    "bad_credentials": N_("Wrong username or password, or too many failed attempts: wait a few "
                          "minutes and try again."),
    "disabled": N_("This account has been disabled. Contact your administrator."),
    "totp_required": N_("Enter the 6-digit code from your authenticator app."),
    "totp_invalid": N_("The authenticator code is not correct."),
    "rate_limited": N_("Too many attempts. Please wait a moment and try again."),
}


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def set_session_cookie(request: Request, response: Response, raw: str) -> None:
    settings = get_settings()
    secure = settings.cookie_secure == "always" or (
        settings.cookie_secure == "auto" and request.url.scheme == "https")
    response.set_cookie(SESSION_COOKIE, raw, max_age=settings.session_lifetime_minutes * 60,
                        httponly=True, samesite="lax", secure=secure, path="/")


def login_attempt(request: Request, db: Session, username: str, password: str,
                  totp: str | None) -> tuple[User | None, str]:
    """Shared by the sign-in page and the API: throttle, check, audit."""
    ip = client_ip(request) or "unknown"
    if not login_limiter.hit(ip):
        audit.record("login.throttled", None, actor=username[:64] or "anonymous", ip=ip,
                     outcome="refused")
        return None, "rate_limited"
    outcome = auth.authenticate(db, username, password, totp or None, client=ip)
    db.commit()
    if outcome.reason != "ok" or outcome.user is None:
        audit.record("login.failed", None, actor=username.strip().lower()[:64] or "anonymous",
                     ip=ip, outcome="refused", reason=outcome.reason,
                     user_id=outcome.user.id if outcome.user else None)
        # a throttled pair is answered like wrong credentials (the audit keeps the truth)
        return None, "bad_credentials" if outcome.reason == "locked" else outcome.reason
    user = outcome.user
    audit.record("login", auth.principal_for(user), object_type="user", object_id=user.id,
                 unit_id=user.unit_id, ip=ip)
    return user, "ok"


@router.get("/login", dependencies=[Depends(public)])
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None,
                                          "username": "", "ask_totp": False})


@router.post("/login", dependencies=[Depends(public)])
def login_submit(request: Request, db: Session = Depends(get_db), username: str = Form(""),
                 password: str = Form(""), totp: str = Form(""), next: str = Form("/")
                 ) -> Response:
    user, reason = login_attempt(request, db, username[:64], password[:1024], totp[:12])
    if user is None:
        status = 429 if reason == "rate_limited" else 401
        return render(request, "login.html", {
            "next": safe_next(next), "error": _(LOGIN_ERRORS[reason]), "username": username[:64],
            "ask_totp": reason in ("totp_required", "totp_invalid")}, status_code=status)
    raw = auth.start_session(db, user)
    db.commit()
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, raw)
    return response


@router.post("/logout", dependencies=[Depends(public)])
def logout(request: Request, db: Session = Depends(get_db),
           user: User | None = Depends(current_user)) -> Response:
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        auth.end_session(db, raw)
        db.commit()
    if user is not None:
        audit.record("logout", auth.principal_for(user), object_type="user", object_id=user.id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}", dependencies=[Depends(public)])
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/")
def home(request: Request, principal: Principal = Depends(require("dashboard.view"))) -> Response:
    return render(request, "home.html")


# -- own account -----------------------------------------------------------------------------

def _account(request: Request, db: Session, user: User, **extra: object) -> Response:
    tokens = list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                             .order_by(ApiToken.created_at.desc())))
    return render(request, "account.html", {"tokens": tokens, **extra})


@router.get("/account")
def account(request: Request, db: Session = Depends(get_db),
            principal: Principal = Depends(require("account.self"))) -> Response:
    return _account(request, db, request.state.user)


@router.post("/account/tokens")
def account_token_create(request: Request, name: str = Form(""), db: Session = Depends(get_db),
                         principal: Principal = Depends(require("account.self"))) -> Response:
    user = db.get(User, principal.user_id)
    token, raw = auth.create_api_token(db, user, name.strip()[:100])
    db.flush()
    audit.record("token.create", principal, object_type="api_token", object_id=token.id, session=db)
    db.commit()
    return _account(request, db, user, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(request: Request, token_id: IdPath, db: Session = Depends(get_db),
                         principal: Principal = Depends(require("account.self"))) -> Response:
    user = db.get(User, principal.user_id)
    if auth.revoke_api_token(db, user, token_id):
        db.commit()
        audit.record("token.revoke", principal, object_type="api_token", object_id=token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/totp/start")
def account_totp_start(request: Request, db: Session = Depends(get_db),
                       principal: Principal = Depends(require("account.self"))) -> Response:
    user = db.get(User, principal.user_id)
    secret = auth.new_totp_secret()
    return _account(request, db, user, totp_secret=secret, totp_uri=auth.totp_uri(user, secret))


@router.post("/account/totp/confirm")
def account_totp_confirm(request: Request, secret: str = Form(...), code: str = Form(...),
                         db: Session = Depends(get_db),
                         principal: Principal = Depends(require("account.self"))) -> Response:
    import pyotp

    user = db.get(User, principal.user_id)
    secret = secret.strip()[:64]
    try:
        ok = pyotp.TOTP(secret).verify(code.strip(), valid_window=1)
    except Exception:  # a tampered secret that is not base32
        ok = False
    if not ok:
        return _account(request, db, user, totp_secret=secret, totp_uri=auth.totp_uri(user, secret),
                        totp_error=_("The authenticator code is not correct."))
    user.totp_secret = secret
    db.flush()
    audit.record("totp.enable", principal, object_type="user", object_id=user.id, session=db)
    db.commit()
    return RedirectResponse("/account", status_code=303)


@router.post("/account/totp/disable")
def account_totp_disable(request: Request, db: Session = Depends(get_db),
                         principal: Principal = Depends(require("account.self"))) -> Response:
    user = db.get(User, principal.user_id)
    user.totp_secret = None
    db.flush()
    audit.record("totp.disable", principal, object_type="user", object_id=user.id, session=db)
    db.commit()
    return RedirectResponse("/account", status_code=303)


# -- users and units (admin) -------------------------------------------------------------------

def _users_page(request: Request, db: Session, **extra: object) -> Response:
    users = list(db.scalars(select(User).order_by(User.username)))
    units = list(db.scalars(select(Unit).order_by(Unit.name)))
    return render(request, "admin_users.html",
                  {"users": users, "units": units, "roles": list(Role), **extra},
                  status_code=400 if extra.get("error") else 200)


@router.get("/admin/users")
def admin_users(request: Request, db: Session = Depends(get_db),
                principal: Principal = Depends(require("users.manage"))) -> Response:
    return _users_page(request, db)


@router.post("/admin/users")
def admin_users_add(request: Request, username: str = Form(""), full_name: str = Form(""),
                    role: str = Form(""), unit: str = Form(""), password: str = Form(""),
                    db: Session = Depends(get_db),
                    principal: Principal = Depends(require("users.manage"))) -> Response:
    try:
        user = add_user(db, username, role=role, unit=unit, password=password,
                        full_name=full_name)
    except UserError as exc:
        db.rollback()
        return _users_page(request, db, error=exc.localized(_))
    db.flush()
    audit.record("user.create", principal, object_type="user", object_id=user.id,
                 unit_id=user.unit_id, role=user.role, session=db)
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active")
def admin_users_active(request: Request, user_id: IdPath, active: str = Form("0"),
                       db: Session = Depends(get_db),
                       principal: Principal = Depends(require("users.manage"))) -> Response:
    user = db.get(User, user_id)
    if user is None:
        from fastapi import HTTPException

        raise HTTPException(404)
    user.is_active = active == "1"
    db.flush()
    audit.record("user.enable" if user.is_active else "user.disable", principal,
                 object_type="user", object_id=user.id, session=db)
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/units")
def admin_units_add(request: Request, name: str = Form(""), kind: str = Form("other"),
                    db: Session = Depends(get_db),
                    principal: Principal = Depends(require("units.manage"))) -> Response:
    try:
        unit = get_or_create_unit(db, name[:200], kind=kind[:32])
    except UserError as exc:
        db.rollback()
        return _users_page(request, db, error=exc.localized(_))
    db.flush()
    audit.record("unit.create", principal, object_type="unit", object_id=unit.id, session=db)
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


# -- audit trail ------------------------------------------------------------------------------

PAGE_SIZE = 50


def _parse_day(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        from datetime import UTC, date

        return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
    except ValueError:
        return None


def audit_query(action: str | None, actor: str | None, object_type: str | None,
                day_from: str | None, day_to: str | None):  # type: ignore[no-untyped-def]
    stmt = select(audit.AuditEntry)
    if action:
        stmt = stmt.where(audit.AuditEntry.action.startswith(action.strip()))
    if actor:
        stmt = stmt.where(audit.AuditEntry.actor == actor.strip().lower())
    if object_type:
        stmt = stmt.where(audit.AuditEntry.object_type == object_type.strip())
    start, end = _parse_day(day_from), _parse_day(day_to)
    if start:
        stmt = stmt.where(audit.AuditEntry.created_at >= start)
    if end:
        stmt = stmt.where(audit.AuditEntry.created_at < end + timedelta(days=1))
    return stmt


@router.get("/audit")
def audit_page(request: Request, action: str = "", actor: str = "", object_type: str = "",
               day_from: str = "", day_to: str = "", page: PageQuery = 1,
               db: Session = Depends(get_db),
               principal: Principal = Depends(require("audit.read"))) -> Response:
    stmt = audit_query(action, actor, object_type, day_from, day_to)
    total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = list(db.scalars(stmt.order_by(audit.AuditEntry.seq.desc())
                           .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    audit.record("audit.read", principal, object_type="audit", count=len(rows), session=db)
    db.commit()
    filters = {"action": action, "actor": actor, "object_type": object_type,
               "day_from": day_from, "day_to": day_to}
    return render(request, "audit.html", {"rows": rows, "total": total, "page": page,
                                          "pages": pages, "filters": filters,
                                          "now": utcnow()})
