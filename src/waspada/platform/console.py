"""What every command shares: the two consoles, one way to fail, the operator's session, and
one way to print a list."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TypeVar

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

if TYPE_CHECKING:
    from waspada.platform.security.policy import Principal

T = TypeVar("T")
out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``Error: message`` on stderr (English, one line, no traceback) and exit ``code``.

    The message is text, not markup: a file named ``list[/red].csv`` is printed as it is (it
    raised rich's MarkupError, a traceback, and ``reg[bold]2024.csv`` lost its brackets)."""
    err.print(f"[bold red]Error:[/] {escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def usage_error_line(exc: ClickException) -> str:
    """A usage error as one plain English line: ``Error: invalid value for '--threshold': ...
    (see 'waspada identity dedupe --help')`` (Typer drew a Rich box of several lines)."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        message = message[0].lower() + message[1:]  # "Invalid value" -> "invalid value"
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, UsageError) and ctx is not None and ctx.help_option_names:
        message += f" (see '{ctx.command_path} {ctx.help_option_names[0]}')"
    return f"Error: {message}"


class PlainUsageErrors(TyperGroup):
    """The root command: a usage error anywhere below it (a bad value, a missing argument, an
    unknown option or command) is :func:`usage_error_line` on stderr, plain text, exit code
    2; ``--help`` and the help shown for a group without arguments are Typer's as before."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except ClickException as exc:
            _usage_exit(exc)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClickException as exc:
            _usage_exit(exc)


def _usage_exit(exc: ClickException) -> NoReturn:
    if isinstance(exc, NoArgsIsHelpError):
        raise exc  # the help of a command given no arguments (no_args_is_help)
    typer.echo(usage_error_line(exc), err=True, color=False)
    raise typer.Exit(exc.exit_code)


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


# -- list tables --------------------------------------------------------------------------------
# One convention for every list a command prints (docs/platform.md#tables-on-the-command-line):
# one line per row at 80 columns, a rule under one-line headers and no other lines, one space
# between columns, times as "01 Dec 23:41" (UTC), the columns that do not fit behind --wide.

#: the help of every list's ``--wide``
WIDE_HELP = ("Every column, each value whole and times as YYYY-MM-DD HH:MM (a table wider "
             "than 80 columns, for a wide terminal or a file).")
#: every list command's ``--wide`` option
Wide = Annotated[bool, typer.Option("--wide", help=WIDE_HELP)]
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: a time this close to now shows its hour, a farther one its year (as ``ls -l`` does)
_NEAR = timedelta(days=180)
#: how wide a --wide table may grow before its cells are cut after all
_WIDE_LIMIT = 1000


@dataclass(frozen=True)
class Col:
    """A list's column: its header (one line, short); ``flex`` for a free-text column that
    gives up width when the row is too long (its value then ends in "…"), never below
    ``min_width``; its alignment; and whether it shows only with --wide."""

    header: str
    flex: bool = False
    min_width: int = 6
    justify: Literal["left", "right"] = "left"
    wide_only: bool = False


class ListTable:
    """A list for the terminal: every cell on one line, only the columns that fit 80 unless
    ``wide``. The columns are as wide as their longest value; when a row does not fit the
    terminal, the flex columns are cut (widest first) and their values end in "…". With
    ``wide``: every column, every value whole, however wide the table gets."""

    def __init__(self, columns: Sequence[Col], wide: bool = False) -> None:
        self.wide = wide
        self._shown = [not c.wide_only or wide for c in columns]
        self.columns = [c for c, shown in zip(columns, self._shown, strict=True) if shown]
        self.rows: list[list[str]] = []

    def add_row(self, *cells: str) -> None:
        """One row: a value for every column, --wide ones included (they are left out here
        when the table is not wide)."""
        if len(cells) != len(self._shown):
            raise ValueError(f"{len(cells)} cells for {len(self._shown)} columns")
        self.rows.append([c for c, shown in zip(cells, self._shown, strict=True) if shown])

    def when(self, moment: datetime | str | None, now: datetime | None = None) -> str:
        """A time (UTC) as this table shows it: "-" for none; "01 Dec 23:41" within 180
        days of now, else "01 Dec 2025"; with --wide "2026-12-01 23:41"."""
        if moment is None or moment == "":
            return "-"
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        if self.wide:
            return moment.strftime("%Y-%m-%d %H:%M")
        now = (now or datetime.now(UTC)).replace(tzinfo=None)
        day = f"{moment.day:02d} {_MONTHS[moment.month - 1]}"
        if abs(moment - now) <= _NEAR:
            return f"{day} {moment:%H:%M}"
        return f"{day} {moment.year}"

    def widths(self, width: int) -> list[int]:
        """Each column's width for a terminal ``width`` wide (one space between columns)."""
        widths = [max([cell_len(c.header), *(cell_len(row[i]) for row in self.rows)])
                  for i, c in enumerate(self.columns)]
        if self.wide:
            return widths
        over = sum(widths) + len(widths) - 1 - width
        while over > 0:
            cuttable = [i for i, c in enumerate(self.columns)
                        if c.flex and widths[i] > max(c.min_width, cell_len(c.header))]
            if not cuttable:
                break  # Rich narrows every column evenly: a terminal too narrow for the list
            widest = max(cuttable, key=lambda i: widths[i])
            widths[widest] -= 1
            over -= 1
        return widths

    def render(self, width: int) -> Table:
        """The Rich table for a terminal ``width`` wide."""
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0),
                      highlight=False)
        for column, fit in zip(self.columns, self.widths(width), strict=True):
            table.add_column(column.header, justify=column.justify, no_wrap=True,
                             overflow="ellipsis", max_width=fit)
        for row in self.rows:  # as text: a "[" in a name is no markup
            table.add_row(*(Text(cell) for cell in row))
        return table

    def print(self, empty: str) -> None:
        """Print the table on standard output: at the terminal's width, or with --wide as wide
        as its values need (on a console of that width: Rich cuts a line at its console's);
        without rows, the line ``empty`` instead."""
        if not self.rows:
            out.print(empty, highlight=False, markup=False)
            return
        if not self.wide:
            out.print(self.render(out.width))
            return
        table = self.render(_WIDE_LIMIT)
        Console(width=min(_WIDE_LIMIT, max(out.width, sum(self.widths(_WIDE_LIMIT))
                                           + len(self.columns))),
                highlight=False, force_terminal=out.is_terminal, no_color=out.no_color
                ).print(table)
