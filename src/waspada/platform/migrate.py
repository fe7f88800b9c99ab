"""Run Alembic migrations programmatically (``waspada db upgrade``).

The platform's tables are the trunk (``0001_platform``); each capability keeps its migrations on
its own branch (``branch_labels=("<capability>",)``, ``down_revision="0001_platform"`` for its
first one), so capabilities can evolve independently. ``upgrade`` goes to every head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from waspada.platform.db import get_engine
from waspada.platform.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s")
    config.set_main_option("sqlalchemy.url", (url or get_settings().effective_database_url)
                           .replace("%", "%%"))
    return config


def upgrade(revision: str = "heads") -> None:
    """Migrate to the newest revision of every branch (each capability has its own branch)."""
    command.upgrade(alembic_config(), revision)


def current_revisions() -> set[str]:
    with get_engine().connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_up_to_date() -> bool:
    return current_revisions() == head_revisions()
