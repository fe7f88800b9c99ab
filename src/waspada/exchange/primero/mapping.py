"""Our HTCDS record → a Primero case and back, through the versioned ``primero_mapping.yaml``
(pure).

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
        self._texts: dict[str, dict[str, str]] = {}  # lookup -> value id -> English text
        for lookup in lookups:
            values: dict[str, str] = {}
            texts: dict[str, str] = {}
            for value in lookup.get("values") or ():
                vid = str(value.get("id"))
                values[vid.casefold()] = vid
                label = _english(value.get("display_text"))
                texts[vid] = label or vid
                if label:
                    values.setdefault(label.casefold(), vid)
            self._lookups[str(lookup.get("unique_id"))] = values
            self._texts[str(lookup.get("unique_id"))] = texts
        self._locations: dict[str, str] = {}
        self._places: dict[str, str] = {}  # code -> English place name
        for location in locations:
            code = str(location.get("code"))
            self._locations[code.casefold()] = code
            self._places[code] = (_english(location.get("placename"))
                                  or _english(location.get("name")).rsplit("::", 1)[-1] or code)
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

    def lookup_text(self, lookup_id: str, value_id: str) -> str | None:
        """The English display text of a lookup value id (None: not in the lookup)."""
        return self._texts.get(lookup_id, {}).get(value_id)

    def place_name(self, code: str) -> str | None:
        return self._places.get(code)


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


@dataclass
class Pulled:
    """A Primero case as an HTCDS record (``record``: case fields, one victim, the events),
    plus the values Primero's vocabulary does not explain (reported, not applied)."""

    record: dict[str, Any]
    unknown: list[Unknown]


def _back(fm: FieldMap, value: Any, vocab: Vocabulary) -> tuple[Any, Unknown | None]:
    """One Primero value as our HTCDS value (the inverse of :func:`_translate`)."""
    if fm.format == "date":
        return str(value)[:10], None
    if fm.location:
        name = vocab.place_name(str(value))
        return (name, None) if name else (None, Unknown(fm.htcds, fm.primero, "locations",
                                                        None))
    if fm.lookup:
        ours = {text.casefold(): mine for mine, text in fm.match.items()}
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            text = vocab.lookup_text(fm.lookup, str(item))
            if text is None:
                return None, Unknown(fm.htcds, fm.primero, fm.lookup, str(item))
            out.append(ours.get(text.casefold(), text))
        return (out if fm.multi else out[0]), None
    return value, None


def from_primero(data: dict[str, Any], mapping: Mapping, vocab: Vocabulary, *,
                 events: bool = True) -> Pulled:
    """A Primero case's ``data`` as our HTCDS record (the mapping read backwards). Fields from
    ``event:<type>`` make one event of that type (``events=False`` leaves them out: a case
    that went from here to Primero carries back only the location we sent)."""
    record: dict[str, Any] = {}
    victim: dict[str, Any] = {}
    found: dict[str, dict[str, Any]] = {}
    unknown: list[Unknown] = []
    for fm in mapping.fields:
        value = data.get(fm.primero)
        if value in (None, "", []):
            continue
        if fm.source.startswith("event:") and not events:
            continue
        mine, problem = _back(fm, value, vocab)
        if problem:
            unknown.append(problem)
            continue
        if fm.source == "case":
            record[fm.htcds] = mine
        elif fm.source == "victim":
            victim[fm.htcds] = mine
        else:
            kind = fm.source.split(":", 1)[1]
            found.setdefault(kind, {"hte_Type": kind})[fm.htcds] = mine
    if victim:
        record["persons"] = [{**victim, "x_wsp_PersonRole": "victim"}]
    if found:
        record["historic_trafficking_events"] = list(found.values())
    return Pulled(record, unknown)
