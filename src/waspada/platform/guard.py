"""ASGI middleware: body-size limit, form-field limit, CSRF check on every state-changing
request, language, security and cache headers, and a request log line without personal data."""

from __future__ import annotations

import hmac
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import FormData, Headers, MutableHeaders
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from waspada.platform import i18n
from waspada.platform.logs import logger

CSRF_COOKIE = "waspada_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LANG_COOKIE = "waspada_lang"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")

#: more fields than this in one form is refused (413) before any handler parses it; it is also
#: Starlette's own parser limit, so a handler never meets a form its parser refuses
MAX_FORM_FIELDS = 1000
#: more files than this in one multipart form is refused (413)
MAX_FORM_FILES = 20
#: a JSON object with more members than this is refused (413, like a form with too many
#: fields): each unknown member of a strict model costs pydantic and FastAPI an error entry,
#: built on the event loop (500,000 members, 6 MB: 14 s during which no other request ran)
MAX_JSON_MEMBERS = 1000
#: (no longer a threshold: every JSON body is parsed once for repeated members, see
#: ``_json_members_problem``; kept for callers and tests that size their bodies by it)
JSON_CHECK_BYTES = 64 * 1024

#: responses under these paths carry no personal data and may be cached; everything else
#: (pages, API answers, errors, public forms) is sent with ``Cache-Control: no-store``
CACHEABLE_PREFIXES = ("/static/",)
#: one year; sent only on responses to https requests (after trusted-proxy resolution)
HSTS = "max-age=31536000"

ErrorResponder = Callable[[Scope, int, str], Awaitable[Callable[[Receive, Send], Awaitable[None]]]]


class BodyTooLarge(Exception):
    pass


class GuardMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, default_language: str,
                 cookie_secure: str, on_error: ErrorResponder) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.default_language = default_language
        self.cookie_secure = cookie_secure
        self.on_error = on_error

    def _secure(self, scope: Scope) -> bool:
        if self.cookie_secure == "always":
            return True
        if self.cookie_secure == "never":
            return False
        return scope.get("scheme") == "https"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        cookies = Request(scope).cookies
        lang = i18n.pick_language(cookies.get(LANG_COOKIE), self.default_language)
        token = i18n.current_language.set(lang)
        csrf_cookie = cookies.get(CSRF_COOKIE)
        new_csrf = None
        if not csrf_cookie or len(csrf_cookie) < 20:
            new_csrf = csrf_cookie = secrets.token_urlsafe(32)
        scope["csrf_token"] = csrf_cookie
        status_holder = {"status": 500}
        secure = self._secure(scope)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                out = MutableHeaders(scope=message)
                out.setdefault("x-content-type-options", "nosniff")
                out.setdefault("referrer-policy", "same-origin")
                out.setdefault("x-frame-options", "DENY")
                if not scope["path"].startswith(("/api/docs", "/api/redoc")):
                    out.setdefault("content-security-policy", CSP)
                if not scope["path"].startswith(CACHEABLE_PREFIXES):
                    out["cache-control"] = "no-store"
                    out["pragma"] = "no-cache"
                if scope.get("scheme") == "https":
                    out.setdefault("strict-transport-security", HSTS)
                if new_csrf:
                    flags = "; Path=/; SameSite=Strict; HttpOnly" + ("; Secure" if secure else "")
                    out.append("set-cookie", f"{CSRF_COOKIE}={new_csrf}{flags}")
            await send(message)

        try:
            method = scope["method"]
            if _nul_in_address(scope):
                await (await self.on_error(scope, 400, "invalid_value"))(receive, send_wrapper)
                return
            if method in SAFE_METHODS:
                await self.app(scope, receive, send_wrapper)
                return
            length = headers.get("content-length")
            if length and length.isdigit() and int(length) > self.max_body:
                await (await self.on_error(scope, 413, "body_too_large"))(receive, send_wrapper)
                return
            try:
                body = await _read_body(receive, self.max_body)
            except BodyTooLarge:
                await (await self.on_error(scope, 413, "body_too_large"))(receive, send_wrapper)
                return
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            form: FormData | None = None
            try:
                if content_type == "application/x-www-form-urlencoded":
                    _check_urlencoded(body)
                elif content_type == "multipart/form-data":
                    form = await _parse_multipart(scope, body)
            except TooManyFields:
                await (await self.on_error(scope, 413, "too_many_fields"))(receive, send_wrapper)
                return
            problem = _json_members_problem(body) if _is_json(content_type) else None
            if problem is not None:
                status = 413 if problem == "too_many_fields" else 400
                await (await self.on_error(scope, status, problem))(receive, send_wrapper)
                return
            if _nul_in_body(content_type, body, form) or (
                    _is_json(content_type) and _lone_surrogate_in_json(body)):
                if form is not None:
                    await form.close()
                await (await self.on_error(scope, 400, "invalid_value"))(receive, send_wrapper)
                return
            try:
                csrf_ok = await self._csrf_ok(scope, headers, content_type, body, form,
                                              None if new_csrf else csrf_cookie)
            finally:
                if form is not None:
                    await form.close()
            if not csrf_ok:
                await (await self.on_error(scope, 403, "csrf"))(receive, send_wrapper)
                return
            await self.app(scope, _replay(body), send_wrapper)
        finally:
            route = scope.get("route")
            try:
                user_id = getattr(scope.get("state", {}).get("user"), "id", None)
            except Exception:  # an expired ORM object: the log line goes out without it
                user_id = None
            logger.info("request", extra={
                "method": scope["method"],
                "route": getattr(route, "path", None) or "(unmatched)",
                "status": status_holder["status"],
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user_id,
            })
            i18n.current_language.reset(token)

    async def _csrf_ok(self, scope: Scope, headers: Headers, content_type: str, body: bytes,
                       form: FormData | None, cookie_token: str | None) -> bool:
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if scheme.lower() in ("bearer", "apikey") and credential.strip():
            # token-authenticated (``deps.current_user`` then ignores the session cookie): a
            # forged cross-site request cannot carry the header. ``ApiKey`` is yente's scheme;
            # before, its requests were held to the CSRF check unless sent as application/json
            return True
        if scope["path"].startswith("/api/") and content_type == "application/json":
            return True  # browsers cannot send cross-site JSON without a CORS pre-flight
        if cookie_token is None:
            return False
        supplied = headers.get(CSRF_HEADER)
        if supplied is None and content_type == "application/x-www-form-urlencoded":
            # at most MAX_FORM_FIELDS fields here: _check_urlencoded ran first
            values = parse_qs(body.decode("latin-1")).get(CSRF_FIELD)
            supplied = values[0] if values else None
        elif supplied is None and form is not None:
            value = form.get(CSRF_FIELD)
            supplied = value if isinstance(value, str) else None
        return supplied is not None and hmac.compare_digest(supplied, cookie_token)


