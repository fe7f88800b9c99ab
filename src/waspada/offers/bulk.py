"""Bulk input and output for scans: read CSV / JSON Lines records, aggregate contacts.

Pure: works on bytes or binary streams handed in by the CLI or the upload page.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

Kind = Literal["csv", "jsonl"]
LEVEL_RANK = {"low": 0, "medium": 1, "high": 2}
CONTACT_KINDS = ("phones", "whatsapp", "telegram", "emails", "domains")


class UploadError(ValueError):
    """The input as a whole cannot be read (unknown format, missing column)."""


@dataclass(frozen=True)
class Record:
    line: int
    record_id: Any
    text: str


@dataclass(frozen=True)
class BadRecord:
    line: int
    reason: str


def kind_for(filename: str, head: bytes = b"") -> Kind:
    """CSV or JSON Lines, by extension (``.csv``; ``.jsonl``/``.ndjson``/``.json``)."""
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise UploadError(f"unknown input format for {filename!r}: use .csv or .jsonl")


def read_records(source: bytes | IO[bytes], kind: Kind, text_field: str = "text",
                 id_field: str = "id") -> Iterator[Record | BadRecord]:
    """Yield every record, or a :class:`BadRecord` naming its line; blank lines are skipped."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    if kind == "jsonl":
        yield from _jsonl(stream, text_field, id_field)
    else:
        yield from _csv(stream, text_field, id_field)


def _jsonl(stream: IO[bytes], text_field: str, id_field: str) -> Iterator[Record | BadRecord]:
    for line_no, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield BadRecord(line_no, "invalid UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield BadRecord(line_no, f"invalid JSON ({exc.msg})")
            continue
        except RecursionError:
            yield BadRecord(line_no, "invalid JSON (nested too deeply)")
            continue
        except ValueError:  # Python refuses integers of more than 4,300 digits
            yield BadRecord(line_no, "invalid JSON (a number has too many digits)")
            continue
        if not isinstance(obj, dict):
            yield BadRecord(line_no, "record is not a JSON object")
            continue
        text = obj.get(text_field)
        if not isinstance(text, str):
            yield BadRecord(line_no, f"missing or non-string field '{text_field}'")
            continue
        yield Record(line_no, obj.get(id_field, line_no), text)


def _csv(stream: IO[bytes], text_field: str, id_field: str) -> Iterator[Record | BadRecord]:
    csv.field_size_limit(sys.maxsize)
    text_stream = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape",
                                   newline="")
    reader = csv.DictReader(text_stream)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise UploadError(f"line 1: malformed CSV header ({exc})") from None
    if fieldnames is None or text_field not in fieldnames:
        raise UploadError(f"line 1: the CSV has no column '{text_field}'")
    next_line = 2
    while True:
        line_no = next_line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BadRecord(line_no, f"malformed CSV ({exc})")
            return
        next_line = reader.line_num + 1
        values = [v for v in row.values() if isinstance(v, str)]
        if any(any("\udc80" <= c <= "\udcff" for c in v) for v in values):
            yield BadRecord(line_no, "invalid UTF-8")
            continue
        text = row.get(text_field)
        if text is None:
            yield BadRecord(line_no, f"missing field '{text_field}'")
            continue
        if not any(v.strip() for v in values):
            continue
        yield Record(line_no, row.get(id_field) or line_no, text)


def aggregate_contacts(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Which phone numbers, chat handles, e-mails and domains recur across posts.

    Returns rows ``{kind, value, count, max_level, ids}``, most frequent first.
    """
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for result in results:
        entities = result.get("entities") or {}
        seen: set[tuple[str, str]] = set()
        for kind in CONTACT_KINDS:
            for value in entities.get(kind) or []:
                key = (kind, _contact_value(value))
                if not key[1] or key in seen:
                    continue
                seen.add(key)
                row = table.setdefault(key, {"kind": kind, "value": key[1], "count": 0,
                                             "max_level": "low", "ids": []})
                row["count"] += 1
                row["ids"].append(result.get("id"))
                if LEVEL_RANK.get(result.get("level", "low"), 0) > LEVEL_RANK[row["max_level"]]:
                    row["max_level"] = result["level"]
    return sorted(table.values(), key=lambda r: (-r["count"], -LEVEL_RANK[r["max_level"]],
                                                 r["kind"], r["value"]))


def _contact_value(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("e164", "number", "handle", "value", "domain", "address", "url"):
            if value.get(key):
                return str(value[key])
        return json.dumps(value, sort_keys=True)
    return str(value)
