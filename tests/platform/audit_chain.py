"""A private audit chain for tests that tamper with it (the suite's own chain is left alone)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy.orm import Session, sessionmaker

from waspada.platform import audit
from waspada.platform.db import make_engine
from waspada.platform.migrate import alembic_config
from waspada.platform.security.policy import CLI_PRINCIPAL


@contextmanager
def private_chain(folder: Path, entries: int) -> Iterator[sessionmaker[Session]]:
    """A SQLite database under ``folder`` migrated to the audit schema, with ``entries``
    entries recorded one transaction each."""
    url = f"sqlite:///{folder / 'chain.sqlite3'}"
    command.upgrade(alembic_config(url), "0003_audit")
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    for n in range(entries):
        with factory.begin() as session:
            audit.record("test.chain", CLI_PRINCIPAL, object_type="test", object_id=n,
                         session=session)
    try:
        yield factory
    finally:
        engine.dispose()
