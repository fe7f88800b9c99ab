"""The FastAPI app factory: mounts the platform and every capability's routers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import exists, select
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from waspada import __version__
from waspada.platform import capabilities, errors, logs
from waspada.platform.db import session_scope
from waspada.platform.guard import GuardMiddleware
from waspada.platform.security.models import Unit
from waspada.platform.settings import get_settings

STATIC_DIR = Path(__file__).parent / "static"

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


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Background job worker threads live as long as the server (docs/jobs.md)."""
    from waspada.platform.jobs.worker import Worker

    settings = get_settings()
    worker = Worker(settings.job_workers, settings.job_poll_seconds)
    if settings.job_workers:
        worker.start()
    # capabilities' own background threads (exchange delivery), declared in capability.py
    others = list(capabilities.background_workers())
    for other in others:
        other.start()
    try:
        yield
    finally:
        for other in others:
            other.stop()
        worker.stop()


def create_app() -> FastAPI:
    settings = get_settings()
    logs.configure(settings.log_level)
    settings.effective_secret_key  # noqa: B018 - create the key file at start-up, not mid-request
    app = FastAPI(title="Waspada API", version=__version__, description=API_DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan)
    app.state.demo_mode = _demo_mode()
    errors.install(app)
    app.state.routers = []
    for module in capabilities.web_modules():
        for attr in ("router", "api_router", "plain"):
            router = getattr(module, attr, None)
            if router is not None:
                app.include_router(router)
                app.state.routers.append(router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes,
                       default_language=settings.default_language,
                       cookie_secure=settings.cookie_secure, on_error=errors.middleware_error)
    trusted = [host.strip() for host in settings.forwarded_allow_ips.split(",") if host.strip()]
    if trusted:
        # outermost: the guard (Secure cookies, HSTS), rate limits and the audit trail all see the
        # client address and scheme the trusted proxy reports, never a forged header
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    return app
