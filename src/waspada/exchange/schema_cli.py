"""``waspada exchange schema``: write the JSON Schema of HTCDS 2.0 records (with Waspada's
extension) to a file or stdout.

The exchange capability mounts :data:`app` as ``waspada exchange``; a capability with its own
``exchange`` Typer app adds the command with ``register(its_app)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Exchange with partner agencies: the HTCDS 2.0 JSON Schema.",
                  no_args_is_help=True)


def schema_cmd(
        output: Annotated[Path | None, typer.Option(
            "--output", help="Write the schema to this file (default: stdout).")] = None,
        record: Annotated[bool, typer.Option(
            "--record", help="The schema of one case record instead of an export "
                             "document.")] = False) -> None:
    """Write the JSON Schema (draft 2020-12) of HTCDS 2.0 with Waspada's extension."""
    from waspada.exchange import schema
    from waspada.platform.console import fail

    text = json.dumps(schema.record_schema() if record else schema.document_schema(),
                      ensure_ascii=False, indent=1) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    typer.echo(f"Wrote the HTCDS {schema.SCHEMA_VERSION} schema ({schema.SCHEMA_ID}) to "
               f"{output}.")


def register(target: typer.Typer) -> None:
    target.command("schema")(schema_cmd)


register(app)
