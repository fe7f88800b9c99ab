"""``waspada exchange primero destination add|push|pull|pending|accept|reject|refer|log``:
thin wrappers over the service. Secrets never come from the command line: the Primero
password is read from ``WASPADA_PRIMERO_<NAME>_PASSWORD`` and the webhook key from
``WASPADA_PRIMERO_<NAME>_WEBHOOK_KEY`` (the environment or the service manager's settings)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from waspada.platform.console import Col, ListTable, Wide, fail, operator_session, out
from waspada.platform.domain import DomainError
from waspada.platform.files import dumps_json
from waspada.platform.security.policy import CLI_PRINCIPAL

primero_app = typer.Typer(help="Exchange cases with a Primero (API v2) server.",
                          no_args_is_help=True, add_completion=False)
destination_app = typer.Typer(help="Primero servers to exchange with.", no_args_is_help=True,
                              add_completion=False)
primero_app.add_typer(destination_app, name="destination")



def _json(obj: Any) -> None:
    print(dumps_json(obj, ensure_ascii=False, default=str))


@destination_app.command("add")
def destination_add(name: Annotated[str, typer.Argument(help="A short name, e.g. mosvy.")],
                    url: Annotated[str, typer.Option("--url", help="Primero's base URL.")],
                    user: Annotated[str, typer.Option("--user", help="Primero user name.")],
                    acceptance: Annotated[str, typer.Option(
                        "--acceptance", help="auto: pulled cases are applied at once; manual: "
                        "they wait for `accept`.")] = "auto",
                    ) -> None:
    """Register a Primero server (the password is read from the environment at each sync)."""
    from . import service

    with operator_session() as db:
        try:
            made = service.add_destination(db, CLI_PRINCIPAL, name, url, user, acceptance)
        except DomainError as exc:
            fail(exc.english, 1)
    out.print(f"Added Primero destination [bold]{made['name']}[/] ({made['url']}). Set "
              f"{made['password_env']} (password) and {made['webhook_key_env']} (webhook "
              "x-api-key) in the environment.", highlight=False)


@primero_app.command("push")
def push_cmd(case_number: Annotated[str, typer.Argument(help="Our case number.")],
             to: Annotated[str, typer.Option("--to", help="The destination's name.")],
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
             ) -> None:
    """Create the case in Primero, or send only the fields changed since the last push."""
    from . import service

    with operator_session() as db:
        try:
            done = service.push(db, CLI_PRINCIPAL, case_number, to)
        except DomainError as exc:
            fail(exc.english, 1)
    if as_json:
        _json(done)
        return
    out.print(f"{case_number}: {done['result']} in Primero as {done['primero_id']} "
              f"({len(done['fields'])} fields).", highlight=False)
    for message in done["unknown"]:
        out.print(f"[yellow]not sent:[/] {message}", highlight=False)


@primero_app.command("refer")
def refer_cmd(case_number: Annotated[str, typer.Argument(help="Our case number.")],
              to: Annotated[str, typer.Option("--to", help="The destination's name.")],
              user: Annotated[str, typer.Option("--user", help="Primero user to refer to.")],
              notes: Annotated[str | None, typer.Option("--notes")] = None) -> None:
    """Refer a pushed case to one Primero user."""
    from . import service

    with operator_session() as db:
        try:
            done = service.refer(db, CLI_PRINCIPAL, case_number, to, user, notes)
        except DomainError as exc:
            fail(exc.english, 1)
    out.print(f"{case_number}: referred in Primero ({done['referral_id']}).", highlight=False)


@primero_app.command("pull")
def pull_cmd(source: Annotated[str, typer.Option("--from", help="The destination's name.")],
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
             ) -> None:
    """Read the cases changed in Primero since the last pull (and those webhooks named)."""
    from . import service

    with operator_session() as db:
        try:
            done = service.pull(db, CLI_PRINCIPAL, source)
        except DomainError as exc:
            fail(exc.english, 1)
    if as_json:
        _json({k: v for k, v in done.items() if k != "ids"})
        return
    results = ", ".join(f"{k} {v}" for k, v in done["results"].items()) or "none"
    out.print(f"Pulled {done['pulled']} cases from {done['destination']} "
              f"({done['from_webhooks']} named by webhooks): {results}; watermark "
              f"{done['watermark']}.", highlight=False)


@primero_app.command("pending")
def pending_cmd(source: Annotated[str, typer.Option("--from", help="The destination's name.")],
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
                ) -> None:
    """Pulled cases waiting for acceptance, with what accepting each would change."""
    from . import service

    with operator_session() as db:
        try:
            rows = service.pending(db, CLI_PRINCIPAL, source)
        except DomainError as exc:
            fail(exc.english, 1)
    if as_json:
        _json(rows)
        return
    for row in rows:
        what = ("new case" if row["created"] else "conflict" if row["conflict"]
                else f"updates {row['case_number']}")
        out.print(f"[bold]{row['id']}[/] Primero {row['primero_id']} v{row['version']}: {what}",
                  highlight=False)
        for change in row["changes"]:
            out.print(f"  {change['field']}: {change['old']!s} -> {change['new']!s}",
                      highlight=False)
    if not rows:
        out.print("Nothing waits for acceptance.")


def _decide(source: str, incoming_id: int, accept: bool) -> None:
    from . import service

    with operator_session() as db:
        try:
            done = (service.accept if accept else service.reject)(
                db, CLI_PRINCIPAL, source, incoming_id)
        except DomainError as exc:
            fail(exc.english, 1)
    _json(done)


@primero_app.command("accept")
def accept_cmd(incoming_id: Annotated[int, typer.Argument(min=1, help="From `pending`.")],
               source: Annotated[str, typer.Option("--from", help="The destination's name.")],
               ) -> None:
    """Apply a waiting pulled case through the referral import."""
    _decide(source, incoming_id, True)


@primero_app.command("reject")
def reject_cmd(incoming_id: Annotated[int, typer.Argument(min=1, help="From `pending`.")],
               source: Annotated[str, typer.Option("--from", help="The destination's name.")],
               ) -> None:
    """Refuse a waiting pulled case: nothing applied, its data erased."""
    _decide(source, incoming_id, False)


@primero_app.command("log")
def log_cmd(destination: Annotated[str, typer.Option("--destination", help="Its name.")],
            limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
            as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
            wide: Wide = False) -> None:
    """The destination's sync log, newest first: time (UTC), direction, status, HTTP status,
    record, message (cut at 80 columns; --wide prints it whole)."""
    from . import service

    with operator_session() as db:
        try:
            rows = service.log_entries(db, CLI_PRINCIPAL, destination, limit)
        except DomainError as exc:
            fail(exc.english, 1)
    if as_json:
        _json(rows)
        return
    table = ListTable([Col("time"), Col("dir"), Col("status"), Col("http", justify="right"),
                       Col("record", flex=True, min_width=8),
                       Col("message", flex=True, min_width=10)], wide)
    for r in rows:
        table.add_row(table.when(r["time"]), r["direction"], r["status"],
                      str(r["http_status"] or "-"), r["record"] or "-", r["message"] or "-")
    table.print(f"The sync log of {destination} is empty.")
