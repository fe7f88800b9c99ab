"""The check behind the ``db_independent`` mark (tests/db_independent.py): a connection taken
from any SQLAlchemy pool while a marked test sets up or runs fails that test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

#: a database no process can open: a SQLite file in a directory that does not exist
UNREACHABLE_URL = "sqlite:////nonexistent-waspada-db-independent/none.sqlite"
PROBE_ENV = "WASPADA_TEST_DB_PROBE"


class DatabaseGuard:
    def __init__(self) -> None:
        self.test: str | None = None
        self.opened = False
        self._paused = 0
        self.probe = os.environ.get(PROBE_ENV, "")
        self.modules_seen: set[Path] = set()
        self.modules_opening: set[Path] = set()

    def on_checkout(self) -> None:
        if self._paused:
            return
        if self.probe and self.test is not None:
            self.opened = True
            return
        if self.test is not None:
            self.opened = True
            raise RuntimeError(f"{self.test} is marked db_independent (tests/db_independent.py)"
                               " but opened the database")

    @contextmanager
    def paused(self) -> Iterator[None]:
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    @contextmanager
    def watching(self, item: pytest.Item) -> Iterator[None]:
        if self.probe:
            self.modules_seen.add(item.path)
            self.test, self.opened = item.nodeid, False
            try:
                yield
            finally:
                if self.opened:
                    self.modules_opening.add(item.path)
                self.test = None
            return
        if item.get_closest_marker("db_independent") is None:
            yield
            return
        saved = os.environ.get("WASPADA_DATABASE_URL")
        os.environ["WASPADA_DATABASE_URL"] = UNREACHABLE_URL
        self.test, self.opened = item.nodeid, False
        try:
            yield
        finally:
            opened, self.test = self.opened, None
            if saved is None:
                os.environ.pop("WASPADA_DATABASE_URL", None)
            else:
                os.environ["WASPADA_DATABASE_URL"] = saved
        if opened:
            pytest.fail(f"{item.nodeid} is marked db_independent (tests/db_independent.py) but "
                        "opened the database", pytrace=False)

    def write_probe(self, session: pytest.Session, repo: Path) -> None:
        if not self.probe:
            return
        quiet = sorted(p.relative_to(repo).as_posix()
                       for p in self.modules_seen - self.modules_opening)
        Path(self.probe).write_text("\n".join(quiet) + "\n", encoding="utf-8")


database_guard = DatabaseGuard()


@event.listens_for(Pool, "checkout")
def _on_checkout(*_args: object) -> None:
    database_guard.on_checkout()
