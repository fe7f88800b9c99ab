"""`waspada network lookup|rebuild|suggest|review|undo|export`: thin wrappers over the service
(the local operator sees every link, like every command)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from waspada.platform.console import fail, operator_session, out
from waspada.platform.domain import DomainError
from waspada.platform.files import dumps_json
from waspada.platform.security.policy import CLI_PRINCIPAL

#: the states a merge suggestion can be in (``network suggestions --status``)
SUGGESTION_STATUSES = ("open", "confirmed", "rejected", "unsure")

network_app = typer.Typer(help="Network intelligence: shared numbers, accounts and agencies.",
                          no_args_is_help=True, add_completion=False)

Depth = Annotated[int, typer.Option("--depth", min=0, max=3,
                                    help="Neighbours up to this many hops (0-3).")]


def _json(obj: Any) -> None:
    print(dumps_json(obj, ensure_ascii=False, default=str))


@network_app.command("lookup")
def lookup_cmd(value: Annotated[str, typer.Argument(help="A phone (any format), @handle, "
                                                    "e-mail, domain, bank account or agency.")],
               depth: Depth = 1,
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
               max_entities: Annotated[int, typer.Option(
                   min=1, max=300, help="At most this many entities.")] = 100,
               max_links: Annotated[int, typer.Option(
                   min=1, max=2000, help="At most this many links, newest first.")] = 500,
               ) -> None:
    """The entity, its neighbours, every link with its evidence, and its timeline."""
    from . import service
    from .graph import Bounds

    if not value.strip():
        fail("give a value to look up (a phone, @handle, e-mail, domain, account or agency)")
    with operator_session() as db:
        try:
            found = service.lookup(db, CLI_PRINCIPAL, value, depth,
                                   bounds=Bounds(max_entities, max_links))
        except DomainError as exc:
            fail(exc.english, 1)
    if as_json:
        _json(found)
        return
    e = found["entity"]
    out.print(f"[bold]{e['kind']}[/] {e['label']} (#{e['id']})"
              + (f", merged: {e['merged']}" if e["merged"] else ""), highlight=False)
    table = Table(title=f"Appearances ({len(found['timeline'])})")
    for col in ("date", "source", "role", "as written"):
        table.add_column(col)
    for a in found["timeline"]:
        table.add_row(a["seen_at"].date().isoformat(), f"{a['source_type']} {a['source_id']}",
                      a["role"], a["raw"])
    out.print(table)
    if found["neighbours"]:
        nb = Table(title=f"Neighbours to depth {depth}")
        for col in ("id", "kind", "value", "depth"):
            nb.add_column(col)
        for n in found["neighbours"]:
            nb.add_row(str(n["id"]), n["kind"], n["label"] + (" (hub)" if n["hub"] else ""),
                       str(n["depth"]))
        out.print(nb)
    for c in found["communities"]:
        out.print(f"Community {c['id']}: {c['reason']}", highlight=False)
    for b in found["brokers"]:
        out.print(f"Broker #{b['entity_id']}: {b['reason']}", highlight=False)


@network_app.command("rebuild")
def rebuild_cmd() -> None:
    """Re-read every offer report, screening, case and watchlist entry and relink them."""
    from . import service

    with operator_session() as db:
        counts = service.rebuild(db, CLI_PRINCIPAL)
        totals = service.stats(db)
    out.print("Links written: " + ", ".join(f"{k} {v}" for k, v in counts.items())
              + f"; {totals['entities']} entities, {totals['links']} links in all.",
              highlight=False)


@network_app.command("suggest")
def suggest_cmd() -> None:
    """Suggest merges: one number in two formats, handle and phone in one post, agencies."""
    from . import service

    with operator_session() as db:
        added = service.suggest_merges(db, CLI_PRINCIPAL)
    out.print(f"{added} new suggestion(s).")


@network_app.command("suggestions")
def suggestions_cmd(status: Annotated[str, typer.Option(help="open, confirmed, rejected or "
                                                        "unsure.")] = "open",
                    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
                    ) -> None:
    """List suggested merges."""
    from . import service

    if status not in SUGGESTION_STATUSES:
        fail(f"--status must be one of {', '.join(SUGGESTION_STATUSES)}")
    with operator_session() as db:
        rows = service.suggestions(db, CLI_PRINCIPAL, status)
    if as_json:
        _json(rows)
        return
    if not rows:
        out.print(f"No {status} suggestions.")
    for r in rows:
        out.print(f"#{r['id']} {r['a']['label']} <-> {r['b']['label']}: {r['reason']}",
                  highlight=False)


@network_app.command("review")
def review_cmd(suggestion_id: int,
               decision: Annotated[str, typer.Argument(help="confirm, reject or unsure")]
               ) -> None:
    """Decide a suggested merge."""
    from . import service

    with operator_session() as db:
        try:
            result = service.decide(db, CLI_PRINCIPAL, suggestion_id, decision)
        except DomainError as exc:
            fail(exc.english, 1)
    out.print(f"Suggestion #{result['id']}: {result['status']}.")


@network_app.command("undo")
def undo_cmd(suggestion_id: int) -> None:
    """Undo a confirmed merge."""
    from . import service

    with operator_session() as db:
        try:
            result = service.undo_merge(db, CLI_PRINCIPAL, suggestion_id)
        except DomainError as exc:
            fail(exc.english, 1)
    out.print(f"Suggestion #{result['id']}: merge undone.")


@network_app.command("export")
def export_cmd(fmt: Annotated[str, typer.Option("--format", help="ftm or csv")],
               output: Annotated[Path, typer.Option("--output", help="File to write.")],
               seed: Annotated[str | None, typer.Option("--seed", help="Export only around "
                                                        "this value.")] = None,
               depth: Depth = 1) -> None:
    """Export the graph (or the sub-graph around --seed) as FollowTheMoney or a CSV edge list."""
    from . import service

    if seed is not None and not seed.strip():
        # an empty --seed (an unset shell variable) exported the whole graph (walk18)
        fail("--seed is empty: give the value to export around, or leave --seed out for the "
             "whole graph")
    with operator_session() as db:
        try:
            result = service.export(db, CLI_PRINCIPAL, fmt, output, seed, depth)
        except DomainError as exc:
            fail(exc.english, 1)
    out.print(f"Wrote {result['records']} record(s) to {output}: {result['entities']} "
              f"entities, {result['links']} links"
              + (" (truncated)" if result["truncated"] else "") + ".", highlight=False)
