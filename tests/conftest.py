"""Test set-up: a private data dir, a migrated database (SQLite, or PostgreSQL when
``WASPADA_DATABASE_URL`` is set), the demo accounts, and signed-in clients per role."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="waspada-test-"))
os.environ["WASPADA_DATA_DIR"] = str(_TMP)
os.environ.setdefault("WASPADA_ARGON2_TIME_COST", "1")
os.environ.setdefault("WASPADA_ARGON2_MEMORY_KIB", "8192")
os.environ.setdefault("WASPADA_LOG_LEVEL", "WARNING")
# background jobs run when a test says so (platform.jobs.worker.run_pending); the live
# server of the browser tests starts its own worker threads (tests/e2e/conftest.py)
os.environ.setdefault("WASPADA_JOB_WORKERS", "0")
# ... so a demo account's jobs stay queued from test to test: the per-account limit of
# unfinished jobs (5 by default) is lifted here, and its own test sets the default back
# (tests/cases/test_export_job.py::test_one_account_cannot_fill_the_job_queue)
os.environ.setdefault("WASPADA_JOB_MAX_ACTIVE", "1000")
# the exchange outbox is delivered when a test says so (exchange.outbox.deliver_due)
os.environ.setdefault("WASPADA_EXCHANGE_DELIVERY_WORKERS", "0")
os.environ.pop("WASPADA_SECRET_KEY", None)


def _per_worker_database_url(url: str | None, worker: str | None) -> str | None:
    """Under pytest-xdist (``-n 2``) each worker is its own process with its own data dir
    (above), hence its own SQLite database; on a database server it uses the database
    ``<name>_<worker id>`` (``waspada_ci_1_gw0``), which must exist (.ci/run creates them)."""
    if not url or not worker or url.startswith("sqlite"):
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
        hide_password=False)


# Property tests: local runs draw new examples every time (that is how they find bugs); CI
# (.ci/run sets HYPOTHESIS_PROFILE=ci) draws a fixed sequence, so that a red CI, which stops a
# landing, is reproducible and never a new draw's luck.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_worker_url = _per_worker_database_url(os.environ.get("WASPADA_DATABASE_URL"),
                                       os.environ.get("PYTEST_XDIST_WORKER"))
if _worker_url:
    os.environ["WASPADA_DATABASE_URL"] = _worker_url

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from waspada.demo.synthetic import DEMO_ACCOUNTS, demo_password  # noqa: E402
from waspada.platform.settings import get_settings  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPO = Path(__file__).resolve().parents[1]

# -- database-independent tests (tests/db_independent.py) ------------------------------------

from tests.db_independent import DB_INDEPENDENT  # noqa: E402
from tests.dbguard import database_guard  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db_independent: never opens the database (pure "
                            "cores); CI's PostgreSQL step deselects these (tests/db_independent.py)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(REPO) and item.path.relative_to(REPO).as_posix() in \
                DB_INDEPENDENT:
            item.add_marker(pytest.mark.db_independent)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with database_guard.watching(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with database_guard.watching(item):
        return (yield)


def pytest_sessionfinish(session: pytest.Session) -> None:
    database_guard.write_probe(session, REPO)



def _reset_database() -> None:
    from sqlalchemy import MetaData

    from waspada.platform.db import get_engine

    engine = get_engine()
    if engine.dialect.name == "postgresql":
        meta = MetaData()
        meta.reflect(bind=engine)
        meta.drop_all(bind=engine)


@pytest.fixture(scope="session", autouse=True)
def database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Migrate and load the demo once, unless every selected test is database-independent."""
    from waspada.demo.loader import load_demo
    from waspada.platform.migrate import upgrade

    if all(item.get_closest_marker("db_independent") for item in request.session.items):
        yield
        return
    with database_guard.paused():
        _reset_database()
        upgrade()
        load_demo(seed=7)
    yield


@pytest.fixture(scope="session")
def app(database: None):  # type: ignore[no-untyped-def]
    from waspada.platform.web import create_app

    return create_app()


@pytest.fixture(autouse=True)
def _reset_rate_limits() -> None:
    from waspada.platform.pages import login_limiter
    from waspada.platform.security.auth import login_throttle

    login_limiter.reset()
    login_throttle.reset()


@pytest.fixture()
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def sign_in(test_client: TestClient, username: str, password: str | None = None) -> TestClient:
    test_client.get("/login")
    response = test_client.post("/login", data={
        "username": username, "password": password or demo_password(username),
        "csrf_token": test_client.cookies.get("waspada_csrf"), "next": "/"},
        follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return test_client


ROLE_USERS = {role: username for username, role, _unit, _name in DEMO_ACCOUNTS}


@pytest.fixture(scope="session")
def role_clients(app) -> Iterator[dict[str, TestClient]]:  # type: ignore[no-untyped-def]
    """One signed-in client per role (demo accounts)."""
    clients = {role: TestClient(app, raise_server_exceptions=False) for role in ROLE_USERS}
    for role, test_client in clients.items():
        sign_in(test_client, ROLE_USERS[role])
    yield clients
    for test_client in clients.values():
        test_client.close()


@pytest.fixture()
def english(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """The analyst reading in English, on a client of its own (the shared role clients stay
    Indonesian)."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        sign_in(test_client, ROLE_USERS["analyst"])
        test_client.get("/lang/en?next=/")
        yield test_client


def csrf_headers(test_client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": test_client.cookies.get("waspada_csrf") or ""}


@pytest.fixture()
def settings():  # type: ignore[no-untyped-def]
    return get_settings()
