"""Bulk input and output for scans: read CSV / JSON Lines records, aggregate contacts.

Pure: works on bytes or binary streams handed in by the CLI or the upload page.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from waspada.platform.files import (
    MAX_FILE_BYTES,
    FileError,
    check_size,
    decode_text,
    has_bad_bytes,
    loads_json,
    read_csv,
)

if TYPE_CHECKING:
    from waspada.offers.analyse import OfferAnalysis

Kind = Literal["csv", "jsonl"]
LEVEL_RANK = {"low": 0, "medium": 1, "high": 2}
CONTACT_KINDS = ("phones", "whatsapp", "telegram", "emails", "domains")


class UploadError(FileError):
    """The input as a whole cannot be read (unknown format, missing column, bad quoting)."""

    def __init__(self, message: str, *, code: str = "invalid", line: int | None = None,
                 **params: Any) -> None:
        super().__init__(message, code=code, **params)
        self.line = line


@dataclass
class ReadSummary:
    """What :func:`read_records` noticed besides bad records."""

    multiline: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    line: int
    record_id: Any
    text: str


@dataclass(frozen=True)
class BadRecord:
    """A record that cannot be analysed: ``reason`` in English, ``code``/``params`` for pages."""

    line: int
    reason: str
    code: str = "invalid"
    params: dict[str, Any] = field(default_factory=dict)

    def as_error(self) -> FileError:
        return FileError(self.reason, self.line, code=self.code, **self.params)


def kind_for(filename: str, head: bytes = b"") -> Kind:
    """CSV or JSON Lines, by extension (``.csv``; ``.jsonl``/``.ndjson``/``.json``)."""
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise UploadError(f"unknown input format for {filename!r}: use .csv or .jsonl")


def read_records(source: bytes | IO[bytes], kind: Kind, text_field: str = "text",
                 id_field: str = "id", *, max_bytes: int = MAX_FILE_BYTES,
                 summary: ReadSummary | None = None) -> Iterator[Record | BadRecord]:
    """Yield every record, or a :class:`BadRecord` naming its line; blank lines are skipped,
    a record whose text is blank is a :class:`BadRecord` (``empty_text``).

    Problems with the file as a whole (too large, an unterminated quote, a stray quote, a
    missing text column) raise :class:`UploadError`, also when found half-way through a CSV.
    Offer texts may hold line breaks inside quoted CSV fields; each such record is listed in
    ``summary.multiline`` (first and last physical line).
    """
    data = source if isinstance(source, bytes) else source.read(max_bytes + 1)
    try:
        check_size(data, max_bytes)
    except FileError as exc:
        raise UploadError(str(exc), code=exc.code, **exc.params) from None
    if kind == "jsonl":
        yield from _jsonl(data, text_field, id_field)
    else:
        yield from _csv(data, text_field, id_field, summary or ReadSummary())


def _empty(line_no: int, text_field: str) -> BadRecord:
    """A record whose text is empty or blank: there is no post to score (it used to be scored
    "low risk"), so it is a problem line like any other bad input."""
    return BadRecord(line_no, f"empty field '{text_field}'", "empty_text",
                     {"field": text_field[:64]})


def _jsonl(data: bytes, text_field: str, id_field: str) -> Iterator[Record | BadRecord]:
    for line_no, raw in enumerate(io.BytesIO(data), 1):
        if not raw.strip():
            continue
        if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            obj = loads_json(raw, line=line_no)
        except FileError as exc:
            yield BadRecord(line_no, exc.reason, exc.code, exc.params)
            continue
        except RecursionError:
            yield BadRecord(line_no, "invalid JSON (nested too deeply)")
            continue
        except ValueError:  # Python refuses integers of more than 4,300 digits
            yield BadRecord(line_no, "invalid JSON (a number has too many digits)")
            continue
        if not isinstance(obj, dict):
            yield BadRecord(line_no, "record is not a JSON object", "record_not_object")
            continue
        text = obj.get(text_field)
        if not isinstance(text, str):
            yield BadRecord(line_no, f"missing or non-string field '{text_field}'", "no_text",
                            {"field": text_field[:64]})
            continue
        if not text.strip():
            yield _empty(line_no, text_field)
            continue
        rec_id = obj.get(id_field, line_no)
        if not isinstance(rec_id, str | int | float | bool) and rec_id is not None:
            yield BadRecord(line_no, f"field '{id_field}' must be a string or a number",
                            "bad_id", {"field": id_field[:64]})
            continue
        yield Record(line_no, rec_id, text)


def _csv(data: bytes, text_field: str, id_field: str, summary: ReadSummary
         ) -> Iterator[Record | BadRecord]:
    try:
        table = read_csv(decode_text(data, lenient=True), required=(text_field,),
                         multiline=True, lower=False)
    except FileError as exc:
        if exc.code == "missing_columns":
            raise UploadError(f"line 1: the CSV has no column '{text_field}'",
                              code=exc.code, **exc.params) from None
        raise UploadError(str(exc), code=exc.code, line=exc.line, **exc.params) from None
    header = table.header
    try:
        for row in table.rows:
            if row.end_line > row.line:
                summary.multiline.append((row.line, row.end_line))
            if any(has_bad_bytes(v) for v in row.values):
                yield BadRecord(row.line, "invalid UTF-8", "not_utf8")
                continue
            if len(row.values) != len(header):
                yield BadRecord(row.line, f"expected {len(header)} fields, found "
                                          f"{len(row.values)}", "field_count",
                                {"expected": len(header), "found": len(row.values)})
                continue
            values = dict(zip(header, row.values, strict=True))
            if not values[text_field].strip():
                yield _empty(row.line, text_field)
                continue
            yield Record(row.line, values.get(id_field) or row.line, values[text_field])
    except FileError as exc:
        raise UploadError(str(exc), code=exc.code, line=exc.line, **exc.params) from None


def scan_record(rec_id: Any, analysis: OfferAnalysis, lang: str = "en") -> dict[str, Any]:
    """The stable per-record object of a scan (CLI output lines, page results, downloads)."""
    return {
        "id": rec_id,
        "score": round(analysis.score, 4),
        "level": analysis.level,
        "language": analysis.language,
        "indicators": [
            {"code": i.code, "title": i.title_en if lang == "en" else i.title_id,
             "evidence": [e.to_dict() for e in i.evidence]}
            for i in analysis.indicators
        ],
        "entities": analysis.entities.to_dict(),
        "model_probability": (None if analysis.model_probability is None
                              else round(analysis.model_probability, 4)),
        "truncated": analysis.truncated,
    }


def aggregate_contacts(results: Iterable[dict[str, Any]], min_count: int = 1
                       ) -> list[dict[str, Any]]:
    """Which phone numbers, chat handles, e-mails and domains recur across posts.

    Returns rows ``{kind, value, count, max_level, ids}`` seen in at least ``min_count``
    posts, most frequent first.
    """
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for result in results:
        entities = result.get("entities") or {}
        seen: set[tuple[str, str]] = set()
        for kind in CONTACT_KINDS:
            for value in entities.get(kind) or []:
                key = (kind, contact_value(value))
                if not key[1] or key in seen:
                    continue
                seen.add(key)
                row = table.setdefault(key, {"kind": kind, "value": key[1], "count": 0,
                                             "max_level": "low", "ids": []})
                row["count"] += 1
                row["ids"].append(result.get("id"))
                if LEVEL_RANK.get(result.get("level", "low"), 0) > LEVEL_RANK[row["max_level"]]:
                    row["max_level"] = result["level"]
    return sorted((row for row in table.values() if row["count"] >= min_count),
                  key=lambda r: (-r["count"], -LEVEL_RANK[r["max_level"]], r["kind"],
                                 r["value"]))


def recurring_contacts(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contacts of :func:`aggregate_contacts` seen in two posts or more (issue #18: the
    page's "recur across posts" list showed contacts seen once; the CSV keeps them all)."""
    return [row for row in aggregate_contacts(results) if row["count"] >= 2]


def contact_value(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("e164", "number", "handle", "value", "domain", "address", "url"):
            if value.get(key):
                return str(value[key])
        return json.dumps(value, sort_keys=True)
    return str(value)
