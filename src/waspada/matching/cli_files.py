"""File handling shared by the matching commands (``identity dedupe|link|verdicts`` in
``matching.cli``, ``watchlist ...`` in ``matching.watchlist_cli``): reading person CSVs strictly
or tolerantly (with a rejects file), checking output paths before any work, keeping inputs and
outputs apart, writing outputs atomically, and progress on stderr. Every problem is one English
line through ``console.fail`` (exit code 2)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.markup import escape

from waspada.matching.records import (
    PersonRecord,
    RecordError,
    Rejection,
    read_records,
    summarise_rejects,
    write_rejects,
)
from waspada.platform.console import err, fail
from waspada.platform.files import FileError, check_output_path, write_csv_atomic

__all__ = ["REJECTS_HELP", "Progress", "TolerantReader", "check_output", "keep_apart", "located",
           "read_strict", "same_file", "write_output"]


def located(what: str, path: Path, exc: Exception) -> str:
    """The error with the file it is about, named once ("input a.csv: line 3: ...")."""
    message = str(exc)
    return message if str(path) in message else f"{what} {path}: {message}"


def read_strict(path: Path, what: str) -> list[PersonRecord]:
    """Read strictly: the first problem stops the command."""
    try:
        return read_records(path)
    except RecordError as exc:
        fail(located(what, path, exc))


class TolerantReader:
    """Reads inputs tolerantly and reports what was read as missing or skipped."""

    def __init__(self, rejects_path: Path | None) -> None:
        self.path = rejects_path
        self.rejects: list[tuple[str, Rejection]] = []

    def read(self, path: Path, what: str) -> list[PersonRecord]:
        found: list[Rejection] = []
        try:
            records = read_records(path, rejects=found)
        except RecordError as exc:
            fail(located(what, path, exc))
        if found:
            err.print(f"{what} {path}: {summarise_rejects(found)}", highlight=False,
                      markup=False, soft_wrap=True)
        self.rejects.extend((str(path), r) for r in found)
        return records

    def finish(self) -> None:
        """Write the rejects file (always, when asked: an empty file says nothing was wrong)."""
        if self.path is None:
            if self.rejects:
                err.print("details: run again with --rejects FILE", highlight=False)
            return
        try:
            n = write_rejects(self.path, self.rejects)
        except FileError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write {self.path}: {exc.strerror}")
        err.print(f"wrote {n:,} rejected values to {self.path}", highlight=False, markup=False,
                  soft_wrap=True)


REJECTS_HELP = "Writes every bad value read as missing and every skipped record (CSV)."


class Progress:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()

    def __call__(self, msg: str) -> None:
        err.print(f"[dim]{time.perf_counter() - self.t0:7.1f}s[/] {escape(msg)}", highlight=False,
                  soft_wrap=True)


def check_output(path: Path) -> None:
    try:
        check_output_path(path)
    except FileError as exc:
        fail(str(exc))


def same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def keep_apart(inputs: dict[str, Path], outputs: dict[str, Path | None]) -> None:
    """No file written may be an input or another file written, checked before any work:
    ``identity dedupe reg.csv -o reg.csv`` (or ``--rejects reg.csv``, ``--review-output``)
    replaced the registry with its own result (walk21)."""
    written = [(option, path) for option, path in outputs.items() if path is not None]
    for option, path in written:
        for what, source in inputs.items():
            if same_file(path, source):
                fail(f"{option} {path} is the {what} file: give another file name (it would "
                     "be overwritten)")
    for i, (option, path) in enumerate(written):
        for other, other_path in written[i + 1:]:
            if same_file(path, other_path):
                fail(f"{option} and {other} are the same file {path}: give each its own")


def write_output(path: Path, header: list[str], rows: Iterable[Sequence[object]]) -> int:
    try:
        return write_csv_atomic(path, header, rows)
    except FileError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")
