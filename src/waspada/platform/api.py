"""Platform API: sign-in, own identity, audit trail, health, and the OpenAPI docs (signed in)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from waspada import __version__
from waspada.platform import audit
from waspada.platform.deps import SESSION_COOKIE, current_user, get_db, public, require
from waspada.platform.pages import audit_query, login_attempt, set_session_cookie
from waspada.platform.security import auth
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import role_label

api_router = APIRouter(prefix="/api/v1", tags=["platform"])
plain = APIRouter(include_in_schema=False)


class LoginRequest(BaseModel):
    username: str = Field(max_length=64, examples=["petugas.tpi"])
    password: str = Field(max_length=1024)
    totp: str | None = Field(default=None, max_length=12, description="TOTP code if enabled")


class Me(BaseModel):
    username: str
    full_name: str
    role: str
    role_label: str
    unit: str
    via: str


class AuditOut(BaseModel):
    seq: int
    created_at: datetime
    actor: str
    via: str
    action: str
    object_type: str | None
    object_id: str | None
    unit_id: int | None
    outcome: str


def _me(user: User, principal: Principal) -> Me:
    return Me(username=user.username, full_name=user.full_name, role=user.role,
              role_label=role_label(user.role), unit=user.unit.name, via=principal.via)


@api_router.post("/auth/login", response_model=Me, dependencies=[Depends(public)],
             responses={401: {"description": "Wrong credentials, locked or disabled account"}})
def api_login(body: LoginRequest, request: Request, db: Session = Depends(get_db)) -> Response:
    """Start a session (cookie) for an API client. Prefer personal tokens for scripts."""
    user, reason = login_attempt(request, db, body.username, body.password, body.totp)
    if user is None:
        status = 429 if reason == "rate_limited" else 401
        return JSONResponse({"error": {"code": reason, "message": "sign-in refused: " + reason}},
                            status_code=status)
    raw = auth.start_session(db, user)
    db.commit()
    response = JSONResponse(_me(user, auth.principal_for(user)).model_dump())
    set_session_cookie(request, response, raw)
    return response


@api_router.post("/auth/logout", status_code=204, dependencies=[Depends(public)])
def api_logout(request: Request, db: Session = Depends(get_db),
               user: User | None = Depends(current_user)) -> Response:
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        auth.end_session(db, raw)
        db.commit()
    if user is not None:
        audit.record("logout", request.state.principal, object_type="user", object_id=user.id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@api_router.get("/me", response_model=Me)
def me(request: Request, principal: Principal = Depends(require("account.self"))) -> Me:
    return _me(request.state.user, principal)


@api_router.get("/audit", response_model=list[AuditOut])
def audit_entries(action: str = "", actor: str = "", object_type: str = "", day_from: str = "",
                  day_to: str = "", limit: int = Query(100, ge=1, le=1000),
                  db: Session = Depends(get_db),
                  principal: Principal = Depends(require("audit.read"))) -> list[AuditOut]:
    stmt = audit_query(action, actor, object_type, day_from, day_to)
    rows = list(db.scalars(stmt.order_by(audit.AuditEntry.seq.desc()).limit(limit)))
    audit.record("audit.read", principal, object_type="audit", count=len(rows), session=db)
    db.commit()
    return [AuditOut.model_validate(row, from_attributes=True) for row in rows]


@plain.get("/healthz", dependencies=[Depends(public)])
def healthz(db: Session = Depends(get_db)) -> JSONResponse:
    try:
        db.execute(select(text("1")))
        database = "ok"
    except Exception:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JSONResponse({"status": "ok" if status == 200 else "degraded", "database": database,
                         "version": __version__}, status_code=status)


@plain.get("/api/openapi.json")
def openapi_json(request: Request, principal: Principal = Depends(require("api.docs"))
                 ) -> JSONResponse:
    return JSONResponse(request.app.openapi())


SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waspada API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="/api/openapi.json"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/waspada-init.js"></script></body></html>
"""


@plain.get("/api/docs")
def api_docs(principal: Principal = Depends(require("api.docs"))) -> HTMLResponse:
    # Swagger UI 5 (renders OpenAPI 3.1), vendored in static/swagger; the initializer is a static
    # file because the CSP allows no inline script
    return HTMLResponse(SWAGGER_PAGE)


def not_found() -> None:
    raise HTTPException(404)
