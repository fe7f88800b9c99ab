"""Files in and out: strict CSV reading, bounded JSON loading, safe output paths and writers.

Every command and upload that reads a CSV or JSON file, or writes a result file, goes through
this module so that the same defects cannot come back in one place only:

* :func:`iter_csv` / :func:`read_csv` compare physical line numbers with the parsed rows, so an
  unterminated quote or a field that swallows a line break is an error naming the line (or,
  where a line break inside a field is legitimate, is reported in the summary);
* :func:`loads_json` limits nesting depth without recursion and refuses ``NaN``/``Infinity``;
* :func:`check_output_path` runs before any long work; :func:`atomic_writer` replaces only
  regular files; :func:`dumps_json` never writes non-finite numbers; :func:`write_csv_atomic`
  neutralises spreadsheet formulas in every cell.

Errors are :class:`FileError` (English ``str`` for the CLI/API, :func:`page_message` for the
Indonesian pages).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from waspada.platform.exports import csv_safe, csv_writer
from waspada.platform.i18n import N_
from waspada.platform.i18n import gettext as _

__all__ = [
    "MAX_FIELD_CHARS", "MAX_FILE_BYTES", "MAX_JSON_DEPTH", "CsvRow", "CsvTable", "FileError",
    "atomic_writer", "check_output_path", "csv_cells", "decode_text", "dumps_json",
    "iter_csv", "json_depth_ok", "load_json_file", "loads_json", "page_message", "read_csv",
    "write_csv_atomic", "write_lines_atomic",
]

MAX_FILE_BYTES = 1024 * 1024 * 1024
"""Largest input file read into memory (1 GiB); uploads pass their own, smaller limit."""
MAX_FIELD_CHARS = 1_000_000
"""Largest CSV field (characters); callers may ask for less."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of JSON arrays/objects accepted."""

csv.field_size_limit(MAX_FIELD_CHARS + 1)


class FileError(ValueError):
    """A file cannot be read or written as asked.

    ``line`` is 1-based (the header is line 1) or None; ``reason`` is the English message
    without the line prefix; ``code`` and ``params`` select the Indonesian page message.
    """

    def __init__(self, message: str, line: int | None = None, *, code: str = "invalid",
                 **params: Any) -> None:
        self.line = line
        self.reason = message
        self.code = code
        self.params = params
        super().__init__(f"line {line}: {message}" if line is not None else message)


# -- Indonesian (page) messages ---------------------------------------------------------------

_PAGE_MESSAGES: dict[str, str] = {
    "invalid": N_("The file cannot be read."),
    "too_large": N_("The file is too large: at most %(mb)s MB."),
    "not_utf8": N_("Line %(line)s is not UTF-8 text: save the file as UTF-8 CSV."),
    "empty": N_("The file is empty: the first line must hold the column names."),
    "unterminated_quote": N_("Line %(line)s: a quotation mark is never closed."),
    "line_break": N_("Line %(line)s: a field runs on to line %(end)s (a missing closing "
                     "quotation mark?)."),
    "malformed": N_("Line %(line)s is not valid CSV (check the quotation marks)."),
    "nul": N_("Line %(line)s holds a NUL character: the file is not a text CSV file."),
    "field_too_long": N_("Line %(line)s: a field is too long."),
    "missing_columns": N_("Required column(s) missing: %(columns)s."),
    "semicolon_separated": N_("The columns are separated by semicolons (;): save the file as "
                              "CSV with commas (,) between the columns."),
    "unknown_columns": N_("Unknown column(s): %(columns)s."),
    "duplicate_columns": N_("Column(s) appear twice: %(columns)s."),
    "field_count": N_("Line %(line)s: expected %(expected)s fields, found %(found)s."),
    "empty_value": N_("Line %(line)s: %(column)s is empty."),
    "bad_value": N_("Line %(line)s: the value of %(column)s is not valid."),
    "duplicate_id": N_("Line %(line)s: record_id appears twice (first on line %(first)s)."),
    "bad_json": N_("Line %(line)s is not valid JSON."),
    "too_deep": N_("Line %(line)s: the JSON is nested too deeply."),
    "non_finite": N_("Line %(line)s: the JSON holds a number that is not finite (NaN or "
                     "Infinity)."),
    "not_object": N_("The JSON must be an object."),
    "record_not_object": N_("Line %(line)s: the record is not a JSON object."),
    "no_text": N_("Line %(line)s: the field %(field)s is missing or is not text."),
    "empty_text": N_("Line %(line)s: the field %(field)s is empty; there is nothing to scan."),
    "bad_id": N_("Line %(line)s: the field %(field)s must be text or a number."),
    "record_limit": N_("Line %(line)s: the record limit is reached; the rest of the file is "
                       "not scanned."),
}


