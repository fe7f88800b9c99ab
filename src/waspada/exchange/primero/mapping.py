"""Our HTCDS record → a Primero case, through the versioned ``primero_mapping.yaml`` (pure).

Select values are translated through the lookups and locations READ from the Primero server
(``GET /api/v2/lookups``: doc/api/lookups/get.md — ``unique_id`` and ``values[].id/display_text``;
``GET /api/v2/locations``: doc/api/locations/get.md — ``code`` and ``placename``), never from a
table in this code. A value with no match is reported as an :class:`Unknown` (the caller writes
it to the sync log) and is not sent; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MAPPING_FILE = Path(__file__).with_name("primero_mapping.yaml")
SOURCES = ("case", "victim")


class MappingError(ValueError):
    """The mapping file is malformed."""


@dataclass(frozen=True)
class FieldMap:
    htcds: str
    source: str
    primero: str
    lookup: str | None = None
    location: bool = False
    multi: bool = False
    match: dict[str, str] = field(default_factory=dict)
    format: str | None = None


@dataclass(frozen=True)
class Mapping:
    version: int
    fields: tuple[FieldMap, ...]


@dataclass(frozen=True)
class Unknown:
    """A value of ours that Primero's lookups/locations do not hold (reported, not sent).

    ``value`` is kept only for closed vocabularies (lookups); a location name is free text and
    may identify a person, so it is never carried into the log.
    """

    field: str
    primero: str
    vocabulary: str
    value: str | None

    def message(self) -> str:
        shown = f" {self.value!r}" if self.value is not None else ""
        return (f"value{shown} of {self.field} has no match in Primero {self.vocabulary} "
                f"(field {self.primero}); not sent")


@dataclass
class Mapped:
    data: dict[str, Any]
    unknown: list[Unknown]


def parse_mapping(raw: Any) -> Mapping:
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), int) \
            or not isinstance(raw.get("fields"), list):
        raise MappingError("the Primero mapping needs an integer version and a list of fields")
    out = []
    for i, item in enumerate(raw["fields"]):
        if not isinstance(item, dict) or not {"htcds", "from", "primero"} <= set(item):
            raise MappingError(f"mapping field {i}: htcds, from and primero are required")
        extra = set(item) - {"htcds", "from", "primero", "lookup", "location", "multi", "match",
                             "format"}
        if extra:
            raise MappingError(f"mapping field {i}: unknown keys {sorted(extra)}")
        source = str(item["from"])
        if source not in SOURCES and not source.startswith("event:"):
            raise MappingError(f"mapping field {i}: from must be case, victim or event:<type>")
        if item.get("lookup") and item.get("location"):
            raise MappingError(f"mapping field {i}: a field is a lookup or a location, not both")
        if item.get("format") not in (None, "date"):
            raise MappingError(f"mapping field {i}: format must be date")
        out.append(FieldMap(htcds=str(item["htcds"]), source=source,
                            primero=str(item["primero"]), lookup=item.get("lookup"),
                            location=bool(item.get("location")), multi=bool(item.get("multi")),
                            match={str(k): str(v) for k, v in (item.get("match") or {}).items()},
                            format=item.get("format")))
    return Mapping(version=raw["version"], fields=tuple(out))


@lru_cache(maxsize=4)
def load_mapping(path: Path = MAPPING_FILE) -> Mapping:
    return parse_mapping(yaml.safe_load(path.read_text(encoding="utf-8")))


def _english(text: Any) -> str:
    if isinstance(text, dict):
        return str(text.get("en") or "")
    return str(text or "")


class Vocabulary:
    """The lookups and locations one Primero server holds, read once per sync."""

    def __init__(self, lookups: list[dict[str, Any]], locations: list[dict[str, Any]]) -> None:
        self._lookups: dict[str, dict[str, str]] = {}
        for lookup in lookups:
            values: dict[str, str] = {}
            for value in lookup.get("values") or ():
                vid = str(value.get("id"))
                values[vid.casefold()] = vid
                label = _english(value.get("display_text")).casefold()
                if label:
                    values.setdefault(label, vid)
            self._lookups[str(lookup.get("unique_id"))] = values
        self._locations: dict[str, str] = {}
        for location in locations:
            code = str(location.get("code"))
            self._locations[code.casefold()] = code
            for name in (_english(location.get("placename")),
                         _english(location.get("name")).rsplit("::", 1)[-1]):
                if name:
                    self._locations.setdefault(name.casefold(), code)
        digest = json.dumps([lookups, locations], sort_keys=True, default=str).encode()
        self.version = hashlib.sha256(digest).hexdigest()[:12]

    def has_lookup(self, lookup_id: str) -> bool:
        return lookup_id in self._lookups

    def lookup_value(self, lookup_id: str, text: str) -> str | None:
        return self._lookups.get(lookup_id, {}).get(text.casefold())

    def location_code(self, text: str) -> str | None:
        return self._locations.get(text.casefold())


def _source(record: dict[str, Any], source: str) -> dict[str, Any]:
    if source == "case":
        return record
    if source == "victim":
        return next((p for p in record.get("persons") or ()
                     if p.get("x_wsp_PersonRole") == "victim"), {})
    kind = source.split(":", 1)[1]
    return next((e for e in record.get("historic_trafficking_events") or ()
                 if e.get("hte_Type") == kind), {})


def _translate(fm: FieldMap, value: Any, vocab: Vocabulary) -> tuple[Any, Unknown | None]:
    if fm.format == "date":
        return str(value)[:10], None
    if fm.location:
        code = vocab.location_code(str(value))
        return (code, None) if code else (None, Unknown(fm.htcds, fm.primero, "locations", None))
    if fm.lookup:
        values = value if isinstance(value, list) else [v for v in str(value).split(",") if v]
        ids = []
        for item in values:
            found = vocab.lookup_value(fm.lookup, fm.match.get(str(item), str(item)))
            if found is None:
                found = vocab.lookup_value(fm.lookup, str(item))
            if found is None:
                return None, Unknown(fm.htcds, fm.primero, fm.lookup, str(item))
            ids.append(found)
        return (ids if fm.multi else ids[0]), None
    return value, None


def to_primero(record: dict[str, Any], mapping: Mapping, vocab: Vocabulary) -> Mapped:
    """Our HTCDS record as the ``data`` of a Primero case, plus what could not be mapped."""
    data: dict[str, Any] = {}
    unknown: list[Unknown] = []
    for fm in mapping.fields:
        value = _source(record, fm.source).get(fm.htcds)
        if value in (None, "", []):
            continue
        if fm.lookup and not vocab.has_lookup(fm.lookup):
            unknown.append(Unknown(fm.htcds, fm.primero, fm.lookup, None))
            continue
        translated, problem = _translate(fm, value, vocab)
        if problem:
            unknown.append(problem)
        else:
            data[fm.primero] = translated
    return Mapped(data, unknown)
