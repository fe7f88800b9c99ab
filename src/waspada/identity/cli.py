"""Typer apps for identity checks (mounted by the root CLI).

``document_app``: ``mrz``, ``read`` (photo or scan), ``nik``, ``check``;
``name_app``: ``normalize``.
Exit codes: 0 valid, 1 invalid (critical finding), 2 usage or I/O error.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from waspada.identity.consistency import check_traveller
from waspada.identity.findings import Finding
from waspada.identity.mrz import parse_mrz
from waspada.identity.names import parse_name
from waspada.identity.nik import parse_nik
from waspada.platform.files import FileError, load_json_file

document_app = typer.Typer(
    help="Check travel documents: MRZ, NIK and whole traveller records.",
    no_args_is_help=True,
    add_completion=False,
)
name_app = typer.Typer(
    help="Indonesian person names: titles, patronyms, canonical and phonetic keys.",
    no_args_is_help=True,
    add_completion=False,
)

MAX_TRAVELLER_BYTES = 1024 * 1024
"""A traveller's facts file is small; anything larger is refused before parsing."""

_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print stable JSON.")]
RefOpt = Annotated[
    str | None,
    typer.Option("--reference-date", help="Date used as 'today' (YYYY-MM-DD)."),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


def _ref(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"invalid --reference-date '{value}' (expected YYYY-MM-DD)") from None


def _emit_json(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_findings(console: Console, findings: list[Finding]) -> None:
    if not findings:
        console.print("[green]No findings.[/]")
        return
    table = Table("Severity", "Code", "Message", title="Findings")
    for f in findings:
        style = _STYLE.get(f.severity, "")
        table.add_row(f"[{style}]{f.severity}[/]", f.code, f.message_en)
    console.print(table)


def _verdict(console: Console, valid: bool) -> None:
    console.print("[bold green]VALID[/]" if valid else "[bold red]INVALID[/]")


def _kv_table(title: str, data: dict[str, Any]) -> Table:
    table = Table("Field", "Value", title=title)
    for k, v in data.items():
        table.add_row(k, "" if v is None else str(v))
    return table


@document_app.command("mrz")
def mrz_cmd(
    lines: Annotated[list[str], typer.Argument(help="MRZ lines (2 or 3).")],
    as_json: JsonOpt = False,
    ocr_tolerant: Annotated[
        bool, typer.Option("--ocr-tolerant", help="Fix common OCR confusions.")
    ] = False,
    reference_date: RefOpt = None,
) -> None:
    """Parse and validate a machine readable zone."""
    res = parse_mrz(lines, reference_date=_ref(reference_date), ocr_tolerant=ocr_tolerant)
    if as_json:
        _emit_json(res.to_dict())
    else:
        console = Console()
        _verdict(console, res.valid)
        console.print(f"Document type: {res.document_type or '-'}")
        console.print(_kv_table("MRZ fields", res.fields))
        _print_findings(console, res.findings)
    raise typer.Exit(0 if res.valid else 1)


@document_app.command("read")
def read_cmd(
    image: Annotated[Path, typer.Argument(help="Photo or scan of the data page: JPEG, PNG, "
                                               "TIFF or PDF (first page), at most 10 MB.")],
    as_json: JsonOpt = False,
    crop: Annotated[Path | None, typer.Option(
        "--crop", help="Write the PNG crop of the MRZ band to this file.")] = None,
    reference_date: RefOpt = None,
) -> None:
    """Read the MRZ from a photo or scan (OCR), then check it like `document mrz`.

    Exit code 1 also when no MRZ is found in the image.
    """
    from waspada.identity.imaging import MAX_IMAGE_BYTES, ImageError
    from waspada.identity.reading import read_document

    ref = _ref(reference_date)
    try:
        if image.stat().st_size > MAX_IMAGE_BYTES:
            raise _fail(f"{image}: the file is too large: at most "
                        f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB")
        data = image.read_bytes()
    except OSError as exc:
        raise _fail(f"{image}: {exc.strerror or 'cannot be read'}") from None
    try:
        read = read_document(data, reference_date=ref)
    except ImageError as exc:
        typer.echo(f"Error: {image}: {exc}", err=True)
        raise typer.Exit(1 if exc.code == "image.no_mrz" else 2) from None
    if crop is not None:
        try:
            crop.write_bytes(read.crop_png)
        except OSError as exc:
            raise _fail(f"{crop}: {exc.strerror or 'cannot be written'}") from None
    if as_json:
        _emit_json(read.to_dict(crop=False))
    else:
        console = Console()
        _verdict(console, read.valid)
        console.print(f"Document type: {read.result.document_type or '-'}")
        ocr = Table("MRZ line (as read)", "Confidence", title="OCR")
        for line in read.lines:
            ocr.add_row(line.text, f"{line.score:.3f}")
        console.print(ocr)
        console.print(_kv_table("MRZ fields", read.result.fields))
        _print_findings(console, read.result.findings)
        console.print("Compare the name with the document (names have no check digit)"
                      + (f"; MRZ crop written to {crop}." if crop else "."))
    raise typer.Exit(0 if read.valid else 1)


@document_app.command("nik")
def nik_cmd(
    nik: Annotated[str, typer.Argument(help="16-digit NIK.")],
    as_json: JsonOpt = False,
    reference_date: RefOpt = None,
) -> None:
    """Parse and validate a NIK (Nomor Induk Kependudukan)."""
    res = parse_nik(nik, reference_date=_ref(reference_date))
    data = res.to_dict()
    if as_json:
        _emit_json(data)
    else:
        console = Console()
        _verdict(console, res.valid)
        console.print(_kv_table("NIK", {k: v for k, v in data.items() if k != "findings"}))
        _print_findings(console, res.findings)
    raise typer.Exit(0 if res.valid else 1)


@document_app.command("check")
def check_cmd(
    file: Annotated[Path, typer.Argument(help="JSON file with the traveller's known facts.")],
    as_json: JsonOpt = False,
    reference_date: RefOpt = None,
) -> None:
    """Cross-check NIK, MRZ and data-page fields of one traveller."""
    ref = _ref(reference_date)
    try:
        data = load_json_file(file, max_bytes=MAX_TRAVELLER_BYTES)
    except FileError as exc:
        raise _fail(f"{file}: {exc}") from None
    if not isinstance(data, dict):
        raise _fail(f"{file} must contain a JSON object")
    res = check_traveller(data, reference_date=ref)
    if as_json:
        _emit_json(res.to_dict())
    else:
        console = Console()
        _verdict(console, res.valid)
        _print_findings(console, res.findings)
    raise typer.Exit(0 if res.valid else 1)


@name_app.callback()
def _name_root() -> None:
    """Indonesian person names."""


@name_app.command("normalize")
def normalize_cmd(
    name: Annotated[str, typer.Argument(help="A person name, e.g. 'H. Moch. Rizki, S.Kom.'")],
    as_json: JsonOpt = False,
) -> None:
    """Show titles, patronym, canonical tokens and phonetic keys of a name."""
    data = parse_name(name).to_dict()
    if as_json:
        _emit_json(data)
    else:
        Console().print(_kv_table("Name", data))
