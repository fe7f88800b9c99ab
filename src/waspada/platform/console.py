"""What every command shares: the two consoles, one way to fail, and the operator's session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy.orm import Session

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``Error: message`` on stderr (English, one line, no traceback) and exit ``code``."""
    err.print(f"[bold red]Error:[/] {message}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def day_option(option: str, value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` option's day, or a clear error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value[:40]!r} is not a date (YYYY-MM-DD)")


def require_schema() -> None:
    """Exit with a clear message unless the database is reachable and fully migrated."""
    from sqlalchemy.exc import OperationalError

    from waspada.platform.migrate import is_up_to_date

    try:
        if not is_up_to_date():
            fail("the database schema is not up to date: run `waspada db upgrade` first")
    except OperationalError:
        fail("cannot reach the database (check WASPADA_DATABASE_URL)")


@contextmanager
def operator_session() -> Iterator[Session]:
    """A database session for the local operator (``CLI_PRINCIPAL``): checks the schema first,
    commits on success, rolls back on error."""
    from waspada.platform.db import session_scope

    require_schema()
    with session_scope() as session:
        yield session
