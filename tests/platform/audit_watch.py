"""Watches every database transaction the application runs and names those that wrote
personal-data tables without adding an ``audit_entries`` row in the same transaction.

A SQLAlchemy listener on every :class:`~sqlalchemy.orm.Session`: ``before_flush`` sees the ORM
rows added, changed or deleted; ``do_orm_execute`` sees bulk ``insert``/``update``/``delete``
statements run through a session; ``after_commit`` judges the transaction and
``after_rollback`` forgets it (nothing was kept). Only transactions that begin while the watch
is :attr:`active` are judged, so test set-up (demo data, helper users) is not. Writes through a
bare connection (migrations) or ``text()`` SQL are not seen: the application has none outside
migrations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

AUDIT_TABLE = "audit_entries"

#: tables whose writes need no audit entry of their own, with the reason; every other table
#: counts as personal data (new tables are covered by default)
NOT_PERSONAL: dict[str, str] = {
    AUDIT_TABLE: "the audit trail itself",
    "jobs": "background-job bookkeeping (claim, progress, heartbeat, recovery): status and "
            "counts only; the input file and results live in job_inputs/job_rows, written "
            "only with an audit entry (start, finish, cancel, failure, purge)",
}



@dataclass
class Unaudited:
    tables: frozenset[str]
    where: str = ""


@dataclass
class AuditWatch:
    active: bool = False
    #: judge only transactions begun outside the main thread: the app's handlers (the test
    #: client's portal and thread pool), not test set-up (used by the suite-wide plugin)
    app_threads_only: bool = False
    where: str = ""  # what is running (the test id), named in reports
    committed: int = 0  # transactions judged
    audited_writes: int = 0  # of those, ones that wrote personal data with their audit entry
    unaudited: list[Unaudited] = field(default_factory=list)

    @contextmanager
    def watching(self) -> Iterator[AuditWatch]:
        self.active = True
        try:
            yield self
        finally:
            self.active = False

    # -- listeners -------------------------------------------------------------------------

    @property
    def _key(self) -> str:  # one per watch: the suite-wide plugin and a test's own may overlap
        return f"audit_watch_{id(self)}"

    def _state(self, session: Session) -> dict[str, Any] | None:
        return session.info.get(self._key)

    def after_begin(self, session: Session, transaction: SessionTransaction,
                    connection: Any) -> None:
        if self.app_threads_only and threading.current_thread() is threading.main_thread():
            return
        if self.active and transaction.parent is None:
            session.info[self._key] = {"tables": set(), "audited": False}

    def _wrote(self, session: Session, tables: set[str]) -> None:
        state = self._state(session)
        if state is None:
            return
        if AUDIT_TABLE in tables:
            state["audited"] = True
        state["tables"].update(tables)

    def before_flush(self, session: Session, flush_context: Any, instances: Any) -> None:
        tables: set[str] = set()
        changed = [*session.new, *session.deleted,
                   *(obj for obj in session.dirty if session.is_modified(obj))]
        for obj in changed:
            tables.update(table.name for table in inspect(obj).mapper.tables)
        self._wrote(session, tables)

    def do_orm_execute(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            name = getattr(table, "name", None)
            if name is not None:
                if name == AUDIT_TABLE and state.is_update:
                    return  # the chain lock's no-op update, not an entry
                self._wrote(state.session, {name})

    def after_commit(self, session: Session) -> None:
        state = session.info.pop(self._key, None)
        if state is None:
            return
        self.committed += 1
        personal = frozenset(t for t in state["tables"] if t not in NOT_PERSONAL)
        if personal and not state["audited"]:
            self.unaudited.append(Unaudited(personal, self.where))
        elif personal:
            self.audited_writes += 1

    def after_rollback(self, session: Session) -> None:
        session.info.pop(self._key, None)

    # -- installation ----------------------------------------------------------------------

    _EVENTS = ("after_begin", "before_flush", "do_orm_execute", "after_commit",
               "after_rollback")

    def install(self) -> None:
        for name in self._EVENTS:
            event.listen(Session, name, getattr(self, name))

    def remove(self) -> None:
        for name in self._EVENTS:
            event.remove(Session, name, getattr(self, name))
