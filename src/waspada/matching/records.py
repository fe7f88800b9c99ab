"""Person records and strict CSV reading with line-numbered errors.

CSV header (only ``record_id`` and ``full_name`` are required)::

    record_id,full_name,birth_date,sex,birth_place,address,nik,passport_no,phone

``birth_date`` is ``YYYY-MM-DD``; ``sex`` is ``M``/``F`` (``L``/``P`` accepted). Every problem
is reported as :class:`RecordError` naming the line (1 = the header).

Two reading modes. *Strict* (the default, used by the API and pages) stops at the first
problem. *Tolerant* (pass a ``rejects`` list; the CLI does) keeps structural errors fatal —
missing columns, broken quoting, a wrong field count, duplicate ids — but treats a bad *value*
(an impossible date, an unknown sex, an over-long field, a placeholder identifier such as a
NIK ``TIDAK ADA`` or a birth date the file holds far too often) as missing for that field, and
skips a record with no usable identifying field (no record id or no name); each is appended to
``rejects`` as a :class:`Rejection` naming its line and column, so nothing is dropped silently.
A single record read strictly keeps its identifiers' text.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from waspada.platform.birth_dates import latest_birth_date
from waspada.platform.files import (
    MAX_FILE_BYTES,
    FileError,
    check_size,
    decode_text,
    read_bytes,
    read_csv,
    write_csv_atomic,
)
from waspada.platform.i18n import N_

__all__ = [
    "COLUMNS", "EARLIEST_BIRTH_YEAR", "OPTIONAL", "REQUIRED", "PersonRecord", "RecordError",
    "IDENTIFIER_PROBLEMS", "PLACEHOLDER_FACTOR", "PLACEHOLDER_MIN_HOLDERS", "Rejection",
    "nik_problem", "normalise_sex", "parse_birth_date", "parse_date", "passport_problem",
    "phone_problem", "placeholder_dates", "read_records", "read_records_text",
    "record_from_mapping", "records_from_bytes", "rejects_lines", "summarise_rejects",
    "without_placeholder_dates", "write_csv_atomic", "write_rejects",
]

#: the earliest year of birth a matching input may carry (older records: historic lists)
EARLIEST_BIRTH_YEAR = 1880

COLUMNS: tuple[str, ...] = (
    "record_id", "full_name", "birth_date", "sex", "birth_place", "address", "nik",
    "passport_no", "phone",
)
REQUIRED: tuple[str, ...] = ("record_id", "full_name")
OPTIONAL: tuple[str, ...] = COLUMNS[2:]
MAX_FIELD = 1000

_SEX = {"m": "M", "l": "M", "male": "M", "laki-laki": "M", "lk": "M", "pria": "M",
        "f": "F", "p": "F", "female": "F", "perempuan": "F", "pr": "F", "wanita": "F", "w": "F"}


class RecordError(FileError):
    """A bad input record or file; ``line`` is 1-based (the header is line 1)."""

    def __init__(self, message: str, line: int | None = None, *, code: str = "invalid",
                 **params: Any) -> None:
        super().__init__(message, line, code=code, **params)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A value read as missing (``skipped`` False) or a record left out (``skipped`` True)."""

    line: int | None
    column: str
    code: str
    message: str
    skipped: bool = False


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


def parse_date(value: str | date | None) -> date | None:
    """A ``YYYY-MM-DD`` date (None if empty); raises ValueError otherwise."""
    if value is None or isinstance(value, date):
        return value
    v = value.strip()
    if not v:
        return None
    if len(v) != 10 or v[4] != "-" or v[7] != "-":
        raise ValueError(f"birth_date must be YYYY-MM-DD, got {v[:20]!r}")
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise ValueError(f"birth_date is not a valid date: {v[:20]!r}") from None


def parse_birth_date(value: str | date | None) -> date | None:
    """A ``YYYY-MM-DD`` date of birth (None if empty) from 1880 to today (the UTC date plus
    one day, :func:`waspada.platform.birth_dates.latest_birth_date`); raises ValueError
    otherwise. A ``date`` object is taken as it is (records built in code)."""
    if value is None or isinstance(value, date):
        return value
    d = parse_date(value)
    if d is None:
        return None
    if d.year < EARLIEST_BIRTH_YEAR:
        raise ValueError(f"birth_date is implausible: {value.strip()!r}")
    if d > latest_birth_date():
        raise ValueError(f"birth_date is in the future: {value.strip()!r}")
    return d


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _refuse(rejects: list[Rejection] | None, exc: RecordError, column: str) -> None:
    """Raise ``exc`` (strict) or note it as a value read as missing (tolerant)."""
    if rejects is None:
        raise exc
    rejects.append(Rejection(exc.line, column, exc.code, exc.reason))


