"""Friendly errors: HTML pages in the user's language, JSON (English) under /api. No tracebacks."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from waspada.platform import i18n
from waspada.platform.audit_keys import StaleAuditKey
from waspada.platform.deps import AuthRequired, Forbidden, PasswordChangeRequired
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.logs import logger

#: error code -> English message (also the gettext message id for the HTML page)
MESSAGES: dict[str, str] = {
    "not_found": N_("The page or record you asked for does not exist."),
    "method_not_allowed": N_("This address does not accept that kind of request."),
    "body_too_large": N_("The request is too large."),
    "too_many_fields": N_("The form has too many fields or files."),
    "csrf": N_("The form has expired or did not come from Waspada. Reload the page and try again."),
    "auth_required": N_("Please sign in first."),
    "token_expired": N_("This API token has expired. Create a new one under My account, or "
                        "ask your administrator."),
    "forbidden": N_("Your role is not allowed to do this."),
    "token_scope": N_("This API token may only read: it cannot change data. Use a token with "
                      "full access (made under My account) for this request."),
    "password_change_required": N_("Choose a new password first (your administrator set the "
                                   "current one)."),
    "invalid_request": N_("The request is not valid."),
    "invalid_value": N_("A value in the request is out of range or contains characters that "
                        "cannot be stored."),
    "duplicate_member": N_("A JSON object in the request names the same member twice: send "
                           "each once."),
    "rate_limited": N_("Too many attempts. Please wait a moment and try again."),
    "database_unavailable": N_("The database cannot be reached right now. Nothing was changed; "
                            "please try again shortly."),
    "server_error": N_("Something went wrong on our side. Nothing was changed; please try again."),
    "audit_key_stale": N_("Waspada cannot record changes right now: the audit key was replaced "
                          "and this server still holds the old one. Nothing was changed; ask "
                          "your administrator to restart it with the new key."),
}
STATUS_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
                401: "auth_required", 403: "forbidden", 422: "invalid_request",
                429: "rate_limited", 503: "database_unavailable", 500: "server_error"}


def wants_json(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    if path.startswith("/api/") or path == "/healthz":
        return True
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
    return "application/json" in accept and "text/html" not in accept


def error_response(scope: Scope, status: int, code: str, detail: object = None) -> Response:
    message = MESSAGES.get(code, MESSAGES["server_error"])
    if wants_json(scope):
        body: dict[str, object] = {"code": code, "message": message}
        if detail is not None:
            body["detail"] = detail
        return JSONResponse({"error": body}, status_code=status)
    from waspada.platform.templating import render

    request = Request(scope)
    return render(request, "error.html",
                  {"status": status, "code": code, "message": i18n.gettext(message)},
                  status_code=status)


async def middleware_error(scope: Scope, status: int, code: str
                           ) -> Callable[[Receive, Send], Awaitable[None]]:
    response = error_response(scope, status, code)

    async def run(receive: Receive, send: Send) -> None:
        await response(scope, receive, send)

    return run


#: at most this many problems are listed in a refusal: a body of 500,000 unknown keys (6 MB)
#: was answered with 500,000 entries (33 MB, 14 s of the server's time) to any signed-in role
MAX_VALIDATION_DETAIL = 20


def _validation_detail(exc: RequestValidationError) -> list[dict[str, object]]:
    # never echo the submitted values back (they may be personal data)
    errors = exc.errors()
    detail: list[dict[str, object]] = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", "")}
        for err in errors[:MAX_VALIDATION_DETAIL]]
    if len(errors) > MAX_VALIDATION_DETAIL:
        detail.append({"loc": [], "msg": f"... and {len(errors) - MAX_VALIDATION_DETAIL:,} "
                                         "more problems"})
    return detail


def page_of_form(routes: Sequence[BaseRoute], path: str) -> str | None:
    """The page a POST-only form address belongs to: the nearest shorter address that answers
    GET (``/screenings/17/decision`` -> ``/screenings/17``), so opening or reloading the form's
    address (after a refusal) shows its page instead of "405"."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        scope = {"type": "http", "path": candidate, "method": "GET", "root_path": ""}
        if any(route.matches(scope)[0] == Match.FULL for route in routes):
            return candidate
    return None


