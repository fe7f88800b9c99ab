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

#: a database no process can open, not even root's: a SQLite file "inside" /dev/null (a
#: directory that does not exist could be created by whatever opens it first)
UNREACHABLE_URL = "sqlite:////dev/null/waspada-db-independent.sqlite"
PROBE_ENV = "WASPADA_TEST_DB_PROBE"


class DatabaseGuard:
    def __init__(self) -> None:
        self.test: str | None = None
        self.opened = False
        self._paused = 0
        self._real_url: str | None = None  # the URL hidden while a marked test runs
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
        """No check, and the real database URL back (the session's ``database`` fixture may be
        set up while the first test of the session, a marked one, is being watched)."""
        self._paused += 1
        hidden = os.environ.get("WASPADA_DATABASE_URL") == UNREACHABLE_URL
        if hidden:
            _set_url(self._real_url)
        try:
            yield
        finally:
            self._paused -= 1
            if hidden:
                os.environ["WASPADA_DATABASE_URL"] = UNREACHABLE_URL

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
        saved = self._real_url = os.environ.get("WASPADA_DATABASE_URL")
        os.environ["WASPADA_DATABASE_URL"] = UNREACHABLE_URL
        self.test, self.opened = item.nodeid, False
        try:
            yield
        finally:
            opened, self.test = self.opened, None
            _set_url(saved)
        if opened:
            pytest.fail(f"{item.nodeid} is marked db_independent (tests/db_independent.py) but "
                        "opened the database", pytrace=False)

    def write_probe(self, session: pytest.Session, repo: Path) -> None:
        if not self.probe:
            return
        quiet = sorted(p.relative_to(repo).as_posix()
                       for p in self.modules_seen - self.modules_opening)
        Path(self.probe).write_text("\n".join(quiet) + "\n", encoding="utf-8")


def _set_url(url: str | None) -> None:
    if url is None:
        os.environ.pop("WASPADA_DATABASE_URL", None)
    else:
        os.environ["WASPADA_DATABASE_URL"] = url


database_guard = DatabaseGuard()


@event.listens_for(Pool, "checkout")
def _on_checkout(*_args: object) -> None:
    database_guard.on_checkout()