class TooManyFields(Exception):
    pass


#: a JSON string escape for NUL: ``\u0000`` after an even number of other backslashes
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*+\\u0000")


#: a JSON string escape of a UTF-16 surrogate (``\\ud800``-``\\udfff``), the cheap pre-check
_JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _lone_surrogate_in_json(body: bytes) -> bool:
    """A JSON string holding an unpaired surrogate escape (``"\\ud800"``).

    Python's ``json`` decodes it into a string that cannot be encoded as UTF-8: the database
    cannot store it and the answer that echoes it cannot be written (a 500 from
    ``/api/v1/match``). A paired escape (an emoji sent as ``\\ud83d\\ude00``) is fine. The
    full parse runs only when the body holds a surrogate escape at all."""
    if _JSON_SURROGATE.search(body) is None:
        return False
    try:
        value = json.loads(body)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):  # not JSON (or too deep): the route refuses it
        return False
    return False


def _is_json(content_type: str) -> bool:
    """A type FastAPI parses as JSON: ``application/json`` and ``application/*+json``
    (``application/x+json`` went around the bounds below)."""
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json"))


class _MembersProblem(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


def _members_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_JSON_MEMBERS:
        raise _MembersProblem("too_many_fields")
    out = dict(pairs)
    if len(out) < len(pairs):
        raise _MembersProblem("duplicate_member")
    return out


def _json_members_problem(body: bytes) -> str | None:
    """``too_many_fields`` when a JSON body has an object of more than MAX_JSON_MEMBERS
    members (in a body of any size), and
    ``duplicate_member`` when an object names a member twice: Python's ``json`` kept the last
    one without a word (``{"name": "Siti", "name": "Budi"}`` screened Budi; a proxy or log
    reading the first saw Siti). None otherwise; a body that is not JSON is left to the
    route to refuse. Small bodies parse in microseconds, large ones were parsed already."""
    if not body.count(b":") > 1:  # fewer than two members: nothing to repeat, too few
        return None
    try:
        json.loads(body, object_pairs_hook=_members_hook)
    except _MembersProblem as exc:
        return exc.code
    except (ValueError, RecursionError):
        return None
    return None


def _nul_in_address(scope: Scope) -> bool:
    """A NUL character in the path or the query string (raw or ``%00``).

    No text field may hold one: SQLite stored it (and a ``?exploitation=%00`` filter matched
    every case), PostgreSQL refused it only when the handler reached the database."""
    query: bytes = scope.get("query_string") or b""
    return "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query


def _nul_in_body(content_type: str, body: bytes, form: FormData | None) -> bool:
    """A NUL character in a form field or a JSON string (uploaded files are not checked)."""
    if content_type == "application/x-www-form-urlencoded":
        return b"%00" in body or b"\x00" in body
    if _is_json(content_type):
        return b"\\u0000" in body and _JSON_NUL.search(body) is not None
    if form is not None:
        return any(isinstance(value, str) and "\x00" in value
                   for _, value in form.multi_items())
    return False


def _check_urlencoded(body: bytes) -> None:
    """Refuse a form with more than MAX_FORM_FIELDS fields (counted cheaply, as separators)."""
    if body.count(b"&") + body.count(b";") + 1 > MAX_FORM_FIELDS:
        raise TooManyFields()


async def _parse_multipart(scope: Scope, body: bytes) -> FormData | None:
    """The parsed form (for the CSRF field), None when malformed (then refused like a missing
    token, unless the header carries it); TooManyFields above the field or file limit."""
    # without "app" in the scope Starlette raises its own exception instead of an HTTP 400
    request = Request({k: v for k, v in scope.items() if k != "app"}, _replay(body))
    try:
        return await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)
    except MultiPartException as exc:
        if exc.message.startswith("Too many"):
            raise TooManyFields() from None
        return None
    except Exception:  # malformed multipart the parser cannot read
        return None


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
