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
