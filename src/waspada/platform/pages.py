"""Platform pages: sign-in, home, own account (tokens, TOTP), users and units, audit trail."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi import Form as FormModel
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from waspada.platform import home as work_home
from waspada.platform.db import utcnow
from waspada.platform.deps import (
    DB,
    SESSION_COOKIE,
    CurrentPrincipal,
    Form,
    client_ip,
    current_user,
    public,
    require,
)
from waspada.platform.domain import DomainError
from waspada.platform.formroute import FormRoute, Refused, form_input, reshow_with, with_session
from waspada.platform.guard import LANG_COOKIE
from waspada.platform.i18n import LANGUAGES
from waspada.platform.i18n import gettext as _
from waspada.platform.security import service
from waspada.platform.security.models import TOKEN_DAYS_MAX, User
from waspada.platform.security.policy import Principal
from waspada.platform.security.schemas import (
    LoginIn,
    PasswordChangeIn,
    TokenIn,
    TotpConfirmIn,
)
from waspada.platform.settings import get_settings
from waspada.platform.templating import render
from waspada.platform.types import IdPath

router = APIRouter(include_in_schema=False, route_class=FormRoute)
#: kept under this name for the tests that reset it
login_limiter = service.login_limiter


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


@router.get("/login", dependencies=[Depends(public)])
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None,
                                          "username": "", "ask_totp": False})


def _login_refused(request: Request, refused: Refused) -> Response:
    return render(request, "login.html", {
        "next": safe_next(refused.fields.get("next")), "error": refused.message,
        "username": refused.fields.get("username", ""), "ask_totp": False}, status_code=400)


@router.post("/login", dependencies=[Depends(public)])
@reshow_with(_login_refused, LoginIn)
def login_submit(request: Request, db: DB, form: Form) -> Response:
    next_page = safe_next(str(form.get("next") or "/"))
    username = str(form.get("username") or "")
    try:
        login = form_input(LoginIn, {"username": username, "password": form.get("password", ""),
                                     "totp": form.get("totp") or None})
        signed_in = service.sign_in(db, login, client_ip(request),
                                    replaces=request.cookies.get(SESSION_COOKIE))
    except DomainError as exc:
        reason = exc.code
        status = 429 if reason == "rate_limited" else (401 if reason in service.SIGN_IN_MESSAGES
                                                      else 400)
        return render(request, "login.html", {
            "next": next_page, "error": exc.localized(_),
            "username": username,
            "ask_totp": reason in ("totp_required", "totp_invalid")}, status_code=status)
    response = RedirectResponse(next_page, status_code=303)
    set_session_cookie(request, response, signed_in.session_token)
    return response


@router.post("/logout", dependencies=[Depends(public)])
def logout(request: Request, db: DB, user: User | None = Depends(current_user)) -> Response:
    service.sign_out(db, request.cookies.get(SESSION_COOKIE), user)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}", dependencies=[Depends(public)])
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/", dependencies=[Depends(public)])
def home(request: Request, db: DB, principal: CurrentPrincipal) -> Response:
    if principal is None:  # visitors see the public portal (officers sign in from it)
        return render(request, "portal.html")
    return officer_home(request, db, require("dashboard.view")(request, principal))


def officer_home(request: Request, db: DB, principal: Principal) -> Response:
    """The signed-in home page: the role's work queues (``platform/home.py``) and the
    capabilities' home blocks (statistics' current alerts)."""
    from waspada.platform.capabilities import home_blocks

    blocks = [b for fn in home_blocks() if (b := fn(request, db, principal)) is not None]
    return render(request, "home.html", {"widgets": work_home.collect(db, principal),
                                         "home_blocks": blocks})


# -- own account -----------------------------------------------------------------------------

def _account(request: Request, db: DB, principal: Principal, **extra: object) -> Response:
    return render(request, "account.html",
                  {"tokens": service.list_own_tokens(db, principal), "now": utcnow(),
                   "token_days_default": get_settings().token_days,
                   "token_days_max": TOKEN_DAYS_MAX, **extra},
                  status_code=400 if extra.get("error") or extra.get("totp_error") else 200)


@router.get("/account")
def account(request: Request, db: DB,
            principal: Principal = Depends(require("account.self"))) -> Response:
    return _account(request, db, principal)


def _token_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _account(request, db, refused.principal, error=refused.message,
                    token_name=refused.fields.get("name", ""),
                    token_scope=refused.fields.get("scope", ""))


@router.post("/account/tokens")
@reshow_with(with_session(_token_refused), TokenIn)
def account_token_create(request: Request, db: DB, data: Annotated[TokenIn, FormModel()],
                         principal: Principal = Depends(require("account.self"))) -> Response:
    try:
        raw = service.create_own_token(db, principal, data)
    except DomainError as exc:
        db.rollback()
        return _account(request, db, principal, error=exc.localized(_), token_name=data.name,
                        token_scope=data.scope)
    return _account(request, db, principal, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(token_id: IdPath, db: DB,
                         principal: Principal = Depends(require("account.self"))) -> Response:
    service.revoke_own_token(db, principal, token_id)
    return RedirectResponse("/account", status_code=303)


def _password_page(request: Request, *, error: str | None = None, status: int = 200
                   ) -> Response:
    user = request.state.user
    return render(request, "account_password.html",
                  {"error": error, "forced": bool(user and user.must_change_password)},
                  status_code=400 if error else status)


@router.get("/account/password")
def account_password(request: Request,
                     principal: Principal = Depends(require("account.self"))) -> Response:
    return _password_page(request)


def _password_refused(request: Request, refused: Refused) -> Response:
    return _password_page(request, error=refused.message)


@router.post("/account/password")
@reshow_with(_password_refused, PasswordChangeIn)
def account_password_change(request: Request, db: DB,
                            data: Annotated[PasswordChangeIn, FormModel()],
                            principal: Principal = Depends(require("account.self"))
                            ) -> Response:
    try:
        raw = service.change_own_password(db, principal, data)
    except DomainError as exc:
        db.rollback()
        return _password_page(request, error=exc.localized(_))
    response = RedirectResponse("/?password=changed", status_code=303)
    set_session_cookie(request, response, raw)
    return response


@router.post("/account/totp/start")
def account_totp_start(request: Request, db: DB,
                       principal: Principal = Depends(require("account.self"))) -> Response:
    secret, uri = service.new_totp(db, principal)
    return _account(request, db, principal, totp_secret=secret, totp_uri=uri)


def _totp_refused(request: Request, db: Session, refused: Refused) -> Response:
    return _account(request, db, refused.principal, totp_error=refused.message)


@router.post("/account/totp/confirm")
@reshow_with(with_session(_totp_refused), TotpConfirmIn)
def account_totp_confirm(request: Request, db: DB, data: Annotated[TotpConfirmIn, FormModel()],
                         principal: Principal = Depends(require("account.self"))) -> Response:
    try:
        service.enable_totp(db, principal, data)
    except DomainError as exc:
        db.rollback()
        secret = data.secret.strip()
        return _account(request, db, principal, totp_secret=secret,
                        totp_uri=service.totp_uri_for(db, principal, secret),
                        totp_error=exc.localized(_))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/totp/disable")
def account_totp_disable(db: DB,
                         principal: Principal = Depends(require("account.self"))) -> Response:
    service.disable_totp(db, principal)
    return RedirectResponse("/account", status_code=303)
