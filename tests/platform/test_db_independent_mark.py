"""The ``db_independent`` mark (tests/db_independent.py): its list names existing modules, and
a connection taken while a marked test runs is refused and remembered."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REPO
from tests.db_independent import DB_INDEPENDENT
from tests.dbguard import database_guard


def test_every_listed_module_exists() -> None:
    missing = sorted(path for path in DB_INDEPENDENT if not (REPO / path).is_file())
    assert not missing, f"tests/db_independent.py names modules that do not exist: {missing}"


def test_a_connection_during_a_marked_test_is_refused() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:  # no marked test running: allowed
        assert conn.execute(text("SELECT 1")).scalar() == 1
    database_guard.test, database_guard.opened = "tests/x.py::test_pure", False
    try:
        with pytest.raises(RuntimeError, match="marked db_independent"):
            engine.connect()
        assert database_guard.opened
        # the session's own migration and demo load
        with database_guard.paused(), engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        database_guard.test, database_guard.opened = None, False
    engine.dispose()


def test_the_session_database_is_the_real_one_when_a_marked_test_comes_first(
        tmp_path: pytest.TempPathFactory) -> None:
    """A session whose first test is marked sets up the session's database while that test is
    watched: the set-up must still use the real URL (it used the guard's unreachable one,
    which root could create, and tests then shared a database across runs)."""
    import os
    import subprocess
    import sys

    probe = REPO / "tests" / "offers" / "test_offers_cli.py"
    assert "tests/offers/test_offers_cli.py" in DB_INDEPENDENT
    check = tmp_path / "test_where_is_the_db.py"  # type: ignore[operator]
    check.write_text(
        "from waspada.platform.settings import get_settings\n"
        "def test_url():\n"
        "    url = get_settings().effective_database_url\n"
        "    assert 'db-independent' not in url and '/dev/null' not in url, url\n",
        encoding="utf-8")
    # its own data directory and SQLite database: on PostgreSQL it would reset this session's
    env = {k: v for k, v in os.environ.items()
           if k not in ("WASPADA_DATA_DIR", "WASPADA_DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO),
         "-c", str(REPO / "pyproject.toml"), f"{probe}::test_check_json", str(check)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
