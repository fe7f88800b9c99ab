"""Person records and strict CSV reading with line-numbered errors.

CSV header (only ``record_id`` and ``full_name`` are required)::

    record_id,full_name,birth_date,sex,birth_place,address,nik,passport_no,phone

``birth_date`` is ``YYYY-MM-DD``; ``sex`` is ``M``/``F`` (``L``/``P`` accepted). Every problem
is reported as :class:`RecordError` naming the line (1 = the header).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

__all__ = [
    "COLUMNS", "OPTIONAL", "REQUIRED", "PersonRecord", "RecordError", "normalise_sex",
    "parse_birth_date", "read_records", "read_records_text", "record_from_mapping",
]

COLUMNS: tuple[str, ...] = (
    "record_id", "full_name", "birth_date", "sex", "birth_place", "address", "nik",
    "passport_no", "phone",
)
REQUIRED: tuple[str, ...] = ("record_id", "full_name")
OPTIONAL: tuple[str, ...] = COLUMNS[2:]
MAX_FIELD = 1000

_SEX = {"m": "M", "l": "M", "male": "M", "laki-laki": "M", "lk": "M", "pria": "M",
        "f": "F", "p": "F", "female": "F", "perempuan": "F", "pr": "F", "wanita": "F", "w": "F"}


class RecordError(ValueError):
    """A bad input record or file; ``line`` is 1-based (the header is line 1)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person as held by a source (watchlist, passport applications, departures...)."""

    record_id: str
    full_name: str
    birth_date: date | None = None
    sex: str | None = None  # "M" / "F"
    birth_place: str | None = None
    address: str | None = None
    nik: str | None = None
    passport_no: str | None = None
    phone: str | None = None
    source: str | None = None

    def to_row(self) -> dict[str, str]:
        d = asdict(self)
        d.pop("source")
        return {k: ("" if v is None else (v.isoformat() if isinstance(v, date) else str(v)))
                for k, v in d.items()}


def normalise_sex(value: str | None) -> str | None:
    """``M``/``F`` from M/F/L/P (and long Indonesian/English forms); None if empty.

    Raises ValueError for anything else.
    """
    if value is None:
        return None
    v = value.strip().lower()
    if not v:
        return None
    if v in _SEX:
        return _SEX[v]
    raise ValueError(f"sex must be M/F (or L/P), got {value.strip()[:20]!r}")


def parse_birth_date(value: str | date | None) -> date | None:
    """A ``YYYY-MM-DD`` date (None if empty); raises ValueError otherwise."""
    if value is None or isinstance(value, date):
        return value
    v = value.strip()
    if not v:
        return None
    if len(v) != 10 or v[4] != "-" or v[7] != "-":
        raise ValueError(f"birth_date must be YYYY-MM-DD, got {v[:20]!r}")
    try:
        d = date.fromisoformat(v)
    except ValueError:
        raise ValueError(f"birth_date is not a valid date: {v[:20]!r}") from None
    if d.year < 1880:
        raise ValueError(f"birth_date is implausible: {v!r}")
    return d


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def record_from_mapping(row: dict[str, Any], *, line: int | None = None,
                        source: str | None = None) -> PersonRecord:
    """Validate one mapping (CSV row, JSON object) into a :class:`PersonRecord`."""
    rid = _clean(row.get("record_id"))
    name = _clean(row.get("full_name"))
    if rid is None:
        raise RecordError("record_id is empty", line)
    if name is None:
        raise RecordError("full_name is empty", line)
    for k, v in row.items():
        if isinstance(v, str) and len(v) > MAX_FIELD:
            raise RecordError(f"{k} is longer than {MAX_FIELD} characters", line)
    try:
        bd = parse_birth_date(row.get("birth_date"))
        sex = normalise_sex(row.get("sex"))
    except ValueError as exc:
        raise RecordError(str(exc), line) from None
    nik = _clean(row.get("nik"))
    if nik is not None:
        nik = "".join(ch for ch in nik if ch.isalnum())
    pp = _clean(row.get("passport_no"))
    if pp is not None:
        pp = "".join(ch for ch in pp if ch.isalnum()).upper()
    phone = _clean(row.get("phone"))
    if phone is not None:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        phone = digits or None
    return PersonRecord(rid, name, bd, sex, _clean(row.get("birth_place")),
                        _clean(row.get("address")), nik or None, pp or None, phone,
                        source or _clean(row.get("source")))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RecordError("the file is not UTF-8 text (save it as UTF-8 CSV)", line) from None


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise RecordError(f"malformed CSV: {exc}", reader.line_num) from None


def read_records_text(text: str, *, source: str | None = None) -> list[PersonRecord]:
    """Parse CSV text; raises :class:`RecordError` on the first problem."""
    rows = _rows(text)
    first = next(rows, None)
    if first is None:
        raise RecordError("the file is empty (expected a header line)", 1)
    _, header = first
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RecordError("missing required column(s): " + ", ".join(missing)
                          + " (expected header: " + ",".join(COLUMNS) + ")", 1)
    unknown = [h for h in header if h not in COLUMNS and h != "source"]
    if unknown:
        raise RecordError("unknown column(s): " + ", ".join(u[:40] for u in unknown), 1)
    dup = {h for h, n in Counter(header).items() if n > 1}  # header.count() was quadratic
    if dup:
        raise RecordError("duplicate column(s): " + ", ".join(sorted(dup)), 1)
    out: list[PersonRecord] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise RecordError(f"expected {len(header)} fields, found {len(row)}", line)
        rec = record_from_mapping(dict(zip(header, row, strict=True)), line=line, source=source)
        if rec.record_id in seen:
            raise RecordError(f"duplicate record_id {rec.record_id[:40]!r} "
                              f"(first on line {seen[rec.record_id]})", line)
        seen[rec.record_id] = line
        out.append(rec)
    return out


def read_records(path: str | Path, *, source: str | None = None) -> list[PersonRecord]:
    """Read a person CSV file (UTF-8, optional BOM)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RecordError(f"cannot read {p}: {exc.strerror}") from None
    return read_records_text(_decode(data), source=source or p.stem)


def records_from_bytes(data: bytes, *, source: str | None = None) -> list[PersonRecord]:
    """Uploaded file content (bytes) -> records."""
    return read_records_text(_decode(data), source=source)


def write_csv_atomic(path: str | Path, header: Iterable[str], rows: Iterable[Iterable[Any]]
                     ) -> int:
    """Write CSV to a temp file beside ``path`` and rename it over; returns the row count.

    Nothing is left behind when an exception interrupts the writing.
    """
    import os
    import tempfile

    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix="." + p.name + ".", suffix=".tmp", dir=p.parent or ".")
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(list(header))
            for r in rows:
                w.writerow(list(r))
                n += 1
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return n
