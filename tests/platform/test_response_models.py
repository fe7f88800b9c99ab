"""Every API operation declares its success response (issue #12, item 3), so the served OpenAPI
schema shows real response schemas: a ``response_model`` (or a return type FastAPI uses as one) built from
pydantic models (``dict[str, Any]`` is no schema a client can rely on).

Exempt by rule, not by list: a 204 (no body), and a file download that declares its media type
in ``responses={200: {"content": {"application/pdf": ...}}}`` (PDF, CSV, attachments), or
declares its media types and its ``Content-Disposition`` header (a job's kept file, which may be
a JSON document served as an attachment).
"""

from __future__ import annotations

from typing import get_args

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

from waspada.platform.web import create_app, iter_api_routes

#: today's API routes without a response schema, each being fixed on its capability's issue #12
#: branch; the maintainer deletes entries as those land (a stale entry fails the test as well)
ALLOWLIST: set[tuple[str, str]] = set()


def _real_schema(model: object) -> bool:
    """A pydantic model, or a list/dict/union of them: a dict of anything is no schema."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        return True
    return any(_real_schema(arg) for arg in get_args(model))


def _file_response(route: APIRoute) -> bool:
    """A download: its media types declared and none JSON, or (a kept file that may be a JSON
    document, e.g. a job's result) its ``Content-Disposition`` header declared as well."""
    declared = (route.responses or {}).get(200, {})
    content = declared.get("content") or {}
    if "Content-Disposition" in (declared.get("headers") or {}):
        return bool(content)
    return bool(content) and not any("json" in media for media in content)


def lacking(app: FastAPI) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in iter_api_routes(app):
        if not route.path.startswith("/api/v1/"):
            continue
        if (_real_schema(route.response_model) or route.status_code == 204
                or _file_response(route)):
            continue
        found.update((method, route.path) for method in route.methods)
    return found


def test_every_api_route_declares_its_response() -> None:
    new = sorted(lacking(create_app()) - ALLOWLIST)
    assert not new, f"declare response_model= (or responses= with a file media type): {new}"


def test_the_allowlist_has_no_stale_entries() -> None:
    stale = sorted(ALLOWLIST - lacking(create_app()))
    assert not stale, f"now declared: remove from ALLOWLIST {stale}"


def test_api_routes_are_in_the_served_schema() -> None:
    hidden = sorted(route.path for route in iter_api_routes(create_app())
                    if route.path.startswith("/api/v1/") and not route.include_in_schema)
    assert not hidden, f"API routes missing from OpenAPI: {hidden}"


def test_the_rule_catches_a_route_without_a_model() -> None:
    from fastapi import APIRouter
    from fastapi.responses import Response

    router = APIRouter(prefix="/api/v1")

    @router.get("/probe/untyped")
    def untyped() -> dict[str, object]:  # a dict is no schema a client can rely on
        return {}

    @router.get("/probe/pdf", response_class=Response,
                responses={200: {"content": {"application/pdf": {}}}})
    def pdf() -> Response:
        return Response(b"%PDF", media_type="application/pdf")

    @router.get("/probe/json-file", response_class=Response,
                responses={200: {"content": {"application/json": {}}}})
    def json_file() -> Response:  # JSON without a schema and not declared a download
        return Response(b"{}", media_type="application/json")

    @router.get("/probe/kept", response_class=Response, responses={200: {
        "content": {"application/json": {}, "application/zip": {}},
        "headers": {"Content-Disposition": {"schema": {"type": "string"}}}}})
    def kept() -> Response:  # a kept file, declared as a download
        return Response(b"{}", media_type="application/json")

    @router.delete("/probe/gone", status_code=204)
    def gone() -> None:
        return None

    app = FastAPI()
    app.include_router(router)
    app.state.routers = [router]
    assert lacking(app) == {("GET", "/api/v1/probe/untyped"), ("GET", "/api/v1/probe/json-file")}
