"""What every command shares: the two consoles, one way to fail, and the operator's session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from waspada.platform.security.policy import Principal

T = TypeVar("T")
out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``Error: message`` on stderr (English, one line, no traceback) and exit ``code``."""
    err.print(f"[bold red]Error:[/] {message}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def since_tally(read: Callable[[Session, Principal, date | None], T], since: str | None) -> T:
    """Run a counts-only read (``read(session, CLI_PRINCIPAL, day)``) for a command's
    ``--since YYYY-MM-DD``; a bad date or a refusal is a clear error naming the option."""
    from waspada.platform.domain import DomainError
    from waspada.platform.security.policy import CLI_PRINCIPAL

    day = None
    if since is not None:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            fail(f"--since: {since[:40]!r} is not a date (YYYY-MM-DD)")
    try:
        with operator_session() as session:
            return read(session, CLI_PRINCIPAL, day)
    except DomainError as e:
        fail(f"--since: {e}" if e.code == "invalid_since" else str(e))


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