def _skip(rejects: list[Rejection] | None, exc: RecordError, column: str) -> NoReturn:
    if rejects is None:
        raise exc
    rejects.append(Rejection(exc.line, column, exc.code, exc.reason, skipped=True))
    raise _Skipped


class _Skipped(Exception):
    """Internal: the record has no usable identifying field (tolerant mode)."""


def record_from_mapping(row: dict[str, Any], *, line: int | None = None,
                        source: str | None = None,
                        rejects: list[Rejection] | None = None) -> PersonRecord:
    """Validate one mapping (CSV row, JSON object) into a :class:`PersonRecord`.

    With ``rejects`` (tolerant mode) a bad value becomes missing and is noted there; a record
    without record id or name raises :class:`_Skipped` after being noted.
    """
    values = dict(row)
    for k, v in row.items():
        if isinstance(v, int) and not isinstance(v, bool):
            values[k] = v = str(v)  # a JSON number: its exact text
        elif not (v is None or isinstance(v, str) or (k == "birth_date" and isinstance(v, date))):
            # a float, boolean, list... (a JSON object): before, AttributeError on .strip()
            _refuse(rejects, RecordError(f"{k} must be text", line, code="bad_value",
                                         column=k), k)
            values[k] = None
            continue
        if isinstance(v, str) and len(v) > MAX_FIELD:
            _refuse(rejects, RecordError(f"{k} is longer than {MAX_FIELD} characters", line,
                                         code="field_too_long", column=k), k)
            values[k] = None
    rid = _clean(values.get("record_id"))
    name = _clean(values.get("full_name"))
    if rid is None:
        _skip(rejects, RecordError("record_id is empty", line, code="empty_value",
                                   column="record_id"), "record_id")
    if name is None:
        _skip(rejects, RecordError("full_name is empty", line, code="empty_value",
                                   column="full_name"), "full_name")
    bd: date | None = None
    try:
        bd = parse_birth_date(values.get("birth_date"))
    except ValueError as exc:
        _refuse(rejects, RecordError(str(exc), line, code="bad_value", column="birth_date"),
                "birth_date")
    sex: str | None = None
    try:
        sex = normalise_sex(values.get("sex"))
    except ValueError as exc:
        _refuse(rejects, RecordError(str(exc), line, code="bad_value", column="sex"), "sex")
    nik = _clean(values.get("nik"))
    if nik is not None:
        nik = "".join(ch for ch in nik if ch.isalnum())
    pp = _clean(values.get("passport_no"))
    if pp is not None:
        pp = "".join(ch for ch in pp if ch.isalnum()).upper()
    phone = _clean(values.get("phone"))
    if phone is not None:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        phone = digits or None
    if rejects is not None:  # a batch's placeholders; a single record keeps its text
        nik, pp, phone = (_identifier(rejects, line, col, value) for col, value in
                          (("nik", nik), ("passport_no", pp), ("phone", phone)))
    return PersonRecord(rid, name, bd, sex, _clean(values.get("birth_place")),
                        _clean(values.get("address")), nik or None, pp or None, phone,
                        source or _clean(values.get("source")))


def _identifier(rejects: list[Rejection], line: int | None, column: str,
                value: str | None) -> str | None:
    """``value`` of an identifier ``column``, or None (noted in ``rejects``) when it cannot be
    one (:data:`IDENTIFIER_PROBLEMS`)."""
    problem = IDENTIFIER_PROBLEMS[column](value) if value else None
    if problem is None:
        return value
    _refuse(rejects, RecordError(f"{column} {problem}", line, code="bad_value", column=column),
            column)
    return None


#: a NIK has 16 digits; one slip (a digit dropped or doubled) is still compared
NIK_DIGITS_MIN, NIK_DIGITS_MAX = 15, 17


def nik_problem(nik: str) -> str | None:
    """Why a NIK column's value (separators removed) cannot be a NIK typed with at most one
    slip, or None: letters, fewer than 15 or more than 17 digits, one digit repeated. Such
    values are registries' placeholders (``0``, ``-``, ``TIDAK ADA``, ``0000000000000000``):
    shared by many different people, they were compared as one NIK — ``nik.same``, the
    strongest evidence there is (round 23)."""
    if not (nik.isascii() and nik.isdigit()):
        return "is not a NIK: it has letters"
    if not NIK_DIGITS_MIN <= len(nik) <= NIK_DIGITS_MAX:
        return f"is not a NIK: {len(nik)} digit{'' if len(nik) == 1 else 's'}, not 16"
    if len(set(nik)) == 1:
        return "is not a NIK: one digit repeated"
    return None


