"""Migration ``0203_cases_updated_index``: the index of the case list's default order (open
cases first, the most recently updated first). The migration adds it to a database that has
cases and goes back cleanly; SQLite uses it for that order (EXPLAIN QUERY PLAN); the list read
by walking it answers the same rows as the list read from the unit's cases, sorted."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex

from tests.conftest import ROLE_USERS
from waspada.cases.models import INDEXED_FINISHED, Case
from waspada.cases.store import views
from waspada.cases.store.access import TERMINAL
from waspada.platform.db import get_engine, session_scope
from waspada.platform.migrate import alembic_config
from waspada.platform.security.models import User
from waspada.platform.security.policy import Principal
from waspada.platform.security.roles import Role

INDEX = "ix_case_cases_work_order"
MIGRATION = (Path(__file__).resolve().parents[2] / "src/waspada/platform/migrations/versions"
             / "0203_cases_updated_index.py")


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("migration_0203", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plan(conn: Any, sql: str, params: Any) -> str:
    return " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql,
                                                             params))


def test_the_migration_adds_the_index_to_cases_and_goes_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, "0202_cases_htcds")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO case_cases (reference, status, owner_unit_id, source, destination_country, "
                "summary, reported_at, state_entered_at, last_update_at, is_synthetic) "
                "VALUES ('WSP-1', 'closed', 1, 'officer', 'KH', '', '2026-12-01 00:00:00', "
                "'2026-12-01 00:00:00', '2026-12-01 00:00:00', 1)"))
        command.upgrade(config, "heads")
        with engine.connect() as conn:
            ddl = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": INDEX})
            assert ddl is not None
            query = ("SELECT id FROM case_cases ORDER BY CASE WHEN (case_cases.status IN "
                     "('closed', 'duplicate', 'not_a_victim')) THEN 1 ELSE 0 END, "
                     "case_cases.last_update_at DESC, case_cases.id DESC LIMIT 51")
            plan = _plan(conn, query, ())
            assert f"USING INDEX {INDEX}" in plan and "TEMP B-TREE" not in plan, plan
            assert conn.scalar(text(query)) == 1
        command.downgrade(config, "0202_cases_htcds")
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = :n"),
                               {"n": INDEX}) == 0
            assert conn.scalar(text("SELECT count(*) FROM case_cases")) == 1
    finally:
        engine.dispose()


def _words(sql: str) -> str:
    return re.sub(r"[\s()]+", " ", sql).strip()


def test_the_model_the_migration_and_the_workflow_name_the_same_final_states() -> None:
    """Alembic cannot compare an expression index on SQLite (it skips it), so this does: the
    migration's expression is the model's, and both list the workflow's final states."""
    assert tuple(sorted(TERMINAL)) == INDEXED_FINISHED, (
        "the workflow's final states changed: write a migration that re-creates "
        f"{INDEX} and update cases.models.INDEXED_FINISHED")
    index = next(ix for ix in Case.__table__.indexes if ix.name == INDEX)
    model = str(CreateIndex(index).compile(dialect=sqlite.dialect()))
    assert _words(_migration().FINISHED) in _words(model)
    assert _words(model).endswith("last_update_at DESC, id DESC")


def _principal(role: str) -> Principal:
    with session_scope() as db:
        user = db.scalar(select(User).where(User.username == ROLE_USERS[role]))
        return Principal(user_id=user.id, username=user.username, role=Role(user.role),
                         unit_id=user.unit_id)


def _list(principal: Principal, page: int, per_page: int) -> tuple[list[int], list[str]]:
    """The ids on a page of the work order, and the SQL that read them."""
    statements: list[str] = []

    def seen(conn, cursor, sql, params, context, many):  # type: ignore[no-untyped-def]
        if "ORDER BY" in sql and "last_update_at DESC" in sql:
            statements.append(sql)

    event.listen(get_engine(), "before_cursor_execute", seen)
    try:
        with session_scope() as db:
            rows, _more = views.list_cases(db, principal, views.CaseFilters(), page,
                                           per_page=per_page, order="work")
    finally:
        event.remove(get_engine(), "before_cursor_execute", seen)
    return [row["id"] for row in rows], statements


@pytest.mark.parametrize("role", ["protection_officer", "analyst"])
def test_walking_the_index_answers_what_sorting_answers(role: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    principal = _principal(role)
    pages: dict[bool, list[list[int]]] = {}
    for walk in (True, False):
        monkeypatch.setattr(views, "_walk_work_order", lambda *args, walk=walk: walk)
        pages[walk] = [_list(principal, page, 7)[0] for page in (1, 2, 5)]
        assert pages[walk][0], "the demo has cases this role sees"
    assert pages[True] == pages[False]
    if role == "protection_officer":  # the unit check is per case only when walking
        monkeypatch.setattr(views, "_walk_work_order", lambda *args: True)
        assert "EXISTS" in _list(principal, 1, 7)[1][0]
        monkeypatch.setattr(views, "_walk_work_order", lambda *args: False)
        assert "JOIN case_unit_access" in _list(principal, 1, 7)[1][0]


def test_the_list_walks_the_index_when_the_unit_sees_enough_cases() -> None:
    """The choice: the demo's protection officer's unit sees most demo cases, so page 1 is read
    by walking the index (SQLite's plan says so); a unit that sees none is not walked."""
    officer = _principal("protection_officer")
    with session_scope() as db:
        assert views._walk_work_order(db, officer, views.CaseFilters(), 51)
        assert not views._walk_work_order(db, officer, views.CaseFilters(status="closed"), 51)
        nobody = Principal(user_id=None, username="x", role=Role.PROTECTION_OFFICER,
                           unit_id=10**6)
        assert not views._walk_work_order(db, nobody, views.CaseFilters(), 51)
    ids, statements = _list(officer, 1, 50)
    assert ids
    if get_engine().dialect.name == "sqlite":
        with get_engine().connect() as conn:
            sql = statements[0]
            params = [officer.unit_id, 51, 0]
            plan = _plan(conn, sql, tuple(params[:sql.count("?")]))
        assert f"USING INDEX {INDEX}" in plan and "TEMP B-TREE" not in plan, plan
