"""Platform API: sign-in, own identity, audit trail, health, and the OpenAPI docs (signed in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select, text

from waspada import __version__
from waspada.platform.deps import DB, SESSION_COOKIE, client_ip, current_user, public, require
from waspada.platform.pages import set_session_cookie
from waspada.platform.security import auth, service
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import role_label
from waspada.platform.security.schemas import AuditFilter, AuditOut, Health, LoginIn, Me

api_router = APIRouter(prefix="/api/v1", tags=["platform"])
plain = APIRouter(include_in_schema=False)

def _me(user: User, principal: Principal) -> Me:
    # the API is English: the role label is the message id, not the Indonesian translation
    return Me(username=user.username, full_name=user.full_name, role=user.role,
              role_label=role_label(user.role, "en"), unit=user.unit.name, via=principal.via)


@api_router.post("/auth/login", response_model=Me, dependencies=[Depends(public)],
                 responses={401: {"description": "Wrong credentials, locked or disabled account"},
                            429: {"description": "Too many attempts from this address"}})
def api_login(body: LoginIn, request: Request, response: Response, db: DB) -> Me:
    """Start a session (cookie) for an API client. Prefer personal tokens for scripts."""
    signed_in = service.sign_in(db, body, client_ip(request),
                                replaces=request.cookies.get(SESSION_COOKIE))
    set_session_cookie(request, response, signed_in.session_token)
    return _me(signed_in.user, auth.principal_for(signed_in.user))


@api_router.post("/auth/logout", status_code=204, response_class=Response,
                 dependencies=[Depends(public)])
def api_logout(request: Request, db: DB, user: User | None = Depends(current_user)) -> Response:
    service.sign_out(db, request.cookies.get(SESSION_COOKIE), user)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@api_router.get("/me", response_model=Me)
def me(request: Request, principal: Principal = Depends(require("account.self"))) -> Me:
    return _me(request.state.user, principal)


@api_router.get("/audit", response_model=list[AuditOut])
def audit_entries(db: DB, filters: Annotated[AuditFilter, Query()],
                  limit: int = Query(100, ge=1, le=1000),
                  before_seq: int | None = Query(
                      None, ge=1, le=2**62, description="only entries older than this "
                      "sequence number: pass the last (smallest) seq of a page to get the next"),
                  principal: Principal = Depends(require("audit.read"))) -> list[AuditOut]:
    """Audit entries, newest first, ``limit`` at a time; page back with ``before_seq``."""
    result = service.read_audit(db, principal, filters, page_size=limit, count=False,
                                before_seq=before_seq)
    return [AuditOut.model_validate(row) for row in result.rows]


@plain.get("/healthz", response_model=Health, dependencies=[Depends(public)])
def healthz(db: DB) -> JSONResponse:
    try:
        db.execute(select(text("1")))
        database = "ok"
    except Exception:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    health = Health(status="ok" if status == 200 else "degraded", database=database,
                    version=__version__)
    return JSONResponse(health.model_dump(), status_code=status)


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