def page_message(exc: FileError) -> str:
    """The error in the page's language (Indonesian first), with its line number."""
    template = _PAGE_MESSAGES.get(exc.code, _PAGE_MESSAGES["invalid"])
    params = {"line": exc.line if exc.line is not None else "?", **exc.params}
    try:
        return _(template, **params)
    except (KeyError, ValueError, TypeError):
        return _(_PAGE_MESSAGES["invalid"])


# -- input -----------------------------------------------------------------------------------

def check_size(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> None:
    if len(data) > max_bytes:
        raise FileError(f"the file is larger than {max_bytes:,} bytes", code="too_large",
                        mb=max(1, max_bytes // (1024 * 1024)))


def read_bytes(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes (at most ``max_bytes``); FileError if missing, unreadable or too big."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise FileError(f"cannot read {p}: file not found") from None
    except IsADirectoryError:
        raise FileError(f"cannot read {p}: it is a folder, not a file") from None
    except OSError as exc:
        raise FileError(f"cannot read {p}: {exc.strerror}") from None
    check_size(data, max_bytes)
    return data


def decode_text(data: bytes, *, lenient: bool = False) -> str:
    """UTF-8 text (a leading BOM dropped).

    Strict by default (FileError naming the line of the first bad byte); ``lenient`` keeps bad
    bytes as lone surrogates (``\\udc80``-``\\udcff``) so a caller can skip just those rows.
    """
    if lenient:
        text = data.decode("utf-8", errors="surrogateescape")
        return text[1:] if text.startswith("\ufeff") else text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError("the file is not UTF-8 text (save it as UTF-8 CSV)", line,
                        code="not_utf8") from None


def has_bad_bytes(value: str) -> bool:
    """True if ``value`` holds bytes kept by :func:`decode_text` ``lenient``."""
    return any("\udc80" <= c <= "\udcff" for c in value)


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One parsed row: its first and last physical line, and its fields."""

    line: int
    end_line: int
    values: list[str]


def iter_csv(text: str, *, multiline: bool = False,
             max_field_chars: int = MAX_FIELD_CHARS) -> Iterator[CsvRow]:
    """Every row of CSV ``text`` (header included) with its physical line numbers.

    Raises :class:`FileError` on a quote that never closes, a stray quote, a field longer than
    ``max_field_chars`` and, unless ``multiline``, a field holding a line break (a row that
    spans several physical lines). With ``multiline`` the caller sees ``end_line > line``.
    """
    nul = text.find("\x00")
    if nul >= 0:
        # Python's csv reads NUL as an ordinary character: it was stored (SQLite) or made the
        # import fail at the database (PostgreSQL), and no spreadsheet writes one
        raise FileError("the file holds a NUL character (a binary or UTF-16 file?)",
                        text.count("\n", 0, nul) + 1, code="nul")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0
    while True:
        start = last + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            msg = str(exc)
            if "unexpected end of data" in msg or reader.line_num > start and "expected" in msg:
                raise FileError("unterminated quote: the quoted field opened here never "
                                "closes", start, code="unterminated_quote") from None
            if "field larger than field limit" in msg:
                raise FileError("a field is too long", start, code="field_too_long") from None
            raise FileError(f"malformed CSV ({msg})", reader.line_num,
                            code="malformed") from None
        end = reader.line_num
        last = end
        if end > start and not multiline and any(
                "\n" in v or "\r" in v for v in values):
            raise FileError(f"a quoted field runs on to line {end} (a missing closing quote?); "
                            "fields must not contain line breaks", start, code="line_break",
                            end=end)
        if max_field_chars < MAX_FIELD_CHARS and values and max(map(len, values)) > \
                max_field_chars:
            raise FileError(f"a field is longer than {max_field_chars:,} characters", start,
                            code="field_too_long")
        yield CsvRow(start, end, values)


@dataclass
class CsvTable:
    """A CSV file with a checked header; iterate :attr:`rows` once."""

    header: list[str]
    rows: Iterator[CsvRow]
    multiline: list[tuple[int, int]] = field(default_factory=list)
    """(first, last) physical lines of rows whose fields hold line breaks, as iterated."""


#: column names listed in a header error; the rest are counted (10,000 unknown columns made
#: a 69,000-character message on the page)
MAX_LISTED_COLUMNS = 10


def _some_columns(names: Sequence[str]) -> str:
    listed = ", ".join(n[:40] for n in names[:MAX_LISTED_COLUMNS])
    more = len(names) - MAX_LISTED_COLUMNS
    return f"{listed}, … (+{more:,})" if more > 0 else listed  # no words: shown in any language


def _semicolon_separated(header: Sequence[str], missing: Sequence[str], *, lower: bool) -> bool:
    """The missing required columns are all there once the header is split at ';'."""
    if not any(";" in h for h in header):
        return False
    names = {n.strip().lower() if lower else n.strip() for h in header for n in h.split(";")}
    return all(c in names for c in missing)


def read_csv(text: str, *, required: Sequence[str] = (), allowed: Sequence[str] | None = None,
             multiline: bool = False, lower: bool = True,
             max_field_chars: int = MAX_FIELD_CHARS) -> CsvTable:
    """Parse the header of CSV ``text`` and check it; rows are read lazily and strictly.

    Header names are stripped (and lower-cased if ``lower``). Missing ``required`` columns,
    columns outside ``allowed`` and duplicate columns are a :class:`FileError` on line 1.
    Blank lines are skipped; a leading byte-order mark is dropped.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = iter_csv(text, multiline=multiline, max_field_chars=max_field_chars)
    first = next(rows, None)
    if first is None or not any(v.strip() for v in first.values):
        raise FileError("the file is empty (expected a header line)", 1, code="empty")
    header = [h.strip().lower() if lower else h.strip() for h in first.values]
    missing = [c for c in required if c not in header]
    if missing and _semicolon_separated(header, missing, lower=lower):
        # a spreadsheet saved as CSV where the decimal separator is a comma (Indonesia's
        # Excel) separates columns with ';': say so, not "record_id, full_name missing"
        raise FileError("the columns are separated by semicolons (;): save the file as CSV "
                        "with commas (,) between the columns", 1, code="semicolon_separated")
    if missing:
        cols = ", ".join(missing)
        hint = f" (expected header: {','.join(allowed)})" if allowed else ""
        raise FileError(f"missing required column(s): {cols}{hint}", 1,
                        code="missing_columns", columns=cols)
    if allowed is not None:
        unknown = [h for h in header if h not in allowed]
        if unknown:
            cols = _some_columns(unknown)
            raise FileError(f"unknown column(s): {cols}", 1, code="unknown_columns",
                            columns=cols)
    dup = sorted(h for h, n in Counter(header).items() if n > 1)  # header.count() is quadratic
    if dup:
        cols = _some_columns(dup)
        raise FileError(f"duplicate column(s): {cols}", 1, code="duplicate_columns",
                        columns=cols)
    table = CsvTable(header, iter(()))

    def body() -> Iterator[CsvRow]:
        for row in rows:
            if not any(v.strip() for v in row.values):
                continue
            if row.end_line > row.line:
                table.multiline.append((row.line, row.end_line))
            yield row

    table.rows = body()
    return table


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_ok(text: str, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """True if no array/object in JSON ``text`` nests deeper than ``max_depth``.

    Linear and without recursion: strings are blanked out by one unambiguous regular
    expression, then only the brackets are walked. A text with few brackets returns at once.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return True
    depth = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            if depth > max_depth:
                return False
        else:
            depth -= 1
    return True


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


class _NonFinite(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFinite(text[:20])
    return value


def loads_json(text: str | bytes, *, line: int | None = None,
               max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` bounded: depth at most ``max_depth``, only finite numbers.

    Raises :class:`FileError` (naming ``line`` if given) instead of ``RecursionError``,
    ``JSONDecodeError`` or ``UnicodeDecodeError``.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileError("invalid UTF-8", line, code="not_utf8") from None
    if not json_depth_ok(text, max_depth):
        raise FileError(f"JSON nested deeper than {max_depth} levels", line, code="too_deep")
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except _NonFinite as exc:
        raise FileError(f"non-finite number {exc} (NaN and Infinity are not JSON)", line,
                        code="non_finite") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}" if line is None else \
            f"column {exc.colno}"
        raise FileError(f"not valid JSON ({exc.msg} at {where})", line, code="bad_json") from None
    except (RecursionError, ValueError):  # an integer of 4,300+ digits; depth is checked above
        raise FileError("not valid JSON (a number has too many digits)", line,
                        code="bad_json") from None


def load_json_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """A JSON file through :func:`read_bytes` and :func:`loads_json`."""
    return loads_json(decode_text(read_bytes(path, max_bytes)))


# -- output ----------------------------------------------------------------------------------

def dumps_json(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` that refuses NaN/Infinity (FileError) instead of writing invalid JSON."""
    try:
        return json.dumps(obj, allow_nan=False, **kwargs)
    except ValueError as exc:
        raise FileError(f"cannot write a non-finite number as JSON ({exc})",
                        code="non_finite") from None


def check_output_path(path: str | Path) -> Path:
    """Check, before any long work, that ``path`` can be (re)written atomically.

    The folder must exist and be writable; ``path`` must not be a folder and, if it exists,
    must be a regular file (a symbolic link is followed: its target must be a regular file,
    which is the file replaced). Returns the path to replace. Raises :class:`FileError`.
    """
    p = Path(path)
    if str(path) in ("", "."):
        raise FileError("the output path is empty")
    target = Path(os.path.realpath(p)) if p.is_symlink() else p
    try:
        st = target.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise FileError(f"cannot use output {p}: {exc.strerror}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise FileError(f"output {p} is a folder; give a file name")
        if not stat.S_ISREG(st.st_mode):
            raise FileError(f"output {p} exists and is not a regular file (device, pipe or "
                            "socket); refusing to replace it")
    parent = target.parent
    if not parent.exists():
        raise FileError(f"the output folder {parent} does not exist")
    if not parent.is_dir():
        raise FileError(f"{parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FileError(f"the output folder {parent} is not writable")
    return target


@contextlib.contextmanager
def atomic_writer(path: str | Path) -> Iterator[IO[str]]:
    """Write UTF-8 text to a temporary file beside ``path``, then rename it over ``path``.

    Only a missing path or a regular file is replaced (checked before and again just before
    the rename); nothing is left behind when the block raises.
    """
    target = check_output_path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        check_output_path(target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def csv_cells(row: Iterable[Any]) -> list[Any]:
    """A row with every text cell passed through the CSV formula guard (:func:`csv_safe`)."""
    return [csv_safe(v) for v in row]


def write_csv(fh: IO[str], header: Iterable[str], rows: Iterable[Iterable[Any]]) -> int:
    """CSV through the shared export writer (every cell quoted and guarded); returns the
    number of data rows."""
    w = csv_writer(fh)
    w.writerow(header)
    n = 0
    for r in rows:
        w.writerow(r)
        n += 1
    return n


def write_csv_atomic(path: str | Path, header: Iterable[str],
                     rows: Iterable[Iterable[Any]]) -> int:
    """:func:`write_csv` through :func:`atomic_writer`; returns the row count."""
    with atomic_writer(path) as fh:
        return write_csv(fh, header, rows)


def write_lines_atomic(path: str | Path, lines: Iterable[str]) -> int:
    """Write ready-made lines (each ending in a newline) atomically; returns the count."""
    n = 0
    with atomic_writer(path) as fh:
        for line in lines:
            fh.write(line)
            n += 1
    return n

