"""Helpers for tests of one Alembic migration: a private SQLite database migrated to the
revision before it, and rows written in raw SQL (the ORM models describe the head, not the
schema at an older revision, so the tests cannot use them there)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, inspect, text

from waspada.platform.migrate import alembic_config

#: the moment the helpers' rows were made (any fixed past moment does)
CREATED_AT = "2026-01-01 00:00:00"


@contextmanager
def database_at(tmp_path: Path, revision: str,
                name: str = "migration") -> Iterator[tuple[Config, Engine]]:
    """A SQLite database of its own under ``tmp_path`` migrated to ``revision``: its Alembic
    config (to upgrade and downgrade it further) and an engine, disposed afterwards."""
    url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, revision)
    engine = create_engine(url)
    try:
        yield config, engine
    finally:
        engine.dispose()


def insert_unit_and_user(conn: Connection, username: str = "lama",
                         role: str = "analyst") -> int:
    """A unit and one active user of it, in raw SQL; the user's id.

    The columns are those of ``units`` and ``users`` from ``0006_platform_accounts`` on."""
    conn.execute(text(
        "INSERT INTO units (code, name, kind, requires_supervisor_approval, is_synthetic, "
        "created_at, time_zone) VALUES (:code, :code, 'other', 0, 0, :created_at, "
        "'Asia/Jakarta')"), {"code": f"unit-{username}", "created_at": CREATED_AT})
    unit_id = conn.execute(text("SELECT id FROM units WHERE code = :code"),
                           {"code": f"unit-{username}"}).scalar_one()
    conn.execute(text(
        "INSERT INTO users (username, full_name, role, unit_id, password_hash, is_active, "
        "is_supervisor, is_synthetic, failed_logins, created_at) VALUES (:username, '', :role, "
        ":unit_id, 'x', 1, 0, 0, 0, :created_at)"),
        {"username": username, "role": role, "unit_id": unit_id, "created_at": CREATED_AT})
    user_id: int = conn.execute(text("SELECT id FROM users WHERE username = :username"),
                                {"username": username}).scalar_one()
    return user_id


def columns_of(engine: Engine, table: str) -> set[str]:
    """The names of ``table``'s columns as the database has them now."""
    return {column["name"] for column in inspect(engine).get_columns(table)}
