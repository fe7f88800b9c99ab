"""``waspada cases ...``: list, export (HTCDS), retention, data-subject export, organisations.

The CLI acts as the local operator (``CLI_PRINCIPAL``: every unit, every field) and audits as
``cli``. Output is JSON/CSV on stdout for scripts; messages are English.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

cases_app = typer.Typer(help="Victim cases (HTCDS 2.0 based).", no_args_is_help=True)


def _schema() -> None:
    from waspada.platform.console import require_schema as _require_schema

    _require_schema()


@cases_app.command("list")
def list_cmd(status: Annotated[str | None, typer.Option(help="Workflow state code.")] = None,
             overdue: Annotated[bool, typer.Option(help="Overdue cases only.")] = False,
             destination: Annotated[str | None, typer.Option(help="ISO country code.")] = None,
             limit: Annotated[int, typer.Option(help="At most this many.")] = 50) -> None:
    """List cases (newest first) as JSON lines: id, reference, status, unit, overdue."""
    from waspada.cases import store
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL

    _schema()
    with session_scope() as session:
        rows, _more = store.list_cases(session, CLI_PRINCIPAL, store.CaseFilters(
            status=status, overdue=overdue, destination=destination), per_page=max(1, limit))
    audit.record("case.list", CLI_PRINCIPAL, object_type="case", count=len(rows))
    for row in rows:
        print(json.dumps({"id": row["id"], "reference": row["reference"],
                          "status": row["status"], "unit": row["owner_unit"],
                          "destination": row["destination_country"],
                          "overdue": row["overdue"],
                          "last_update": row["last_update_at"].isoformat()}))


@cases_app.command("export")
def export_cmd(format: Annotated[str, typer.Option(
        "--format", help="htcds-csv or htcds-json.")] = "htcds-json",
        ids: Annotated[str, typer.Option(help="Comma-separated case ids (default: all).")] = "",
        deidentify: Annotated[bool, typer.Option(
            help="Remove names, identity numbers and contacts.")] = True) -> None:
    """Export cases in HTCDS 2.0 field names (HTCDS by IOM, CC BY 4.0) to stdout."""
    from waspada.cases import htcds, store
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL

    if format not in ("htcds-csv", "htcds-json"):
        typer.echo("Error: --format must be htcds-csv or htcds-json", err=True)
        raise typer.Exit(2)
    _schema()
    id_list = [int(x) for x in ids.split(",") if x.strip().isdigit()]
    with session_scope() as session:
        if deidentify:
            records = _deidentified(session, id_list)
        else:
            records = store.export_records(session, CLI_PRINCIPAL, id_list or None)
    audit.record("case.export", CLI_PRINCIPAL, object_type="case", count=len(records),
                 format=format, deidentified=deidentify)
    if format == "htcds-csv":
        sys.stdout.write(htcds.to_csv(records))
    else:
        sys.stdout.write(htcds.to_json(records, deidentified=deidentify) + "\n")


def _deidentified(session, ids):  # type: ignore[no-untyped-def]
    """Every case shaped as for an analyst: case fields only (no names, contacts, free text)."""
    from sqlalchemy import select

    from waspada.cases import htcds, store, visibility
    from waspada.cases.models import Case

    stmt = select(Case).order_by(Case.id)
    if ids:
        stmt = stmt.where(Case.id.in_(ids))
    return [htcds.case_to_htcds(visibility.redact_case(store.case_dict(session, c),
                                                       frozenset({visibility.CASE})))
            for c in session.scalars(stmt.limit(100_000))]


@cases_app.command("anonymise-expired")
def anonymise_cmd(older_than_days: Annotated[int | None, typer.Option(
        help="Closed more than this many days ago (default WASPADA_CASES_RETENTION_DAYS).")
        ] = None) -> None:
    """Anonymise closed cases past the retention period (names, contacts, free text, files)."""
    from waspada.cases import store
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL

    _schema()
    with session_scope() as session:
        done = store.anonymise_expired(session, older_than_days)
        audit.record("case.anonymise", CLI_PRINCIPAL, object_type="case", count=len(done),
                     session=session)
    typer.echo(f"Anonymised {len(done)} case(s).")


@cases_app.command("subject-export")
def subject_export_cmd(person_id: int) -> None:
    """Everything held about PERSON_ID and the access history of their case (UU 27/2022)."""
    from waspada.cases import store
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL

    _schema()
    try:
        with session_scope() as session:
            data = store.subject_export(session, person_id)
    except store.CaseError as exc:
        typer.echo(f"Error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    audit.record("case.subject_export", CLI_PRINCIPAL, object_type="case_person",
                 object_id=person_id)
    print(json.dumps(data, default=str, ensure_ascii=False, indent=1))


@cases_app.command("add-organisation")
def add_org_cmd(code: str, name: str,
                org_type: Annotated[str, typer.Option(help="HTCDS org_Type.")] = "NGO",
                unit: Annotated[str | None, typer.Option(
                    help="Waspada unit acting for it (created if missing).")] = None,
                country: Annotated[str, typer.Option(help="ISO country code.")] = "ID") -> None:
    """Add an organisation that cases can be referred to."""
    from waspada.cases import store
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL

    _schema()
    try:
        with session_scope() as session:
            store.sync_organisations(session)
            org = store.add_organisation(session, code, name, name, org_type, country, unit)
            audit.record("case_org.create", CLI_PRINCIPAL, object_type="case_organisation",
                         object_id=org.id, session=session)
    except store.CaseError as exc:
        typer.echo(f"Error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Added organisation {code.upper()}.")


@cases_app.command("workflow")
def workflow_cmd() -> None:
    """Print the workflow table (states and transitions) as JSON."""
    from waspada.cases.workflow import load_workflow

    wf = load_workflow()
    print(json.dumps({
        "states": {s.code: {"id": s.label_id, "en": s.label_en, "htcds": s.htcds,
                            "terminal": s.terminal} for s in wf.states.values()},
        "transitions": {t.code: {"from": list(t.sources), "to": t.target,
                                 "roles": sorted(t.roles),
                                 "fields": [f.name for f in t.fields]}
                        for t in wf.transitions.values()}}, indent=1, ensure_ascii=False))
