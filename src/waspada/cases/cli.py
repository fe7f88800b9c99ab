"""``waspada cases ...``: list, comment, export (HTCDS), retention, data-subject export,
organisations.

The CLI acts as the local operator (``CLI_PRINCIPAL``: every unit, every field). Each command
builds the operation's input model (``schemas.py``) from its options and calls one
:mod:`waspada.cases.service` function, which audits (as ``cli``) in the same transaction as the
change. Output is JSON/CSV on stdout for scripts; messages are English.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

cases_app = typer.Typer(help="Victim cases (HTCDS 2.0 based).", no_args_is_help=True)


@cases_app.command("list")
def list_cmd(status: Annotated[str | None, typer.Option(
        help="Workflow state code, e.g. reported or closed (all: `waspada cases workflow`).")
        ] = None,
             overdue: Annotated[bool, typer.Option(help="Overdue cases only.")] = False,
             destination: Annotated[str | None, typer.Option(help="ISO country code.")] = None,
             limit: Annotated[int, typer.Option(min=1, max=10_000,
                                                help="At most this many.")] = 50) -> None:
    """List cases (newest first) as JSON lines: id, reference, status, unit, overdue."""
    from waspada.cases import service
    from waspada.cases.store import CaseFilters
    from waspada.cases.workflow import load_workflow
    from waspada.platform.console import fail, operator_session
    from waspada.platform.security.policy import CLI_PRINCIPAL

    states = load_workflow().states
    if status is not None and status not in states:
        # an unknown state listed nothing and exited 0, as if no case were in it (walk18)
        fail(f"--status must be a workflow state: {', '.join(states)}")
    with operator_session() as session:
        rows, _more = service.list_cases(session, CLI_PRINCIPAL, CaseFilters(
            status=status, overdue=overdue, destination=destination), per_page=limit)
    for row in rows:
        print(json.dumps({"id": row["id"], "reference": row["reference"],
                          "status": row["status"], "unit": row["owner_unit"],
                          "destination": row["destination_country"],
                          "overdue": row["overdue"],
                          "last_update": row["last_update_at"].isoformat()}))


@cases_app.command("comment")
def comment_cmd(case_id: Annotated[int, typer.Argument(min=1, help="The case's id.")],
                body: Annotated[str, typer.Argument(help="The comment (1-5000 characters).")]
                ) -> None:
    """Add a comment to case CASE_ID (as the operator ``cli``)."""
    from pydantic import ValidationError

    from waspada.cases import service
    from waspada.cases.errors import CaseError
    from waspada.cases.schemas import CommentIn
    from waspada.platform.console import fail, operator_session
    from waspada.platform.security.policy import CLI_PRINCIPAL

    try:
        data = CommentIn(body=body)
    except ValidationError:
        fail("the comment must be 1-5000 characters")
    try:
        with operator_session() as session:
            out = service.add_comment(session, CLI_PRINCIPAL, case_id, data)
    except CaseError as exc:
        fail(str(exc), 1 if exc.status == 404 else 2)
    print(json.dumps(out.model_dump()))


@cases_app.command("export")
def export_cmd(format: Annotated[str, typer.Option(
        "--format", help="htcds-csv or htcds-json.")] = "htcds-json",
        ids: Annotated[str, typer.Option(help="Comma-separated case ids (default: all).")] = "",
        deidentify: Annotated[bool, typer.Option(
            help="Remove names, identity numbers and contacts.")] = True,
        output: Annotated[Path | None, typer.Option(
            help="Write to this file (htcds-csv: a zip, one CSV per HTCDS object; "
                 "needed for htcds-csv).")] = None) -> None:
    """Export cases in HTCDS 2.0 field names (HTCDS by IOM, CC BY 4.0) to stdout or a file."""
    from waspada.cases import htcds, service
    from waspada.platform.console import fail, operator_session
    from waspada.platform.security.policy import CLI_PRINCIPAL
    from waspada.platform.types import parse_id

    if format not in ("htcds-csv", "htcds-json"):
        fail("--format must be htcds-csv or htcds-json")
    if format == "htcds-csv" and output is None:
        fail("--format htcds-csv writes a zip of CSV files: give --output FILE.zip")
    parts = [part for part in ids.split(",") if part.strip()]
    id_list = [parse_id(part) for part in parts]
    if any(value is None for value in id_list):
        fail("--ids must be comma-separated case ids (positive whole numbers)")
    with operator_session() as session:
        records, deidentified = service.export(
            session, CLI_PRINCIPAL, [i for i in id_list if i is not None] or None, None,
            format=format, deidentify=deidentify)
    try:
        if format == "htcds-csv" and output is not None:
            output.write_bytes(htcds.to_csv_zip(records))
        elif output is not None:
            output.write_text(htcds.to_json(records, deidentified=deidentified) + "\n",
                              encoding="utf-8")
        else:
            sys.stdout.write(htcds.to_json(records, deidentified=deidentified) + "\n")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    if output is not None:
        typer.echo(f"Exported {len(records)} case(s) to {output}.", err=True)


@cases_app.command("anonymise-expired")
def anonymise_cmd(older_than_days: Annotated[int | None, typer.Option(
        min=0, max=36500, metavar="DAYS",
        help="Closed more than this many days ago (default: the setting "
             "WASPADA_CASES_RETENTION_DAYS, 730 unless set).")
        ] = None) -> None:
    """Anonymise closed cases past the retention period (names, contacts, free text, files)."""
    from waspada.cases import service
    from waspada.platform.console import operator_session
    from waspada.platform.security.policy import CLI_PRINCIPAL

    with operator_session() as session:
        done = service.run_retention(session, CLI_PRINCIPAL, older_than_days)
    typer.echo(f"Anonymised {len(done)} case(s).")


@cases_app.command("subject-export")
def subject_export_cmd(person_id: int) -> None:
    """Everything held about PERSON_ID and the access history of their case (UU 27/2022)."""
    from waspada.cases import service
    from waspada.cases.errors import CaseError
    from waspada.platform.console import fail, operator_session
    from waspada.platform.security.policy import CLI_PRINCIPAL

    try:
        with operator_session() as session:
            data = service.subject_export(session, CLI_PRINCIPAL, person_id)
    except CaseError as exc:
        fail(str(exc), 1)
    print(json.dumps(data, default=str, ensure_ascii=False, indent=1))


@cases_app.command("add-organisation")
def add_org_cmd(code: str, name: str,
                org_type: Annotated[str, typer.Option(help="HTCDS org_Type.")] = "NGO",
                unit: Annotated[str | None, typer.Option(
                    help="Waspada unit acting for it (created if missing).")] = None,
                country: Annotated[str, typer.Option(help="ISO country code.")] = "ID",
                street: Annotated[str | None, typer.Option(
                    help="HTCDS org_ShippingStreet.")] = None,
                city: Annotated[str | None, typer.Option(help="HTCDS org_ShippingCity.")] = None,
                state: Annotated[str | None, typer.Option(help="HTCDS org_ShippingState.")] = None,
                postal_code: Annotated[str | None, typer.Option(
                    help="HTCDS org_ShippingPostalCode.")] = None,
                phone: Annotated[str | None, typer.Option(help="HTCDS org_Phone (E.164).")] = None
                ) -> None:
    """Add an organisation that cases can be referred to."""
    from pydantic import ValidationError

    from waspada.cases import service
    from waspada.cases.errors import CaseError
    from waspada.cases.schemas import OrganisationIn
    from waspada.platform.console import fail, operator_session
    from waspada.platform.security.policy import CLI_PRINCIPAL

    try:
        data = OrganisationIn(code=code, name=name, name_en=name, org_type=org_type,
                              country=country, unit=unit, street=street, city=city,
                              state=state, postal_code=postal_code, phone=phone)
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][0]) for e in exc.errors())
        fail(f"too long or not valid: {fields}")
    try:
        with operator_session() as session:
            service.add_organisation(session, CLI_PRINCIPAL, data)
    except CaseError as exc:
        fail(str(exc))
    typer.echo(f"Added organisation {code.upper()}.")


@cases_app.command("workflow")
def workflow_cmd() -> None:
    """Print the workflow table (states and transitions) as JSON."""
    from waspada.cases.workflow import load_workflow

    wf = load_workflow()
    print(json.dumps({
        "states": {s.code: {"label": s.label, "htcds": s.htcds,
                            "terminal": s.terminal} for s in wf.states.values()},
        "transitions": {t.code: {"from": list(t.sources), "to": t.target,
                                 "roles": sorted(t.roles),
                                 "fields": [f.name for f in t.fields]}
                        for t in wf.transitions.values()}}, indent=1, ensure_ascii=False))
