"""FastAPI dependencies: database session, the acting principal, and access checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from waspada.platform.db import session_factory
from waspada.platform.security import auth, service
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal, allowed, roles_for, scope_allows

SESSION_COOKIE = "waspada_session"


class AuthRequired(Exception):
    """No valid session or token: pages redirect to the sign-in page, the API answers 401
    (``code``: ``auth_required``, or ``token_expired`` for an expired API token)."""

    def __init__(self, code: str = "auth_required") -> None:
        super().__init__(code)
        self.code = code


class PasswordChangeRequired(Exception):
    """The user signed in with a password an administrator set: until they choose their own,
    pages lead to the password form and the API answers 403 (only ``account.self`` works)."""


class Forbidden(Exception):
    """Signed in, but the policy refuses this action (403; ``code``: ``forbidden``, or
    ``token_scope`` for a read-only API token asked to change data)."""

    def __init__(self, action: str, code: str = "forbidden") -> None:
        super().__init__(action)
        self.action = action
        self.code = code


def get_db() -> Iterator[Session]:
    session = session_factory()()
    try:
        yield session
    finally:
        # close() rolls back what was not committed without expiring loaded objects, which
        # error pages still render (the signed-in user and their unit)
        session.close()


async def form_fields(request: Request) -> FormData:
    """The submitted form, read (asynchronously) before a plain ``def`` handler runs in the
    thread pool: handlers stay off the event loop, so a long one holds up no other user."""
    return await request.form()


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def current_user(request: Request, db: Session = Depends(get_db)) -> User | None:
    """The signed-in user (API token first — `Bearer` or yente's `ApiKey` — then the session
    cookie), or None."""
    if "user" in request.state._state:
        return request.state.user
    user: User | None = None
    via, scope = "session", "full"
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() in ("bearer", "apikey") and credential.strip():  # ApiKey: yente clients
        check = service.use_token(db, credential.strip(), ip=client_ip(request),
                                  method=request.method, path=request.url.path)
        user = check.token.user if check.token is not None else None
        scope = check.token.scope if check.token is not None else scope
        if check.refusal == "expired":  # told apart: the owner knows to make a new one
            request.state.auth_refusal = "token_expired"
        via = "token"
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            user = auth.user_for_session(db, raw)
    if user is not None:
        # detached with its unit loaded: a rollback in the handler must not expire it, because
        # error pages and the request log still read it. The unit too (``expunge`` does not
        # cascade to it): a page that rolled back before refusing (``/exchange/conflicts/9``)
        # left it expired, and the error page's header (``user.unit.name``) was a 500
        unit = user.unit
        db.expunge(user)
        if unit is not None and unit in db:
            db.expunge(unit)
    request.state.user = user
    request.state.principal = auth.principal_for(user, via, scope) if user else None
    return user


def current_principal(request: Request, user: User | None = Depends(current_user)
                      ) -> Principal | None:
    return request.state.principal if user else None


class Require:
    """Dependency that admits only principals the policy allows to do ``action``.

    The route-enumeration test finds these on every route, so each route declares its action.
    """

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(self, request: Request,
                 principal: Principal | None = Depends(current_principal)) -> Principal:
        if principal is None:
            raise AuthRequired(getattr(request.state, "auth_refusal", "auth_required"))
        if principal.role not in roles_for(self.action):
            raise Forbidden(self.action)
        if not scope_allows(principal, self.action, request.method):
            raise Forbidden(self.action, "token_scope")
        if not allowed(principal, self.action):  # the one rule, as services ask it
            raise Forbidden(self.action)
        if (self.action != "account.self" and principal.via == "session"
                and getattr(request.state.user, "must_change_password", False)):
            raise PasswordChangeRequired()
        return principal

    def __repr__(self) -> str:
        return f"Require({self.action!r})"


def require(action: str) -> Require:
    return Require(action)


class Public:
    """Marks a route as public (no sign-in); the enumeration test reads this marker.

    A signed-in officer who opens a public page (Cek Lowongan from the navigation) is still
    recognised, so the page keeps the officer's navigation and sign-out. A public route never
    fails on that: when the database cannot say who is signed in (``/healthz`` during an
    outage), the caller is served as a visitor and the route answers for itself."""

    def __call__(self, request: Request, db: Session = Depends(get_db)) -> None:
        try:
            current_user(request, db)
        except SQLAlchemyError:
            db.rollback()
            request.state.user = None
            request.state.principal = None


public = Public()


#: typed dependency aliases: ``db: DB`` instead of ``db: Session = Depends(get_db)``
DB = Annotated[Session, Depends(get_db)]
CurrentPrincipal = Annotated[Principal | None, Depends(current_principal)]
Form = Annotated[FormData, Depends(form_fields)]
