"""`waspada offers ...` commands (the lead mounts ``offers_app`` on the root CLI)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from waspada.offers import bulk
from waspada.offers.analyse import analyse
from waspada.offers.bulk import scan_record
from waspada.platform.console import err, fail
from waspada.platform.files import (
    FileError,
    check_output_path,
    dumps_json,
    read_bytes,
    write_lines_atomic,
)

__all__ = ["offers_app", "scan_record"]

offers_app = typer.Typer(help="Analyse job offers for trafficking / scam-compound risk.",
                         no_args_is_help=True, add_completion=False)

JSONL_EXT = {".jsonl", ".ndjson", ".json"}
AUTO_PARALLEL_MIN = 2000
"""With --workers 0, files with at least this many records are scanned in parallel."""
CSV_EXT = {".csv"}


def _analyse_one(item: tuple[Any, str]) -> str:
    """One output line (serialised in the worker, so the parent stays light)."""
    rec_id, text = item
    return dumps_json(scan_record(rec_id, analyse(text)), ensure_ascii=False,
                      sort_keys=True) + "\n"


@offers_app.command()
def check(
    text: Annotated[str, typer.Argument(help="Offer text, or '-' to read stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lang: Annotated[str, typer.Option(help="Language of titles/advice: id or en.")] = "en",
) -> None:
    """Analyse one offer text."""
    if text == "-":
        raw = sys.stdin.buffer.read()
        text = raw.decode("utf-8", errors="replace")
    if lang not in ("id", "en"):
        fail("--lang must be 'id' or 'en'")
    if not text.strip():
        # as the web form and the API: nothing to analyse is not "low risk"
        fail("the offer text is empty: give the text, or '-' to read it from stdin")
    a = analyse(text)
    if as_json:
        sys.stdout.write(json.dumps(a.to_dict(lang), ensure_ascii=False, sort_keys=True) + "\n")
        return
    d = a.to_dict(lang)
    out = Console()
    colour = {"low": "green", "medium": "yellow", "high": "red"}[a.level]
    out.print(f"[bold {colour}]{d['level_label']}[/] risk, score {a.score:.2f} "
              f"(language: {a.language})")
    if a.model_probability is not None:
        out.print(f"statistical model: {a.model_probability:.2f} ({d['model']['note']})")
    if a.model_raised:
        out.print(f"model raised the level to {a.model_raised_to}: {d['model']['raised_note']}")
    if a.genre_capped:
        out.print(f"genre model kept the level below high: {d['genre']['note']}")
    words = "; ".join(repr(e.text) for evs in a.class_evidence.values() for e in evs)
    words = f"  <- {escape(words)}" if words else ""
    if a.offer_abroad:
        out.print(" - [bold]OFFER_ABROAD[/]: a job offer abroad, with: "
                  + ", ".join(s.replace("_", " ") for s in a.offer_abroad) + words)
    if a.offer_told:
        out.print(" - [bold]OFFER_TOLD[/]: a job offer told as made to someone (no place "
                  "named), with: " + ", ".join(s.replace("_", " ") for s in a.offer_told)
                  + words)
    for ind in d["indicators"]:
        ev = "; ".join(repr(e["text"]) for e in ind["evidence"][:3])
        out.print(f" - [bold]{ind['code']}[/]: {ind['title']}"
                  + (f"  <- {escape(ev)}" if ev else ""))
        out.print(f"   {ind['advice']}")
    if a.truncated:
        out.print(f"[yellow]note:[/] {d['notes'][0]}")


@offers_app.command()
def scan(
    input: Annotated[Path, typer.Argument(help="JSON Lines (.jsonl/.ndjson/.json) or CSV file.")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write JSON Lines here (atomic).")] = None,
    text_field: Annotated[str, typer.Option(help="Field holding the offer text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Field holding the record id.")] = "id",
    workers: Annotated[int, typer.Option(
        help="Worker processes; 0 = automatic (all cores, up to 4, for large files).")] = 0,
    skip_bad: Annotated[bool, typer.Option(
        "--skip-bad", help="Scan the good records even if some are bad: every bad record is "
                           "reported with its line on stderr and the exit code is 0.")] = False,
) -> None:
    """Analyse every record of a file; one JSON object per record.

    A bad record (invalid JSON, nesting deeper than 64, NaN/Infinity, invalid UTF-8, no text)
    stops the command before any analysis: every bad line is listed on stderr, nothing is
    written and the exit code is 2, unless --skip-bad is given. Problems with the file as a
    whole (bad CSV quoting, missing text column, bad --output path) always exit 2.
    """
    ext = input.suffix.lower()
    if input.is_dir():
        fail(f"{input} is a folder: give a .jsonl or .csv file")
    if ext not in JSONL_EXT | CSV_EXT:
        fail(f"unsupported input type '{ext or input.name}' (use .jsonl or .csv)")
    if not input.is_file():
        fail(f"input file not found: {input}")
    if output is not None:
        try:
            check_output_path(output)
        except FileError as e:
            fail(str(e))
    bad: list[bulk.BadRecord] = []
    good: list[tuple[Any, str]] = []
    summary = bulk.ReadSummary()
    try:
        data = read_bytes(input)
        for item in bulk.read_records(data, bulk.kind_for(input.name), text_field, id_field,
                                      summary=summary):
            if isinstance(item, bulk.BadRecord):
                bad.append(item)
            else:
                good.append((item.record_id, item.text))
    except FileError as e:
        fail(f"{input}: {e}")
    for item in bad:
        label = "skipped" if skip_bad else "bad record on"
        err.print(f"[yellow]{label} line {item.line}:[/yellow] {item.reason}", highlight=False)
    if bad and not skip_bad:
        fail(f"{len(bad)} bad record(s) in {input}; nothing written "
                     "(fix them, or use --skip-bad to scan the good records)")
    if summary.multiline:
        spans = ", ".join(f"{a}-{b}" for a, b in summary.multiline[:10])
        more = "" if len(summary.multiline) <= 10 else f" and {len(summary.multiline) - 10} more"
        err.print(f"note: {len(summary.multiline)} record(s) hold line breaks inside a quoted "
                   f"field (lines {spans}{more})", highlight=False)

    n_workers = workers if workers > 0 else (min(os.cpu_count() or 1, 4)
                                             if len(good) >= AUTO_PARALLEL_MIN else 1)

    def results() -> Iterator[str]:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        pool = None
        if n_workers > 1 and len(good) > 50:
            import multiprocessing as mp

            # Start the workers before the progress bar's refresh thread exists.
            ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
            pool = ctx.Pool(n_workers)
        try:
            with Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(),
                          console=err, transient=True) as prog:
                task = prog.add_task("scan", total=len(good))
                it = (pool.imap(_analyse_one, good, chunksize=32) if pool is not None
                      else map(_analyse_one, good))
                for line in it:
                    prog.advance(task)
                    yield line
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()

    try:
        if output is None:
            for line in results():
                sys.stdout.write(line)
            sys.stdout.flush()
        else:
            write_lines_atomic(output, results())
    except FileError as e:
        fail(str(e))
    except BrokenPipeError:
        raise  # stdout's reader went away: click stops quietly (exit 1, no message)
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror}")
    err.print(f"{len(good)} records analysed, {len(bad)} skipped")


@offers_app.command()
def train(
    data: Annotated[Path, typer.Option(help="Folder holding corpus.csv.")] = Path("data/offers"),
    output: Annotated[Path | None, typer.Option(help="Model file (default: packaged).")] = None,
) -> None:
    """Rebuild the statistical model from the labelled corpus; print held-out metrics."""
    from waspada.offers.model import train as _train

    if not (data / "corpus.csv").is_file():
        fail(f"{data / 'corpus.csv'} not found")
    try:
        if output is not None:
            check_output_path(output)
        metrics = _train(data, output)
    except FileError as e:
        fail(str(e))
    sys.stdout.write(dumps_json(metrics, indent=2, sort_keys=True) + "\n")


@offers_app.command("import-agencies")
def import_agencies(
    file: Annotated[Path, typer.Argument(help="CSV with a 'name' column; optional license_no, "
                                              "address, status (active|revoked|suspended).")],
    source: Annotated[str, typer.Option(help="Where the registry comes from.")] = "",
) -> None:
    """Load the licensed placement-agency (P3MI) registry into the database (all or nothing)."""
    from waspada.offers import service
    from waspada.platform.console import operator_session
    from waspada.platform.domain import DomainError
    from waspada.platform.security.policy import CLI_PRINCIPAL

    try:
        data = read_bytes(file)
        with operator_session() as session:
            result = service.import_agencies(session, CLI_PRINCIPAL, data, source or file.name)
    except FileError as e:  # AgencyImportError names the line
        fail(str(e) if str(file) in str(e) else f"{file.name}: {e}")
    except DomainError as e:
        fail(str(e))
    Console().print(f"{result.rows} agencies: {result.added} added, {result.updated} updated")


@offers_app.command()
def verdicts(
    since: Annotated[str | None, typer.Option(
        help="Only reports received on or after this date (YYYY-MM-DD, Asia/Jakarta); "
             "e.g. the day the running engine was installed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Officers' decisions on the public's reports against the engine's level (counts only)."""
    from waspada.offers import service
    from waspada.platform.console import since_tally
    from waspada.platform.tallies import Share

    result = since_tally(service.report_verdicts, since)
    if as_json:
        sys.stdout.write(dumps_json(result.to_dict(), sort_keys=True) + "\n")
        return
    from rich.table import Table

    from waspada.offers.verdicts import STATUSES as statuses

    table = Table(title="Reports by the engine's level and the officers' status")
    for column in ("level", *statuses, "total"):
        table.add_column(column, justify="left" if column == "level" else "right")
    for level, row in result.counts.items():
        table.add_row(level, *(str(row.get(s, 0)) for s in statuses), str(result.count(level)))
    out = Console()
    out.print(table)

    def share(label: str, s: Share) -> None:
        if s.interval is None or s.value is None:
            out.print(f"{label}: - (none decided)")
        else:
            lo, hi = s.interval
            out.print(f"{label}: {s.count} / {s.total} = {s.value:.0%} "
                      f"(95% interval {lo:.0%}-{hi:.0%})")

    share("reports at high that officers referred (of those decided)", result.high_referred)
    share("referred reports the engine had put at high", result.referred_high)
    share("dismissed reports the engine had put at high (false alarms)", result.dismissed_high)
