"""The FastAPI app factory: mounts the platform and every capability's routers."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import exists, select
from swagger_ui_bundle import swagger_ui_path

from waspada import __version__
from waspada.platform import errors, logs
from waspada.platform.db import session_scope
from waspada.platform.guard import GuardMiddleware
from waspada.platform.security.models import Unit
from waspada.platform.settings import get_settings

STATIC_DIR = Path(__file__).parent / "static"

#: capability modules that expose ``router`` (pages) and/or ``api_router`` (JSON API)
CAPABILITY_MODULES: tuple[str, ...] = (
    "waspada.platform.pages",
    "waspada.platform.api",
    "waspada.identity.pages",
    "waspada.identity.api",
    "waspada.offers.pages",
    "waspada.offers.api",
    "waspada.matching.pages",
    "waspada.matching.api",
    "waspada.screening.pages",
    "waspada.screening.api",
    "waspada.cases.pages",
    "waspada.cases.api",
    "waspada.statistics.pages",
    "waspada.statistics.api",
)

API_DESCRIPTION = """
JSON API of Waspada. Sign in with `POST /api/v1/auth/login` (session cookie) or send a personal
API token as `Authorization: Bearer wsp_...` (create one on your account page or with
`waspada users token USERNAME`). Every call is checked against the role policy and audited.
Errors are `{"error": {"code": ..., "message": ...}}` in English.
"""


def _demo_mode() -> bool:
    try:
        with session_scope() as session:
            return bool(session.scalar(select(exists().where(Unit.is_synthetic.is_(True)))))
    except Exception:  # database not migrated or not reachable yet: the banner is optional
        return False


def iter_api_routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every API and page route the app serves (what the authorisation test enumerates)."""
    for router in app.state.routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                yield route


def create_app() -> FastAPI:
    settings = get_settings()
    logs.configure(settings.log_level)
    settings.effective_secret_key  # noqa: B018 - create the key file at start-up, not mid-request
    app = FastAPI(title="Waspada API", version=__version__, description=API_DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.demo_mode = _demo_mode()
    errors.install(app)
    app.state.routers = []
    for module_name in CAPABILITY_MODULES:
        module = importlib.import_module(module_name)
        for attr in ("router", "api_router", "plain"):
            router = getattr(module, attr, None)
            if router is not None:
                app.include_router(router)
                app.state.routers.append(router)
    app.mount("/static/swagger", StaticFiles(directory=str(swagger_ui_path)), name="swagger")
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes,
                       default_language=settings.default_language,
                       cookie_secure=settings.cookie_secure, on_error=errors.middleware_error)
    return app