def passport_problem(number: str) -> str | None:
    """Why a passport number (letters and digits, upper case) cannot be one, or None: no
    digit (``TIDAKADA``, ``NA``), fewer than 5 or more than 12 characters, one character
    repeated. Indonesian passports are a letter and 7 digits; other countries' 5 to 9
    characters (ICAO 9303's document number: 9, longer ones continued)."""
    if not any(ch.isdigit() for ch in number):
        return "is not a passport number: no digit"
    if not 5 <= len(number) <= 12:
        return f"is not a passport number: {len(number)} characters, not 5 to 12"
    if len(set(number)) == 1:
        return "is not a passport number: one character repeated"
    return None


def phone_problem(digits: str) -> str | None:
    """Why a phone number's digits cannot be one, or None: fewer than 5 (a local number without
    its area code has 5 to 8) or more than 15 digits (E.164's most), one digit repeated
    (``0000000000``)."""
    if not 5 <= len(digits) <= 15:
        return f"is not a phone number: {len(digits)} digit{'' if len(digits) == 1 else 's'}, " \
            "not 5 to 15"
    if len(set(digits)) == 1:
        return "is not a phone number: one digit repeated"
    return None


#: what makes a batch's identifier value a placeholder, by column (round 23)
IDENTIFIER_PROBLEMS: dict[str, Callable[[str], str | None]] = {
    "nik": nik_problem, "passport_no": passport_problem, "phone": phone_problem}


def _as_record_error(exc: FileError) -> RecordError:
    return RecordError(exc.reason, exc.line, code=exc.code, **exc.params)


def read_records_text(text: str, *, source: str | None = None,
                      rejects: list[Rejection] | None = None) -> list[PersonRecord]:
    """Parse CSV text; raises :class:`RecordError` on the first problem (strict) or, with
    ``rejects``, only on structural problems (tolerant; see the module docstring).

    A quote that never closes or a field holding a line break is an error naming the line
    (person fields never contain line breaks).
    """
    try:
        table = read_csv(text, required=REQUIRED, allowed=(*COLUMNS, "source"))
        header = table.header
        out: list[PersonRecord] = []
        seen: dict[str, int] = {}
        for row in table.rows:
            line = row.line
            if len(row.values) != len(header):
                raise RecordError(f"expected {len(header)} fields, found {len(row.values)}",
                                  line, code="field_count", expected=len(header),
                                  found=len(row.values))
            try:
                rec = record_from_mapping(dict(zip(header, row.values, strict=True)),
                                          line=line, source=source, rejects=rejects)
            except _Skipped:
                continue
            if rec.record_id in seen:
                raise RecordError(f"duplicate record_id {rec.record_id[:40]!r} "
                                  f"(first on line {seen[rec.record_id]})", line,
                                  code="duplicate_id", first=seen[rec.record_id])
            seen[rec.record_id] = line
            out.append(rec)
    except RecordError:
        raise
    except FileError as exc:
        raise _as_record_error(exc) from None
    return out if rejects is None else without_placeholder_dates(out, seen, rejects)


#: a birth date held by at least this many records of a batch, and by at least
#: :data:`PLACEHOLDER_FACTOR` times as many as the batch's median date, is a placeholder
PLACEHOLDER_MIN_HOLDERS = 50
PLACEHOLDER_FACTOR = 25


def placeholder_dates(records: Sequence[PersonRecord]) -> tuple[dict[date, int], float]:
    """The birth dates a batch holds far too often (registries' placeholders for an unknown
    date: ``1900-01-01``, ``1970-01-01``) with their holders, and the batch's median holders of
    a date. Indonesian registries also write 1 January, 1 July or 31 December for an unknown
    day; those came to 12–15 times the median date in the blind generator's batches (the
    others' most common dates: 2–12 times), under :data:`PLACEHOLDER_FACTOR`."""
    counts = Counter(r.birth_date for r in records if r.birth_date is not None)
    if not counts:
        return {}, 0.0
    typical = float(statistics.median(counts.values()))
    return {d: n for d, n in counts.items()
            if n >= PLACEHOLDER_MIN_HOLDERS and n >= PLACEHOLDER_FACTOR * typical}, typical


def without_placeholder_dates(records: list[PersonRecord], lines: dict[str, int],
                              rejects: list[Rejection]) -> list[PersonRecord]:
    """``records`` with their :func:`placeholder_dates` read as missing, each noted in
    ``rejects`` (round 23: 10 % of synth2's records dated 1970-01-01 took P / R from 0.981 /
    0.945, the same dates left empty, to 0.922 / 0.875: many different people shared "the
    same birth date")."""
    found, typical = placeholder_dates(records)
    if not found:
        return records
    out = []
    for rec in records:
        when = rec.birth_date
        n = found.get(when) if when is not None else None
        if when is None or n is None:
            out.append(rec)
            continue
        rejects.append(Rejection(
            lines.get(rec.record_id), "birth_date", "placeholder_value",
            f"birth_date {when.isoformat()} is held by {n:,} records, "
            f"{n / typical:,.0f} times the file's typical date: a placeholder"))
        out.append(replace(rec, birth_date=None))
    return out


