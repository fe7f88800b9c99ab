"""`waspada watchlist match|import|add|remove|list`: screening a file against a watchlist
file (no database), and the database-backed watchlist (through ``matching.service``). Inputs,
outputs and errors as the identity commands (the shared file helpers are in
``matching.cli_files``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from waspada.matching.cli_files import (
    REJECTS_HELP,
    Progress,
    TolerantReader,
    check_output,
    keep_apart,
    read_strict,
    write_output,
)
from waspada.matching.schemas import WATCHLIST_THRESHOLD
from waspada.platform.console import err, fail, operator_session
from waspada.platform.domain import DomainError
from waspada.platform.files import write_csv
from waspada.platform.security.policy import CLI_PRINCIPAL

M = TypeVar("M", bound=BaseModel)

watchlist_app = typer.Typer(help="Watchlist screening and management.", no_args_is_help=True,
                            add_completion=False)


_WATCHLIST_THRESHOLD_HELP = (
    "Lowest score written, 0-1: the scorer's probability that the query is that entry. "
    "Higher: fewer false alarms, more entries missed. The default is the API's; a full name "
    "alone, without a birth date, stays below it.")


@watchlist_app.command("match")
def match_cmd(
    watchlist: Annotated[Path, typer.Option(help="Watchlist person CSV.")],
    queries: Annotated[Path, typer.Option(help="Query person CSV.")],
    output: Annotated[Path, typer.Option("--output", "-o",
                                         help="Writes query_id,rank,record_id,score.")],
    top: Annotated[int, typer.Option(help="Candidates per query.")] = 5,
    threshold: Annotated[float, typer.Option(help=_WATCHLIST_THRESHOLD_HELP)] = WATCHLIST_THRESHOLD,
    rejects: Annotated[Path | None, typer.Option(help=REJECTS_HELP)] = None,
) -> None:
    """Screen each query against the watchlist (real-time scorer, no database)."""
    from waspada.matching.index import WatchlistIndex

    if top < 1:
        fail("--top must be at least 1")
    if not 0.0 <= threshold <= 1.0:
        fail("--threshold must be in [0, 1]")
    check_output(output)
    if rejects is not None:
        check_output(rejects)
    keep_apart({"watchlist": watchlist, "queries": queries},
               {"--output": output, "--rejects": rejects})
    progress = Progress()
    reader = TolerantReader(rejects)
    wl = reader.read(watchlist, "watchlist")
    qs = reader.read(queries, "queries")
    reader.finish()
    idx = WatchlistIndex.build(wl)
    progress(f"indexed {len(idx):,} watchlist entries")

    def rows() -> Iterator[tuple[str, int, str, str]]:
        for q in qs:
            for rank, m in enumerate(idx.search(q, top=top, threshold=threshold,
                                                explain=False), 1):
                yield q.record_id, rank, m.record_id, f"{m.score:.4f}"

    n = write_output(output, ["query_id", "rank", "record_id", "score"], rows())
    progress(f"screened {len(qs):,} queries, wrote {n:,} rows to {output}")


# -- database-backed watchlist management (through matching.service) --------------------------

_OPTIONS = {"list_kind": "--kind", "expires_on": "--expires"}


def _model(model: type[M], **fields: Any) -> M:
    """Build an operation's input from options; a refused value is one clear line."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "input"
        option = _OPTIONS.get(name, "--" + name.replace("_", "-"))
        fail(f"{option}: {first['msg'].removeprefix('Value error, ')}")


@watchlist_app.command("import")
def import_cmd(
    input: Annotated[Path, typer.Argument(help="Person CSV to add to the watchlist.")],
    reason: Annotated[str, typer.Option(help="Why these people are listed.")],
    source: Annotated[str, typer.Option(help="Where the list comes from.")],
    kind: Annotated[str, typer.Option(help="pencegahan|recruiter|victim|postponed|other")
                    ] = "other",
    expires: Annotated[str | None, typer.Option(help="Expiry date YYYY-MM-DD.")] = None,
) -> None:
    """Import watchlist entries from CSV (existing record ids are replaced)."""
    from waspada.matching import service
    from waspada.matching.schemas import ImportIn

    listing = _model(ImportIn, reason=reason, source=source, list_kind=kind,
                     expires_on=expires)
    records = read_strict(input, "input")
    try:
        with operator_session() as db:
            n = service.import_entries(db, CLI_PRINCIPAL, records, listing)
    except DomainError as exc:
        fail(f"{input}: {exc}")
    err.print(f"imported {n:,} {'entry' if n == 1 else 'entries'}")


@watchlist_app.command("add")
def add_cmd(
    record_id: Annotated[str, typer.Option(help="Entry id.")],
    full_name: Annotated[str, typer.Option(help="Full name.")],
    reason: Annotated[str, typer.Option(help="Why this person is listed.")],
    source: Annotated[str, typer.Option(help="Where the listing comes from.")],
    birth_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    sex: Annotated[str | None, typer.Option(help="M/F (L/P)")] = None,
    nik: Annotated[str | None, typer.Option()] = None,
    passport_no: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[str | None, typer.Option(
        help="Phone number in any format (0812-…, +62 812 …).")] = None,
    birth_place: Annotated[str | None, typer.Option()] = None,
    kind: Annotated[str, typer.Option(help="pencegahan|recruiter|victim|postponed|other")
                    ] = "other",
    expires: Annotated[str | None, typer.Option(help="Expiry date YYYY-MM-DD.")] = None,
) -> None:
    """Add one watchlist entry."""
    from waspada.matching import service
    from waspada.matching.schemas import EntryIn

    entry = _model(EntryIn, record_id=record_id, full_name=full_name, reason=reason,
                   source=source, birth_date=birth_date, sex=sex, nik=nik,
                   passport_no=passport_no, phone=phone, birth_place=birth_place,
                   list_kind=kind, expires_on=expires)
    try:
        with operator_session() as db:
            service.add_entry(db, CLI_PRINCIPAL, entry)
    except DomainError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.problems.items())
        fail(f"{exc}" + (f" ({detail})" if detail else ""))
    err.print(f"added {record_id}", markup=False, highlight=False)


@watchlist_app.command("remove")
def remove_cmd(
    record_id: Annotated[str, typer.Argument(help="Entry id.")],
    reason: Annotated[str, typer.Option(help="Why the entry is removed.")],
) -> None:
    """Remove (deactivate) one entry; the row and its history stay for the audit."""
    from waspada.matching import service
    from waspada.matching.schemas import RemoveIn

    data = _model(RemoveIn, reason=reason)
    try:
        with operator_session() as db:
            service.remove_entry(db, CLI_PRINCIPAL, record_id, data)
    except DomainError as exc:
        fail(f"{str(exc).rstrip('.')}: {record_id!r}.")
    err.print(f"removed {record_id}", markup=False, highlight=False)


@watchlist_app.command("list")
def list_cmd(limit: Annotated[int, typer.Option(
        help="Rows to show (1-100000).", min=1, max=100_000)] = 50) -> None:
    """List active entries (newest first) as CSV on stdout."""
    from waspada.matching import service

    with operator_session() as db:
        rows = [(e.record_id, e.full_name, e.birth_date or "", e.list_kind, e.source,
                 e.expires_on or "") for e in service.list_entries(db, CLI_PRINCIPAL, limit)]
    write_csv(sys.stdout, ["record_id", "full_name", "birth_date", "kind", "source",
                           "expires_on"], rows)
