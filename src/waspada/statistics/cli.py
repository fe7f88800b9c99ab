"""`waspada stats ...` commands: thin wrappers over the statistics core and service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from waspada.platform.files import FileError, decode_text, dumps_json, read_bytes

from .alerts import detect
from .series import read_series

stats_app = typer.Typer(help="Statistics: spike alerts and open data.", no_args_is_help=True,
                        add_completion=False)
_out = Console()
_err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    _err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@stats_app.command("alerts")
def alerts_cmd(
    input: Annotated[Path, typer.Option("--input", help="CSV with columns area,period,count; "
                                        "period as YYYY-MM, YYYY-Qn or YYYY-Www.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run the spike detector on count series and print the alerts."""
    try:
        series = read_series(decode_text(read_bytes(input)))
    except FileError as exc:
        raise _fail(f"{input}: {exc}") from None
    alerts = detect(series)
    if as_json:
        print(dumps_json({"alerts": [a.to_dict() for a in alerts]}, ensure_ascii=False))
        return
    if not alerts:
        _out.print(f"No alerts ({len(series)} series checked).")
        return
    table = Table(title=f"{len(alerts)} alert(s) in {len(series)} series")
    for col in ("area", "period", "observed", "expected", "ratio", "p-value"):
        table.add_column(col, justify="left" if col in ("area", "period") else "right")
    for a in alerts:
        table.add_row(a.area, a.period, str(a.observed), f"{a.expected:.1f}",
                      "-" if a.ratio is None else f"{a.ratio:.2f}", f"{a.p_value:.2g}")
    _out.print(table)


@stats_app.command("publish")
def publish_cmd(
    output: Annotated[Path, typer.Option("--output", help="Existing folder for the CSV files "
                                         "and datapackage.json.")],
    k: Annotated[int, typer.Option("--k", help="Smallest count published (cells 1..k-1 are "
                                   "suppressed).", min=2, max=1000)] = 11,
) -> None:
    """Write open data with small-cell and complementary suppression."""
    from waspada.platform.console import require_schema as _require_schema
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL

    from .service import publish

    _require_schema()
    try:
        with session_scope() as db:
            result = publish(db, CLI_PRINCIPAL, output, k)
    except FileError as exc:
        raise _fail(str(exc)) from None
    _out.print(f"Wrote {len(result.files)} file(s) to {output}: {result.cells} cells, "
               f"{result.suppressed} suppressed (k = {k}).", highlight=False)


@stats_app.command("refresh")
def refresh_cmd(
    full: Annotated[bool, typer.Option("--full", help="Recompute every period, not only "
                                       "those changed since the last refresh.")] = False,
) -> None:
    """Bring the pre-aggregated statistics tables up to date (run from cron every minute;
    the pages also refresh when the last refresh is older than 90 seconds)."""
    from waspada.platform.console import require_schema as _require_schema
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL

    from .service import refresh

    _require_schema()
    with session_scope() as db:
        result = refresh(db, CLI_PRINCIPAL, full=full)
    done = ", ".join(f"{source} {n}" for source, n in result.periods.items())
    _out.print(f"Refreshed in {result.seconds:.2f} s; periods recomputed: {done}.",
               highlight=False)