#: what every API error answers, as JSON Schema: FastAPI documents a 422 as its own
#: ``{"detail": [{"loc", "msg", "type"}]}``, which no response of this API has (walk17)
ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorResponse", "type": "object", "required": ["error"],
    "description": 'Every error: {"error": {"code", "message"}} in English; a refused field '
                   'adds "detail" (where and why), a refused operation may add "problems" '
                   "(field -> message).",
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "stable, e.g. invalid_request"},
            "message": {"type": "string"},
            "detail": {"type": "array", "items": {
                "type": "object", "required": ["loc", "msg"],
                "properties": {"loc": {"type": "array", "items": {}},
                               "msg": {"type": "string"}}}},
            "problems": {"type": "object", "additionalProperties": {"type": "string"}}}}}}


def document_errors(app: FastAPI) -> None:
    """Make the OpenAPI document describe the error body the API really sends."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        schemas = schema.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in schemas:
            schemas["HTTPValidationError"] = ERROR_SCHEMA
            if "#/components/schemas/ValidationError" not in json.dumps(schema):
                schemas.pop("ValidationError", None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise


def install(app: FastAPI) -> None:
    document_errors(app)
    @app.exception_handler(AuthRequired)
    async def _auth(request: Request, exc: AuthRequired) -> Response:
        if wants_json(request.scope):
            return error_response(request.scope, 401, exc.code)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _password_change(request: Request, exc: PasswordChangeRequired) -> Response:
        if wants_json(request.scope):
            return error_response(request.scope, 403, "password_change_required")
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        """A service refused the operation and the handler did not show it itself."""
        if wants_json(request.scope):
            body: dict[str, object] = {"code": exc.code, "message": exc.english}
            if exc.problems:
                body["problems"] = exc.problems
            return JSONResponse({"error": body}, status_code=exc.status)
        from waspada.platform.templating import render

        return render(request, "error.html",
                      {"status": exc.status, "code": exc.code,
                       "message": exc.localized(i18n.gettext)}, status_code=exc.status)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return error_response(request.scope, 403, exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405 and request.method in ("GET", "HEAD") \
                and not wants_json(request.scope):
            page = page_of_form(request.app.routes, request.url.path)
            if page is not None:  # a POST-only form address opened or reloaded: its page
                return RedirectResponse(page, status_code=303)
        code = STATUS_CODES.get(exc.status_code, "invalid_request")
        detail = exc.detail if isinstance(exc.detail, dict | list) else None
        if isinstance(exc.detail, str) and exc.detail in MESSAGES:
            code = exc.detail
        response = error_response(request.scope, exc.status_code, code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request.scope, 422, "invalid_request", _validation_detail(exc))

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> Response:
        logger.error("database unavailable", extra={"error_type": type(exc.orig).__name__})
        return error_response(request.scope, 503, "database_unavailable")

    @app.exception_handler(DataError)
    async def _bad_value(request: Request, exc: DataError) -> Response:
        # the database refused a value (a number beyond its column, a NUL character on
        # PostgreSQL): the caller's mistake, nothing was changed, the database is fine
        logger.warning("value refused by the database",
                       extra={"error_type": type(exc.orig).__name__})
        return error_response(request.scope, 400, "invalid_value")

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> Response:
        logger.error("database error", extra={"error_type": type(exc.orig).__name__})
        return error_response(request.scope, 503, "database_unavailable")

    @app.exception_handler(StaleAuditKey)
    async def _stale_audit_key(request: Request, exc: StaleAuditKey) -> Response:
        # every write is audited in its own transaction: none can be kept until a restart
        logger.error("audit key rotated away from this process: restart it with the new key")
        return error_response(request.scope, 503, "audit_key_stale")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error", extra={"error_type": type(exc).__name__})
        return error_response(request.scope, 500, "server_error")