def read_records(path: str | Path, *, source: str | None = None,
                 rejects: list[Rejection] | None = None) -> list[PersonRecord]:
    """Read a person CSV file (UTF-8, optional BOM); ``rejects`` as in :func:`read_records_text`."""
    p = Path(path)
    try:
        text = decode_text(read_bytes(p))
    except FileError as exc:
        raise _as_record_error(exc) from None
    return read_records_text(text, source=source or p.stem, rejects=rejects)


REJECT_COLUMNS = ["file", "line", "column", "code", "action", "message"]


def write_rejects(path: str | Path, rejects: list[tuple[str, Rejection]]) -> int:
    """Write every ``(file, rejection)`` to ``path`` atomically; returns the row count."""
    rows = ([name, r.line or "", r.column, r.code,
             "record skipped" if r.skipped else "read as missing", r.message]
            for name, r in rejects)
    return write_csv_atomic(Path(path), REJECT_COLUMNS, rows)


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def summarise_rejects(rejects: list[Rejection]) -> str:
    """One line without any value: counts by column, and the first skipped lines."""
    if not rejects:
        return ""
    missing: dict[str, int] = {}
    skipped = [r for r in rejects if r.skipped]
    for r in rejects:
        if not r.skipped:
            missing[r.column] = missing.get(r.column, 0) + 1
    parts = []
    if missing:
        detail = ", ".join(f"{col} {n:,}" for col, n in sorted(missing.items()))
        n = sum(missing.values())
        parts.append(f"{n:,} bad {_plural(n, 'value')} read as missing ({detail})")
    if skipped:
        first = ", ".join(f"line {r.line}: {r.message}" for r in skipped[:3])
        more = f", and {len(skipped) - 3:,} more" if len(skipped) > 3 else ""
        parts.append(f"{len(skipped):,} {_plural(len(skipped), 'record')} skipped "
                     f"({first}{more})")
    return "; ".join(parts)


def records_from_bytes(data: bytes, *, source: str | None = None,
                       max_bytes: int = MAX_FILE_BYTES,
                       rejects: list[Rejection] | None = None) -> list[PersonRecord]:
    """Uploaded file content (bytes) -> records; ``rejects`` as in :func:`read_records_text`."""
    try:
        check_size(data, max_bytes)
        text = decode_text(data)
    except FileError as exc:
        raise _as_record_error(exc) from None
    return read_records_text(text, source=source, rejects=rejects)


#: a page's words for the values of a column read as missing (the column's name in the file
#: after them, as the upload form lists it)
_MISSING_BY_COLUMN: dict[str, str] = {
    "birth_date": N_("%(n)s dates of birth (column birth_date) were not valid and were read "
                     "as missing."),
    "sex": N_("%(n)s sexes (column sex) were not valid and were read as missing."),
    "birth_place": N_("%(n)s places of birth (column birth_place) were not valid and were "
                      "read as missing."),
    "address": N_("%(n)s addresses (column address) were not valid and were read as missing."),
    "nik": N_("%(n)s NIKs (column nik) were not valid or were placeholders and were read as "
              "missing."),
    "passport_no": N_("%(n)s passport numbers (column passport_no) were not valid or were "
                      "placeholders and were read as missing."),
    "phone": N_("%(n)s phone numbers (column phone) were not valid or were placeholders and "
                "were read as missing."),
}


def rejects_lines(rejects: Sequence[Rejection]) -> list[list[Any]]:
    """A page's result lines (msgid, params) for what a tolerant read left out: one line per
    column whose values were read as missing, named in words and as the file's column, and
    the skipped records' line numbers; never a value."""
    missing: dict[str, int] = {}
    for r in rejects:
        if not r.skipped:
            missing[r.column] = missing.get(r.column, 0) + 1
    skipped = [r.line for r in rejects if r.skipped and r.line is not None]
    lines: list[list[Any]] = []
    for column in [*(c for c in COLUMNS if c in missing), *sorted(set(missing) - set(COLUMNS))]:
        msgid = _MISSING_BY_COLUMN.get(column)
        lines.append([msgid, {"n": missing[column]}] if msgid else
                     [N_("%(n)s values of column %(column)s were not valid and were read as "
                         "missing."), {"n": missing[column], "column": column}])
    if skipped:
        shown = ", ".join(str(n) for n in skipped[:10]) + (", …" if len(skipped) > 10 else "")
        lines.append([N_("%(n)s records without record_id or full_name were skipped (lines "
                         "%(lines)s)."), {"n": len(skipped), "lines": shown}])
    return lines
